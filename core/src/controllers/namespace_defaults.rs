//! Two small controllers that give every namespace what a real cluster gives it: the
//! ServiceAccount controller's `default` ServiceAccount and the root-ca-cert-publisher's
//! `kube-root-ca.crt` ConfigMap.

use crate::api::ext::ObjectExt;
use crate::apiserver::ApiServer;
use crate::store::{EventType, WatchEvent};
use serde_json::json;
use std::collections::BTreeSet;

/// A stand-in cluster CA certificate (the simulation has no real PKI).
pub const CA_CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubesimCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UEAxMK\na3ViZXJuZXRlczAeFw0yNjAxMDEwMDAwMDBaFw0zNjAxMDEwMDAwMDBaMBUxEzAR\nBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIB\nAQC6a3ViZXNpbSBzaW11bGF0ZWQgY2x1c3RlciBDQSAtIG5vdCBhIHJlYWwga2V5\n-----END CERTIFICATE-----\n";

#[derive(Default)]
pub struct NamespaceDefaults {
    queue: BTreeSet<String>,
}

impl NamespaceDefaults {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        let kind = crate::api::kind(&ev.value);
        if kind == "Namespace" && ev.typ == EventType::Put {
            self.queue.insert(crate::api::name(&ev.value).to_string());
        }
        // recreate what a learner deletes, as the controllers do
        if ev.typ == EventType::Delete && ((kind == "ServiceAccount" && crate::api::name(&ev.value) == "default") || (kind == "ConfigMap" && crate::api::name(&ev.value) == "kube-root-ca.crt")) {
            self.queue.insert(crate::api::namespace(&ev.value).to_string());
        }
    }

    pub fn reconcile(&mut self, api: &mut ApiServer) {
        for ns in std::mem::take(&mut self.queue) {
            let Some(n) = api.get_kind("Namespace", "", &ns) else { continue };
            if n.is_terminating() {
                continue;
            }
            if api.get_kind("ServiceAccount", &ns, "default").is_none() {
                let _ = api.create(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}}), false);
            }
            if api.get_kind("ConfigMap", &ns, "kube-root-ca.crt").is_none() {
                let _ = api.create(
                    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}}, "data": {"ca.crt": CA_CRT}}),
                    false,
                );
            }
        }
    }
}
