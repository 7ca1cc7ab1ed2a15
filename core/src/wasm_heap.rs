//! The heap of every WebAssembly build of kubesim (the playground, its tests, the wasm bench):
//! talc, fed linear memory in large steps.
//!
//! Why: Rust's default wasm allocator (dlmalloc), like talc's own source, grows linear memory
//! by the 64 KiB pages one allocation needs. A cluster of thousands of pods grows by hundreds of
//! MiB, and V8 pays for every `memory.grow` (a new ArrayBuffer, external-memory bookkeeping that
//! triggers garbage collections): measured with the wasm scheduler bench, 5,000 nodes and
//! 10,000 pods, ~70% of the time went to growing memory page by page. Growing by a quarter of
//! the heap (at least 1 MiB) makes that a few dozen grows. Talc itself is faster than dlmalloc
//! for the console's many small allocations (BENCHMARKS.md).

use core::alloc::Layout;
use core::arch::wasm32::{memory_grow, memory_size};
use core::ptr::NonNull;
use talc::base::binning::Binning;
use talc::base::Talc;
use talc::cell::TalcSyncCell;
use talc::wasm::WasmBinning;

const PAGE: usize = 64 * 1024;
/// The smallest step: 1 MiB.
const MIN_STEP_PAGES: usize = 16;

/// Grows linear memory by max(what the allocation needs, a quarter of the memory, 1 MiB) and
/// hands the new pages to talc, extending the last heap when the new pages follow it.
#[derive(Debug, Default)]
pub struct GrowByQuarters {
    end: Option<NonNull<u8>>,
}

unsafe impl talc::source::Source for GrowByQuarters {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        // generous room for talc's chunk metadata and alignment
        let needed = (layout.size() + layout.align() + 256).div_ceil(PAGE);
        let step = needed.max(memory_size::<0>() / 4).max(MIN_STEP_PAGES);
        // a browser may refuse the big step near its memory limit: then only what is needed
        let (prev, pages) = match memory_grow::<0>(step) {
            usize::MAX if step > needed => (memory_grow::<0>(needed), needed),
            prev => (prev, step),
        };
        if prev == usize::MAX {
            return Err(());
        }
        let base = (prev * PAGE) as *mut u8;
        let bytes = pages * PAGE;
        let new_end = base.wrapping_add(bytes);
        if let Some(old_end) = talc.source.end.take() {
            if old_end.as_ptr() == base {
                // SAFETY: the pages from old_end to new_end were just grown, unused by anyone
                talc.source.end = Some(unsafe { talc.extend(old_end, new_end) });
                return Ok(());
            }
        }
        // SAFETY: as above; talc owns the new pages from now on
        talc.source.end = unsafe { talc.claim(base, bytes) };
        if talc.source.end.is_some() { Ok(()) } else { Err(()) }
    }
}

#[global_allocator]
static HEAP: TalcSyncCell<GrowByQuarters, WasmBinning> = TalcSyncCell::new_wasm(GrowByQuarters { end: None });
