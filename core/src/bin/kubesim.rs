//! The headless console: `kubesim [--seed N] [--empty] [FILE]`. Reads console input from FILE
//! or stdin, runs it line by line exactly as the browser console would and writes each
//! command's output as soon as it finishes.

use kubesim::console::Console;
use kubesim::sim::Cluster;
use std::io::{BufRead, Write};

const USAGE: &str = "usage: kubesim [--seed N] [--empty] [FILE]\n       kubesim --help";

fn main() {
    let mut seed: u64 = 1;
    let mut empty = false;
    let mut file: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => usage_error("--seed needs a non-negative integer"),
            },
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(v) => seed = v,
                Err(_) => usage_error("--seed needs a non-negative integer"),
            },
            "--empty" => empty = true,
            "-h" | "--help" => {
                println!("{}", USAGE);
                return;
            }
            s if s.starts_with('-') && s != "-" => usage_error(&format!("unknown flag {}", s)),
            s => {
                if file.is_some() {
                    usage_error("at most one FILE");
                }
                file = Some(s.to_string());
            }
        }
    }
    let cluster = if empty { Cluster::empty(seed) } else { Cluster::default_cluster(seed) };
    let mut console = Console::new(cluster);
    console.files.host_fallback = true;
    console.load_docs = Some(kubesim::console::explain::builtin_json);
    let reader: Box<dyn BufRead> = match file.as_deref() {
        None | Some("-") => Box::new(std::io::stdin().lock()),
        Some(f) => match std::fs::File::open(f) {
            Ok(h) => Box::new(std::io::BufReader::new(h)),
            Err(e) => usage_error(&format!("{}: {}", f, e)),
        },
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in reader.split(b'\n') {
        let Ok(bytes) = line else { break };
        // binary garbage is read as text with replacement characters, never a crash
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        if let Some(o) = console.feed_line(text) {
            let _ = out.write_all(o.text.as_bytes());
            let _ = out.flush();
        }
    }
    if let Some(o) = console.finish() {
        let _ = out.write_all(o.text.as_bytes());
    }
    let _ = out.flush();
}

fn usage_error(msg: &str) -> ! {
    eprintln!("kubesim: {}\n{}", msg, USAGE);
    std::process::exit(2);
}
