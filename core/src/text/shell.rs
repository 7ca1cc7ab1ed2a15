//! The console's shell: POSIX-style words (single and double quotes, backslash escapes), `#`
//! comments, pipes, `&&`/`||`/`;`, output redirection and here-documents — enough of bash
//! for everything a CKA learner types.

/// One simple command: its words, where its input comes from and where its output goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<String>,
    /// index into the line's here-documents, in the order they appear
    pub heredoc: Option<usize>,
    pub stdin_file: Option<String>,
    /// (file, append)
    pub stdout_file: Option<(String, bool)>,
    /// `2>&1`: standard error joins standard output (into the pipe or file)
    pub stderr_to_stdout: bool,
    /// `2>/dev/null` (or any file): standard error is not shown
    pub stderr_discard: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `;` or end of line
    Always,
    /// `&&`
    IfOk,
    /// `||`
    IfFailed,
}

/// A pipeline and how it connects to the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub connector: Connector,
    pub commands: Vec<SimpleCommand>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HereDoc {
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from each line
    pub strip_tabs: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub pipelines: Vec<Pipeline>,
    pub heredocs: Vec<HereDoc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// an open quote: more input may close it
    UnclosedQuote(char),
    Syntax(String),
}

impl ParseError {
    pub fn message(&self) -> String {
        match self {
            ParseError::UnclosedQuote(q) => format!("bash: unexpected EOF while looking for matching `{}'", q),
            ParseError::Syntax(tok) => format!("bash: syntax error near unexpected token `{}'", tok),
        }
    }
}

