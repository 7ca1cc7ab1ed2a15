//! `kubesim bench schedule`: kube-scheduler throughput, in the manner of upstream's
//! scheduler_perf (test/integration/scheduler_perf): N nodes of mixed sizes, labels and
//! taints, P pods with mixed requests, nodeSelectors, node affinities and tolerations, all
//! created first, then scheduled with the default profile and timed. Binding goes through the
//! API server and records the Scheduled event, as upstream does. The same code runs natively
//! and in WebAssembly; the caller passes a millisecond clock.

use crate::apiserver::{ApiServer, Subresource};
use crate::scheduler::Schedulers;
use crate::clock::rng::Rng;
use crate::clock::{Timers, EPOCH};
use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct Options {
    pub nodes: usize,
    pub pods: usize,
    /// percentageOfNodesToScore = 100
    pub score_all: bool,
    pub seed: u64,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub nodes: usize,
    pub pods: usize,
    pub scheduled: usize,
    pub unschedulable: usize,
    pub setup_ms: f64,
    pub schedule_ms: f64,
    /// of which the scheduling cycles themselves (Filter + Score + selection, no binding)
    pub cycle_ms: f64,
}

impl Report {
    pub fn pods_per_second(&self) -> f64 {
        if self.schedule_ms <= 0.0 {
            return 0.0;
        }
        self.pods as f64 / (self.schedule_ms / 1000.0)
    }

    /// The scheduling algorithm alone, per pod, in microseconds.
    pub fn cycle_line(&self) -> String {
        let per = if self.pods > 0 { self.cycle_ms * 1000.0 / self.pods as f64 } else { 0.0 };
        format!("of which scheduling cycles (filter, score, select): {:.3} s, {:.1} µs per pod; binding, events and the watch: {:.3} s", self.cycle_ms / 1000.0, per, (self.schedule_ms - self.cycle_ms) / 1000.0)
    }

    /// One line, ending in `R pods/s`.
    pub fn line(&self, score_all: bool) -> String {
        format!(
            "schedule: {} nodes, {} pods ({} bound, {} unschedulable), percentageOfNodesToScore={}: {:.3} s, {:.0} pods/s",
            self.nodes,
            self.pods,
            self.scheduled,
            self.unschedulable,
            if score_all { "100" } else { "adaptive" },
            self.schedule_ms / 1000.0,
            self.pods_per_second()
        )
    }
}

/// Node shapes: (cpu, memory) — small to large, as a mixed cloud fleet.
const SIZES: &[(&str, &str)] = &[("2", "4Gi"), ("4", "8Gi"), ("8", "32Gi"), ("16", "64Gi"), ("32", "128Gi")];
const ZONES: &[&str] = &["zone-a", "zone-b", "zone-c"];

fn node(i: usize, rng: &mut Rng) -> (Value, Value) {
    let name = format!("node-{:05}", i);
    let (cpu, mem) = SIZES[rng.below(SIZES.len() as u32) as usize];
    let zone = ZONES[i % ZONES.len()];
    let disk = if rng.below(3) == 0 { "ssd" } else { "hdd" };
    let mut taints = vec![];
    match rng.below(20) {
        0 | 1 => taints.push(json!({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"})),
        2 => taints.push(json!({"key": "spot", "value": "true", "effect": "PreferNoSchedule"})),
        _ => {}
    }
    let obj = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {
        "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": zone, "disktype": disk}},
        "spec": {"taints": taints}});
    let status = json!({"capacity": {"cpu": cpu, "memory": mem, "pods": "110"}, "allocatable": {"cpu": cpu, "memory": mem, "pods": "110"},
        "conditions": [{"type": "Ready", "status": "True"}]});
    (obj, status)
}

fn pod(i: usize, rng: &mut Rng) -> Value {
    let cpu = ["100m", "250m", "500m", "1"][rng.below(4) as usize];
    let mem = ["128Mi", "256Mi", "512Mi", "1Gi"][rng.below(4) as usize];
    let mut spec = json!({"containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": cpu, "memory": mem}}}]});
    match rng.below(10) {
        0 | 1 => spec["nodeSelector"] = json!({"disktype": "ssd"}),
        2 => {
            spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["zone-a", "zone-b"]}]}]}}})
        }
        3 => {
            spec["affinity"] = json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "preference": {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}}]}})
        }
        4 => spec["tolerations"] = json!([{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]),
        _ => {}
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("pod-{:06}", i), "namespace": "default", "labels": {"app": format!("app-{}", i % 50)}}, "spec": spec})
}

/// Builds the cluster, then times scheduling every pod.
pub fn schedule(opts: &Options, clock: std::rc::Rc<dyn Fn() -> f64>) -> Report {
    let t0 = clock();
    let mut api = ApiServer::new(opts.seed, EPOCH);
    let _ = api.create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}), false);
    let mut rng = Rng::new(opts.seed);
    for i in 0..opts.nodes {
        let (obj, status) = node(i, &mut rng);
        if let Ok(created) = api.create(obj, false) {
            let mut with = (*created).clone();
            with["status"] = status;
            let _ = api.update(with, Subresource::Status);
        }
    }
    for i in 0..opts.pods {
        let _ = api.create(pod(i, &mut rng), false);
    }
    let mut schedulers = Schedulers::new(opts.seed);
    if opts.score_all {
        for s in &mut schedulers.instances {
            for p in &mut s.profiles {
                p.percentage_of_nodes_to_score = Some(100);
            }
        }
    }
    schedulers.cycle_clock = Some(clock.clone());
    // the informers' initial list: everything created so far
    schedulers.sync(api.store(), api.now);
    let t1 = clock();
    let mut timers = Timers::default();
    schedulers.schedule_pending(&mut api, &mut timers);
    let t2 = clock();
    let scheduled = api.list_kind("Pod", Some("default")).iter().filter(|p| !crate::api::str_at(p, "/spec/nodeName").is_empty()).count();
    Report { nodes: opts.nodes, pods: opts.pods, scheduled, unschedulable: opts.pods - scheduled, setup_ms: t1 - t0, schedule_ms: t2 - t1, cycle_ms: schedulers.cycle_ms }
}
