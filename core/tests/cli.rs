//! The headless console's contract (BRIEF.md): `kubesim [--seed N] [--empty] [FILE]`, exit 0
//! at end of input even after failed commands, exit 2 for its own usage errors, local files
//! readable by `kubectl apply -f`.

use std::io::Write;
use std::process::{Command, Stdio};

fn kubesim(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubesim")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("binary runs");
    child.stdin.take().expect("piped").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("exits");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

#[test]
fn reads_stdin_and_exits_zero_after_errors() {
    let (out, _, code) = kubesim(&[], "kubectl get podz\nkubectl get nodes -o name\n");
    assert_eq!(out, "error: the server doesn't have a resource type \"podz\"\nnode/controlplane\nnode/node01\nnode/node02\n");
    assert_eq!(code, 0);
}

#[test]
fn empty_cluster_has_no_nodes_and_no_system_workloads() {
    let (out, _, code) = kubesim(&["--empty"], "kubectl get nodes\nkubectl get pods -A\nkubectl run x --image=nginx\nkubectl get events --field-selector reason=FailedScheduling -o jsonpath='{.items[0].message}'\n");
    assert_eq!(out, "No resources found\nNo resources found\npod/x created\nno nodes available to schedule pods");
    assert_eq!(code, 0);
}

#[test]
fn usage_errors_exit_two() {
    for args in [&["--bogus"][..], &["--seed"], &["--seed", "x"], &["a", "b"]] {
        let (_, err, code) = kubesim(args, "");
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains("usage: kubesim"), "{err}");
    }
}

#[test]
fn runs_a_file_and_applies_local_manifests() {
    let dir = std::env::temp_dir().join(format!("kubesim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = dir.join("pod.yaml");
    std::fs::write(&manifest, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-file\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n").unwrap();
    let script = dir.join("script.txt");
    std::fs::write(&script, format!("kubectl apply -f {}\nkubectl get pod from-file -o jsonpath='{{.spec.containers[0].image}}'\n", manifest.display())).unwrap();
    let (out, _, code) = kubesim(&["--seed", "3", script.to_str().unwrap()], "");
    assert_eq!(out, "pod/from-file created\nbusybox");
    assert_eq!(code, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_seed_picks_the_names() {
    let script = "kubectl get pods -n kube-system -l k8s-app=kube-proxy -o name\n";
    let (a, _, _) = kubesim(&["--seed", "5"], script);
    let (b, _, _) = kubesim(&["--seed", "5"], script);
    let (c, _, _) = kubesim(&["--seed", "6"], script);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

// `kubesim lesson list` prints the shipped lessons as a table; `kubesim lesson check FILE`
// verifies a lesson and exits 1 when a check cannot pass (a runner's convention), naming the
// step and the check.
#[test]
fn lesson_list_and_check() {
    let (out, _, code) = kubesim(&["lesson", "list"], "");
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["ID", "TOPIC", "STEPS", "TITLE"]);
    assert!(out.lines().any(|l| l.starts_with("taints-tolerations ")));
    assert!(lines.count() >= 18);

    let dir = std::env::temp_dir().join(format!("kubesim-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.yaml");
    std::fs::write(&good, "id: demo\ntopic: pods-yaml\ntitle: {en: Demo, ko: 데모}\nintro: {en: Run a pod, ko: Pod 실행}\nsteps:\n- task: {en: Run web, ko: web 실행}\n  solution: kubectl run web --image=nginx\n  checks:\n  - pod: web\n    exists: true\n").unwrap();
    let (out, _, code) = kubesim(&["lesson", "check", good.to_str().unwrap()], "");
    assert_eq!(code, 0, "{}", out);
    assert!(out.starts_with("ok   "), "{}", out);
    // a solution that does not do what the check asks
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "id: demo\ntopic: pods-yaml\ntitle: {en: Demo, ko: 데모}\nintro: {en: Run a pod, ko: Pod 실행}\nsteps:\n- task: {en: Run web, ko: web 실행}\n  solution: kubectl run web --image=nginx\n  checks:\n  - pod: web\n    node: controlplane\n").unwrap();
    let (out, _, code) = kubesim(&["lesson", "check", bad.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(out.contains("FAIL") && out.contains("step 1: after the solution") && out.contains("node is"), "{}", out);
    let (out, _, code) = kubesim(&["lesson", "check", "/nonexistent/lesson.yaml"], "");
    assert_eq!(code, 1);
    assert!(out.contains("FAIL /nonexistent/lesson.yaml"), "{}", out);
    let (_, err, code) = kubesim(&["lesson", "frobnicate"], "");
    assert_eq!(code, 2);
    assert!(err.contains("lesson list"));
    let _ = std::fs::remove_dir_all(&dir);
}
