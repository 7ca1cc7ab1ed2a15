//! A pod's effective resource request, as upstream computes it (PodRequests in
//! k8s.io/component-helpers/resource): the sum of the regular containers and the sidecars
//! (restartable init containers), or the peak of any init container if higher, plus the pod
//! overhead. The scheduler's scoring variant counts 100m cpu / 200Mi memory for a container
//! that requests none (NonMissingContainerRequests).

use crate::api::quantity::Quantity;
use serde_json::Value;
use std::collections::BTreeMap;

/// util.DefaultMilliCPURequest and util.DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go).
pub const DEFAULT_MILLI_CPU: i128 = 100;
pub const DEFAULT_MEMORY: i128 = 200 * 1024 * 1024;

type List = BTreeMap<String, i128>;

fn container_requests(c: &Value, non_missing: bool) -> List {
    let mut out = List::new();
    for (k, v) in c.get("resources").and_then(|r| r.get("requests")).and_then(Value::as_object).into_iter().flatten() {
        if let Some(q) = v.as_str().and_then(|s| Quantity::parse(s).ok()) {
            out.insert(k.clone(), q.milli());
        }
    }
    if non_missing {
        out.entry("cpu".into()).or_insert(DEFAULT_MILLI_CPU);
        out.entry("memory".into()).or_insert(DEFAULT_MEMORY * 1000);
    }
    out
}

fn add(into: &mut List, from: &List) {
    for (k, v) in from {
        let e = into.entry(k.clone()).or_insert(0);
        *e = e.saturating_add(*v);
    }
}

fn max(into: &mut List, from: &List) {
    for (k, v) in from {
        let e = into.entry(k.clone()).or_insert(0);
        *e = (*e).max(*v);
    }
}

/// Every requested resource in milli-units (AggregateContainerRequests + overhead).
pub fn pod_requests(pod: &Value, non_missing: bool) -> BTreeMap<String, i128> {
    let mut reqs = List::new();
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    for c in spec.get("containers").and_then(Value::as_array).into_iter().flatten() {
        add(&mut reqs, &container_requests(c, non_missing));
    }
    let mut sidecars = List::new();
    let mut init_peak = List::new();
    for c in spec.get("initContainers").and_then(Value::as_array).into_iter().flatten() {
        let r = container_requests(c, non_missing);
        if c.get("restartPolicy").and_then(Value::as_str) == Some("Always") {
            // a sidecar keeps running: it adds to the pod and to every later init container
            add(&mut reqs, &r);
            add(&mut sidecars, &r);
            max(&mut init_peak, &sidecars);
        } else {
            let mut with = r;
            add(&mut with, &sidecars);
            max(&mut init_peak, &with);
        }
    }
    max(&mut reqs, &init_peak);
    for (k, v) in spec.get("overhead").and_then(Value::as_object).into_iter().flatten() {
        if let Some(q) = v.as_str().and_then(|s| Quantity::parse(s).ok()) {
            let e = reqs.entry(k.clone()).or_insert(0);
            *e = e.saturating_add(q.milli());
        }
    }
    reqs
}

pub fn pod_request(pod: &Value, res: &str) -> Quantity {
    Quantity::from_milli(pod_requests(pod, false).get(res).copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The init-container rule from the Kubernetes docs "Resource sharing within containers".
    #[test]
    fn init_containers_and_overhead() {
        let pod = json!({"spec": {
            "initContainers": [{"resources": {"requests": {"cpu": "1"}}}],
            "containers": [{"resources": {"requests": {"cpu": "200m"}}}, {"resources": {"requests": {"cpu": "300m"}}}],
            "overhead": {"cpu": "50m"}
        }});
        assert_eq!(pod_request(&pod, "cpu").milli(), 1050);
        assert_eq!(pod_request(&pod, "memory").milli(), 0);
    }

    // After TestPodRequestsAndLimitsWithRestartableInitContainers (component-helpers): a sidecar
    // of 1 cpu adds to the containers (1 + 2 = 3) and to a later init container (1 + 3 = 4 > 3).
    #[test]
    fn sidecars() {
        let pod = json!({"spec": {
            "initContainers": [
                {"restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}},
                {"resources": {"requests": {"cpu": "3"}}}
            ],
            "containers": [{"resources": {"requests": {"cpu": "2"}}}]
        }});
        assert_eq!(pod_request(&pod, "cpu").milli(), 4000);
        // scoring defaults: a container without requests counts 100m / 200Mi
        let empty = json!({"spec": {"containers": [{}, {}]}});
        let r = pod_requests(&empty, true);
        assert_eq!(r["cpu"], 200);
        assert_eq!(r["memory"], 400 * 1024 * 1024 * 1000);
    }
}
