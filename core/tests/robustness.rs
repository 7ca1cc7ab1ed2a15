//! Bad input never panics and never changes the cluster: each case checks the error text and
//! that the store's revision did not move.

use kubesim::console::Console;
use kubesim::sim::Cluster;

fn console() -> Console {
    Console::new(Cluster::default_cluster(7))
}

/// Runs input and returns (output, whether the store changed).
fn run(c: &mut Console, input: &str) -> (String, bool) {
    let before = c.cluster.api.store().revision();
    let out = c.run_script(input);
    (out, c.cluster.api.store().revision() != before)
}

#[test]
fn five_megabyte_paste_is_refused() {
    let mut c = console();
    let big = format!("kubectl apply -f - <<EOF\n{}\nEOF", "a: b\n".repeat(1_100_000));
    let (out, changed) = run(&mut c, &big);
    assert!(out.contains("refused"), "{}", &out[..out.len().min(300)]);
    assert!(!changed);
}

#[test]
fn manifest_over_the_apiserver_limit_is_refused() {
    let mut c = console();
    let body = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: \"{}\"\n", "a".repeat(3_200_000));
    let (out, changed) = run(&mut c, &format!("kubectl apply -f - <<EOF\n{}EOF\n", body));
    assert!(out.contains("Request entity too large: limit is 3145728"), "{}", &out[..out.len().min(300)]);
    assert!(!changed);
}

#[test]
fn binary_garbage_is_an_error() {
    let mut c = console();
    let garbage: String = (0u8..=255).cycle().take(4096).map(|b| char::from_u32(b as u32 * 7 + 1).unwrap_or('?')).collect();
    let (_, changed) = run(&mut c, &garbage);
    assert!(!changed);
    let (out, changed) = run(&mut c, &format!("kubectl apply -f - <<EOF\n{}\nEOF", garbage.replace("EOF", "")));
    assert!(out.starts_with("error:") || out.contains("error"), "{out}");
    assert!(!changed);
}

#[test]
fn deep_nesting_is_refused() {
    let mut c = console();
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let (out, changed) = run(&mut c, &format!("kubectl apply -f - <<EOF\n{}\nEOF", deep));
    assert!(out.contains("error parsing STDIN"), "{out}");
    assert!(!changed);
    let deep_map = format!("{}x: 1\n", (0..20_000).map(|i| format!("{}k:\n", " ".repeat(i % 50))).collect::<String>());
    let (_, changed) = run(&mut c, &format!("kubectl apply -f - <<EOF\n{}EOF", deep_map));
    assert!(!changed);
}

#[test]
fn unbalanced_quotes_and_missing_terminators() {
    let mut c = console();
    let (out, changed) = run(&mut c, "kubectl get pods -l \"app=x");
    assert_eq!(out, "bash: unexpected EOF while looking for matching `\"'\n");
    assert!(!changed);
    let (out, _) = run(&mut c, "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: late");
    assert_eq!(out, "bash: warning: here-document delimited by end-of-file (wanted `EOF')\nnamespace/late created\n");
}

#[test]
fn hostile_values_in_valid_yaml() {
    let mut c = console();
    for doc in [
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  containers:\n  - name: a\n    image: nginx\n    resources:\n      requests:\n        cpu: 99999999999999999999999999999999999999E\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  containers:\n  - name: a\n    image: nginx\n    resources:\n      requests:\n        cpu: -1\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [1, 2]\n",
        "apiVersion: v1\nkind: Pod\nmetadata: 5\n",
        "apiVersion: 7\nkind: true\n",
        "- a\n- b\n",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\nstatus:\n  capacity:\n    cpu: lots\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: \"99 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: a\n            image: busybox\n",
    ] {
        let (out, changed) = run(&mut c, &format!("kubectl apply -f - <<EOF\n{}EOF\n", doc));
        assert!(!out.is_empty());
        assert!(!changed, "{doc}\n{out}");
    }
}

#[test]
fn odd_console_lines() {
    let mut c = console();
    for line in ["kubectl", "kubectl get", "kubectl get ''", "kubectl get pods -o jsonpath='{.items[*'", "kubectl get pods -o custom-columns=", "kubectl get pods --sort-by='{{'", "kubectl -n", "kubectl get pods -l '!!'", "kubectl get pods --field-selector '=='", "kubectl taint nodes", "kubectl taint nodes node01 :NoSchedule", "kubectl label pods", "sleep -5", "sleep 99999999999999999999", "kubectl wait --for=condition=Ready pod/none --timeout=-1s", "etcdctl get", "sim node stop nothere", "kubectl delete", "kubectl run x --image=nginx --port=abc", "kubectl exec", "kubectl create deployment", "kubectl get pods ,,,", "kubectl get pod/", "kubectl cordon nothere", "\u{0}\u{1}\u{2}", "kubectl explain pods.spec.nope"] {
        let before = c.cluster.api.store().revision();
        let out = c.run_script(line);
        let _ = out;
        let after = c.cluster.api.store().revision();
        assert_eq!(before, after, "{line:?} changed the store");
    }
}

