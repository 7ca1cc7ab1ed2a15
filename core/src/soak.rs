//! `kubesim bench soak`: a large cluster with churn for many virtual hours, through the console
//! as a learner's browser would drive it — nodes added, deployments applied, scaled and rolled,
//! pods deleted, nodes cordoned, drained, stopped and started — to show that the simulation
//! finishes, that its memory stays bounded (events expire, the history is compacted) and that
//! the session the browser saves stays within its localStorage budget.

use crate::console::Console;
use crate::session::Session;
use crate::sim::rng::Rng;
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
}

fn hour(c: &Console, hour: u32) -> SoakHour {
    SoakHour {
        hour,
        objects: c.cluster.api.store.len(),
        history: c.cluster.api.store.history_len(),
        pods: c.cluster.api.list_kind("Pod", None).len(),
        events: c.cluster.api.list_kind("Event", None).len(),
    }
}

pub fn soak(o: &SoakOptions, mut progress: impl FnMut(&SoakHour)) -> SoakReport {
    let mut c = Console::new(Cluster::default_cluster(o.seed));
    let mut session = Session::new(o.seed, c.cluster.now());
    let mut rng = Rng::new(o.seed ^ 0x50a4);
    let run = |c: &mut Console, session: &mut Session, input: String| {
        session.record(c.cluster.now(), &input);
        let _ = c.exec(&input);
    };
    // the fleet: nodes added in batches, as a script a teacher pastes would
    for i in 0..o.nodes {
        run(&mut c, &mut session, format!("sim node add n{:04} --cpu {} --memory {}Gi", i, 4 + (i % 3) * 4, 8 + (i % 4) * 8));
    }
    let deployments = (o.nodes / 10).max(3);
    for d in 0..deployments {
        run(&mut c, &mut session, format!("kubectl create deployment app{} --image=nginx --replicas={}", d, 5 + d % 20));
    }
    let mut last = hour(&c, 0);
    for h in 1..=o.hours {
        // a change every virtual minute
        for _ in 0..60 {
            let d = rng.below(deployments as u32);
            let n = rng.below(o.nodes.max(1) as u32);
            let input = match rng.below(8) {
                0 | 1 => format!("kubectl scale deployment app{} --replicas={}", d, 1 + rng.below(30)),
                2 => format!("kubectl set image deployment/app{} nginx=nginx:1.{}", d, 20 + rng.below(8)),
                3 => format!("kubectl delete pod -l app=app{} --wait=false", d),
                4 => format!("kubectl cordon n{:04}", n),
                5 => format!("kubectl uncordon n{:04}", n),
                6 => format!("sim node stop n{:04}", n),
                _ => format!("sim node start n{:04}", n),
            };
            run(&mut c, &mut session, input);
            run(&mut c, &mut session, "sleep 60".into());
        }
        last = hour(&c, h);
        progress(&last);
    }
    session.now = c.cluster.now();
    SoakReport { session_bytes: session.to_json().len(), steps: session.steps.len(), last }
}
