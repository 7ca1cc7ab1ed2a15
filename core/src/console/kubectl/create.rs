//! Generators: `kubectl run` and `kubectl create deployment|namespace|configmap|secret
//! generic|priorityclass|service|job|cronjob`, with `--dry-run=client -o yaml` printing the
//! object kubectl would send.

use super::args::{self, boolean, val, Args, Flag};
use super::output::{kind_name, yaml_or_json, Format};
use crate::api::resources;
use crate::console::{Console, Out};
use serde_json::{json, Map, Value};

/// What kubectl's scheme decoder says of an object that is not one of its kinds.
fn decode_error(obj: &Value) -> String {
    match obj {
        Value::Object(_) if crate::api::kind(obj).is_empty() => format!("error: Object 'Kind' is missing in '{}'", obj),
        Value::Object(_) => format!("error: no kind \"{}\" is registered for version \"{}\" in scheme \"k8s.io/kubectl/pkg/scheme/scheme.go:28\"", crate::api::kind(obj), crate::api::str_at(obj, "/apiVersion")),
        other => format!(
            "error: couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
            match other {
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                Value::Array(_) => "array",
                _ => "null",
            }
        ),
    }
}

/// Sends or prints a generated object.
fn finish(c: &mut Console, a: &Args, mut obj: Value) -> Out {
    let fmt = match Format::parse(a.get("output")) {
        Ok(f) => f,
        Err(e) => return Out::err(e),
    };
    let dry = a.get("dry-run").unwrap_or("none");
    if !["none", "client", "server", "true"].contains(&dry) {
        return Out::err(format!("error: Invalid dry-run value ({}). Must be \"none\", \"server\", or \"client\".", dry));
    }
    // --overrides may have changed the kind (or the whole object): kubectl's decoder says so
    let Some(r) = resources::by_kind(crate::api::kind(&obj)) else { return Out::err(decode_error(&obj)) };
    if r.namespaced {
        if let Some(ns) = a.get("namespace") {
            obj["metadata"]["namespace"] = json!(ns);
        }
    }
    let result = if dry == "client" || dry == "true" {
        obj.clone()
    } else {
        match c.cluster.api.create(obj, dry == "server") {
            Ok(v) => {
                c.cluster.settle();
                (*v).clone()
            }
            Err(e) => return Out::err(e.kubectl()),
        }
    };
    let suffix = match dry {
        "client" | "true" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    };
    match fmt {
        Format::Yaml | Format::Json => Out::ok(yaml_or_json(&result, &fmt)),
        Format::Name => Out::ok(format!("{}\n", kind_name(r, crate::api::name(&result)))),
        Format::JsonPath(t) => match super::output::jsonpath(&t, &result) {
            Ok(s) => Out::ok(s),
            Err(e) => Out::err(e),
        },
        _ => Out::ok(format!("{} created{}\n", kind_name(r, crate::api::name(&result)), suffix)),
    }
}

fn parse_kv_list(items: &[String], what: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    for it in items {
        for part in it.split(',').filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else { return Err(format!("error: invalid {}: {:?}", what, part)) };
            m.insert(k.to_string(), json!(v));
        }
    }
    Ok(m)
}

const RUN_FLAGS: &[Flag] = &[
    val("image", None),
    val("labels", Some('l')),
    val("port", None),
    val("restart", None),
    val("dry-run", None),
    val("output", Some('o')),
    val("env", None),
    boolean("command", None),
    val("overrides", None),
    val("override-type", None),
    boolean("expose", None),
    val("annotations", None),
    boolean("rm", None),
    boolean("stdin", Some('i')),
    boolean("tty", Some('t')),
    val("image-pull-policy", None),
    boolean("privileged", None),
    val("serviceaccount", None),
    boolean("attach", None),
    boolean("quiet", Some('q')),
];

