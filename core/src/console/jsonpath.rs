//! kubectl's JSONPath (k8s.io/client-go/util/jsonpath): `{.items[*].metadata.name}`,
//! `{range .items[*]}…{end}`, filters `[?(@.type=="Ready")]`, slices, `..` and literals.

use serde_json::Value;

#[derive(Clone, Debug)]
enum Step {
    Field(String),
    Recursive(String),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    All,
    Filter { path: Vec<Step>, op: Option<(String, Value)> },
}

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Expr(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// A parsed template.
pub struct JsonPath {
    nodes: Vec<Node>,
}

impl JsonPath {
    pub fn parse(template: &str) -> Result<JsonPath, String> {
        let mut parts: Vec<(bool, String)> = vec![];
        let chars: Vec<char> = template.chars().collect();
        let mut i = 0;
        let mut text = String::new();
        while i < chars.len() {
            if chars[i] == '{' {
                if !text.is_empty() {
                    parts.push((false, std::mem::take(&mut text)));
                }
                let mut depth = 0;
                let mut j = i;
                let mut in_str: Option<char> = None;
                loop {
                    if j >= chars.len() {
                        return Err(format!("unclosed action"));
                    }
                    let c = chars[j];
                    match in_str {
                        Some(_) if c == '\\' => j += 1,
                        Some(q) if c == q => in_str = None,
                        Some(_) => {}
                        None if c == '"' || c == '\'' => in_str = Some(c),
                        None if c == '{' => depth += 1,
                        None if c == '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        None => {}
                    }
                    j += 1;
                }
                parts.push((true, chars[i + 1..j].iter().collect()));
                i = j + 1;
            } else {
                text.push(chars[i]);
                i += 1;
            }
        }
        if !text.is_empty() {
            parts.push((false, text));
        }
        let mut stack: Vec<(Vec<Step>, Vec<Node>)> = vec![(vec![], vec![])];
        for (is_expr, s) in parts {
            if !is_expr {
                stack.last_mut().expect("root").1.push(Node::Text(s));
                continue;
            }
            let t = s.trim();
            if let Some(rest) = t.strip_prefix("range ") {
                stack.push((parse_path(rest.trim())?, vec![]));
            } else if t == "end" {
                if stack.len() < 2 {
                    return Err("not in range, nothing to end".into());
                }
                let (path, body) = stack.pop().expect("checked");
                stack.last_mut().expect("root").1.push(Node::Range(path, body));
            } else if (t.starts_with('"') && t.ends_with('"') && t.len() >= 2) || (t.starts_with('\'') && t.ends_with('\'') && t.len() >= 2) {
                let lit = unescape(&t[1..t.len() - 1]);
                stack.last_mut().expect("root").1.push(Node::Text(lit));
            } else {
                stack.last_mut().expect("root").1.push(Node::Expr(parse_path(t)?));
            }
        }
        if stack.len() != 1 {
            return Err("unclosed range".into());
        }
        Ok(JsonPath { nodes: stack.pop().expect("root").1 })
    }

    /// Executes the template; `allow_missing` mirrors kubectl's behaviour for -o jsonpath
    /// (missing keys print nothing rather than failing when inside ranges).
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        exec_nodes(&self.nodes, data, &mut out)?;
        Ok(out)
    }

    /// The values of a single-expression template (custom-columns, --sort-by).
    pub fn values(&self, data: &Value) -> Vec<Value> {
        match self.nodes.as_slice() {
            [Node::Expr(steps)] => eval(steps, data).into_iter().cloned().collect(),
            _ => vec![],
        }
    }
}

fn exec_nodes(nodes: &[Node], data: &Value, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Expr(steps) => {
                // kubectl's printer sets AllowMissingKeys: a missing field prints nothing
                let vals = eval(steps, data);
                let strs: Vec<String> = vals.iter().map(|v| print_value(v)).collect();
                out.push_str(&strs.join(" "));
            }
            Node::Range(steps, body) => {
                for v in eval(steps, data) {
                    exec_nodes(body, v, out)?;
                }
            }
        }
    }
    Ok(())
}

pub fn print_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_path(s: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut steps = vec![];
    if chars.first() == Some(&'$') {
        i = 1;
    } else if chars.first() == Some(&'@') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let recursive = chars.get(i + 1) == Some(&'.');
                i += if recursive { 2 } else { 1 };
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        name.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                if name.is_empty() {
                    if !recursive && i >= chars.len() {
                        break; // `{.}` is the whole object
                    }
                    if !recursive {
                        continue;
                    }
                }
                if name == "*" {
                    steps.push(Step::All);
                } else if recursive {
                    steps.push(Step::Recursive(name));
                } else {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let mut depth = 0;
                let mut j = i;
                while j < chars.len() {
                    if chars[j] == '[' {
                        depth += 1;
                    } else if chars[j] == ']' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(format!("unterminated array"));
                }
                let inner: String = chars[i + 1..j].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = j + 1;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                // a bare name without a leading dot
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    name.push(chars[i]);
                    i += 1;
                }
                steps.push(Step::Field(name));
            }
        }
    }
    Ok(steps)
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::All);
    }
    if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if let Some((l, r)) = f.split_once(op) {
                let r = r.trim();
                let val = if (r.starts_with('"') && r.ends_with('"')) || (r.starts_with('\'') && r.ends_with('\'')) { Value::String(r[1..r.len() - 1].to_string()) } else { serde_json::from_str(r).unwrap_or(Value::String(r.to_string())) };
                return Ok(Step::Filter { path: parse_path(l.trim())?, op: Some((op.to_string(), val)) });
            }
        }
        return Ok(Step::Filter { path: parse_path(f.trim())?, op: None });
    }
    if (inner.starts_with('\'') && inner.ends_with('\'')) || (inner.starts_with('"') && inner.ends_with('"')) {
        return Ok(Step::Field(inner[1..inner.len() - 1].to_string()));
    }
    if let Some((a, b)) = inner.split_once(':') {
        let p = |x: &str| if x.trim().is_empty() { Ok(None) } else { x.trim().parse::<i64>().map(Some).map_err(|_| format!("invalid array index {}", x)) };
        let b = b.split(':').next().unwrap_or("");
        return Ok(Step::Slice(p(a)?, p(b)?));
    }
    inner.parse::<i64>().map(Step::Index).map_err(|_| format!("invalid array index {}", inner))
}

