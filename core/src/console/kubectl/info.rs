//! kubectl api-resources, version, explain and exec (the commands that answer questions rather
//! than change the cluster).

use super::args::{self, boolean, val};
use crate::api::resources::RESOURCES;
use crate::console::{Console, Out};
use crate::text::table;

pub const USAGE: &str = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\nBasic Commands (Beginner):\n  create          Create a resource from a file or from stdin\n  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service\n  run             Run a particular image on the cluster\n\nBasic Commands (Intermediate):\n  explain         Get documentation for a resource\n  get             Display one or many resources\n  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector\n\nCluster Management Commands:\n  cordon          Mark node as unschedulable\n  uncordon        Mark node as schedulable\n  taint           Update the taints on one or more nodes\n\nTroubleshooting and Debugging Commands:\n  describe        Show details of a specific resource or group of resources\n  exec            Execute a command in a container\n\nAdvanced Commands:\n  apply           Apply a configuration to a resource by file name or stdin\n  replace         Replace a resource by file name or stdin\n  wait            Experimental: Wait for a specific condition on one or many resources\n\nSettings Commands:\n  label           Update the labels on a resource\n  annotate        Update the annotations on a resource\n\nOther Commands:\n  api-resources   Print the supported API resources on the server\n  version         Print the client and server version information\n\nUsage:\n  kubectl [flags] [options]\n";

