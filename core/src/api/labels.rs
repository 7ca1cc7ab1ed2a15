//! Label selectors as k8s.io/apimachinery/pkg/labels parses them: the string syntax of
//! `kubectl -l` and the structured LabelSelector of workload specs.

use serde_json::Value;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

/// A conjunction of requirements; the empty selector matches everything.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Selector {
    pub reqs: Vec<Requirement>,
    /// LabelSelector semantics: a nil selector matches nothing.
    pub matches_nothing: bool,
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.key);
        match self.op {
            Op::Equals | Op::In => v.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Op::NotEquals | Op::NotIn => v.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            Op::Exists => v.is_some(),
            Op::DoesNotExist => v.is_none(),
            Op::Gt | Op::Lt => {
                let (Some(v), Some(t)) = (v.and_then(|v| v.parse::<i64>().ok()), self.values.first().and_then(|t| t.parse::<i64>().ok())) else {
                    return false;
                };
                if self.op == Op::Gt { v > t } else { v < t }
            }
        }
    }
}

impl Selector {
    pub fn everything() -> Self {
        Selector::default()
    }
    pub fn nothing() -> Self {
        Selector { reqs: vec![], matches_nothing: true }
    }
    /// Whether this selector matches every object (no requirement): then no object's labels
    /// need to be read.
    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty() && !self.matches_nothing
    }
    pub fn matches(&self, labels: &Labels) -> bool {
        !self.matches_nothing && self.reqs.iter().all(|r| r.matches(labels))
    }

    /// Parses the `-l` string syntax: `a=b,c!=d,e in (x,y),f notin (z),!g,h`.
    pub fn parse(s: &str) -> Result<Selector, String> {
        Parser { s: s.as_bytes(), src: s, pos: 0 }.parse()
    }

    /// From a metav1.LabelSelector JSON value (matchLabels + matchExpressions).
    pub fn from_label_selector(v: Option<&Value>) -> Result<Selector, String> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return Ok(Selector::nothing());
        };
        let mut reqs = vec![];
        if let Some(ml) = v.get("matchLabels").and_then(Value::as_object) {
            for (k, val) in ml {
                reqs.push(Requirement { key: k.clone(), op: Op::Equals, values: vec![val.as_str().unwrap_or_default().to_string()] });
            }
        }
        if let Some(exprs) = v.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e.get("key").and_then(Value::as_str).unwrap_or_default().to_string();
                let values: Vec<String> =
                    e.get("values").and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default();
                let op = match e.get("operator").and_then(Value::as_str).unwrap_or_default() {
                    "In" => Op::In,
                    "NotIn" => Op::NotIn,
                    "Exists" => Op::Exists,
                    "DoesNotExist" => Op::DoesNotExist,
                    other => return Err(format!("{:?} is not a valid label selector operator", other)),
                };
                reqs.push(Requirement { key, op, values });
            }
        }
        Ok(Selector { reqs, matches_nothing: false })
    }

    /// The string form kubectl prints (SELECTOR column): `app=web,tier in (a,b)`.
    pub fn to_string_form(&self) -> String {
        if self.matches_nothing {
            return "<none>".into();
        }
        self.reqs
            .iter()
            .map(|r| match r.op {
                Op::Equals => format!("{}={}", r.key, r.values.join(",")),
                Op::NotEquals => format!("{}!={}", r.key, r.values.join(",")),
                Op::In => format!("{} in ({})", r.key, r.values.join(",")),
                Op::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
                Op::Exists => r.key.clone(),
                Op::DoesNotExist => format!("!{}", r.key),
                Op::Gt => format!("{}>{}", r.key, r.values.join(",")),
                Op::Lt => format!("{}<{}", r.key, r.values.join(",")),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Labels of an object's JSON.
pub fn labels_of(obj: &Value) -> Labels {
    map_of(obj.pointer("/metadata/labels"))
}

pub fn map_of(v: Option<&Value>) -> Labels {
    v.and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))).collect())
        .unwrap_or_default()
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn ident(&mut self) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() || b",=!()<>".contains(&c) {
                break;
            }
            self.pos += 1;
        }
        self.src[start..self.pos].to_string()
    }
    fn err(&self, found: &str, expected: &str) -> String {
        format!("unable to parse requirement: found '{}', expected: {}", found, expected)
    }

    fn parse(mut self) -> Result<Selector, String> {
        let mut reqs = vec![];
        self.skip_ws();
        if self.peek().is_none() {
            return Ok(Selector::everything());
        }
        loop {
            reqs.push(self.requirement()?);
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(b',') => {
                    self.pos += 1;
                }
                Some(c) => return Err(self.err(&(c as char).to_string(), "',' or 'end of string'")),
            }
        }
        for r in &reqs {
            validate_key(&r.key)?;
        }
        Ok(Selector { reqs, matches_nothing: false })
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        self.skip_ws();
        if self.peek() == Some(b'!') {
            self.pos += 1;
            self.skip_ws();
            let key = self.ident();
            if key.is_empty() {
                return Err(self.err(&self.rest_token(), "identifier"));
            }
            return Ok(Requirement { key, op: Op::DoesNotExist, values: vec![] });
        }
        let key = self.ident();
        if key.is_empty() {
            return Err(self.err(&self.rest_token(), "identifier"));
        }
        self.skip_ws();
        let op = match self.peek() {
            None | Some(b',') => return Ok(Requirement { key, op: Op::Exists, values: vec![] }),
            Some(b'=') => {
                self.pos += 1;
                if self.peek() == Some(b'=') {
                    self.pos += 1;
                }
                Op::Equals
            }
            Some(b'!') if self.s.get(self.pos + 1) == Some(&b'=') => {
                self.pos += 2;
                Op::NotEquals
            }
            Some(b'>') => {
                self.pos += 1;
                Op::Gt
            }
            Some(b'<') => {
                self.pos += 1;
                Op::Lt
            }
            _ => {
                let word = self.ident();
                match word.as_str() {
                    "in" => Op::In,
                    "notin" => Op::NotIn,
                    _ => return Err(self.err(&word, "in, notin, =, ==, !=, gt, lt")),
                }
            }
        };
        self.skip_ws();
        let values = if matches!(op, Op::In | Op::NotIn) {
            if self.peek() != Some(b'(') {
                return Err(self.err(&self.rest_token(), "'('"));
            }
            self.pos += 1;
            let mut vals = vec![];
            loop {
                self.skip_ws();
                let v = self.ident();
                self.skip_ws();
                vals.push(v);
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err(&self.rest_token(), "',' or ')'")),
                }
            }
            vals
        } else {
            let v = self.ident();
            if matches!(op, Op::Gt | Op::Lt) && v.parse::<i64>().is_err() {
                return Err(format!("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"));
            }
            vec![v]
        };
        for v in &values {
            validate_value(v)?;
        }
        Ok(Requirement { key, op, values })
    }

    fn rest_token(&self) -> String {
        match self.peek() {
            None => "".into(),
            Some(c) => (c as char).to_string(),
        }
    }
}