enum Tok {
    Word(String),
    Op(&'static str),
    HereDoc(HereDoc),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = vec![];
    let mut i = 0;
    let mut word = String::new();
    let mut in_word = false;
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                flush!();
                i += 1;
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                i += 1;
                let start = i;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(ParseError::UnclosedQuote('\''));
                }
                word.extend(&chars[start..i]);
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                loop {
                    if i >= chars.len() {
                        return Err(ParseError::UnclosedQuote('"'));
                    }
                    match chars[i] {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' if i + 1 < chars.len() && matches!(chars[i + 1], '"' | '\\' | '$' | '`' | '\n') => {
                            if chars[i + 1] != '\n' {
                                word.push(chars[i + 1]);
                            }
                            i += 2;
                        }
                        ch => {
                            word.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if i + 1 < chars.len() {
                    if chars[i + 1] != '\n' {
                        word.push(chars[i + 1]);
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
            '>' if in_word && (word == "2" || word == "1") => {
                // `2>&1`, `2>file`, `1>file`
                let fd = std::mem::take(&mut word);
                in_word = false;
                if chars.get(i + 1) == Some(&'&') && chars.get(i + 2).is_some_and(|c| c.is_ascii_digit()) {
                    toks.push(Tok::Op(if fd == "2" && chars[i + 2] == '1' { "2>&1" } else { "noop" }));
                    i += 3;
                } else {
                    toks.push(Tok::Op(if fd == "2" { "2>" } else { ">" }));
                    i += 1;
                }
            }
            '&' if chars.get(i + 1) == Some(&'>') => {
                // `&>file`: both streams
                flush!();
                toks.push(Tok::Op("&>"));
                i += 2;
            }
            '|' | '&' | ';' | '>' | '<' => {
                flush!();
                let next = chars.get(i + 1).copied();
                let op: &'static str = match (c, next) {
                    ('|', Some('|')) => "||",
                    ('&', Some('&')) => "&&",
                    ('>', Some('>')) => ">>",
                    ('<', Some('<')) => "<<",
                    ('|', _) => "|",
                    ('&', _) => "&",
                    (';', _) => ";",
                    ('>', _) => ">",
                    _ => "<",
                };
                i += op.len();
                if op == "<<" {
                    let strip_tabs = chars.get(i) == Some(&'-');
                    if strip_tabs {
                        i += 1;
                    }
                    while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                        i += 1;
                    }
                    // the delimiter word, quotes removed
                    let mut delim = String::new();
                    while i < chars.len() && !matches!(chars[i], ' ' | '\t' | '|' | '&' | ';' | '<' | '>') {
                        match chars[i] {
                            '\'' | '"' => {
                                let q = chars[i];
                                i += 1;
                                while i < chars.len() && chars[i] != q {
                                    delim.push(chars[i]);
                                    i += 1;
                                }
                                if i >= chars.len() {
                                    return Err(ParseError::UnclosedQuote(q));
                                }
                                i += 1;
                            }
                            '\\' => {
                                i += 1;
                            }
                            ch => {
                                delim.push(ch);
                                i += 1;
                            }
                        }
                    }
                    if delim.is_empty() {
                        return Err(ParseError::Syntax("newline".into()));
                    }
                    toks.push(Tok::HereDoc(HereDoc { delimiter: delim, strip_tabs }));
                } else {
                    toks.push(Tok::Op(op));
                }
            }
            _ => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        toks.push(Tok::Word(word));
    }
    Ok(toks)
}

/// Parses one logical line (without its here-document bodies).
/// `NAME=value`: a variable assignment (bash runs the rest of the command with it set).
pub fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else { return false };
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn parse(s: &str) -> Result<Line, ParseError> {
    let toks = tokenize(s)?;
    let mut line = Line::default();
    let mut cur = SimpleCommand::default();
    let mut pipeline = Pipeline { connector: Connector::Always, commands: vec![] };
    let mut it = toks.into_iter().peekable();
    let finish_cmd = |cur: &mut SimpleCommand, pipeline: &mut Pipeline, op: &str| -> Result<(), ParseError> {
        if cur.words.is_empty() && cur.heredoc.is_none() && cur.stdout_file.is_none() {
            return Err(ParseError::Syntax(op.to_string()));
        }
        pipeline.commands.push(std::mem::take(cur));
        Ok(())
    };
    while let Some(t) = it.next() {
        match t {
            Tok::Word(w) => cur.words.push(w),
            Tok::HereDoc(h) => {
                line.heredocs.push(h);
                cur.heredoc = Some(line.heredocs.len() - 1);
            }
            Tok::Op(op @ (">" | ">>")) => match it.next() {
                Some(Tok::Word(f)) if f == "/dev/null" => cur.stdout_file = Some((f, true)),
                Some(Tok::Word(f)) => cur.stdout_file = Some((f, op == ">>")),
                _ => return Err(ParseError::Syntax("newline".into())),
            },
            Tok::Op("2>&1") => cur.stderr_to_stdout = true,
            Tok::Op("noop") => {}
            Tok::Op("2>") => match it.next() {
                Some(Tok::Word(_)) => cur.stderr_discard = true,
                _ => return Err(ParseError::Syntax("newline".into())),
            },
            Tok::Op("&>") => match it.next() {
                Some(Tok::Word(f)) => {
                    cur.stderr_to_stdout = true;
                    cur.stdout_file = Some((f, false));
                }
                _ => return Err(ParseError::Syntax("newline".into())),
            },
            Tok::Op("<") => match it.next() {
                Some(Tok::Word(f)) => cur.stdin_file = Some(f),
                _ => return Err(ParseError::Syntax("newline".into())),
            },
            Tok::Op("|") => finish_cmd(&mut cur, &mut pipeline, "|")?,
            Tok::Op(op) => {
                // ; && || & end a pipeline
                finish_cmd(&mut cur, &mut pipeline, op)?;
                let next_conn = match op {
                    "&&" => Connector::IfOk,
                    "||" => Connector::IfFailed,
                    _ => Connector::Always,
                };
                line.pipelines.push(std::mem::replace(&mut pipeline, Pipeline { connector: next_conn, commands: vec![] }));
            }
        }
    }
    if !cur.words.is_empty() || cur.heredoc.is_some() || cur.stdout_file.is_some() {
        pipeline.commands.push(cur);
    } else if !pipeline.commands.is_empty() || pipeline.connector != Connector::Always {
        return Err(ParseError::Syntax("newline".into()));
    }
    if !pipeline.commands.is_empty() {
        line.pipelines.push(pipeline);
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        parse(s).unwrap().pipelines[0].commands[0].words.clone()
    }

    #[test]
    fn posix_quoting() {
        assert_eq!(words("kubectl get pods -l 'env in (prod,dev)'"), ["kubectl", "get", "pods", "-l", "env in (prod,dev)"]);
        assert_eq!(words(r#"kubectl get pods -o jsonpath='{.items[*].metadata.name}'"#), ["kubectl", "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"]);
        assert_eq!(words(r#"echo "a \"b\" $x" c\ d"#), ["echo", "a \"b\" $x", "c d"]);
        assert_eq!(words("echo a#b # comment"), ["echo", "a#b"]);
        assert_eq!(words("echo ''"), ["echo", ""]);
    }

    #[test]
    fn pipes_heredocs_and_lists() {
        let l = parse("cat <<EOF | kubectl apply -f -").unwrap();
        assert_eq!(l.heredocs, vec![HereDoc { delimiter: "EOF".into(), strip_tabs: false }]);
        assert_eq!(l.pipelines[0].commands.len(), 2);
        assert_eq!(l.pipelines[0].commands[0].heredoc, Some(0));
        let l = parse("kubectl apply -f - << 'END'").unwrap();
        assert_eq!(l.heredocs[0].delimiter, "END");
        let l = parse("kubectl get po && echo ok; echo done || true").unwrap();
        assert_eq!(l.pipelines.len(), 4);
        assert_eq!(l.pipelines[1].connector, Connector::IfOk);
        assert_eq!(l.pipelines[2].connector, Connector::Always);
        assert_eq!(l.pipelines[3].connector, Connector::IfFailed);
        let l = parse("kubectl run x --image=nginx --dry-run=client -o yaml > pod.yaml").unwrap();
        assert_eq!(l.pipelines[0].commands[0].stdout_file, Some(("pod.yaml".into(), false)));
        let l = parse("kubectl drain node01 2>&1 | grep x").unwrap();
        assert!(l.pipelines[0].commands[0].stderr_to_stdout);
        assert_eq!(l.pipelines[0].commands[0].words, ["kubectl", "drain", "node01"]);
        let l = parse("kubectl get po 2>/dev/null").unwrap();
        assert!(l.pipelines[0].commands[0].stderr_discard);
    }

    #[test]
    fn errors() {
        assert_eq!(parse("echo 'abc").unwrap_err(), ParseError::UnclosedQuote('\''));
        assert_eq!(parse("echo \"abc").unwrap_err().message(), "bash: unexpected EOF while looking for matching `\"'");
        assert!(matches!(parse("| kubectl"), Err(ParseError::Syntax(_))));
        assert!(matches!(parse("kubectl get po |"), Err(ParseError::Syntax(_))));
        assert!(parse("").unwrap().pipelines.is_empty());
        assert!(parse("   # only a comment").unwrap().pipelines.is_empty());
    }
}
