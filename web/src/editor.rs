//! The YAML editor: write or paste a manifest and Apply it (`kubectl apply -f -` in the
//! console, so it is part of the session), see kubectl's errors at their lines, or load any
//! live object to edit it (as `kubectl edit` shows it: `kubectl get TYPE NAME -o yaml`).

use crate::i18n::t;
use kubesim::console::editor::{error_lines, LineError};
use kubesim::console::Console;
use kubesim::lessons::Lang;
use leptos::prelude::*;

/// The object's YAML as `kubectl get -o yaml` prints it (a read: the cluster does not change).
pub fn object_yaml(console: StoredValue<Console, LocalStorage>, reference: &str, ns: &str) -> Result<String, String> {
    let (kind, name) = reference.split_once('/').ok_or_else(|| format!("error: use TYPE/NAME, such as pod/web (not {:?})", reference))?;
    let mut cmd = format!("kubectl get {} {} -o yaml", crate::canvas::shell_word(kind), crate::canvas::shell_word(name));
    if !ns.is_empty() {
        cmd.push_str(&format!(" -n {}", crate::canvas::shell_word(ns)));
    }
    let out = console.try_update_value(|c| c.exec(&cmd)).unwrap_or_default();
    let text: String = out.iter().map(|o| o.text.as_str()).collect();
    if out.iter().any(|o| o.error) { Err(text) } else { Ok(text) }
}

#[component]
pub fn Editor(console: StoredValue<Console, LocalStorage>, text: RwSignal<String>, apply: Callback<String, String>, lang: RwSignal<Lang>) -> impl IntoView {
    let errors: RwSignal<Vec<LineError>> = RwSignal::new(vec![]);
    let result = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let namespace = RwSignal::new("default".to_string());
    let on_apply = move |_| {
        let manifest = text.get_untracked();
        if manifest.trim().is_empty() {
            return;
        }
        let out = apply.run(crate::terminal::apply_command(&manifest));
        errors.set(error_lines(&manifest, &out));
        result.set(out);
    };
    let load = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        match object_yaml(console, reference.get_untracked().trim(), namespace.get_untracked().trim()) {
            Ok(yaml) => {
                text.set(yaml);
                errors.set(vec![]);
                result.set(String::new());
            }
            Err(e) => result.set(e),
        }
    };
    // a click on an error selects its line in the text
    let select_line = move |line: usize| {
        use wasm_bindgen::JsCast;
        let Some(area) = document().get_element_by_id("editor-text").and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) else { return };
        let value = text.get_untracked();
        let start: usize = value.split('\n').take(line.saturating_sub(1)).map(|l| l.encode_utf16().count() + 1).sum();
        let len = value.split('\n').nth(line.saturating_sub(1)).map_or(0, |l| l.encode_utf16().count());
        let _ = area.focus();
        let _ = area.set_selection_range(start as u32, (start + len) as u32);
    };
    let gutter = move || {
        let bad: Vec<usize> = errors.with(|e| e.iter().map(|e| e.line).collect());
        let n = text.with(|t| t.split('\n').count()).max(1);
        (1..=n).map(|i| view! { <div class:bad=bad.contains(&i) data-line=i>{i}</div> }).collect_view()
    };
    view! {
        <aside class="editor" id="editor">
            <form class="editor-load" on:submit=load>
                <input id="editor-ref" placeholder="pod/web" prop:value=move || reference.get() on:input=move |ev| reference.set(event_target_value(&ev)) />
                <input id="editor-ns" class="ns" placeholder="default" prop:value=move || namespace.get() on:input=move |ev| namespace.set(event_target_value(&ev)) />
                <button type="submit" id="editor-load">{move || t(lang.get(), "edit")}</button>
            </form>
            <div class="editor-body">
                <div class="gutter" id="editor-gutter">{gutter}</div>
                <textarea id="editor-text" spellcheck="false" wrap="off" placeholder="apiVersion: v1\nkind: Pod\n…"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    on:scroll=move |ev| {
                        use wasm_bindgen::JsCast;
                        let top = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map_or(0, |e| e.scroll_top());
                        if let Some(g) = document().get_element_by_id("editor-gutter") { g.set_scroll_top(top); }
                    }
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        // Ctrl+Enter applies
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            on_apply(());
                        }
                    }></textarea>
            </div>
            <div class="editor-actions">
                <button id="editor-apply" class="tool primary" on:click=move |_| on_apply(())>{move || t(lang.get(), "apply")}</button>
                <button class="tool" on:click=move |_| { text.set(String::new()); errors.set(vec![]); result.set(String::new()); }>{move || t(lang.get(), "clear")}</button>
            </div>
            <ul class="editor-errors" id="editor-errors">
                {move || errors.get().into_iter().map(|e| {
                    let line = e.line;
                    view! { <li data-line=line><button class="line-link" on:click=move |_| select_line(line)>{format!("{} {}", t(lang.get(), "line"), line)}</button>" "{e.message}</li> }
                }).collect_view()}
            </ul>
            <pre class="editor-result" class:error=move || !errors.with(Vec::is_empty) id="editor-result">{move || result.get()}</pre>
        </aside>
    }
}
