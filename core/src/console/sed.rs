//! `sed` as learners use it on manifests: `s/REGEX/REPLACEMENT/[g]` expressions (any
//! delimiter, `-e` repeated or `;`-separated), `-i` to edit files in place, `-E`/`-r`.
//! Basic regular expressions are read as extended ones with `\(`/`\)`/`\{`/`\}`/`\+`/`\?`
//! turned into their ERE forms; `&` and `\1`…`\9` in the replacement as GNU sed.

use super::{Console, Out};

struct Subst {
    re: regex_lite::Regex,
    replacement: String,
    global: bool,
}

/// GNU sed's replacement: `&` the match, `\N` a group, `\&` and `\\` literal.
fn to_regex_replacement(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("${0}"),
            '$' => out.push_str("$$"),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => out.push_str(&format!("${{{}}}", d)),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('$') => out.push_str("$$"),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

fn parse_script(script: &str, extended: bool) -> Result<Vec<Subst>, String> {
    let mut out = vec![];
    let mut rest = script.trim_start_matches([' ', ';', '\n']);
    while !rest.is_empty() {
        let mut chars = rest.chars();
        if chars.next() != Some('s') {
            return Err(format!("sed: -e expression #1, char 1: unknown command: `{}'", rest.chars().next().unwrap_or(' ')));
        }
        let Some(delim) = chars.next() else { return Err("sed: -e expression #1, char 1: unterminated `s' command".into()) };
        // split the three parts on unescaped delimiters
        let mut parts = vec![String::new()];
        let mut escaped = false;
        let mut consumed = 2;
        for c in chars {
            consumed += c.len_utf8();
            if parts.len() == 3 && (c == ';' || c == '\n' || c == ' ') {
                break;
            }
            if parts.len() < 3 && !escaped && c == delim {
                parts.push(String::new());
                continue;
            }
            if escaped && c == delim {
                // an escaped delimiter is the delimiter itself
                parts.last_mut().map(|p| p.pop());
            }
            escaped = !escaped && c == '\\';
            if let Some(p) = parts.last_mut() {
                p.push(c);
            }
        }
        if parts.len() < 3 {
            return Err(format!("sed: -e expression #1, char {}: unterminated `s' command", rest.len()));
        }
        let flags = parts[2].trim();
        if let Some(bad) = flags.chars().find(|c| !matches!(c, 'g' | 'I' | 'i')) {
            return Err(format!("sed: -e expression #1, char {}: unknown option to `s'", consumed.min(rest.len()) + usize::from(bad != ' ')));
        }
        let pattern = if extended { parts[0].clone() } else { super::utils::basic_to_extended(&parts[0]) };
        let pattern = if flags.contains(['I', 'i']) { format!("(?i){}", pattern) } else { pattern };
        let re = regex_lite::Regex::new(&pattern).map_err(|_| "sed: -e expression #1, char 0: Invalid regular expression".to_string())?;
        out.push(Subst { re, replacement: to_regex_replacement(&parts[1]), global: flags.contains('g') });
        rest = rest.get(consumed.min(rest.len())..).unwrap_or("").trim_start_matches([' ', ';', '\n']);
    }
    Ok(out)
}

fn apply(text: &str, substs: &[Subst]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let mut l = body.to_string();
        for s in substs {
            l = if s.global { s.re.replace_all(&l, s.replacement.as_str()).into_owned() } else { s.re.replace(&l, s.replacement.as_str()).into_owned() };
        }
        out.push_str(&l);
        out.push_str(nl);
    }
    out
}

pub fn sed(c: &mut Console, args: &[String], stdin: &str) -> Out {
    let mut in_place = false;
    let mut extended = false;
    let mut scripts: Vec<String> = vec![];
    let mut files: Vec<&String> = vec![];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-i" | "--in-place" => in_place = true,
            "-E" | "-r" | "--regexp-extended" => extended = true,
            "-e" | "--expression" => match it.next() {
                Some(s) => scripts.push(s.clone()),
                None => return Out::err("sed: option requires an argument -- 'e'"),
            },
            s if s.starts_with("-i") && s.len() > 2 => in_place = true,
            s if s.starts_with('-') && s.len() > 1 => {
                for f in s[1..].chars() {
                    match f {
                        'i' => in_place = true,
                        'E' | 'r' => extended = true,
                        _ => return Out::err(format!("sed: invalid option -- '{}'", f)),
                    }
                }
            }
            _ if scripts.is_empty() => scripts.push(a.clone()),
            _ => files.push(a),
        }
    }
    if scripts.is_empty() {
        return Out::err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...");
    }
    let substs = match parse_script(&scripts.join("\n"), extended) {
        Ok(s) => s,
        Err(e) => return Out::err(e),
    };
    if files.is_empty() {
        if in_place {
            return Out::err("sed: no input files");
        }
        return Out::ok(apply(stdin, &substs));
    }
    let mut out = Out::ok("");
    for f in files {
        match c.read_file(f) {
            Ok(text) => {
                let edited = apply(&text, &substs);
                if in_place {
                    if edited != text {
                        if let Err(e) = c.write_file(f, &edited, false) {
                            out.stderr.push_str(&format!("sed: couldn't edit {}: {}\n", f, e));
                            out.code = 4;
                        }
                    }
                } else {
                    out.stdout.push_str(&edited);
                }
            }
            Err(_) => {
                out.stderr.push_str(&format!("sed: can't read {}: No such file or directory\n", f));
                out.code = 2;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str, text: &str, ext: bool) -> String {
        apply(text, &parse_script(script, ext).unwrap())
    }

    // GNU sed semantics (sed(1)): first match per line without g, & and \1 in replacements,
    // BRE groups written \( \), any delimiter.
    #[test]
    fn substitutes_as_gnu_sed() {
        assert_eq!(run("s/a/b/", "aaa\naa\n", false), "baa\nba\n");
        assert_eq!(run("s/a/b/g", "aaa\n", false), "bbb\n");
        assert_eq!(run("s|image: nginx|image: nginx:1.27|", "  image: nginx\n", false), "  image: nginx:1.27\n");
        assert_eq!(run(r"s/\(v1\)\.37\.0/\1.37.1/", "v1.37.0\n", false), "v1.37.1\n");
        assert_eq!(run("s/(x+)/[&]/", "axxb\n", true), "a[xx]b\n");
        assert_eq!(run("s/a/b/; s/c/d/", "ac\n", false), "bd\n");
        assert_eq!(run(r"s/\./,/g", "1.2.3", false), "1,2,3");
        assert!(parse_script("q", false).is_err());
        assert!(parse_script("s/a/b", false).is_err());
        assert!(parse_script("s/a/b/x", false).is_err());
    }
}
