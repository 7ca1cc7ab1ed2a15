//! Init containers (kuberuntime's computeInitContainerActions): each runs to completion, in
//! order, before the pod's containers start — its image pulled only when its turn comes. A
//! failing one is restarted with the container back-off (Init:CrashLoopBackOff), or fails the
//! pod under restartPolicy Never (Init:Error). A sidecar (an init container with
//! restartPolicy Always) starts and keeps running while the next one proceeds.

use super::{images, CState, Ctr, Kubelet, Stage};
use crate::apiserver::ApiServer;
use crate::clock::{Timers, Wake};
use serde_json::Value;

pub(super) fn init_specs(pod: &Value) -> Vec<Value> {
    crate::api::at(pod, "/spec/initContainers").and_then(Value::as_array).cloned().unwrap_or_default()
}

fn is_sidecar(c: &Value) -> bool {
    c.get("restartPolicy").and_then(Value::as_str) == Some("Always")
}

impl Kubelet {
    /// How long pulling init container `idx`'s image takes (0 when present), with its events.
    pub(super) fn pull_init(&mut self, api: &mut ApiServer, pod: &Value, idx: usize) -> i64 {
        let specs = init_specs(pod);
        let Some(c) = specs.get(idx) else { return 0 };
        let (name, image) = (crate::api::str_at(c, "/name").to_string(), crate::api::str_at(c, "/image").to_string());
        let policy = crate::api::str_at(c, "/imagePullPolicy").to_string();
        let field = format!("spec.initContainers{{{}}}", name);
        if policy == "Never" || (policy == "IfNotPresent" && self.image_present(api, &image)) {
            api.record_event(pod, &field, "Normal", "Pulled", &format!("Container image \"{}\" already present on machine and can be accessed by the pod", image), self.source());
            return 0;
        }
        api.record_event(pod, &field, "Normal", "Pulling", &format!("Pulling image \"{}\"", image), self.source());
        images::lookup(&image).map_or(1_000, |(size, _)| images::pull_millis(size))
    }

    /// Stage::Init: start the init container whose pull finished, or follow the running one.
    pub(super) fn step_init(&mut self, api: &mut ApiServer, pod: &Value, uid: &str, idx: usize, timers: &mut Timers) {
        let now = api.now;
        let specs = init_specs(pod);
        let pod_ref = format!("{}_{}({})", crate::api::name(pod), crate::api::namespace(pod), uid);
        let Some(started) = self.pods.get(uid).map(|r| r.inits.len()) else { return };
        if started == idx {
            let Some(spec) = specs.get(idx) else { return };
            let image = crate::api::str_at(spec, "/image").to_string();
            if images::lookup(&image).is_none() {
                // an unknown image: the same ErrImagePull / ImagePullBackOff as for containers
                self.pull_failed(api, pod, uid, crate::api::str_at(spec, "/name"), &image, true, timers);
                return;
            }
            let ctr = self.make_ctr(api, pod, spec, "initContainers");
            if let Some(r) = self.pods.get_mut(uid) {
                r.inits.push(ctr);
            }
            if is_sidecar(spec) {
                // a started sidecar lets the next init container begin
                return self.next_init(api, pod, uid, idx, timers);
            }
        }
        let policy = crate::api::str_at(pod, "/spec/restartPolicy").to_string();
        let mut events: Vec<(String, &'static str, &'static str, String)> = vec![];
        let mut done = false;
        let mut failed = false;
        let Some(rt) = self.pods.get_mut(uid) else { return };
        if let Some(c) = rt.inits.get_mut(idx) {
            match super::settle_ctr(c, now, &mut api.rng, &pod_ref, |code| code != 0 && policy != "Never", &mut events) {
                Some(0) => done = true,
                Some(_) => failed = true,
                None => {}
            }
        }
        let next = rt.inits.get(idx).and_then(|c| match c.state {
            CState::Running { exit_at, .. } => exit_at,
            CState::BackOff { until, .. } => Some(until),
            CState::Exited(_) => None,
        });
        let rt = rt.clone();
        for (name, typ, reason, msg) in events {
            api.record_event(pod, &format!("spec.initContainers{{{}}}", name), typ, reason, &msg, self.source());
        }
        if done {
            return self.next_init(api, pod, uid, idx, timers);
        }
        super::write_status(api, &rt, &pod_ref);
        if failed {
            return;
        }
        if let Some(at) = next {
            timers.at(at, Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid.to_string()) });
        }
    }

    /// Init container `idx` is done (or, a sidecar, started): pull the next one, or the
    /// pod's containers when it was the last.
    fn next_init(&mut self, api: &mut ApiServer, pod: &Value, uid: &str, idx: usize, timers: &mut Timers) {
        let now = api.now;
        let total = init_specs(pod).len();
        let pod_ref = format!("{}_{}({})", crate::api::name(pod), crate::api::namespace(pod), uid);
        let delay = if idx + 1 < total {
            if let Some(r) = self.pods.get_mut(uid) {
                r.stage = Stage::Init { idx: idx + 1 };
            }
            self.pull_init(api, pod, idx + 1)
        } else {
            if let Some(r) = self.pods.get_mut(uid) {
                r.stage = Stage::Creating;
            }
            self.pull_main(api, pod)
        };
        if let Some(rt) = self.pods.get(uid).cloned() {
            super::write_status(api, &rt, &pod_ref);
        }
        timers.at(now + delay.max(100), Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid.to_string()) });
    }
}

/// The init containers' statuses: those that ran, then those still waiting.
pub(super) fn statuses(inits: &[Ctr], pod: &Value, status_of: impl Fn(&Ctr) -> Value) -> Vec<Value> {
    let specs = init_specs(pod);
    let mut out: Vec<Value> = inits.iter().map(&status_of).collect();
    for s in specs.iter().skip(inits.len()) {
        out.push(serde_json::json!({"image": crate::api::str_at(s, "/image"), "imageID": "", "lastState": {}, "name": crate::api::str_at(s, "/name"), "ready": false, "restartCount": 0, "started": false, "state": {"waiting": {"reason": "PodInitializing"}}}));
    }
    out
}
