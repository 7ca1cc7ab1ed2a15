//! kubectl's resource builder (cli-runtime's resource.Builder), which every verb uses: the
//! objects a command names — `TYPE[,TYPE] [NAME…]`, `TYPE/NAME…`, `all`, with `-l`,
//! `--field-selector`, `-n`/`-A` — or the manifests of `-f` files and stdin, each mapped to its
//! resource and namespace with kubectl's client-side checks.

use super::args::{self, boolean, val, Args, Flag};
use crate::api::fields::FieldSelector;
use crate::api::labels::{labels_of, Selector};
use crate::api::manifest;
use crate::api::resources::{self, ResourceInfo};
use crate::console::{Console, Out};
use serde_json::Value;
use std::sync::Arc;

/// What the user asked for: one kind with optional names.
pub struct Target {
    pub r: &'static ResourceInfo,
    pub names: Vec<String>,
}

/// The kinds `kubectl get all` shows.
const ALL: &[&str] = &["Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "ReplicationController", "Job", "CronJob"];

pub fn resolve(typed: &str) -> Result<&'static ResourceInfo, String> {
    resources::lookup(typed).ok_or_else(|| format!("error: the server doesn't have a resource type \"{}\"", typed))
}

pub fn targets(pos: &[String]) -> Result<Vec<Target>, String> {
    let Some(first) = pos.first() else { return Ok(vec![]) };
    if first.contains('/') {
        let mut out: Vec<Target> = vec![];
        for p in pos {
            let Some((t, n)) = p.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let r = resolve(t)?;
            if n.is_empty() {
                return Err(format!("error: arguments in resource/name form must have a single resource and name"));
            }
            match out.iter_mut().find(|x| x.r == r) {
                Some(x) => x.names.push(n.to_string()),
                None => out.push(Target { r, names: vec![n.to_string()] }),
            }
        }
        return Ok(out);
    }
    let mut out = vec![];
    for t in first.split(',').filter(|t| !t.is_empty()) {
        if t.eq_ignore_ascii_case("all") {
            for k in ALL {
                out.push(Target { r: resources::by_kind(k).expect("served"), names: vec![] });
            }
            continue;
        }
        out.push(Target { r: resolve(t)?, names: vec![] });
    }
    let names: Vec<String> = pos[1..].to_vec();
    if !names.is_empty() {
        if out.len() > 1 {
            return Err("error: you must specify only one resource".into());
        }
        if let Some(t) = out.first_mut() {
            t.names = names;
        }
    }
    Ok(out)
}

/// The -l and --field-selector of a command, parsed; errors as kubectl prints them.
pub fn selectors(a: &Args) -> Result<(Selector, FieldSelector), Out> {
    let sel = a.get("selector").map(Selector::parse).transpose().map_err(|e| Out::err(format!("error: {}", e)))?.unwrap_or_default();
    let fsel = a.get("field-selector").map(FieldSelector::parse).transpose().map_err(|e| Out::err(format!("Error from server (BadRequest): {}", e)))?.unwrap_or_default();
    Ok((sel, fsel))
}

/// The namespace a command acts in (-n, else `default`) and whether -A was given.
pub fn namespace(a: &Args) -> (String, bool) {
    let all = a.on("all-namespaces");
    (a.get("namespace").filter(|s| !s.is_empty()).unwrap_or("default").to_string(), all)
}

/// Objects for a target: named ones (NotFound errors collected) or all matching the selectors.
pub fn fetch(c: &Console, t: &Target, ns: &str, all_ns: bool, sel: &Selector, fsel: &FieldSelector, errors: &mut Vec<String>) -> Vec<Arc<Value>> {
    let api = &c.cluster.api;
    let nsarg = if !t.r.namespaced { "" } else { ns };
    if !t.names.is_empty() {
        let mut out = vec![];
        for n in &t.names {
            match api.get(t.r, nsarg, n) {
                Ok(v) => out.push(v),
                Err(e) => errors.push(e.kubectl()),
            }
        }
        return out;
    }
    let scope = if all_ns || !t.r.namespaced { None } else { Some(ns) };
    api.list(t.r, scope).into_iter().filter(|o| (sel.is_empty() || sel.matches(&labels_of(o))) && fsel.matches(o)).collect()
}

/// Reads manifests from a file name or `-` (stdin).
pub fn read_manifests_with(c: &Console, f: &str, stdin: &str) -> Result<Vec<Value>, String> {
    let (text, source) = if f == "-" {
        (stdin.to_string(), "STDIN".to_string())
    } else {
        match c.read_file(f) {
            Ok(t) => (t, f.to_string()),
            Err(_) => return Err(format!("error: the path \"{}\" does not exist", f)),
        }
    };
    manifest::parse_stream(&text, &source)
}

pub fn read_manifests(c: &Console, f: &str) -> Result<Vec<Value>, String> {
    read_manifests_with(c, f, "")
}

