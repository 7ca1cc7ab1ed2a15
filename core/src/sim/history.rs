//! Time travel: the cluster as it was at an earlier revision, rebuilt from the store's history
//! (kept for HISTORY_MS, at most HISTORY_CHANGES changes), to look at and to read with
//! `kubectl get` / `describe`. Continuing from such a point is `Session::continue_from`: the
//! components' own state (queues, timers, kubelets) is not in the store, so the cluster is
//! rebuilt by replaying the session's inputs up to that point.

use super::Cluster;
use crate::api::time::Millis;
use crate::apiserver::ApiServer;
use crate::scheduler::Schedulers;

impl Cluster {
    /// The revisions time travel can show: from the compaction point (or the session's
    /// starting cluster, if later) to the present.
    pub fn history_span(&self) -> (i64, i64) {
        (self.api.store().compacted().max(self.origin).max(1), self.api.store().revision())
    }

    /// Replaying a session: the clock never passes `limit` (None: no limit).
    pub fn set_clock_limit(&mut self, limit: Option<Millis>) {
        self.clock_limit = limit;
    }

    /// Marks the present as where a session starts: earlier revisions built the starting
    /// cluster, which no session input can go back into.
    pub fn mark_origin(&mut self) {
        self.origin = self.api.store().revision();
    }

    /// The virtual time `revision` was written at.
    pub fn time_of(&self, revision: i64) -> Millis {
        self.api.store().time_of(revision)
    }

    /// The cluster at `revision` (clamped to the history kept), to look at: its objects as
    /// they were, its clock at that revision's time, and no component running in it (nothing
    /// schedules, reconciles or heartbeats there).
    pub fn past(&self, revision: i64) -> Cluster {
        let api = ApiServer::over(self.seed, self.api.store().at(revision));
        let mut scheduler = Schedulers::new(self.seed);
        scheduler.api_up = false;
        let mut c = Cluster {
            cursor: api.store().revision(),
            api,
            scheduler,
            controllers: Default::default(),
            kubelets: Default::default(),
            seed: self.seed,
            queue: Default::default(),
            seq: 0,
            node_index: self.node_index,
            control_plane: None,
            etcd_user_keys: self.etcd_user_keys.clone(),
            checkpoints: Default::default(),
            origin: 0,
            clock_limit: None,
        };
        c.controllers.running = false;
        c
    }
}