/// `kubectl run NAME --image=IMAGE [--labels] [--port] [--restart] [--env] [-- args]`
pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl run", words, RUN_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(name) = a.pos.first() else { return Out::err("error: NAME is required for run\nSee 'kubectl run -h' for help and examples") };
    let Some(image) = a.get("image").filter(|i| !i.is_empty()) else { return Out::err("error: --image is required") };
    if a.pos.len() > 1 {
        return Out::err("error: Unexpected args: ".to_string() + &format!("{:?}", &a.pos[1..]) + "\nSee 'kubectl run -h' for help and examples");
    }
    let restart = a.get("restart").unwrap_or("Always");
    if !["Always", "OnFailure", "Never"].contains(&restart) {
        return Out::err(format!("error: invalid restart policy: {}", restart));
    }
    let mut labels = match parse_kv_list(&a.all("labels"), "label spec") {
        Ok(m) => m,
        Err(e) => return Out::err(e),
    };
    if labels.is_empty() {
        labels.insert("run".into(), json!(name));
    }
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if let Some(p) = a.get("image-pull-policy") {
        container["imagePullPolicy"] = json!(p);
    }
    if let Some(port) = a.get("port") {
        match port.parse::<i64>() {
            Ok(p) => container["ports"] = json!([{"containerPort": p}]),
            Err(_) => return Out::err(format!("error: invalid argument {:?} for \"--port\" flag: strconv.ParseInt: parsing {:?}: invalid syntax", port, port)),
        }
    }
    let env: Vec<Value> = a.all("env").iter().filter_map(|e| e.split_once('=').map(|(k, v)| json!({"name": k, "value": v}))).collect();
    if !env.is_empty() {
        container["env"] = json!(env);
    }
    if !a.rest.is_empty() {
        container[if a.on("command") { "command" } else { "args" }] = json!(a.rest);
    }
    if a.on("stdin") {
        container["stdin"] = json!(true);
    }
    if a.on("tty") {
        container["tty"] = json!(true);
    }
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": labels, "name": name}, "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart}, "status": {}});
    if let Ok(ann) = parse_kv_list(&a.all("annotations"), "annotation") {
        if !ann.is_empty() {
            pod["metadata"]["annotations"] = Value::Object(ann);
        }
    }
    if let Some(sa) = a.get("serviceaccount") {
        pod["spec"]["serviceAccountName"] = json!(sa);
    }
    // --override-type defaults to merge: a JSON merge patch (RFC 7386), which replaces lists
    // such as containers whole (kubectl/pkg/cmd/run, cmdutil.Overrider)
    if let Some(o) = a.get("overrides") {
        let typ = match a.get("override-type").unwrap_or("merge") {
            "merge" => crate::apiserver::patch::PatchType::Merge,
            "strategic" => crate::apiserver::patch::PatchType::Strategic,
            "json" => {
                let mut patched = pod.clone();
                return match serde_json::from_str::<Value>(o).map_err(|e| e.to_string()).and_then(|p| crate::apiserver::patch::json_patch(&mut patched, &p)) {
                    Ok(()) => finish(c, &a, patched),
                    Err(e) => Out::err(format!("error: {}", e)),
                };
            }
            other => return Out::err(format!("error: invalid override type: {}", other)),
        };
        match serde_json::from_str::<Value>(o) {
            Ok(patch) => crate::apiserver::patch::apply(typ, &mut pod, &patch),
            Err(e) => return Out::err(format!("error: {}", e)),
        }
    }
    finish(c, &a, pod)
}

const CREATE_FLAGS: &[Flag] = &[
    val("image", None),
    val("replicas", Some('r')),
    val("port", None),
    val("dry-run", None),
    val("output", Some('o')),
    val("from-literal", None),
    val("from-file", None),
    val("from-env-file", None),
    val("value", None),
    boolean("global-default", None),
    val("description", None),
    val("preemption-policy", None),
    val("tcp", None),
    val("node-port", None),
    val("clusterip", None),
    val("schedule", None),
    val("type", None),
    boolean("save-config", None),
    val("filename", Some('f')),
    val("validate", None),
    val("restart", None),
    boolean("edit", None),
    val("from", None),
];

