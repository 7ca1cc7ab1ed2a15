//! `kubectl top node|pod`: resource usage as metrics-server reports it (the usage model in
//! kubelet/usage.rs), printed as kubectl's metricsutil printer does — every value followed by a
//! tab, so the last column is padded too. kubesim's clusters behave as if metrics-server were
//! installed (as in the CKA exam environment); a pod needs a first 15-second scrape window.

use super::args::{self, boolean, val};
use crate::console::{Console, Out};
use crate::text::table;
use serde_json::Value;

const MI: i64 = 1024 * 1024;
/// metrics-server's resolution: a pod's first metrics appear after one scrape window.
const FIRST_SCRAPE_MS: i64 = 15_000;

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let Some((what, rest)) = words.split_first() else {
        return Out::err("error: You must specify a resource: node or pod\nSee 'kubectl top -h' for help and examples");
    };
    match what.as_str() {
        "node" | "nodes" | "no" => nodes(c, rest),
        "pod" | "pods" | "po" => pods(c, rest),
        other => Out::err(format!("error: unknown command \"{}\" for \"kubectl top\"", other)),
    }
}

fn line(cells: &[String]) -> String {
    let mut s = String::new();
    for cell in cells {
        s.push_str(cell);
        s.push('\t');
    }
    s.push('\n');
    s
}

fn nodes(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl top node", words, &[boolean("no-headers", None), val("sort-by", None), val("selector", Some('l')), boolean("show-capacity", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let now = c.cluster.now();
    let mut nodes = c.cluster.api.list_kind("Node", None);
    if let Some(name) = a.pos.first() {
        nodes.retain(|n| crate::api::name(n) == name);
        if nodes.is_empty() {
            return Out::err(format!("Error from server (NotFound): nodes \"{}\" not found", name));
        }
    }
    if let Some(sel) = a.get("selector") {
        let Ok(sel) = crate::api::labels::Selector::parse(sel) else { return Out::err(format!("error: unable to parse requirement: {}", sel)) };
        nodes.retain(|n| sel.matches(&crate::api::labels::labels_of(n)));
    }
    let pods = c.cluster.api.list_kind("Pod", None);
    let mut rows: Vec<(String, Option<(i64, i64, i64, i64)>)> = vec![];
    for n in &nodes {
        let name = crate::api::name(n).to_string();
        // metrics-server scrapes the kubelet: a stopped one has no metrics
        if !c.cluster.kubelets.get(&name).is_some_and(|k| k.running) {
            rows.push((name, None));
            continue;
        }
        let (mut cpu, mut mem) = crate::kubelet::usage::system(c.cluster.control_plane.as_deref() == Some(name.as_str()));
        for p in pods.iter().filter(|p| crate::api::str_at(p, "/spec/nodeName") == name) {
            for (_, pc, pm) in crate::kubelet::usage::pod(p, now) {
                cpu += pc;
                mem += pm;
            }
        }
        let q = |r: &str| a_alloc(n, r, a.on("show-capacity"));
        rows.push((name, Some((cpu, mem, q("cpu"), q("memory")))));
    }
    match a.get("sort-by") {
        Some("cpu") => rows.sort_by_key(|r| std::cmp::Reverse(r.1.map_or(0, |v| v.0))),
        Some("memory") => rows.sort_by_key(|r| std::cmp::Reverse(r.1.map_or(0, |v| v.1))),
        Some(other) => return Out::err(format!("error: --sort-by accepts only cpu or memory, got {:?}", other)),
        None => {}
    }
    let mut text = String::new();
    if !a.on("no-headers") {
        text.push_str(&line(&["NAME".into(), "CPU(cores)".into(), "CPU(%)".into(), "MEMORY(bytes)".into(), "MEMORY(%)".into()]));
    }
    for (name, m) in rows {
        text.push_str(&match m {
            None => line(&[name, "<unknown>".into(), "<unknown>".into(), "<unknown>".into(), "<unknown>".into()]),
            Some((cpu, mem, acpu, amem)) => {
                let pct = |used: i64, avail: i64| if avail > 0 { format!("{}%", (used as f64 / avail as f64 * 100.0) as i64) } else { "0%".into() };
                line(&[name, format!("{}m", cpu), pct(cpu, acpu), format!("{}Mi", mem / MI), pct(mem * 1000, amem)])
            }
        });
    }
    Out::ok(table::GET.format(&text))
}

