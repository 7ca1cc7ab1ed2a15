//! Proves a lesson works: from its starting cluster, each step's checks must fail before its
//! solution runs (so they can catch a learner who has not done it) and pass after.

use super::{Lang, Lesson};
use crate::console::Console;

/// What verifying one lesson found.
#[derive(Debug, Default)]
pub struct Report {
    pub steps: usize,
    pub checks: usize,
    /// empty when the lesson is sound
    pub problems: Vec<String>,
}

/// Evaluates every check of step `i`: (passed, text shown, detail).
pub fn check_step(lesson: &Lesson, i: usize, c: &mut Console, lang: Lang) -> Vec<(bool, String, String)> {
    let Some(step) = lesson.steps.get(i) else { return vec![] };
    step.checks
        .iter()
        .map(|ch| {
            let o = ch.evaluate(c);
            let says = ch.says.as_ref().map(|t| t.get(lang).to_string()).unwrap_or_else(|| ch.describe());
            (o.passed, says, o.detail)
        })
        .collect()
}

pub fn verify(lesson: &Lesson) -> Report {
    let mut r = Report { steps: lesson.steps.len(), ..Default::default() };
    let mut c = lesson.start_console();
    for (i, step) in lesson.steps.iter().enumerate() {
        r.checks += step.checks.len();
        let revision = c.cluster.api.store().revision();
        let before = check_step(lesson, i, &mut c, Lang::En);
        if c.cluster.api.store().revision() != revision {
            r.problems.push(format!("step {}: evaluating its checks changed the cluster", i + 1));
        }
        if before.iter().all(|(ok, _, _)| *ok) {
            r.problems.push(format!("step {}: every check passes before its solution runs", i + 1));
        }
        let mut transcript = String::new();
        for o in c.exec(&step.solution) {
            transcript.push_str(&format!("$ {}\n{}", o.input, o.text));
        }
        for (ok, says, detail) in check_step(lesson, i, &mut c, Lang::En) {
            if !ok {
                r.problems.push(format!("step {}: after the solution, check \"{}\" fails: {}\n--- solution output ---\n{}", i + 1, says, detail, transcript));
            }
        }
    }
    r
}
