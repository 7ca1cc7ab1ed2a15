//! A lesson file: parsed and validated; an accepted lesson's checks are evaluated against a
//! cluster, which they must leave unchanged.
#![no_main]
use kubesim::console::Console;
use kubesim::lessons::{verify, Lang, Lesson};
use kubesim::sim::Cluster;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static CONSOLE: RefCell<Console> = RefCell::new(Console::new(Cluster::default_cluster(1)));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(lesson) = Lesson::parse(&text) else { return };
    CONSOLE.with(|c| {
        let mut c = c.borrow_mut();
        let before = c.cluster.api.store().revision();
        for i in 0..lesson.steps.len() {
            let _ = verify::check_step(&lesson, i, &mut c, Lang::Ko);
        }
        assert_eq!(c.cluster.api.store().revision(), before, "a check changed the cluster");
    });
});
