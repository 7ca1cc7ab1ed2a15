//! Lessons: guided, auto-checked exercises over a starting cluster. One YAML file per lesson
//! under `static/lessons/` (texts in English and Korean, the starting cluster, steps with a
//! task, hints, a solution and checks). `check` evaluates checks against a console without
//! changing anything; `verify` runs a lesson's solutions and proves its checks can fail and
//! pass (`kubesim lesson check`, the lessons test). The web app shows them in its lesson panel.

pub mod catalog;
pub mod check;
pub mod verify;

use crate::console::Console;
use crate::text::shell;
use crate::sim::Cluster;
use serde::Deserialize;

/// A lesson file larger than this is refused before parsing.
pub const MAX_LESSON_BYTES: usize = 256 * 1024;

/// A text in both languages the app speaks.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub ko: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub id: String,
    /// the study-notes topic it teaches (one of `catalog::TOPICS`)
    pub topic: String,
    pub title: Text,
    pub intro: Text,
    #[serde(default)]
    pub start: Start,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// `default` (controlplane, node01, node02) or `empty`
    #[serde(default = "default_cluster")]
    pub cluster: String,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// console input run before the learner starts (not shown, not part of the session)
    #[serde(default)]
    pub setup: String,
}

fn default_cluster() -> String {
    "default".into()
}
fn default_seed() -> u64 {
    1
}

impl Default for Start {
    fn default() -> Self {
        Start { cluster: default_cluster(), seed: default_seed(), setup: String::new() }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub task: Text,
    #[serde(default)]
    pub hints: Vec<Text>,
    /// console input that completes the step
    pub solution: String,
    pub checks: Vec<check::Check>,
}

impl Lesson {
    /// Parses and validates a lesson file; the error names the field and line at fault.
    pub fn parse(text: &str) -> Result<Lesson, String> {
        if text.len() > MAX_LESSON_BYTES {
            return Err(format!("the lesson is {} bytes, more than the {} allowed", text.len(), MAX_LESSON_BYTES));
        }
        if text.contains('\0') {
            return Err("the lesson holds control characters".into());
        }
        if crate::api::manifest::excessive_aliasing(text) {
            return Err("yaml: document contains excessive aliasing".into());
        }
        let l: Lesson = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        l.validate()?;
        Ok(l)
    }

    fn validate(&self) -> Result<(), String> {
        if self.id.is_empty() || !self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(format!("id {:?}: use lowercase letters, digits and '-'", self.id));
        }
        if !catalog::TOPICS.contains(&self.topic.as_str()) {
            return Err(format!("topic {:?} is not one of: {}", self.topic, catalog::TOPICS.join(", ")));
        }
        if !matches!(self.start.cluster.as_str(), "default" | "empty") {
            return Err(format!("start.cluster {:?}: use default or empty", self.start.cluster));
        }
        if self.steps.is_empty() {
            return Err("a lesson needs at least one step".into());
        }
        for (i, s) in self.steps.iter().enumerate() {
            if s.checks.is_empty() {
                return Err(format!("steps[{}]: a step needs at least one check", i));
            }
            for (j, c) in s.checks.iter().enumerate() {
                c.validate().map_err(|e| format!("steps[{}].checks[{}]: {}", i, j, e))?;
            }
        }
        Ok(())
    }

    /// The lesson's starting cluster with its setup run.
    pub fn start_console(&self) -> Console {
        let cluster = if self.start.cluster == "empty" { Cluster::empty(self.start.seed) } else { Cluster::default_cluster(self.start.seed) };
        let mut c = Console::new(cluster);
        if !self.start.setup.is_empty() {
            let _ = c.exec(&self.start.setup);
        }
        c
    }
}

/// Ok when every command of `line` only reads: a check must never change the cluster, the
/// learner's files or the random stream (so no curl, whose endpoint choice draws from it).
pub fn read_only(line: &str) -> Result<(), String> {
    let parsed = shell::parse(line).map_err(|e| e.message())?;
    if !parsed.heredocs.is_empty() {
        return Err("a check cannot use a here-document".into());
    }
    for p in &parsed.pipelines {
        for c in &p.commands {
            if c.stdout_file.as_ref().is_some_and(|(f, _)| f != "/dev/null") {
                return Err("a check cannot write files".into());
            }
            let w: Vec<&str> = c.words.iter().map(String::as_str).collect();
            let ok = match w.as_slice() {
                ["kubectl" | "k", verb, ..] => matches!(*verb, "get" | "describe" | "logs" | "top" | "explain" | "version" | "api-resources" | "cluster-info"),
                ["etcdctl", "get", ..] => true,
                // the scheduler's explanation is computed from the store without changing it
                ["sim", "explain" | "time", ..] => true,
                [cmd, ..] => matches!(*cmd, "cat" | "ls" | "grep" | "head" | "tail" | "wc" | "echo" | "ps" | "true" | "false"),
                [] => true,
            };
            if !ok {
                return Err(format!("a check may only read: {:?} could change the cluster", c.words.join(" ")));
            }
        }
    }
    Ok(())
}
