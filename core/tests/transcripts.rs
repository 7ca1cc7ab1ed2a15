//! Console transcripts: tests/transcripts/*.txt hold console input and the exact output a
//! learner should see, each file naming the upstream behaviour it reproduces.
//!
//! Format: header lines starting with `#` (`# args: --empty --seed 3` sets the start), then
//! commands. A line `$ CMD` is typed; following lines `> TEXT` continue it (here-document
//! bodies, continuation lines); every other line until the next `$` is expected output.

use kubesim::console::Console;
use kubesim::sim::Cluster;
use std::path::PathBuf;

struct Step {
    input: Vec<String>,
    expected: String,
    line: usize,
}

fn parse(text: &str) -> (Vec<String>, Vec<Step>) {
    let mut args = vec![];
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
    (args, steps)
}

fn run_file(path: &PathBuf) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (args, steps) = parse(&text);
    let mut seed = 1;
    let mut empty = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--empty" => empty = true,
            "--seed" => seed = it.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            _ => {}
        }
    }
    let mut console = Console::new(if empty { Cluster::empty(seed) } else { Cluster::default_cluster(seed) });
    console.load_docs = Some(kubesim::console::explain::builtin_json);
    let mut failures = String::new();
    for s in steps {
        let mut got = String::new();
        for l in &s.input {
            if let Some(o) = console.feed_line(l) {
                got.push_str(&o.text);
            }
        }
        if let Some(o) = console.finish() {
            got.push_str(&o.text);
        }
        if got != s.expected {
            failures.push_str(&format!("{}:{}: $ {}\n--- expected\n{}--- got\n{}\n", path.display(), s.line, s.input[0], s.expected, got));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures) }
}

#[test]
fn transcripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("tests/transcripts exists").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
    files.sort();
    assert!(!files.is_empty());
    let mut all = String::new();
    let only = std::env::var("TRANSCRIPT").ok();
    for f in &files {
        if only.as_deref().is_some_and(|o| !f.to_string_lossy().contains(o)) {
            continue;
        }
        if let Err(e) = run_file(f) {
            all.push_str(&e);
        }
    }
    assert!(all.is_empty(), "\n{}", all);
}
