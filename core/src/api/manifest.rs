//! Reading manifests as kubectl does: a stream of YAML or JSON documents separated by `---`,
//! `kind: List` expanded into its items, and bounded input so a paste can never hang or
//! exhaust the tab.

use serde::Deserialize;
use serde_json::Value;

/// kube-apiserver refuses request bodies over 3 MiB (MaxRequestBodyBytes); kubesim refuses a
/// manifest stream over the same size before parsing it.
pub const MAX_MANIFEST_BYTES: usize = 3 * 1024 * 1024;
/// At most this many objects per stream.
pub const MAX_DOCUMENTS: usize = 5_000;

/// More alias references than any hand-written manifest has: the shape of a "billion laughs"
/// bomb. go-yaml refuses such documents ("excessive aliasing") before expanding them; serde_yaml
/// would expand up to its repetition limit first, which takes long enough to freeze a tab.
pub const MAX_ALIASES: usize = 32;

/// Counts alias references (`*name` where a YAML value can start) without parsing.
pub fn excessive_aliasing(text: &str) -> bool {
    let b = text.as_bytes();
    let mut n = 0;
    for i in 0..b.len() {
        if b[i] == b'*' && b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-') && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'[' | b',' | b'{' | b':' | b'-')) {
            n += 1;
            if n > MAX_ALIASES {
                return true;
            }
        }
    }
    false
}

/// Parses a manifest stream; `source` names it in errors (`STDIN`, a file name).
pub fn parse_stream(text: &str, source: &str) -> Result<Vec<Value>, String> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(format!("error: {} is {} bytes: Request entity too large: limit is {}", source, text.len(), MAX_MANIFEST_BYTES));
    }
    if text.contains('\0') {
        return Err(format!("error: error parsing {}: error converting YAML to JSON: yaml: control characters are not allowed", source));
    }
    if excessive_aliasing(text) {
        return Err(format!("error: error parsing {}: error converting YAML to JSON: yaml: document contains excessive aliasing", source));
    }
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(text) {
        let v = match Value::deserialize(doc) {
            Ok(v) => v,
            Err(e) => return Err(format!("error: error parsing {}: error converting YAML to JSON: {}", source, yaml_error(&e.to_string()))),
        };
        match v {
            Value::Null => continue,
            Value::Object(_) => {}
            _ => return Err(format!("error: error parsing {}: error unmarshaling JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}", source, super::json_type(&v))),
        }
        if v.get("kind").and_then(Value::as_str).is_some_and(|k| k == "List" || k.ends_with("List")) && v.get("items").is_some() {
            if let Some(items) = v.get("items").and_then(Value::as_array) {
                out.extend(items.iter().cloned());
            }
        } else {
            out.push(v);
        }
        if out.len() > MAX_DOCUMENTS {
            return Err(format!("error: {} holds more than {} objects", source, MAX_DOCUMENTS));
        }
    }
    Ok(out)
}

/// serde_yaml says `mapping values are not allowed in this context at line 3 column 8`;
/// go-yaml (what kubectl prints) says `yaml: line 3: mapping values are not allowed in this context`.
fn yaml_error(msg: &str) -> String {
    if let Some(idx) = msg.find(" at line ") {
        let (what, loc) = msg.split_at(idx);
        let line: String = loc[" at line ".len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
        return format!("yaml: line {}: {}", line, what);
    }
    format!("yaml: {}", msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_and_lists() {
        let docs = parse_stream("---\napiVersion: v1\nkind: Pod\n---\n---\n{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"kind\":\"A\"},{\"kind\":\"B\"}]}\n", "STDIN").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[2]["kind"], "B");
    }

    #[test]
    fn malformed_yaml_gets_go_yaml_style_error() {
        let e = parse_stream("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n", "STDIN").unwrap_err();
        assert!(e.starts_with("error: error parsing STDIN: error converting YAML to JSON: yaml: line 5:"), "{e}");
    }

    #[test]
    fn bombs_are_refused() {
        // billion laughs
        let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            bomb.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = c;
        }
        assert!(parse_stream(&bomb, "STDIN").unwrap_err().ends_with("yaml: document contains excessive aliasing"));
        // found by fuzzing (fuzz/fuzz_targets/console.rs): fewer aliases, still 9^7 expansions,
        // which serde_yaml's repetition limit only stopped after a second under ASan
        let short = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assert!(parse_stream(short, "STDIN").unwrap_err().contains("excessive aliasing"));
        // a manifest that uses a few anchors is fine
        let fine = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {app: x}\n  annotations: *l\ndata:\n  cmd: \"ls *.txt\"\n";
        assert_eq!(parse_stream(fine, "STDIN").unwrap()[0]["metadata"]["annotations"]["app"], "x");
        let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert!(parse_stream(&deep, "STDIN").is_err());
        let big = "a".repeat(MAX_MANIFEST_BYTES + 1);
        assert!(parse_stream(&big, "STDIN").unwrap_err().contains("Request entity too large"));
        assert!(parse_stream("\u{0}\u{1}\u{2}garbage", "STDIN").is_err());
    }
}
