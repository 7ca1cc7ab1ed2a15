//! What the playground's YAML editor needs: the line of a manifest an error is about. kubectl's
//! errors name a YAML line (`yaml: line 7: …`) or a field path (strict decoding's `unknown
//! field "spec.containers[0].imagePullPolice"`, validation's `spec.containers[0].image:
//! Required value`); the editor marks that line.

/// One error the editor shows at a line (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// The errors in kubectl's output about `text` (the manifest applied), each at its line; an
/// error whose field cannot be found is put at line 1.
pub fn error_lines(text: &str, output: &str) -> Vec<LineError> {
    let mut found = vec![];
    for out_line in output.lines() {
        if let Some(i) = out_line.find("yaml: line ") {
            let rest = &out_line[i + "yaml: line ".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<usize>() {
                found.push(LineError { line: n.max(1), message: rest[digits.len()..].trim_start_matches(':').trim().to_string() });
            }
            continue;
        }
        // strict decoding: unknown field "a.b", duplicate field "a.b"
        for marker in ["unknown field \"", "duplicate field \""] {
            let mut rest = out_line;
            while let Some(i) = rest.find(marker) {
                rest = &rest[i + marker.len()..];
                let path = rest.split('"').next().unwrap_or("");
                found.push(LineError { line: line_of(text, path).unwrap_or(1), message: format!("{}{}\"", marker, path) });
            }
        }
        // validation: The Pod "x" is invalid: [path: reason, path: reason] (or one, unbracketed)
        if let Some(i) = out_line.find(" is invalid: ") {
            let list = out_line[i + " is invalid: ".len()..].trim();
            let list = list.strip_prefix('[').and_then(|l| l.strip_suffix(']')).unwrap_or(list);
            // a piece that does not start with `path: ` continues the error before it
            // ("must be between 1 and 65535, inclusive")
            let mut items: Vec<String> = vec![];
            for piece in split_top_level(list) {
                let starts_error = piece.split_once(": ").is_some_and(|(p, _)| !p.is_empty() && !p.contains(' '));
                match items.last_mut() {
                    Some(last) if !starts_error => {
                        last.push_str(", ");
                        last.push_str(piece);
                    }
                    _ => items.push(piece.to_string()),
                }
            }
            for item in items {
                let path = item.split(": ").next().unwrap_or("");
                found.push(LineError { line: line_of(text, path).unwrap_or(1), message: item.clone() });
            }
        }
    }
    found
}

/// Splits `a: x, b: y` at the commas that separate errors (not those inside quotes or brackets).
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start, mut parts) = (0i32, false, 0, vec![]);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' | '(' if !quoted => depth += 1,
            ']' | '}' | ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 && s[i..].starts_with(", ") => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts
}

/// A manifest line as the search sees it: where its content starts, its content, and the
/// indentation of its list dash (`- name: c`) if it starts a list item.
struct Line<'a> {
    indent: usize,
    content: &'a str,
    dash: Option<usize>,
}

fn lines(text: &str) -> Vec<Option<Line<'_>>> {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.is_empty() || t.starts_with('#') {
                return None;
            }
            let indent = l.len() - t.len();
            match t.strip_prefix("- ").or(if t == "-" { Some("") } else { None }) {
                Some(rest) => {
                    let r = rest.trim_start();
                    Some(Line { indent: indent + (t.len() - r.len()), content: r, dash: Some(indent) })
                }
                None => Some(Line { indent, content: t, dash: None }),
            }
        })
        .collect()
}

/// The line (1-based) of a field path such as `spec.containers[0].image` in a manifest stream,
/// in the first document that has it; the deepest part found when the rest is not there (a
/// flow-style `{…}`, say). None when not even its first part is.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let all = lines(text);
    let mut docs = vec![];
    let mut start = 0;
    for (i, l) in text.lines().enumerate() {
        if l.trim_end() == "---" {
            docs.push((start, i));
            start = i + 1;
        }
    }
    docs.push((start, all.len()));
    let segments: Vec<(&str, Option<usize>)> = path
        .split('.')
        .map(|s| match s.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse().ok()),
            None => (s, None),
        })
        .collect();
    docs.into_iter().filter_map(|(a, b)| find(&all, a, b, &segments)).max_by_key(|(depth, _)| *depth).map(|(_, line)| line + 1)
}

