//! Building the starting clusters: the namespaces every apiserver creates, and the
//! kubeadm-like default cluster of BRIEF.md (controlplane, node01, node02; the control-plane
//! components as static-pod mirrors; kube-proxy and CoreDNS as kubeadm deploys them).

use super::Cluster;
use serde_json::{json, Value};

/// What the apiserver creates at start: system namespaces, the `kubernetes` Service and the
/// built-in priority classes.
pub fn system_namespaces(c: &mut Cluster) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let _ = c.api.create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}), false);
    }
    let _ = c.api.create(
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
        false,
    );
    for (name, value, desc) in [
        ("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
        ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
    ] {
        let _ = c.api.create(json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value, "description": desc}), false);
    }
}

fn node(name: &str, control_plane: bool) -> Value {
    // kubeadm records the CRI socket on the nodes it joins
    let mut n = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {}, "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock"}}, "spec": {}});
    if control_plane {
        n["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = json!("");
        n["metadata"]["labels"]["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        n["spec"]["taints"] = json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    n
}

/// A control-plane component as the kubelet mirrors its static pod (`<name>-<node>`).
fn static_pod(component: &str, image: &str, command: Vec<String>, cpu: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": format!("{}-controlplane", component), "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {"kubernetes.io/config.source": "file", "kubernetes.io/config.hash": format!("{:x}", (component.len() as u64).wrapping_mul(0x9e37_79b1))},
        },
        "spec": {
            "nodeName": "controlplane",
            "hostNetwork": true,
            "priorityClassName": "system-node-critical",
            "priority": 2_000_001_000,
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": component, "image": image, "command": command, "resources": {"requests": {"cpu": cpu}}}],
        }
    })
}

pub fn control_plane_commands(ip: &str) -> Vec<(&'static str, &'static str, Vec<String>, &'static str)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        ("etcd", "registry.k8s.io/etcd:3.6.4-0", s(&["etcd", &format!("--advertise-client-urls=https://{}:2379", ip), "--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--client-cert-auth=true", "--data-dir=/var/lib/etcd", &format!("--listen-client-urls=https://127.0.0.1:2379,https://{}:2379", ip), "--name=controlplane", "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]), "100m"),
        ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.37.0", s(&["kube-apiserver", &format!("--advertise-address={}", ip), "--allow-privileged=true", "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt", "--enable-admission-plugins=NodeRestriction", "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt", "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt", "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key", "--etcd-servers=https://127.0.0.1:2379", "--secure-port=6443", "--service-account-issuer=https://kubernetes.default.svc.cluster.local", "--service-cluster-ip-range=10.96.0.0/12", "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key"]), "250m"),
        ("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.37.0", s(&["kube-controller-manager", "--allocate-node-cidrs=true", "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf", "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf", "--bind-address=127.0.0.1", "--cluster-cidr=10.244.0.0/16", "--cluster-name=kubernetes", "--controllers=*,bootstrapsigner,tokencleaner", "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true", "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true"]), "200m"),
        ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.37.0", s(&["kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf", "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"]), "100m"),
    ]
}

/// The default cluster, a few virtual minutes after `kubeadm init` and two `kubeadm join`s.
pub fn kubeadm(c: &mut Cluster) {
    let _ = c.api.create(node("controlplane", true), false);
    c.settle();
    // kubeadm writes the control plane's static pod manifests; the kubelet runs and mirrors them
    let ip = c.kubelets.get("controlplane").map(|k| k.internal_ip()).unwrap_or_default();
    if let Some(k) = c.kubelets.get_mut("controlplane") {
        for (component, image, command, cpu) in control_plane_commands(&ip) {
            let mut pod = static_pod(component, image, command, cpu);
            if let Some(m) = pod["metadata"].as_object_mut() {
                m.insert("name".into(), json!(component));
                m.remove("annotations");
            }
            if let Some(spec) = pod["spec"].as_object_mut() {
                spec.remove("nodeName");
                spec.remove("priority");
            }
            k.fs.insert(format!("/etc/kubernetes/manifests/{}.yaml", component), crate::text::yaml::to_yaml(&pod));
        }
        k.sync_static_pods(&mut c.api);
    }
    c.control_plane = Some("controlplane".to_string());
    c.settle();
    c.advance(20_000);
    for w in ["node01", "node02"] {
        let _ = c.api.create(node(w, false), false);
    }
    c.settle();
    addons(c);
    c.advance(240_000);
}

/// kube-proxy (DaemonSet) and CoreDNS (Deployment) as kubeadm installs them; their controllers
/// create the pods.
fn addons(c: &mut Cluster) {
    let _ = c.api.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"app": "kube-proxy"}},
        "data": {"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nmode: iptables\n"}}), false);
    let _ = c.api.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": "kube-system"},
        "data": {"Corefile": ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n"}}), false);
    let proxy_tpl = json!({
        "metadata": {"labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "hostNetwork": true, "priorityClassName": "system-node-critical", "serviceAccountName": "kube-proxy",
            "tolerations": [{"operator": "Exists"}],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.37.0", "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"], "securityContext": {"privileged": true}}]
        }
    });
    let _ = c.api.create(json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}}, "template": proxy_tpl.clone()}}), false);
    let dns_tpl = json!({
        "metadata": {"labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns", "dnsPolicy": "Default",
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}],
            "containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.1", "args": ["-conf", "/etc/coredns/Corefile"],
                "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"}, {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"}, {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}}}]
        }
    });
    // the Deployment controller creates its ReplicaSet and pods
    let _ = c.api.create(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}}, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                 "template": dns_tpl}}), false);
    let _ = c.api.create(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}},
        "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"}, "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53}, {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}, {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}}), false);
}

