//! The Job controller (pkg/controller/job) and the CronJob controller
//! (pkg/controller/cronjob): pods created up to parallelism until completions succeed,
//! failures counted against backoffLimit, activeDeadlineSeconds, the SuccessCriteriaMet /
//! Complete and FailureTarget / Failed conditions; CronJobs create a Job at each schedule time
//! on the virtual clock (named `<cronjob>-<minutes since epoch>`), honour concurrencyPolicy and
//! suspend, and keep successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs.

use crate::api::ext::{ObjectExt, PodExt};
use crate::api::cron::Schedule;
use crate::api::resources;
use crate::api::time::{parse_rfc3339, rfc3339, Millis};
use crate::apiserver::events::Source;
use crate::apiserver::{ApiError, ApiServer};
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::store::{EventType, WatchEvent};
use serde_json::{json, Value};

pub const NAME: &str = "job";

#[derive(Default)]
pub struct JobController;

/// CronJobs sort before Jobs: a CronJob's sync may create the Job synced after it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    CronJob(String, String),
    Job(String, String),
}

impl Controller for JobController {
    const NAME: &'static str = NAME;
    type Key = Key;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let v = &ev.value;
        let (ns, name) = (crate::api::namespace(v).to_string(), crate::api::name(v).to_string());
        match crate::api::kind(v) {
            "Job" => {
                if ev.typ == EventType::Put {
                    queue.add(Key::Job(ns.clone(), name));
                }
                if let Some(o) = owner_of(v, "CronJob") {
                    queue.add(Key::CronJob(ns, o));
                }
            }
            "CronJob" if ev.typ == EventType::Put => queue.add(Key::CronJob(ns, name)),
            "Pod" => {
                if let Some(o) = owner_of(v, "Job") {
                    queue.add(Key::Job(ns, o));
                }
            }
            _ => {}
        }
    }

    /// Each sync says when its object must be looked at again (activeDeadlineSeconds, the
    /// next schedule time, ttlSecondsAfterFinished).
    fn reconcile(&mut self, api: &mut ApiServer, key: &Key) -> Result<Action, ApiError> {
        let again = match key {
            Key::CronJob(ns, name) => api.get_kind("CronJob", ns, name).and_then(|cj| sync_cronjob(api, &cj)),
            Key::Job(ns, name) => api.get_kind("Job", ns, name).and_then(|j| sync_job(api, &j)),
        };
        Ok(again.map_or(Action::Done, |at| Action::RequeueAfter(at - api.now)))
    }
}

fn owner_of(v: &Value, kind: &str) -> Option<String> {
    v.pointer("/metadata/ownerReferences")?.as_array()?.iter().find(|r| r.get("kind").and_then(Value::as_str) == Some(kind)).and_then(|r| r.get("name")).and_then(Value::as_str).map(String::from)
}

fn i(v: &Value, p: &str) -> i64 {
    v.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

fn has_condition(v: &Value, typ: &str) -> bool {
    v.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().any(|c| c.get("type").and_then(Value::as_str) == Some(typ) && c.get("status").and_then(Value::as_str) == Some("True"))
}

fn job_source() -> Source<'static> {
    Source { component: "job-controller", host: None }
}

