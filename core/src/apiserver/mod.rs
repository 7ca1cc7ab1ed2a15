//! kube-apiserver: the only writer of the store. Every request is decoded strictly, defaulted,
//! admitted, validated and then persisted in etcd with optimistic concurrency — the same path
//! a request takes through a real apiserver, so learners can provoke each step's error.

pub mod admission;
pub mod defaults;
pub mod errors;
pub mod events;
pub mod patch;
pub mod strict;
pub mod validate;
pub mod validation;

use crate::api::ext::ObjectExt;
use crate::api::resources::{self, ResourceInfo};
use crate::api::time::{rfc3339, Millis};
use crate::clock::rng::Rng;
use crate::store::{Store, StoreError};
pub use errors::ApiError;
use serde_json::{json, Value};
use std::sync::Arc;

/// Kinds whose status is only written through the status subresource (PUT on the object keeps
/// the old status, as upstream's strategies' PrepareForUpdate do).
const STATUS_SUBRESOURCE: &[&str] = &["Pod", "Node", "Namespace", "Deployment", "ReplicaSet", "DaemonSet", "ReplicationController", "Job", "CronJob", "Service"];
/// Kinds whose metadata.generation counts spec changes.
const GENERATION: &[&str] = &["Pod", "Deployment", "ReplicaSet", "DaemonSet", "ReplicationController", "Job", "CronJob"];

