//! DefaultPreemption (PostFilter; pkg/scheduler/framework/preemption and
//! plugins/defaultpreemption): when no node fits, find nodes where evicting lower-priority
//! pods would let the pod fit, keep as many of them as possible (PodDisruptionBudget-violating
//! ones reprieved first), pick the node by upstream's criteria, delete the victims gracefully
//! with a Preempted event, and nominate the node (status.nominatedNodeName).

use super::cache::Cache;
use super::framework::{self, Profile};
use super::plugins::{Code, Status};
use super::types::{NodeInfo, PodInfo};
use crate::apiserver::events::Source;
use crate::apiserver::{admission::set_condition, ApiServer, Subresource};
use std::sync::Arc;

pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";

/// What PostFilter did: the tail of the FitError message, or a nominated node.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// "preemption: …" appended to the FailedScheduling message
    pub message: Option<String>,
    pub nominated: Option<String>,
    /// for `sim explain pod`: the victims and the node
    pub summary: Option<String>,
}

impl Outcome {
    pub fn disabled() -> Outcome {
        Outcome::default()
    }
    fn fail(msg: String) -> Outcome {
        Outcome { message: Some(format!("preemption: {}", msg)), nominated: None, summary: None }
    }
}

struct Candidate {
    node: usize,
    victims: Vec<Arc<PodInfo>>,
    pdb_violations: usize,
}

/// PDBs that would be violated by evicting `p` (disruptionsAllowed exhausted).
fn violates_pdb(cache: &Cache, p: &PodInfo, budgets: &mut Vec<(String, String, i64)>) -> bool {
    let mut violated = false;
    for ((ns, name), (sel, _)) in &cache.pdbs {
        if *ns != p.namespace || sel.is_empty() || !sel.matches(&p.labels) {
            continue;
        }
        if let Some(b) = budgets.iter_mut().find(|b| b.0 == *ns && b.1 == *name) {
            b.2 -= 1;
            if b.2 < 0 {
                violated = true;
            }
        }
    }
    violated
}

/// SelectVictimsOnNode: every lower-priority pod off the node; if the preemptor then fits,
/// pods are put back one by one (PDB-violating ones first, then the rest, most important
/// first) and stay unless the preemptor no longer fits. Each removal and return is told to the
/// plugins with cluster-wide state (framework::Trial), so a victim that counted against a
/// topology spread or an anti-affinity stops counting when it goes.
fn select_victims(profile: &Profile, cache: &Cache, pod: &PodInfo, n: &NodeInfo) -> Result<(Vec<Arc<PodInfo>>, usize), Status> {
    let mut lower: Vec<Arc<PodInfo>> = n.pods.iter().filter(|p| p.priority < pod.priority).cloned().collect();
    if lower.is_empty() {
        return Err(Status::unresolvable("DefaultPreemption", NO_VICTIMS));
    }
    let mut state = framework::Trial::new(profile, cache, pod);
    let mut trial = n.clone();
    for p in &lower {
        trial.remove_pod(&p.namespace, &p.name);
        state.remove_pod(cache, pod, p, &trial);
    }
    state.filter(profile, cache, pod, &trial)?;
    // most important first: higher priority, then the earlier started
    lower.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.created.cmp(&b.created)));
    let mut budgets: Vec<(String, String, i64)> = cache.pdbs.iter().map(|((ns, name), (_, allowed))| (ns.clone(), name.clone(), *allowed)).collect();
    let (violating, safe): (Vec<_>, Vec<_>) = lower.into_iter().partition(|p| violates_pdb(cache, p, &mut budgets));
    let mut victims = vec![];
    let mut violations = 0;
    for (group, is_violating) in [(violating, true), (safe, false)] {
        for p in group {
            trial.add_pod(p.clone());
            state.add_pod(cache, pod, &p, &trial);
            if state.filter(profile, cache, pod, &trial).is_err() {
                trial.remove_pod(&p.namespace, &p.name);
                state.remove_pod(cache, pod, &p, &trial);
                if is_violating {
                    violations += 1;
                }
                victims.push(p);
            }
        }
    }
    Ok((victims, violations))
}

/// pickOneNodeForPreemption's criteria, in order.
fn pick(cands: &[Candidate]) -> usize {
    let key = |c: &Candidate| {
        let highest = c.victims.iter().map(|v| v.priority).max().unwrap_or(i64::MIN);
        // priorities offset by MaxInt32+1 so that negative ones still add up to more victims
        let sum: i64 = c.victims.iter().map(|v| v.priority + i32::MAX as i64 + 1).sum();
        let earliest_of_highest = c.victims.iter().filter(|v| v.priority == highest).map(|v| v.created.clone()).min().unwrap_or_default();
        (c.pdb_violations, highest, sum, c.victims.len(), std::cmp::Reverse(earliest_of_highest))
    };
    (0..cands.len()).min_by_key(|&i| key(&cands[i])).unwrap_or(0)
}