/// Returns when the job must be looked at again (its activeDeadlineSeconds).
fn sync_job(api: &mut ApiServer, job: &Value) -> Option<Millis> {
    if has_condition(job, "Complete") || has_condition(job, "Failed") || job.is_terminating() {
        return None;
    }
    let now = api.now;
    let ns = crate::api::namespace(job).to_string();
    let uid = crate::api::str_at(job, "/metadata/uid").to_string();
    let pod_res = resources::by_kind("Pod").expect("served");
    let pods: Vec<_> = api.list_kind("Pod", Some(&ns)).into_iter().filter(|p| p.controller_uid() == Some(uid.as_str())).collect();
    let phase = |p: &Value| crate::api::str_at(p, "/status/phase").to_string();
    let active: Vec<_> = pods.iter().filter(|p| !matches!(phase(p).as_str(), "Succeeded" | "Failed") && !p.is_terminating()).collect();
    let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
    // failed pods, and with restartPolicy OnFailure the container restarts, count against backoffLimit
    let restarts: i64 = pods.iter().map(|p| p.pointer("/status/containerStatuses").and_then(Value::as_array).into_iter().flatten().map(|c| i(c, "/restartCount")).sum::<i64>()).sum();
    let failed = pods.iter().filter(|p| phase(p) == "Failed").count() as i64;
    let completions = job.pointer("/spec/completions").and_then(Value::as_i64);
    let parallelism = job.pointer("/spec/parallelism").and_then(Value::as_i64).unwrap_or(1);
    let backoff_limit = job.pointer("/spec/backoffLimit").and_then(Value::as_i64).unwrap_or(6);
    let suspended = job.pointer("/spec/suspend") == Some(&json!(true));
    let start = job.pointer("/status/startTime").and_then(Value::as_str).and_then(parse_rfc3339).unwrap_or(now);
    let deadline = job.pointer("/spec/activeDeadlineSeconds").and_then(Value::as_i64).map(|s| start + s * 1000);
    let mut finished: Option<(&str, &str, String)> = None;
    if failed + restarts > backoff_limit {
        finished = Some(("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit".into()));
    } else if deadline.is_some_and(|d| now >= d) && !suspended {
        finished = Some(("Failed", "DeadlineExceeded", "Job was active longer than specified deadline".into()));
    } else if completions.is_some_and(|c| succeeded >= c) || (completions.is_none() && succeeded > 0 && active.is_empty()) {
        finished = Some(("Complete", "CompletionsReached", "Reached expected number of succeeded pods".into()));
    }
    // the pod failure back-off (job controller: 10 s doubling per failure, at most 10 minutes,
    // counted from the last failure) holds back the replacements
    let last_failure = pods
        .iter()
        .filter(|p| phase(p) == "Failed")
        .flat_map(|p| p.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default())
        .filter_map(|c| c.pointer("/state/terminated/finishedAt").and_then(Value::as_str).and_then(parse_rfc3339))
        .max();
    let hold_until = last_failure.map(|t| t + (10_000i64 << (failed.clamp(1, 7) - 1)).min(600_000)).filter(|t| *t > now);
    let mut created = 0;
    if finished.is_some() {
        for p in &active {
            settled(api.delete(pod_res, &ns, crate::api::name(p), None));
        }
    } else if !suspended && hold_until.is_none() {
        let want = match completions {
            Some(c) => parallelism.min(c - succeeded),
            None => parallelism,
        }
        .max(0) as usize;
        let tpl = job.pointer("/spec/template").cloned().unwrap_or(Value::Null);
        for _ in active.len()..want {
            let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": tpl.get("metadata").cloned().unwrap_or(json!({})), "spec": tpl.get("spec").cloned().unwrap_or(json!({}))});
            pod["metadata"]["generateName"] = json!(format!("{}-", crate::api::name(job)));
            pod["metadata"]["namespace"] = json!(ns);
            pod["metadata"]["ownerReferences"] = json!([job.controller_ref()]);
            match api.create(pod, false) {
                Ok(p) => {
                    created += 1;
                    api.record_event(job, "", "Normal", "SuccessfulCreate", &format!("Created pod: {}", crate::api::name(&p)), job_source());
                }
                Err(e) => {
                    api.record_event(job, "", "Warning", "FailedCreate", &format!("Error creating: {}", e.message), job_source());
                    break;
                }
            }
        }
    }
    // status
    let Some(cur) = api.get_kind("Job", &ns, crate::api::name(job)) else { return None };
    let mut status = cur.get("status").cloned().unwrap_or(json!({}));
    if status.get("startTime").is_none() && !suspended {
        status["startTime"] = json!(rfc3339(now));
    }
    let active_now = if finished.is_some() { 0 } else { active.len() + created };
    let set_count = |st: &mut Value, k: &str, n: i64| {
        if n > 0 {
            st[k] = json!(n);
        } else if let Some(m) = st.as_object_mut() {
            m.remove(k);
        }
    };
    set_count(&mut status, "active", active_now as i64);
    set_count(&mut status, "succeeded", succeeded);
    set_count(&mut status, "failed", failed);
    status["ready"] = json!(active.iter().filter(|p| p.is_ready()).count());
    status["terminating"] = json!(0);
    status["uncountedTerminatedPods"] = json!({});
    if let Some((typ, reason, message)) = &finished {
        let interim = if *typ == "Complete" { "SuccessCriteriaMet" } else { "FailureTarget" };
        let cond = |t: &str| json!({"lastProbeTime": rfc3339(now), "lastTransitionTime": rfc3339(now), "message": message, "reason": reason, "status": "True", "type": t});
        status["conditions"] = json!([cond(interim), cond(typ)]);
        if *typ == "Complete" {
            status["completionTime"] = json!(rfc3339(now));
            api.record_event(job, "", "Normal", "Completed", "Job completed", job_source());
        } else {
            api.record_event(job, "", "Warning", reason, message, job_source());
        }
    }
    super::write_status(api, &cur, status, &[]);
    if finished.is_none() {
        [deadline.filter(|d| *d > now), hold_until].into_iter().flatten().min()
    } else {
        None
    }
}

fn cron_source() -> Source<'static> {
    Source { component: "cronjob-controller", host: None }
}

