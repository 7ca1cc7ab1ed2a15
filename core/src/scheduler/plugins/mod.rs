//! The default plugins, one file each, named as upstream: their Filter and Score functions.

pub mod image_locality;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_balanced_allocation;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod taint_toleration;

/// framework.Code for a Filter verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success,
    Unschedulable,
    UnschedulableAndUnresolvable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<String>,
    pub plugin: &'static str,
}

impl Status {
    pub fn success(plugin: &'static str) -> Self {
        Status { code: Code::Success, reasons: vec![], plugin }
    }
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }
}
