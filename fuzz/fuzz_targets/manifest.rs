//! A pasted manifest stream: parsed as kubectl does, then every object sent through the
//! apiserver's request path (strict decoding, defaulting, admission, validation) as a dry run,
//! so the cluster stays the same from one input to the next.
#![no_main]
use kubesim::console::Console;
use kubesim::sim::Cluster;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static CONSOLE: RefCell<Console> = RefCell::new(Console::new(Cluster::default_cluster(1)));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(objects) = kubesim::api::manifest::parse_stream(&text, "STDIN") else { return };
    CONSOLE.with(|c| {
        let mut c = c.borrow_mut();
        let before = c.cluster.api.store().revision();
        for o in objects {
            let _ = c.cluster.api.create(o, true);
        }
        assert_eq!(c.cluster.api.store().revision(), before, "a dry run wrote to the store");
    });
});
