//! Static pods: the kubelet runs the Pod manifests in its staticPodPath
//! (/etc/kubernetes/manifests by default, set in /var/lib/kubelet/config.yaml) and mirrors each
//! in the API as `<name>-<node>` — recreated if deleted, removed when the file goes. This is how
//! kubeadm runs etcd, kube-apiserver, kube-controller-manager and kube-scheduler.

use crate::api::ext::ObjectExt;
use super::Kubelet;
use crate::apiserver::ApiServer;
use serde_json::{json, Value};

pub const DEFAULT_STATIC_POD_PATH: &str = "/etc/kubernetes/manifests";

/// /var/lib/kubelet/config.yaml as kubeadm writes it (abridged).
pub fn kubelet_config(static_pod_path: &str) -> String {
    format!(
        "apiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    cacheTTL: 0s\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\ncgroupDriver: systemd\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\ncontainerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock\nkind: KubeletConfiguration\nnodeStatusReportFrequency: 5m0s\nnodeStatusUpdateFrequency: 10s\nrotateCertificates: true\nstaticPodPath: {}\n",
        static_pod_path
    )
}

fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

impl Kubelet {
    /// staticPodPath from the kubelet's config file.
    pub fn static_pod_path(&self) -> String {
        self.fs
            .get("/var/lib/kubelet/config.yaml")
            .and_then(|c| c.lines().find_map(|l| l.trim().strip_prefix("staticPodPath:").map(|p| p.trim().trim_matches('"').to_string())))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| DEFAULT_STATIC_POD_PATH.to_string())
    }

    /// The Pod manifests in staticPodPath: (file, pod with its mirror name, hash).
    pub fn static_pods(&self) -> Vec<(String, Value, String)> {
        let dir = format!("{}/", self.static_pod_path().trim_end_matches('/'));
        let mut out = vec![];
        for (path, content) in self.fs.range(dir.clone()..) {
            if !path.starts_with(&dir) {
                break;
            }
            let file = &path[dir.len()..];
            if file.contains('/') || file.starts_with('.') {
                continue;
            }
            // the kubelet reads every file in the directory; invalid ones are skipped (and logged)
            let Ok(docs) = crate::api::manifest::parse_stream(content, path) else { continue };
            let Some(pod) = docs.into_iter().find(|d| crate::api::kind(d) == "Pod") else { continue };
            let name = crate::api::name(&pod).to_string();
            if name.is_empty() {
                continue;
            }
            let hash = format!("{:08x}", fnv(content));
            let mut p = pod.clone();
            p["metadata"]["name"] = json!(format!("{}-{}", name, self.node));
            if crate::api::namespace(&p).is_empty() {
                p["metadata"]["namespace"] = json!("default");
            }
            out.push((path.clone(), p, hash));
        }
        out
    }

    /// Makes the API's mirror pods match the manifests. Returns whether anything changed.
    pub fn sync_static_pods(&mut self, api: &mut ApiServer) -> bool {
        let pod_res = crate::api::resources::by_kind("Pod").expect("served");
        let wanted = self.static_pods();
        let mut changed = false;
        let node_uid = api.get_kind("Node", "", &self.node).map(|n| crate::api::str_at(&n, "/metadata/uid").to_string()).unwrap_or_default();
        for (_, pod, hash) in &wanted {
            let ns = crate::api::namespace(pod).to_string();
            let name = crate::api::name(pod).to_string();
            let current = api.get_kind("Pod", &ns, &name);
            let same = current.as_ref().is_some_and(|c| crate::api::str_at(c, "/metadata/annotations/kubernetes.io~1config.hash") == hash.as_str() && !c.is_terminating());
            if same {
                continue;
            }
            if current.is_some() {
                let _ = api.delete(pod_res, &ns, &name, Some(0));
            }
            let mut p = pod.clone();
            for (k, v) in [("kubernetes.io/config.hash", hash.as_str()), ("kubernetes.io/config.mirror", hash.as_str()), ("kubernetes.io/config.seen", &crate::api::time::rfc3339_micro(api.now)), ("kubernetes.io/config.source", "file")] {
                crate::api::set_at(&mut p, &format!("/metadata/annotations/{}", k.replace('/', "~1")), json!(v));
            }
            p["spec"]["nodeName"] = json!(self.node);
            p["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "controller": true, "kind": "Node", "name": self.node, "uid": node_uid}]);
            if api.create(p, false).is_ok() {
                changed = true;
            }
        }
        // mirrors whose manifest is gone
        for p in api.list_kind("Pod", None) {
            if crate::api::str_at(&p, "/spec/nodeName") != self.node || crate::api::str_at(&p, "/metadata/annotations/kubernetes.io~1config.source") != "file" {
                continue;
            }
            let keep = wanted.iter().any(|(_, w, _)| crate::api::name(w) == crate::api::name(&p) && crate::api::namespace(w) == crate::api::namespace(&p));
            if !keep {
                let _ = api.delete(pod_res, crate::api::namespace(&p), crate::api::name(&p), Some(0));
                changed = true;
            }
        }
        changed
    }

    /// The static pod directory (staticPodPath and every file in it), fingerprinted (FNV-1a).
    pub fn static_fingerprint(&self) -> u64 {
        let dir = format!("{}/", self.static_pod_path().trim_end_matches('/'));
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in dir.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        for (path, content) in self.fs.range(dir.clone()..).take_while(|(p, _)| p.starts_with(&dir)) {
            for b in path.bytes().chain([0u8]).chain(content.bytes()) {
                h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    }

    /// Whether a static pod runs the given control-plane binary (kube-scheduler …).
    pub fn runs_component(&self, binary: &str) -> bool {
        let h = self.static_fingerprint();
        if self.components.borrow().0 != h || h == 0 {
            let binaries: Vec<String> = self
                .static_pods()
                .iter()
                .flat_map(|(_, p, _)| p.pointer("/spec/containers").and_then(Value::as_array).cloned().unwrap_or_default())
                .filter_map(|c| c.pointer("/command/0").and_then(Value::as_str).map(|cmd| cmd.rsplit('/').next().unwrap_or(cmd).to_string()))
                .collect();
            *self.components.borrow_mut() = (h, binaries);
        }
        self.components.borrow().1.iter().any(|b| b == binary)
    }
}
