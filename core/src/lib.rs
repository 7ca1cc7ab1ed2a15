//! kubesim: a Kubernetes cluster simulated in pure Rust. See ARCHITECTURE.md for the map.

pub mod api;
pub mod apiserver;
pub mod bench;
pub mod clock;
pub mod console;
pub mod controllers;
pub mod kubelet;
pub mod lessons;
pub mod proxy;
pub mod scheduler;
pub mod session;
pub mod soak;
pub mod sim;
pub mod store;
pub mod text;
pub mod view;
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod wasm_heap;
