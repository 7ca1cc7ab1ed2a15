//! The console's commands, one entry each: the name typed, what runs it, whether it only reads
//! (a read-only console over the past runs only those) and what Tab offers after it. A new
//! command is one entry here and its own file.

use super::{etcdctl, kubectl, net, sed, sim_cmd, utils, Console, Out};

pub struct Command {
    pub name: &'static str,
    /// (console, the words after the command, standard input)
    pub run: fn(&mut Console, &[String], &str) -> Out,
    pub access: Access,
    /// what Tab offers for the words after it
    pub args: Args,
}

pub enum Access {
    /// prints without changing the cluster or the files
    Reads,
    /// may change something: refused in a read-only console
    Writes,
    /// kubectl: as its verb
    Kubectl,
}

pub enum Args {
    Nothing,
    /// file names (paths under the working directory)
    Files,
    /// a node name, as the first word
    Node,
    /// kubectl's verbs, flags, types and names
    Kubectl,
    /// `sim`'s subcommands and their objects
    Sim,
    /// etcdctl's commands, as the first word
    Etcdctl,
}

const fn cmd(name: &'static str, run: fn(&mut Console, &[String], &str) -> Out, access: Access, args: Args) -> Command {
    Command { name, run, access, args }
}

/// Worker nodes have no kubeconfig for kubectl (the CKA exam's nodes).
const NO_KUBECONFIG: &str = "E1123 00:00:00.000000    1234 memcache.go:265] couldn't get current server API group list: Get \"http://localhost:8080/api?timeout=32s\": dial tcp 127.0.0.1:8080: connect: connection refused\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?";

fn kubectl(c: &mut Console, args: &[String], stdin: &str) -> Out {
    if c.host.as_deref().is_some_and(|h| Some(h) != c.cluster.control_plane.as_deref()) {
        return Out::err(NO_KUBECONFIG);
    }
    kubectl::run(c, args, stdin)
}

const KUBELET_STATUS: &str = "● kubelet.service - kubelet: The Kubernetes Node Agent\n     Loaded: loaded (/usr/lib/systemd/system/kubelet.service; enabled; preset: enabled)\n     Active: active (running)\n";

/// Every command, by name.
pub const COMMANDS: &[Command] = &[
    cmd("cat", |c, a, i| utils::cat(c, a, i), Access::Writes, Args::Files),
    cmd("cd", |c, a, _| c.cd(a), Access::Writes, Args::Files),
    cmd("chmod", |_, _, _| Out::ok(""), Access::Writes, Args::Files),
    cmd("chown", |_, _, _| Out::ok(""), Access::Writes, Args::Files),
    cmd("clear", |_, _, _| Out::ok(""), Access::Reads, Args::Nothing),
    cmd("cp", |c, a, _| c.mv_cp(a, true), Access::Writes, Args::Files),
    cmd("curl", |c, a, _| net::curl(c, a), Access::Writes, Args::Nothing),
    cmd("echo", |_, a, _| utils::echo(a), Access::Reads, Args::Nothing),
    cmd("etcdctl", |c, a, _| etcdctl::run(&mut c.cluster, a), Access::Writes, Args::Etcdctl),
    cmd("exit", |c, _, _| c.exit_host(), Access::Writes, Args::Nothing),
    cmd("export", |_, _, _| Out::ok(""), Access::Writes, Args::Nothing),
    cmd("false", |_, _, _| Out { code: 1, ..Default::default() }, Access::Reads, Args::Nothing),
    cmd("grep", |c, a, i| utils::grep(a, i, &|f| c.read_file(f)), Access::Reads, Args::Files),
    cmd("head", |_, a, i| utils::head_tail("head", a, i), Access::Reads, Args::Files),
    cmd("help", |_, _, _| Out::ok(utils::HELP), Access::Reads, Args::Nothing),
    cmd("hostname", |c, _, _| Out::ok(format!("{}\n", c.host.as_deref().unwrap_or("controlplane"))), Access::Reads, Args::Nothing),
    cmd("iptables", |c, a, _| net::iptables(c, a), Access::Writes, Args::Nothing),
    cmd("k", kubectl, Access::Kubectl, Args::Kubectl),
    cmd("kubectl", kubectl, Access::Kubectl, Args::Kubectl),
    cmd("logout", |c, _, _| c.exit_host(), Access::Writes, Args::Nothing),
    cmd("ls", |c, a, _| utils::ls(c, a), Access::Writes, Args::Files),
    cmd("mkdir", |c, a, _| c.mkdir(a), Access::Writes, Args::Files),
    cmd("mv", |c, a, _| c.mv_cp(a, false), Access::Writes, Args::Files),
    cmd("ps", |c, _, _| c.ps(), Access::Writes, Args::Nothing),
    cmd("pwd", |c, _, _| Out::ok(format!("{}\n", c.cwd)), Access::Reads, Args::Nothing),
    cmd("rm", |c, a, _| utils::rm(c, a), Access::Writes, Args::Files),
    cmd("sed", |c, a, i| sed::sed(c, a, i), Access::Writes, Args::Files),
    cmd("sim", |c, a, _| sim_cmd::run(c, a), Access::Writes, Args::Sim),
    cmd("sleep", |c, a, _| utils::sleep(c, a), Access::Writes, Args::Nothing),
    cmd("ssh", |c, a, _| c.ssh(a), Access::Writes, Args::Node),
    cmd("sudo", |c, a, i| c.run_command(a, i), Access::Writes, Args::Nothing),
    cmd("systemctl", |_, a, _| Out::ok(if a.iter().any(|a| a == "status") { KUBELET_STATUS } else { "" }), Access::Writes, Args::Nothing),
    cmd("tail", |_, a, i| utils::head_tail("tail", a, i), Access::Reads, Args::Files),
    cmd("touch", |c, a, _| c.touch(a), Access::Writes, Args::Files),
    cmd("true", |_, _, _| Out::ok(""), Access::Reads, Args::Nothing),
    cmd("unset", |_, _, _| Out::ok(""), Access::Writes, Args::Nothing),
    cmd("wc", |_, a, i| utils::wc(a, i), Access::Reads, Args::Files),
    cmd("wget", |c, a, _| net::curl(c, &a.iter().filter(|a| !a.starts_with('-') || a.as_str() == "-v").cloned().collect::<Vec<_>>()), Access::Writes, Args::Nothing),
    cmd("xargs", utils::xargs, Access::Writes, Args::Nothing),
];

pub fn command(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Whether `NAME ARGS` only reads: refused otherwise in a read-only console (an unknown
/// command too: it might be one a later version runs).
pub fn reads_only(name: &str, args: &[String]) -> bool {
    match command(name).map(|c| &c.access) {
        Some(Access::Reads) => true,
        Some(Access::Kubectl) => kubectl::reads_only(args),
        _ => false,
    }
}
