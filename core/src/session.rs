//! A session as data: the starting cluster (its seed), every console input with the virtual
//! time it was typed at, and the time reached. The simulation is deterministic, so replaying a
//! session rebuilds the same cluster — which is how the browser saves its state and how share
//! links will carry a scenario. A session may start from a lesson's cluster instead of the
//! default one. The format is versioned JSON; a hostile or damaged session is refused with a
//! message and never half-applied.

use crate::api::time::Millis;
use crate::console::Console;
use crate::sim::Cluster;
use serde_json::{json, Value};

pub const VERSION: i64 = 1;
/// Caps on what a stored session may hold (localStorage budgets are ~5 MB per origin).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_STEPS: usize = 20_000;
/// Replaying more virtual time than this would freeze the page: 7 days.
pub const MAX_SPAN: Millis = 7 * 86_400_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub seed: u64,
    /// (virtual time, console input)
    pub steps: Vec<(Millis, String)>,
    /// the virtual time reached
    pub now: Millis,
    /// the lesson whose starting cluster this session began from (None: the default cluster)
    pub lesson: Option<String>,
}

impl Session {
    pub fn new(seed: u64, now: Millis) -> Session {
        Session { seed, steps: vec![], now, lesson: None }
    }

    /// A session beginning at a lesson's starting cluster.
    pub fn for_lesson(l: &crate::lessons::Lesson, now: Millis) -> Session {
        Session { seed: l.start.seed, steps: vec![], now, lesson: Some(l.id.clone()) }
    }

    /// Records an input typed at `at`.
    pub fn record(&mut self, at: Millis, input: &str) {
        self.steps.push((at, input.to_string()));
        self.now = self.now.max(at);
    }

    pub fn to_json(&self) -> String {
        let mut v = json!({"kubesim": VERSION, "seed": self.seed, "now": self.now, "steps": self.steps.iter().map(|(t, s)| json!([t, s])).collect::<Vec<_>>()});
        if let Some(l) = &self.lesson {
            v["lesson"] = json!(l);
        }
        v.to_string()
    }

    /// The JSON the browser saves, or why it cannot be saved: a session from_json would refuse
    /// (too many steps, too much virtual time, too many bytes) is never written over a good one.
    pub fn to_saved_json(&self) -> Result<String, String> {
        if self.steps.len() > MAX_STEPS {
            return Err(format!("the session has {} steps, more than the {} a saved session may hold", self.steps.len(), MAX_STEPS));
        }
        if self.now - crate::clock::EPOCH > MAX_SPAN + 3_600_000 {
            return Err(format!("the session has run for more than {} days of virtual time", MAX_SPAN / 86_400_000));
        }
        let json = self.to_json();
        if json.len() > MAX_BYTES {
            return Err(format!("the session is {} bytes, more than the {} a saved session may hold", json.len(), MAX_BYTES));
        }
        Ok(json)
    }

