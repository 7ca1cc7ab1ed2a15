//! etcd, as kube-apiserver uses it: a revisioned key-value store.
//!
//! Every write bumps one global revision; each key remembers its create and mod revisions (the
//! object's resourceVersion is its mod revision, as the etcd3 storage layer sets it). The log of
//! every change is kept, so a watch can resume from any revision and the web app can rebuild the
//! cluster as it was at an earlier revision (time travel).

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Entry {
    pub value: Arc<Value>,
    pub create_revision: i64,
    pub mod_revision: i64,
    /// etcd's per-key version: number of writes since creation
    pub version: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Put,
    Delete,
}

/// One change, as an etcd watch delivers it.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub revision: i64,
    pub typ: EventType,
    pub key: String,
    /// the new value for Put, the last value for Delete
    pub value: Arc<Value>,
    /// true when a Put created the key
    pub created: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum StoreError {
    AlreadyExists,
    NotFound,
    /// the caller's expected mod revision is stale (optimistic concurrency)
    Conflict,
}

#[derive(Default, Clone)]
pub struct Store {
    revision: i64,
    data: BTreeMap<String, Entry>,
    /// every change after `compacted`
    log: Vec<WatchEvent>,
    /// the revision history was compacted to (etcd's compaction): older revisions are gone
    compacted: i64,
    /// the key space as it was at `compacted`: (create revision, value)
    base: BTreeMap<String, (i64, Arc<Value>)>,
    /// the virtual time writes happen at (the simulation sets it as its clock moves)
    now: i64,
    /// (first revision written at a time, that time), for every time something was written
    /// after `compacted`: when each revision happened, for time travel
    clock: Vec<(i64, i64)>,
    /// the time of the revision history was compacted to
    compacted_time: i64,
    /// Events by the object they are about (`about()`), kept as events are written: what
    /// `kubectl describe` lists without scanning every event (tens of thousands in a busy
    /// hour). A lookup index only: nothing iterates it in hash order.
    events_by_object: std::collections::HashMap<String, std::collections::BTreeSet<String>>,
}

const EVENTS: &str = "/registry/events/";

/// Which object an Event is about: its UID, or kind/namespace/name when it names no UID.
pub fn event_subject(ev: &Value) -> String {
    let o = ev.get("involvedObject");
    let f = |k: &str| o.and_then(|o| o.get(k)).and_then(Value::as_str).unwrap_or("");
    match f("uid") {
        "" => format!("{}/{}/{}", f("kind"), f("namespace"), f("name")),
        uid => uid.to_string(),
    }
}

impl Store {
    pub fn new() -> Self {
        Store { revision: 1, data: BTreeMap::new(), log: Vec::new(), compacted: 0, base: BTreeMap::new(), now: 0, clock: Vec::new(), compacted_time: 0, events_by_object: Default::default() }
    }

    fn index_event(&mut self, key: &str, value: &Value, add: bool) {
        if !key.starts_with(EVENTS) {
            return;
        }
        let subject = event_subject(value);
        if add {
            self.events_by_object.entry(subject).or_default().insert(key.to_string());
        } else if let Some(keys) = self.events_by_object.get_mut(&subject) {
            keys.remove(key);
            if keys.is_empty() {
                self.events_by_object.remove(&subject);
            }
        }
    }

    /// The events about an object (`event_subject`: its UID, or kind/namespace/name), in key
    /// order.
    pub fn events_about(&self, subject: &str) -> Vec<Arc<Value>> {
        self.events_by_object.get(subject).into_iter().flatten().filter_map(|k| self.data.get(k)).map(|e| e.value.clone()).collect()
    }

    /// The virtual time the next writes happen at.
    pub fn set_time(&mut self, now: i64) {
        self.now = now;
        // before the first write, the store's beginning is now
        if self.revision == 1 && self.compacted == 0 {
            self.compacted_time = now;
        }
    }

    /// Bumps the revision for a write, noting the time when it is a new one.
    fn next_revision(&mut self) -> i64 {
        self.revision += 1;
        if self.clock.last().is_none_or(|(_, t)| *t != self.now) {
            self.clock.push((self.revision, self.now));
        }
        self.revision
    }