pub const FILE_FLAGS: &[Flag] = &[
    val("filename", Some('f')),
    val("dry-run", None),
    val("output", Some('o')),
    boolean("recursive", Some('R')),
    val("validate", None),
    boolean("save-config", None),
    boolean("force", None),
    val("grace-period", None),
    boolean("now", None),
    boolean("ignore-not-found", None),
    val("cascade", None),
    val("wait", None),
    val("selector", Some('l')),
    boolean("overwrite", None),
    val("field-manager", None),
    boolean("server-side", None),
    boolean("prune", None),
    boolean("all", None),
];

fn source_name(f: &str) -> String {
    if f == "-" { "STDIN".into() } else { f.to_string() }
}

/// Client-side checks kubectl makes before sending: kind/apiVersion set, kind served.
fn mapping(obj: &Value, source: &str, ns: &str) -> Result<&'static ResourceInfo, String> {
    if !obj.is_object() {
        return Err(format!("error: error validating \"{}\": error validating data: invalid object", source));
    }
    let kind = crate::api::kind(obj);
    let av = crate::api::str_at(obj, "/apiVersion");
    if kind.is_empty() || av.is_empty() {
        let what = if kind.is_empty() && av.is_empty() { "[apiVersion not set, kind not set]" } else if kind.is_empty() { "kind not set" } else { "apiVersion not set" };
        return Err(format!("error: error validating \"{}\": error validating data: {}; if you choose to ignore these errors, turn validation off with --validate=false", source, what));
    }
    resources::by_api_version_kind(av, kind).map_err(|_| {
        format!("error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{}\" in version \"{}\"\nensure CRDs are installed first", crate::api::name(obj), if obj.pointer("/metadata/namespace").is_some() { crate::api::namespace(obj) } else { ns }, source, kind, av)
    })
}

/// One object of the files, mapped: the verb's result is its line of output (or error).
pub type Visit<'a> = dyn FnMut(&mut Console, &Args, &'static ResourceInfo, &mut Value, &str, &str, &str) -> Result<String, String> + 'a;

/// Runs `each(console, args, resource, object, namespace, dry-run suffix, source)` for every
/// object of every `-f`; `allow_empty`: an empty file is no error (delete).
pub fn visit(c: &mut Console, cmd: &str, words: &[String], stdin: &str, allow_empty: bool, each: &mut Visit) -> Out {
    let a = match args::parse(cmd, words, FILE_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let files = a.all("filename");
    if files.is_empty() {
        return Out::err(format!("error: must specify one of -f and -k\n\nSee '{} -h' for help and examples", cmd));
    }
    let dry = match a.get("dry-run") {
        None | Some("none") => "",
        Some("client") | Some("true") => " (dry run)",
        Some("server") => " (server dry run)",
        Some(o) => return Out::err(format!("error: Invalid dry-run value ({}). Must be \"none\", \"server\", or \"client\".", o)),
    };
    let explicit_ns = a.get("namespace").map(String::from);
    let ns_default = explicit_ns.clone().unwrap_or_else(|| "default".into());
    let mut out = Out::ok("");
    for f in &files {
        let source = source_name(f);
        let objs = match read_manifests_with(c, f, stdin) {
            Ok(o) => o,
            Err(e) => {
                out.stderr.push_str(&format!("{}\n", e));
                out.code = 1;
                continue;
            }
        };
        if objs.is_empty() && !allow_empty {
            out.stderr.push_str(&format!("error: no objects passed to {}\n", cmd.trim_start_matches("kubectl ")));
            out.code = 1;
        }
        for mut obj in objs {
            let r = match mapping(&obj, &source, &ns_default) {
                Ok(r) => r,
                Err(e) => {
                    out.stderr.push_str(&format!("{}\n", e));
                    out.code = 1;
                    continue;
                }
            };
            if r.namespaced {
                let obj_ns = crate::api::namespace(&obj).to_string();
                if let Some(n) = &explicit_ns {
                    if !obj_ns.is_empty() && &obj_ns != n {
                        out.stderr.push_str(&format!("error: the namespace from the provided object \"{}\" does not match the namespace \"{}\". You must pass '--namespace={}' to perform this operation.\n", obj_ns, n, obj_ns));
                        out.code = 1;
                        continue;
                    }
                }
            }
            let ns = if r.namespaced {
                let n = crate::api::namespace(&obj);
                if n.is_empty() { ns_default.clone() } else { n.to_string() }
            } else {
                String::new()
            };
            let res = each(c, &a, r, &mut obj, &ns, dry, &source);
            match res {
                Ok(msg) => {
                    out.stdout.push_str(&msg);
                    out.stdout.push('\n');
                }
                Err(e) => {
                    out.stderr.push_str(&e);
                    out.stderr.push('\n');
                    out.code = 1;
                }
            }
        }
    }
    out
}
