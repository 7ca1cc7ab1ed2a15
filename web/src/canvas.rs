//! The cluster canvas: node cards (status, roles, requests against allocatable, taints,
//! labels, their pods) with each node's menu, the unscheduled lane, the bin, and "add node".
//! Every action is a console command, run through the console so the learner sees it.

use crate::i18n::t;
use crate::inspector::{NodeSelection, Selection};
use kubesim::lessons::Lang;
use kubesim::view::{ClusterView, NodeView, PodView};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// A word as the shell reads it back: quoted when it holds anything but plain characters.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "._/=:,-+@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// What dragging a pod carries: namespace/name.
const DRAG_TYPE: &str = "text/plain";

thread_local! {
    /// When the drag of a pod chip began (ms since the epoch), until it is dropped or ends.
    static DRAG_SINCE: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

/// A pod chip is pressed or being dragged: the canvas must not be redrawn now. A redraw
/// between the press and the first move (where the browser starts the drag) replaced the
/// chip, and the browser then dragged whatever chip was drawn in its place — the bin deleted
/// the wrong pod (at 60× a node's card is redrawn every few seconds). A press whose end was
/// never reported stops counting after a while, so the canvas cannot freeze.
pub fn drag_in_progress() -> bool {
    DRAG_SINCE.with(|d| d.get().is_some_and(|t| js_sys::Date::now() - t < 20_000.0))
}

fn pressed() {
    DRAG_SINCE.with(|d| d.set(Some(js_sys::Date::now())));
}

fn drag_started(ev: &web_sys::DragEvent, what: &str) {
    if let Some(d) = ev.data_transfer() {
        let _ = d.set_data(DRAG_TYPE, what);
    }
    pressed();
}

fn drag_ended() {
    DRAG_SINCE.with(|d| d.set(None));
}

/// The pod a drop carries; the drag is over (so what the drop runs is drawn at once).
fn dropped_pod(ev: &web_sys::DragEvent) -> Option<(String, String)> {
    drag_ended();
    let data = ev.data_transfer().and_then(|d| d.get_data(DRAG_TYPE).ok())?;
    data.split_once('/').map(|(ns, n)| (ns.to_string(), n.to_string()))
}

#[component]
pub fn ClusterList(state: RwSignal<ClusterView>, selected: Selection, selected_node: NodeSelection, menu: RwSignal<Option<String>>, bind: Callback<(String, String, String)>, run: Callback<String>, edit: Callback<(String, String)>, lang: RwSignal<Lang>) -> impl IntoView {
    let adding = RwSignal::new(false);
    // zoom (CSS zoom of the canvas); past COMPACT_NODES nodes, or zoomed out, cards are drawn
    // compact: pods as coloured dots, no tags, so hundreds of nodes stay fluid
    let zoom = RwSignal::new(1.0f64);
    let compact = Memo::new(move |_| zoom.get() < 0.7 || state.with(|s| s.nodes.len() > COMPACT_NODES));
    // pods bound since the last drawing: their chips arrive in their node with an animation
    let bound = Memo::new(move |prev: Option<&(BTreeSet<String>, BTreeSet<String>)>| {
        let now: BTreeSet<String> = state.with(|s| s.nodes.iter().flat_map(|n| n.pods.iter().map(|p| format!("{}/{}", p.namespace, p.name))).collect());
        let arrived = match prev {
            Some((before, _)) => now.difference(before).cloned().collect(),
            None => BTreeSet::new(),
        };
        (now, arrived)
    });
    let arrived = Signal::derive(move || bound.with(|(_, a)| a.clone()));
    view! {
        <div class="zoom-controls" role="group" aria-label="zoom">
            <button id="zoom-out" class="tool" aria-label="zoom out" on:click=move |_| zoom.update(|z| *z = (*z / 1.25).max(0.3))>"−"</button>
            <span id="zoom-level">{move || format!("{:.0}%", zoom.get() * 100.0)}</span>
            <button id="zoom-in" class="tool" aria-label="zoom in" on:click=move |_| zoom.update(|z| *z = (*z * 1.25).min(2.0))>"+"</button>
            <button id="zoom-reset" class="tool" on:click=move |_| zoom.set(1.0)>"100%"</button>
        </div>
        <div class="nodes" class:compact=move || compact.get() style=move || format!("zoom: {}", zoom.get())>
            <For each=move || state.get().nodes key=move |n| (compact.get_untracked(), format!("{:?}", n)) children=move |n| {
                if compact.get_untracked() {
                    view! { <CompactNode n=n selected=selected selected_node=selected_node bind=bind /> }.into_any()
                } else {
                    view! { <NodeCard n=n selected=selected selected_node=selected_node bind=bind run=run edit=edit menu=menu lang=lang arrived=arrived /> }.into_any()
                }
            } />
            <div class="node add-node">
                {move || if adding.get() {
                    view! { <AddNode run=run adding=adding lang=lang next=move || next_node_name(&state.get_untracked()) /> }.into_any()
                } else {
                    view! { <button id="add-node" class="tool" on:click=move |_| adding.set(true)>{move || t(lang.get(), "add-node")}</button> }.into_any()
                }}
            </div>
        </div>
        <div class="pending">
            <div class="lane-title">{move || t(lang.get(), "unscheduled")}</div>
            <ul class="pods" id="pending">{move || state.get().pending.into_iter().map(|p| pod_chip(p, selected, false)).collect_view()}</ul>
            <div id="bin" class="bin" title=move || t(lang.get(), "bin-title")
                on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                on:drop=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    if let Some((ns, name)) = dropped_pod(&ev) {
                        run.run(format!("kubectl delete pod {} -n {}", shell_word(&name), shell_word(&ns)));
                    }
                }>{move || t(lang.get(), "bin")}</div>
        </div>
    }
}