    /// The virtual time `revision` was written at (for a revision before the compaction point,
    /// the time of that point).
    pub fn time_of(&self, revision: i64) -> i64 {
        match self.clock.partition_point(|(r, _)| *r <= revision) {
            0 => self.compacted_time,
            i => self.clock[i - 1].1,
        }
    }

    /// The store as it was at `revision` (at least the compaction point), with no history of
    /// its own: what time travel shows and `kubectl get` reads from.
    pub fn at(&self, revision: i64) -> Store {
        let revision = revision.clamp(self.compacted, self.revision);
        let mut data: BTreeMap<String, Entry> = self.base.iter().map(|(k, (c, v))| (k.clone(), Entry { value: v.clone(), create_revision: *c, mod_revision: *c, version: 1 })).collect();
        for e in self.log.iter().take_while(|e| e.revision <= revision) {
            match e.typ {
                EventType::Put => {
                    let version = if e.created { 1 } else { data.get(&e.key).map_or(1, |x| x.version + 1) };
                    let create_revision = if e.created { e.revision } else { data.get(&e.key).map_or(e.revision, |x| x.create_revision) };
                    data.insert(e.key.clone(), Entry { value: e.value.clone(), create_revision, mod_revision: e.revision, version });
                }
                EventType::Delete => {
                    data.remove(&e.key);
                }
            }
        }
        let base = data.iter().map(|(k, e)| (k.clone(), (e.create_revision, e.value.clone()))).collect();
        let time = self.time_of(revision);
        let mut past = Store { revision, data, log: Vec::new(), compacted: revision, base, now: time, clock: Vec::new(), compacted_time: time, events_by_object: Default::default() };
        let events: Vec<(String, Arc<Value>)> = past.range(EVENTS).map(|(k, e)| (k.clone(), e.value.clone())).collect();
        for (k, v) in events {
            past.index_event(&k, &v, true);
        }
        past
    }

    /// The oldest revision whose state can still be rebuilt.
    pub fn compacted(&self) -> i64 {
        self.compacted
    }

    /// Number of changes kept in the history.
    pub fn history_len(&self) -> usize {
        self.log.len()
    }

    /// Forgets the history up to `revision` (kube-apiserver compacts etcd every 5 minutes):
    /// the state there becomes the base later revisions are rebuilt from.
    pub fn compact(&mut self, revision: i64) {
        let revision = revision.min(self.revision);
        if revision <= self.compacted {
            return;
        }
        let n = self.log.partition_point(|e| e.revision <= revision);
        for e in self.log.drain(..n) {
            match e.typ {
                EventType::Put => {
                    let created = if e.created { e.revision } else { self.base.get(&e.key).map_or(e.revision, |(c, _)| *c) };
                    self.base.insert(e.key, (created, e.value));
                }
                EventType::Delete => {
                    self.base.remove(&e.key);
                }
            }
        }
        self.compacted_time = self.time_of(revision);
        let keep = self.clock.partition_point(|(r, _)| *r <= revision).saturating_sub(1);
        self.clock.drain(..keep);
        self.compacted = revision;
    }

    /// The objects alive at the compaction point, oldest first (their creation order, which is
    /// the order a watcher that saw the whole history would hold them in).
    pub fn base_in_creation_order(&self) -> Vec<(&String, &Arc<Value>)> {
        let mut v: Vec<(i64, &String, &Arc<Value>)> = self.base.iter().map(|(k, (c, v))| (*c, k, v)).collect();
        v.sort_by_key(|(c, _, _)| *c);
        v.into_iter().map(|(_, k, v)| (k, v)).collect()
    }

