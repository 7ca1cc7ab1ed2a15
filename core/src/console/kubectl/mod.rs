//! kubectl: the command-line interface learners will use on a real cluster, with its syntax,
//! flags, output columns and error texts.

pub mod apply;
pub mod args;
pub mod cordon;
pub mod create;
pub mod delete;
pub mod describe;
pub mod drain;
pub mod expose;
pub mod get;
pub mod info;
pub mod label;
pub mod logs;
pub mod output;
pub mod patch;
pub mod printers;
pub mod resource;
pub mod rollout;
pub mod taint;
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
    let client_only = matches!(sub.as_str(), "help" | "--help" | "-h" | "config" | "completion") || verb(&sub).is_some_and(|v| v.client) || (sub == "version" && words.iter().any(|w| w == "--client" || w == "--client=true"));
    if !client_only && !c.cluster.api_reachable() {
        return Out::err("The connection to the server 172.30.1.2:6443 was refused - did you specify the right host or port?");
    }
    let mut rest: Vec<String> = words[1..].to_vec();
    rest.extend(lead);
    if matches!(sub.as_str(), "help" | "--help" | "-h") {
        return Out::ok(info::USAGE);
    }
    match verb(&sub) {
        Some(v) => (v.run)(c, &rest, stdin),
        None => Out::err(format!("error: unknown command \"{}\" for \"kubectl\"", sub)),
    }
}

/// One kubectl command: everything the console, its read-only mode and Tab completion know of
/// it. A new verb is one entry here and its own file.
pub struct Verb {
    pub name: &'static str,
    /// (console, the words after the verb, standard input)
    pub run: fn(&mut Console, &[String], &str) -> Out,
    /// only reads the cluster: runs in a read-only console (time travel)
    pub reads: bool,
    /// answers without the apiserver (kubectl explain reads its embedded documentation)
    pub client: bool,
    /// the flags Tab offers, kubectl's own names
    pub flags: &'static [&'static str],
    /// what Tab offers for the words after the verb
    pub args: VerbArgs,
}

/// What Tab offers after a verb.
pub enum VerbArgs {
    Nothing,
    /// TYPE, then names of that type, or TYPE/NAME
    Typed,
    /// resource types only
    Types,
    /// node names
    Node,
    /// pod names in the namespace typed
    Pod,
    /// `nodes`/`node`, then node names
    Taint,
    /// `node`/`pod`, then their names
    Top,
    /// one of these subcommands, then `deployment/NAME`-style references
    Workload(&'static [&'static str]),
    /// one of these words
    Words(&'static [&'static str]),
}

