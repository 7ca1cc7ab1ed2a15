//! The saved state the browser reads from localStorage.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = kubesim::session::Session::from_json(&text) {
        // what was accepted serializes and reads back the same
        assert_eq!(kubesim::session::Session::from_json(&s.to_json()).as_ref(), Ok(&s));
    }
});