fn validate_key(k: &str) -> Result<(), String> {
    crate::api::validation::qualified_name(k)
        .map_err(|m| format!("unable to parse requirement: key: Invalid value: \"{}\": {}", k, m.join("; ")))
}

fn validate_value(v: &str) -> Result<(), String> {
    crate::api::validation::label_value(v).map_err(|m| format!("unable to parse requirement: values[0]: Invalid value: \"{}\": {}", v, m.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    // After apimachinery labels/selector_test.go TestSelectorMatches.
    #[test]
    fn string_syntax_matches_like_upstream() {
        let cases: &[(&str, &[(&str, &str)], bool)] = &[
            ("", &[("x", "y")], true),
            ("x=y", &[("x", "y")], true),
            ("x==y", &[("x", "y")], true),
            ("x=z", &[("x", "y")], false),
            ("x!=z", &[("x", "y")], true),
            ("x!=y", &[("x", "y")], false),
            ("x!=y", &[], true),
            ("x", &[("x", "z")], true),
            ("!x", &[("x", "z")], false),
            ("!x", &[("y", "z")], true),
            ("x in (y,z)", &[("x", "z")], true),
            ("x in (y,z)", &[("x", "w")], false),
            ("x notin (y,z)", &[("x", "w")], true),
            ("x notin (y,z)", &[], true),
            ("env in (prod, dev),tier!=db", &[("env", "dev"), ("tier", "web")], true),
            ("x>1", &[("x", "2")], true),
            ("x<1", &[("x", "2")], false),
            ("a=b,c!=d,e in (x,y),f notin (z),!g,h", &[("a", "b"), ("e", "x"), ("h", "")], true),
        ];
        for (sel, labels, want) in cases {
            let s = Selector::parse(sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
            assert_eq!(s.matches(&l(labels)), *want, "{sel} on {labels:?}");
        }
    }

    #[test]
    fn bad_selectors_are_errors() {
        for bad in ["x in y", "x in (y", "x=y z", "=y", "x nope y", "x>a", "a b"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn label_selector_struct() {
        let v = serde_json::json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}, {"key": "gpu", "operator": "DoesNotExist"}]});
        let s = Selector::from_label_selector(Some(&v)).unwrap();
        assert!(s.matches(&l(&[("app", "web"), ("tier", "a")])));
        assert!(!s.matches(&l(&[("app", "web"), ("tier", "a"), ("gpu", "1")])));
        assert!(!Selector::from_label_selector(None).unwrap().matches(&l(&[])));
        assert!(Selector::from_label_selector(Some(&serde_json::json!({}))).unwrap().matches(&l(&[("a", "b")])));
        assert_eq!(s.to_string_form(), "app=web,tier in (a,b),!gpu");
    }
}
