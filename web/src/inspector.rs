//! The inspector: the selected pod's place and phase, and the scheduler's reasoning for it —
//! nodes × Filter plugins (ok, skip, or the reason) and nodes × Score plugins (raw → normalized
//! × weight), the chosen node marked — from the same record `sim explain pod` prints.

use kubesim::console::Console;
use kubesim::scheduler::framework::Explanation;
use kubesim::view::ClusterView;
use leptos::prelude::*;

/// The selected pod: (namespace, name).
pub type Selection = RwSignal<Option<(String, String)>>;
/// The selected node (a pod's selection clears it).
pub type NodeSelection = RwSignal<Option<String>>;

/// What a reading kubectl command prints, on the cluster shown: the present or, while time
/// travelling, the past.
fn read(console: StoredValue<Console, LocalStorage>, past_console: StoredValue<Option<Console>, LocalStorage>, in_past: bool, cmd: &str) -> String {
    let out = if in_past {
        past_console.try_update_value(|pc| pc.as_mut().map(|c| c.probe(cmd))).flatten()
    } else {
        console.try_update_value(|c| c.probe(cmd))
    };
    out.map(|o| o.text).unwrap_or_default()
}

/// `kubectl describe` and `kubectl get -o yaml` of an object, as a learner would type them.
/// Which of the two sections are open survives the redrawing (every change of the cluster).
#[derive(Clone, Copy)]
struct Open {
    describe: RwSignal<bool>,
    yaml: RwSignal<bool>,
}

fn toggled(ev: &web_sys::Event) -> bool {
    use wasm_bindgen::JsCast;
    ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open())
}

fn describe_and_yaml(console: StoredValue<Console, LocalStorage>, past_console: StoredValue<Option<Console>, LocalStorage>, in_past: bool, what: &str, ns_flag: &str, open: Open) -> impl IntoView {
    let describe = format!("kubectl describe {}{}", what, ns_flag);
    let yaml = format!("kubectl get {}{} -o yaml", what, ns_flag);
    let described = read(console, past_console, in_past, &describe);
    let yamled = read(console, past_console, in_past, &yaml);
    view! {
        <details class="object-text" id="inspector-describe" open=open.describe.get_untracked() on:toggle=move |ev| open.describe.set(toggled(&ev))>
            <summary>{format!("$ {}", describe)}</summary>
            <pre>{described}</pre>
        </details>
        <details class="object-text" id="inspector-yaml" open=open.yaml.get_untracked() on:toggle=move |ev| open.yaml.set(toggled(&ev))>
            <summary>{format!("$ {}", yaml)}</summary>
            <pre>{yamled}</pre>
        </details>
    }
}

/// The explanation for the selected pod, recomputed only when its latest attempt changes
/// (re-running an attempt replays the store's history). In the past (`at`: the revision and
/// the pod's UID then), only an attempt made by then explains it.
fn explanation(console: StoredValue<Console, LocalStorage>, memo: StoredValue<Option<((String, String, i64, Option<i64>), Option<Explanation>)>, LocalStorage>, ns: &str, name: &str, at: Option<(i64, String)>) -> Option<Explanation> {
    let revision = match &at {
        None => console.with_value(|c| c.cluster.scheduler.attempt(c.cluster.api.store(), ns, name).map(|(_, a)| a.revision))?,
        Some(_) => 0,
    };
    let key = (ns.to_string(), name.to_string(), revision, at.as_ref().map(|(r, _)| *r));
    if let Some((k, e)) = memo.with_value(|m| m.clone()) {
        if k == key {
            return e;
        }
    }
    let e = console.with_value(|c| match &at {
        None => c.cluster.scheduler.explain(c.cluster.api.store(), ns, name),
        Some((r, uid)) => c.cluster.scheduler.explain_as_of(c.cluster.api.store(), ns, name, uid, *r),
    });
    memo.set_value(Some((key, e.clone())));
    e
}

