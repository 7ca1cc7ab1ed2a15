//! YAML as kubectl prints it (sigs.k8s.io/yaml over go-yaml v2): map keys sorted, sequences
//! not indented under their key, strings quoted when they would read back as something else.

use serde_json::Value;

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, v, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, v, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn sorted(v: &Value) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = v.as_object().map(|m| m.iter().collect()).unwrap_or_default();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn write_map(out: &mut String, v: &Value, ind: usize) {
    for (k, val) in sorted(v) {
        indent(out, ind);
        out.push_str(&key(k));
        write_value_after_key(out, val, ind);
    }
}

fn write_value_after_key(out: &mut String, val: &Value, ind: usize) {
    match val {
        Value::Object(m) if !m.is_empty() => {
            out.push_str(":\n");
            write_map(out, val, ind + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str(":\n");
            write_seq(out, val, ind);
        }
        Value::String(s) if s.contains('\n') => {
            out.push_str(": ");
            block(out, s, ind + 2);
        }
        other => {
            out.push_str(": ");
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, v: &Value, ind: usize) {
    for item in v.as_array().into_iter().flatten() {
        indent(out, ind);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                // first key on the dash line, the rest aligned under it
                let entries = sorted(item);
                for (i, (k, val)) in entries.iter().enumerate() {
                    if i > 0 {
                        indent(out, ind + 2);
                    }
                    out.push_str(&key(k));
                    write_value_after_key(out, val, ind + 2);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_seq(out, item, ind + 2);
            }
            Value::String(s) if s.contains('\n') => block(out, s, ind + 2),
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn block(out: &mut String, s: &str, ind: usize) {
    out.push('|');
    if !s.ends_with('\n') {
        out.push('-');
    } else if s.ends_with("\n\n") {
        out.push('+');
    }
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, ind);
            out.push_str(line);
        }
        out.push('\n');
    }
}

fn key(k: &str) -> String {
    if needs_quotes(k) { quote(k) } else { k.to_string() }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if needs_quotes(s) { quote(s) } else { s.clone() }
        }
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn quote(s: &str) -> String {
    if s.chars().any(|c| c.is_control() && c != '\n') || s.contains('\'') && s.contains('"') {
        serde_json::to_string(s).unwrap_or_default()
    } else if s.contains('\n') {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Whether go-yaml would quote a plain string: empty, reserved words, numbers, timestamps,
/// indicator characters, surrounding spaces.
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", "-.inf", ".nan"].contains(&lower.as_str()) {
        return true;
    }
    if s.parse::<f64>().is_ok() || looks_like_number(s) {
        return true;
    }
    // timestamps (2026-01-01, 2026-01-01T00:00:00Z)
    let b = s.as_bytes();
    if b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-' {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "?:,[]{}#&*!|>'\"%@`".contains(first) || s == "-" || s.starts_with("- ") || s.starts_with("---") {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.starts_with(' ') || s.ends_with(' ') || s.contains('\t') {
        return true;
    }
    s.chars().any(|c| c.is_control() && c != '\n')
}

fn looks_like_number(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    (t.starts_with("0x") || t.starts_with("0o") || t.starts_with("0b")) && t.len() > 2
        || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '_' || c == '.') && t.chars().any(|c| c.is_ascii_digit()) && t.matches('.').count() <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_style() {
        let v = json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x", "creationTimestamp": "2026-01-01T00:00:00Z", "resourceVersion": "12", "labels": {"run": "x"}},
            "spec": {"containers": [{"name": "x", "image": "nginx", "resources": {}, "ports": [{"containerPort": 80}]}], "tolerations": []}, "data": {"a": "line1\nline2\n", "b": "", "c": "true"}});
        let want = "apiVersion: v1\ndata:\n  a: |\n    line1\n    line2\n  b: \"\"\n  c: \"true\"\nkind: Pod\nmetadata:\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n  labels:\n    run: x\n  name: x\n  resourceVersion: \"12\"\nspec:\n  containers:\n  - image: nginx\n    name: x\n    ports:\n    - containerPort: 80\n    resources: {}\n  tolerations: []\n";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn round_trips_through_serde_yaml() {
        let v = json!({"a": ["x: y", "- z", "#c", "*", "null", "1e3", "0x1F", "", " s", "-1", "a'b\"c", "tab\there"], "b": {"k:1": "v"}});
        let back: Value = serde_yaml::from_str(&to_yaml(&v)).unwrap();
        assert_eq!(back, v);
    }
}
