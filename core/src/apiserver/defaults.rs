//! Defaulting, as pkg/apis/*/v1/defaults.go and the registry strategies fill fields a manifest
//! leaves out. Applied on create and update, so `kubectl get -o yaml` shows what a real cluster
//! shows.

use crate::api::quantity::Quantity;
use serde_json::{json, Map, Value};

fn obj(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut().expect("made an object above")
}

fn child<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    obj(v).entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()))
}

fn default(m: &mut Map<String, Value>, key: &str, value: Value) {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_string(), value);
    }
}

pub fn apply(kind: &str, v: &mut Value) {
    match kind {
        "Pod" => {
            pod_spec(child(v, "spec"));
            let qos = qos_class(&v["spec"]);
            let status = obj(child(v, "status"));
            default(status, "phase", json!("Pending"));
            default(status, "qosClass", json!(qos));
        }
        "ReplicaSet" | "ReplicationController" => {
            let spec = child(v, "spec");
            default(obj(spec), "replicas", json!(1));
            if kind == "ReplicationController" {
                // RC defaults its selector and labels from the template's labels.
                let labels = spec.pointer("/template/metadata/labels").cloned().unwrap_or(Value::Null);
                if labels.is_object() {
                    default(obj(spec), "selector", labels.clone());
                }
            }
            pod_template(spec);
        }
        "Deployment" => {
            let spec = child(v, "spec");
            let m = obj(spec);
            default(m, "replicas", json!(1));
            default(m, "revisionHistoryLimit", json!(10));
            default(m, "progressDeadlineSeconds", json!(600));
            let strategy = obj(m.entry("strategy").or_insert_with(|| json!({})));
            default(strategy, "type", json!("RollingUpdate"));
            if strategy.get("type") == Some(&json!("RollingUpdate")) {
                let ru = obj(strategy.entry("rollingUpdate").or_insert_with(|| json!({})));
                default(ru, "maxSurge", json!("25%"));
                default(ru, "maxUnavailable", json!("25%"));
            }
            pod_template(spec);
        }
        "DaemonSet" => {
            let spec = child(v, "spec");
            let m = obj(spec);
            default(m, "revisionHistoryLimit", json!(10));
            let strategy = obj(m.entry("updateStrategy").or_insert_with(|| json!({})));
            default(strategy, "type", json!("RollingUpdate"));
            if strategy.get("type") == Some(&json!("RollingUpdate")) {
                let ru = obj(strategy.entry("rollingUpdate").or_insert_with(|| json!({})));
                default(ru, "maxUnavailable", json!(1));
                default(ru, "maxSurge", json!(0));
            }
            pod_template(spec);
        }
        "Job" => job_spec(child(v, "spec")),
        "CronJob" => {
            let spec = child(v, "spec");
            let m = obj(spec);
            default(m, "concurrencyPolicy", json!("Allow"));
            default(m, "suspend", json!(false));
            default(m, "successfulJobsHistoryLimit", json!(3));
            default(m, "failedJobsHistoryLimit", json!(1));
            job_spec(child(child(spec, "jobTemplate"), "spec"));
        }
        "Service" => {
            let spec = child(v, "spec");
            let m = obj(spec);
            default(m, "type", json!("ClusterIP"));
            default(m, "sessionAffinity", json!("None"));
            let typ = m.get("type").and_then(Value::as_str).unwrap_or("ClusterIP").to_string();
            if typ != "ExternalName" {
                default(m, "internalTrafficPolicy", json!("Cluster"));
                default(m, "ipFamilies", json!(["IPv4"]));
                default(m, "ipFamilyPolicy", json!("SingleStack"));
            }
            if typ == "NodePort" || typ == "LoadBalancer" {
                default(m, "externalTrafficPolicy", json!("Cluster"));
            }
            if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    let pm = obj(p);
                    default(pm, "protocol", json!("TCP"));
                    if let Some(port) = pm.get("port").cloned() {
                        default(pm, "targetPort", port);
                    }
                }
            }
            obj(child(child(v, "status"), "loadBalancer"));
        }
        "Namespace" => {
            let name = v.pointer("/metadata/name").cloned().unwrap_or(Value::Null);
            if let Some(n) = name.as_str() {
                let labels = obj(child(child(v, "metadata"), "labels"));
                labels.insert("kubernetes.io/metadata.name".into(), json!(n));
            }
            default(obj(child(v, "spec")), "finalizers", json!(["kubernetes"]));
            default(obj(child(v, "status")), "phase", json!("Active"));
        }
        "Secret" => default(obj(v), "type", json!("Opaque")),
        "PriorityClass" => default(obj(v), "preemptionPolicy", json!("PreemptLowerPriority")),
        "Node" => {
            obj(child(v, "spec"));
        }
        _ => {}
    }
}

