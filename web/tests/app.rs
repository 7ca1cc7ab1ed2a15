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

/// Types a command at the console's prompt and presses Enter, as a learner does.
fn type_command(host: &web_sys::HtmlElement, text: &str) {
    let input: web_sys::HtmlInputElement = host.query_selector("#console-input").unwrap().unwrap().unchecked_into();
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    input.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
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
    type_command(&host, "kubectl run probe --image=busybox -- sleep 3600");
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

/// Lets the browser run its event loop (the test driver polls the page; a page busy for more
/// than ~18 s fails the run).
async fn yield_to_browser() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

// #8: the state a long, busy session leaves (a soak inside WebAssembly: nodes drained, deleted
// and joined again, kubelets stopped, rollouts) is saved in the browser's real localStorage and
// a reload rebuilds the same cluster from it.
#[wasm_bindgen_test]
async fn a_soaked_session_is_saved_and_restored_from_local_storage() {
    use kubesim::soak::{Soak, SoakOptions};
    use kubesim_web::storage;
    // small enough that replaying it (one blocking call, as a reload does) stays well inside
    // the driver's patience in a debug build
    let mut soak = Soak::new(&SoakOptions { nodes: 8, hours: 1, seed: 5 });
    for _ in 0..45 {
        soak.minute();
        yield_to_browser().await;
    }
    let r = soak.finish();
    storage::save_session(&r.session).expect("the session is saved");
    let back = storage::load_session().expect("it loads").expect("it is there");
    assert_eq!(back, r.session);
    assert_eq!(back.replay().cluster.api.store().revision(), r.revision);
    web_sys::console::log_1(&format!("soak in wasm: {} steps, {} bytes saved", r.steps, r.session_bytes).into());
    storage::forget_session();
}

// The cap on a saved session (kubesim::session::MAX_BYTES) fits what Chromium's localStorage
// takes, so whatever kubesim agrees to save is really stored; beyond it nothing is overwritten.
#[wasm_bindgen_test]
fn the_largest_saveable_session_fits_the_browsers_storage() {
    use kubesim::session::{Session, MAX_BYTES};
    use kubesim_web::storage;
    let mut s = Session::new(1, kubesim::sim::EPOCH);
    s.record(kubesim::sim::EPOCH, &"x".repeat(MAX_BYTES - 100));
    storage::save_session(&s).expect("the largest session is stored");
    assert_eq!(storage::load_session().unwrap().unwrap(), s);
    let mut over = s.clone();
    over.record(kubesim::sim::EPOCH, &"y".repeat(200));
    assert!(storage::save_session(&over).unwrap_err().contains("more than the 4194304"));
    assert_eq!(storage::load_session().unwrap().unwrap(), s, "the last good save is kept");
    storage::forget_session();
}

// A pasted manifest is applied as `kubectl apply -f -`, with a delimiter it does not contain.
#[wasm_bindgen_test]
fn pasted_manifests_are_told_from_commands() {
    use kubesim_web::terminal::{apply_command, is_manifest};
    assert!(is_manifest("apiVersion: v1\nkind: Pod\n"));
    assert!(is_manifest("# a comment\n---\nkind: Pod\n"));
    assert!(is_manifest("{\"kind\": \"Pod\"}\n"));
    assert!(!is_manifest("kubectl get pods\nkubectl get nodes\n"));
    assert_eq!(apply_command("kind: Pod\n"), "kubectl apply -f - <<'EOF'\nkind: Pod\nEOF");
    assert_eq!(apply_command("a: |\n  x\nEOF\n"), "kubectl apply -f - <<'EOF_'\na: |\n  x\nEOF\nEOF_");
}

// A long output is drawn in blocks of lines (laid out only when in view); the text on screen
// is still exactly what the console printed, line for line.
#[wasm_bindgen_test]
async fn a_long_output_reads_as_printed() {
    use kubesim_web::terminal::blocks;
    let text: String = (1..=95).map(|i| format!("line {i}\n")).collect();
    let parts = blocks(&text);
    assert_eq!(parts.len(), 3, "95 lines: 40 + 40 + 15");
    assert_eq!(parts.join("\n"), text.trim_end_matches('\n').to_string() + "\n");
    assert_eq!(blocks(""), vec![""]);
    assert_eq!(blocks("a\nb").join("\n"), "a\nb");

    kubesim_web::storage::forget_session();
    let host = mount();
    leptos::task::tick().await;
    type_command(&host, "cat /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/etcd.yaml");
    leptos::task::tick().await;
    let outs = host.query_selector_all("#scrollback .entry .out").unwrap();
    let out: web_sys::HtmlElement = outs.item(outs.length() - 1).unwrap().unchecked_into();
    assert!(out.query_selector_all("pre").unwrap().length() > 1, "two manifests are more than one block: {}", out.outer_html());
    let shown = out.inner_text();
    let printed: String = kubesim::session::Session::new(1, kubesim::sim::EPOCH).start().type_text("cat /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/etcd.yaml").into_iter().map(|o| o.text).collect();
    assert_eq!(shown.trim_end(), printed.trim_end());
    assert!(shown.trim_end().lines().count() > 40);
}
