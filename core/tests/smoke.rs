use kubesim::sim::Cluster;

#[test]
fn default_cluster_boots() {
    let c = Cluster::default_cluster(1);
    for p in c.api.list_kind("Pod", None) {
        eprintln!("{} {} {} {}", kubesim::api::namespace(&p), kubesim::api::name(&p), kubesim::api::str_at(&p, "/spec/nodeName"), kubesim::api::str_at(&p, "/status/phase"));
    }
    for n in c.api.list_kind("Node", None) {
        eprintln!("{} {:?}", kubesim::api::name(&n), n.pointer("/status/conditions/3/status"));
    }
    eprintln!("revision {}", c.api.store.revision());
}
