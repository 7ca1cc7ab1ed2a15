//! The apiserver checks manifests against schema.json (generated from k8s-openapi's v1_37
//! types by tools/gen/explain_docs.py). This test decodes the same manifests into those types
//! (with serde_ignored collecting unknown fields) and checks both agree: same unknown fields,
//! same accept/reject for mistyped values.

use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn path_string(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{}]", path_string(parent), index),
        Path::Map { parent, key } => {
            let p = path_string(parent);
            if p.is_empty() { key.clone() } else { format!("{}.{}", p, key) }
        }
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => path_string(parent),
    }
}

/// Err(None) for a type error, Err(Some(unknown fields)) for unknown fields, Ok for clean.
fn typed<T: DeserializeOwned>(v: &Value) -> Result<(), Option<Vec<String>>> {
    let mut unknown = vec![];
    let r: Result<T, _> = serde_ignored::deserialize(v, |p| unknown.push(path_string(&p)));
    unknown.retain(|p| p != "apiVersion" && p != "kind");
    match r {
        Err(_) => Err(None),
        Ok(_) if !unknown.is_empty() => Err(Some(unknown)),
        Ok(_) => Ok(()),
    }
}

fn ours(kind: &str, v: &Value) -> Result<(), Option<Vec<String>>> {
    match kubesim::apiserver::strict::decode(kind, "v1", v) {
        Ok(_) => Ok(()),
        Err(e) => match e.split_once("strict decoding error: ") {
            Some((_, rest)) => Err(Some(rest.split(", ").map(|u| u.trim_start_matches("unknown field \"").trim_end_matches('"').to_string()).collect())),
            None => Err(None),
        },
    }
}

#[test]
fn schema_agrees_with_k8s_openapi() {
    let pod = |spec: Value| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "b"}}, "spec": spec});
    let pods = [
        pod(json!({"containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": 80}], "resources": {"requests": {"cpu": "1"}}}]})),
        pod(json!({"contaners": []})),
        pod(json!({"containers": [{"name": "a", "image": "nginx", "imagee": "x"}], "nodeSelector": {"d": "ssd"}})),
        pod(json!({"containers": [{"name": "a"}], "affinity": {"nodeAffinity": {"requiredDuringSchedulingRequiredDuringExecution": {}}}})),
        pod(json!({"containers": [{"name": "a"}], "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5, "extra": 1}]})),
        pod(json!({"containers": [{"name": "a", "ports": [{"containerPort": "80"}]}]})),
        pod(json!({"containers": [{"name": "a", "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k", "bogus": true}}}]}]})),
        pod(json!({"containers": "nope"})),
        pod(json!({"containers": [{"name": "a"}], "restartPolicy": 5})),
        pod(json!({"containers": [{"name": "a", "livenessProbe": {"httpGet": {"path": "/", "port": 8080}, "initialDelaySeconds": 3}}]})),
    ];
    for p in &pods {
        assert_eq!(ours("Pod", p), typed::<core::Pod>(p), "{p}");
    }
    let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}}, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, "replica": 3}});
    assert_eq!(ours("Deployment", &deploy), typed::<apps::Deployment>(&deploy));
    let bad_replicas = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": "2", "selector": {}, "template": {}}});
    assert_eq!(ours("Deployment", &bad_replicas), typed::<apps::Deployment>(&bad_replicas));
    let cj = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}], "restartPolicy": "Never"}}, "backofLimit": 2}}}});
    assert_eq!(ours("CronJob", &cj), typed::<batch::CronJob>(&cj));
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}, "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}], "unschedulable": true}, "status": {"capacity": {"cpu": "4"}, "images": [{"names": ["nginx"], "sizeBytes": 5}]}});
    assert_eq!(ours("Node", &node), typed::<core::Node>(&node));
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "targetPort": "http", "nodePort": 30000}], "selector": {"a": "b"}, "type": "NodePort", "clusterIp": "1.2.3.4"}});
    assert_eq!(ours("Service", &svc), typed::<core::Service>(&svc));
}
