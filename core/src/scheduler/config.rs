//! KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): profiles, plugins enabled and
//! disabled per extension point (multiPoint first, then the specific points), score weights and
//! pluginConfig args — resolved into `Profile`s the way kube-scheduler merges them with its
//! defaults.

use super::framework::{Profile, FILTER_PLUGINS, KNOWN_PLUGINS, SCORE_PLUGINS};
use super::plugins::{inter_pod_affinity, node_resources_fit, pod_topology_spread};
use serde_json::Value;

pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";

fn known(name: &str) -> Result<&'static str, String> {
    KNOWN_PLUGINS.iter().copied().find(|p| *p == name).ok_or_else(|| format!("plugin {:?} does not exist", name))
}

fn plugin_list(set: &Value, which: &str) -> Vec<(String, i64)> {
    set.get(which)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| (p.get("name").and_then(Value::as_str).unwrap_or("").to_string(), p.get("weight").and_then(Value::as_i64).unwrap_or(0)))
        .collect()
}

/// Applies one extension point's enabled/disabled lists to `filters` / `scores`.
fn apply_point(set: Option<&Value>, filters: Option<&mut Vec<&'static str>>, scores: Option<&mut Vec<(&'static str, i64)>>) -> Result<(), String> {
    let Some(set) = set else { return Ok(()) };
    let disabled = plugin_list(set, "disabled");
    let enabled = plugin_list(set, "enabled");
    for (name, _) in disabled.iter().chain(enabled.iter()) {
        if name != "*" {
            known(name)?;
        }
    }
    let off = |name: &str| disabled.iter().any(|(d, _)| d == "*" || d == name);
    if let Some(f) = filters {
        f.retain(|p| !off(p));
        for (name, _) in &enabled {
            let n = known(name)?;
            if FILTER_PLUGINS.contains(&n) {
                f.retain(|p| *p != n);
                f.push(n);
            }
        }
    }
    if let Some(s) = scores {
        s.retain(|(p, _)| !off(p));
        for (name, w) in &enabled {
            let n = known(name)?;
            if let Some((_, default_w)) = SCORE_PLUGINS.iter().find(|(p, _)| *p == n) {
                if *w < 0 {
                    return Err(format!("profiles[].plugins.score.enabled[{}].weight: Invalid value: {}: must be a positive integer", n, w));
                }
                let weight = if *w > 0 { *w } else if s.iter().any(|(p, _)| *p == n) { s.iter().find(|(p, _)| *p == n).map_or(*default_w, |x| x.1) } else { 1 };
                s.retain(|(p, _)| *p != n);
                s.push((n, weight));
            }
        }
    }
    Ok(())
}

/// Whether a plugin stays enabled at an extension point that has it by default (DefaultBinder
/// at bind, PrioritySort at queueSort): disabled by name or by "*" in multiPoint or at the
/// point itself, enabled again by name.
fn stays(plugins: Option<&Value>, point: &str, plugin: &str) -> bool {
    let mut on = true;
    for set in [plugins.and_then(|x| x.get("multiPoint")), plugins.and_then(|x| x.get(point))].into_iter().flatten() {
        if plugin_list(set, "disabled").iter().any(|(d, _)| d == "*" || d == plugin) {
            on = false;
        }
        if plugin_list(set, "enabled").iter().any(|(e, _)| e == plugin) {
            on = true;
        }
    }
    on
}

fn profile(v: &Value, global_pct: Option<i64>) -> Result<Profile, String> {
    let name = v.get("schedulerName").and_then(Value::as_str).unwrap_or(super::DEFAULT_SCHEDULER);
    let mut p = Profile::default_profile(name);
    p.percentage_of_nodes_to_score = v.get("percentageOfNodesToScore").and_then(Value::as_i64).or(global_pct);
    if let Some(pct) = p.percentage_of_nodes_to_score {
        if !(0..=100).contains(&pct) {
            return Err(format!("percentageOfNodesToScore: Invalid value: {}: not in valid range [0-100]", pct));
        }
    }
    let plugins = v.get("plugins");
    let point = |k: &str| plugins.and_then(|x| x.get(k));
    let mut preemption = vec!["DefaultPreemption"];
    apply_point(point("multiPoint"), Some(&mut p.filters), Some(&mut p.scores))?;
    if let Some(mp) = point("multiPoint") {
        let off = plugin_list(mp, "disabled");
        if off.iter().any(|(d, _)| d == "*" || d == "DefaultPreemption") {
            preemption.clear();
        }
        if plugin_list(mp, "enabled").iter().any(|(e, _)| e == "DefaultPreemption") {
            preemption = vec!["DefaultPreemption"];
        }
    }
    apply_point(point("filter"), Some(&mut p.filters), None)?;
    apply_point(point("score"), None, Some(&mut p.scores))?;
    if let Some(pf) = point("postFilter") {
        let off = plugin_list(pf, "disabled");
        if off.iter().any(|(d, _)| d == "*" || d == "DefaultPreemption") {
            preemption.clear();
        }
        for (e, _) in plugin_list(pf, "enabled") {
            known(&e)?;
            if e == "DefaultPreemption" {
                preemption = vec!["DefaultPreemption"];
            }
        }
    }
    // the remaining points only need known names
    for k in ["queueSort", "preEnqueue", "preFilter", "preScore", "reserve", "permit", "preBind", "bind", "postBind"] {
        apply_point(point(k), None, None)?;
    }
    p.preemption = !preemption.is_empty();
    for pc in v.get("pluginConfig").and_then(Value::as_array).into_iter().flatten() {
        let name = pc.get("name").and_then(Value::as_str).unwrap_or("");
        known(name)?;
        let args = pc.get("args").cloned().unwrap_or(Value::Null);
        plugin_args(&mut p, name, &args)?;
    }
    Ok(p)
}

