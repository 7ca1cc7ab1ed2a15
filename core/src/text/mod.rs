//! Text tools every layer may use and that use no component: the shell's word and line
//! parser, YAML as kubectl prints it, and Go's tabwriter.

pub mod shell;
pub mod table;
pub mod yaml;
