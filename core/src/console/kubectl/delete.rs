//! `kubectl delete`: by name, selector or -f; with --grace-period, --force, --cascade and --wait.

use super::args::{self, boolean, val, Args, Flag};
use super::resource;
use crate::api::resources::ResourceInfo;
use crate::apiserver::{Deleted, Subresource};
use crate::console::{Console, Out};

/// The grace period kubectl sends: --now is 1 s, --force alone is 0.
pub fn grace_from(a: &Args) -> Option<i64> {
    if a.on("now") {
        return Some(1);
    }
    match a.get("grace-period").and_then(|g| g.parse::<i64>().ok()) {
        Some(g) if g >= 0 => Some(if g == 0 && !a.on("force") { 1 } else { g }),
        _ if a.on("force") => Some(0),
        _ => None,
    }
}

fn deleted_msg(r: &ResourceInfo, name: &str, ns: &str, force: bool) -> String {
    let what = if r.group.is_empty() { r.singular.to_string() } else { format!("{}.{}", r.singular, r.group) };
    let verb = if force { "force deleted" } else { "deleted" };
    if r.namespaced {
        format!("{} \"{}\" {} from {} namespace", what, name, verb, ns)
    } else {
        format!("{} \"{}\" {}", what, name, verb)
    }
}

/// kubectl delete's options.
pub struct DeleteOpts {
    pub grace: Option<i64>,
    pub dry: &'static str,
    pub ignore_not_found: bool,
    pub wait: bool,
    /// --cascade: background (default), foreground or orphan
    pub cascade: String,
}

impl DeleteOpts {
    pub fn from_args(a: &Args) -> Result<DeleteOpts, String> {
        let cascade = match a.get("cascade").unwrap_or("background") {
            "background" | "true" => "background",
            "foreground" => "foreground",
            "orphan" | "false" => "orphan",
            other => return Err(format!("error: invalid cascade value ({}). Must be \"background\", \"foreground\", or \"orphan\"", other)),
        };
        Ok(DeleteOpts {
            grace: grace_from(a),
            dry: if matches!(a.get("dry-run"), Some("client") | Some("server") | Some("true")) { " (dry run)" } else { "" },
            ignore_not_found: a.on("ignore-not-found"),
            wait: a.get("wait") != Some("false"),
            cascade: cascade.to_string(),
        })
    }
}

/// Deletes one object; with `wait`, virtual time runs until it is gone (kubectl waits too).
pub fn delete_one(c: &mut Console, r: &'static ResourceInfo, ns: &str, name: &str, o: &DeleteOpts) -> Result<String, String> {
    let (grace, dry, ignore_not_found, wait) = (o.grace, o.dry, o.ignore_not_found, o.wait);
    let ns = if r.namespaced { ns } else { "" };
    if !dry.is_empty() {
        c.cluster.api.get(r, ns, name).map_err(|e| e.kubectl())?;
        return Ok(format!("{}{}", deleted_msg(r, name, ns, false), dry));
    }
    let force = grace == Some(0);
    // propagationPolicy: orphan strips the dependents' ownerReferences first; foreground
    // removes the dependents before the owner (the garbage collector does background)
    if let Ok(obj) = c.cluster.api.get(r, ns, name) {
        let uid = crate::api::str_at(&obj, "/metadata/uid").to_string();
        match o.cascade.as_str() {
            "orphan" => crate::controllers::garbage_collector::orphan(&mut c.cluster.api, &uid),
            "foreground" => {
                // the owner is marked first (deletionTimestamp + foregroundDeletion finalizer), so
                // its controller stops replacing what is being deleted
                let mut v = (*obj).clone();
                crate::api::set_at(&mut v, "/metadata/finalizers", serde_json::json!(["foregroundDeletion"]));
                if c.cluster.api.update(v, Subresource::Main).is_ok() {
                    let _ = c.cluster.api.delete(r, ns, name, grace);
                    for (dr, dns, dname) in crate::controllers::garbage_collector::dependents(&c.cluster.api, &uid) {
                        let _ = delete_one(c, dr, &dns, &dname, o);
                    }
                    if let Ok(cur) = c.cluster.api.get(r, ns, name) {
                        let mut v = (*cur).clone();
                        crate::api::remove_at(&mut v, "/metadata/finalizers");
                        let _ = c.cluster.api.update(v, Subresource::Main);
                    }
                    c.cluster.settle();
                    if c.cluster.api.get(r, ns, name).is_err() {
                        return Ok(deleted_msg(r, name, ns, force));
                    }
                }
            }
            _ => {}
        }
    }
    let uid = c.cluster.api.get(r, ns, name).ok().map(|o| crate::api::str_at(&o, "/metadata/uid").to_string());
    // gone, or replaced by a new object of the same name (a static pod's mirror)
    let gone = |c: &Console| c.cluster.api.get(r, ns, name).map(|o| Some(crate::api::str_at(&o, "/metadata/uid").to_string()) != uid).unwrap_or(true);
    match c.cluster.api.delete(r, ns, name, grace) {
        Err(e) if ignore_not_found && e.reason == "NotFound" => return Ok(String::new()),
        Err(e) => return Err(e.kubectl()),
        Ok((_, Deleted::Now)) => c.cluster.settle(),
        Ok((_, Deleted::Graceful)) => {
            c.cluster.settle();
            if wait {
                // Bounded: the grace period plus a minute, stepping from timer to timer.
                let limit = c.cluster.now() + (grace.unwrap_or(30).max(0) + 60) * 1000;
                while !gone(c) && c.cluster.now() < limit {
                    let next = c.cluster.next_timer().unwrap_or(limit).min(limit);
                    let step = (next - c.cluster.now()).max(100);
                    c.cluster.advance(step);
                }
            }
        }
    }
    let mut msg = deleted_msg(r, name, ns, force);
    if force {
        msg = format!("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n{}", msg);
    }
    Ok(msg)
}

