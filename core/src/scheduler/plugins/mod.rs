//! The default plugins, one file each, named as upstream (pkg/scheduler/framework/plugins).
//! Each exposes the extension points it implements as plain functions over the typed
//! PodInfo / NodeInfo; `framework.rs` calls them in the profile's order.

pub mod default_binder;
pub mod helper;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_balanced_allocation;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod taint_toleration;

/// framework.Code
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success,
    /// the node does not fit now; preempting pods on it might help
    Unschedulable,
    /// the node cannot fit this pod whatever is preempted
    UnschedulableAndUnresolvable,
    Error,
    /// the plugin has nothing to do for this pod (PreFilter / PreScore)
    Skip,
}

/// framework.Status of a Filter plugin on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<String>,
    pub plugin: &'static str,
}

impl Status {
    pub fn new(code: Code, plugin: &'static str, reason: impl Into<String>) -> Status {
        Status { code, reasons: vec![reason.into()], plugin }
    }
    pub fn unschedulable(plugin: &'static str, reason: impl Into<String>) -> Status {
        Status::new(Code::Unschedulable, plugin, reason)
    }
    pub fn unresolvable(plugin: &'static str, reason: impl Into<String>) -> Status {
        Status::new(Code::UnschedulableAndUnresolvable, plugin, reason)
    }
}

/// What a Filter returns: Ok, or the failing status.
pub type FilterResult = Result<(), Status>;