pub fn api_resources(words: &[String]) -> Out {
    let a = match args::parse("kubectl api-resources", words, &[val("namespaced", None), val("api-group", None), val("output", Some('o')), boolean("no-headers", None), val("verbs", None), val("sort-by", None), boolean("cached", None), val("categories", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let mut rs: Vec<_> = RESOURCES.iter().collect();
    if let Some(n) = a.get("namespaced") {
        let want = n != "false";
        rs.retain(|r| r.namespaced == want);
    }
    if let Some(g) = a.get("api-group") {
        rs.retain(|r| r.group == g);
    }
    if let Some(v) = a.get("verbs") {
        rs.retain(|r| v.split(',').all(|x| r.verbs.split(',').any(|y| y == x)));
    }
    if a.get("sort-by") == Some("name") {
        rs.sort_by_key(|r| r.plural);
    }
    if a.get("output") == Some("name") {
        return Out::ok(rs.iter().map(|r| format!("{}\n", if r.group.is_empty() { r.plural.to_string() } else { format!("{}.{}", r.plural, r.group) })).collect::<String>());
    }
    let wide = a.get("output") == Some("wide");
    let mut headers = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
    if wide {
        headers.push("VERBS");
    }
    let rows: Vec<Vec<String>> = rs
        .iter()
        .map(|r| {
            let mut row = vec![r.plural.to_string(), r.short_names.join(","), r.api_version(), r.namespaced.to_string(), r.kind.to_string()];
            if wide {
                row.push(format!("[{}]", r.verbs.replace(',', " ")));
            }
            row
        })
        .collect();
    Out::ok(table::render(&headers, &rows, a.on("no-headers")))
}

pub fn version(words: &[String]) -> Out {
    let a = match args::parse("kubectl version", words, &[boolean("client", None), val("output", Some('o'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let client = "Client Version: v1.37.0\nKustomize Version: v5.7.1\n";
    let out = match a.get("output") {
        Some("json") => "{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"37\",\n    \"gitVersion\": \"v1.37.0\",\n    \"platform\": \"linux/amd64\"\n  },\n  \"kustomizeVersion\": \"v5.7.1\",\n  \"serverVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"37\",\n    \"gitVersion\": \"v1.37.0\",\n    \"platform\": \"linux/amd64\"\n  }\n}\n".to_string(),
        Some("yaml") => "clientVersion:\n  gitVersion: v1.37.0\n  major: \"1\"\n  minor: \"37\"\n  platform: linux/amd64\nkustomizeVersion: v5.7.1\nserverVersion:\n  gitVersion: v1.37.0\n  major: \"1\"\n  minor: \"37\"\n  platform: linux/amd64\n".to_string(),
        _ if a.on("client") => client.to_string(),
        _ => format!("{}Server Version: v1.37.0\n", client),
    };
    Out::ok(out)
}

pub fn explain(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl explain", words, &[boolean("recursive", None), val("api-version", None), val("output", Some('o'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(path) = a.pos.first() else {
        return Out::err("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.");
    };
    if c.explain_docs.is_none() {
        if let Some(load) = c.load_docs {
            c.explain_docs = crate::console::explain::Docs::parse(load()).ok();
        }
    }
    crate::console::explain::explain(c.explain_docs.as_deref(), path, a.on("recursive"))
}

/// `kubectl exec POD [-c C] -- CMD…`: etcdctl inside etcd-controlplane reads the store;
/// other commands are not simulated yet and say so.
pub fn exec(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl exec", words, &[val("container", Some('c')), boolean("stdin", Some('i')), boolean("tty", Some('t')), boolean("quiet", Some('q'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(pod) = a.pos.first() else { return Out::err("error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples") };
    let pod = pod.strip_prefix("pod/").or_else(|| pod.strip_prefix("pods/")).unwrap_or(pod);
    let ns = a.get("namespace").unwrap_or("default");
    let Some(p) = c.cluster.api.get_kind("Pod", ns, pod) else { return Out::err(format!("Error from server (NotFound): pods \"{}\" not found", pod)) };
    if a.rest.is_empty() {
        return Out::err("error: you must specify at least one command for the container");
    }
    if crate::api::str_at(&p, "/status/phase") != "Running" {
        return Out::err(format!("error: unable to upgrade connection: container not found (\"{}\")", crate::api::str_at(&p, "/spec/containers/0/name")));
    }
    in_container(c, &p, ns, pod, &a.rest, 0)
}

/// Runs a command inside the pod's container. `sh -c "…"` runs its one command (with any
/// `VAR=value` prefix), as the study notes' `sh -c "ETCDCTL_API=3 etcdctl get …"` does.
fn in_container(c: &mut Console, p: &serde_json::Value, ns: &str, pod: &str, rest: &[String], depth: u8) -> Out {
    let words: Vec<String> = rest.iter().skip_while(|w| crate::text::shell::is_assignment(w)).cloned().collect();
    let Some(cmd) = words.first().map(String::as_str) else { return Out::ok("") };
    let a_rest = &words;
    match cmd {
        "sh" | "bash" | "/bin/sh" | "/bin/bash" if depth == 0 && a_rest.get(1).map(String::as_str) == Some("-c") => {
            let script = a_rest.get(2).map(String::as_str).unwrap_or("");
            match crate::text::shell::parse(script) {
                Ok(line) if line.pipelines.len() == 1 && line.pipelines[0].commands.len() == 1 => in_container(c, p, ns, pod, &line.pipelines[0].commands[0].words, 1),
                _ => Out { stdout: String::new(), stderr: format!("kubesim: `sh -c {:?}` inside a container is not simulated: one simple command only\ncommand terminated with exit code 126\n", script), code: 126 },
            }
        }
        "etcdctl" if crate::api::str_at(p, "/metadata/labels/component") == "etcd" => crate::console::etcdctl::run(&mut c.cluster, &a_rest[1..]),
        "hostname" => Out::ok(format!("{}\n", pod)),
        "echo" => crate::console::utils::echo(&a_rest[1..]),
        "env" | "printenv" => Out::ok(format!("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME={}\nKUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nKUBERNETES_SERVICE_PORT_HTTPS=443\nKUBERNETES_PORT=tcp://10.96.0.1:443\nHOME=/root\n", pod)),
        "cat" if a_rest.get(1).map(String::as_str) == Some("/etc/hosts") => {
            let ip = crate::api::str_at(p, "/status/podIP");
            Out::ok(format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{}\t{}\n", ip, pod))
        }
        "cat" if a_rest.get(1).map(String::as_str) == Some("/etc/resolv.conf") => Out::ok(format!("search {}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", ns)),
        "nslookup" => {
            let Some(name) = a_rest.get(1) else { return Out { stderr: "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\ncommand terminated with exit code 1\n".into(), code: 1, ..Default::default() } };
            let image = crate::api::str_at(p, "/spec/containers/0/image");
            let old = crate::api::image::normalize(image).1.starts_with("1.28");
            let (text, code) = crate::proxy::dns::nslookup(&c.cluster.api, name, ns, old);
            if code == 0 { Out::ok(text) } else { Out { stdout: text, stderr: "command terminated with exit code 1\n".into(), code: 1 } }
        }
        "ls" => Out::ok("bin\nboot\ndev\netc\nhome\nlib\nmedia\nmnt\nopt\nproc\nroot\nrun\nsbin\nsrv\nsys\ntmp\nusr\nvar\n"),
        "curl" | "wget" => {
            let rest: Vec<String> = a_rest[1..].to_vec();
            if cmd == "curl" { crate::console::net::curl(c, &rest) } else { crate::console::net::curl(c, &rest.into_iter().filter(|x| !x.starts_with('-')).collect::<Vec<_>>()) }
        }
        _ => Out { stdout: String::new(), stderr: format!("kubesim: `{}` inside a container is not simulated (try hostname, env, cat /etc/hosts, cat /etc/resolv.conf, ls, nslookup, curl, wget, or etcdctl in etcd-controlplane)\ncommand terminated with exit code 126\n", a_rest.join(" ")), code: 126 },
    }
}

/// `kubectl cluster-info` on the exam's cluster.
pub const CLUSTER_INFO: &str = "Kubernetes control plane is running at https://172.30.1.2:6443\nCoreDNS is running at https://172.30.1.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
