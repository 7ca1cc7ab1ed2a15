//! Component tests in headless Chromium (wasm-bindgen-test): the app mounts the embedded
//! default cluster and its console runs commands through the core's console engine.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host.clone(), kubesim_web::App).forget();
    host
}

#[wasm_bindgen_test]
async fn lists_the_default_cluster() {
    let host = mount();
    leptos::task::tick().await;
    let html = host.inner_html();
    for node in ["controlplane", "node01", "node02"] {
        assert!(html.contains(&format!("data-node=\"{}\"", node)), "{node} missing");
    }
    assert!(html.contains("etcd-controlplane"));
}

#[wasm_bindgen_test]
async fn console_runs_kubectl() {
    let host = mount();
    leptos::task::tick().await;
    let input: web_sys::HtmlInputElement = host.query_selector("#console-input").unwrap().unwrap().unchecked_into();
    input.set_value("kubectl run probe --image=busybox -- sleep 3600");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    input.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    leptos::task::tick().await;
    let text = host.query_selector("#scrollback").unwrap().unwrap().text_content().unwrap_or_default();
    assert!(text.contains("pod/probe created"), "{text}");
    // the scheduler bound it at once: it sits in a node, not in the unscheduled lane
    assert!(host.query_selector(".node .pod[data-pod=\"probe\"]").unwrap().is_some());
}

// A panic must not fail silently: the hook's banner is text, never markup.
#[wasm_bindgen_test]
fn panic_banner_shows_text_only() {
    kubesim_web::panic::show_error_banner("index out of bounds <b>x</b>");
    let doc = web_sys::window().unwrap().document().unwrap();
    let banner = doc.get_element_by_id("error-banner").expect("banner shown");
    assert!(banner.text_content().unwrap().contains("index out of bounds <b>x</b>"));
    assert!(banner.query_selector("b").unwrap().is_none(), "no markup from the message");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
}
