//! kubectl's flag parsing (spf13/pflag rules): `--flag=value`, `--flag value`, `-o yaml`,
//! `-oyaml`, grouped boolean shorthands (`-it`), `--` ending flags, and pflag's error texts.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// takes a value (otherwise boolean)
    pub value: bool,
}

pub const fn val(long: &'static str, short: Option<char>) -> Flag {
    Flag { long, short, value: true }
}
pub const fn boolean(long: &'static str, short: Option<char>) -> Flag {
    Flag { long, short, value: false }
}

/// Flags every kubectl command accepts.
pub const GLOBAL: &[Flag] = &[val("namespace", Some('n')), val("kubeconfig", None), val("context", None), val("cluster", None), val("user", None), val("v", Some('v')), val("request-timeout", None)];

#[derive(Clone, Debug, Default)]
pub struct Args {
    pub pos: Vec<String>,
    vals: BTreeMap<&'static str, Vec<String>>,
    /// words after `--`
    pub rest: Vec<String>,
}

impl Args {
    pub fn get(&self, long: &str) -> Option<&str> {
        self.vals.get(long).and_then(|v| v.last()).map(String::as_str)
    }
    pub fn all(&self, long: &str) -> Vec<String> {
        self.vals.get(long).cloned().unwrap_or_default()
    }
    /// A boolean flag: present and not `=false`.
    pub fn on(&self, long: &str) -> bool {
        self.vals.get(long).and_then(|v| v.last()).is_some_and(|v| v != "false")
    }
    pub fn present(&self, long: &str) -> bool {
        self.vals.contains_key(long)
    }
}

pub fn parse(cmd: &str, words: &[String], flags: &[Flag]) -> Result<Args, String> {
    let find_long = |n: &str| flags.iter().chain(GLOBAL.iter()).find(|f| f.long == n).copied();
    let find_short = |c: char| flags.iter().chain(GLOBAL.iter()).find(|f| f.short == Some(c)).copied();
    let usage = format!("\nSee '{} --help' for usage.", cmd);
    let mut a = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            a.rest = words[i + 1..].to_vec();
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(f) = find_long(name) else { return Err(format!("error: unknown flag: --{}{}", name, usage)) };
            let value = if f.value {
                match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match words.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(format!("error: flag needs an argument: --{}{}", name, usage)),
                        }
                    }
                }
            } else {
                match inline.as_deref() {
                    None => "true".into(),
                    Some("true") | Some("false") => inline.unwrap_or_default(),
                    Some(other) => return Err(format!("error: invalid argument \"{}\" for \"--{}\" flag: strconv.ParseBool: parsing \"{}\": invalid syntax{}", other, name, other, usage)),
                }
            };
            a.vals.entry(f.long).or_default().push(value);
        } else if w.len() > 1 && w.starts_with('-') && !w[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let chars: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(f) = find_short(c) else { return Err(format!("error: unknown shorthand flag: '{}' in {}{}", c, w, usage)) };
                if f.value {
                    let rest: String = chars[j + 1..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest.strip_prefix('=').map(String::from).unwrap_or(rest)
                    } else {
                        i += 1;
                        match words.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(format!("error: flag needs an argument: '{}' in -{}{}", c, c, usage)),
                        }
                    };
                    a.vals.entry(f.long).or_default().push(v);
                    break;
                }
                a.vals.entry(f.long).or_default().push("true".into());
                j += 1;
            }
        } else {
            a.pos.push(w.clone());
        }
        i += 1;
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn pflag_rules() {
        let flags = [val("output", Some('o')), boolean("all-namespaces", Some('A')), boolean("show-labels", None), val("selector", Some('l'))];
        let a = parse("kubectl get", &w("pods -oyaml -n kube-system -A --show-labels -l=app=x"), &flags).unwrap();
        assert_eq!(a.pos, ["pods"]);
        assert_eq!(a.get("output"), Some("yaml"));
        assert_eq!(a.get("namespace"), Some("kube-system"));
        assert_eq!(a.get("selector"), Some("app=x"));
        assert!(a.on("all-namespaces") && a.on("show-labels"));
        assert_eq!(parse("kubectl get", &w("pods --foo"), &flags).unwrap_err(), "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.");
        assert_eq!(parse("kubectl get", &w("pods -z"), &flags).unwrap_err(), "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.");
        assert!(parse("kubectl get", &w("pods -o"), &flags).unwrap_err().starts_with("error: flag needs an argument: 'o' in -o"));
        let a = parse("kubectl exec", &w("etcd -n kube-system -- etcdctl get / --prefix"), &flags).unwrap();
        assert_eq!(a.rest, ["etcdctl", "get", "/", "--prefix"]);
    }
}