#[test]
fn same_seed_same_history() {
    let script = "kubectl run a --image=nginx\nkubectl create deployment d --image=redis\nsleep 30\nkubectl get pods -o wide\nkubectl get events -o yaml\n";
    let mut a = Console::new(Cluster::default_cluster(42));
    let mut b = Console::new(Cluster::default_cluster(42));
    assert_eq!(a.run_script(script), b.run_script(script));
    let sa: Vec<_> = a.cluster.api.store().range("/").map(|(k, e)| (k.clone(), e.value.to_string())).collect();
    let sb: Vec<_> = b.cluster.api.store().range("/").map(|(k, e)| (k.clone(), e.value.to_string())).collect();
    assert_eq!(sa, sb);
    let mut c = Console::new(Cluster::default_cluster(43));
    assert_ne!(a.run_script("kubectl get pods -o name"), c.run_script("kubectl get pods -o name -n kube-system"));
}

// Found by fuzzing (fuzz/fuzz_targets/console.rs): a ReplicationController whose selector its
// template's labels do not match was accepted, and its controller created pods it could never
// count, round after round. The apiserver refuses it (ValidateReplicationControllerSpec).
#[test]
fn replication_controller_selector_must_match_its_template() {
    let mut c = console();
    let rc = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: legacy\nspec:\n  replicas: 2\n  selector:\n    tier: other\n  template:\n    metadata:\n      labels:\n        app: legacy\n    spec:\n      containers:\n      - name: web\n        image: nginx\nEOF\n";
    let (out, changed) = run(&mut c, rc);
    assert_eq!(out, "The ReplicationController \"legacy\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"legacy\"}: `selector` does not match template `labels`\n");
    assert!(!changed);
}

// Found by fuzzing (console, the 30-minute run): a command line whose quote stayed open over
// many lines was parsed again from its start at every line (each parse itself line by line);
// an 80-line paste took 2.5 s. A line without a quote character cannot close the quote and
// is not parsed again; a command line of more than 500 lines is run as is (as bash does at
// end of input), like one of more than 64 KB.
#[test]
fn a_quote_open_over_many_lines() {
    let mut c = console();
    let outs = c.type_text(&format!("echo 'first\n{}last'", "middle\n".repeat(300)));
    assert_eq!(outs.len(), 1);
    assert_eq!(outs[0].text, format!("first\n{}last\n", "middle\n".repeat(300)));
    assert!(!c.needs_more());
    // quotes inside the open double quote do not close it
    let outs = c.type_text("echo \"it's\nstill 'open'\nnow closed\"");
    assert_eq!(outs.len(), 1);
    assert_eq!(outs[0].text, "it's\nstill 'open'\nnow closed\n");
    // more than 500 lines: given up with bash's end-of-input error; the console goes on
    let outs = c.type_text(&format!("echo \"open\n{}", "x'\n".repeat(600)));
    assert_eq!(outs[0].text, "bash: unexpected EOF while looking for matching `\"'\n");
    let _ = c.finish();
    assert!(c.run_script("kubectl get ns default").contains("default   Active"));
}

/// Every input fuzzing found (core/tests/fuzz-findings/TARGET-…) runs through its target's
/// path again: it must finish, and say what is expected of it.
#[test]
fn fuzz_findings_run_clean() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-findings");
    let mut seen = 0;
    for f in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()) {
        let name = f.file_name().to_string_lossy().to_string();
        let data = std::fs::read(f.path()).unwrap();
        let text = String::from_utf8_lossy(&data);
        assert!(name.starts_with("console-"), "{name}: unknown target");
        // as fuzz/fuzz_targets/console.rs runs it
        let mut c = Console::new(Cluster::empty(1));
        let mut out: String = c.type_text(&text).into_iter().map(|o| o.text).collect();
        out.extend(c.finish().map(|o| o.text));
        if name == "console-timeout-quote-over-many-lines" {
            assert!(out.starts_with("Error from server (BadRequest): invalid selector: 'involvedObject.na"), "{out}");
            assert!(out.ends_with("bash: unexpected EOF while looking for matching `\"'\n"), "{out}");
        }
        if name == "console-crash-run-overrides-kind" {
            assert!(out.starts_with("error: "), "{out}");
        }
        seen += 1;
    }
    assert!(seen >= 1);
}

// Found by fuzzing (console): `kubectl run --overrides` can change the generated object's kind
// or replace the object; the console panicked on a kind it does not serve. kubectl's decoder
// refuses such an object with its scheme's messages.
#[test]
fn run_overrides_that_change_the_kind() {
    let mut c = console();
    let (out, changed) = run(&mut c, r#"kubectl run x --image=nginx --override-type=json --overrides='[{"op":"replace","path":"/kind","value":"Foo"}]'"#);
    assert_eq!(out, "error: no kind \"Foo\" is registered for version \"v1\" in scheme \"k8s.io/kubectl/pkg/scheme/scheme.go:28\"\n");
    assert!(!changed);
    let (out, _) = run(&mut c, r#"kubectl run x --image=nginx --override-type=json --overrides='[{"op":"remove","path":"/kind"}]'"#);
    assert!(out.starts_with("error: Object 'Kind' is missing in '{"), "{out}");
    let (out, _) = run(&mut c, r#"kubectl run x --image=nginx --override-type=json --overrides='[{"op":"replace","path":"","value":"httpd"}]'"#);
    assert!(out.starts_with("error: "), "{out}");
    let (out, changed) = run(&mut c, r#"kubectl run x --image=nginx --overrides='{"kind":"Service"}'"#);
    assert!(out.starts_with("Error from server (BadRequest): Service in version \"v1\" cannot be handled as a Service"), "{out}");
    assert!(!changed);
}