    pub fn from_json(text: &str) -> Result<Session, String> {
        if text.len() > MAX_BYTES {
            return Err(format!("the saved session is {} bytes, more than the {} allowed", text.len(), MAX_BYTES));
        }
        let v: Value = serde_json::from_str(text).map_err(|e| format!("the saved session is not valid: {}", e))?;
        match v.get("kubesim").and_then(Value::as_i64) {
            Some(VERSION) => {}
            Some(n) => return Err(format!("the saved session has format version {}, this kubesim reads version {}", n, VERSION)),
            None => return Err("the saved session is not a kubesim session".into()),
        }
        let seed = v.get("seed").and_then(Value::as_u64).ok_or("the saved session has no seed")?;
        let now = v.get("now").and_then(Value::as_i64).ok_or("the saved session has no time")?;
        let steps_v = v.get("steps").and_then(Value::as_array).ok_or("the saved session has no steps")?;
        if steps_v.len() > MAX_STEPS {
            return Err(format!("the saved session has {} steps, more than the {} allowed", steps_v.len(), MAX_STEPS));
        }
        let mut steps = vec![];
        let mut last = crate::clock::EPOCH;
        for s in steps_v {
            let (Some(t), Some(input)) = (s.get(0).and_then(Value::as_i64), s.get(1).and_then(Value::as_str)) else {
                return Err("the saved session has a malformed step".into());
            };
            if t < last {
                return Err("the saved session's steps are out of order".into());
            }
            last = t;
            steps.push((t, input.to_string()));
        }
        if now < last || now - crate::clock::EPOCH > MAX_SPAN + 3_600_000 {
            return Err("the saved session's time is out of range".into());
        }
        // an optional field: sessions saved before lessons existed have none
        let lesson = match v.get("lesson") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) if crate::lessons::catalog::find(id).is_some() => Some(id.clone()),
            Some(Value::String(id)) => return Err(format!("the saved session starts from the lesson {:?}, which this kubesim does not have", id.chars().take(64).collect::<String>())),
            Some(_) => return Err("the saved session has a malformed lesson".into()),
        };
        Ok(Session { seed, steps, now, lesson })
    }

    /// The console this session starts from: the lesson's starting cluster or the default one.
    pub fn start(&self) -> Console {
        let mut c = match self.lesson.as_deref().and_then(crate::lessons::catalog::find) {
            Some(l) => l.start_console(),
            None => Console::new(Cluster::default_cluster(self.seed)),
        };
        c.cluster.mark_origin();
        c
    }

    /// Rebuilds the console and its cluster by replaying every step at its time. Each step is
    /// fed as typed — line by line, a here-document waiting for its end across steps — as the
    /// browser's terminal does.
    pub fn replay(&self) -> Console {
        let mut c = self.start();
        // a command still moving the clock when the session was saved (or cut) stops where
        // the session ends
        c.cluster.set_clock_limit(Some(self.now));
        for (t, input) in &self.steps {
            let d = t - c.cluster.now();
            if d > 0 {
                c.cluster.advance(d);
            }
            let _ = c.type_text(input);
        }
        let d = self.now - c.cluster.now();
        if d > 0 {
            c.cluster.advance(d);
        }
        c.cluster.set_clock_limit(None);
        c
    }

    /// Time travel's "continue from here": this session cut back to the store's `revision`
    /// (which happened at `time`), and the console it rebuilds. Inputs typed before that
    /// revision was reached are kept, later ones dropped; the cluster lands on the first
    /// revision at or after it that a replay can stop at (a command's writes are never split,
    /// nor an instant's timers; a command that moves the clock, such as `sleep`, stops at
    /// `time`, and replaying the cut session stops it there again).
    pub fn continue_from(&self, revision: i64, time: Millis) -> (Session, Console) {
        let mut c = self.start();
        // a command moving the clock across `time` (`sleep 15m`) is cut there
        c.cluster.set_clock_limit(Some(time));
        let mut steps = vec![];
        for (t, input) in &self.steps {
            if *t > time {
                break;
            }
            let d = t - c.cluster.now();
            if d > 0 {
                c.cluster.advance(d);
            }
            if c.cluster.api.store().revision() >= revision {
                break;
            }
            let _ = c.type_text(input);
            steps.push((*t, input.clone()));
        }
        let d = time - c.cluster.now();
        if d > 0 {
            c.cluster.advance(d);
        }
        c.cluster.set_clock_limit(None);
        let now = c.cluster.now();
        (Session { seed: self.seed, steps, now, lesson: self.lesson.clone() }, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // What is saved always loads again; what would not load is not saved.
    #[test]
    fn a_session_beyond_the_caps_is_not_saved() {
        let mut s = Session::new(1, crate::clock::EPOCH);
        s.record(crate::clock::EPOCH + 1_000, "kubectl get pods");
        let json = s.to_saved_json().unwrap();
        assert_eq!(Session::from_json(&json).unwrap(), s);
        let mut long = s.clone();
        long.now = crate::clock::EPOCH + 8 * 86_400_000;
        assert_eq!(long.to_saved_json().unwrap_err(), "the session has run for more than 7 days of virtual time");
        assert!(Session::from_json(&long.to_json()).is_err());
        let mut many = s.clone();
        for i in 0..MAX_STEPS {
            many.record(crate::clock::EPOCH + 2_000 + i as i64, "sleep 1");
        }
        assert_eq!(many.to_saved_json().unwrap_err(), format!("the session has {} steps, more than the 20000 a saved session may hold", MAX_STEPS + 1));
        assert!(Session::from_json(&many.to_json()).is_err());
        let mut big = s.clone();
        big.record(crate::clock::EPOCH + 2_000, &"x".repeat(MAX_BYTES));
        assert!(big.to_saved_json().unwrap_err().starts_with("the session is 4194"));
        assert!(Session::from_json(&big.to_json()).is_err());
    }

    // Replaying a session gives the same cluster as living it, even though the live run
    // advanced the clock a second at a time and the replay jumps.
    #[test]
    fn replay_equals_the_live_run() {
        let mut live = Console::new(Cluster::default_cluster(7));
        let mut s = Session::new(7, live.cluster.now());
        for (secs, input) in [(0, "kubectl create deployment web --image=nginx --replicas=3"), (5, "kubectl scale deployment web --replicas=1"), (12, "kubectl run once --image=busybox --restart=Never -- echo hi")] {
            for _ in 0..secs {
                live.cluster.advance(1_000);
            }
            s.record(live.cluster.now(), input);
            let _ = live.exec(input);
        }
        for _ in 0..30 {
            live.cluster.advance(1_000);
        }
        s.now = live.cluster.now();
        let back = Session::from_json(&s.to_json()).unwrap();
        assert_eq!(back, s);
        let replayed = back.replay();
        let dump = |c: &Console| c.cluster.api.store().snapshot_at(i64::MAX).into_iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>();
        assert_eq!(dump(&replayed), dump(&live));
    }

    // A session begun from a lesson replays from that lesson's starting cluster (its setup
    // included), and a here-document typed over several inputs waits for its end, as in a
    // terminal.
    #[test]
    fn lesson_sessions_replay_from_the_lesson() {
        let lesson = crate::lessons::catalog::find("taints-tolerations").unwrap();
        let mut live = lesson.start_console();
        let mut s = Session::for_lesson(&lesson, live.cluster.now());
        for input in ["kubectl apply -f - <<EOF", "apiVersion: v1\nkind: Pod", "metadata:\n  name: typed\nspec:\n  containers:\n  - name: c\n    image: nginx", "EOF"] {
            s.record(live.cluster.now(), input);
            let _ = live.type_text(input);
        }
        assert!(live.cluster.api.get_kind("Pod", "default", "typed").is_some());
        live.cluster.advance(5_000);
        s.now = live.cluster.now();
        let back = Session::from_json(&s.to_json()).unwrap();
        assert_eq!(back.lesson.as_deref(), Some("taints-tolerations"));
        let replayed = back.replay();
        let dump = |c: &Console| c.cluster.api.store().snapshot_at(i64::MAX).into_iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>();
        assert_eq!(dump(&replayed), dump(&live));
        // the lesson's setup tainted node02
        assert!(dump(&replayed).iter().any(|l| l.starts_with("/registry/minions/node02=") && l.contains("dedicated")));
        let unknown = s.to_json().replace("taints-tolerations", "no-such-lesson");
        assert!(Session::from_json(&unknown).unwrap_err().contains("\"no-such-lesson\""));
    }

    #[test]
    fn hostile_sessions_are_refused() {
        assert!(Session::from_json("garbage").unwrap_err().contains("not valid"));
        assert!(Session::from_json(r#"{"kubesim": 99, "seed": 1, "now": 0, "steps": []}"#).unwrap_err().contains("format version 99"));
        assert!(Session::from_json(r#"{"kubesim": 1, "seed": 1, "now": 1767225600000, "steps": [[1767225600000, 5]]}"#).unwrap_err().contains("malformed"));
        // a week of virtual time at most
        assert!(Session::from_json(r#"{"kubesim": 1, "seed": 1, "now": 99999999999999, "steps": []}"#).unwrap_err().contains("out of range"));
        let big = format!(r#"{{"kubesim": 1, "seed": 1, "now": 0, "steps": [], "pad": "{}"}}"#, "x".repeat(MAX_BYTES));
        assert!(Session::from_json(&big).unwrap_err().contains("more than"));
    }
}

/// The share-link fragment's prefix: `s1.` + base64url(deflate(session JSON)). The version is
/// in the prefix so that old links keep opening when the format changes.
pub const LINK_PREFIX: &str = "s1.";
/// A link longer than this is refused before decoding (browsers cap URLs near 2 MB anyway).
pub const MAX_LINK: usize = 256 * 1024;

/// The URL fragment (without `#`) that carries this session.
pub fn to_link(s: &Session) -> String {
    use base64::Engine;
    let packed = miniz_oxide::deflate::compress_to_vec(s.to_json().as_bytes(), 9);
    format!("{}{}", LINK_PREFIX, base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a share-link fragment; decompression is capped, so a bomb is refused, not expanded.
pub fn from_link(fragment: &str) -> Result<Session, String> {
    use base64::Engine;
    let fragment = fragment.trim_start_matches('#');
    if fragment.len() > MAX_LINK {
        return Err(format!("the link is {} characters long, more than the {} allowed", fragment.len(), MAX_LINK));
    }
    let Some(body) = fragment.strip_prefix(LINK_PREFIX) else {
        return Err(match fragment.split_once('.') {
            Some((v, _)) if v.starts_with('s') && v.len() <= 4 => format!("the link is in format {}, which this kubesim does not know (it reads s1)", v),
            _ => "the link does not hold a kubesim scenario".into(),
        });
    };
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body).map_err(|_| "the link is damaged (not base64url)".to_string())?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_BYTES).map_err(|e| match e.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!("the link expands past {} bytes: refused", MAX_BYTES),
        _ => "the link is damaged (not a compressed scenario)".to_string(),
    })?;
    let text = String::from_utf8(json).map_err(|_| "the link is damaged (not text)".to_string())?;
    Session::from_json(&text)
}

#[cfg(test)]
mod link_tests {
    use super::*;

    // A five-object scenario stays well under 2,000 characters, and the link round-trips.
    #[test]
    fn five_objects_fit_in_a_short_link() {
        let mut s = Session::new(1, crate::clock::EPOCH + 260_000);
        let yaml = |n: &str, img: &str| format!("kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {n}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {n}\n  template:\n    metadata:\n      labels:\n        app: {n}\n    spec:\n      containers:\n      - name: {n}\n        image: {img}\n        resources:\n          requests:\n            cpu: 100m\nEOF");
        for (i, (n, img)) in [("web", "nginx"), ("cache", "redis"), ("db", "postgres"), ("api", "httpd"), ("queue", "rabbitmq")].iter().enumerate() {
            s.record(crate::clock::EPOCH + 260_000 + i as i64 * 1000, &yaml(n, img));
        }
        s.now += 60_000;
        let link = to_link(&s);
        assert!(link.len() < 2_000, "{} characters", link.len());
        assert_eq!(from_link(&link).unwrap(), s);
    }

    #[test]
    fn hostile_links_are_refused() {
        use base64::Engine;
        assert!(from_link("hello").unwrap_err().contains("does not hold"));
        assert!(from_link("s9.AAAA").unwrap_err().contains("format s9"));
        assert!(from_link("s1.!!!").unwrap_err().contains("not base64url"));
        assert!(from_link("s1.AAAA").unwrap_err().contains("damaged"));
        // a decompression bomb: 64 MB of zeros deflate to a few kB
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 64 * 1024 * 1024], 9);
        let link = format!("s1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb));
        assert!(link.len() < MAX_LINK);
        assert!(from_link(&link).unwrap_err().contains("expands past"));
    }
}
