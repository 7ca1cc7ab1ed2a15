//! One console input (a line, a paste with here-documents, quoting, pipes) on a fresh cluster:
//! it may fail with kubectl's errors, never panic. Inputs that would advance the clock by more
//! than an hour are cut short by the harness (a month of virtual time is legal but slow, and a
//! slow input is not a bug of the kind this target looks for).
#![no_main]
use kubesim::console::Console;
use kubesim::sim::Cluster;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if text.contains("sleep") && !text.lines().all(|l| !l.contains("sleep") || l.split_whitespace().skip_while(|w| *w != "sleep").nth(1).and_then(|d| kubesim::api::time::parse_duration(d)).is_some_and(|ms| ms <= 3_600_000)) {
        return;
    }
    if text.contains("--timeout") || text.contains("wait") {
        return;
    }
    let mut c = Console::new(Cluster::empty(1));
    let _ = c.type_text(&text);
    let _ = c.finish();
});