/// Allocatable (or capacity) in milli-units.
fn a_alloc(n: &Value, res: &str, capacity: bool) -> i64 {
    let field = if capacity { "capacity" } else { "allocatable" };
    crate::api::at(n, &format!("/status/{}/{}", field, res)).and_then(Value::as_str).and_then(|q| crate::api::quantity::Quantity::parse(q).ok()).map_or(0, |q| q.milli().clamp(0, i64::MAX as i128) as i64)
}

fn pods(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl top pod", words, &[boolean("no-headers", None), val("sort-by", None), val("selector", Some('l')), boolean("all-namespaces", Some('A')), boolean("containers", None), boolean("sum", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let now = c.cluster.now();
    let all = a.on("all-namespaces");
    let ns = a.get("namespace").unwrap_or("default").to_string();
    let mut pods = c.cluster.api.list_kind("Pod", if all { None } else { Some(&ns) });
    pods.retain(|p| crate::api::str_at(p, "/status/phase") == "Running");
    if let Some(sel) = a.get("selector") {
        let Ok(sel) = crate::api::labels::Selector::parse(sel) else { return Out::err(format!("error: unable to parse requirement: {}", sel)) };
        pods.retain(|p| sel.matches(&crate::api::labels::labels_of(p)));
    }
    let age = |p: &Value| now - crate::api::time::parse_rfc3339(crate::api::str_at(p, "/status/startTime")).unwrap_or(now);
    if let Some(name) = a.pos.first() {
        let Some(p) = c.cluster.api.get_kind("Pod", &ns, name) else { return Out::err(format!("Error from server (NotFound): pods \"{}\" not found", name)) };
        if crate::api::str_at(&p, "/status/phase") != "Running" || age(&p) < FIRST_SCRAPE_MS {
            let created = now - crate::api::time::parse_rfc3339(crate::api::str_at(&p, "/metadata/creationTimestamp")).unwrap_or(now);
            return Out::err(format!("error: Metrics not available for pod {}/{}, age: {}", ns, name, crate::api::time::go_duration(created)));
        }
        pods = vec![p];
    }
    // the first scrape has not happened for very new pods
    pods.retain(|p| age(p) >= FIRST_SCRAPE_MS);
    if pods.is_empty() {
        return Out::err(if all { "No resources found".to_string() } else { format!("No resources found in {} namespace.", ns) });
    }
    let mut rows: Vec<(String, String, Vec<(String, i64, i64)>)> = pods.iter().map(|p| (crate::api::namespace(p).to_string(), crate::api::name(p).to_string(), crate::kubelet::usage::pod(p, now))).collect();
    let total = |r: &(String, String, Vec<(String, i64, i64)>)| (r.2.iter().map(|x| x.1).sum::<i64>(), r.2.iter().map(|x| x.2).sum::<i64>());
    match a.get("sort-by") {
        Some("cpu") => rows.sort_by_key(|r| std::cmp::Reverse(total(r).0)),
        Some("memory") => rows.sort_by_key(|r| std::cmp::Reverse(total(r).1)),
        Some(other) => return Out::err(format!("error: --sort-by accepts only cpu or memory, got {:?}", other)),
        None => {}
    }
    let mut text = String::new();
    let mut header: Vec<String> = vec![];
    if all {
        header.push("NAMESPACE".into());
    }
    if a.on("containers") {
        header.push("POD".into());
    }
    header.extend(["NAME".to_string(), "CPU(cores)".into(), "MEMORY(bytes)".into()]);
    if !a.on("no-headers") {
        text.push_str(&line(&header));
    }
    for r in &rows {
        let lead: Vec<String> = if all { vec![r.0.clone()] } else { vec![] };
        if a.on("containers") {
            for (cname, cpu, mem) in &r.2 {
                let mut cells = lead.clone();
                cells.extend([r.1.clone(), cname.clone(), format!("{}m", cpu), format!("{}Mi", mem / MI)]);
                text.push_str(&line(&cells));
            }
        } else {
            let (cpu, mem) = total(r);
            let mut cells = lead;
            cells.extend([r.1.clone(), format!("{}m", cpu), format!("{}Mi", mem / MI)]);
            text.push_str(&line(&cells));
        }
    }
    if a.on("sum") && !a.on("containers") {
        let (cpu, mem) = rows.iter().map(total).fold((0, 0), |s, t| (s.0 + t.0, s.1 + t.1));
        let pad = header.len() - 2;
        let mut under: Vec<String> = vec![String::new(); pad];
        under.extend(["________".to_string(), "________".into()]);
        text.push_str(&line(&under));
        let mut sum: Vec<String> = vec![String::new(); pad];
        sum.extend([format!("{}m", cpu), format!("{}Mi", mem / MI)]);
        text.push_str(&line(&sum));
    }
    Out::ok(table::GET.format(&text))
}
