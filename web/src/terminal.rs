//! The console at the bottom of the page: scrollback, prompt and input line, with what a
//! terminal gives — history on ↑/↓ (kept across visits), Tab completion from the core's
//! console, `clear` / Ctrl+L, and multi-line paste (a pasted manifest is applied as
//! `kubectl apply -f -`, other lines run one after another).

use kubesim::console::Console;
use std::sync::Arc;
use leptos::prelude::*;
use serde_json::Value;

/// One console entry as shown on screen: what was typed after which prompt, and what came back.
/// Shared, not copied: the scrollback is handed to the view whole at every command, and an
/// output can be a thousand rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: usize,
    pub prompt: Arc<str>,
    pub input: Arc<str>,
    pub text: Arc<str>,
    pub error: bool,
}

/// Lines per block of output. A long output (`kubectl get pods -A` at a thousand pods) is laid
/// out in blocks the browser may skip while they are out of view (`content-visibility: auto`),
/// so only the blocks on screen cost layout when it arrives.
const BLOCK_LINES: usize = 40;

/// Splits an output into blocks of BLOCK_LINES lines. A block is a line box of its own, so
/// the newline between two blocks is dropped (the text copied is the text printed).
pub fn blocks(text: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut start = 0;
    let mut lines = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            lines += 1;
            if lines == BLOCK_LINES {
                out.push(&text[start..i]);
                start = i + 1;
                lines = 0;
            }
        }
    }
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// The scrollback: its entries and the next entry's id.
#[derive(Clone, Copy)]
pub struct Scrollback {
    pub entries: RwSignal<Vec<Entry>>,
    next_id: StoredValue<usize>,
}

impl Scrollback {
    pub fn new() -> Scrollback {
        Scrollback { entries: RwSignal::new(vec![]), next_id: StoredValue::new(0) }
    }

    pub fn push(&self, prompt: String, input: String, text: String, error: bool) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.entries.update(|es| {
            es.push(Entry { id, prompt: prompt.into(), input: input.into(), text: text.into(), error });
            // keep the scrollback bounded
            let excess = es.len().saturating_sub(500);
            es.drain(..excess);
        });
    }

    pub fn clear(&self) {
        self.entries.set(vec![]);
    }
}

const HISTORY_KEY: &str = "kubesim.history";
const HISTORY_MAX: usize = 500;

fn load_history() -> Vec<String> {
    crate::storage::get(HISTORY_KEY)
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()))
        .unwrap_or_default()
}

fn save_history(h: &[String]) {
    crate::storage::set(HISTORY_KEY, &serde_json::to_string(h).unwrap_or_default());
}

/// Pasted text that is a manifest (YAML or JSON), not commands.
pub fn is_manifest(text: &str) -> bool {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
    first == "---" || first.starts_with("apiVersion:") || first.starts_with("kind:") || first.starts_with('{')
}

/// `kubectl apply -f -` of a pasted manifest, with a here-document delimiter it does not contain.
pub fn apply_command(manifest: &str) -> String {
    let mut delim = String::from("EOF");
    while manifest.lines().any(|l| l == delim) {
        delim.push('_');
    }
    format!("kubectl apply -f - <<'{}'\n{}\n{}", delim, manifest.trim_end_matches('\n'), delim)
}

#[component]
pub fn Terminal(console: StoredValue<Console, LocalStorage>, scrollback: Scrollback, prompt: RwSignal<String>, run: Callback<String>) -> impl IntoView {
    let input = RwSignal::new(String::new());
    let history = StoredValue::new(load_history());
    // position while browsing history (None: editing a new line) and the line being edited
    let cursor: StoredValue<Option<usize>> = StoredValue::new(None);
    let draft = StoredValue::new(String::new());
    let remember = move |line: &str| {
        if line.trim().is_empty() {
            return;
        }
        history.update_value(|h| {
            if h.last().map(String::as_str) != Some(line) {
                h.push(line.to_string());
            }
            let excess = h.len().saturating_sub(HISTORY_MAX);
            h.drain(..excess);
            save_history(h);
        });
    };
    let submit = move || {
        let text = input.get_untracked();
        input.set(String::new());
        cursor.set_value(None);
        remember(&text);
        if text.trim() == "clear" {
            scrollback.clear();
        }
        run.run(text);
    };
    let browse = move |up: bool| {
        let h = history.get_value();
        if h.is_empty() {
            return;
        }
        let next = match (cursor.get_value(), up) {
            (None, true) => {
                draft.set_value(input.get_untracked());
                Some(h.len() - 1)
            }
            (None, false) => None,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i + 1 < h.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        cursor.set_value(next);
        input.set(match next {
            Some(i) => h[i].clone(),
            None => draft.get_value(),
        });
    };
    let tab = move || {
        let line = input.get_untracked();
        let c = console.with_value(|c| c.complete(&line));
        let completed = c.apply(&line);
        if completed != line {
            input.set(completed);
        } else if c.candidates.len() > 1 {
            // bash lists the choices under the line when Tab cannot add anything
            scrollback.push(prompt.get_untracked(), line, format!("{}\n", c.candidates.join("  ")), false);
            scroll_to_end();
        }
    };
    let on_paste = move |ev: web_sys::ClipboardEvent| {
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) else { return };
        if !text.contains('\n') {
            return;
        }
        ev.prevent_default();
        let before = input.get_untracked();
        input.set(String::new());
        let text = text.replace("\r\n", "\n");
        let run_now = if before.trim().is_empty() && is_manifest(&text) { apply_command(&text) } else { format!("{}{}", before, text.trim_end_matches('\n')) };
        remember(&run_now);
        run.run(run_now);
    };
    view! {
        <section class="console" id="console">
            <div class="scrollback" id="scrollback">
                <For each=move || scrollback.entries.get() key=|e| e.id children=move |e: Entry| {
                    view! {
                        <div class="entry">
                            <pre class="cmd">{format!("{} {}", e.prompt, e.input)}</pre>
                            <div class=if e.error { "out error" } else { "out" }>
                                {blocks(&e.text).into_iter().map(|b| view! { <pre>{b.to_string()}</pre> }).collect_view()}
                            </div>
                        </div>
                    }
                } />
            </div>
            <div class="prompt">
                <span id="prompt">{move || prompt.get()}</span>
                <input
                    id="console-input"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="kubectl get nodes"
                    aria-label="console"
                    prop:value=move || input.get()
                    on:input=move |ev| {
                        cursor.set_value(None);
                        input.set(event_target_value(&ev));
                    }
                    on:paste=on_paste
                    on:keydown=move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                        "Enter" => {
                            ev.prevent_default();
                            submit();
                        }
                        "ArrowUp" => {
                            ev.prevent_default();
                            browse(true);
                        }
                        "ArrowDown" => {
                            ev.prevent_default();
                            browse(false);
                        }
                        "Tab" if !ev.shift_key() => {
                            ev.prevent_default();
                            tab();
                        }
                        "l" if ev.ctrl_key() => {
                            ev.prevent_default();
                            scrollback.clear();
                        }
                        _ => {}
                    }
                />
            </div>
        </section>
    }
}

/// Keeps the newest output in view, as a terminal does.
pub fn scroll_to_end() {
    request_animation_frame(|| {
        if let Some(el) = document().get_element_by_id("scrollback") {
            el.set_scroll_top(el.scroll_height());
        }
    });
}
