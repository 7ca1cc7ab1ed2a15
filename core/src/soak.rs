//! `kubesim bench soak`: a large cluster with churn for many virtual hours, through the console
//! as a learner's browser would drive it — nodes added, deployments applied, scaled and rolled,
//! pods deleted, nodes cordoned, drained, stopped and started, deleted and joined again — to show that the simulation
//! finishes, that its memory stays bounded (events expire, the history is compacted) and that
//! the session the browser saves stays within its localStorage budget.

use crate::console::Console;
use crate::session::Session;
use crate::clock::rng::Rng;
use crate::sim::Cluster;

pub struct SoakOptions {
    pub nodes: usize,
    pub hours: u32,
    pub seed: u64,
}

/// One line per virtual hour (`progress`), then the totals.
pub struct SoakHour {
    pub hour: u32,
    pub objects: usize,
    pub history: usize,
    pub pods: usize,
    pub events: usize,
}

pub struct SoakReport {
    pub session_bytes: usize,
    pub steps: usize,
    pub last: SoakHour,
    /// what the browser would save; replaying it rebuilds the cluster at `revision`
    pub session: Session,
    pub revision: i64,
}

fn hour(c: &Console, hour: u32) -> SoakHour {
    SoakHour {
        hour,
        objects: c.cluster.api.store().len(),
        history: c.cluster.api.store().history_len(),
        pods: c.cluster.api.list_kind("Pod", None).len(),
        events: c.cluster.api.list_kind("Event", None).len(),
    }
}

/// A soak in progress, a virtual minute at a time (the browser test yields between minutes).
pub struct Soak {
    c: Console,
    session: Session,
    rng: Rng,
    nodes: usize,
    deployments: usize,
    minutes: u32,
}

impl Soak {
    /// The fleet: N nodes added and N/10 Deployments created, as a script a teacher pastes would.
    pub fn new(o: &SoakOptions) -> Soak {
        let c = Console::new(Cluster::default_cluster(o.seed));
        let session = Session::new(o.seed, c.cluster.now());
        let mut s = Soak { c, session, rng: Rng::new(o.seed ^ 0x50a4), nodes: o.nodes, deployments: (o.nodes / 10).max(3), minutes: 0 };
        for i in 0..o.nodes {
            s.run(format!("sim node add n{:04} --cpu {} --memory {}Gi", i, 4 + (i % 3) * 4, 8 + (i % 4) * 8));
        }
        for d in 0..s.deployments {
            s.run(format!("kubectl create deployment app{} --image=nginx --replicas={}", d, 5 + d % 20));
        }
        s
    }

    fn run(&mut self, input: String) {
        self.session.record(self.c.cluster.now(), &input);
        let _ = self.c.exec(&input);
    }

    /// One change, then a virtual minute.
    pub fn minute(&mut self) {
        let d = self.rng.below(self.deployments as u32);
        let n = self.rng.below(self.nodes.max(1) as u32);
        let input = match self.rng.below(11) {
            0 | 1 => format!("kubectl scale deployment app{} --replicas={}", d, 1 + self.rng.below(30)),
            2 => format!("kubectl set image deployment/app{} nginx=nginx:1.{}", d, 20 + self.rng.below(8)),
            3 => format!("kubectl delete pod -l app=app{} --wait=false", d),
            4 => format!("kubectl cordon n{:04}", n),
            5 => format!("kubectl uncordon n{:04}", n),
            6 => format!("sim node stop n{:04}", n),
            7 => format!("sim node start n{:04}", n),
            8 => format!("kubectl drain n{:04} --ignore-daemonsets --delete-emptydir-data --force", n),
            // a node removed and joined again (kubeadm reset, then kubeadm join)
            9 => format!("kubectl delete node n{0:04}\nsim node add n{0:04} --cpu 4 --memory 16Gi", n),
            _ => format!("kubectl uncordon n{:04}", n),
        };
        self.run(input);
        self.run("sleep 60".into());
        self.minutes += 1;
    }

    /// Figures of the cluster now.
    pub fn figures(&self) -> SoakHour {
        hour(&self.c, self.minutes / 60)
    }

    pub fn finish(mut self) -> SoakReport {
        self.session.now = self.c.cluster.now();
        let last = self.figures();
        SoakReport { session_bytes: self.session.to_json().len(), steps: self.session.steps.len(), last, revision: self.c.cluster.api.store().revision(), session: self.session }
    }
}

pub fn soak(o: &SoakOptions, mut progress: impl FnMut(&SoakHour)) -> SoakReport {
    let mut s = Soak::new(o);
    for _ in 0..o.hours {
        for _ in 0..60 {
            s.minute();
        }
        progress(&s.figures());
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_soak_with_every_kind_of_churn_replays_from_its_saved_session() {
        let mut hours = vec![];
        let r = soak(&SoakOptions { nodes: 12, hours: 2, seed: 7 }, |h| hours.push(h.hour));
        assert_eq!(hours, vec![1, 2]);
        // every kind of change ran: drains and node re-joins among them
        let typed: String = r.session.steps.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("\n");
        for kind in ["kubectl drain", "kubectl delete node", "sim node stop", "kubectl set image"] {
            assert!(typed.contains(kind), "no {kind} in the soak");
        }
        assert!(r.session_bytes < crate::session::MAX_BYTES && r.steps == r.session.steps.len());
        let json = r.session.to_json();
        let back = Session::from_json(&json).unwrap();
        assert_eq!(back, r.session);
        let replayed = back.replay();
        assert_eq!(replayed.cluster.api.store().revision(), r.revision);
        // a node deleted and joined again is back: 3 nodes of the default cluster + 12
        assert_eq!(replayed.cluster.api.list_kind("Node", None).len(), 15);
    }
}