/// More nodes than this are drawn compact.
const COMPACT_NODES: usize = 40;

/// A node at a glance: name, status, pod-count bar and a dot per pod (still a drop target;
/// dots still select and drag).
#[component]
fn CompactNode(n: NodeView, selected: Selection, selected_node: NodeSelection, bind: Callback<(String, String, String)>) -> impl IntoView {
    let node = n.name.clone();
    let pct = if n.pods_allocatable > 0 { (n.pods.len() as i128 * 100 / n.pods_allocatable).clamp(0, 100) } else { 0 };
    view! {
        <div class="node compact" data-node=n.name.clone() class:notready=n.status.starts_with("NotReady") class:cordoned=n.unschedulable title=format!("{} {}", n.name, n.status)
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                if let Some((ns, name)) = dropped_pod(&ev) {
                    bind.run((ns, name, node.clone()));
                }
            }>
            <div class="node-head">{node_name(&n.name, selected, selected_node)}</div>
            <span class="bar-track"><span class="bar-fill" style=format!("width: {}%", pct)></span></span>
            <ul class="pods dots">{n.pods.into_iter().map(|p| pod_dot(p, selected)).collect_view()}</ul>
        </div>
    }
}

fn pod_dot(p: PodView, selected: Selection) -> impl IntoView {
    let key = (p.namespace.clone(), p.name.clone());
    let drag = format!("{}/{}", p.namespace, p.name);
    view! {
        <li class=format!("pod dot status-{}", p.status.to_lowercase()) data-pod=p.name.clone() title=format!("{}/{} {}", p.namespace, p.name, p.status) tabindex="0" role="button" draggable="true"
            on:dragstart=move |ev: web_sys::DragEvent| drag_started(&ev, &drag)
            on:dragend=move |_| drag_ended()
            on:mousedown=move |_| pressed()
            on:mouseup=move |_| drag_ended()
            on:click=move |_| selected.set(Some(key.clone()))></li>
    }
}

/// A node's name, a button that shows the node in the inspector.
fn node_name(name: &str, selected: Selection, selected_node: NodeSelection) -> impl IntoView {
    let n = name.to_string();
    view! {
        <button class="node-name" title="inspect" on:click=move |_| {
            selected.set(None);
            selected_node.set(Some(n.clone()));
        }>{name.to_string()}</button>
    }
}

/// node01, node02, … : the first free name.
fn next_node_name(v: &ClusterView) -> String {
    (1..).map(|i| format!("node{:02}", i)).find(|n| !v.nodes.iter().any(|x| &x.name == n)).unwrap_or_default()
}

