//! Panning the canvas: dragging it anywhere but on a pod (which drags: a Binding, the bin), a
//! control or a field scrolls it, as in map views — the background, a node card's bars and
//! tags, the lane.

use std::cell::Cell;
use wasm_bindgen::JsCast;

thread_local! {
    /// Where the pointer was at the last move of a pan under way.
    static FROM: Cell<Option<(i32, i32)>> = const { Cell::new(None) };
}

/// The element under the pointer can be grabbed: not a pod, a control, a field or a menu.
fn grabbable(ev: &web_sys::PointerEvent) -> bool {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| el.closest(".pod, button, input, select, textarea, a, .node-menu, .add-node, .zoom-controls, .past-banner, #bin").ok().flatten().is_none())
}

pub fn down(ev: web_sys::PointerEvent) {
    if ev.button() == 0 && grabbable(&ev) {
        FROM.with(|f| f.set(Some((ev.client_x(), ev.client_y()))));
        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = el.class_list().add_1("panning");
            // the pan goes on if the pointer leaves the canvas while the button is held
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        ev.prevent_default();
    }
}

pub fn moved(ev: web_sys::PointerEvent) {
    let Some((x, y)) = FROM.with(Cell::get) else { return };
    if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        el.set_scroll_left(el.scroll_left() - (ev.client_x() - x));
        el.set_scroll_top(el.scroll_top() - (ev.client_y() - y));
    }
    FROM.with(|f| f.set(Some((ev.client_x(), ev.client_y()))));
}

pub fn up(ev: web_sys::PointerEvent) {
    if FROM.with(|f| f.take()).is_some() {
        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = el.class_list().remove_1("panning");
        }
    }
}
