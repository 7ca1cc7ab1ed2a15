//! `kubectl scale`, `kubectl set image` and `kubectl rollout status|history|undo|restart|
//! pause|resume`, with kubectl's messages (kubectl/pkg/polymorphichelpers rollout_status.go,
//! history.go, rollback.go).

use crate::api::ext::ObjectExt;
use super::args::{self, boolean, val};
use super::resource;
use super::output::kind_name;
use crate::api::resources::ResourceInfo;
use crate::apiserver::patch::PatchType;
use crate::apiserver::Subresource;
use crate::console::{Console, Out};
use serde_json::{json, Value};

/// One TYPE/NAME or TYPE NAME target.
fn one_target(pos: &[String], cmd: &str) -> Result<(&'static ResourceInfo, String), Out> {
    let ts = resource::targets(pos).map_err(Out::err)?;
    match ts.as_slice() {
        [t] if t.names.len() == 1 => Ok((t.r, t.names[0].clone())),
        _ => Err(Out::err(format!("error: required resource not specified\nSee 'kubectl {} -h' for help and examples", cmd))),
    }
}

pub fn scale(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl scale", words, &[val("replicas", None), val("current-replicas", None), boolean("all", None), val("selector", Some('l')), val("timeout", None), val("dry-run", None), val("output", Some('o'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(replicas) = a.get("replicas") else { return Out::err("error: required flag(s) \"replicas\" not set") };
    let Ok(n) = replicas.parse::<i64>() else { return Out::err(format!("error: invalid argument \"{}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", replicas, replicas)) };
    if n < 0 {
        return Out::err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
    }
    let (r, name) = match one_target(&a.pos, "scale") {
        Ok(x) => x,
        Err(e) => return e,
    };
    if !["Deployment", "ReplicaSet", "ReplicationController"].contains(&r.kind) {
        return Out::err(format!("error: no scaler has been implemented for {{\"{}\" \"{}\"}}", r.group, r.kind));
    }
    let (ns, _) = resource::namespace(&a);
    let cur = match c.cluster.api.get(r, &ns, &name) {
        Ok(v) => v,
        Err(e) => return Out::err(e.kubectl()),
    };
    if let Some(want) = a.get("current-replicas").and_then(|s| s.parse::<i64>().ok()) {
        let have = cur.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
        if have != want {
            return Out::err(format!("error: Expected replicas to be {}, was {}", want, have));
        }
    }
    match c.cluster.api.patch(r, &ns, &name, PatchType::Merge, &json!({"spec": {"replicas": n}}), Subresource::Main) {
        Ok(_) => {
            c.cluster.settle();
            Out::ok(format!("{} scaled\n", kind_name(r, &name)))
        }
        Err(e) => Out::err(e.kubectl()),
    }
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE…`
pub fn set(c: &mut Console, words: &[String]) -> Out {
    let Some((sub, rest)) = words.split_first() else { return Out::err("error: Unexpected args: []\nSee 'kubectl set -h' for help and examples") };
    if sub != "image" {
        return Out::err(format!("error: unknown command \"{}\" for \"kubectl set\"", sub));
    }
    let a = match args::parse("kubectl set image", rest, &[boolean("all", None), val("selector", Some('l')), val("dry-run", None), val("output", Some('o')), boolean("local", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let (specs, targets): (Vec<String>, Vec<String>) = a.pos.iter().cloned().partition(|p| p.contains('='));
    if specs.is_empty() {
        return Out::err("error: at least one image update is required");
    }
    let (r, name) = match one_target(&targets, "set image") {
        Ok(x) => x,
        Err(e) => return e,
    };
    let (ns, _) = resource::namespace(&a);
    let cur = match c.cluster.api.get(r, &ns, &name) {
        Ok(v) => v,
        Err(e) => return Out::err(e.kubectl()),
    };
    let base = if r.kind == "Pod" { "/spec" } else if r.kind == "CronJob" { "/spec/jobTemplate/spec/template/spec" } else { "/spec/template/spec" };
    let mut v = (*cur).clone();
    for spec in specs {
        let (cname, image) = spec.split_once('=').unwrap_or(("", ""));
        let mut found = false;
        for list in ["initContainers", "containers"] {
            for ct in v.pointer_mut(&format!("{}/{}", base, list)).and_then(Value::as_array_mut).into_iter().flatten() {
                if cname == "*" || ct.get("name").and_then(Value::as_str) == Some(cname) {
                    ct["image"] = json!(image);
                    found = true;
                }
            }
        }
        if !found {
            return Out::err(format!("error: unable to find container named \"{}\"", cname));
        }
    }
    let unchanged = v == *cur;
    match c.cluster.api.update(v, Subresource::Main) {
        Ok(_) => {
            c.cluster.settle();
            Out::ok(if unchanged { String::new() } else { format!("{} image updated\n", kind_name(r, &name)) })
        }
        Err(e) => Out::err(e.kubectl()),
    }
}

pub fn rollout(c: &mut Console, words: &[String]) -> Out {
    let Some((sub, rest)) = words.split_first() else { return Out::err("error: Required resource not specified.") };
    let a = match args::parse(&format!("kubectl rollout {}", sub), rest, &[val("revision", None), val("to-revision", None), val("timeout", None), boolean("watch", Some('w')), val("dry-run", None), val("output", Some('o')), val("selector", Some('l'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let (r, name) = match one_target(&a.pos, &format!("rollout {}", sub)) {
        Ok(x) => x,
        Err(e) => return e,
    };
    if !["Deployment", "DaemonSet"].contains(&r.kind) {
        return Out::err(format!("error: no {} has been implemented for {{\"{}\" \"{}\"}}", if sub == "status" { "status viewer" } else { "history viewer" }, r.group, r.kind));
    }
    let (ns, _) = resource::namespace(&a);
    if let Err(e) = c.cluster.api.get(r, &ns, &name) {
        return Out::err(e.kubectl());
    }
    let kn = kind_name(r, &name);
    match sub.as_str() {
        "status" => status(c, r, &ns, &name, a.get("timeout")),
        "history" => history(c, r, &ns, &name),
        "undo" => undo(c, r, &ns, &name, a.get("to-revision").and_then(|s| s.parse().ok()).unwrap_or(0)),
        "restart" => {
            let now = crate::api::time::rfc3339(c.cluster.now());
            let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}});
            match c.cluster.api.patch(r, &ns, &name, PatchType::Strategic, &patch, Subresource::Main) {
                Ok(_) => {
                    c.cluster.settle();
                    Out::ok(format!("{} restarted\n", kn))
                }
                Err(e) => Out::err(e.kubectl()),
            }
        }
        "pause" | "resume" => {
            let pause = sub == "pause";
            let cur = c.cluster.api.get(r, &ns, &name).ok();
            let is = cur.as_ref().and_then(|v| v.pointer("/spec/paused")).and_then(Value::as_bool).unwrap_or(false);
            if is == pause {
                return Out::err(format!("error: {} \"{}\" is {}", r.qualified_plural(), name, if pause { "already paused" } else { "not paused" }));
            }
            let patch = if pause { json!({"spec": {"paused": true}}) } else { json!({"spec": {"paused": null}}) };
            match c.cluster.api.patch(r, &ns, &name, PatchType::Merge, &patch, Subresource::Main) {
                Ok(_) => {
                    c.cluster.settle();
                    Out::ok(format!("{} {}\n", kn, if pause { "paused" } else { "resumed" }))
                }
                Err(e) => Out::err(e.kubectl()),
            }
        }
        other => Out::err(format!("error: unknown command \"{}\" for \"kubectl rollout\"", other)),
    }
}

fn i(v: &Value, p: &str) -> i64 {
    v.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

/// rollout_status.go: one line per change, until done (virtual time runs meanwhile).
fn status(c: &mut Console, r: &ResourceInfo, ns: &str, name: &str, timeout: Option<&str>) -> Out {
    let limit = timeout.and_then(crate::api::time::parse_duration).filter(|t| *t > 0).unwrap_or(3_600_000);
    let deadline = c.cluster.now() + limit;
    let mut out = Out::ok("");
    let mut last = String::new();
    loop {
        let Ok(d) = c.cluster.api.get(r, ns, name) else { return Out::err(format!("Error from server (NotFound): {} \"{}\" not found", r.qualified_plural(), name)) };
        let (msg, done) = if r.kind == "Deployment" {
            let replicas = d.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
            let (updated, total, available) = (i(&d, "/status/updatedReplicas"), i(&d, "/status/replicas"), i(&d, "/status/availableReplicas"));
            if i(&d, "/metadata/generation") > i(&d, "/status/observedGeneration") {
                ("Waiting for deployment spec update to be observed...\n".to_string(), false)
            } else if updated < replicas {
                (format!("Waiting for deployment \"{}\" rollout to finish: {} out of {} new replicas have been updated...\n", name, updated, replicas), false)
            } else if total > updated {
                (format!("Waiting for deployment \"{}\" rollout to finish: {} old replicas are pending termination...\n", name, total - updated), false)
            } else if available < updated {
                (format!("Waiting for deployment \"{}\" rollout to finish: {} of {} updated replicas are available...\n", name, available, updated), false)
            } else {
                (format!("deployment \"{}\" successfully rolled out\n", name), true)
            }
        } else {
            let (desired, updated, available) = (i(&d, "/status/desiredNumberScheduled"), i(&d, "/status/updatedNumberScheduled"), i(&d, "/status/numberAvailable"));
            if updated < desired {
                (format!("Waiting for daemon set \"{}\" rollout to finish: {} out of {} new pods have been updated...\n", name, updated, desired), false)
            } else if available < desired {
                (format!("Waiting for daemon set \"{}\" rollout to finish: {} of {} updated pods are available...\n", name, available, desired), false)
            } else {
                (format!("daemon set \"{}\" successfully rolled out\n", name), true)
            }
        };
        if msg != last {
            out.stdout.push_str(&msg);
            last = msg;
        }
        if done {
            return out;
        }
        if c.cluster.now() >= deadline {
            out.stderr = "error: timed out waiting for the condition\n".into();
            out.code = 1;
            return out;
        }
        let next = c.cluster.next_timer().unwrap_or(deadline).min(deadline).max(c.cluster.now() + 1);
        c.cluster.advance(next - c.cluster.now());
    }
}

/// The ReplicaSets a Deployment controls, with their revisions.
fn revisions(c: &Console, ns: &str, name: &str) -> Vec<(i64, std::sync::Arc<Value>)> {
    let Some(d) = c.cluster.api.get_kind("Deployment", ns, name) else { return vec![] };
    let uid = crate::api::str_at(&d, "/metadata/uid").to_string();
    let mut out: Vec<(i64, std::sync::Arc<Value>)> = c
        .cluster
        .api
        .list_kind("ReplicaSet", Some(ns))
        .into_iter()
        .filter(|rs| rs.controller_uid() == Some(uid.as_str()))
        .map(|rs| (rs.pointer("/metadata/annotations/deployment.kubernetes.io~1revision").and_then(Value::as_str).and_then(|s| s.parse().ok()).unwrap_or(0), rs))
        .collect();
    out.sort_by_key(|(r, _)| *r);
    out
}

fn history(c: &mut Console, r: &ResourceInfo, ns: &str, name: &str) -> Out {
    if r.kind != "Deployment" {
        return Out::err("error: kubesim keeps rollout history for Deployments only");
    }
    let mut text = format!("{} \n", kind_name(r, name));
    let mut rows = String::from("REVISION\tCHANGE-CAUSE\n");
    for (rev, rs) in revisions(c, ns, name) {
        let cause = rs.pointer("/metadata/annotations/kubernetes.io~1change-cause").and_then(Value::as_str).unwrap_or("<none>");
        rows.push_str(&format!("{}\t{}\n", rev, cause));
    }
    text.push_str(&crate::text::table::DESCRIBE.format(&rows));
    text.push('\n');
    Out::ok(text)
}

/// rollback.go: the chosen revision's template (minus pod-template-hash) becomes the Deployment's.
fn undo(c: &mut Console, r: &ResourceInfo, ns: &str, name: &str, to: i64) -> Out {
    if r.kind != "Deployment" {
        return Out::err("error: kubesim rolls back Deployments only");
    }
    let revs = revisions(c, ns, name);
    let current = revs.last().map(|(r, _)| *r).unwrap_or(0);
    let target = if to == 0 { revs.iter().rev().find(|(r, _)| *r != current) } else { revs.iter().find(|(r, _)| *r == to) };
    let Some((_, rs)) = target else {
        return Out::err(if to == 0 { format!("error: no rollout history found for deployment \"{}\"", name) } else { format!("error: unable to find specified revision {} in history", to) });
    };
    let mut tpl = rs.pointer("/spec/template").cloned().unwrap_or(Value::Null);
    if let Some(l) = tpl.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        l.shift_remove("pod-template-hash");
    }
    let Ok(d) = c.cluster.api.get(r, ns, name) else { return Out::err(format!("Error from server (NotFound): deployments.apps \"{}\" not found", name)) };
    if d.pointer("/spec/template") == Some(&tpl) {
        return Out::ok(format!("{} skipped rollback (current template already matches revision {})\n", kind_name(r, name), to.max(0)));
    }
    let mut v = (*d).clone();
    v["spec"]["template"] = tpl;
    match c.cluster.api.update(v, Subresource::Main) {
        Ok(_) => {
            c.cluster.settle();
            Out::ok(format!("{} rolled back\n", kind_name(r, name)))
        }
        Err(e) => Out::err(e.kubectl()),
    }
}