#[component]
fn NodeCard(n: NodeView, selected: Selection, selected_node: NodeSelection, bind: Callback<(String, String, String)>, run: Callback<String>, edit: Callback<(String, String)>, menu: RwSignal<Option<String>>, lang: RwSignal<Lang>, arrived: Signal<BTreeSet<String>>) -> impl IntoView {
    let node = n.name.clone();
    let pods = n.pods.clone();
    let open = {
        let node = node.clone();
        move || menu.get().as_deref() == Some(node.as_str())
    };
    let toggle = {
        let node = node.clone();
        move |_| menu.update(|m| *m = if m.as_deref() == Some(node.as_str()) { None } else { Some(node.clone()) })
    };
    let drop_node = node.clone();
    let menu_node = n.clone();
    view! {
        <div class="node" data-node=n.name.clone() class:notready=n.status.starts_with("NotReady") class:cordoned=n.unschedulable
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                if let Some((ns, name)) = dropped_pod(&ev) {
                    bind.run((ns, name, drop_node.clone()));
                }
            }>
            <div class="node-head">
                {node_name(&n.name, selected, selected_node)}
                <span class="node-status">{n.status.clone()}</span>
                <span class="node-roles">{n.roles.clone()}</span>
                <button class="node-menu-button" aria-haspopup="menu" aria-label=move || t(lang.get(), "node-actions") on:click=toggle>"⋮"</button>
            </div>
            {move || open().then(|| view! { <NodeMenu n=menu_node.clone() run=run edit=edit menu=menu lang=lang /> })}
            {bar("cpu", n.cpu_requested_milli, n.cpu_allocatable_milli, format!("{}m / {}m", n.cpu_requested_milli, n.cpu_allocatable_milli))}
            {bar("memory", n.memory_requested, n.memory_allocatable, format!("{}Mi / {}Mi", n.memory_requested / (1 << 20), n.memory_allocatable / (1 << 20)))}
            {bar("pods", pods.len() as i128, n.pods_allocatable, format!("{} / {}", pods.len(), n.pods_allocatable))}
            <div class="node-tags">
                {n.taints.iter().map(|t| view! { <span class="taint" title="taint">{t.clone()}</span> }).collect_view()}
                {n.labels.iter().map(|l| view! { <span class="label" title="label">{l.clone()}</span> }).collect_view()}
            </div>
            <ul class="pods">{
                let arrived = arrived.get_untracked();
                pods.into_iter().map(|p| { let new = arrived.contains(&format!("{}/{}", p.namespace, p.name)); pod_chip(p, selected, new) }).collect_view()
            }</ul>
        </div>
    }
}

