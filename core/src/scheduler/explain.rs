//! `sim explain pod NAME`: the scheduler's last attempt for a pod as tables — each node's Filter
//! verdicts (ok, the failing reason, or - where the plugin did not run) and each Score plugin's
//! raw, normalized and weighted score, with the chosen node marked.

use super::framework::{Explanation, FILTERS, SCORES};
use crate::api::time::rfc3339;
use crate::console::table;

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
    headers.extend_from_slice(FILTERS);
    let rows: Vec<Vec<String>> = e
        .nodes
        .iter()
        .map(|n| {
            let mut row = vec![n.node.clone()];
            for f in FILTERS {
                row.push(match n.filters.iter().find(|(p, _)| p == f) {
                    Some((_, Ok(()))) => "ok".into(),
                    Some((_, Err(r))) => r.clone(),
                    None => "-".into(),
                });
            }
            row
        })
        .collect();
    out.push_str(&table::render(&headers, &rows, false));
    let scored: Vec<_> = e.nodes.iter().filter(|n| !n.scores.is_empty()).collect();
    if scored.is_empty() {
        return out;
    }
    out.push_str("\nScore (raw → normalized × weight = weighted):\n");
    let names: Vec<String> = SCORES.iter().map(|(p, w)| format!("{} (×{})", p, w)).collect();
    let mut headers: Vec<&str> = vec!["NODE"];
    headers.extend(names.iter().map(String::as_str));
    headers.push("TOTAL");
    let rows: Vec<Vec<String>> = scored
        .iter()
        .map(|n| {
            let mut row = vec![if e.picked.as_deref() == Some(n.node.as_str()) { format!("{} *", n.node) } else { n.node.clone() }];
            for s in &n.scores {
                row.push(format!("{} → {} = {}", s.raw, s.normalized, s.weighted));
            }
            row.push(n.total.to_string());
            row
        })
        .collect();
    out.push_str(&table::render(&headers, &rows, false));
    out.push_str("* chosen (ties are broken at random)\n");
    out
}
