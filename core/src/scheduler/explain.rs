//! `sim explain pod NAME`: the scheduler's last attempt for a pod as tables — each node's Filter
//! verdicts (ok; skip where the plugin's PreFilter found nothing to check; the failing reason;
//! or - where the plugin did not run) and each Score plugin's raw, normalized and weighted
//! score, with the chosen node marked.

use super::framework::Explanation;
use crate::api::time::rfc3339;
use crate::text::table;

pub fn render(e: &Explanation) -> String {
    let mut out = String::new();
    match (&e.picked, &e.message) {
        (Some(n), _) => out.push_str(&format!("Pod {} was scheduled to {} by {} at {}.\n", e.pod, n, e.scheduler, rfc3339(e.at))),
        (None, Some(m)) => out.push_str(&format!("Pod {} could not be scheduled by {} at {}:\n  {}\n", e.pod, e.scheduler, rfc3339(e.at), m)),
        _ => {}
    }
    if e.nodes.is_empty() {
        return out;
    }
    out.push_str("\nFilter (in order; a node stops at its first failure):\n");
    let mut headers = vec!["NODE"];
    headers.extend_from_slice(&e.filters);
    let rows: Vec<Vec<String>> = e
        .nodes
        .iter()
        .map(|n| {
            let mut row = vec![n.node.clone()];
            for f in &e.filters {
                row.push(match n.filters.iter().find(|(p, _)| p == f) {
                    Some((_, Ok(()))) if e.skipped_filters.contains(f) => "skip".into(),
                    Some((_, Ok(()))) => "ok".into(),
                    Some((_, Err(r))) => r.clone(),
                    None => "-".into(),
                });
            }
            row
        })
        .collect();
    out.push_str(&table::render(&headers, &rows, false));
    if let Some(p) = &e.preemption {
        out.push_str(&format!("\nPreemption: {}\n", p));
    }
    let scored: Vec<_> = e.nodes.iter().filter(|n| !n.scores.is_empty()).collect();
    if scored.is_empty() {
        let passed = e.nodes.iter().filter(|n| n.filters.iter().all(|(_, r)| r.is_ok())).count();
        if e.picked.is_some() && passed == 1 {
            out.push_str("\nOnly one node passed the filters: it is chosen without scoring.\n");
        } else if e.picked.is_some() {
            out.push_str(&format!("\nNo Score plugin scored this pod: the node is picked at random among the {} that passed.\n", passed));
        }
        return out;
    }
    out.push_str("\nScore (raw → normalized × weight = weighted):\n");
    // plugins that skipped this pod (nothing to score) are left out
    let used: Vec<&(&str, i64)> = e.scores.iter().filter(|(p, _)| scored.iter().any(|n| n.scores.iter().any(|s| s.plugin == *p))).collect();
    let names: Vec<String> = used.iter().map(|(p, w)| format!("{} (×{})", p, w)).collect();
    let mut headers: Vec<&str> = vec!["NODE"];
    headers.extend(names.iter().map(String::as_str));
    headers.push("TOTAL");
    let rows: Vec<Vec<String>> = scored
        .iter()
        .map(|n| {
            let mut row = vec![if e.picked.as_deref() == Some(n.node.as_str()) { format!("{} *", n.node) } else { n.node.clone() }];
            for (p, _) in &used {
                row.push(match n.scores.iter().find(|s| s.plugin == *p) {
                    Some(s) => format!("{} → {} = {}", s.raw, s.normalized, s.weighted),
                    None => "-".into(),
                });
            }
            row.push(n.total.to_string());
            row
        })
        .collect();
    out.push_str(&table::render(&headers, &rows, false));
    out.push_str("* chosen (ties are broken at random)\n");
    let skipped: Vec<&str> = e.scores.iter().map(|(p, _)| *p).filter(|p| !used.iter().any(|(u, _)| u == p)).collect();
    if !skipped.is_empty() {
        out.push_str(&format!("Not scored (PreScore returned Skip: nothing to score for this pod): {}\n", skipped.join(", ")));
    }
    out
}
