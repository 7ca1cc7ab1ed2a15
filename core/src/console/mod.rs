//! The console: the shell-like engine the browser terminal and the headless `kubesim` binary
//! share. It reads lines, collects here-documents, runs pipelines of commands (kubectl,
//! etcdctl, echo, sleep, cat, sim …) against the simulation and returns their output in order.

pub mod commands;
pub mod complete;
pub mod etcdctl;
pub mod editor;
pub mod explain;
pub mod files;
pub mod host;
pub mod jsonpath;
pub mod kubectl;
pub mod net;
pub mod sed;
pub mod sim_cmd;
pub mod transcript;
pub mod utils;

use crate::sim::Cluster;
use files::Files;
use crate::text::shell::{self, Connector, ParseError};

/// One console line is refused past this size (a paste of several MB is a mistake, not a command).
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;
/// A command line (quotes and continuations included, here-documents not) past this is run as is.
pub const MAX_COMMAND_BYTES: usize = 64 * 1024;
/// ... and so is one of more lines than this: each line that may close a quote re-parses the
/// command line, so the lines are capped to keep a hostile paste from freezing the page.
pub const MAX_COMMAND_LINES: usize = 500;

/// What a command printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Out {
    pub fn ok(s: impl Into<String>) -> Out {
        Out { stdout: s.into(), stderr: String::new(), code: 0 }
    }
    pub fn err(s: impl Into<String>) -> Out {
        let mut e: String = s.into();
        if !e.ends_with('\n') {
            e.push('\n');
        }
        Out { stdout: String::new(), stderr: e, code: 1 }
    }
}

/// The text one input block produced, for display; `error` when it ended in failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub input: String,
    pub text: String,
    pub error: bool,
}

pub struct Console {
    pub cluster: Cluster,
    /// the learner's workstation files (`cat > pod.yaml`, `kubectl apply -f pod.yaml`)
    pub files: Files,
    /// the node `ssh` took the console to (None: the workstation)
    host: Option<String>,
    /// the working directory on that node
    cwd: String,
    /// `kubectl explain`'s field documentation, once loaded
    pub explain_docs: Option<std::sync::Arc<explain::Docs>>,
    /// where to load it from on first use (the native binary embeds it; the web app fetches it)
    pub load_docs: Option<fn() -> &'static str>,
    /// lines waiting for a here-document terminator or a closing quote
    pending: Vec<String>,
    pending_bytes: usize,
    /// once the command line itself is complete: its here-documents and how many are closed
    heredocs: Option<(Vec<shell::HereDoc>, usize)>,
    /// the quote the command line so far leaves open (a line without quotes cannot close it)
    open_quote: Option<char>,
    /// Some(why): only commands that read the cluster run; others get this error (the
    /// console over an earlier state of the cluster, in time travel)
    pub read_only: Option<String>,
}

impl Console {
    pub fn new(cluster: Cluster) -> Console {
        Console { cluster, files: Files::default(), host: None, cwd: "/root".into(), explain_docs: None, load_docs: None, pending: vec![], pending_bytes: 0, heredocs: None, open_quote: None, read_only: None }
    }

    /// A console over the cluster at `revision` (time travel): `kubectl get`, `describe` and the
    /// text tools run; anything that would change it is refused with `why`.
    pub fn past(c: &Cluster, revision: i64, why: &str) -> Console {
        let mut console = Console::new(c.past(revision));
        console.read_only = Some(why.to_string());
        console
    }