/// A node's actions: each one the kubectl (or sim) command that does it.
#[component]
fn NodeMenu(n: NodeView, run: Callback<String>, edit: Callback<(String, String)>, menu: RwSignal<Option<String>>, lang: RwSignal<Lang>) -> impl IntoView {
    let name = shell_word(&n.name);
    let act = move |cmd: String| {
        move |_| {
            menu.set(None);
            run.run(cmd.clone());
        }
    };
    let n1 = name.clone();
    let node = n.name.clone();
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    // opened, the menu takes the focus (its first item), as a menu button's menu does
    Effect::new(move |_| {
        if let Some(el) = menu_ref.get() {
            focus_item(&el, |_, _| Some(0));
        }
    });
    view! {
        <div class="node-menu" role="menu" node_ref=menu_ref on:keydown=move |ev: web_sys::KeyboardEvent| menu_keys(&ev, menu, &node)>
            {if n.unschedulable {
                view! { <button role="menuitem" data-action="uncordon" on:click=act(format!("kubectl uncordon {}", name))>{move || t(lang.get(), "uncordon")}</button> }.into_any()
            } else {
                view! { <button role="menuitem" data-action="cordon" on:click=act(format!("kubectl cordon {}", name))>{move || t(lang.get(), "cordon")}</button> }.into_any()
            }}
            <button role="menuitem" data-action="drain" on:click=act(format!("kubectl drain {} --ignore-daemonsets", name))>{move || t(lang.get(), "drain")}</button>
            {if n.kubelet_running {
                view! { <button role="menuitem" data-action="stop" on:click=act(format!("sim node stop {}", name))>{move || t(lang.get(), "stop-kubelet")}</button> }.into_any()
            } else {
                view! { <button role="menuitem" data-action="start" on:click=act(format!("sim node start {}", name))>{move || t(lang.get(), "start-kubelet")}</button> }.into_any()
            }}
            <button role="menuitem" data-action="delete" on:click=act(format!("kubectl delete node {}", name))>{move || t(lang.get(), "delete-node")}</button>
            <button role="menuitem" data-action="edit" on:click={
                let node = n.name.clone();
                move |_| {
                    menu.set(None);
                    edit.run((format!("node/{}", node), String::new()));
                }
            }>{move || t(lang.get(), "edit")}</button>
            <div class="menu-section">{move || t(lang.get(), "taints")}</div>
            {n.taints.iter().map(|tn| {
                // `key=value:Effect` is removed as `key:Effect-`
                let (key, effect) = tn.rsplit_once(':').unwrap_or((tn.as_str(), ""));
                let key = key.split('=').next().unwrap_or(key);
                let cmd = format!("kubectl taint node {} {}-", n1, shell_word(&format!("{}:{}", key, effect)));
                view! { <span class="chip taint">{tn.clone()}<button class="remove" data-remove-taint=tn.clone() aria-label="remove" on:click=act(cmd)>"✕"</button></span> }
            }).collect_view()}
            <MenuForm form="taint" command=format!("kubectl taint node {}", n1.clone()) placeholder="key=value:NoSchedule" run=run menu=menu lang=lang />
            <div class="menu-section">{move || t(lang.get(), "labels")}</div>
            {n.labels.iter().map(|l| {
                let key = l.split('=').next().unwrap_or(l);
                let cmd = format!("kubectl label node {} {}-", name, shell_word(key));
                view! { <span class="chip label">{l.clone()}<button class="remove" data-remove-label=l.clone() aria-label="remove" on:click=act(cmd)>"✕"</button></span> }
            }).collect_view()}
            <MenuForm form="label" command=format!("kubectl label node {}", name.clone()) placeholder="disktype=ssd" run=run menu=menu lang=lang />
        </div>
    }
}

/// The menu's items, in order: its buttons and fields.
fn menu_items(menu: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let Ok(list) = menu.query_selector_all("button, input") else { return vec![] };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}

/// Focuses the item `pick(current, count)` chooses.
fn focus_item(menu: &web_sys::Element, pick: impl Fn(Option<usize>, usize) -> Option<usize>) {
    let items = menu_items(menu);
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let current = items.iter().position(|i| active.as_ref().is_some_and(|a| a == i.as_ref() as &web_sys::Element));
    if let Some(i) = pick(current, items.len()) {
        if let Some(item) = items.get(i) {
            let _ = item.focus();
        }
    }
}

/// The WAI-ARIA menu keys: ↓/↑ move through the items (wrapping), Home/End go to the first
/// and last, Escape closes the menu and gives the focus back to its ⋮ button.
fn menu_keys(ev: &web_sys::KeyboardEvent, menu: RwSignal<Option<String>>, node: &str) {
    use wasm_bindgen::JsCast;
    let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    match ev.key().as_str() {
        "ArrowDown" => focus_item(&el, |c, n| (n > 0).then(|| c.map_or(0, |c| (c + 1) % n))),
        "ArrowUp" => focus_item(&el, |c, n| (n > 0).then(|| c.map_or(n - 1, |c| (c + n - 1) % n))),
        "Home" => focus_item(&el, |_, n| (n > 0).then_some(0)),
        "End" => focus_item(&el, |_, n| n.checked_sub(1)),
        "Escape" => {
            menu.set(None);
            let button = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&format!(".node[data-node=\"{}\"] .node-menu-button", node.replace('"', ""))).ok().flatten());
            if let Some(b) = button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = b.focus();
            }
        }
        _ => return,
    }
    ev.prevent_default();
}