#[derive(Clone)]
pub struct ApiServer {
    /// only the apiserver writes it (the layer test and this privacy keep it so)
    store: Store,
    /// the virtual clock's reading, set by the simulation before each step
    pub now: Millis,
    pub rng: Rng,
    /// service-cluster-ip-range 10.96.0.0/12 as kubeadm configures it; .1 is `kubernetes`
    next_service_ip: u32,
    next_node_port: u32,
    pub(crate) event_seq: u64,
    /// the EventCorrelator's aggregation index: what makes two events the same → the event's key
    pub(crate) event_index: std::collections::HashMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subresource {
    Main,
    Status,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deleted {
    /// gone from the store
    Now,
    /// deletionTimestamp set; the kubelet or a finalizer finishes it
    Graceful,
}

impl ApiServer {
    pub fn new(seed: u64, now: Millis) -> Self {
        let mut store = Store::new();
        store.set_time(now);
        ApiServer { store, now, rng: Rng::new(seed ^ 0x6170_6973), next_service_ip: 1, next_node_port: 30000, event_seq: 0, event_index: Default::default() }
    }

    /// An apiserver over a store as it was (time travel): its clock at the store's last write.
    pub fn over(seed: u64, store: Store) -> Self {
        let now = store.time_of(store.revision());
        let mut api = ApiServer::new(seed, now);
        api.store = store;
        api
    }

    /// The store, to read: watch events, revisions, history, etcdctl's view.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The virtual clock moved: writes from now on carry this time.
    pub fn set_now(&mut self, now: Millis) {
        self.now = now;
        self.store.set_time(now);
    }

    /// Forgets history before `revision` (etcd's compaction, which kube-apiserver requests).
    pub fn compact(&mut self, revision: i64) {
        self.store.compact(revision);
    }

    /// PUT namespaces/NAME/finalize by the namespace controller once the namespace is empty:
    /// with the `kubernetes` finalizer gone and no other, the terminating namespace is removed
    /// (one store delete; upstream writes the emptied finalizers first).
    pub fn finalize_namespace(&mut self, name: &str) -> Result<Arc<Value>, ApiError> {
        let r = resources::by_kind("Namespace").expect("served");
        let cur = self.get(r, "", name)?;
        if !cur.is_terminating() || cur.pointer("/metadata/finalizers").and_then(Value::as_array).is_some_and(|f| !f.is_empty()) {
            return Ok(cur);
        }
        self.store.delete(&r.key("", name), None).map_err(|_| ApiError::not_found(&r.qualified_plural(), name))
    }

    pub fn get(&self, r: &ResourceInfo, ns: &str, name: &str) -> Result<Arc<Value>, ApiError> {
        self.store.get(&r.key(ns, name)).map(|e| e.value.clone()).ok_or_else(|| ApiError::not_found(&r.qualified_plural(), name))
    }

    pub fn get_kind(&self, kind: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        let r = resources::by_kind(kind)?;
        self.store.get(&r.key(ns, name)).map(|e| e.value.clone())
    }

    /// All objects of a resource, in one namespace or all, in key order (namespace, then name).
    pub fn list(&self, r: &ResourceInfo, ns: Option<&str>) -> Vec<Arc<Value>> {
        let prefix = r.prefix(ns);
        self.store.range(&prefix).map(|(_, e)| e.value.clone()).collect()
    }

    pub fn list_kind(&self, kind: &str, ns: Option<&str>) -> Vec<Arc<Value>> {
        resources::by_kind(kind).map(|r| self.list(r, ns)).unwrap_or_default()
    }

    fn resource_of(obj: &Value) -> Result<&'static ResourceInfo, ApiError> {
        let kind = crate::api::kind(obj);
        let av = crate::api::str_at(obj, "/apiVersion");
        resources::by_api_version_kind(av, kind).map_err(|_| ApiError::new(404, "NotFound", format!("the server could not find the requested resource (post {})", kind.to_lowercase())))
    }

    /// POST: create an object. `dry_run` runs every step but the write (`--dry-run=server`).
    pub fn create(&mut self, obj: Value, dry_run: bool) -> Result<Arc<Value>, ApiError> {
        let r = Self::resource_of(&obj)?;
        let mut obj = strict::decode(r.kind, r.version, &obj).map_err(ApiError::bad_request)?;
        obj["apiVersion"] = json!(r.api_version());
        obj["kind"] = json!(r.kind);
        if r.namespaced {
            if crate::api::namespace(&obj).is_empty() {
                crate::api::set_at(&mut obj, "/metadata/namespace", json!("default"));
            }
            self.check_namespace(crate::api::namespace(&obj))?;
        }
        if crate::api::name(&obj).is_empty() {
            let generate = crate::api::str_at(&obj, "/metadata/generateName").to_string();
            if !generate.is_empty() {
                let suffix = self.rng.name_suffix(5);
                crate::api::set_at(&mut obj, "/metadata/name", json!(format!("{}{}", generate, suffix)));
            }
        }
        defaults::apply(r.kind, &mut obj);
        admission::admit_create(self, r, &mut obj)?;
        self.validate(r, &obj)?;
        let (ns, name) = (crate::api::namespace(&obj).to_string(), crate::api::name(&obj).to_string());
        if self.store.get(&r.key(&ns, &name)).is_some() {
            return Err(ApiError::already_exists(&r.qualified_plural(), &name));
        }
        let meta = obj["metadata"].as_object_mut().expect("validated metadata");
        meta.insert("uid".into(), json!(self.rng.uuid()));
        meta.insert("creationTimestamp".into(), json!(rfc3339(self.now)));
        if GENERATION.contains(&r.kind) {
            meta.insert("generation".into(), json!(1));
        }
        if r.kind == "Job" {
            job_selector(&mut obj);
        }
        if r.kind == "Service" && !dry_run {
            self.allocate_service(&mut obj)?;
        }
        if dry_run {
            return Ok(Arc::new(obj));
        }
        self.store.create(&r.key(&ns, &name), obj).map_err(|_| ApiError::already_exists(&r.qualified_plural(), &name))
    }

    fn check_namespace(&self, ns: &str) -> Result<(), ApiError> {
        match self.get_kind("Namespace", "", ns) {
            None => Err(ApiError::not_found("namespaces", ns)),
            Some(n) if crate::api::str_at(&n, "/status/phase") == "Terminating" => {
                Err(ApiError::forbidden(format!("unable to create new content in namespace {} because it is being terminated", ns)))
            }
            Some(_) => Ok(()),
        }
    }

    fn validate(&self, r: &ResourceInfo, obj: &Value) -> Result<(), ApiError> {
        let mut errs = vec![];
        validation::validate_meta(obj, r.name_rule, r.namespaced, &mut errs);
        validate::validate(r.kind, obj, &mut errs);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(r.kind, crate::api::name(obj), &errs))
        }
    }

    /// PUT: replace an object (or its status). A resourceVersion in `obj` must match the
    /// stored one, or the write fails with Conflict.
    pub fn update(&mut self, obj: Value, sub: Subresource) -> Result<Arc<Value>, ApiError> {
        let r = Self::resource_of(&obj)?;
        let ns = if r.namespaced { crate::api::namespace(&obj).to_string() } else { String::new() };
        let ns = if r.namespaced && ns.is_empty() { "default".to_string() } else { ns };
        let name = crate::api::name(&obj).to_string();
        let key = r.key(&ns, &name);
        let Some(entry) = self.store.get(&key) else { return Err(ApiError::not_found(&r.qualified_plural(), &name)) };
        let old = entry.value.clone();
        let old_rv = entry.mod_revision;
        let rv = crate::api::str_at(&obj, "/metadata/resourceVersion");
        if !rv.is_empty() && rv != old_rv.to_string() {
            return Err(ApiError::conflict(&r.qualified_plural(), &name));
        }
        let mut obj = strict::decode(r.kind, r.version, &obj).map_err(ApiError::bad_request)?;
        obj["apiVersion"] = json!(r.api_version());
        obj["kind"] = json!(r.kind);
        // identity and system fields are the server's
        for f in ["uid", "creationTimestamp", "namespace", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"] {
            match old["metadata"].get(f) {
                Some(v) => crate::api::set_at(&mut obj, &format!("/metadata/{}", f), v.clone()),
                None => {
                    crate::api::remove_at(&mut obj, &format!("/metadata/{}", f));
                }
            }
        }
        if STATUS_SUBRESOURCE.contains(&r.kind) {
            match sub {
                Subresource::Main => match old.get("status") {
                    Some(s) => obj["status"] = s.clone(),
                    None => {
                        crate::api::remove_at(&mut obj, "/status");
                    }
                },
                Subresource::Status => {
                    let status = obj.get("status").cloned();
                    let mut kept = (*old).clone();
                    match status {
                        Some(s) => kept["status"] = s,
                        None => {
                            crate::api::remove_at(&mut kept, "/status");
                        }
                    }
                    obj = kept;
                }
            }
        }
        defaults::apply(r.kind, &mut obj);
        if r.kind == "Service" && sub == Subresource::Main {
            self.allocate_node_ports(&mut obj);
        }
        admission::admit_update(self, r, &old, &mut obj)?;
        self.validate(r, &obj)?;
        validate_update(r, &old, &obj)?;
        if GENERATION.contains(&r.kind) && old.get("spec") != obj.get("spec") {
            let g = old.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(0) + 1;
            crate::api::set_at(&mut obj, "/metadata/generation", json!(g));
        }
        // A write that changes nothing is not persisted (no new resourceVersion), as upstream.
        let mut cmp = obj.clone();
        crate::api::set_at(&mut cmp, "/metadata/resourceVersion", old["metadata"]["resourceVersion"].clone());
        if cmp == *old {
            return Ok(old);
        }
        // an object being deleted goes once its last finalizer is removed
        let finalized = r.kind != "Pod" && r.kind != "Namespace" && obj.is_terminating() && obj.pointer("/metadata/finalizers").and_then(Value::as_array).is_none_or(|f| f.is_empty());
        let stored = self.store.update(&key, obj, Some(old_rv)).map_err(|e| match e {
            StoreError::NotFound => ApiError::not_found(&r.qualified_plural(), &name),
            _ => ApiError::conflict(&r.qualified_plural(), &name),
        })?;
        if finalized {
            let _ = self.store.delete(&key, None);
        }
        Ok(stored)
    }

    /// PATCH with a JSON merge patch or a strategic merge patch.
    pub fn patch(&mut self, r: &ResourceInfo, ns: &str, name: &str, typ: patch::PatchType, body: &Value, sub: Subresource) -> Result<Arc<Value>, ApiError> {
        let cur = self.get(r, ns, name)?;
        let mut patched = (*cur).clone();
        patch::apply(typ, &mut patched, body);
        // the patch is applied to the current version: no conflict unless it names one
        if body.pointer("/metadata/resourceVersion").is_none() {
            crate::api::set_at(&mut patched, "/metadata/resourceVersion", cur["metadata"]["resourceVersion"].clone());
        }
        self.update(patched, sub)
    }

    /// DELETE. Pods on a node terminate gracefully (the kubelet finishes them); objects with
    /// finalizers wait for them; everything else goes at once.
    pub fn delete(&mut self, r: &ResourceInfo, ns: &str, name: &str, grace_seconds: Option<i64>) -> Result<(Arc<Value>, Deleted), ApiError> {
        let key = r.key(ns, name);
        let cur = self.get(r, ns, name)?;
        let has_finalizers = cur.pointer("/metadata/finalizers").and_then(Value::as_array).is_some_and(|f| !f.is_empty());
        let graceful = match r.kind {
            "Pod" => {
                let bound = !crate::api::str_at(&cur, "/spec/nodeName").is_empty();
                let grace = grace_seconds.unwrap_or_else(|| cur.pointer("/spec/terminationGracePeriodSeconds").and_then(Value::as_i64).unwrap_or(30));
                let finished = matches!(crate::api::str_at(&cur, "/status/phase"), "Succeeded" | "Failed");
                // a mirror pod only reflects a static pod: deleting it does not stop anything
                let mirror = cur.pointer("/metadata/annotations/kubernetes.io~1config.mirror").is_some();
                bound && grace > 0 && !finished && !mirror
            }
            "Namespace" => true,
            _ => has_finalizers,
        };
        if graceful || has_finalizers {
            if cur.is_terminating() && grace_seconds != Some(0) {
                return Ok((cur, Deleted::Graceful));
            }
            if !(r.kind == "Pod" && grace_seconds == Some(0) && !has_finalizers) {
                let mut v = (*cur).clone();
                let grace = if r.kind == "Pod" {
                    grace_seconds.unwrap_or_else(|| cur.pointer("/spec/terminationGracePeriodSeconds").and_then(Value::as_i64).unwrap_or(30))
                } else {
                    0
                };
                crate::api::set_at(&mut v, "/metadata/deletionTimestamp", json!(rfc3339(self.now + grace * 1000)));
                crate::api::set_at(&mut v, "/metadata/deletionGracePeriodSeconds", json!(grace));
                if r.kind == "Namespace" {
                    crate::api::set_at(&mut v, "/status/phase", json!("Terminating"));
                }
                let v = self.store.update(&key, v, None).map_err(|_| ApiError::not_found(&r.qualified_plural(), name))?;
                return Ok((v, Deleted::Graceful));
            }
        }
        let old = self.store.delete(&key, None).map_err(|_| ApiError::not_found(&r.qualified_plural(), name))?;
        Ok((old, Deleted::Now))
    }

    /// POST pods/NAME/binding — how a scheduler (or a learner's Binding manifest) assigns a pod.
    pub fn bind(&mut self, ns: &str, pod_name: &str, node: &str) -> Result<Arc<Value>, ApiError> {
        let r = resources::by_kind("Pod").expect("pods are served");
        let cur = self.get(r, ns, pod_name)?;
        let existing = crate::api::str_at(&cur, "/spec/nodeName");
        if !existing.is_empty() {
            return Err(ApiError::conflict_msg(format!("Operation cannot be fulfilled on pods/binding \"{}\": pod {} is already assigned to node \"{}\"", pod_name, pod_name, existing)));
        }
        if cur.is_terminating() {
            return Err(ApiError::conflict_msg(format!("Operation cannot be fulfilled on pods/binding \"{}\": pod {} is being deleted, cannot be assigned to a host", pod_name, pod_name)));
        }
        let mut v = (*cur).clone();
        crate::api::set_at(&mut v, "/spec/nodeName", json!(node));
        admission::set_condition(&mut v, "PodScheduled", "True", None, None, self.now);
        // ClearingNominatedNodeNameAfterBinding (KEP-5278): the nomination has served its purpose
        if let Some(st) = v.get_mut("status").and_then(Value::as_object_mut) {
            st.shift_remove("nominatedNodeName");
        }
        let key = r.key(ns, pod_name);
        let rv = cur["metadata"]["resourceVersion"].as_str().and_then(|s| s.parse().ok());
        self.store.update(&key, v, rv).map_err(|_| ApiError::conflict(&r.qualified_plural(), pod_name))
    }

    fn allocate_service(&mut self, obj: &mut Value) -> Result<(), ApiError> {
        let typ = crate::api::str_at(obj, "/spec/type").to_string();
        if typ == "ExternalName" {
            return Ok(());
        }
        let requested = crate::api::str_at(obj, "/spec/clusterIP").to_string();
        let ip = if requested == "None" {
            "None".to_string()
        } else if !requested.is_empty() {
            let taken = self.list_kind("Service", None).iter().any(|s| crate::api::str_at(s, "/spec/clusterIP") == requested);
            if taken {
                return Err(ApiError::invalid("Service", crate::api::name(obj), &[validation::invalid("spec.clusterIPs", &requested, &format!("failed to allocate IP {}: provided IP is already allocated", requested))]));
            }
            requested
        } else {
            loop {
                let n = self.next_service_ip;
                self.next_service_ip += 1;
                // 10.96.0.0/12: 10.96.0.1 … 10.111.255.254
                let ip = format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff);
                if n & 0xff != 0 && n & 0xff != 0xff && !self.list_kind("Service", None).iter().any(|s| crate::api::str_at(s, "/spec/clusterIP") == ip) {
                    break ip;
                }
            }
        };
        obj["spec"]["clusterIP"] = json!(ip);
        obj["spec"]["clusterIPs"] = json!([ip]);
        self.allocate_node_ports(obj);
        Ok(())
    }

    /// NodePort and LoadBalancer services get a node port per port; other types release theirs
    /// (as when `kubectl patch` changes the type).
    fn allocate_node_ports(&mut self, obj: &mut Value) {
        let typ = crate::api::str_at(obj, "/spec/type").to_string();
        let Some(ports) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) else { return };
        for p in ports {
            if typ == "NodePort" || typ == "LoadBalancer" {
                if p.get("nodePort").is_none() {
                    p["nodePort"] = json!(30000 + (self.next_node_port - 30000) % 2768);
                    self.next_node_port += 1;
                }
            } else if let Some(m) = p.as_object_mut() {
                m.shift_remove("nodePort");
            }
        }
    }
}

