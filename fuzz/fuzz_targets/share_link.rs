//! A share link's fragment, as a browser hands it to the app: decoded with its caps; what
//! decodes serializes and reads back the same. (Replaying a decoded session is the console
//! target's ground and the simulation harness's.)
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // both the raw text and the text as a link body (so the fuzzer reaches the inflater)
    for fragment in [text.to_string(), format!("s1.{}", text)] {
        if let Ok(s) = kubesim::session::from_link(&fragment) {
            assert_eq!(kubesim::session::from_link(&kubesim::session::to_link(&s)).as_ref(), Ok(&s));
        }
    }
});
