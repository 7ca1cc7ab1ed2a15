//! The lessons shipped with kubesim (embedded from `static/lessons/`), in syllabus order, and
//! the topics of the study notes they cover.

use super::Lesson;

/// The topics of the study notes (`shared/seeds`), in the order they are taught.
pub const TOPICS: &[&str] = &[
    "architecture",
    "etcd",
    "kube-apiserver",
    "controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "pods-yaml",
    "labels-selectors",
    "taints-tolerations",
    "node-selector",
    "node-affinity",
    "resources",
    "daemonsets",
    "static-pods",
    "manual-scheduling",
    "multiple-schedulers",
    "scheduler-profiles",
];

macro_rules! lessons {
    ($($file:literal),* $(,)?) => {
        /// (file name, contents)
        pub const FILES: &[(&str, &str)] = &[$(($file, include_str!(concat!("../../../static/lessons/", $file)))),*];
    };
}

lessons!(
    "01-architecture.yaml",
    "02-etcd.yaml",
    "03-kube-apiserver.yaml",
    "04-controller-manager.yaml",
    "05-kube-scheduler.yaml",
    "06-kubelet.yaml",
    "07-kube-proxy.yaml",
    "08-pods-yaml.yaml",
    "09-labels-selectors.yaml",
    "10-taints-tolerations.yaml",
    "11-node-selector.yaml",
    "12-node-affinity.yaml",
    "13-resources.yaml",
    "14-daemonsets.yaml",
    "15-static-pods.yaml",
    "16-manual-scheduling.yaml",
    "17-multiple-schedulers.yaml",
    "18-scheduler-profiles.yaml",
);

/// Every shipped lesson, parsed once. A lesson that fails to parse is a build-time bug (the
/// lessons test parses each), so it is left out here rather than taking the app down.
fn parsed() -> &'static [Lesson] {
    static ALL: std::sync::OnceLock<Vec<Lesson>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| FILES.iter().filter_map(|(_, text)| Lesson::parse(text).ok()).collect())
}

pub fn all() -> Vec<Lesson> {
    parsed().to_vec()
}

pub fn find(id: &str) -> Option<Lesson> {
    parsed().iter().find(|l| l.id == id).cloned()
}
