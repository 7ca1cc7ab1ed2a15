//! A panic must never fail silently: the hook logs it to the browser console (with the
//! message and location) and puts a visible banner on the page. The banner is plain text — the
//! message may quote user input — and says what the learner can do.

/// Shows (or replaces) the error banner at the top of the page.
pub fn show_error_banner(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    let banner = match doc.get_element_by_id("error-banner") {
        Some(b) => b,
        None => {
            let Ok(b) = doc.create_element("div") else { return };
            b.set_id("error-banner");
            let _ = b.set_attribute("role", "alert");
            let _ = body.prepend_with_node_1(&b);
            b
        }
    };
    banner.set_text_content(Some(&format!("kubesim stopped on an internal error: {}. This is a bug in kubesim, not in what you did; reload the page to start again.", message)));
}

/// Installs the hook (once, at start).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        show_error_banner(&format!("{}{}", msg, place));
    }));
}
