//! Time travel (the playground's history scrubber): the cluster at an earlier revision is
//! exactly what the live run had then, reads work on it and writes are refused, and
//! "continue from here" rebuilds a cluster that is that earlier state — from which the same
//! inputs lead to the same present.

use kubesim::console::Console;
use kubesim::session::Session;
use kubesim::sim::Cluster;
use std::collections::BTreeMap;

fn dump(c: &Cluster, revision: i64) -> BTreeMap<String, String> {
    c.api.store().snapshot_at(revision).into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

fn text(c: &mut Console, input: &str) -> String {
    c.type_text(input).into_iter().map(|o| o.text).collect()
}

/// A live run as the browser makes it: the clock ticks a second at a time and inputs are
/// typed between ticks (a here-document over several inputs among them).
fn live_run() -> (Console, Session, Vec<i64>) {
    // as the browser starts: the session's starting cluster
    let mut s = Session::new(3, kubesim::sim::EPOCH);
    let mut live = s.start();
    s.now = live.cluster.now();
    let script: &[(i64, &str)] = &[
        (0, "kubectl create deployment web --image=nginx --replicas=3"),
        (4, "kubectl run big --image=nginx --overrides='{\"spec\":{\"containers\":[{\"name\":\"big\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"64\"}}}]}}'"),
        (3, "kubectl scale deployment web --replicas=1"),
        (0, "kubectl apply -f - <<EOF"),
        (2, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n        command: [\"sleep\", \"20\"]"),
        (1, "EOF"),
        (7, "kubectl cordon node01"),
        (0, "kubectl label node node02 disktype=ssd"),
        (30, "kubectl delete deployment web"),
    ];
    let mut marks = vec![];
    for (secs, input) in script {
        for _ in 0..*secs {
            live.cluster.advance(1_000);
        }
        marks.push(live.cluster.api.store().revision());
        s.record(live.cluster.now(), input);
        let _ = live.type_text(input);
    }
    for _ in 0..40 {
        live.cluster.advance(1_000);
    }
    s.now = live.cluster.now();
    (live, s, marks)
}

// The past is what the live cluster held at that revision, at that revision's time.
#[test]
fn the_past_is_the_live_state_at_that_revision() {
    let (live, _, _) = live_run();
    let (oldest, newest) = live.cluster.history_span();
    assert!(oldest < newest);
    for r in [oldest, (oldest + newest) / 2, newest - 7, newest] {
        let past = live.cluster.past(r);
        assert_eq!(past.api.store().revision(), r);
        assert_eq!(dump(&past, i64::MAX), dump(&live.cluster, r), "revision {}", r);
        assert_eq!(past.now(), live.cluster.time_of(r));
    }
    // times never go backwards along the revisions
    let times: Vec<i64> = (oldest..=newest).map(|r| live.cluster.time_of(r)).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(live.cluster.time_of(newest), live.cluster.api.store().at(newest).time_of(newest));
}

// kubectl reads the past (with ages as of then); anything that would change it is refused,
// inside pipes too, and the present is untouched.
#[test]
fn the_past_reads_but_never_writes() {
    let (live, s, marks) = live_run();
    // just before `kubectl scale … --replicas=1`: three web pods
    let before_scale = marks[2];
    let why = "error: this is the cluster in the past (read only): continue from here to change it";
    let mut past = kubesim::console::Console::past(&live.cluster, before_scale, why);
    let pods = text(&mut past, "kubectl get pods");
    assert_eq!(pods.lines().filter(|l| l.starts_with("web-")).count(), 3, "{}", pods);
    assert!(pods.lines().next().unwrap().starts_with("NAME"));
    assert_eq!(text(&mut past, "kubectl get deploy web -o jsonpath={.spec.replicas}"), "3");
    assert_eq!(text(&mut past, "kubectl -n kube-system get pods | grep -c coredns"), "2\n");
    assert!(text(&mut past, "kubectl describe deployment web").contains("Replicas:"));
    for write in ["kubectl delete deployment web", "kubectl -n default scale deploy web --replicas=0", "kubectl get pods -o name | xargs kubectl delete", "sim node stop node01", "touch x"] {
        let out = past.type_text(write);
        let last = out.last().unwrap();
        assert!(last.error && last.text.contains(why), "{} → {:?}", write, last.text);
    }
    assert_eq!(text(&mut past, "kubectl get deploy web -o jsonpath={.spec.replicas}"), "3");
    // the present: web is gone (deleted at the end of the script)
    let mut now = s.replay();
    assert!(text(&mut now, "kubectl get deploy").contains("No resources found"));
}

// "Continue from here" lands on a state the live run passed through, at that time; typing the
// dropped inputs again at their times leads to the same present.
#[test]
fn continuing_from_the_past_rebuilds_that_state() {
    let (live, s, marks) = live_run();
    let (oldest, newest) = live.cluster.history_span();
    let mut picks: Vec<i64> = marks.clone();
    picks.extend([oldest, marks[0] + 1, marks[3] + 5, (marks[7] + newest) / 2, newest]);
    for r in picks {
        let time = live.cluster.time_of(r);
        let (cut, mut c) = s.continue_from(r, time);
        let landed = c.cluster.api.store().revision();
        assert!(landed >= r, "revision {} landed on {}", r, landed);
        assert_eq!(c.cluster.now(), time, "revision {}", r);
        assert_eq!(live.cluster.time_of(landed), time, "revision {} landed on {}, at another time", r, landed);
        assert_eq!(dump(&c.cluster, i64::MAX), dump(&live.cluster, landed), "revision {}", r);
        assert!(s.steps.starts_with(&cut.steps));
        assert_eq!(cut.now, time);
        // the saved form of the cut session rebuilds the same cluster
        let again = Session::from_json(&cut.to_json()).unwrap().replay();
        assert_eq!(dump(&again.cluster, i64::MAX), dump(&c.cluster, i64::MAX));
        // and the inputs it dropped, typed again, give the same present
        for (t, input) in &s.steps[cut.steps.len()..] {
            let d = t - c.cluster.now();
            if d > 0 {
                c.cluster.advance(d);
            }
            let _ = c.type_text(input);
        }
        c.cluster.advance(s.now - c.cluster.now());
        assert_eq!(dump(&c.cluster, i64::MAX), dump(&live.cluster, i64::MAX), "revision {}", r);
    }
}

// Where a cut falls inside a here-document typed over several inputs, the console waits for
// the rest of it, as the terminal did then.
#[test]
fn a_cut_inside_a_here_document_leaves_it_open() {
    let (live, s, marks) = live_run();
    // after "kubectl apply -f - <<EOF" and the job's lines were typed, before EOF: the clock
    // ran in between, so revisions were written while the document was open
    let r = marks[5];
    let (cut, c) = s.continue_from(r, live.cluster.time_of(r));
    assert!(cut.steps.last().unwrap().1.starts_with("apiVersion: batch/v1"), "{:?}", cut.steps.last());
    assert!(c.needs_more());
    assert!(c.cluster.api.get_kind("Job", "default", "once").is_none());
}

// The inspector in the past explains a pod by the attempt made by then, never a later one.
#[test]
fn the_past_explains_only_attempts_made_by_then() {
    let (live, _, _) = live_run();
    let sched = &live.cluster.scheduler;
    let store = live.cluster.api.store();
    let (_, a) = sched.attempt(store, "default", "big").expect("big was tried");
    let uid = a.uid.clone();
    let then = sched.explain_as_of(store, "default", "big", &uid, a.revision).expect("explained as of its attempt");
    assert!(then.picked.is_none());
    assert!(then.message.as_deref().unwrap().starts_with("0/3 nodes are available:"), "{:?}", then.message);
    assert!(sched.explain_as_of(store, "default", "big", &uid, a.revision - 1).is_none());
    assert!(sched.explain_as_of(store, "default", "big", "another-uid", i64::MAX).is_none());
}

// A command that moves the clock (`sleep 10m`, typed once) is cut where the travel lands, and
// the cut session, saved and replayed, stops it there again rather than sleeping on.
#[test]
fn a_cut_inside_sleep_stops_the_clock_there() {
    let mut s = Session::new(5, kubesim::sim::EPOCH);
    let mut live = s.start();
    for input in ["kubectl create deployment web --image=nginx --replicas=2", "sleep 10m"] {
        s.record(live.cluster.now(), input);
        let _ = live.type_text(input);
    }
    s.now = live.cluster.now();
    let (oldest, newest) = live.cluster.history_span();
    // a revision written while `sleep 10m` ran (the deployment's pods starting, heartbeats)
    let start = s.steps[1].0;
    let r = (oldest..=newest).find(|r| live.cluster.time_of(*r) > start + 60_000).expect("something was written during the sleep");
    let time = live.cluster.time_of(r);
    assert!(time < s.now);
    let (cut, c) = s.continue_from(r, time);
    assert_eq!(cut.steps.len(), 2, "the sleep began before the cut");
    assert_eq!(c.cluster.now(), time);
    assert_eq!(dump(&c.cluster, i64::MAX), dump(&live.cluster, c.cluster.api.store().revision()));
    let again = Session::from_json(&cut.to_json()).unwrap().replay();
    assert_eq!(again.cluster.now(), time);
    assert_eq!(dump(&again.cluster, i64::MAX), dump(&c.cluster, i64::MAX));
}
