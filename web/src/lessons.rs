//! The lesson panel: a picker, then the current step — its task, hints and solution behind a
//! click, and Check, which evaluates the step's checks against the live cluster (they only
//! read). Progress is kept in localStorage; `#lesson=ID` opens a lesson from a link.

use crate::i18n::t;
use kubesim::console::Console;
use kubesim::lessons::{catalog, verify, Lang, Lesson};
use leptos::prelude::*;
use serde_json::{json, Value};

const PROGRESS_KEY: &str = "kubesim.progress";

/// Steps completed per lesson id.
pub fn progress(id: &str) -> usize {
    crate::storage::get(PROGRESS_KEY)
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v.get(id).and_then(Value::as_u64))
        .map_or(0, |n| n as usize)
}

fn set_progress(id: &str, done: usize) {
    let mut v = crate::storage::get(PROGRESS_KEY).and_then(|t| serde_json::from_str::<Value>(&t).ok()).filter(Value::is_object).unwrap_or_else(|| json!({}));
    v[id] = json!(done);
    crate::storage::set(PROGRESS_KEY, &v.to_string());
}

/// Lesson text with `code` spans, rendered as text (never as HTML). Lines of a paragraph are
/// joined (the files wrap them for reading); a blank line starts a new paragraph.
fn rich(text: &str) -> impl IntoView {
    let joined = text.trim().split("\n\n").map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n\n");
    joined.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { view! { <code>{part.to_string()}</code> }.into_any() } else { view! { <span>{part.to_string()}</span> }.into_any() }).collect_view()
}

#[component]
pub fn LessonPanel(
    console: StoredValue<Console, LocalStorage>,
    lang: RwSignal<Lang>,
    /// the lesson being followed, if any
    active: RwSignal<Option<Lesson>>,
    /// starts a lesson (resetting the cluster to its start), or leaves lessons (None)
    open: Callback<Option<String>>,
    /// types text into the console
    run: Callback<String>,
) -> impl IntoView {
    let step = RwSignal::new(0usize);
    let results = RwSignal::new(Vec::<(bool, String, String)>::new());
    let hints = RwSignal::new(0usize);
    let show_solution = RwSignal::new(false);
    // a new lesson (or the page loading into one) starts at its saved progress
    Effect::new(move |_| {
        let id = active.with(|a| a.as_ref().map(|l| (l.id.clone(), l.steps.len())));
        if let Some((id, n)) = id {
            step.set(progress(&id).min(n));
            results.set(vec![]);
            hints.set(0);
            show_solution.set(false);
        }
    });
    let check = move |_| {
        let Some(lesson) = active.get_untracked() else { return };
        let i = step.get_untracked();
        let r = console.try_update_value(|c| verify::check_step(&lesson, i, c, lang.get_untracked())).unwrap_or_default();
        if !r.is_empty() && r.iter().all(|(ok, _, _)| *ok) && progress(&lesson.id) <= i {
            set_progress(&lesson.id, i + 1);
        }
        results.set(r);
    };
    let next = move |_| {
        step.update(|s| *s += 1);
        results.set(vec![]);
        hints.set(0);
        show_solution.set(false);
    };
    view! {
        <aside class="lessons" id="lessons">
            {move || match active.get() {
                None => {
                    let l = lang.get();
                    view! {
                        <p class="hint">{t(l, "pick")}</p>
                        <ol class="lesson-list">
                            {catalog::all().into_iter().map(|lesson| {
                                let id = lesson.id.clone();
                                let done = progress(&id);
                                let n = lesson.steps.len();
                                view! {
                                    <li>
                                        <button class="lesson-pick" data-id=id.clone() on:click=move |_| open.run(Some(id.clone()))>{lesson.title.get(l).to_string()}</button>
                                        <span class="lesson-progress">{if done >= n { format!(" ✓ {}", t(l, "done")) } else if done > 0 { format!(" {}/{}", done, n) } else { String::new() }}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
                Some(lesson) => {
                    let l = lang.get();
                    let i = step.get();
                    let n = lesson.steps.len();
                    let id = lesson.id.clone();
                    let head = view! {
                        <div class="lesson-nav">
                            <button class="tool" id="lesson-back" on:click=move |_| open.run(None)>{t(l, "back")}</button>
                            <button class="tool" id="lesson-restart" on:click={let id = id.clone(); move |_| { set_progress(&id, 0); open.run(Some(id.clone())) }}>{t(l, "restart")}</button>
                            <a class="lesson-link" href=format!("#lesson={}", id)>{t(l, "link")}</a>
                        </div>
                        <h2 class="lesson-title" id="lesson-title">{lesson.title.get(l).to_string()}</h2>
                    };
                    if i >= n {
                        return view! { {head} <p class="lesson-finished" id="lesson-finished">{t(l, "finished")}</p> }.into_any();
                    }
                    let s = lesson.steps[i].clone();
                    let hint_list = s.hints.clone();
                    let solution = s.solution.clone();
                    view! {
                        {head}
                        {(i == 0).then(|| view! { <p class="lesson-intro">{rich(lesson.intro.get(l))}</p> })}
                        <h3 class="lesson-step" id="lesson-step">{format!("{} {}/{}", t(l, "step"), i + 1, n)}</h3>
                        <p class="lesson-task" id="lesson-task">{rich(s.task.get(l))}</p>
                        <div class="lesson-actions">
                            <button class="tool primary" id="lesson-check" on:click=check>{t(l, "check")}</button>
                            {(!hint_list.is_empty()).then(|| {
                                let total = hint_list.len();
                                let all_shown = move || hints.get() >= total;
                                view! {
                                    <button class="tool" id="lesson-hint" disabled=all_shown on:click=move |_| hints.update(|h| *h += 1)>{t(l, "hint")}</button>
                                }
                            })}
                            <button class="tool" id="lesson-solution" on:click=move |_| show_solution.set(true)>{t(l, "solution")}</button>
                        </div>
                        <ul class="lesson-hints">
                            {move || s.hints.iter().take(hints.get()).map(|h| view! { <li>{rich(h.get(l))}</li> }).collect_view()}
                        </ul>
                        {move || show_solution.get().then(|| {
                            let sol = solution.clone();
                            view! {
                                <pre class="lesson-solution" id="lesson-solution-text">{sol.clone()}</pre>
                                <button class="tool" id="lesson-run-solution" on:click=move |_| run.run(sol.trim_end().to_string())>{t(l, "run-solution")}</button>
                            }
                        })}
                        {move || {
                            let r = results.get();
                            if r.is_empty() {
                                return ().into_any();
                            }
                            let all = r.iter().all(|(ok, _, _)| *ok);
                            view! {
                                <ul class="lesson-results" id="lesson-results">
                                    {r.into_iter().map(|(ok, says, detail)| view! {
                                        <li class=if ok { "pass" } else { "fail" }>
                                            {if ok { "✓ " } else { "✗ " }}{says}
                                            {(!ok && !detail.is_empty()).then(|| view! { <div class="detail">{detail}</div> })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {if all {
                                    view! { <p class="lesson-passed" id="lesson-passed">{t(l, "passed")}</p> <button class="tool primary" id="lesson-next" on:click=next>{t(l, "next")}</button> }.into_any()
                                } else {
                                    view! { <p class="hint">{t(l, "not-yet")}</p> }.into_any()
                                }}
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </aside>
    }
}