fn job_spec(spec: &mut Value) {
    let m = obj(spec);
    if m.get("completions").is_none_or(Value::is_null) && m.get("parallelism").is_none_or(Value::is_null) {
        m.insert("completions".into(), json!(1));
        m.insert("parallelism".into(), json!(1));
    }
    default(m, "parallelism", json!(1));
    default(m, "backoffLimit", json!(6));
    default(m, "completionMode", json!("NonIndexed"));
    default(m, "suspend", json!(false));
    default(m, "podReplacementPolicy", json!("TerminatingOrFailed"));
    pod_template(spec);
}

fn pod_template(spec: &mut Value) {
    let tpl = child(spec, "template");
    obj(child(tpl, "metadata"));
    pod_spec(child(tpl, "spec"));
}

/// SetDefaults_PodSpec and SetDefaults_Container.
pub fn pod_spec(spec: &mut Value) {
    let m = obj(spec);
    default(m, "restartPolicy", json!("Always"));
    default(m, "dnsPolicy", json!("ClusterFirst"));
    default(m, "terminationGracePeriodSeconds", json!(30));
    default(m, "schedulerName", json!("default-scheduler"));
    default(m, "securityContext", json!({}));
    default(m, "enableServiceLinks", json!(true));
    for list in ["initContainers", "containers"] {
        if let Some(cs) = m.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                container(c);
            }
        }
    }
}

fn container(c: &mut Value) {
    let m = obj(c);
    let image = m.get("image").and_then(Value::as_str).unwrap_or("").to_string();
    // SetDefaults_Container: Always for :latest or no tag, IfNotPresent otherwise.
    default(m, "imagePullPolicy", json!(if image_tag_is_latest(&image) { "Always" } else { "IfNotPresent" }));
    default(m, "terminationMessagePath", json!("/dev/termination-log"));
    default(m, "terminationMessagePolicy", json!("File"));
    default(m, "resources", json!({}));
    // Limits without requests: requests default to the limits.
    let limits = m.get("resources").and_then(|r| r.get("limits")).cloned();
    if let Some(Value::Object(limits)) = limits {
        let res = obj(m.get_mut("resources").expect("defaulted above"));
        let req = obj(res.entry("requests").or_insert_with(|| json!({})));
        for (k, v) in limits {
            req.entry(k).or_insert(v);
        }
    }
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            default(obj(p), "protocol", json!("TCP"));
        }
    }
}

pub fn image_tag_is_latest(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

/// pkg/apis/core/helper/qos.GetPodQOS
pub fn qos_class(spec: &Value) -> &'static str {
    let mut requests_any = false;
    let mut limits_any = false;
    let mut guaranteed = true;
    let containers = spec.get("containers").and_then(Value::as_array).into_iter().flatten().chain(spec.get("initContainers").and_then(Value::as_array).into_iter().flatten());
    for c in containers {
        let req = c.pointer("/resources/requests").and_then(Value::as_object);
        let lim = c.pointer("/resources/limits").and_then(Value::as_object);
        let q = |m: Option<&Map<String, Value>>, k: &str| m.and_then(|m| m.get(k)).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok()).filter(|q| q.milli() != 0);
        for r in ["cpu", "memory"] {
            let (rq, lq) = (q(req, r), q(lim, r));
            requests_any |= rq.is_some();
            limits_any |= lq.is_some();
            if lq.is_none() || rq.is_some_and(|rq| Some(rq) != lq) {
                guaranteed = false;
            }
        }
    }
    if !requests_any && !limits_any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // pkg/apis/core/v1/defaults_test.go: TestSetDefaultPodSpec, TestSetDefaultImagePullPolicy.
    #[test]
    fn pod_defaults() {
        let mut p = json!({"spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "nginx:1.27"}, {"name": "c", "image": "busybox:latest"}]}});
        apply("Pod", &mut p);
        assert_eq!(p["spec"]["restartPolicy"], "Always");
        assert_eq!(p["spec"]["dnsPolicy"], "ClusterFirst");
        assert_eq!(p["spec"]["terminationGracePeriodSeconds"], 30);
        assert_eq!(p["spec"]["schedulerName"], "default-scheduler");
        assert_eq!(p["spec"]["containers"][0]["imagePullPolicy"], "Always");
        assert_eq!(p["spec"]["containers"][1]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(p["spec"]["containers"][2]["imagePullPolicy"], "Always");
        assert_eq!(p["status"]["phase"], "Pending");
        assert_eq!(p["status"]["qosClass"], "BestEffort");
    }

    // pkg/apis/core/helper/qos/qos_test.go
    #[test]
    fn qos() {
        let g = json!({"containers": [{"resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}}]});
        assert_eq!(qos_class(&g), "Guaranteed");
        let b = json!({"containers": [{"resources": {"requests": {"cpu": "100m"}}}]});
        assert_eq!(qos_class(&b), "Burstable");
        assert_eq!(qos_class(&json!({"containers": [{}]})), "BestEffort");
    }

    #[test]
    fn deployment_defaults() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx"}]}}}});
        apply("Deployment", &mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
        assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
    }
}