/// `kubectl create TYPE …` (the -f form goes to apply::run).
pub fn create(c: &mut Console, words: &[String], stdin: &str) -> Out {
    let a = match args::parse("kubectl create", words, CREATE_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    if a.present("filename") {
        return super::apply::run(c, super::apply::Verb::Create, words, stdin);
    }
    let pos: Vec<&str> = a.pos.iter().map(String::as_str).collect();
    let obj = match pos.as_slice() {
        ["namespace" | "ns", name] => json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}}),
        ["deployment" | "deploy", name] => {
            let images = a.all("image");
            if images.is_empty() {
                return Out::err("error: required flag(s) \"image\" not set");
            }
            // `-- COMMAND [args...]` becomes the container's command (one image only)
            if !a.rest.is_empty() && images.len() > 1 {
                return Out::err("error: cannot specify multiple --image options and command");
            }
            let replicas: i64 = match a.get("replicas").unwrap_or("1").parse() {
                Ok(r) => r,
                Err(_) => return Out::err("error: invalid argument for \"--replicas\" flag"),
            };
            let containers: Vec<Value> = images
                .iter()
                .map(|img| {
                    let cname = crate::api::image::normalize(img).0.rsplit('/').next().unwrap_or("c").to_string();
                    let mut ct = json!({"image": img, "name": cname, "resources": {}});
                    if !a.rest.is_empty() {
                        ct["command"] = json!(a.rest);
                    }
                    if let Some(p) = a.get("port").and_then(|p| p.parse::<i64>().ok()) {
                        ct["ports"] = json!([{"containerPort": p}]);
                    }
                    ct
                })
                .collect();
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"labels": {"app": name}, "name": name},
                   "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "strategy": {},
                            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}}, "status": {}})
        }
        ["configmap" | "cm", name] => {
            let data = match from_sources(c, &a) {
                Ok(d) => d,
                Err(e) => return Out::err(e),
            };
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})
        }
        ["secret", "generic", name] => {
            let data = match from_sources(c, &a) {
                Ok(d) => d,
                Err(e) => return Out::err(e),
            };
            let enc: Map<String, Value> = data.into_iter().map(|(k, v)| (k, json!(base64(v.as_str().unwrap_or("").as_bytes())))).collect();
            let mut s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "data": enc});
            if let Some(t) = a.get("type") {
                s["type"] = json!(t);
            }
            s
        }
        ["priorityclass" | "pc", name] => {
            let value: i64 = match a.get("value").unwrap_or("0").parse() {
                Ok(v) => v,
                Err(_) => return Out::err("error: invalid argument for \"--value\" flag"),
            };
            let mut pc = json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value, "globalDefault": a.on("global-default"), "description": a.get("description").unwrap_or("")});
            if let Some(p) = a.get("preemption-policy") {
                pc["preemptionPolicy"] = json!(p);
            }
            pc
        }
        ["service" | "svc", typ @ ("clusterip" | "nodeport" | "loadbalancer"), name] => {
            let tcp = a.all("tcp");
            let mut ports = vec![];
            for spec in tcp.iter().flat_map(|t| t.split(',').map(String::from).collect::<Vec<_>>()) {
                let (p, tp) = spec.split_once(':').map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or((spec.clone(), spec.clone()));
                let (Ok(p), Ok(tp)) = (p.parse::<i64>(), tp.parse::<i64>()) else { return Out::err(format!("error: invalid port spec {:?}", spec)) };
                let mut port = json!({"name": format!("{}-{}", p, tp), "port": p, "protocol": "TCP", "targetPort": tp});
                if let Some(np) = a.get("node-port").and_then(|n| n.parse::<i64>().ok()) {
                    port["nodePort"] = json!(np);
                }
                ports.push(port);
            }
            let t = match *typ {
                "clusterip" => "ClusterIP",
                "nodeport" => "NodePort",
                _ => "LoadBalancer",
            };
            let mut svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {"app": name}, "name": name}, "spec": {"ports": ports, "selector": {"app": name}, "type": t}, "status": {"loadBalancer": {}}});
            if let Some(ip) = a.get("clusterip") {
                svc["spec"]["clusterIP"] = json!(ip);
            }
            svc
        }
        ["job", name] => {
            let Some(image) = a.get("image") else { return Out::err("error: either --image or --from must be specified") };
            let mut ct = json!({"image": image, "name": name, "resources": {}});
            if !a.rest.is_empty() {
                ct["command"] = json!(a.rest);
            }
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": {"template": {"metadata": {}, "spec": {"containers": [ct], "restartPolicy": "Never"}}}, "status": {}})
        }
        ["cronjob" | "cj", name] => {
            let Some(image) = a.get("image") else { return Out::err("error: required flag(s) \"image\" not set") };
            let Some(schedule) = a.get("schedule") else { return Out::err("error: required flag(s) \"schedule\" not set") };
            let mut ct = json!({"image": image, "name": name, "resources": {}});
            if !a.rest.is_empty() {
                ct["command"] = json!(a.rest);
            }
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name}, "spec": {"jobTemplate": {"metadata": {"name": name}, "spec": {"template": {"metadata": {}, "spec": {"containers": [ct], "restartPolicy": a.get("restart").unwrap_or("OnFailure")}}}}, "schedule": schedule}, "status": {}})
        }
        [] => return Out::err("error: must specify one of -f and -k\n\nSee 'kubectl create -h' for help and examples"),
        [what, ..] => {
            let known = ["namespace", "deployment", "configmap", "secret", "priorityclass", "service", "job", "cronjob"];
            if known.iter().any(|k| k.starts_with(what)) || ["ns", "deploy", "cm", "pc", "svc", "cj"].contains(what) {
                return Out::err(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create {} -h' for help and examples", pos.len() - 1, what));
            }
            return Out::err(format!("error: unknown command \"{}\" for \"kubectl create\"", what));
        }
    };
    finish(c, &a, obj)
}

fn from_sources(c: &Console, a: &Args) -> Result<Map<String, Value>, String> {
    let mut data = Map::new();
    for lit in a.all("from-literal") {
        let Some((k, v)) = lit.split_once('=') else { return Err(format!("error: invalid literal source {}, expected key=value", lit)) };
        data.insert(k.to_string(), json!(v));
    }
    for f in a.all("from-file") {
        let (key, path) = match f.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (f.rsplit('/').next().unwrap_or(&f).to_string(), f.clone()),
        };
        let content = c.read_file(&path).map_err(|e| format!("error: {}", e))?;
        data.insert(key, json!(content));
    }
    for f in a.all("from-env-file") {
        let content = c.read_file(&f).map_err(|e| format!("error: {}", e))?;
        for line in content.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            if let Some((k, v)) = line.split_once('=') {
                data.insert(k.trim().to_string(), json!(v));
            }
        }
    }
    Ok(data)
}

pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}
