//! The small shell utilities learners use around kubectl: echo, sleep, cat, ls, rm, grep, head,
//! tail, wc.

use super::{Console, Out};

pub const HELP: &str = "kubesim console — a simulated Kubernetes v1.37 cluster.\n\
Commands: kubectl (k), etcdctl, sim, ssh, echo, sleep, cat, ls, cp, mv, rm, grep, sed, head, tail, wc, xargs, clear.\n\
This terminal is the controlplane node: /etc/kubernetes/manifests is there; `ssh node01` reaches a worker.\n\
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
        match c.read_file(f) {
            Ok(s) => out.stdout.push_str(&s),
            Err(e) => {
                out.stderr.push_str(&format!("cat: {}\n", e));
                out.code = 1;
            }
        }
    }
    out
}

pub fn ls(c: &mut Console, args: &[String]) -> Out {
    let dir = args.iter().find(|a| !a.starts_with('-')).map(String::as_str);
    match c.list_dir(dir) {
        Ok(names) if names.is_empty() => Out::ok(""),
        Ok(names) if args.iter().any(|a| a.starts_with('-') && a.contains('l')) => Out::ok(names.iter().map(|n| format!("-rw------- 1 root root 0 Jan  1 00:00 {}\n", n)).collect::<String>()),
        Ok(names) => Out::ok(format!("{}\n", names.join("  "))),
        Err(e) => Out { stderr: format!("ls: {}\n", e), code: 2, ..Default::default() },
    }
}

pub fn rm(c: &mut Console, args: &[String]) -> Out {
    let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
    let mut out = Out::ok("");
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        if !c.remove_file(f) && !force {
            out.stderr.push_str(&format!("rm: cannot remove '{}': No such file or directory\n", f));
            out.code = 1;
        }
    }
    out
}

/// grep with POSIX-ish regular expressions (basic by default, -E extended), -i -v -c -A -B -C,
/// over standard input or FILEs read with `read` (several files: lines prefixed `FILE:`).
pub fn grep(args: &[String], stdin: &str, read: &dyn Fn(&str) -> Result<String, String>) -> Out {
    let mut invert = false;
    let mut ignore_case = false;
    let mut extended = false;
    let mut fixed = false;
    let mut count = false;
    let mut patterns: Vec<String> = vec![];
    let mut files: Vec<String> = vec![];
    let mut e_used = false;
    let mut line_numbers = false;
    let (mut after, mut before) = (0usize, 0usize);
    let usage = |msg: String| Out { stderr: format!("{}Usage: grep [OPTION]... PATTERNS [FILE]...\n", msg), code: 2, ..Default::default() };
    let mut positional: Vec<String> = vec![];
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let a = args[i].as_str();
        let num = |s: &str| s.parse::<usize>().ok();
        if options_done {
            positional.push(a.to_string());
            i += 1;
            continue;
        }
        match a {
            "--" => options_done = true,
            "-e" | "-A" | "-B" | "-C" => {
                i += 1;
                let Some(v) = args.get(i) else { return usage(format!("grep: option requires an argument -- '{}'\n", &a[1..])) };
                match a {
                    "-e" => {
                        patterns.push(v.clone());
                        e_used = true;
                    }
                    _ => {
                        let Some(n) = num(v) else { return usage(format!("grep: {}: invalid context length argument\n", v)) };
                        if a != "-B" {
                            after = n;
                        }
                        if a != "-A" {
                            before = n;
                        }
                    }
                }
            }
            _ if a.len() > 2 && (a.starts_with("-A") || a.starts_with("-B") || a.starts_with("-C")) && num(&a[2..]).is_some() => {
                let n = num(&a[2..]).unwrap_or(0);
                if !a.starts_with("-B") {
                    after = n;
                }
                if !a.starts_with("-A") {
                    before = n;
                }
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                for c in a[1..].chars() {
                    match c {
                        'v' => invert = true,
                        'i' => ignore_case = true,
                        'E' => extended = true,
                        'F' => fixed = true,
                        'c' => count = true,
                        'n' => line_numbers = true,
                        'w' | 'o' | 'q' | 's' | 'h' | 'H' => {}
                        other => return usage(format!("grep: invalid option -- '{}'\n", other)),
                    }
                }
            }
            _ => positional.push(a.to_string()),
        }
        i += 1;
    }
    // the first operand is the pattern unless -e gave them; the rest are files
    let mut positional = positional.into_iter();
    if !e_used {
        patterns.extend(positional.next());
    }
    files.extend(positional);
    if patterns.is_empty() {
        return usage(String::new());
    }
    let mut regexes = vec![];
    for p in &patterns {
        let src = if fixed { regex_lite::escape(p) } else if extended { p.clone() } else { basic_to_extended(p) };
        let src = if ignore_case { format!("(?i){}", src) } else { src };
        match regex_lite::RegexBuilder::new(&src).size_limit(1 << 20).build() {
            Ok(r) => regexes.push(r),
            Err(_) => return Out { stderr: format!("grep: Invalid regular expression: {}\n", p), code: 2, ..Default::default() },
        }
    }
    let mut input = String::new();
    let mut errors = String::new();
    if files.is_empty() {
        input = stdin.to_string();
    }
    for f in &files {
        match read(f) {
            Ok(text) if files.len() > 1 => text.lines().for_each(|l| input.push_str(&format!("{}:{}\n", f, l))),
            Ok(text) => input = text,
            Err(_) => errors.push_str(&format!("grep: {}: No such file or directory\n", f)),
        }
    }
    let lines: Vec<&str> = input.lines().collect();
    let hit: Vec<bool> = lines.iter().map(|l| regexes.iter().any(|r| r.is_match(l)) != invert).collect();
    let matched = hit.iter().filter(|h| **h).count();
    let code = if !errors.is_empty() { 2 } else if matched == 0 { 1 } else { 0 };
    if count {
        return Out { stdout: format!("{}\n", matched), stderr: errors, code };
    }
    let mut out = String::new();
    let mut last_printed: Option<usize> = None;
    for (idx, _) in hit.iter().enumerate().filter(|(_, h)| **h) {
        let from = idx.saturating_sub(before);
        let to = (idx + after).min(lines.len().saturating_sub(1));
        let start = match last_printed {
            Some(lp) if from <= lp + 1 => lp + 1,
            Some(_) if after > 0 || before > 0 => {
                out.push_str("--\n");
                from
            }
            _ => from,
        };
        for (j, line) in lines.iter().enumerate().take(to + 1).skip(start) {
            if line_numbers {
                out.push_str(&format!("{}{}", j + 1, if hit[j] { ':' } else { '-' }));
            }
            out.push_str(line);
            out.push('\n');
            last_printed = Some(j);
        }
    }
    Out { stdout: out, stderr: errors, code }
}