const DELETE_FLAGS: &[Flag] = &[
    val("filename", Some('f')),
    val("selector", Some('l')),
    val("field-selector", None),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    val("grace-period", None),
    boolean("force", None),
    boolean("now", None),
    boolean("ignore-not-found", None),
    val("cascade", None),
    val("wait", None),
    val("dry-run", None),
    val("output", Some('o')),
    val("timeout", None),
    boolean("recursive", Some('R')),
];

pub fn delete(c: &mut Console, words: &[String], stdin: &str) -> Out {
    let a = match args::parse("kubectl delete", words, DELETE_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    if a.present("filename") {
        return resource::visit(c, "kubectl delete", words, stdin, true, &mut |c, a, r, obj, ns, _, _| {
            let opts = DeleteOpts::from_args(a)?;
            delete_one(c, r, ns, crate::api::name(obj), &opts)
        });
    }
    if a.pos.is_empty() {
        return Out::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let ts = match resource::targets(&a.pos) {
        Ok(t) => t,
        Err(e) => return Out::err(e),
    };
    let has_sel = a.present("selector") || a.present("field-selector") || a.on("all");
    if ts.iter().any(|t| t.names.is_empty()) && !has_sel {
        return Out::err("error: resource(s) were provided, but no name was specified");
    }
    let (sel, fsel) = match resource::selectors(&a) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let (ns, all_ns) = resource::namespace(&a);
    let opts = match DeleteOpts::from_args(&a) {
        Ok(o) => o,
        Err(e) => return Out::err(e),
    };
    if a.on("force") && opts.grace.is_none() {
        return Out::err("error: --force and --grace-period greater than 0 cannot be specified together");
    }
    let mut out = Out::ok("");
    let mut errors = vec![];
    let mut found = 0;
    for t in &ts {
        let objs = resource::fetch(c, t, &ns, all_ns, &sel, &fsel, &mut errors);
        for o in objs {
            found += 1;
            let ons = crate::api::namespace(&o).to_string();
            match delete_one(c, t.r, &ons, crate::api::name(&o), &opts) {
                Ok(m) if !m.is_empty() => {
                    out.stdout.push_str(&m);
                    out.stdout.push('\n');
                }
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
    }
    if a.on("ignore-not-found") {
        errors.retain(|e| !e.contains("(NotFound)"));
    }
    if found == 0 && errors.is_empty() && has_sel {
        out.stderr.push_str(&if all_ns { "No resources found\n".to_string() } else { format!("No resources found in {} namespace.\n", ns) });
    }
    for e in &errors {
        out.stderr.push_str(e);
        out.stderr.push('\n');
        out.code = 1;
    }
    out
}
