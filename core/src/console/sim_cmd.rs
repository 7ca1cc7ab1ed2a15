//! `sim …`: commands on the simulation itself, never on the API.

use super::{Console, Out};
use crate::api::time::{go_duration, rfc3339};

pub fn run(c: &mut Console, args: &[String]) -> Out {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["time"] | [] => {
            let now = c.cluster.now();
            Out::ok(format!("{} (virtual; {} since the cluster started)\n", rfc3339(now), go_duration(now - crate::sim::EPOCH)))
        }
        ["node", "stop", name] => match c.cluster.kubelets.get_mut(*name) {
            Some(k) => {
                k.running = false;
                Out::ok(format!("kubelet on {} stopped: no more heartbeats\n", name))
            }
            None => Out::err(format!("error: no kubelet for node {:?}", name)),
        },
        ["node", "start", name] => {
            let now = c.cluster.now();
            match c.cluster.kubelets.get_mut(*name) {
                Some(k) => {
                    k.running = true;
                    c.cluster.wake_kubelet(name, now);
                    c.cluster.settle();
                    Out::ok(format!("kubelet on {} started\n", name))
                }
                None => Out::err(format!("error: no kubelet for node {:?}", name)),
            }
        }
        ["seed"] => Out::ok(format!("{}\n", c.cluster.seed)),
        _ => Out::err(format!("error: unknown sim command {:?}\nUsage: sim time | sim node stop|start NAME | sim seed", a.join(" "))),
    }
}
