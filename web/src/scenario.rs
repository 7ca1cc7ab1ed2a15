//! Scenario files: the session (seed, lesson, every input with its time) as the JSON the page
//! saves, downloaded and read back. Nothing leaves the browser.

use wasm_bindgen::JsCast;

/// Offers `text` as a file download.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{:?}", e);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = leptos::prelude::document();
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The text of the file chosen in a file input (None if none was), at most the session cap.
pub async fn read_chosen_file(ev: &web_sys::Event) -> Result<Option<String>, String> {
    let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return Ok(None) };
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return Ok(None) };
    // the same file can be chosen again later
    input.set_value("");
    if file.size() > kubesim::session::MAX_BYTES as f64 {
        return Err(format!("the file is {} bytes, more than the {} a scenario may hold", file.size(), kubesim::session::MAX_BYTES));
    }
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.map_err(|e| format!("{:?}", e))?;
    Ok(text.as_string())
}
