//! Two small controllers that give every namespace what a real cluster gives it: the
//! ServiceAccount controller's `default` ServiceAccount and the root-ca-cert-publisher's
//! `kube-root-ca.crt` ConfigMap.

use crate::api::ext::ObjectExt;
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::apiserver::{ApiError, ApiServer};
use crate::store::{EventType, WatchEvent};
use serde_json::json;

/// A stand-in cluster CA certificate (the simulation has no real PKI).
pub const CA_CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubesimCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UEAxMK\na3ViZXJuZXRlczAeFw0yNjAxMDEwMDAwMDBaFw0zNjAxMDEwMDAwMDBaMBUxEzAR\nBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIB\nAQC6a3ViZXNpbSBzaW11bGF0ZWQgY2x1c3RlciBDQSAtIG5vdCBhIHJlYWwga2V5\n-----END CERTIFICATE-----\n";

#[derive(Default)]
pub struct NamespaceDefaults;

impl Controller for NamespaceDefaults {
    const NAME: &'static str = "serviceaccount";
    type Key = String;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let kind = crate::api::kind(&ev.value);
        if kind == "Namespace" && ev.typ == EventType::Put {
            queue.add(crate::api::name(&ev.value).to_string());
        }
        // recreate what a learner deletes, as the controllers do
        if ev.typ == EventType::Delete && ((kind == "ServiceAccount" && crate::api::name(&ev.value) == "default") || (kind == "ConfigMap" && crate::api::name(&ev.value) == "kube-root-ca.crt")) {
            queue.add(crate::api::namespace(&ev.value).to_string());
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, ns: &String) -> Result<Action, ApiError> {
        let ns = ns.as_str();
        let Some(n) = api.get_kind("Namespace", "", &ns) else { return Ok(Action::Done) };
        if n.is_terminating() {
            return Ok(Action::Done);
        }
        if api.get_kind("ServiceAccount", &ns, "default").is_none() {
            settled(api.create(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}}), false));
        }
        if api.get_kind("ConfigMap", &ns, "kube-root-ca.crt").is_none() {
            settled(api.create(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}}, "data": {"ca.crt": CA_CRT}}),
                false,
            ));
        }
        Ok(Action::Done)
    }
}
