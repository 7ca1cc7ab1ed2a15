//! kubectl's human-readable columns per kind (kubectl/pkg/printers/internalversion/printers.go):
//! the same headers, the same cell logic (pod STATUS and READY, node ROLES, service PORT(S) …).

use crate::api::ext::ObjectExt;
use crate::api::labels::{labels_of, Selector};
use crate::api::time::{human_duration, parse_rfc3339, Millis};
use crate::api::{at, name, str_at};
use serde_json::Value;

pub fn headers(kind: &str, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        "Pod" => (&["NAME", "READY", "STATUS", "RESTARTS", "AGE"], &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
        "Node" => (&["NAME", "STATUS", "ROLES", "AGE", "VERSION"], &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
        "Namespace" => (&["NAME", "STATUS", "AGE"], &[]),
        "Service" => (&["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], &["SELECTOR"]),
        "Deployment" => (&["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        "ReplicaSet" | "ReplicationController" => (&["NAME", "DESIRED", "CURRENT", "READY", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        "DaemonSet" => (&["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        "Job" => (&["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        "CronJob" => (&["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        "ConfigMap" => (&["NAME", "DATA", "AGE"], &[]),
        "Secret" => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        "ServiceAccount" => (&["NAME", "SECRETS", "AGE"], &[]),
        "Event" => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"]),
        "Endpoints" => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        "EndpointSlice" => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        "Lease" => (&["NAME", "HOLDER", "AGE"], &[]),
        "PriorityClass" => (&["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"], &[]),
        _ => (&["NAME", "AGE"], &[]),
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

fn ts(v: &Value, pointer: &str) -> Option<Millis> {
    at(v, pointer).and_then(Value::as_str).and_then(parse_rfc3339)
}

pub fn age(v: &Value, now: Millis) -> String {
    match ts(v, "/metadata/creationTimestamp") {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

fn i(v: &Value, pointer: &str) -> i64 {
    at(v, pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "<none>".into() } else { s }
}

fn containers_images(tpl_spec: Option<&Value>) -> (String, String) {
    let cs: Vec<&Value> = tpl_spec.and_then(|s| s.get("containers")).and_then(Value::as_array).into_iter().flatten().collect();
    (cs.iter().map(|c| str_at(c, "/name")).collect::<Vec<_>>().join(","), cs.iter().map(|c| str_at(c, "/image")).collect::<Vec<_>>().join(","))
}

fn selector_string(v: Option<&Value>) -> String {
    match Selector::from_label_selector(v) {
        Ok(s) if !s.matches_nothing => none_if_empty(s.to_string_form()),
        _ => "<none>".into(),
    }
}

pub fn row(kind: &str, v: &Value, now: Millis, wide: bool) -> Vec<String> {
    let mut r: Vec<String> = match kind {
        "Pod" => pod_row(v, now, wide),
        "Node" => node_row(v, now, wide),
        "Namespace" => vec![name(v).into(), str_at(v, "/status/phase").into(), age(v, now)],
        "Service" => {
            let typ = str_at(v, "/spec/type");
            let ext = match typ {
                "LoadBalancer" => {
                    let ing: Vec<&str> = at(v, "/status/loadBalancer/ingress").and_then(Value::as_array).into_iter().flatten().filter_map(|i| i.get("ip").and_then(Value::as_str)).collect();
                    if ing.is_empty() { "<pending>".to_string() } else { ing.join(",") }
                }
                "ExternalName" => str_at(v, "/spec/externalName").to_string(),
                _ => at(v, "/spec/externalIPs").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")).filter(|s| !s.is_empty()).unwrap_or_else(|| "<none>".into()),
            };
            let ports: Vec<String> = v
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    let port = i(p, "/port");
                    let proto = str_at(p, "/protocol");
                    match p.get("nodePort").and_then(Value::as_i64) {
                        Some(np) => format!("{}:{}/{}", port, np, proto),
                        None => format!("{}/{}", port, proto),
                    }
                })
                .collect();
            let cip = str_at(v, "/spec/clusterIP");
            let mut r = vec![name(v).into(), typ.into(), if cip.is_empty() { "<none>".into() } else { cip.into() }, ext, none_if_empty(ports.join(",")), age(v, now)];
            if wide {
                let sel = crate::api::labels::map_of(at(v, "/spec/selector"));
                r.push(none_if_empty(sel.iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join(",")));
            }
            r
        }
        "Deployment" => {
            let mut r = vec![name(v).into(), format!("{}/{}", i(v, "/status/readyReplicas"), i(v, "/spec/replicas")), i(v, "/status/updatedReplicas").to_string(), i(v, "/status/availableReplicas").to_string(), age(v, now)];
            if wide {
                let (c, im) = containers_images(at(v, "/spec/template/spec"));
                r.extend([c, im, selector_string(at(v, "/spec/selector"))]);
            }
            r
        }
        "ReplicaSet" | "ReplicationController" => {
            let mut r = vec![name(v).into(), i(v, "/spec/replicas").to_string(), i(v, "/status/replicas").to_string(), i(v, "/status/readyReplicas").to_string(), age(v, now)];
            if wide {
                let (c, im) = containers_images(at(v, "/spec/template/spec"));
                let sel = if kind == "ReplicationController" {
                    none_if_empty(crate::api::labels::map_of(at(v, "/spec/selector")).iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join(","))
                } else {
                    selector_string(at(v, "/spec/selector"))
                };
                r.extend([c, im, sel]);
            }
            r
        }
        "DaemonSet" => {
            let ns = crate::api::labels::map_of(at(v, "/spec/template/spec/nodeSelector"));
            let mut r = vec![
                name(v).into(),
                i(v, "/status/desiredNumberScheduled").to_string(),
                i(v, "/status/currentNumberScheduled").to_string(),
                i(v, "/status/numberReady").to_string(),
                i(v, "/status/updatedNumberScheduled").to_string(),
                i(v, "/status/numberAvailable").to_string(),
                none_if_empty(ns.iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join(",")),
                age(v, now),
            ];
            if wide {
                let (c, im) = containers_images(at(v, "/spec/template/spec"));
                r.extend([c, im, selector_string(at(v, "/spec/selector"))]);
            }
            r
        }
        "Job" => {
            let completions = at(v, "/spec/completions").and_then(Value::as_i64);
            let succeeded = i(v, "/status/succeeded");
            let comp = match completions {
                Some(c) => format!("{}/{}", succeeded, c),
                None => format!("{}/1 of {}", succeeded, i(v, "/spec/parallelism")),
            };
            let start = ts(v, "/status/startTime");
            let end = ts(v, "/status/completionTime");
            let duration = match (start, end) {
                (Some(s), Some(e)) => human_duration(e - s),
                (Some(s), None) => human_duration(now - s),
                _ => String::new(),
            };
            let mut r = vec![name(v).into(), job_status(v), comp, duration, age(v, now)];
            if wide {
                let (c, im) = containers_images(at(v, "/spec/template/spec"));
                r.extend([c, im, selector_string(at(v, "/spec/selector"))]);
            }
            r
        }
        "CronJob" => {
            let last = ts(v, "/status/lastScheduleTime").map(|t| human_duration(now - t)).unwrap_or_else(|| "<none>".into());
            let active = at(v, "/status/active").and_then(Value::as_array).map_or(0, Vec::len);
            let tz = str_at(v, "/spec/timeZone");
            let mut r = vec![name(v).into(), str_at(v, "/spec/schedule").into(), if tz.is_empty() { "<none>".into() } else { tz.into() }, at(v, "/spec/suspend").and_then(Value::as_bool).unwrap_or(false).to_string(), active.to_string(), last, age(v, now)];
            if wide {
                let (c, im) = containers_images(at(v, "/spec/jobTemplate/spec/template/spec"));
                r.extend([c, im, selector_string(at(v, "/spec/jobTemplate/spec/selector"))]);
            }
            r
        }
        "ConfigMap" => {
            let n = v.get("data").and_then(Value::as_object).map_or(0, |m| m.len()) + v.get("binaryData").and_then(Value::as_object).map_or(0, |m| m.len());
            vec![name(v).into(), n.to_string(), age(v, now)]
        }
        "Secret" => {
            let n = v.get("data").and_then(Value::as_object).map_or(0, |m| m.len());
            vec![name(v).into(), str_at(v, "/type").into(), n.to_string(), age(v, now)]
        }
        "ServiceAccount" => vec![name(v).into(), v.get("secrets").and_then(Value::as_array).map_or(0, Vec::len).to_string(), age(v, now)],
        "Event" => event_row(v, now, wide),
        "Endpoints" => vec![name(v).into(), endpoints_string(v), age(v, now)],
        "EndpointSlice" => {
            let ports: Vec<String> = v.get("ports").and_then(Value::as_array).into_iter().flatten().map(|p| i(p, "/port").to_string()).collect();
            let addrs: Vec<String> = v.get("endpoints").and_then(Value::as_array).into_iter().flatten().filter_map(|e| at(e, "/addresses/0").and_then(Value::as_str).map(String::from)).collect();
            vec![name(v).into(), str_at(v, "/addressType").into(), if ports.is_empty() { "<unset>".into() } else { ports.join(",") }, if addrs.is_empty() { "<unset>".into() } else { truncate_list(&addrs) }, age(v, now)]
        }
        "Lease" => vec![name(v).into(), str_at(v, "/spec/holderIdentity").into(), age(v, now)],
        "PriorityClass" => vec![name(v).into(), i(v, "/value").to_string(), v.get("globalDefault").and_then(Value::as_bool).unwrap_or(false).to_string(), age(v, now), str_at(v, "/preemptionPolicy").into()],
        _ => vec![name(v).into(), age(v, now)],
    };
    if r.is_empty() {
        r.push(name(v).into());
    }
    r
}

fn truncate_list(items: &[String]) -> String {
    if items.len() > 3 {
        format!("{} + {} more...", items[..3].join(","), items.len() - 3)
    } else {
        items.join(",")
    }
}

/// formatEndpoints: ports outer, addresses inner, at most three shown.
pub fn endpoints_string(v: &Value) -> String {
    let mut out = vec![];
    for s in v.get("subsets").and_then(Value::as_array).into_iter().flatten() {
        let addrs: Vec<&str> = s.get("addresses").and_then(Value::as_array).into_iter().flatten().map(|a| str_at(a, "/ip")).collect();
        let ports: Vec<i64> = s.get("ports").and_then(Value::as_array).into_iter().flatten().map(|p| i(p, "/port")).collect();
        if ports.is_empty() {
            out.extend(addrs.iter().map(|a| a.to_string()));
        }
        for p in &ports {
            out.extend(addrs.iter().map(|a| format!("{}:{}", a, p)));
        }
    }
    if out.is_empty() { "<none>".into() } else { truncate_list(&out) }
}

fn job_status(v: &Value) -> String {
    let conds = at(v, "/status/conditions").and_then(Value::as_array);
    let has = |t: &str| conds.into_iter().flatten().any(|c| str_at(c, "/type") == t && str_at(c, "/status") == "True");
    if has("Complete") {
        "Complete".into()
    } else if has("Failed") {
        "Failed".into()
    } else if v.is_terminating() {
        "Terminating".into()
    } else if has("Suspended") {
        "Suspended".into()
    } else if has("FailureTarget") {
        "FailureTarget".into()
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet".into()
    } else {
        "Running".into()
    }
}

/// printPod's STATUS, READY and RESTARTS logic.
pub fn pod_status(v: &Value, now: Millis) -> (String, String, String) {
    // each field is read from its parent, not from the pod's root
    let status = v.get("status").unwrap_or(&Value::Null);
    let total = at(v, "/spec/containers").and_then(Value::as_array).map_or(0, Vec::len);
    let mut ready = 0;
    let mut restarts = 0i64;
    let mut last_restart: Option<Millis> = None;
    let mut reason = str_at(status, "/phase").to_string();
    if !str_at(status, "/reason").is_empty() {
        reason = str_at(status, "/reason").to_string();
    }
    let track_restart = |cs: &Value, last: &mut Option<Millis>| {
        if let Some(t) = ts(cs, "/lastState/terminated/finishedAt") {
            *last = Some(last.map_or(t, |l: Millis| l.max(t)));
        }
    };
    let init_total = at(v, "/spec/initContainers").and_then(Value::as_array).map_or(0, Vec::len);
    let mut initializing = false;
    for (idx, cs) in at(status, "/initContainerStatuses").and_then(Value::as_array).into_iter().flatten().enumerate() {
        restarts += i(cs, "/restartCount");
        track_restart(cs, &mut last_restart);
        if let Some(t) = at(cs, "/state/terminated") {
            if i(t, "/exitCode") == 0 {
                continue;
            }
            reason = if !str_at(t, "/reason").is_empty() { format!("Init:{}", str_at(t, "/reason")) } else { format!("Init:ExitCode:{}", i(t, "/exitCode")) };
        } else if at(cs, "/state/waiting").is_some() && !str_at(cs, "/state/waiting/reason").is_empty() && str_at(cs, "/state/waiting/reason") != "PodInitializing" {
            reason = format!("Init:{}", str_at(cs, "/state/waiting/reason"));
        } else {
            reason = format!("Init:{}/{}", idx, init_total);
        }
        initializing = true;
        break;
    }
    if !initializing {
        restarts = 0;
        let mut has_running = false;
        let statuses: Vec<&Value> = at(status, "/containerStatuses").and_then(Value::as_array).into_iter().flatten().collect();
        for cs in statuses.iter().rev() {
            restarts += i(cs, "/restartCount");
            track_restart(cs, &mut last_restart);
            let waiting = str_at(cs, "/state/waiting/reason");
            let term = at(cs, "/state/terminated");
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = term.filter(|t| !str_at(t, "/reason").is_empty()) {
                reason = str_at(t, "/reason").to_string();
            } else if let Some(t) = term {
                reason = if i(t, "/signal") != 0 { format!("Signal:{}", i(t, "/signal")) } else { format!("ExitCode:{}", i(t, "/exitCode")) };
            } else if cs.get("ready").and_then(Value::as_bool) == Some(true) && at(cs, "/state/running").is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let ready_cond = at(status, "/conditions").and_then(Value::as_array).into_iter().flatten().any(|c| str_at(c, "/type") == "Ready" && str_at(c, "/status") == "True");
            reason = if ready_cond { "Running".into() } else { "NotReady".into() };
        }
    }
    if v.is_terminating() {
        reason = if str_at(status, "/reason") == "NodeLost" { "Unknown".into() } else { "Terminating".into() };
    }
    let restarts_s = match last_restart {
        Some(t) if restarts > 0 => format!("{} ({} ago)", restarts, human_duration(now - t)),
        _ => restarts.to_string(),
    };
    (format!("{}/{}", ready, total), reason, restarts_s)
}

fn pod_row(v: &Value, now: Millis, wide: bool) -> Vec<String> {
    let (ready, status, restarts) = pod_status(v, now);
    let mut r = vec![name(v).into(), ready, status, restarts, age(v, now)];
    if wide {
        let ip = str_at(v, "/status/podIP");
        let node = str_at(v, "/spec/nodeName");
        let nominated = str_at(v, "/status/nominatedNodeName");
        let gates = at(v, "/spec/readinessGates").and_then(Value::as_array).map_or(0, Vec::len);
        r.extend([
            if ip.is_empty() { "<none>".into() } else { ip.into() },
            if node.is_empty() { "<none>".into() } else { node.into() },
            if nominated.is_empty() { "<none>".into() } else { nominated.into() },
            if gates == 0 { "<none>".into() } else { format!("0/{}", gates) },
        ]);
    }
    r
}

pub fn node_roles(v: &Value) -> String {
    let mut roles: Vec<String> = vec![];
    for (k, val) in labels_of(v) {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !val.is_empty() {
            roles.push(val);
        }
    }
    roles.sort();
    roles.dedup();
    none_if_empty(roles.join(","))
}

pub fn node_status(v: &Value) -> String {
    let ready = at(v, "/status/conditions").and_then(Value::as_array).into_iter().flatten().find(|c| str_at(c, "/type") == "Ready").map(|c| str_at(c, "/status").to_string());
    // printers.go printNode: "Ready" when True, "NotReady" for False *and* Unknown (a node the
    // node controller lost), "Unknown" only when there is no Ready condition at all
    let mut s = match ready.as_deref() {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if at(v, "/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        s.push_str(",SchedulingDisabled");
    }
    s
}

fn node_row(v: &Value, now: Millis, wide: bool) -> Vec<String> {
    let mut r = vec![name(v).into(), node_status(v), node_roles(v), age(v, now), str_at(v, "/status/nodeInfo/kubeletVersion").into()];
    if wide {
        let addr = |t: &str| at(v, "/status/addresses").and_then(Value::as_array).into_iter().flatten().find(|a| str_at(a, "/type") == t).map(|a| str_at(a, "/address").to_string()).unwrap_or_else(|| "<none>".into());
        let info = |f: &str| none_if_empty(str_at(v, &format!("/status/nodeInfo/{}", f)).to_string());
        r.extend([addr("InternalIP"), addr("ExternalIP"), info("osImage"), info("kernelVersion"), info("containerRuntimeVersion")]);
    }
    r
}

fn event_row(v: &Value, now: Millis, wide: bool) -> Vec<String> {
    let last = ts(v, "/lastTimestamp").or_else(|| ts(v, "/eventTime")).or_else(|| ts(v, "/metadata/creationTimestamp"));
    let first = ts(v, "/firstTimestamp").or_else(|| ts(v, "/eventTime")).or(last);
    let count = v.get("count").and_then(Value::as_i64).unwrap_or(1);
    let last_seen = match (last, first) {
        (Some(l), Some(f)) if count > 1 => format!("{} (x{} over {})", human_duration(now - l), count, human_duration(now - f)),
        (Some(l), _) => human_duration(now - l),
        _ => "<unknown>".into(),
    };
    let kind = str_at(v, "/involvedObject/kind").to_lowercase();
    let obj = format!("{}/{}", kind, str_at(v, "/involvedObject/name"));
    let mut r = vec![last_seen, str_at(v, "/type").into(), str_at(v, "/reason").into(), obj, str_at(v, "/message").trim().to_string()];
    if wide {
        let src = str_at(v, "/source/component");
        let host = str_at(v, "/source/host");
        r.extend([
            str_at(v, "/involvedObject/fieldPath").to_string(),
            if host.is_empty() { src.to_string() } else { format!("{}, {}", src, host) },
            first.map(|f| human_duration(now - f)).unwrap_or_default(),
            count.to_string(),
            name(v).to_string(),
        ]);
    }
    r
}