/// POSIX basic regular expressions: `\|`, `\(`, `\)`, `\{`, `\}`, `\+`, `\?` are the operators
/// and the bare characters are literals.
pub(crate) fn basic_to_extended(p: &str) -> String {
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(o @ ('|' | '(' | ')' | '{' | '}' | '+' | '?')) => out.push(o),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push_str("\\\\"),
            },
            '|' | '(' | ')' | '{' | '}' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
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
    let words = stdin.split_whitespace().count();
    let bytes = stdin.len();
    let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
    let mut picked = vec![];
    for (c, n) in [('l', lines), ('w', words), ('c', bytes)] {
        if flags.contains(c) {
            picked.push(n);
        }
    }
    // coreutils: a single count prints bare, several are right-aligned in columns
    match picked.as_slice() {
        [one] => Out::ok(format!("{}\n", one)),
        [] => Out::ok(format!("{:>7} {:>7} {:>7}\n", lines, words, bytes)),
        many => Out::ok(format!("{}\n", many.iter().map(|n| format!("{:>7}", n)).collect::<Vec<_>>().join(" "))),
    }
}

/// `… -o name | xargs kubectl delete`: the words read from standard input become arguments
/// (no command substitution in this shell, so this is how lists flow).
pub fn xargs(c: &mut Console, args: &[String], stdin: &str) -> Out {
    let mut cmd: Vec<String> = args.to_vec();
    if cmd.is_empty() {
        cmd.push("echo".into());
    }
    let words: Vec<String> = stdin.split_whitespace().map(str::to_string).collect();
    if words.is_empty() && args.first().is_some_and(|a| a == "-r" || a == "--no-run-if-empty") {
        return Out::ok("");
    }
    let cmd: Vec<String> = cmd.into_iter().filter(|a| a != "-r" && a != "--no-run-if-empty").chain(words).collect();
    if cmd.first().is_some_and(|c| c == "xargs") {
        return Out::err("xargs: nested xargs is not supported");
    }
    c.run_command(&cmd, "")
}
