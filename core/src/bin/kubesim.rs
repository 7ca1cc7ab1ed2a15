//! The headless console: `kubesim [--seed N] [--empty] [FILE]`. Reads console input from FILE
//! or stdin, runs it line by line exactly as the browser console would and writes each
//! command's output as soon as it finishes.

use kubesim::console::Console;

// glibc's allocator spends more time consolidating than the simulation spends computing
// (measured with `kubesim bench schedule`); mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kubesim::sim::Cluster;
use std::io::{BufRead, Write};

const USAGE: &str = "usage: kubesim [--seed N] [--empty] [FILE]\n       kubesim lesson list\n       kubesim lesson check [FILE ...]\n       kubesim bench schedule --nodes N --pods P [--score-all] [--seed N]\n       kubesim bench soak --nodes N --hours H [--seed N]\n       kubesim --help";

/// `mi_option_purge_delay` in mimalloc.h (v3's option enum; the Rust bindings lack the name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // mimalloc hands freed pages back to the OS after 10 ms and takes them back zero-filled;
    // a simulation frees and allocates all the time, and zeroing fresh pages was 45–60% of
    // `kubesim bench schedule` on this machine (page faults: 1,100 → 417; BENCHMARKS.md).
    // The process keeps its peak memory instead.
    // SAFETY: sets an option before any other thread exists; mimalloc reads it when it purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("bench") {
        return bench(&argv[1..]);
    }
    if argv.first().map(String::as_str) == Some("lesson") {
        std::process::exit(lesson(&argv[1..]));
    }
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

/// `kubesim lesson list` prints the shipped lessons; `kubesim lesson check [FILE …]` verifies
/// lessons (the shipped ones without FILE): each step's checks fail before its solution and
/// pass after. Exit 1 when a lesson is unsound.
fn lesson(args: &[String]) -> i32 {
    use kubesim::lessons::{catalog, verify, Lesson};
    match args.first().map(String::as_str) {
        Some("list") if args.len() == 1 => {
            let rows: Vec<Vec<String>> = catalog::all().iter().map(|l| vec![l.id.clone(), l.topic.clone(), l.steps.len().to_string(), l.title.en.clone()]).collect();
            print!("{}", kubesim::text::table::render(&["ID", "TOPIC", "STEPS", "TITLE"], &rows, false));
            0
        }
        Some("check") => {
            let mut lessons: Vec<(String, Result<Lesson, String>)> = vec![];
            if args.len() == 1 {
                for (file, text) in catalog::FILES {
                    lessons.push((file.to_string(), Lesson::parse(text)));
                }
            }
            for f in &args[1..] {
                let parsed = match std::fs::metadata(f) {
                    Ok(m) if m.len() > kubesim::lessons::MAX_LESSON_BYTES as u64 => Err(format!("the lesson is {} bytes, more than the {} allowed", m.len(), kubesim::lessons::MAX_LESSON_BYTES)),
                    _ => std::fs::read_to_string(f).map_err(|e| e.to_string()).and_then(|t| Lesson::parse(&t)),
                };
                lessons.push((f.clone(), parsed));
            }
            let mut failed = 0;
            for (file, parsed) in lessons {
                match parsed {
                    Err(e) => {
                        failed += 1;
                        println!("FAIL {}: {}", file, e);
                    }
                    Ok(l) => {
                        let r = verify::verify(&l);
                        if r.problems.is_empty() {
                            println!("ok   {} ({}): {} steps, {} checks", file, l.id, r.steps, r.checks);
                        } else {
                            failed += 1;
                            println!("FAIL {} ({}):", file, l.id);
                            for p in &r.problems {
                                println!("  {}", p.replace('\n', "\n  "));
                            }
                        }
                    }
                }
            }
            i32::from(failed > 0)
        }
        _ => usage_error("lesson: use `lesson list` or `lesson check [FILE ...]`"),
    }
}

/// `kubesim bench schedule --nodes N --pods P [--score-all]`: prints one line ending in
/// `R pods/s`, then the process's peak memory.
fn bench(args: &[String]) {
    let mut opts = kubesim::bench::Options { nodes: 5000, pods: 10000, score_all: false, seed: 1 };
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("schedule") => {}
        Some("soak") => return soak(&args[1..]),
        _ => usage_error("bench: `schedule` or `soak`"),
    }
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        let mut num = |what: &str| -> u64 { inline.clone().or_else(|| it.next().cloned()).and_then(|v| v.parse().ok()).unwrap_or_else(|| usage_error(&format!("{} needs a non-negative integer", what))) };
        match flag {
            "--nodes" => opts.nodes = num("--nodes") as usize,
            "--pods" => opts.pods = num("--pods") as usize,
            "--seed" => opts.seed = num("--seed"),
            "--score-all" => opts.score_all = true,
            other => usage_error(&format!("unknown flag {}", other)),
        }
    }
    let start = std::time::Instant::now();
    let clock: std::rc::Rc<dyn Fn() -> f64> = std::rc::Rc::new(move || start.elapsed().as_secs_f64() * 1000.0);
    let r = kubesim::bench::schedule(&opts, clock);
    println!("setup: {} nodes and {} pods created through the API server in {:.2} s", r.nodes, r.pods, r.setup_ms / 1000.0);
    println!("{}", r.line(opts.score_all));
    println!("{}", r.cycle_line());
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory: {} MiB (VmHWM)", kib / 1024);
    }
}

/// `kubesim bench soak --nodes N --hours H`: churn through the console for H virtual hours,
/// printing each hour's store size, history length and memory.
fn soak(args: &[String]) {
    let mut o = kubesim::soak::SoakOptions { nodes: 1000, hours: 24, seed: 1 };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |what: &str| -> u64 { it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage_error(&format!("{} needs a non-negative integer", what))) };
        match a.as_str() {
            "--nodes" => o.nodes = num("--nodes") as usize,
            "--hours" => o.hours = num("--hours") as u32,
            "--seed" => o.seed = num("--seed"),
            other => usage_error(&format!("unknown flag {}", other)),
        }
    }
    let start = std::time::Instant::now();
    println!("soak: {} nodes, {} virtual hours, a change every virtual minute", o.nodes, o.hours);
    let r = kubesim::soak::soak(&o, |h| {
        println!(
            "hour {:>3}: {:>7} objects ({} pods, {} events), {:>8} changes of history kept, {:>6.1} s wall, {} MiB resident",
            h.hour,
            h.objects,
            h.pods,
            h.events,
            h.history,
            start.elapsed().as_secs_f64(),
            rss_kib().unwrap_or(0) / 1024
        );
    });
    println!("saved session: {} steps, {} bytes (budget {} bytes)", r.steps, r.session_bytes, kubesim::session::MAX_BYTES);
    println!("finished hour {} in {:.1} s; peak memory {} MiB (VmHWM)", r.last.hour, start.elapsed().as_secs_f64(), peak_rss_kib().unwrap_or(0) / 1024);
}

/// The process's current resident set (Linux), in KiB.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// The process's peak resident set (Linux), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}
