//! The layers of `core/src`, held by a test rather than by prose (in the manner of
//! rust-analyzer's tidy tests). Every path a source file names — `use crate::…`, `super::…`,
//! an inline `crate::a::b` — is resolved to the module it points into, and:
//!
//! 1. a module may only reach down the layer table (or within itself); modules that share a
//!    layer (the components) may not reach each other;
//! 2. inside any module, its children form no circle (console/kubectl's files, scheduler's …).
//!
//! Unit-test modules (`#[cfg(test)] mod tests` at the end of a file) are left out: a test may
//! build a whole cluster. ARCHITECTURE.md draws the same table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top. A module may name modules of lower layers only; one layer's modules are
/// peers that must not name each other.
const LAYERS: &[&[&str]] = &[
    &["text", "wasm_heap"],
    &["api"],
    &["clock"],
    &["store"],
    &["apiserver"],
    &["scheduler", "controllers", "kubelet", "proxy"],
    &["sim"],
    &["console"],
    &["view", "lessons"],
    &["session"],
    &["bench", "soak"],
    &["bin"],
];

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&top))
}

/// The module path of a source file: `console/kubectl/apply.rs` → [console, kubectl, apply].
fn module_of(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(String::from).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Source without comments, string literals and the trailing unit-test module.
fn code_of(src: &str) -> String {
    let src = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'r' && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
            // raw string r"…" or r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            i = j + close.len();
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            // a char literal such as '"' or '{'
            out.push_str("' '");
            i += 3;
        } else if b[i] == b'\'' && b.get(i + 1) == Some(&b'\\') {
            let end = src[i + 2..].find('\'').map_or(b.len(), |p| i + 2 + p + 1);
            out.push_str("' '");
            i = end;
        } else {
            let ch = src[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a `use` tree (`crate::{a, b::{c, d}}`) into its paths.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim_end_matches("::").trim();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let tree = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(join(prefix, tree));
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{}::{}", a, b),
    }
}

/// Every path the code names that starts at `crate`, `super` or `self`.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = vec![];
    // use statements, groups expanded
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before_ok = i == 0 || !is_ident(rest[..i].chars().last().unwrap_or(' '));
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before_ok {
            expand(&after[..end], "", &mut out);
        }
        rest = &after[end.min(after.len())..];
    }
    // inline paths
    let chars: Vec<char> = code.chars().collect();
    let text: String = chars.iter().collect();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(p) = text[from..].find(start) {
            let i = from + p;
            from = i + start.len();
            if i > 0 && is_ident(text[..i].chars().last().unwrap_or(' ')) || text[..i].ends_with("::") {
                continue;
            }
            let mut end = i;
            let bytes = text.as_bytes();
            while end < bytes.len() && (is_ident(bytes[end] as char) || (bytes[end] == b':' && bytes.get(end + 1) == Some(&b':') && bytes.get(end + 2).is_some_and(|c| is_ident(*c as char)))) {
                end += if bytes[end] == b':' { 2 } else { 1 };
            }
            out.push(text[i..end].to_string());
        }
    }
    out.retain(|p| p.starts_with("crate") || p.starts_with("super") || p.starts_with("self"));
    out
}

/// Resolves a path to a module path, relative to the file's module.
fn resolve(path: &str, module: &[String], is_mod_file: bool) -> Vec<String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut cur: Vec<String> = match segs.first() {
        Some(&"crate") => vec![],
        _ => module.to_vec(),
    };
    let _ = is_mod_file;
    for s in &segs {
        match *s {
            "crate" | "self" => {}
            "super" => {
                cur.pop();
            }
            other => cur.push(other.to_string()),
        }
    }
    cur
}

#[derive(Debug, Default)]
struct Report {
    wrong_way: Vec<String>,
    circles: Vec<String>,
}

/// Checks a tree given as (path relative to src/, contents) pairs.
fn check(files: &[(String, String)]) -> Report {
    let mut report = Report::default();
    // module → the files' module paths it names (resolved), with an example for messages
    let mut edges: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    let known: BTreeSet<Vec<String>> = files.iter().map(|(p, _)| module_of(p)).collect();
    for (rel, src) in files {
        let module = module_of(rel);
        let is_mod = rel.ends_with("mod.rs") || rel.ends_with("lib.rs");
        for p in paths_in(&code_of(src)) {
            let mut target = resolve(&p, &module, is_mod);
            // the longest known module prefix is where the path points
            while !target.is_empty() && !known.contains(&target) {
                target.pop();
            }
            if target.is_empty() || target == module {
                continue;
            }
            edges.entry(module.clone()).or_default().entry(target.clone()).or_insert_with(|| format!("{}: {}", rel, p));
            let (Some(from_top), Some(to_top)) = (module.first(), target.first()) else { continue };
            if from_top == to_top {
                continue;
            }
            match (layer_of(from_top), layer_of(to_top)) {
                (Some(f), Some(t)) if f > t => {}
                (Some(f), Some(t)) if f == t => report.wrong_way.push(format!("{} names {} (peers in one layer): {}", from_top, to_top, p_in(rel, &p))),
                (Some(_), Some(_)) => report.wrong_way.push(format!("{} names {} (a higher layer): {}", from_top, to_top, p_in(rel, &p))),
                _ => report.wrong_way.push(format!("{} or {} is in no layer (add it to LAYERS and ARCHITECTURE.md): {}", from_top, to_top, p_in(rel, &p))),
            }
        }
    }
    // a path both in a use and inline is one finding
    let mut seen = BTreeSet::new();
    report.wrong_way.retain(|m| seen.insert(m.clone()));
    // circles among siblings: an edge a/x/… → a/y/… is an edge x → y among a's children
    let mut siblings: BTreeMap<Vec<String>, BTreeMap<String, BTreeMap<String, String>>> = BTreeMap::new();
    for (from, tos) in &edges {
        for (to, example) in tos {
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // a module and its own parent or child
            }
            siblings.entry(from[..common].to_vec()).or_default().entry(from[common].clone()).or_default().entry(to[common].clone()).or_insert_with(|| example.clone());
        }
    }
    for (parent, graph) in &siblings {
        if let Some(cycle) = find_cycle(graph) {
            let shown: Vec<String> = cycle.windows(2).map(|w| format!("{} → {} ({})", w[0], w[1], graph[&w[0]][&w[1]])).collect();
            report.circles.push(format!("in {}: {}", if parent.is_empty() { "crate".to_string() } else { parent.join("::") }, shown.join("; ")));
        }
    }
    report
}

