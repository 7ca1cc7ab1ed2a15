//! The browser's localStorage: the session (restored on reload) and small preferences.

use kubesim::session::Session;

/// Where the session is kept between visits.
pub const SESSION_KEY: &str = "kubesim.session";

pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

pub fn set(key: &str, value: &str) {
    if let Some(st) = local() {
        let _ = st.set_item(key, value);
    }
}

/// The saved session: None when there is none, Err when it is damaged (and is left alone).
pub fn load_session() -> Result<Option<Session>, String> {
    match get(SESSION_KEY) {
        Some(text) => Session::from_json(&text).map(Some),
        None => Ok(None),
    }
}

/// Saves the session, or says why it could not be: beyond the caps a reload would refuse, or
/// refused by the browser (storage full or disabled). The last good save stays in place.
pub fn save_session(s: &Session) -> Result<(), String> {
    let json = s.to_saved_json()?;
    let st = local().ok_or("this browser gives the page no localStorage")?;
    st.set_item(SESSION_KEY, &json).map_err(|e| format!("the browser refused to store {} bytes ({})", json.len(), js_error(&e)))
}

pub fn forget_session() {
    if let Some(st) = local() {
        let _ = st.remove_item(SESSION_KEY);
    }
}

fn js_error(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => format!("{}: {}", d.name(), d.message()),
        None => format!("{:?}", e),
    }
}
