//! A share link's fragment, as a browser hands it to the app: decoded with its caps; a session
//! that decodes and is short is replayed too.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // both the raw text and the text as a link body (so the fuzzer reaches the inflater)
    for fragment in [text.to_string(), format!("s1.{}", text)] {
        if let Ok(s) = kubesim::session::from_link(&fragment) {
            if s.steps.len() <= 2 && s.now - kubesim::sim::EPOCH <= 600_000 {
                let _ = s.replay();
            }
        }
    }
});
