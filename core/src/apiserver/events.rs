//! Events as the client-go event recorder writes them: one Event per (object, reason,
//! message, source), repeated occurrences counted on it (EventCorrelator).

use super::ApiServer;
use crate::api::time::rfc3339;
use serde_json::{json, Value};

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
        let ns = match crate::api::namespace(obj) {
            "" => "default",
            ns => ns,
        }
        .to_string();
        let involved = json!({
            "apiVersion": obj.get("apiVersion").cloned().unwrap_or(json!("v1")),
            "kind": obj.get("kind").cloned().unwrap_or(Value::Null),
            "name": crate::api::name(obj),
            "namespace": if crate::api::namespace(obj).is_empty() { Value::Null } else { json!(crate::api::namespace(obj)) },
            "uid": obj.pointer("/metadata/uid").cloned().unwrap_or(Value::Null),
            "resourceVersion": obj.pointer("/metadata/resourceVersion").cloned().unwrap_or(Value::Null),
            "fieldPath": if field_path.is_empty() { Value::Null } else { json!(field_path) },
        });
        let involved = strip_nulls(involved);
        let now = rfc3339(self.now);
        // aggregate with an identical earlier event (looked up in an index: a cluster records
        // hundreds of thousands of events and scanning them per event is quadratic)
        let agg = format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            ns,
            involved.get("uid").and_then(Value::as_str).unwrap_or(""),
            crate::api::name(obj),
            involved.get("kind").and_then(Value::as_str).unwrap_or(""),
            reason,
            message,
            source.component,
            source.host.unwrap_or("")
        );
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
        let name = format!("{}.{:x}", crate::api::name(obj), nanos);
        let mut src = json!({"component": source.component});
        if let Some(h) = source.host {
            src["host"] = json!(h);
        }
        let ev = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": ns, "uid": self.rng.uuid(), "creationTimestamp": now},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": src,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": typ,
            "eventTime": null,
            "reportingComponent": source.component,
            "reportingInstance": source.host.unwrap_or(""),
        });
        let key = events.key(&ns, &name);
        if self.store.create(&key, ev).is_ok() {
            self.event_index.insert(agg, key);
        }
    }
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}