fn resources(v: Option<&Value>) -> Option<Vec<(String, i64)>> {
    v.and_then(Value::as_array).map(|a| a.iter().map(|r| (r.get("name").and_then(Value::as_str).unwrap_or("").to_string(), r.get("weight").and_then(Value::as_i64).unwrap_or(1))).collect())
}

fn plugin_args(p: &mut Profile, name: &str, args: &Value) -> Result<(), String> {
    match name {
        "NodeResourcesFit" => {
            let mut a = node_resources_fit::Args::default();
            if let Some(s) = args.get("scoringStrategy") {
                if let Some(r) = resources(s.get("resources")) {
                    a.resources = r;
                }
                a.strategy = match s.get("type").and_then(Value::as_str).unwrap_or("LeastAllocated") {
                    "LeastAllocated" => node_resources_fit::Strategy::LeastAllocated,
                    "MostAllocated" => node_resources_fit::Strategy::MostAllocated,
                    "RequestedToCapacityRatio" => {
                        let shape: Vec<(i64, i64)> = s
                            .pointer("/requestedToCapacityRatio/shape")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .map(|pt| (pt.get("utilization").and_then(Value::as_i64).unwrap_or(0), pt.get("score").and_then(Value::as_i64).unwrap_or(0)))
                            .collect();
                        if shape.is_empty() {
                            return Err("scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified".into());
                        }
                        node_resources_fit::Strategy::RequestedToCapacityRatio(shape)
                    }
                    other => return Err(format!("scoringStrategy.type: Unsupported value: {:?}: supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"", other)),
                };
            }
            a.ignored_resources = args.get("ignoredResources").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
            a.ignored_resource_groups = args.get("ignoredResourceGroups").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
            p.fit = a;
        }
        "NodeResourcesBalancedAllocation" => {
            if let Some(r) = resources(args.get("resources")) {
                p.balanced = r;
            }
        }
        "PodTopologySpread" => {
            let listed: Vec<(i64, String, bool)> = args
                .get("defaultConstraints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| (c.get("maxSkew").and_then(Value::as_i64).unwrap_or(1), c.get("topologyKey").and_then(Value::as_str).unwrap_or("").to_string(), c.get("whenUnsatisfiable").and_then(Value::as_str) == Some("DoNotSchedule")))
                .collect();
            match args.get("defaultingType").and_then(Value::as_str).unwrap_or("System") {
                "System" if !listed.is_empty() => return Err("defaultConstraints: Invalid value: when .defaultingType=\"System\", .defaultConstraints must be empty".into()),
                "System" => p.spread = pod_topology_spread::Args::default(),
                "List" => p.spread = pod_topology_spread::Args { default_constraints: listed, system_defaulted: false },
                other => return Err(format!("defaultingType: Unsupported value: {:?}: supported values: \"List\", \"System\"", other)),
            }
        }
        "InterPodAffinity" => {
            let mut a = inter_pod_affinity::Args::default();
            if let Some(w) = args.get("hardPodAffinityWeight").and_then(Value::as_i64) {
                if !(0..=100).contains(&w) {
                    return Err(format!("hardPodAffinityWeight: Invalid value: {}: not in valid range [0-100]", w));
                }
                a.hard_pod_affinity_weight = w;
            }
            a.ignore_preferred_terms_of_existing_pods = args.get("ignorePreferredTermsOfExistingPods").and_then(Value::as_bool).unwrap_or(false);
            p.affinity = a;
        }
        _ => {}
    }
    Ok(())
}

/// Parses a KubeSchedulerConfiguration document (YAML or JSON) into its profiles.
pub fn parse(text: &str) -> Result<Vec<Profile>, String> {
    let v: Value = serde_yaml::from_str(text).map_err(|e| format!("couldn't decode as KubeSchedulerConfiguration: {}", e))?;
    let api = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "KubeSchedulerConfiguration" || api != API_VERSION {
        return Err(format!("no kind {:?} is registered for version {:?} in scheme \"pkg/scheduler/apis/config/scheme/scheme.go:30\"", kind, api));
    }
    let global = v.get("percentageOfNodesToScore").and_then(Value::as_i64);
    let list = v.get("profiles").and_then(Value::as_array).cloned().unwrap_or_default();
    if list.is_empty() {
        let mut p = Profile::default_profile(super::DEFAULT_SCHEDULER);
        p.percentage_of_nodes_to_score = global;
        return Ok(vec![p]);
    }
    let mut out: Vec<Profile> = vec![];
    for (i, pv) in list.iter().enumerate() {
        let p = profile(pv, global).map_err(|e| format!("profiles[{}].{}", i, e))?;
        // the framework's own checks when kube-scheduler builds the profile (NewFramework):
        // kubesim's only binder and queue sort are DefaultBinder and PrioritySort
        let plugins = pv.get("plugins");
        let fail = |why: String| format!("initializing profiles: creating profile for scheduler name {}: {}", p.scheduler_name, why);
        if !stays(plugins, "queueSort", "PrioritySort") {
            return Err(fail(format!("only one queue sort plugin required for profile with scheduler name {:?}, but got 0", p.scheduler_name)));
        }
        if !stays(plugins, "bind", super::plugins::default_binder::NAME) {
            return Err(fail(format!("at least one bind plugin is needed for profile with scheduler name {:?}", p.scheduler_name)));
        }
        if out.iter().any(|o| o.scheduler_name == p.scheduler_name) {
            return Err(format!("profiles[{}].schedulerName: Duplicate value: {:?}", i, p.scheduler_name));
        }
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The kube-scheduler docs' "Scheduling Profiles" examples: disabling score plugins for a
    // second profile, and a single multiPoint plugin with a changed weight.
    #[test]
    fn profiles_and_weights() {
        let cfg = r#"
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
  - schedulerName: no-scoring-scheduler
    plugins:
      preScore:
        disabled:
        - name: '*'
      score:
        disabled:
        - name: '*'
  - schedulerName: packer
    plugins:
      multiPoint:
        enabled:
        - name: NodeAffinity
          weight: 5
    pluginConfig:
    - name: NodeResourcesFit
      args:
        scoringStrategy:
          type: MostAllocated
"#;
        let ps = parse(cfg).unwrap();
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0], Profile::default_profile("default-scheduler"));
        assert!(ps[1].scores.is_empty());
        assert_eq!(ps[1].filters, FILTER_PLUGINS.to_vec());
        assert_eq!(ps[2].scores.iter().find(|(p, _)| *p == "NodeAffinity"), Some(&("NodeAffinity", 5)));
        assert_eq!(ps[2].fit.strategy, node_resources_fit::Strategy::MostAllocated);
    }

    #[test]
    fn errors() {
        let bad = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: x\n  plugins:\n    filter:\n      enabled:\n      - name: NodeFoo\n";
        assert_eq!(parse(bad).unwrap_err(), "profiles[0].plugin \"NodeFoo\" does not exist");
        assert!(parse("apiVersion: kubescheduler.config.k8s.io/v1beta2\nkind: KubeSchedulerConfiguration\n").unwrap_err().starts_with("no kind \"KubeSchedulerConfiguration\" is registered for version \"kubescheduler.config.k8s.io/v1beta2\""));
        // no profiles: one default profile
        assert_eq!(parse("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n").unwrap(), vec![Profile::default_profile("default-scheduler")]);
        let off = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: TaintToleration\n";
        let p = &parse(off).unwrap()[0];
        assert!(!p.filters.contains(&"TaintToleration"));
        assert!(!p.scores.iter().any(|(n, _)| *n == "TaintToleration"));
    }

    // framework.go NewFramework (TestNewFrameworkErrors "invalid framework configuration"): a
    // profile without a bind plugin, or without its queue sort, does not start.
    #[test]
    fn a_profile_needs_a_binder_and_a_queue_sort() {
        let head = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: my-scheduler\n  plugins:\n";
        assert_eq!(
            parse(&format!("{head}    bind:\n      disabled:\n      - name: DefaultBinder\n")).unwrap_err(),
            "initializing profiles: creating profile for scheduler name my-scheduler: at least one bind plugin is needed for profile with scheduler name \"my-scheduler\""
        );
        assert!(parse(&format!("{head}    multiPoint:\n      disabled:\n      - name: '*'\n")).unwrap_err().contains("only one queue sort plugin required"));
        // disabled everywhere, then enabled again at its point: fine
        assert!(parse(&format!("{head}    multiPoint:\n      disabled:\n      - name: '*'\n    queueSort:\n      enabled:\n      - name: PrioritySort\n    bind:\n      enabled:\n      - name: DefaultBinder\n")).is_ok());
        // the reserve, permit, preBind and postBind points take known names
        assert!(parse(&format!("{head}    reserve:\n      disabled:\n      - name: VolumeBinding\n    preBind:\n      disabled:\n      - name: VolumeBinding\n")).is_ok());
        assert_eq!(parse(&format!("{head}    permit:\n      enabled:\n      - name: MyPermit\n")).unwrap_err(), "profiles[0].plugin \"MyPermit\" does not exist");
    }
}