const fn writes(name: &'static str, run: fn(&mut Console, &[String], &str) -> Out, flags: &'static [&'static str], args: VerbArgs) -> Verb {
    Verb { name, run, reads: false, client: false, flags, args }
}

const fn reads(name: &'static str, run: fn(&mut Console, &[String], &str) -> Out, flags: &'static [&'static str], args: VerbArgs) -> Verb {
    Verb { name, run, reads: true, client: false, flags, args }
}

const OUTPUT: [&str; 2] = ["--output=", "-o"];

/// kubectl's commands the simulator runs, in `kubectl --help`'s alphabetical listing.
pub const VERBS: &[Verb] = &[
    writes("annotate", |c, w, _| label::label_or_annotate(c, w, true), &["--overwrite", "--all", "--selector=", "-l"], VerbArgs::Typed),
    reads("api-resources", |_, w, _| info::api_resources(w), &["--namespaced=", "--api-group=", OUTPUT[0], OUTPUT[1], "--verbs="], VerbArgs::Nothing),
    writes("apply", |c, w, i| apply::run(c, apply::Verb::Apply, w, i), &["--filename=", "-f", "--dry-run=client", "--dry-run=server", OUTPUT[0], OUTPUT[1], "--recursive", "-R"], VerbArgs::Nothing),
    reads("cluster-info", |_, _, _| Out::ok(info::CLUSTER_INFO), &[], VerbArgs::Nothing),
    writes("cordon", |c, w, _| cordon::cordon(c, w, true), &[], VerbArgs::Node),
    writes("create", create::create, &["--filename=", "-f", "--dry-run=client", OUTPUT[0], OUTPUT[1], "--image=", "--replicas=", "--port=", "--save-config"], VerbArgs::Words(&["configmap", "cronjob", "deployment", "job", "namespace", "secret", "service", "serviceaccount"])),
    writes("delete", delete::delete, &["--filename=", "-f", "--all", "--selector=", "-l", "--force", "--grace-period=", "--now", "--wait=false", "--ignore-not-found"], VerbArgs::Typed),
    reads("describe", |c, w, _| describe::run(c, w), &["--all-namespaces", "-A", "--selector=", "-l", "--show-events="], VerbArgs::Typed),
    writes("drain", |c, w, _| drain::run(c, w), &["--ignore-daemonsets", "--delete-emptydir-data", "--force", "--grace-period=", "--timeout=", "--disable-eviction"], VerbArgs::Node),
    writes("exec", |c, w, _| info::exec(c, w), &["--container=", "-c", "-it", "--stdin", "-i", "--tty", "-t"], VerbArgs::Pod),
    Verb { name: "explain", run: |c, w, _| info::explain(c, w), reads: true, client: true, flags: &["--recursive"], args: VerbArgs::Types },
    writes("expose", |c, w, _| expose::run(c, w), &["--port=", "--target-port=", "--type=", "--name=", "--selector=", "--protocol=", "--dry-run=client", OUTPUT[0], OUTPUT[1]], VerbArgs::Typed),
    reads("get", |c, w, _| get::run(c, w), &["--all-namespaces", "-A", OUTPUT[0], OUTPUT[1], "--selector=", "-l", "--show-labels", "--label-columns=", "-L", "--field-selector=", "--sort-by=", "--no-headers", "--watch", "-w"], VerbArgs::Typed),
    writes("label", |c, w, _| label::label_or_annotate(c, w, false), &["--overwrite", "--all", "--selector=", "-l"], VerbArgs::Typed),
    writes("logs", |c, w, _| logs::run(c, w), &["--container=", "-c", "--follow", "-f", "--previous", "-p", "--tail=", "--timestamps"], VerbArgs::Pod),
    writes("patch", |c, w, _| patch::run(c, w), &["--patch=", "-p", "--type=", "--dry-run=client", OUTPUT[0], OUTPUT[1]], VerbArgs::Typed),
    writes("replace", |c, w, i| apply::run(c, apply::Verb::Replace, w, i), &["--filename=", "-f", "--force", "--grace-period="], VerbArgs::Nothing),
    writes("rollout", |c, w, _| rollout::rollout(c, w), &["--to-revision=", "--revision="], VerbArgs::Workload(&["history", "pause", "restart", "resume", "status", "undo"])),
    writes("run", |c, w, _| create::run(c, w), &["--image=", "--restart=", "--port=", "--labels=", "--env=", "--command", "--dry-run=client", "--overrides=", "--expose", OUTPUT[0], OUTPUT[1], "--rm", "-it"], VerbArgs::Nothing),
    writes("scale", |c, w, _| rollout::scale(c, w), &["--replicas=", "--current-replicas="], VerbArgs::Typed),
    writes("set", |c, w, _| rollout::set(c, w), &["--containers=", "-c", "--requests=", "--limits="], VerbArgs::Workload(&["image", "resources", "env"])),
    writes("taint", |c, w, _| taint::taint(c, w), &["--overwrite", "--all", "--selector=", "-l"], VerbArgs::Taint),
    writes("top", |c, w, _| top::run(c, w), &["--containers", "--sort-by=", "--all-namespaces", "-A", "--selector=", "-l"], VerbArgs::Top),
    writes("uncordon", |c, w, _| cordon::cordon(c, w, false), &[], VerbArgs::Node),
    reads("version", |_, w, _| info::version(w), &["--client", OUTPUT[0], OUTPUT[1]], VerbArgs::Nothing),
    writes("wait", |c, w, _| wait::run(c, w), &["--for=", "--timeout=", "--all", "--selector=", "-l"], VerbArgs::Typed),
];

pub fn verb(name: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.name == name)
}

/// Whether `kubectl ARGS` only reads the cluster: its verb (the first word that is neither a
/// flag nor a global flag's value) is a reading one, or there is none (the usage text).
pub fn reads_only(args: &[String]) -> bool {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if matches!(a, "-n" | "--namespace" | "--context" | "--kubeconfig" | "-s" | "--server") {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            return a == "help" || verb(a).is_some_and(|v| v.reads);
        }
        i += 1;
    }
    true
}