/// Creates the Jobs that are due; returns the next schedule time.
fn sync_cronjob(api: &mut ApiServer, cj: &Value) -> Option<Millis> {
    if cj.is_terminating() {
        return None;
    }
    let now = api.now;
    let ns = crate::api::namespace(cj).to_string();
    let uid = crate::api::str_at(cj, "/metadata/uid").to_string();
    let Ok(schedule) = Schedule::parse(crate::api::str_at(cj, "/spec/schedule")) else { return None };
    let job_res = resources::by_kind("Job").expect("served");
    let mut jobs: Vec<_> = api.list_kind("Job", Some(&ns)).into_iter().filter(|j| j.controller_uid() == Some(uid.as_str())).collect();
    jobs.sort_by(|a, b| crate::api::str_at(a, "/metadata/creationTimestamp").cmp(crate::api::str_at(b, "/metadata/creationTimestamp")));
    let finished = |j: &Value| has_condition(j, "Complete") || has_condition(j, "Failed");
    let since = cj.pointer("/status/lastScheduleTime").and_then(Value::as_str).and_then(parse_rfc3339).or_else(|| cj.pointer("/metadata/creationTimestamp").and_then(Value::as_str).and_then(parse_rfc3339)).unwrap_or(now);
    // the most recent missed schedule time (older misses are skipped, as upstream does)
    let mut due = None;
    let mut t = since;
    while let Some(n) = schedule.next_after(t) {
        if n > now {
            break;
        }
        due = Some(n);
        t = n;
    }
    let suspended = cj.pointer("/spec/suspend") == Some(&json!(true));
    let mut status = cj.get("status").cloned().unwrap_or(json!({}));
    if let (Some(at), false) = (due, suspended) {
        let active: Vec<_> = jobs.iter().filter(|j| !finished(j)).collect();
        let policy = crate::api::str_at(cj, "/spec/concurrencyPolicy");
        let skip = policy == "Forbid" && !active.is_empty();
        if policy == "Replace" {
            for j in &active {
                settled(api.delete(job_res, &ns, crate::api::name(j), None));
                api.record_event(cj, "", "Normal", "SuccessfulDelete", &format!("Deleted job {}", crate::api::name(j)), cron_source());
            }
        }
        if !skip {
            let tpl = cj.pointer("/spec/jobTemplate").cloned().unwrap_or(json!({}));
            let name = format!("{}-{}", crate::api::name(cj), at / 60_000);
            let mut job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": tpl.get("metadata").cloned().unwrap_or(json!({})), "spec": tpl.get("spec").cloned().unwrap_or(json!({}))});
            job["metadata"]["name"] = json!(name);
            job["metadata"]["namespace"] = json!(ns);
            job["metadata"]["ownerReferences"] = json!([cj.controller_ref()]);
            crate::api::set_at(&mut job, "/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp", json!(rfc3339(at)));
            if api.create(job, false).is_ok() {
                api.record_event(cj, "", "Normal", "SuccessfulCreate", &format!("Created job {}", name), cron_source());
            }
        }
        status["lastScheduleTime"] = json!(rfc3339(at));
    }
    // history limits
    let ok_limit = cj.pointer("/spec/successfulJobsHistoryLimit").and_then(Value::as_i64).unwrap_or(3).max(0) as usize;
    let failed_limit = cj.pointer("/spec/failedJobsHistoryLimit").and_then(Value::as_i64).unwrap_or(1).max(0) as usize;
    for (cond, limit) in [("Complete", ok_limit), ("Failed", failed_limit)] {
        let done: Vec<_> = jobs.iter().filter(|j| has_condition(j, cond)).collect();
        if done.len() > limit {
            for j in &done[..done.len() - limit] {
                settled(api.delete(job_res, &ns, crate::api::name(j), None));
                api.record_event(cj, "", "Normal", "SawCompletedJob", &format!("Saw completed job: {}, condition: {}", crate::api::name(j), cond), cron_source());
            }
        }
    }
    let jobs_now: Vec<_> = api.list_kind("Job", Some(&ns)).into_iter().filter(|j| j.controller_uid() == Some(uid.as_str())).collect();
    let active_refs: Vec<Value> = jobs_now.iter().filter(|j| !finished(j)).map(|j| json!({"apiVersion": "batch/v1", "kind": "Job", "name": crate::api::name(j), "namespace": ns, "resourceVersion": j["metadata"]["resourceVersion"], "uid": j["metadata"]["uid"]})).collect();
    if active_refs.is_empty() {
        status.as_object_mut().map(|m| m.remove("active"));
    } else {
        status["active"] = json!(active_refs);
    }
    if let Some(last_ok) = jobs_now.iter().filter(|j| has_condition(j, "Complete")).filter_map(|j| j.pointer("/status/completionTime").and_then(Value::as_str)).max() {
        status["lastSuccessfulTime"] = json!(last_ok);
    }
    if let Some(cur) = api.get_kind("CronJob", &ns, crate::api::name(cj)) {
        super::write_status(api, &cur, status, &[]);
    }
    if suspended { None } else { schedule.next_after(now) }
}