fn eval<'a>(steps: &[Step], data: &'a Value) -> Vec<&'a Value> {
    let mut cur: Vec<&Value> = vec![data];
    for s in steps {
        let mut next = vec![];
        for v in cur {
            match s {
                Step::Field(f) => {
                    if let Some(x) = v.get(f.as_str()) {
                        next.push(x);
                    }
                }
                Step::Recursive(f) => recurse(v, f, &mut next),
                Step::Index(i) => {
                    if let Some(a) = v.as_array() {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if idx >= 0 {
                            if let Some(x) = a.get(idx as usize) {
                                next.push(x);
                            }
                        }
                    }
                }
                Step::Slice(a, b) => {
                    if let Some(arr) = v.as_array() {
                        let n = arr.len() as i64;
                        let norm = |x: i64| if x < 0 { (n + x).max(0) } else { x.min(n) };
                        let (lo, hi) = (norm(a.unwrap_or(0)), norm(b.unwrap_or(n)));
                        if lo < hi {
                            next.extend(arr[lo as usize..hi as usize].iter());
                        }
                    }
                }
                Step::All => match v {
                    Value::Array(a) => next.extend(a.iter()),
                    Value::Object(m) => next.extend(m.values()),
                    _ => {}
                },
                Step::Filter { path, op } => {
                    for item in v.as_array().into_iter().flatten() {
                        let got = eval(path, item);
                        let keep = match op {
                            None => !got.is_empty(),
                            Some((op, want)) => got.first().is_some_and(|g| compare(g, op, want)),
                        };
                        if keep {
                            next.push(item);
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

fn compare(a: &Value, op: &str, b: &Value) -> bool {
    // numbers compare as numbers, anything else as printed text
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => ordered(x.partial_cmp(&y), op),
        _ => ordered(Some(print_value(a).cmp(&print_value(b))), op),
    }
}

fn ordered(o: Option<std::cmp::Ordering>, op: &str) -> bool {
    use std::cmp::Ordering::*;
    match (op, o) {
        (_, None) => op == "!=",
        ("==", Some(o)) => o == Equal,
        ("!=", Some(o)) => o != Equal,
        ("<", Some(o)) => o == Less,
        (">", Some(o)) => o == Greater,
        ("<=", Some(o)) => o != Greater,
        (_, Some(o)) => o != Less,
    }
}

fn recurse<'a>(v: &'a Value, f: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(f) {
                out.push(x);
            }
            for x in m.values() {
                recurse(x, f, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| recurse(x, f, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Cases after client-go/util/jsonpath/jsonpath_test.go and the kubectl cheat sheet.
    #[test]
    fn kubectl_cheatsheet_queries() {
        let list = json!({"items": [
            {"metadata": {"name": "a", "labels": {"kubernetes.io/hostname": "n1"}}, "status": {"conditions": [{"type": "Ready", "status": "True"}], "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]}},
            {"metadata": {"name": "b", "labels": {}}, "status": {"conditions": [{"type": "Ready", "status": "False"}], "addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]}}
        ]});
        let run = |t: &str| JsonPath::parse(t).unwrap().execute(&list).unwrap();
        assert_eq!(run("{.items[*].metadata.name}"), "a b");
        assert_eq!(run("{.items[0].metadata.name}"), "a");
        assert_eq!(run("{.items[-1:].metadata.name}"), "b");
        assert_eq!(run("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"), "a\tTrue\nb\tFalse\n");
        assert_eq!(run("{.items[*].status.addresses[?(@.type=='InternalIP')].address}"), "10.0.0.1 10.0.0.2");
        assert_eq!(run("{.items[0].metadata.labels.kubernetes\\.io/hostname}"), "n1");
        assert_eq!(run("{.items[0].metadata.labels['kubernetes.io/hostname']}"), "n1");
        assert_eq!(run("{..name}"), "a b");
        assert_eq!(run("names: {.items[*].metadata.name}"), "names: a b");
        assert_eq!(run("{.items[1].metadata.labels}"), "{}");
        assert!(JsonPath::parse("{.items[*]").is_err());
        assert!(JsonPath::parse("{range .items[*]}{.x}").is_err());
    }
}
