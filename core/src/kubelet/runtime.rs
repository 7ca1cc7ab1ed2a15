//! What a simulated container does once started, read from its command and arguments (or the
//! image's default): servers run until stopped; `sleep N` exits 0 after N seconds; `echo`
//! prints and exits; `exit N` / `false` fail; a shell image with no command exits at once (no
//! TTY), which is why `kubectl run busybox --image=busybox` ends in CrashLoopBackOff.

use super::images::{self, Behaviour};
use crate::api::time::{parse_duration, Millis};
use serde_json::Value;

/// What the node knows how to run beyond the images' own behaviour: the simulation hands each
/// kubelet the control-plane programs (kube-scheduler) so the kubelet needs no scheduler.
pub type Binaries = fn(&crate::apiserver::ApiServer, &Value, &Value, &std::collections::BTreeMap<String, String>) -> Option<Program>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    Forever { logs: String },
    Exits { after: Millis, code: i32, logs: String },
}

/// A process takes a moment to start and exit even when it does nothing.
const PROCESS_MS: Millis = 100;

fn words(c: &Value, field: &str) -> Vec<String> {
    c.get(field).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

pub fn program(c: &Value) -> Program {
    let command = words(c, "command");
    let args = words(c, "args");
    let image = c.get("image").and_then(Value::as_str).unwrap_or("");
    let behaviour = images::lookup(image).map(|(_, b)| b);
    let interactive = c.get("stdin").and_then(Value::as_bool) == Some(true);
    let argv: Vec<String> = if !command.is_empty() {
        command.into_iter().chain(args).collect()
    } else if behaviour == Some(Behaviour::Shell) {
        // shell images have CMD ["sh"]: args replace it
        args
    } else {
        // a server's entrypoint with extra args still serves
        return Program::Forever { logs: server_logs(image) };
    };
    // polinux/stress --vm-bytes N: allocates N; past the container's memory limit the kernel's
    // OOM killer ends it (exit 137, OOMKilled)
    if argv.iter().any(|a| a.rsplit('/').next() == Some("stress")) {
        let demand = argv.iter().position(|a| a == "--vm-bytes").and_then(|i| argv.get(i + 1)).and_then(|b| crate::api::quantity::Quantity::parse(&b.replace('M', "Mi").replace("Mii", "Mi")).ok());
        let limit = c.pointer("/resources/limits/memory").and_then(Value::as_str).and_then(|m| crate::api::quantity::Quantity::parse(m).ok());
        return match (demand, limit) {
            (Some(d), Some(l)) if d > l => Program::Exits { after: 1_000, code: 137, logs: "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n".into() },
            _ => Program::Forever { logs: "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n".into() },
        };
    }
    if argv.is_empty() {
        return if interactive { Program::Forever { logs: String::new() } } else { Program::Exits { after: PROCESS_MS, code: 0, logs: String::new() } };
    }
    run_argv(&argv, interactive)
}

fn server_logs(image: &str) -> String {
    match images::normalize(image).0.as_str() {
        "nginx" => "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Configuration complete; ready for start up\n".into(),
        "redis" => "1:M * Ready to accept connections tcp\n".into(),
        _ => String::new(),
    }
}

fn run_argv(argv: &[String], interactive: bool) -> Program {
    let bin = argv[0].rsplit('/').next().unwrap_or("");
    match bin {
        "sh" | "bash" | "ash" => match argv.iter().position(|a| a == "-c") {
            Some(i) => script(argv.get(i + 1).map(String::as_str).unwrap_or("")),
            None if interactive => Program::Forever { logs: String::new() },
            None => Program::Exits { after: PROCESS_MS, code: 0, logs: String::new() },
        },
        // one-liners (`perl -e …`, `python -c …`) compute for a moment and exit
        "perl" | "python" | "python3" | "node" | "ruby" if argv.iter().any(|a| a == "-e" || a == "-c" || a.starts_with("-M")) => Program::Exits { after: 2_000, code: 0, logs: String::new() },
        _ => script(&argv.iter().map(|a| if a.contains(' ') { format!("'{}'", a) } else { a.clone() }).collect::<Vec<_>>().join(" ")),
    }
}

/// A small shell script: `sleep`, `echo`, `exit`, `true`, `false` in sequence; loops and
/// `tail -f` run forever.
fn script(s: &str) -> Program {
    if s.contains("while ") || s.contains("tail -f") || s.contains("sleep infinity") || s.contains("until ") {
        return Program::Forever { logs: String::new() };
    }
    let mut after = PROCESS_MS;
    let mut logs = String::new();
    let mut code = 0;
    for stmt in s.split(|c| c == ';' || c == '\n').flat_map(|p| p.split("&&")) {
        let w = crate::text::shell::parse(stmt.trim()).ok().and_then(|l| l.pipelines.first().and_then(|p| p.commands.first().map(|c| c.words.clone()))).unwrap_or_default();
        let Some(cmd) = w.first() else { continue };
        match cmd.rsplit('/').next().unwrap_or("") {
            "sleep" => match w.get(1).map(String::as_str) {
                Some("infinity") => return Program::Forever { logs },
                Some(d) => after += parse_duration(d).unwrap_or(0).min(10 * 365 * 86_400_000),
                None => {}
            },
            "echo" => {
                let text: Vec<&str> = w[1..].iter().map(String::as_str).filter(|a| *a != "-n" && *a != "-e").collect();
                logs.push_str(&text.join(" "));
                logs.push('\n');
                code = 0;
            }
            "exit" => {
                code = w.get(1).and_then(|c| c.parse::<i32>().ok()).unwrap_or(0) & 0xff;
                return Program::Exits { after, code, logs };
            }
            "false" => code = 1,
            "true" | "date" | "hostname" | "printenv" | "env" | "ls" | "cat" | "id" | "whoami" | "pwd" | "uname" | "nslookup" | "wget" | "curl" | "touch" | "rm" | "mkdir" | "cp" | "mv" => code = 0,
            // servers and anything else keep running
            _ => return Program::Forever { logs },
        }
    }
    Program::Exits { after, code, logs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn programs() {
        assert_eq!(program(&json!({"image": "nginx"})), Program::Forever { logs: server_logs("nginx") });
        assert_eq!(program(&json!({"image": "busybox"})), Program::Exits { after: 100, code: 0, logs: String::new() });
        assert!(matches!(program(&json!({"image": "busybox", "stdin": true})), Program::Forever { .. }));
        assert_eq!(program(&json!({"image": "busybox", "command": ["sleep", "3600"]})), Program::Exits { after: 3_600_100, code: 0, logs: String::new() });
        assert_eq!(program(&json!({"image": "busybox", "args": ["sleep", "10"]})), Program::Exits { after: 10_100, code: 0, logs: String::new() });
        assert!(matches!(program(&json!({"image": "busybox", "command": ["sleep", "infinity"]})), Program::Forever { .. }));
        assert_eq!(program(&json!({"image": "busybox", "command": ["sh", "-c", "echo hello; sleep 5; exit 3"]})), Program::Exits { after: 5_100, code: 3, logs: "hello\n".into() });
        assert_eq!(program(&json!({"image": "busybox", "command": ["false"]})), Program::Exits { after: 100, code: 1, logs: String::new() });
        assert!(matches!(program(&json!({"image": "busybox", "command": ["sh", "-c", "while true; do echo hi; sleep 1; done"]})), Program::Forever { .. }));
        assert_eq!(program(&json!({"image": "busybox", "command": ["echo", "Hello Kubernetes!"]})), Program::Exits { after: 100, code: 0, logs: "Hello Kubernetes!\n".into() });
        // the CKA exercise: 250M of memory under a 100Mi limit is OOM-killed
        let stress = json!({"image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], "resources": {"limits": {"memory": "100Mi"}}});
        assert!(matches!(program(&stress), Program::Exits { code: 137, .. }));
        let fits = json!({"image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "150M"], "resources": {"limits": {"memory": "200Mi"}}});
        assert!(matches!(program(&fits), Program::Forever { .. }));
    }
}
