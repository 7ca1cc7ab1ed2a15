//! `kubesim bench schedule` for WebAssembly: the same core code, timed with the host's
//! `performance.now()`. scripts/bench-wasm.sh builds it and runs it under Node.js.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

/// Returns the same lines the native `kubesim bench schedule` prints (without peak memory,
/// which the script reads from the wasm memory size instead).
#[wasm_bindgen]
pub fn bench_schedule(nodes: u32, pods: u32, score_all: bool, seed: u32) -> String {
    let opts = kubesim::bench::Options { nodes: nodes as usize, pods: pods as usize, score_all, seed: seed as u64 };
    let r = kubesim::bench::schedule(&opts, std::rc::Rc::new(now));
    format!("setup: {} nodes and {} pods created through the API server in {:.2} s\n{}\n{}\n", r.nodes, r.pods, r.setup_ms / 1000.0, r.line(score_all), r.cycle_line())
}

/// The size of the wasm linear memory (it only grows: the peak).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size(0) * 65536) as f64;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// Console latency in WebAssembly without the page: runs `setup` (console lines) on the
/// default cluster, then `command` `reps` times, and returns the median in ms and the output's
/// line count.
#[wasm_bindgen]
pub fn bench_console(setup: &str, command: &str, reps: u32) -> String {
    let mut console = kubesim::session::Session::new(1, kubesim::sim::EPOCH).start();
    console.type_text(setup);
    let mut times = vec![];
    let mut lines = 0;
    for _ in 0..reps.max(1) {
        let t = now();
        let outs = console.type_text(command);
        times.push(now() - t);
        lines = outs.iter().map(|o| o.text.lines().count()).sum();
    }
    times.sort_by(f64::total_cmp);
    format!("console \"{}\": median {:.2} ms over {} runs ({} lines)\n", command, times[times.len() / 2], times.len(), lines)
}