/// The Job strategy's PrepareForCreate: unless spec.manualSelector, the selector and the
/// template labels carry the job's uid and name (batch.kubernetes.io/controller-uid, job-name,
/// and their legacy unprefixed forms).
fn job_selector(job: &mut Value) {
    if job.pointer("/spec/manualSelector") == Some(&json!(true)) {
        return;
    }
    let uid = crate::api::str_at(job, "/metadata/uid").to_string();
    let name = crate::api::name(job).to_string();
    job["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    for (k, v) in [("batch.kubernetes.io/controller-uid", &uid), ("batch.kubernetes.io/job-name", &name), ("controller-uid", &uid), ("job-name", &name)] {
        crate::api::set_at(job, &format!("/spec/template/metadata/labels/{}", k.replace('/', "~1")), json!(v));
    }
}

impl ApiError {
    pub fn conflict_msg(message: String) -> Self {
        ApiError::new(409, "Conflict", message)
    }
}

/// ValidateUpdate's immutability rules for the kinds learners edit most.
fn validate_update(r: &ResourceInfo, old: &Value, new: &Value) -> Result<(), ApiError> {
    use validation::*;
    let name = crate::api::name(new);
    let mut errs = vec![];
    match r.kind {
        "Pod" => {
            let mut a = old.get("spec").cloned().unwrap_or(Value::Null);
            let mut b = new.get("spec").cloned().unwrap_or(Value::Null);
            // the mutable fields: images, activeDeadlineSeconds, tolerations (additions), grace period
            for s in [&mut a, &mut b] {
                for list in ["containers", "initContainers"] {
                    if let Some(cs) = s.get_mut(list).and_then(Value::as_array_mut) {
                        for c in cs {
                            if let Some(m) = c.as_object_mut() {
                                m.remove("image");
                            }
                        }
                    }
                }
                if let Some(m) = s.as_object_mut() {
                    m.remove("activeDeadlineSeconds");
                    m.remove("tolerations");
                    m.remove("terminationGracePeriodSeconds");
                }
            }
            if a != b {
                errs.push(forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
            }
        }
        "Deployment" | "ReplicaSet" | "DaemonSet" => {
            if old.pointer("/spec/selector") != new.pointer("/spec/selector") {
                errs.push(invalid_raw("spec.selector", new.pointer("/spec/selector").map(|v| v.to_string()).unwrap_or_default(), "field is immutable"));
            }
        }
        "Job" => {
            if old.pointer("/spec/template") != new.pointer("/spec/template") && old.pointer("/spec/suspend") == Some(&json!(false)) {
                errs.push(invalid_raw("spec.template", "core.PodTemplateSpec{...}".into(), "field is immutable"));
            }
        }
        "Service" => {
            let (a, b) = (crate::api::str_at(old, "/spec/clusterIP"), crate::api::str_at(new, "/spec/clusterIP"));
            if !b.is_empty() && a != b {
                errs.push(invalid("spec.clusterIPs[0]", b, "may not change once set"));
            }
        }
        "Node" => {
            let (a, b) = (crate::api::str_at(old, "/spec/podCIDR"), crate::api::str_at(new, "/spec/podCIDR"));
            if !a.is_empty() && a != b {
                errs.push(forbidden("spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid"));
            }
        }
        _ => {}
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(r.kind, name, &errs))
    }
}