    /// The current global revision (etcd's header.revision).
    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.data.get(key)
    }

    /// Keys and entries under a prefix, in key order (as etcd ranges).
    pub fn range<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a Entry)> + 'a {
        self.data.range(prefix.to_string()..).take_while(move |(k, _)| k.starts_with(prefix))
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn stamp(value: &mut Value, rev: i64) {
        if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rev.to_string()));
        }
    }

    /// Creates a key that must not exist (a txn with `create_revision == 0`).
    pub fn create(&mut self, key: &str, mut value: Value) -> Result<Arc<Value>, StoreError> {
        if self.data.contains_key(key) {
            return Err(StoreError::AlreadyExists);
        }
        let rev = self.next_revision();
        Self::stamp(&mut value, rev);
        let value = Arc::new(value);
        self.data.insert(key.to_string(), Entry { value: value.clone(), create_revision: rev, mod_revision: rev, version: 1 });
        self.index_event(key, &value, true);
        self.log.push(WatchEvent { revision: rev, typ: EventType::Put, key: key.to_string(), value: value.clone(), created: true });
        Ok(value)
    }

    /// Replaces an existing key; with `expect_mod_revision`, only if nobody wrote it since.
    pub fn update(&mut self, key: &str, mut value: Value, expect_mod_revision: Option<i64>) -> Result<Arc<Value>, StoreError> {
        let Some(entry) = self.data.get(key) else { return Err(StoreError::NotFound) };
        if let Some(expected) = expect_mod_revision {
            if expected != entry.mod_revision {
                return Err(StoreError::Conflict);
            }
        }
        let rev = self.next_revision();
        Self::stamp(&mut value, rev);
        let value = Arc::new(value);
        let entry = self.data.get_mut(key).expect("checked above");
        let old = std::mem::replace(&mut entry.value, value.clone());
        self.index_event(key, &old, false);
        self.index_event(key, &value, true);
        let entry = self.data.get_mut(key).expect("checked above");
        entry.mod_revision = rev;
        entry.version += 1;
        self.log.push(WatchEvent { revision: rev, typ: EventType::Put, key: key.to_string(), value: value.clone(), created: false });
        Ok(value)
    }

    pub fn delete(&mut self, key: &str, expect_mod_revision: Option<i64>) -> Result<Arc<Value>, StoreError> {
        let Some(entry) = self.data.get(key) else { return Err(StoreError::NotFound) };
        if let Some(expected) = expect_mod_revision {
            if expected != entry.mod_revision {
                return Err(StoreError::Conflict);
            }
        }
        self.next_revision();
        let old = self.data.remove(key).expect("checked above").value;
        self.index_event(key, &old, false);
        self.log.push(WatchEvent { revision: self.revision, typ: EventType::Delete, key: key.to_string(), value: old.clone(), created: false });
        Ok(old)
    }

    /// Every change after `revision`, in order — a watch resumed from there. Changes before the
    /// compaction point are gone (components watch the present, never that far back).
    pub fn events_since(&self, revision: i64) -> &[WatchEvent] {
        let idx = self.log.partition_point(|e| e.revision <= revision);
        &self.log[idx..]
    }

    /// Rebuilds the key space as it was at `revision` (for time travel and for tests that
    /// check a watch replay equals the final state); a revision before the compaction point
    /// gives the state at that point — check `compacted()` first.
    pub fn snapshot_at(&self, revision: i64) -> BTreeMap<String, Arc<Value>> {
        let mut out: BTreeMap<String, Arc<Value>> = self.base.iter().map(|(k, (_, v))| (k.clone(), v.clone())).collect();
        for e in self.log.iter().take_while(|e| e.revision <= revision) {
            match e.typ {
                EventType::Put => {
                    out.insert(e.key.clone(), e.value.clone());
                }
                EventType::Delete => {
                    out.remove(&e.key);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Compaction keeps the present and what came after the compaction point; the state at any
    // later revision is rebuilt as before, with objects in their creation order.
    #[test]
    fn compaction_keeps_later_revisions() {
        let mut s = Store::new();
        s.create("/b", json!({"metadata": {"name": "b"}})).unwrap(); // 2
        s.create("/a", json!({"metadata": {"name": "a"}})).unwrap(); // 3
        s.update("/b", json!({"metadata": {"name": "b", "labels": {"v": "2"}}}), None).unwrap(); // 4
        s.create("/c", json!({"metadata": {"name": "c"}})).unwrap(); // 5
        s.delete("/c", None).unwrap(); // 6
        s.create("/d", json!({"metadata": {"name": "d"}})).unwrap(); // 7
        let at5 = s.snapshot_at(5);
        let now = s.snapshot_at(i64::MAX);
        s.compact(6);
        assert_eq!(s.compacted(), 6);
        assert_eq!(s.history_len(), 1);
        assert_eq!(s.snapshot_at(i64::MAX), now);
        assert_eq!(s.events_since(6).len(), 1);
        assert!(at5.contains_key("/c") && !s.snapshot_at(6).contains_key("/c"));
        let order: Vec<&str> = s.base_in_creation_order().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(order, ["/b", "/a"]);
        s.compact(3); // never backwards
        assert_eq!(s.compacted(), 6);
    }

    // The index of events by object follows every write, and the store of an earlier
    // revision has its own: the same events a scan of involvedObject finds.
    #[test]
    fn events_are_found_by_the_object_they_are_about() {
        let ev = |name: &str, uid: &str| json!({"kind": "Event", "metadata": {"name": name}, "involvedObject": {"kind": "Pod", "namespace": "default", "name": "p", "uid": uid}});
        let mut s = Store::new();
        s.create("/registry/events/default/p.1", ev("p.1", "u1")).unwrap();
        s.create("/registry/events/default/p.2", ev("p.2", "u1")).unwrap();
        s.create("/registry/events/default/p.3", ev("p.3", "")).unwrap();
        let at3 = s.revision();
        // an update that changes the subject moves the event; a delete drops it
        s.update("/registry/events/default/p.2", ev("p.2", "u2"), None).unwrap();
        s.delete("/registry/events/default/p.1", None).unwrap();
        let names = |st: &Store, subject: &str| st.events_about(subject).iter().map(|e| crate::api::name(e).to_string()).collect::<Vec<_>>();
        assert_eq!(names(&s, "u1"), Vec::<String>::new());
        assert_eq!(names(&s, "u2"), ["p.2"]);
        assert_eq!(names(&s, "Pod/default/p"), ["p.3"]);
        let past = s.at(at3);
        assert_eq!(names(&past, "u1"), ["p.1", "p.2"]);
        assert_eq!(names(&past, "u2"), Vec::<String>::new());
        // only events are indexed
        s.create("/registry/pods/default/p", ev("p", "u9")).unwrap();
        assert!(s.events_about("u9").is_empty());
    }

    #[test]
    fn revisions_and_resource_versions() {
        let mut s = Store::new();
        let a = s.create("/registry/pods/default/a", json!({"metadata": {"name": "a"}})).unwrap();
        assert_eq!(a["metadata"]["resourceVersion"], "2");
        assert_eq!(s.create("/registry/pods/default/a", json!({"metadata": {}})).unwrap_err(), StoreError::AlreadyExists);
        let b = s.update("/registry/pods/default/a", json!({"metadata": {"name": "a", "labels": {"x": "y"}}}), Some(2)).unwrap();
        assert_eq!(b["metadata"]["resourceVersion"], "3");
        // stale resourceVersion → Conflict, state untouched
        assert_eq!(s.update("/registry/pods/default/a", json!({"metadata": {}}), Some(2)).unwrap_err(), StoreError::Conflict);
        assert_eq!(s.get("/registry/pods/default/a").unwrap().version, 2);
        assert_eq!(s.revision(), 3);
    }

    #[test]
    fn watch_replay_equals_state() {
        let mut s = Store::new();
        s.create("/registry/pods/default/a", json!({"metadata": {}})).unwrap();
        s.create("/registry/pods/default/b", json!({"metadata": {}})).unwrap();
        s.delete("/registry/pods/default/a", None).unwrap();
        s.create("/registry/minions/n1", json!({"metadata": {}})).unwrap();
        assert_eq!(s.events_since(3).len(), 2);
        let replay = s.snapshot_at(s.revision());
        let now: Vec<_> = s.range("/registry/").map(|(k, _)| k.clone()).collect();
        assert_eq!(replay.keys().cloned().collect::<Vec<_>>(), now);
        assert_eq!(s.snapshot_at(3).len(), 2);
        assert_eq!(s.range("/registry/pods/").count(), 1);
    }
}
