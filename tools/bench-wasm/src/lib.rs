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
