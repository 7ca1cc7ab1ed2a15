//! The simulated registry: popular public images with their real compressed sizes, so pulls take
//! a believable virtual time. Any tag of a known repository exists unless it is clearly a typo
//! of a version; unknown repositories fail as a real registry does.

pub use crate::api::image::{full_name, normalize};

/// (repository, compressed size in bytes, what the image does when started without a command)
pub static CATALOGUE: &[(&str, u64, Behaviour)] = &[
    ("nginx", 72_188_133, Behaviour::Server),
    ("httpd", 58_000_000, Behaviour::Server),
    ("redis", 45_000_000, Behaviour::Server),
    ("memcached", 33_000_000, Behaviour::Server),
    ("postgres", 158_000_000, Behaviour::Server),
    ("mysql", 170_000_000, Behaviour::Server),
    ("mongo", 250_000_000, Behaviour::Server),
    ("rabbitmq", 90_000_000, Behaviour::Server),
    ("traefik", 50_000_000, Behaviour::Server),
    ("busybox", 2_155_000, Behaviour::Shell),
    ("registry.k8s.io/busybox", 1_300_000, Behaviour::Shell),
    ("alpine", 3_600_000, Behaviour::Shell),
    ("ubuntu", 29_700_000, Behaviour::Shell),
    ("debian", 48_000_000, Behaviour::Shell),
    ("centos", 80_000_000, Behaviour::Shell),
    ("python", 400_000_000, Behaviour::Shell),
    ("node", 390_000_000, Behaviour::Shell),
    ("golang", 280_000_000, Behaviour::Shell),
    ("openjdk", 330_000_000, Behaviour::Shell),
    ("perl", 330_000_000, Behaviour::Shell),
    ("curlimages/curl", 9_000_000, Behaviour::Shell),
    ("polinux/stress", 4_000_000, Behaviour::Shell),
    ("kodekloud/webapp-color", 30_000_000, Behaviour::Server),
    ("kodekloud/event-simulator", 30_000_000, Behaviour::Server),
    ("registry.k8s.io/pause", 320_000, Behaviour::Server),
    ("registry.k8s.io/etcd", 57_000_000, Behaviour::Server),
    ("registry.k8s.io/kube-apiserver", 28_000_000, Behaviour::Server),
    ("registry.k8s.io/kube-controller-manager", 26_000_000, Behaviour::Server),
    ("registry.k8s.io/kube-scheduler", 20_000_000, Behaviour::Server),
    ("registry.k8s.io/kube-proxy", 30_000_000, Behaviour::Server),
    ("registry.k8s.io/coredns/coredns", 20_000_000, Behaviour::Server),
    ("registry.k8s.io/e2e-test-images/agnhost", 50_000_000, Behaviour::Server),
    ("k8s.gcr.io/pause", 320_000, Behaviour::Server),
    ("quay.io/coreos/flannel", 20_000_000, Behaviour::Server),
    ("docker.io/flannel/flannel", 30_000_000, Behaviour::Server),
    ("weaveworks/weave-kube", 40_000_000, Behaviour::Server),
    ("grafana/grafana", 120_000_000, Behaviour::Server),
    ("prom/prometheus", 100_000_000, Behaviour::Server),
    ("jenkins/jenkins", 300_000_000, Behaviour::Server),
    ("wordpress", 250_000_000, Behaviour::Server),
    ("tomcat", 200_000_000, Behaviour::Server),
    ("haproxy", 40_000_000, Behaviour::Server),
    ("elasticsearch", 600_000_000, Behaviour::Server),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// runs until stopped (nginx, redis …)
    Server,
    /// a shell image: its default command (sh) exits at once without a TTY
    Shell,
}

/// The image if the simulated registry has it: (size, behaviour).
pub fn lookup(image: &str) -> Option<(u64, Behaviour)> {
    let (repo, tag) = normalize(image);
    let tag_ok = !tag.is_empty() && tag.len() <= 128 && tag.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !tag_ok {
        return None;
    }
    CATALOGUE.iter().find(|(r, _, _)| *r == repo).map(|(_, size, b)| (*size, *b))
}

/// Virtual pull time: a fixed registry round-trip plus the layers at ~40 MB/s.
pub fn pull_millis(size: u64) -> i64 {
    800 + (size / 40_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize("nginx"), ("nginx".into(), "latest".into()));
        assert_eq!(normalize("docker.io/library/nginx:1.27"), ("nginx".into(), "1.27".into()));
        assert_eq!(normalize("registry.k8s.io/pause:3.10"), ("registry.k8s.io/pause".into(), "3.10".into()));
        assert_eq!(normalize("localhost:5000/app"), ("localhost:5000/app".into(), "latest".into()));
        assert!(lookup("nginx:alpine").is_some());
        assert!(lookup("ngnix").is_none());
        assert!(pull_millis(72_188_133) > 2000);
    }
}