/// (how many segments were found, the line of the deepest) within lines [from, to).
fn find(all: &[Option<Line>], from: usize, to: usize, segments: &[(&str, Option<usize>)]) -> Option<(usize, usize)> {
    let (mut from, mut to) = (from, to);
    let mut best = None;
    for (depth, (key, index)) in segments.iter().enumerate() {
        let block = (from..to).find_map(|i| all[i].as_ref().map(|l| l.indent))?;
        let at = (from..to).find(|&i| all[i].as_ref().is_some_and(|l| l.indent == block && key_is(l.content, key)));
        let Some(at) = at else { return best };
        best = Some((depth + 1, at));
        // the key's value: the lines below it, more indented (or a list at its own indent)
        let end = (at + 1..to).find(|&i| all[i].as_ref().is_some_and(|l| match l.dash { Some(d) => d < block, None => l.indent <= block })).unwrap_or(to);
        from = at + 1;
        to = end;
        if let Some(n) = index {
            let dash = (from..to).filter_map(|i| all[i].as_ref().and_then(|l| l.dash)).min()?;
            let items: Vec<usize> = (from..to).filter(|&i| all[i].as_ref().is_some_and(|l| l.dash == Some(dash))).collect();
            let Some(&item) = items.get(*n) else { return best };
            best = Some((depth + 1, item));
            from = item;
            to = items.get(n + 1).copied().unwrap_or(to);
        }
    }
    best
}

fn key_is(content: &str, key: &str) -> bool {
    let k = content.split(':').next().unwrap_or("").trim().trim_matches('"').trim_matches('\'');
    k == key && content.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    app: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n  - name: d\n    imagePullPolice: Always\n    ports:\n    - containerPort: 99999\n";

    #[test]
    fn field_paths_to_lines() {
        assert_eq!(line_of(POD, "metadata.name"), Some(4));
        assert_eq!(line_of(POD, "metadata.labels.app"), Some(6));
        assert_eq!(line_of(POD, "spec.containers[0]"), Some(9));
        assert_eq!(line_of(POD, "spec.containers[0].image"), Some(10));
        assert_eq!(line_of(POD, "spec.containers[1].imagePullPolice"), Some(12));
        assert_eq!(line_of(POD, "spec.containers[1].ports[0].containerPort"), Some(14));
        // not there: the deepest part that is
        assert_eq!(line_of(POD, "spec.containers[1].resources.limits"), Some(11));
        assert_eq!(line_of(POD, "status"), None);
        // lists at their key's own indentation, and a second document
        let two = "kind: ConfigMap\nmetadata:\n  name: a\n---\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        imagePullPolice: x\n";
        assert_eq!(line_of(two, "spec.template.spec.containers[0].imagePullPolice"), Some(11));
        let compact = "spec:\n  containers:\n  - name: a\n  - name: b\n    image: x\n";
        assert_eq!(line_of(compact, "spec.containers[1].image"), Some(5));
    }

    // kubectl's three kinds of errors about a manifest, as the console prints them.
    #[test]
    fn errors_at_their_lines() {
        let strict = "Error from server (BadRequest): error when creating \"STDIN\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[1].imagePullPolice\"\n";
        assert_eq!(error_lines(POD, strict), vec![LineError { line: 12, message: "unknown field \"spec.containers[1].imagePullPolice\"".into() }]);
        let invalid = "The Pod \"x\" is invalid: [spec.containers[0].image: Required value, spec.containers[1].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive]\n";
        assert_eq!(
            error_lines(POD, invalid),
            vec![
                LineError { line: 10, message: "spec.containers[0].image: Required value".into() },
                LineError { line: 14, message: "spec.containers[1].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive".into() },
            ]
        );
        let syntax = "error: error parsing STDIN: error converting YAML to JSON: yaml: line 7: did not find expected node content\n";
        assert_eq!(error_lines(POD, syntax), vec![LineError { line: 7, message: "did not find expected node content".into() }]);
        assert_eq!(error_lines(POD, "pod/x created\n"), vec![]);
    }
}
