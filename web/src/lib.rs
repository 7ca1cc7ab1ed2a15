//! The kubesim playground: a thin Leptos client-side app over kubesim-core. Everything a
//! person does goes through the same console engine as the headless `kubesim` binary.

use kubesim::console::Console;
use kubesim::session::Session;
use kubesim::view::snapshot;
use leptos::prelude::*;

mod canvas;
mod pan;
mod scenario;
mod editor;
mod i18n;
mod inspector;
mod lessons;
pub mod panic;
pub mod storage;
pub mod terminal;
use i18n::t;
use inspector::{Inspector, NodeSelection, Selection};
use kubesim::lessons::{catalog, Lang, Lesson};

/// What the right-hand panel shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Lessons,
    Inspector,
    Editor,
}

/// The seed of the embedded default cluster.
const DEFAULT_SEED: u64 = 1;

/// The interface language: chosen before, or the browser's.
const LANG_KEY: &str = "kubesim.lang";

fn initial_lang() -> Lang {
    if let Some(l) = storage::get(LANG_KEY).and_then(|l| Lang::parse(&l)) {
        return l;
    }
    let nav = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
    if nav.starts_with("ko") { Lang::Ko } else { Lang::En }
}

#[component]
pub fn App() -> impl IntoView {
    // the last session comes back on reload: its inputs are replayed (the simulation is
    // deterministic); a damaged one is refused with a message and the default cluster starts
    let stored = || match storage::load_session() {
        Ok(s) => (s, None),
        Err(e) => (None, Some(format!("The saved session was not restored ({}); this is the default cluster.", e))),
    };
    // a share link (#s1.…) wins over the saved session; a bad one leaves that untouched
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let forget_link = || {
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    };
    // `#lesson=ID`: that lesson from its start
    let linked_lesson = hash.strip_prefix("#lesson=").map(|id| catalog::find(id).ok_or_else(|| id.chars().take(64).collect::<String>()));
    let (restored, notice) = if let Some(found) = linked_lesson {
        forget_link();
        match found {
            // replaying it builds the lesson's cluster (its setup included) once, below
            Ok(l) => (Some(Session::for_lesson(&l, kubesim::sim::EPOCH)), None),
            Err(id) => {
                let (s, _) = stored();
                (s, Some(format!("The link names the lesson {:?}, which this kubesim does not have. Your cluster is unchanged.", id)))
            }
        }
    } else if hash.len() > 1 {
        match kubesim::session::from_link(&hash) {
            Ok(s) => {
                // the link has been used: reloading now continues from the saved state
                forget_link();
                (Some(s), Some("Opened the scenario from the link.".to_string()))
            }
            Err(e) => {
                let (s, _) = stored();
                (s, Some(format!("The link was not opened: {}. Your cluster is unchanged.", e)))
            }
        }
    } else {
        stored()
    };
    // nothing to restore: an empty session, whose replay is the default cluster
    let start_session = restored.unwrap_or_else(|| Session::new(DEFAULT_SEED, kubesim::sim::EPOCH));
    let start_console = start_session.replay();
    let active: RwSignal<Option<Lesson>> = RwSignal::new(start_session.lesson.as_deref().and_then(catalog::find));
    let lang = RwSignal::new(initial_lang());
    // the right-hand panel: the lesson (when following one), the pod inspector or the editor
    let side = RwSignal::new(if active.get_untracked().is_some() { Side::Lessons } else { Side::Inspector });
    let console = StoredValue::new_local(start_console);
    let session = StoredValue::new_local(start_session);
    let scrollback = terminal::Scrollback::new();
    // a message from the page itself (not a command's output) in the scrollback
    let notify = move |text: String, error: bool| scrollback.push("#".into(), "session".into(), text, error);
    // a session that can no longer be saved says so once (and again after it could be)
    let save_failed = StoredValue::new(false);
    let save = move || {
        session.update_value(|s| s.now = console.with_value(|c| c.cluster.now()));
        match session.with_value(storage::save_session) {
            Ok(()) => save_failed.set_value(false),
            Err(e) if !save_failed.get_value() => {
                save_failed.set_value(true);
                notify(format!("Your cluster is no longer saved in this browser: {}. A reload goes back to the last saved state; Reset starts afresh.\n", e), true);
            }
            Err(_) => {}
        }
    };
    // what the page starts with (a link's scenario, say) is saved at once
    save();
    let view_state = RwSignal::new(console.with_value(|c| snapshot(&c.cluster)));
    // the prompt shows the node `ssh` took the console to
    let prompt = RwSignal::new(String::from("$"));
    let selected: Selection = RwSignal::new(None);
    let selected_node: NodeSelection = RwSignal::new(None);
    // the node whose ⋮ menu is open: its card is not redrawn meanwhile (it would take the
    // focus and the text being typed in the menu's fields)
    let node_menu: RwSignal<Option<String>> = RwSignal::new(None);
    // choosing a pod shows the inspector
    Effect::new(move |_| {
        if selected.with(Option::is_some) {
            selected_node.set(None);
            side.set(Side::Inspector);
        }
    });
    Effect::new(move |_| {
        if selected_node.with(Option::is_some) {
            side.set(Side::Inspector);
        }
    });
    // time travel: the revision being looked at (None: the present), a read-only console
    // over the cluster as it was then, and the revisions the history holds
    let past: RwSignal<Option<i64>> = RwSignal::new(None);
    let past_console: StoredValue<Option<Console>, LocalStorage> = StoredValue::new_local(None);
    let span = RwSignal::new(console.with_value(|c| c.cluster.history_span()));
    // The canvas is redrawn only when the cluster changed (a write or the clock): reading
    // commands such as `kubectl get` cost no snapshot of thousands of pods.
    // (`sim node stop` writes nothing: which kubelets run is part of what was drawn)
    let drawn_at = StoredValue::new((0i64, 0i64, 0usize));
    // the toolbar's clock ticks on even while the canvas waits for a drag to end
    let clock = RwSignal::new(console.with_value(|c| kubesim::view::clock(c.cluster.now())));
    let refresh = move || {
        // the past stays on screen until "back to now" or "continue from here"
        if past.get_untracked().is_some() {
            return;
        }
        let now = console.with_value(|c| kubesim::view::clock(c.cluster.now()));
        if clock.with_untracked(|c| *c != now) {
            clock.set(now);
        }
        // not while a pod chip is pressed or dragged (the drop, or the next tick, draws it),
        // nor while a node's menu is open (an action closes it first, then draws)
        if canvas::drag_in_progress() || node_menu.get_untracked().is_some() {
            return;
        }
        let at = console.with_value(|c| (c.cluster.api.store().revision(), c.cluster.now(), c.cluster.kubelets.values().filter(|k| k.running).count()));
        if drawn_at.get_value() != at {
            drawn_at.set_value(at);
            view_state.set(console.with_value(|c| snapshot(&c.cluster)));
            span.set(console.with_value(|c| c.cluster.history_span()));
        }
    };

    // Text typed (or pasted) at the prompt: fed line by line, as a terminal does — an open
    // here-document waits for its end at a `>` prompt.
    // Returns what the console printed.
    let prompt_now = move || console.with_value(|c| if c.needs_more() { ">".to_string() } else { c.host().map(|h| format!("root@{}:~#", h)).unwrap_or_else(|| "$".into()) });
    let run_text = move |text: String| -> String {
        // in the past: read-only commands on the cluster as it was; nothing is recorded
        if past.get_untracked().is_some() {
            let outs = past_console.try_update_value(|pc| pc.as_mut().map(|c| c.type_text(&text))).flatten().unwrap_or_default();
            let error = outs.last().is_some_and(|o| o.error);
            let printed: String = outs.into_iter().map(|o| o.text).collect();
            scrollback.push(format!("({})", clock.get_untracked()), text, printed.clone(), error);
            terminal::scroll_to_end();
            return printed;
        }
        let now = console.with_value(|c| c.cluster.now());
        session.update_value(|s| s.record(now, &text));
        let shown_prompt = prompt.get_untracked();
        let outs = console.try_update_value(|c| c.type_text(&text)).unwrap_or_default();
        save();
        let error = outs.last().is_some_and(|o| o.error);
        let printed: String = outs.into_iter().map(|o| o.text).collect();
        // `clear` empties the scrollback (the terminal does that); its own line is not kept
        if text.trim() != "clear" {
            scrollback.push(shown_prompt, text.clone(), printed.clone(), error);
        }
        prompt.set(prompt_now());
        refresh();
        terminal::scroll_to_end();
        printed
    };
    // Dropping a pending pod on a node is manual scheduling: the console creates the Binding,
    // exactly as `kubectl create -f binding.yaml` would.
    let bind = Callback::new(move |(ns, name, node): (String, String, String)| {
        run_text(format!(
            "kubectl create -f - <<EOF\napiVersion: v1\nkind: Binding\nmetadata:\n  name: {}\n  namespace: {}\ntarget:\n  apiVersion: v1\n  kind: Node\n  name: {}\nEOF",
            name, ns, node
        ));
    });

    // kubectl explain's documentation is fetched once, in the background, so it costs the
    // page's first load nothing.
    leptos::task::spawn_local(async move {
        if let Some(text) = fetch_text("docs.json").await {
            if let Ok(docs) = kubesim::console::explain::Docs::parse(&text) {
                console.update_value(|c| c.explain_docs = Some(docs));
            }
        }
    });

    // Virtual time follows wall time while playing, at the chosen speed.
    let playing = RwSignal::new(true);
    let speed = RwSignal::new(1i64);
    let _ = set_interval_with_handle(
        move || {
            if playing.get_untracked() {
                let d = 1_000 * speed.get_untracked();
                console.update_value(|c| c.cluster.advance(d));
                save();
                refresh();
            }
        },
        std::time::Duration::from_millis(1_000),
    );
    // "Step": straight to the next thing that will happen (a timer of some component)
    let step = move |_| {
        console.update_value(|c| {
            if let Some(at) = c.cluster.next_timer() {
                let d = (at - c.cluster.now()).max(0);
                c.cluster.advance(d);
            }
        });
        save();
        refresh();
    };
    // A fresh start: a lesson's starting cluster, or the default one ("reset")
    // The cluster a session rebuilds replaces the current one (a fresh start, an imported file).
    let replace_with = move |mut s: Session| {
        let docs = console.with_value(|c| c.explain_docs.clone());
        let mut fresh = s.replay();
        s.now = fresh.cluster.now();
        fresh.explain_docs = docs;
        let lesson = s.lesson.as_deref().and_then(catalog::find);
        past.set(None);
        past_console.set_value(None);
        console.set_value(fresh);
        session.set_value(s);
        scrollback.clear();
        prompt.set("$".into());
        selected.set(None);
        selected_node.set(None);
        active.set(lesson);
        save();
        refresh();
    };
    // Time travel. Looking at revision r: the clock stops and the canvas, inspector and
    // console show the cluster as it was; "back to now" returns to the present untouched;
    // "continue from here" rebuilds the cluster at r from the session and drops what came after.
    let back_to_now = move || {
        past.set(None);
        past_console.set_value(None);
        drawn_at.set_value((0, 0, 0));
        refresh();
    };
    let view_past = move |r: i64| {
        let (oldest, newest) = console.with_value(|c| c.cluster.history_span());
        if r >= newest {
            back_to_now();
            return;
        }
        playing.set(false);
        let why = t(lang.get_untracked(), "past-read-only");
        let pc = console.with_value(|c| {
            let mut pc = kubesim::console::Console::past(&c.cluster, r.max(oldest), why);
            pc.explain_docs = c.explain_docs.clone();
            pc
        });
        view_state.set(snapshot(&pc.cluster));
        clock.set(kubesim::view::clock(pc.cluster.now()));
        past_console.set_value(Some(pc));
        past.set(Some(r.max(oldest)));
    };
    let continue_here = move || {
        let Some(r) = past.get_untracked() else { return };
        let time = console.with_value(|c| c.cluster.time_of(r));
        let (s, mut fresh) = session.with_value(|s| s.continue_from(r, time));
        fresh.explain_docs = console.with_value(|c| c.explain_docs.clone());
        let landed = fresh.cluster.api.store().revision();
        console.set_value(fresh);
        session.set_value(s);
        past.set(None);
        past_console.set_value(None);
        prompt.set(prompt_now());
        save();
        drawn_at.set_value((0, 0, 0));
        refresh();
        let l = lang.get_untracked();
        notify(format!("{} {} ({} {})\n", t(l, "continued"), kubesim::view::clock(time), t(l, "revision"), landed), false);
    };
    let start_over = move |lesson: Option<Lesson>| {
        replace_with(match &lesson {
            Some(l) => Session::for_lesson(l, kubesim::sim::EPOCH),
            None => Session::new(DEFAULT_SEED, kubesim::sim::EPOCH),
        })
    };
    // "Export": the session as a file; "Import": such a file replaces the cluster (a bad one
    // is refused with a message and changes nothing)
    let export = move |_| {
        save();
        let json = session.with_value(Session::to_json);
        if let Err(e) = scenario::download("kubesim-scenario.json", &json) {
            notify(format!("The scenario was not exported: {}\n", e), true);
        }
    };
    let import = move |ev: web_sys::Event| {
        leptos::task::spawn_local(async move {
            match scenario::read_chosen_file(&ev).await {
                Ok(None) => {}
                Ok(Some(text)) => match Session::from_json(&text) {
                    Ok(s) => {
                        replace_with(s);
                        notify("Imported the scenario from the file.\n".into(), false);
                    }
                    Err(e) => notify(format!("The file was not imported: {}. Your cluster is unchanged.\n", e), true),
                },
                Err(e) => notify(format!("The file was not imported: {}. Your cluster is unchanged.\n", e), true),
            }
        });
    };
    let reset = move |_| {
        storage::forget_session();
        start_over(None);
    };
    // opening a lesson starts its cluster; leaving keeps the cluster as it is
    let open_lesson = Callback::new(move |id: Option<String>| match id.as_deref().and_then(catalog::find) {
        Some(l) => {
            start_over(Some(l));
            side.set(Side::Lessons);
        }
        None => active.set(None),
    });
    let run_cb = Callback::new(move |text: String| {
        run_text(text);
    });
    // the editor applies through the console too, and reads what kubectl answered
    let apply_cb = Callback::new(run_text);
    let editor_text = RwSignal::new(String::new());
    // "Edit" on an object: its YAML in the editor
    let edit_cb = Callback::new(move |(reference, ns): (String, String)| match editor::object_yaml(console, &reference, &ns) {
        Ok(yaml) => {
            editor_text.set(yaml);
            side.set(Side::Editor);
        }
        Err(e) => notify(e, true),
    });
    if let Some(n) = notice {
        let error = !n.starts_with("Opened");
        notify(format!("{}\n", n), error);
    }
    // "Share": a link whose fragment (never sent to a server) holds the whole scenario
    let share_url = RwSignal::new(String::new());
    let share = move |_| {
        save();
        let fragment = session.with_value(kubesim::session::to_link);
        let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        let base = base.split('#').next().unwrap_or("").to_string();
        share_url.set(format!("{}#{}", base, fragment));
    };

    view! {
        <div class="app" class:past=move || past.get().is_some()>
            <header class="toolbar">
                <span class="brand">"kubesim"</span>
                <span class="clock" id="clock">{move || clock.get()}</span>
                <button id="play" class="tool" disabled=move || past.get().is_some() on:click=move |_| playing.update(|p| *p = !*p) title=move || t(lang.get(), "play-title")>
                    {move || if playing.get() { t(lang.get(), "pause") } else { t(lang.get(), "play") }}
                </button>
                <button id="step" class="tool" disabled=move || past.get().is_some() on:click=step title=move || t(lang.get(), "step-title")>{move || t(lang.get(), "step-button")}</button>
                <button id="reset" class="tool" on:click=reset title=move || t(lang.get(), "reset-title")>{move || t(lang.get(), "reset")}</button>
                <button id="share" class="tool" on:click=share title=move || t(lang.get(), "share-title")>{move || t(lang.get(), "share")}</button>
                <button id="export" class="tool" on:click=export title=move || t(lang.get(), "export-title")>{move || t(lang.get(), "export")}</button>
                <label class="tool" title=move || t(lang.get(), "import-title")>{move || t(lang.get(), "import")}
                    <input id="import" type="file" accept=".json,application/json" class="hidden-file" on:change=import />
                </label>
                <button id="lessons-tab" class="tool" class:on=move || side.get() == Side::Lessons on:click=move |_| side.set(Side::Lessons)>{move || t(lang.get(), "lessons")}</button>
                <button id="inspector-tab" class="tool" class:on=move || side.get() == Side::Inspector on:click=move |_| side.set(Side::Inspector)>{move || t(lang.get(), "inspector")}</button>
                <button id="editor-tab" class="tool" class:on=move || side.get() == Side::Editor on:click=move |_| side.set(Side::Editor)>{move || t(lang.get(), "editor")}</button>
                <button id="lang" class="tool" title="English / 한국어" on:click=move |_| {
                    let next = if lang.get_untracked() == Lang::En { Lang::Ko } else { Lang::En };
                    lang.set(next);
                    storage::set(LANG_KEY, next.code());
                }>{move || if lang.get() == Lang::En { "한국어" } else { "English" }}</button>
                {move || (!share_url.get().is_empty()).then(|| view! {
                    <input id="share-link" class="share-link" readonly=true prop:value=move || share_url.get() on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { el.select(); }
                    } />
                })}
                <label class="tool history" title=move || t(lang.get(), "history-title")>{move || t(lang.get(), "history")}
                    <input id="history" type="range" step="1" aria-label=move || t(lang.get(), "history-title")
                        min=move || span.get().0.to_string() max=move || span.get().1.to_string()
                        prop:value=move || past.get().unwrap_or_else(|| span.get().1).to_string()
                        on:input=move |ev| {
                            if let Ok(r) = event_target_value(&ev).parse::<i64>() {
                                view_past(r);
                            }
                        } />
                </label>
                <label class="tool">{move || t(lang.get(), "speed")}
                    <select id="speed" on:change=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(1))>
                        <option value="1">"1×"</option>
                        <option value="10">"10×"</option>
                        <option value="60">"60×"</option>
                    </select>
                </label>
            </header>
            <main class="cluster" id="cluster" on:pointerdown=pan::down on:pointermove=pan::moved on:pointerup=pan::up on:pointercancel=pan::up>
                {move || past.get().map(|r| view! {
                    <div id="past-banner" class="past-banner" role="status">
                        <span>{t(lang.get(), "viewing-past")}" "<strong id="past-time">{clock.get()}</strong>{format!(" · {} {} / {}", t(lang.get(), "revision"), r, span.get_untracked().1)}</span>
                        <button id="continue-here" class="tool" on:click=move |_| continue_here()>{t(lang.get(), "continue-here")}</button>
                        <button id="back-to-now" class="tool" on:click=move |_| back_to_now()>{t(lang.get(), "back-to-now")}</button>
                    </div>
                })}
                <canvas::ClusterList state=view_state selected=selected selected_node=selected_node menu=node_menu bind=bind run=run_cb edit=edit_cb lang=lang />
            </main>
            {move || match side.get() {
                Side::Lessons => view! { <lessons::LessonPanel console=console lang=lang active=active open=open_lesson run=run_cb /> }.into_any(),
                Side::Inspector => view! { <Inspector console=console past=past past_console=past_console state=view_state selected=selected selected_node=selected_node lang=lang edit=edit_cb bind=bind run=run_cb /> }.into_any(),
                Side::Editor => view! { <editor::Editor console=console text=editor_text apply=apply_cb lang=lang /> }.into_any(),
            }}
            <terminal::Terminal console=console scrollback=scrollback prompt=prompt run=run_cb />
        </div>
    }
}

async fn fetch_text(url: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let resp = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.ok()?;
    let resp: web_sys::Response = resp.dyn_into().ok()?;
    if !resp.ok() {
        return None;
    }
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().ok()?).await.ok()?;
    text.as_string()
}