fn p_in(rel: &str, p: &str) -> String {
    format!("{} in {}", p, rel)
}

fn find_cycle(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(n: &str, graph: &BTreeMap<String, BTreeMap<String, String>>, stack: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for next in graph.get(n).into_iter().flat_map(|m| m.keys()) {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut vec![], &mut done) {
            return Some(c);
        }
    }
    None
}

fn read_tree(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable src").flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(&p, base, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p.strip_prefix(base).expect("under src").to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&p).expect("utf-8 source")));
        }
    }
}

#[test]
fn core_keeps_its_layers_and_has_no_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    read_tree(&src, &src, &mut files);
    assert!(files.len() > 100, "read the tree ({} files)", files.len());
    let r = check(&files);
    assert!(r.wrong_way.is_empty() && r.circles.is_empty(), "wrong-way imports:\n{}\nimport circles:\n{}", r.wrong_way.join("\n"), r.circles.join("\n"));
}

fn tree(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files.iter().map(|(p, s)| (p.to_string(), s.to_string())).collect()
}

#[test]
fn the_check_catches_a_wrong_way_import() {
    let ok = tree(&[("api/mod.rs", "pub mod labels;\n"), ("api/labels.rs", "pub fn f() {}\n"), ("apiserver/mod.rs", "use crate::api::labels;\n")]);
    let r = check(&ok);
    assert!(r.wrong_way.is_empty() && r.circles.is_empty(), "{:?}", r);
    // the layer below names the one above, in a use group and inline
    let up = tree(&[("api/labels.rs", "use crate::{store, apiserver::validation::NameRule};\n"), ("apiserver/validation.rs", "pub enum NameRule {}\n"), ("store/mod.rs", "")]);
    let r = check(&up);
    assert_eq!(r.wrong_way.len(), 2, "{:?}", r);
    assert!(r.wrong_way[0].starts_with("api names store (a higher layer)"), "{:?}", r);
    assert!(r.wrong_way[1].starts_with("api names apiserver (a higher layer)"), "{:?}", r);
    let inline = tree(&[("kubelet/mod.rs", "fn f() { crate::scheduler::process::run() }\n"), ("scheduler/process.rs", "pub fn run() {}\n")]);
    let r = check(&inline);
    assert_eq!(r.wrong_way, vec!["kubelet names scheduler (peers in one layer): crate::scheduler::process::run in kubelet/mod.rs".to_string()]);
    // a comment, a string or a unit test naming a higher layer is not an import
    let quiet = tree(&[("api/a.rs", "// crate::sim::x\nconst S: &str = \"crate::sim::x\";\n#[cfg(test)]\nmod tests {\n    use crate::sim::Cluster;\n}\n"), ("sim/mod.rs", "")]);
    assert!(check(&quiet).wrong_way.is_empty());
    // a module outside the table is reported, not passed
    let r = check(&tree(&[("newthing.rs", "use crate::api::x;\n"), ("api/mod.rs", "")]));
    assert_eq!(r.wrong_way.len(), 1, "{:?}", r);
}

#[test]
fn the_check_catches_a_circle_between_siblings() {
    let circle = tree(&[
        ("console/kubectl/mod.rs", "pub mod apply;\npub mod get;\n"),
        ("console/kubectl/apply.rs", "use super::get::print;\n"),
        ("console/kubectl/get.rs", "fn f() { crate::console::kubectl::apply::run() }\n"),
    ]);
    let r = check(&circle);
    assert_eq!(r.circles.len(), 1, "{:?}", r);
    assert!(r.circles[0].starts_with("in console::kubectl: apply → get"), "{:?}", r);
    // parent and child naming each other is how Rust modules work, not a circle
    let family = tree(&[("console/mod.rs", "pub mod kubectl;\nuse kubectl::run;\npub struct Out;\n"), ("console/kubectl/mod.rs", "use super::Out;\n")]);
    assert!(check(&family).circles.is_empty());
}