#[component]
pub fn Inspector(console: StoredValue<Console, LocalStorage>, past: RwSignal<Option<i64>>, past_console: StoredValue<Option<Console>, LocalStorage>, state: RwSignal<ClusterView>, selected: Selection, selected_node: NodeSelection, lang: RwSignal<kubesim::lessons::Lang>, edit: Callback<(String, String)>, bind: Callback<(String, String, String)>, run: Callback<String>) -> impl IntoView {
    let memo = StoredValue::new_local(None);
    let open = Open { describe: RwSignal::new(true), yaml: RwSignal::new(false) };
    view! {
        <aside class="inspector" id="inspector">
            {move || {
                let Some((ns, name)) = selected.get() else {
                    if let Some(node) = selected_node.get() {
                        return node_view(console, past, past_console, state, &node, lang, edit, open).into_any();
                    }
                    return view! { <p class="hint">{crate::i18n::t(lang.get(), "select-pod")}</p> }.into_any();
                };
                let pod = state.with(|s| s.nodes.iter().flat_map(|n| n.pods.iter().map(move |p| (Some(n.name.clone()), p.clone()))).chain(s.pending.iter().map(|p| (None, p.clone()))).find(|(_, p)| p.namespace == ns && p.name == name));
                let Some((node, pod)) = pod else {
                    return view! { <p class="hint">{format!("pod {}/{} is gone", ns, name)}</p> }.into_any();
                };
                // in the past: the pod's UID then picks its attempt
                let at = past.get().map(|r| (r, past_console.with_value(|pc| pc.as_ref().and_then(|c| c.cluster.api.get_kind("Pod", &ns, &name)).map(|p| kubesim::api::str_at(&p, "/metadata/uid").to_string()).unwrap_or_default())));
                let in_past = at.is_some();
                let explained = explanation(console, memo, &ns, &name, at);
                let compacted = console.with_value(|c| c.cluster.scheduler.attempt(c.cluster.api.store(), &ns, &name).is_some_and(|(_, a)| a.revision < c.cluster.api.store().compacted()));
                view! {
                    <h2 class="inspector-title">{format!("pod/{}", pod.name)}
                        <button id="inspector-edit" class="tool" on:click={
                            let (name, ns) = (pod.name.clone(), pod.namespace.clone());
                            move |_| edit.run((format!("pod/{}", name), ns.clone()))
                        }>{crate::i18n::t(lang.get(), "edit")}</button>
                    </h2>
                    // what dragging does, for the keyboard: bind a pending pod, delete any pod
                    <div class="pod-actions">
                        {node.is_none().then(|| {
                            let target = RwSignal::new(String::new());
                            let nodes: Vec<String> = state.with_untracked(|s| s.nodes.iter().map(|n| n.name.clone()).collect());
                            let (name, ns) = (pod.name.clone(), pod.namespace.clone());
                            view! {
                                <select id="inspector-bind-node" aria-label="node" on:change=move |ev| target.set(event_target_value(&ev))>
                                    <option value="">{crate::i18n::t(lang.get(), "bind-to")}</option>
                                    {nodes.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                                </select>
                                <button id="inspector-bind" class="tool" on:click=move |_| {
                                    let n = target.get_untracked();
                                    if !n.is_empty() { bind.run((ns.clone(), name.clone(), n)); }
                                }>{crate::i18n::t(lang.get(), "bind")}</button>
                            }
                        })}
                        <button id="inspector-delete" class="tool" on:click={
                            let (name, ns) = (pod.name.clone(), pod.namespace.clone());
                            move |_| run.run(format!("kubectl delete pod {} -n {}", crate::canvas::shell_word(&name), crate::canvas::shell_word(&ns)))
                        }>{crate::i18n::t(lang.get(), "delete-pod")}</button>
                    </div>
                    <dl class="facts">
                        <dt>"Namespace"</dt><dd>{pod.namespace.clone()}</dd>
                        <dt>{crate::i18n::t(lang.get(), "status")}</dt><dd>{pod.status.clone()}</dd>
                        <dt>"Node"</dt><dd>{node.unwrap_or_else(|| "<none>".into())}</dd>
                    </dl>
                    {match explained {
                        None if in_past => view! { <p class="hint">{crate::i18n::t(lang.get(), "no-attempt-then")}</p> }.into_any(),
                        None if compacted => view! { <p class="hint">{crate::i18n::t(lang.get(), "compacted")}</p> }.into_any(),
                        None => view! { <p class="hint">{crate::i18n::t(lang.get(), "no-attempt")}</p> }.into_any(),
                        Some(e) => explanation_view(e).into_any(),
                    }}
                    {describe_and_yaml(console, past_console, in_past, &format!("pod {}", crate::canvas::shell_word(&pod.name)), &format!(" -n {}", crate::canvas::shell_word(&pod.namespace)), open)}
                }.into_any()
            }}
        </aside>
    }
}

/// A node: its status and allocation, then `kubectl describe node` (its pods, allocated
/// resources, conditions and events) and its YAML.
fn node_view(console: StoredValue<Console, LocalStorage>, past: RwSignal<Option<i64>>, past_console: StoredValue<Option<Console>, LocalStorage>, state: RwSignal<ClusterView>, node: &str, lang: RwSignal<kubesim::lessons::Lang>, edit: Callback<(String, String)>, open: Open) -> impl IntoView {
    let Some(n) = state.with(|s| s.nodes.iter().find(|n| n.name == node).cloned()) else {
        return view! { <p class="hint">{format!("node {} is gone", node)}</p> }.into_any();
    };
    let in_past = past.get().is_some();
    let name = n.name.clone();
    view! {
        <h2 class="inspector-title">{format!("node/{}", n.name)}
            <button id="inspector-edit" class="tool" on:click=move |_| edit.run((format!("node/{}", name), String::new()))>{crate::i18n::t(lang.get(), "edit")}</button>
        </h2>
        <dl class="facts" id="inspector-node">
            <dt>{crate::i18n::t(lang.get(), "status")}</dt><dd>{n.status.clone()}</dd>
            <dt>"Roles"</dt><dd>{n.roles.clone()}</dd>
            <dt>"cpu"</dt><dd>{format!("{}m / {}m", n.cpu_requested_milli, n.cpu_allocatable_milli)}</dd>
            <dt>"memory"</dt><dd>{format!("{}Mi / {}Mi", n.memory_requested / (1 << 20), n.memory_allocatable / (1 << 20))}</dd>
            <dt>"pods"</dt><dd>{format!("{} / {}", n.pods.len(), n.pods_allocatable)}</dd>
        </dl>
        {describe_and_yaml(console, past_console, in_past, &format!("node {}", crate::canvas::shell_word(&n.name)), "", open)}
    }
    .into_any()
}

fn explanation_view(e: Explanation) -> impl IntoView {
    let headline = match (&e.picked, &e.message) {
        (Some(n), _) => format!("Scheduled to {} by {}", n, e.scheduler),
        (None, Some(m)) => m.clone(),
        _ => String::new(),
    };
    let filters = e.filters.clone();
    let skipped = e.skipped_filters.clone();
    let used: Vec<(&'static str, i64)> = e.scores.iter().copied().filter(|(p, _)| e.nodes.iter().any(|n| n.scores.iter().any(|s| s.plugin == *p))).collect();
    let picked = e.picked.clone();
    let filter_rows = e.nodes.clone();
    let score_rows: Vec<_> = e.nodes.iter().filter(|n| !n.scores.is_empty()).cloned().collect();
    view! {
        <p class="headline" id="explain-headline">{headline}</p>
        <h3>"Filter"</h3>
        <div class="table-wrap">
            <table class="explain" id="explain-filter">
                <thead><tr><th>"Node"</th>{filters.iter().map(|f| view! { <th>{*f}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {filter_rows.into_iter().map(|n| {
                        let cells = filters.iter().map(|f| {
                            let (class, text) = match n.filters.iter().find(|(p, _)| p == f) {
                                Some((_, Ok(()))) if skipped.contains(f) => ("skip", "skip".to_string()),
                                Some((_, Ok(()))) => ("pass", "ok".to_string()),
                                Some((_, Err(r))) => ("fail", r.clone()),
                                None => ("none", "–".to_string()),
                            };
                            view! { <td class=class>{text}</td> }
                        }).collect_view();
                        view! { <tr><th>{n.node.clone()}</th>{cells}</tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!score_rows.is_empty()).then(|| view! {
            <h3>"Score"</h3>
            <div class="table-wrap">
                <table class="explain" id="explain-score">
                    <thead><tr><th>"Node"</th>{used.iter().map(|(p, w)| view! { <th>{format!("{} ×{}", p, w)}</th> }).collect_view()}<th>"Total"</th></tr></thead>
                    <tbody>
                        {score_rows.into_iter().map(|n| {
                            let chosen = picked.as_deref() == Some(n.node.as_str());
                            let cells = used.iter().map(|(p, _)| {
                                let text = n.scores.iter().find(|s| s.plugin == *p).map(|s| format!("{} → {} = {}", s.raw, s.normalized, s.weighted)).unwrap_or_else(|| "–".into());
                                view! { <td>{text}</td> }
                            }).collect_view();
                            view! { <tr class=if chosen { "chosen" } else { "" }><th>{if chosen { format!("{} ★", n.node) } else { n.node.clone() }}</th>{cells}<td class="total">{n.total}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {e.preemption.clone().map(|p| view! { <p class="hint">{format!("Preemption: {}", p)}</p> })}
    }
}
