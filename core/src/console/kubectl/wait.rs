//! `kubectl wait --for=condition=Ready|delete|jsonpath=… TYPE/NAME --timeout=60s`: advances
//! virtual time until the condition holds or the timeout passes.

use super::args::{self, boolean, val};
use super::resource;
use super::output::kind_name;
use crate::api::fields::FieldSelector;
use crate::api::labels::Selector;
use crate::api::time::parse_duration;
use crate::console::jsonpath::{print_value, JsonPath};
use crate::console::{Console, Out};
use serde_json::Value;

enum Cond {
    Condition(String, String),
    Delete,
    JsonPath(JsonPath, Option<String>),
}

fn holds(cond: &Cond, obj: Option<&Value>) -> bool {
    match (cond, obj) {
        (Cond::Delete, o) => o.is_none(),
        (_, None) => false,
        (Cond::Condition(t, want), Some(o)) => o.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().any(|c| {
            c.get("type").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(t)) && c.get("status").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case(want))
        }),
        (Cond::JsonPath(jp, want), Some(o)) => {
            let vals = jp.values(o);
            match want {
                None => !vals.is_empty(),
                Some(w) => vals.first().is_some_and(|v| print_value(v) == *w),
            }
        }
    }
}

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl wait", words, &[val("for", None), val("timeout", None), boolean("all", None), val("selector", Some('l')), boolean("all-namespaces", Some('A')), val("field-selector", None), val("filename", Some('f'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(f) = a.get("for") else { return Out::err("error: --for must be specified") };
    let cond = if f == "delete" {
        Cond::Delete
    } else if let Some(rest) = f.strip_prefix("condition=") {
        let (t, v) = rest.split_once('=').map(|(t, v)| (t.to_string(), v.to_string())).unwrap_or((rest.to_string(), "True".into()));
        Cond::Condition(t, v)
    } else if let Some(rest) = f.strip_prefix("jsonpath=") {
        // jsonpath={.status.phase}=Running
        let (expr, want) = match rest.rfind("}=") {
            Some(i) => (&rest[..=i], Some(rest[i + 2..].to_string())),
            None => (rest, None),
        };
        let expr = if expr.starts_with('{') { expr.to_string() } else { format!("{{{}}}", expr) };
        match JsonPath::parse(&expr) {
            Ok(jp) => Cond::JsonPath(jp, want),
            Err(e) => return Out::err(format!("error: {}", e)),
        }
    } else {
        return Out::err(format!("error: unrecognized condition: \"{}\"", f));
    };
    let timeout = match a.get("timeout") {
        None => 30_000,
        Some(t) => match parse_duration(t) {
            Some(ms) => ms.min(7 * 24 * 3_600_000),
            None => return Out::err(format!("error: invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration \"{}\"", t, t)),
        },
    };
    let ts = match resource::targets(&a.pos) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => return Out::err("error: resource(s) were provided, but no name was specified"),
        Err(e) => return Out::err(e),
    };
    let sel = a.get("selector").and_then(|s| Selector::parse(s).ok()).unwrap_or_default();
    let (ns, all_ns) = resource::namespace(&a);
    let mut errors = vec![];
    let mut targets: Vec<(&'static crate::api::resources::ResourceInfo, String, String)> = vec![];
    for t in &ts {
        for o in resource::fetch(c, t, &ns, all_ns, &sel, &FieldSelector::default(), &mut errors) {
            targets.push((t.r, crate::api::namespace(&o).to_string(), crate::api::name(&o).to_string()));
        }
    }
    if !errors.is_empty() {
        return Out::err(errors.join("\n"));
    }
    if targets.is_empty() {
        return Out::err("error: no matching resources found");
    }
    let deadline = c.cluster.now() + timeout;
    let mut out = Out::ok("");
    for (r, ons, name) in targets {
        loop {
            let obj = c.cluster.api.get(r, &ons, &name).ok();
            if holds(&cond, obj.as_deref()) {
                out.stdout.push_str(&format!("{} condition met\n", kind_name(r, &name)));
                break;
            }
            if c.cluster.now() >= deadline {
                out.stderr.push_str(&format!("error: timed out waiting for the condition on {}/{}\n", r.plural, name));
                out.code = 1;
                break;
            }
            let next = c.cluster.next_timer().unwrap_or(deadline).min(deadline).max(c.cluster.now() + 1);
            c.cluster.advance(next - c.cluster.now());
        }
    }
    out
}
