//! kubectl: the command-line interface learners will use on a real cluster, with its syntax,
//! flags, output columns and error texts.

pub mod apply;
pub mod args;
pub mod create;
pub mod describe;
pub mod drain;
pub mod expose;
pub mod get;
pub mod info;
pub mod logs;
pub mod modify;
pub mod output;
pub mod patch;
pub mod printers;
pub mod rollout;
pub mod top;
pub mod wait;

use super::{Console, Out};

pub fn run(c: &mut Console, words: &[String], stdin: &str) -> Out {
    // global flags may come before the subcommand (`kubectl -n kube-system get pods`)
    let mut words = words.to_vec();
    let mut lead = vec![];
    while let Some(w) = words.first() {
        if w == "-n" || w == "--namespace" {
            if words.len() < 2 {
                break;
            }
            lead.push(words.remove(0));
            lead.push(words.remove(0));
        } else if w.starts_with("--namespace=") || (w.starts_with("-n") && w.len() > 2 && !w.starts_with("--")) {
            lead.push(words.remove(0));
        } else {
            break;
        }
    }
    let Some(sub) = words.first().cloned() else { return Out::ok(info::USAGE) };
    // with kube-apiserver (or the etcd it needs) down, nothing answers on 6443
    let client_only = matches!(sub.as_str(), "help" | "--help" | "-h" | "config" | "completion" | "explain") || (sub == "version" && words.iter().any(|w| w == "--client" || w == "--client=true"));
    if !client_only && !c.cluster.api_reachable() {
        return Out::err("The connection to the server 172.30.1.2:6443 was refused - did you specify the right host or port?");
    }
    let mut rest: Vec<String> = words[1..].to_vec();
    rest.extend(lead);
    match sub.as_str() {
        "get" => get::run(c, &rest),
        "describe" => describe::run(c, &rest),
        "apply" => apply::run(c, apply::Verb::Apply, &rest, stdin),
        "create" => create::create(c, &rest, stdin),
        "replace" => apply::run(c, apply::Verb::Replace, &rest, stdin),
        "delete" => modify::delete(c, &rest, stdin),
        "run" => create::run(c, &rest),
        "label" => modify::label_or_annotate(c, &rest, false),
        "annotate" => modify::label_or_annotate(c, &rest, true),
        "taint" => modify::taint(c, &rest),
        "cordon" => modify::cordon(c, &rest, true),
        "uncordon" => modify::cordon(c, &rest, false),
        "drain" => drain::run(c, &rest),
        "expose" => expose::run(c, &rest),
        "api-resources" => info::api_resources(&rest),
        "version" => info::version(&rest),
        "explain" => info::explain(c, &rest),
        "wait" => wait::run(c, &rest),
        "scale" => rollout::scale(c, &rest),
        "logs" => logs::run(c, &rest),
        "top" => top::run(c, &rest),
        "patch" => patch::run(c, &rest),
        "set" => rollout::set(c, &rest),
        "rollout" => rollout::rollout(c, &rest),
        "exec" => info::exec(c, &rest),
        "cluster-info" => Out::ok("Kubernetes control plane is running at https://172.30.1.2:6443\nCoreDNS is running at https://172.30.1.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"),
        "help" | "--help" | "-h" => Out::ok(info::USAGE),
        other => Out::err(format!("error: unknown command \"{}\" for \"kubectl\"", other)),
    }
}