pub fn preempt(profile: &Profile, cache: &Cache, pod: &PodInfo, failures: &[(usize, Status)], api: &mut ApiServer, source: Source) -> Outcome {
    if pod.preemption_never {
        return Outcome { message: Some("preemption: not eligible due to preemptionPolicy=Never.".into()), nominated: None, summary: Some("not eligible: preemptionPolicy is Never".into()) };
    }
    if !pod.nominated_node_name.is_empty() {
        if let Some(n) = cache.node(&pod.nominated_node_name) {
            let unresolvable = failures.iter().any(|(i, s)| cache.nodes[*i].node.name == n.node.name && s.code == Code::UnschedulableAndUnresolvable);
            if !unresolvable && n.pods.iter().any(|p| p.deleting && p.priority < pod.priority) {
                return Outcome::fail("not eligible due to a terminating pod on the nominated node.".into());
            }
        }
    }
    let mut statuses: Vec<(usize, Status)> = vec![];
    let mut cands: Vec<Candidate> = vec![];
    for (i, s) in failures {
        if s.code == Code::UnschedulableAndUnresolvable {
            statuses.push((*i, Status::unresolvable("DefaultPreemption", NOT_HELPFUL)));
            continue;
        }
        match select_victims(profile, cache, pod, &cache.nodes[*i]) {
            Ok((victims, pdb_violations)) if !victims.is_empty() => cands.push(Candidate { node: *i, victims, pdb_violations }),
            Ok(_) => statuses.push((*i, Status::unresolvable("DefaultPreemption", NO_VICTIMS))),
            Err(st) => statuses.push((*i, st)),
        }
    }
    if cands.is_empty() {
        return Outcome::fail(framework::fit_error(cache.nodes.len(), &statuses, None));
    }
    let c = &cands[pick(&cands)];
    let node = cache.nodes[c.node].node.name.clone();
    for v in &c.victims {
        let Some(cur) = api.get_kind("Pod", &v.namespace, &v.name) else { continue };
        let mut p = (*cur).clone();
        set_condition(&mut p, "DisruptionTarget", "True", Some("PreemptionByScheduler"), Some(&format!("{}: preempting to accommodate a higher priority pod", source.component)), api.now);
        let _ = api.update(p, Subresource::Status);
        api.record_event(&cur, "", "Normal", "Preempted", &format!("Preempted by pod {} on node {}", pod.uid, node), Source { component: source.component, host: None });
        if let Some(r) = crate::api::resources::by_kind("Pod") {
            let _ = api.delete(r, &v.namespace, &v.name, None);
        }
    }
    let names: Vec<String> = c.victims.iter().map(|v| format!("{}/{}", v.namespace, v.name)).collect();
    Outcome { message: None, nominated: Some(node.clone()), summary: Some(format!("nominated {} after preempting {}", node, names.join(", "))) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn cache(objs: Vec<Value>) -> Cache {
        Cache::from_objects(objs)
    }
    fn node(name: &str) -> Value {
        json!({"kind": "Node", "metadata": {"name": name}, "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}})
    }
    fn pod(name: &str, node: &str, prio: i64, cpu: &str, created: &str) -> Value {
        json!({"kind": "Pod", "metadata": {"name": name, "namespace": "default", "creationTimestamp": created, "labels": {"app": name}},
               "spec": {"nodeName": node, "priority": prio, "containers": [{"resources": {"requests": {"cpu": cpu}}}]}})
    }

    // After default_preemption_test.go TestSelectVictimsOnNode "a pod that would fit on the
    // node after removing lower priority pods": every lower-priority pod is removed, then the
    // most important ones are reprieved while the preemptor still fits.
    #[test]
    fn victims_are_the_fewest_least_important() {
        let c = cache(vec![node("n1"), pod("low-1", "n1", 1, "1", "2026-01-01T00:00:01Z"), pod("low-2", "n1", 2, "1", "2026-01-01T00:00:02Z"), pod("mid", "n1", 5, "2", "2026-01-01T00:00:03Z")]);
        let preemptor = PodInfo::from_json(&json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {"priority": 10, "containers": [{"resources": {"requests": {"cpu": "1"}}}]}}));
        let prof = Profile::default_profile("default-scheduler");
        let (victims, violations) = select_victims(&prof, &c, &preemptor, c.node("n1").unwrap()).unwrap();
        // 4 cpu all requested; the preemptor needs 1: "mid" (most important) and "low-2" are
        // reprieved, "low-1" (least important) goes
        assert_eq!(victims.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), vec!["low-1"]);
        assert_eq!(violations, 0);
        // equal priority is not lower: nothing to preempt
        let peer = PodInfo::from_json(&json!({"metadata": {"name": "q", "namespace": "default"}, "spec": {"priority": 1, "containers": [{"resources": {"requests": {"cpu": "1"}}}]}}));
        assert_eq!(select_victims(&prof, &c, &peer, c.node("n1").unwrap()).unwrap_err().reasons, vec![NO_VICTIMS.to_string()]);
    }

    // After default_preemption_test.go TestDryRunPreemption "preemption to resolve pod
    // topology spread filter failure": the victims' leaving lowers their zone's count, so a
    // node the spread ruled out becomes a candidate; each reprieved pod counts again.
    #[test]
    fn victims_that_count_against_a_topology_spread_stop_counting() {
        let zone = |name: &str, z: &str, cordoned: bool| {
            json!({"kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": z}},
                   "spec": {"unschedulable": cordoned}, "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}})
        };
        let web = |name: &str, created: &str| {
            json!({"kind": "Pod", "metadata": {"name": name, "namespace": "default", "creationTimestamp": created, "labels": {"app": "web"}},
                   "spec": {"nodeName": "a", "priority": 1, "containers": [{"resources": {"requests": {"cpu": "100m"}}}]}})
        };
        let c = cache(vec![zone("a", "za", false), zone("b", "zb", true), web("s1", "2026-01-01T00:00:01Z"), web("s2", "2026-01-01T00:00:02Z")]);
        let preemptor = PodInfo::from_json(&json!({"metadata": {"name": "p", "namespace": "default", "labels": {"app": "web"}}, "spec": {"priority": 10,
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}],
            "containers": [{"resources": {"requests": {"cpu": "100m"}}}]}}));
        let prof = Profile::default_profile("default-scheduler");
        // as it is, zone za holds 2 and zb 0: 2 + 1 - 0 > maxSkew 1
        let (victims, _) = select_victims(&prof, &c, &preemptor, c.node("a").unwrap()).expect("a candidate once s1 and s2 are gone");
        // with either one back, za would hold 1: 1 + 1 - 0 > 1 again, so both go
        assert_eq!(victims.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), vec!["s1", "s2"]);
    }

    // After TestDryRunPreemption's inter-pod anti-affinity cases: a victim the preemptor's
    // required anti-affinity rejects stops counting once it is taken off the node.
    #[test]
    fn a_victim_the_preemptor_is_anti_affine_to_stops_counting() {
        let c = cache(vec![
            json!({"kind": "Node", "metadata": {"name": "a", "labels": {"kubernetes.io/hostname": "a"}}, "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}),
            json!({"kind": "Pod", "metadata": {"name": "db", "namespace": "default", "labels": {"app": "db"}}, "spec": {"nodeName": "a", "priority": 1, "containers": [{}]}}),
            json!({"kind": "Pod", "metadata": {"name": "cache", "namespace": "default", "labels": {"app": "cache"}}, "spec": {"nodeName": "a", "priority": 1, "containers": [{}]}}),
        ]);
        let preemptor = PodInfo::from_json(&json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {"priority": 10, "containers": [{}],
            "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "db"}}}]}}}}));
        let prof = Profile::default_profile("default-scheduler");
        let (victims, _) = select_victims(&prof, &c, &preemptor, c.node("a").unwrap()).expect("a candidate once db is gone");
        // "cache" does not bother the preemptor: reprieved
        assert_eq!(victims.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), vec!["db"]);
    }

    // After TestSelectBestCandidate: fewer PDB violations, then the lowest highest-victim
    // priority, then the smallest priority sum, then fewer victims.
    #[test]
    fn candidate_order() {
        let v = |p: i64| Arc::new(PodInfo::from_json(&json!({"metadata": {"name": format!("v{}", p)}, "spec": {"priority": p}})));
        let a = Candidate { node: 0, victims: vec![v(5)], pdb_violations: 0 };
        let b = Candidate { node: 1, victims: vec![v(3), v(3)], pdb_violations: 0 };
        let c = Candidate { node: 2, victims: vec![v(1)], pdb_violations: 1 };
        assert_eq!(pick(&[a, b, c]), 1, "lowest highest-priority victim wins among non-violating");
        let d = Candidate { node: 0, victims: vec![v(3), v(1)], pdb_violations: 0 };
        let e = Candidate { node: 1, victims: vec![v(3)], pdb_violations: 0 };
        assert_eq!(pick(&[d, e]), 1, "then the smaller sum of priorities");
    }
}
