//! Events as the client-go event recorder writes them: one Event per (object, reason,
//! message, source), repeated occurrences counted on it (EventCorrelator).

use super::ApiServer;
use crate::api::time::rfc3339;
use serde_json::{json, Map, Value};

pub struct Source<'a> {
    pub component: &'a str,
    pub host: Option<&'a str>,
}

/// kube-apiserver's --event-ttl default: an event expires an hour after it was last written.
pub const EVENT_TTL: crate::api::time::Millis = 3_600_000;

impl ApiServer {
    /// Deletes the events whose TTL ran out (etcd's lease on each event write does this
    /// upstream; kube-apiserver attaches one of --event-ttl).
    pub fn expire_events(&mut self) {
        let events = crate::api::resources::by_kind("Event").expect("events are served");
        let prefix = events.prefix(None);
        let cutoff = self.now - EVENT_TTL;
        let expired: Vec<String> = self
            .store
            .range(&prefix)
            .filter(|(_, e)| crate::api::time::parse_rfc3339(crate::api::str_at(&e.value, "/lastTimestamp")).or_else(|| crate::api::time::parse_rfc3339(crate::api::str_at(&e.value, "/metadata/creationTimestamp"))).is_some_and(|t| t <= cutoff))
            .map(|(k, _)| k.clone())
            .collect();
        for k in expired {
            let _ = self.store.delete(&k, None);
        }
    }

    /// Records an event about `obj` (fieldPath like `spec.containers{nginx}` or "").
    pub fn record_event(&mut self, obj: &Value, field_path: &str, typ: &str, reason: &str, message: &str, source: Source) {
        use crate::api::{at, str_at};
        let obj_ns = crate::api::namespace(obj);
        let ns = if obj_ns.is_empty() { "default" } else { obj_ns }.to_string();
        let name = crate::api::name(obj);
        let uid = str_at(obj, "/metadata/uid");
        let kind = str_at(obj, "/kind");
        // built field by field (no json! serialization, no null-stripping pass): every pod the
        // scheduler binds records one
        let mut involved = Map::with_capacity(7);
        match obj.get("apiVersion") {
            None => _ = involved.insert("apiVersion".into(), "v1".into()),
            Some(Value::Null) => {}
            Some(v) => _ = involved.insert("apiVersion".into(), v.clone()),
        }
        if let Some(k) = obj.get("kind").filter(|k| !k.is_null()) {
            involved.insert("kind".into(), k.clone());
        }
        involved.insert("name".into(), name.into());
        if !obj_ns.is_empty() {
            involved.insert("namespace".into(), obj_ns.into());
        }
        for (field, pointer) in [("uid", "/metadata/uid"), ("resourceVersion", "/metadata/resourceVersion")] {
            if let Some(v) = at(obj, pointer).filter(|v| !v.is_null()) {
                involved.insert(field.into(), v.clone());
            }
        }
        if !field_path.is_empty() {
            involved.insert("fieldPath".into(), field_path.into());
        }
        let now = rfc3339(self.now);
        // aggregate with an identical earlier event (looked up in an index: a cluster records
        // hundreds of thousands of events and scanning them per event is quadratic)
        let agg = [ns.as_str(), uid, name, kind, reason, message, source.component, source.host.unwrap_or("")].join("\u{0}");
        let events = crate::api::resources::by_kind("Event").expect("events are served");
        if let Some(key) = self.event_index.get(&agg).cloned() {
            if let Some(e) = self.store.get(&key).map(|e| e.value.clone()) {
                let mut v = (*e).clone();
                v["count"] = json!(e.get("count").and_then(Value::as_i64).unwrap_or(1) + 1);
                v["lastTimestamp"] = json!(now);
                let _ = self.store.update(&key, v, None);
                return;
            }
            self.event_index.remove(&agg);
        }
        self.event_seq += 1;
        // upstream names events <object>.<hex unix nanos>
        let nanos = (self.now as u128) * 1_000_000 + self.event_seq as u128;
        let event_name = format!("{}.{:x}", name, nanos);
        let mut src = Map::with_capacity(2);
        src.insert("component".into(), source.component.into());
        if let Some(h) = source.host {
            src.insert("host".into(), h.into());
        }
        let mut meta = Map::with_capacity(4);
        meta.insert("name".into(), event_name.as_str().into());
        meta.insert("namespace".into(), ns.as_str().into());
        meta.insert("uid".into(), self.rng.uuid().into());
        meta.insert("creationTimestamp".into(), now.as_str().into());
        let mut ev = Map::with_capacity(15);
        for (k, v) in [
            ("apiVersion", Value::from("v1")),
            ("kind", "Event".into()),
            ("metadata", meta.into()),
            ("involvedObject", involved.into()),
            ("reason", reason.into()),
            ("message", message.into()),
            ("source", src.into()),
            ("firstTimestamp", now.as_str().into()),
            ("lastTimestamp", now.into()),
            ("count", 1.into()),
            ("type", typ.into()),
            ("eventTime", Value::Null),
            ("reportingComponent", source.component.into()),
            ("reportingInstance", source.host.unwrap_or("").into()),
        ] {
            ev.insert(k.into(), v);
        }
        let key = events.key(&ns, &event_name);
        if self.store.create(&key, ev.into()).is_ok() {
            self.event_index.insert(agg, key);
        }
    }
}