/// One line of input added to a command (`kubectl taint node N` + `key=value:Effect`).
#[component]
fn MenuForm(form: &'static str, command: String, placeholder: &'static str, run: Callback<String>, menu: RwSignal<Option<String>>, lang: RwSignal<Lang>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    view! {
        <form class="menu-form" data-form=form on:submit=move |ev| {
            ev.prevent_default();
            let v = text.get_untracked();
            if !v.trim().is_empty() {
                menu.set(None);
                run.run(format!("{} {}", command, shell_word(v.trim())));
            }
        }>
            <input name=form placeholder=placeholder prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            <button type="submit">{move || t(lang.get(), "add")}</button>
        </form>
    }
}

/// "Add node": the node a `kubeadm join` would bring, with its size, labels and taints.
#[component]
fn AddNode(run: Callback<String>, adding: RwSignal<bool>, lang: RwSignal<Lang>, next: impl Fn() -> String + 'static) -> impl IntoView {
    let name = RwSignal::new(next());
    let cpu = RwSignal::new("2".to_string());
    let memory = RwSignal::new("4Gi".to_string());
    let labels = RwSignal::new(String::new());
    let taints = RwSignal::new(String::new());
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let mut cmd = format!("sim node add {} --cpu {} --memory {}", shell_word(name.get_untracked().trim()), shell_word(cpu.get_untracked().trim()), shell_word(memory.get_untracked().trim()));
        for (flag, v) in [("--labels", labels.get_untracked()), ("--taints", taints.get_untracked())] {
            if !v.trim().is_empty() {
                cmd.push_str(&format!(" {} {}", flag, shell_word(v.trim())));
            }
        }
        adding.set(false);
        run.run(cmd);
    };
    let field = move |label: &'static str, id: &'static str, sig: RwSignal<String>, placeholder: &'static str| {
        view! {
            <label class="field">{move || t(lang.get(), label)}
                <input id=id placeholder=placeholder prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <form id="add-node-form" class="add-node-form" on:submit=submit>
            {field("node-name", "add-node-name", name, "node03")}
            {field("cpu", "add-node-cpu", cpu, "2")}
            {field("memory", "add-node-memory", memory, "4Gi")}
            {field("labels", "add-node-labels", labels, "disktype=ssd")}
            {field("taints", "add-node-taints", taints, "gpu=true:NoSchedule")}
            <div class="form-buttons">
                <button type="submit" id="add-node-submit">{move || t(lang.get(), "add")}</button>
                <button type="button" on:click=move |_| adding.set(false)>{move || t(lang.get(), "cancel")}</button>
            </div>
        </form>
    }
}

/// A requests-against-allocatable bar, as `kubectl describe node`'s "Allocated resources".
fn bar(what: &'static str, used: i128, total: i128, text: String) -> impl IntoView {
    let pct = if total > 0 { (used * 100 / total).clamp(0, 100) } else { 0 };
    let class = if pct >= 90 { "bar-fill full" } else { "bar-fill" };
    let title = format!("{} requests: {} ({}%)", what, text, pct);
    view! {
        <div class="bar" title=title data-bar=what>
            <span class="bar-name">{what}</span>
            <span class="bar-track"><span class=class style=format!("width: {}%", pct)></span></span>
            <span class="bar-text">{text}</span>
        </div>
    }
}

/// `arrived`: bound since the last drawing — the chip slides in from the unscheduled lane.
fn pod_chip(p: PodView, selected: Selection, arrived: bool) -> impl IntoView {
    let class = format!("pod status-{}{}", p.status.to_lowercase(), if arrived { " arrived" } else { "" });
    let key = (p.namespace.clone(), p.name.clone());
    let key2 = key.clone();
    let drag = format!("{}/{}", p.namespace, p.name);
    // a chip is a button for the keyboard too: Enter or Space selects it; it can be dragged
    // onto a node (a Binding) or onto the bin (deleted)
    view! {
        <li class=class data-pod=p.name.clone() title=format!("{}/{}", p.namespace, p.name) tabindex="0" role="button" draggable="true"
            on:dragstart=move |ev: web_sys::DragEvent| drag_started(&ev, &drag)
            on:dragend=move |_| drag_ended()
            on:mousedown=move |_| pressed()
            on:mouseup=move |_| drag_ended()
            on:click=move |_| selected.set(Some(key.clone()))
            on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); selected.set(Some(key2.clone())); }>
            <span class="pod-name">{p.name.clone()}</span>
            <span class="pod-status">{p.status.clone()}</span>
        </li>
    }
}
