//! Console transcripts (tests/transcripts/*.txt): console input and the exact output a learner
//! should see. The transcript test checks them; the simulation harness records one from every
//! shrunk failure, so a failure becomes a regression test once its outputs are corrected.
//!
//! Format: header lines starting with `#` (`# args: --empty --seed 3` sets the start), then
//! commands. A line `$ CMD` is typed; following lines `> TEXT` continue it (here-document
//! bodies, continuation lines); every other line until the next `$` is expected output.

use super::Console;
use crate::sim::Cluster;

pub struct Step {
    pub input: Vec<String>,
    pub expected: String,
    /// 1-based line of the `$` in the file
    pub line: usize,
}

pub struct Transcript {
    pub seed: u64,
    pub empty: bool,
    pub steps: Vec<Step>,
}

pub fn parse(text: &str) -> Transcript {
    let mut args: Vec<String> = vec![];
    let mut steps: Vec<Step> = vec![];
    for (i, line) in text.lines().enumerate() {
        if steps.is_empty() && line.starts_with('#') {
            if let Some(a) = line.strip_prefix("# args:") {
                args = a.split_whitespace().map(String::from).collect();
            }
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            steps.push(Step { input: vec![cmd.to_string()], expected: String::new(), line: i + 1 });
        } else if let (Some(cont), Some(s)) = (line.strip_prefix("> ").or(if line == ">" { Some("") } else { None }), steps.last_mut()) {
            if s.expected.is_empty() {
                s.input.push(cont.to_string());
                continue;
            }
            s.expected.push_str(line);
            s.expected.push('\n');
        } else if let Some(s) = steps.last_mut() {
            s.expected.push_str(line);
            s.expected.push('\n');
        }
    }
    let (mut seed, mut empty) = (1, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--empty" => empty = true,
            "--seed" => seed = it.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            _ => {}
        }
    }
    Transcript { seed, empty, steps }
}

fn console(seed: u64, empty: bool) -> Console {
    let mut c = Console::new(if empty { Cluster::empty(seed) } else { Cluster::default_cluster(seed) });
    c.load_docs = Some(super::explain::builtin_json);
    c
}

/// Types one step's lines as the terminal does; returns what was printed.
fn type_step(c: &mut Console, input: &[String]) -> String {
    let mut got = String::new();
    for l in input {
        if let Some(o) = c.feed_line(l) {
            got.push_str(&o.text);
        }
    }
    if let Some(o) = c.finish() {
        got.push_str(&o.text);
    }
    got
}

/// Runs a transcript; Err lists every step whose output differs (`name:line: $ cmd`, expected, got).
pub fn check(name: &str, text: &str) -> Result<(), String> {
    let t = parse(text);
    let mut c = console(t.seed, t.empty);
    let mut failures = String::new();
    for s in &t.steps {
        let got = type_step(&mut c, &s.input);
        if got != s.expected {
            failures.push_str(&format!("{}:{}: $ {}\n--- expected\n{}--- got\n{}\n", name, s.line, s.input[0], s.expected, got));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures) }
}

/// Writes the transcript of `inputs` (each one console input, possibly several lines) run on a
/// fresh cluster, under `header` (turned into `#` comment lines).
pub fn record(header: &str, seed: u64, empty: bool, inputs: &[String]) -> String {
    let mut text: String = header.lines().map(|l| if l.is_empty() { "#\n".to_string() } else { format!("# {}\n", l) }).collect();
    text.push_str(&format!("# args: {}--seed {}\n", if empty { "--empty " } else { "" }, seed));
    let mut c = console(seed, empty);
    for input in inputs {
        let lines: Vec<String> = input.lines().map(String::from).collect();
        for (i, l) in lines.iter().enumerate() {
            text.push_str(if i == 0 { "$ " } else if l.is_empty() { ">" } else { "> " });
            text.push_str(l);
            text.push('\n');
        }
        text.push_str(&type_step(&mut c, &lines));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_transcript_checks_clean_and_a_changed_one_does_not() {
        let inputs = vec![
            "kubectl create deployment web --image=nginx --replicas=2".to_string(),
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n\ndata:\n  k: v\nEOF".to_string(),
            "sleep 10".to_string(),
            "kubectl get deploy web".to_string(),
        ];
        let text = record("found by a test\n\nsecond paragraph", 5, false, &inputs);
        assert!(text.starts_with("# found by a test\n#\n# second paragraph\n# args: --seed 5\n$ kubectl create deployment web"), "{}", text);
        assert!(text.contains("deployment.apps/web created\n"), "{}", text);
        assert!(text.contains("> kind: ConfigMap\n> metadata:\n>   name: c\n>\n> data:\n"), "{}", text);
        assert!(text.contains("configmap/c created\n"), "{}", text);
        assert!(text.contains("web    2/2     2            2           10s\n"), "{}", text);
        let t = parse(&text);
        assert_eq!((t.seed, t.empty, t.steps.len()), (5, false, 4));
        check("recorded", &text).unwrap();
        let changed = text.replace("configmap/c created", "configmap/c configured");
        let err = check("changed", &changed).unwrap_err();
        assert!(err.contains("changed:") && err.contains("--- expected\nconfigmap/c configured\n--- got\nconfigmap/c created\n"), "{}", err);
    }
}