    /// True while earlier lines wait for more input (an open here-document or quote).
    pub fn needs_more(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Feeds one line; returns the output of the command it completed, if any. Work per line
    /// is constant once the command line is known, so long here-documents stay linear.
    pub fn feed_line(&mut self, line: &str) -> Option<Output> {
        self.pending_bytes += line.len() + 1;
        if self.pending_bytes > MAX_INPUT_BYTES {
            let n = self.pending_bytes;
            self.reset_pending();
            return Some(Output { input: String::new(), text: format!("error: input of more than {} bytes refused: the console accepts at most {} bytes at once\n", n, MAX_INPUT_BYTES), error: true });
        }
        self.pending.push(line.to_string());
        match &mut self.heredocs {
            None => {
                // A command line (not its here-documents) this long is a paste gone wrong: stop
                // waiting for its closing quote, as if input had ended.
                if self.pending_bytes > MAX_COMMAND_BYTES || self.pending.len() > MAX_COMMAND_LINES {
                    return Some(self.take_and_run(true));
                }
                // still inside a quote: only a line with a quote character can close it
                if self.open_quote.is_some() && !line.contains(['\'', '"']) {
                    return None;
                }
                // Is the command line itself complete (quotes closed, no trailing backslash)?
                // The lines before this one were not, so it can only end here: one parse.
                let cmd = join_continued(&self.pending);
                if cmd.ends_with('\\') && !cmd.ends_with("\\\\") {
                    self.open_quote = None;
                    return None;
                }
                match shell::parse(&cmd) {
                    Err(ParseError::UnclosedQuote(q)) => {
                        self.open_quote = Some(q);
                        None
                    }
                    Ok(l) if !l.heredocs.is_empty() => {
                        self.open_quote = None;
                        self.heredocs = Some((l.heredocs, 0));
                        None
                    }
                    _ => Some(self.take_and_run(false)),
                }
            }
            Some(_) => {
                if self.close_heredoc(line) {
                    Some(self.take_and_run(false))
                } else {
                    None
                }
            }
        }
    }

    /// True when `line` ends the last open here-document.
    fn close_heredoc(&mut self, line: &str) -> bool {
        let Some((docs, next)) = &mut self.heredocs else { return false };
        let Some(h) = docs.get(*next) else { return true };
        let l = if h.strip_tabs { line.trim_start_matches('\t') } else { line };
        if l == h.delimiter {
            *next += 1;
        }
        *next >= docs.len()
    }

    fn reset_pending(&mut self) {
        self.pending.clear();
        self.pending_bytes = 0;
        self.heredocs = None;
        self.open_quote = None;
    }

    fn take_and_run(&mut self, at_eof: bool) -> Output {
        let block = self.pending.join("\n");
        self.reset_pending();
        self.run_block(&block, at_eof)
    }

    /// End of input: runs whatever is pending, as bash does at EOF.
    pub fn finish(&mut self) -> Option<Output> {
        if self.pending.is_empty() {
            return None;
        }
        Some(self.take_and_run(true))
    }

    /// Runs a whole script (several lines); returns everything printed, in order.
    pub fn run_script(&mut self, script: &str) -> String {
        let mut out = String::new();
        for o in self.exec(script) {
            out.push_str(&o.text);
        }
        out
    }

    /// Runs text typed or pasted in one go: each complete command in order, then whatever is
    /// left incomplete, as bash would at end of input.
    pub fn exec(&mut self, text: &str) -> Vec<Output> {
        if text.len() > MAX_INPUT_BYTES {
            return vec![Output { input: String::new(), text: format!("error: input of {} bytes refused: the console accepts at most {} bytes at once\n", text.len(), MAX_INPUT_BYTES), error: true }];
        }
        let mut outs = vec![];
        for line in text.split('\n') {
            if let Some(o) = self.feed_line(line.strip_suffix('\r').unwrap_or(line)) {
                outs.push(o);
            }
        }
        if let Some(o) = self.finish() {
            outs.push(o);
        }
        outs
    }

    /// Runs one complete command line on the workstation without touching what the learner
    /// is in the middle of (pending input, the node `ssh` took them to): lesson checks.
    pub fn probe(&mut self, line: &str) -> Output {
        let host = self.host.take();
        let cwd = std::mem::replace(&mut self.cwd, "/root".into());
        let out = self.run_block(line, true);
        self.host = host;
        self.cwd = cwd;
        out
    }

    /// Reads a file on a node (`Some(name)`) or the workstation.
    pub fn read_file_on(&self, node: Option<&str>, path: &str) -> Result<String, String> {
        match node {
            None => self.files.read(path),
            Some(n) => match self.cluster.kubelets.get(n) {
                Some(k) => k.fs.get(path).cloned().ok_or_else(|| format!("{}:{}: No such file or directory", n, path)),
                None => Err(format!("no node {}", n)),
            },
        }
    }

    /// Text typed into a terminal (one line, or a paste of several): each line is fed in turn
    /// and nothing is forced to end — an open here-document or quote waits for the next input,
    /// as bash does with its `>` prompt.
    pub fn type_text(&mut self, text: &str) -> Vec<Output> {
        if text.len() > MAX_INPUT_BYTES {
            return vec![Output { input: String::new(), text: format!("error: input of {} bytes refused: the console accepts at most {} bytes at once\n", text.len(), MAX_INPUT_BYTES), error: true }];
        }
        text.split('\n').filter_map(|l| self.feed_line(l.strip_suffix('\r').unwrap_or(l))).collect()
    }

    fn run_block(&mut self, block: &str, at_eof: bool) -> Output {
        let mut text = String::new();
        // A quote left open at end of input: bash's error.
        let (cmdline, mut body_lines) = match split_command(block) {
            Ok(x) => x,
            Err(e) => return Output { input: block.to_string(), text: format!("{}\n", e.message()), error: true },
        };
        let line = match shell::parse(&cmdline) {
            Ok(l) => l,
            Err(e) => return Output { input: block.to_string(), text: format!("{}\n", e.message()), error: true },
        };
        // here-document bodies, in order
        let mut bodies = vec![];
        for h in &line.heredocs {
            let mut body = String::new();
            let mut found = false;
            while !body_lines.is_empty() {
                let l = body_lines.remove(0);
                let l = if h.strip_tabs { l.trim_start_matches('\t').to_string() } else { l };
                if l == h.delimiter {
                    found = true;
                    break;
                }
                body.push_str(&l);
                body.push('\n');
            }
            if !found && at_eof {
                text.push_str(&format!("bash: warning: here-document delimited by end-of-file (wanted `{}')\n", h.delimiter));
            }
            bodies.push(body);
        }
        let mut last_code = 0;
        for p in &line.pipelines {
            let run = match p.connector {
                Connector::Always => true,
                Connector::IfOk => last_code == 0,
                Connector::IfFailed => last_code != 0,
            };
            if !run {
                continue;
            }
            let mut stdin = String::new();
            let mut code = 0;
            let n = p.commands.len();
            for (i, c) in p.commands.iter().enumerate() {
                let input = match (c.heredoc, &c.stdin_file) {
                    (Some(h), _) => bodies.get(h).cloned().unwrap_or_default(),
                    (None, Some(f)) => match self.read_file(f) {
                        Ok(s) => s,
                        Err(e) => {
                            text.push_str(&format!("bash: {}\n", e));
                            code = 1;
                            break;
                        }
                    },
                    _ => std::mem::take(&mut stdin),
                };
                let mut out = self.run_command(&c.words, &input);
                if c.stderr_to_stdout {
                    out.stdout = format!("{}{}", out.stderr, out.stdout);
                    out.stderr.clear();
                } else if c.stderr_discard {
                    out.stderr.clear();
                }
                code = out.code;
                // a command's own output comes before what it says on stderr when both reach
                // the terminal (kubectl exec: the output, then "command terminated …")
                let to_terminal = c.stdout_file.is_none() && i + 1 == n;
                if !to_terminal {
                    text.push_str(&out.stderr);
                }
                match &c.stdout_file {
                    Some((f, _)) if f == "/dev/null" => {}
                    Some((f, append)) => {
                        if let Err(e) = self.write_file(f, &out.stdout, *append) {
                            text.push_str(&format!("bash: {}\n", e));
                            code = 1;
                        }
                    }
                    None if i + 1 == n => {
                        text.push_str(&out.stdout);
                        text.push_str(&out.stderr);
                    }
                    None => stdin = out.stdout,
                }
            }
            last_code = code;
        }
        Output { input: block.to_string(), text, error: last_code != 0 }
    }

        /// Runs one command with its words and standard input.
    pub fn run_command(&mut self, words: &[String], stdin: &str) -> Out {
        let Some(cmd) = words.first() else { return Out::ok("") };
        // `ETCDCTL_API=3 etcdctl …`: variable assignments before a command set its environment,
        // which no simulated command reads (etcdctl speaks API v3 only, as etcdctl 3.4+ does)
        let assignments = words.iter().take_while(|w| shell::is_assignment(w)).count();
        if assignments > 0 {
            return self.run_command(&words[assignments..], stdin);
        }
        let args = &words[1..];
        if let Some(why) = &self.read_only {
            if !commands::reads_only(cmd, args) {
                return Out::err(format!("{}\n", why.trim_end()));
            }
        }
        match commands::command(cmd) {
            Some(c) => (c.run)(self, args, stdin),
            None => Out { stdout: String::new(), stderr: format!("bash: {}: command not found\n", cmd), code: 127 },
        }
    }
}

/// Splits a block into the command line (joined over open quotes and trailing backslashes)
/// and the lines after it.
/// Lines joined as bash reads a command line: a trailing backslash continues the line.
fn join_continued(lines: &[String]) -> String {
    let mut cmd = String::new();
    for (i, l) in lines.iter().enumerate() {
        cmd.push_str(l);
        if cmd.ends_with('\\') && !cmd.ends_with("\\\\") && i + 1 < lines.len() {
            cmd.pop();
        } else if i + 1 < lines.len() {
            cmd.push('\n');
        }
    }
    cmd
}

fn split_command(block: &str) -> Result<(String, Vec<String>), ParseError> {
    let lines: Vec<&str> = block.split('\n').collect();
    let mut cmd = String::new();
    let mut continued = false;
    // the quote the last parse left open, and whether a quote character came since: a line
    // without one cannot close it, so it is not parsed again (long quoted pastes stay linear)
    let mut open: Option<char> = None;
    let mut quoted = false;
    for (i, l) in lines.iter().enumerate() {
        if i > 0 && !continued {
            cmd.push('\n');
        }
        cmd.push_str(l);
        quoted |= l.contains(['\'', '"']);
        continued = false;
        if cmd.ends_with('\\') && !cmd.ends_with("\\\\") && i + 1 < lines.len() {
            cmd.pop();
            continued = true;
            continue;
        }
        if let (Some(q), false) = (open, quoted) {
            if i + 1 == lines.len() {
                return Err(ParseError::UnclosedQuote(q));
            }
            continue;
        }
        quoted = false;
        match shell::parse(&cmd) {
            Err(ParseError::UnclosedQuote(q)) => {
                if i + 1 == lines.len() {
                    return Err(ParseError::UnclosedQuote(q));
                }
                open = Some(q);
            }
            _ => return Ok((cmd, lines[i + 1..].iter().map(|s| s.to_string()).collect())),
        }
    }
    Ok((cmd, vec![]))
}

