//! The small shell utilities learners use around kubectl: echo, sleep, cat, ls, rm, grep, head,
//! tail, wc.

use super::{Console, Out};

pub const HELP: &str = "kubesim console — a simulated Kubernetes v1.37 cluster.\n\
Commands: kubectl (k), etcdctl, sim, echo, sleep, cat, ls, rm, grep, head, tail, wc, clear.\n\
Here-documents work: kubectl apply -f - <<EOF … EOF\n\
`sleep 30s` advances the virtual clock; `sim time` shows it.\n";

pub fn echo(args: &[String]) -> Out {
    let (newline, args) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        _ => (true, args),
    };
    let mut s = args.join(" ");
    if newline {
        s.push('\n');
    }
    Out::ok(s)
}

pub fn sleep(c: &mut Console, args: &[String]) -> Out {
    let Some(d) = args.first() else { return Out::err("sleep: missing operand") };
    match crate::api::time::parse_duration(d) {
        Some(ms) if ms <= 31 * 24 * 3_600_000 => {
            c.cluster.advance(ms);
            Out::ok("")
        }
        Some(_) => Out::err("sleep: kubesim advances at most 31 days at once"),
        None => Out::err(format!("sleep: invalid time interval '{}'", d)),
    }
}

pub fn cat(c: &mut Console, args: &[String], stdin: &str) -> Out {
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-') || a.as_str() == "-").collect();
    if files.is_empty() {
        return Out::ok(stdin);
    }
    let mut out = Out::ok("");
    for f in files {
        if f == "-" {
            out.stdout.push_str(stdin);
            continue;
        }
        match c.files.read(f) {
            Ok(s) => out.stdout.push_str(&s),
            Err(e) => {
                out.stderr.push_str(&format!("cat: {}\n", e));
                out.code = 1;
            }
        }
    }
    out
}

pub fn ls(c: &mut Console, _args: &[String]) -> Out {
    let names = c.files.names();
    if names.is_empty() {
        Out::ok("")
    } else {
        Out::ok(format!("{}\n", names.join("  ")))
    }
}

pub fn rm(c: &mut Console, args: &[String]) -> Out {
    let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
    let mut out = Out::ok("");
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        if !c.files.remove(f) && !force {
            out.stderr.push_str(&format!("rm: cannot remove '{}': No such file or directory\n", f));
            out.code = 1;
        }
    }
    out
}

pub fn grep(args: &[String], stdin: &str) -> Out {
    let mut invert = false;
    let mut ignore_case = false;
    let mut extended = false;
    let mut count = false;
    let mut patterns: Vec<String> = vec![];
    let mut context_after = 0usize;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-e" => {
                i += 1;
                if let Some(p) = args.get(i) {
                    patterns.push(p.clone());
                }
            }
            "-A" => {
                i += 1;
                context_after = args.get(i).and_then(|n| n.parse().ok()).unwrap_or(0);
            }
            _ if a.starts_with('-') && a.len() > 1 && !a.starts_with("--") => {
                for c in a[1..].chars() {
                    match c {
                        'v' => invert = true,
                        'i' => ignore_case = true,
                        'E' => extended = true,
                        'c' => count = true,
                        'w' | 'F' | 'n' | 'o' | 'q' | 's' | 'h' => {}
                        other => return Out { stderr: format!("grep: invalid option -- '{}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n", other), code: 2, ..Default::default() },
                    }
                }
            }
            _ => patterns.push(a.to_string()),
        }
        i += 1;
    }
    if patterns.is_empty() {
        return Out { stderr: "Usage: grep [OPTION]... PATTERNS [FILE]...\n".into(), code: 2, ..Default::default() };
    }
    // fixed strings; `a\|b` (basic) and `a|b` (-E) alternatives as learners write them
    let mut alts: Vec<String> = vec![];
    for p in patterns {
        let parts: Vec<String> = if extended { p.split('|').map(String::from).collect() } else { p.split("\\|").map(String::from).collect() };
        alts.extend(parts.into_iter().map(|x| if ignore_case { x.to_lowercase() } else { x }));
    }
    let mut out = String::new();
    let mut matched = 0;
    let mut after = 0usize;
    for line in stdin.lines() {
        let l = if ignore_case { line.to_lowercase() } else { line.to_string() };
        if alts.iter().any(|a| l.contains(a.as_str())) != invert {
            matched += 1;
            out.push_str(line);
            out.push('\n');
            after = context_after;
        } else if after > 0 {
            after -= 1;
            out.push_str(line);
            out.push('\n');
        }
    }
    let code = if matched == 0 { 1 } else { 0 };
    if count {
        return Out { stdout: format!("{}\n", matched), stderr: String::new(), code };
    }
    Out { stdout: out, stderr: String::new(), code }
}

pub fn head_tail(cmd: &str, args: &[String], stdin: &str) -> Out {
    let mut n: usize = 10;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            n = args.get(i + 1).and_then(|x| x.trim_start_matches('+').parse().ok()).unwrap_or(10);
            i += 1;
        } else if let Some(x) = a.strip_prefix("-n") {
            n = x.parse().unwrap_or(10);
        } else if let Some(x) = a.strip_prefix('-') {
            n = x.parse().unwrap_or(10);
        }
        i += 1;
    }
    let lines: Vec<&str> = stdin.lines().collect();
    let pick: Vec<&str> = if cmd == "head" { lines.iter().take(n).copied().collect() } else { lines.iter().skip(lines.len().saturating_sub(n)).copied().collect() };
    Out::ok(pick.iter().map(|l| format!("{}\n", l)).collect::<String>())
}

pub fn wc(args: &[String], stdin: &str) -> Out {
    let lines = stdin.matches('\n').count();
    if args.iter().any(|a| a == "-l") {
        Out::ok(format!("{}\n", lines))
    } else {
        Out::ok(format!("{:>7} {:>7} {:>7}\n", lines, stdin.split_whitespace().count(), stdin.len()))
    }
}
