//! API machinery's validation (k8s.io/apimachinery/pkg/util/validation and its field
//! package): name and label rules with upstream's messages, and field.Error, which the
//! apiserver joins into `The Pod "x" is invalid: …` exactly as StatusError does. Label
//! selectors and the kind table use the rules too, so they live below the apiserver.

use std::fmt;

pub(crate) const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid(String),
    NotSupported(String, Vec<String>),
    Forbidden,
    Duplicate(String),
    TooLong,
}

/// field.Error
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub typ: ErrorType,
    pub detail: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.typ {
            ErrorType::Required => write!(f, "{}: Required value", self.path)?,
            ErrorType::Invalid(v) => write!(f, "{}: Invalid value: {}", self.path, v)?,
            ErrorType::NotSupported(v, allowed) => {
                let list: Vec<String> = allowed.iter().map(|a| format!("\"{}\"", a)).collect();
                return write!(f, "{}: Unsupported value: {}: supported values: {}", self.path, v, list.join(", "));
            }
            ErrorType::Forbidden => write!(f, "{}: Forbidden", self.path)?,
            ErrorType::Duplicate(v) => write!(f, "{}: Duplicate value: {}", self.path, v)?,
            ErrorType::TooLong => write!(f, "{}: Too long", self.path)?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

pub fn required(path: impl Into<String>, detail: &str) -> FieldError {
    FieldError { path: path.into(), typ: ErrorType::Required, detail: detail.into() }
}
pub fn invalid(path: impl Into<String>, value: &str, detail: &str) -> FieldError {
    FieldError { path: path.into(), typ: ErrorType::Invalid(go_quote(value)), detail: detail.into() }
}
pub fn invalid_raw(path: impl Into<String>, value: String, detail: &str) -> FieldError {
    FieldError { path: path.into(), typ: ErrorType::Invalid(value), detail: detail.into() }
}
pub fn not_supported(path: impl Into<String>, value: &str, allowed: &[&str]) -> FieldError {
    FieldError { path: path.into(), typ: ErrorType::NotSupported(go_quote(value), allowed.iter().map(|s| s.to_string()).collect()), detail: String::new() }
}
pub fn forbidden(path: impl Into<String>, detail: &str) -> FieldError {
    FieldError { path: path.into(), typ: ErrorType::Forbidden, detail: detail.into() }
}
pub fn duplicate(path: impl Into<String>, value: &str) -> FieldError {
    FieldError { path: path.into(), typ: ErrorType::Duplicate(go_quote(value)), detail: String::new() }
}

/// Go's %q for the strings we print.
pub fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s))
}

fn is_alnum_lower(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_dns1123_label_chars(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && is_alnum_lower(b[0]) && is_alnum_lower(b[b.len() - 1]) && b.iter().all(|&c| is_alnum_lower(c) || c == b'-')
}

pub fn dns1123_label(s: &str) -> Result<(), Vec<String>> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !is_dns1123_label_chars(s) {
        errs.push(DNS1123_LABEL_MSG.to_string());
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

pub fn dns1123_subdomain(s: &str) -> Result<(), Vec<String>> {
    let mut errs = vec![];
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !s.split('.').all(is_dns1123_label_chars) {
        errs.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric() && b.iter().all(|&c| c.is_ascii_alphanumeric() || b"-_.".contains(&c))
}

/// IsQualifiedName: `[prefix/]name` as label and annotation keys use.
pub fn qualified_name(s: &str) -> Result<(), Vec<String>> {
    let mut errs = vec![];
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else if let Err(e) = dns1123_subdomain(p) {
            errs.extend(e.into_iter().map(|m| format!("prefix part {}", m)));
        }
        if name.contains('/') {
            return Err(vec!["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into()]);
        }
    }
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            errs.push("name part must be no more than 63 characters".to_string());
        }
        if !is_qualified_name_part(name) {
            errs.push(QUALIFIED_NAME_MSG.to_string());
        }
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

pub fn label_value(s: &str) -> Result<(), Vec<String>> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !s.is_empty() && !is_qualified_name_part(s) {
        errs.push(LABEL_VALUE_MSG.to_string());
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// How a kind's metadata.name is checked (ValidateObjectMeta's nameFn per kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    Subdomain,
    Label,
    /// Node names, Events … (path segment name: anything without '/' or '%')
    PathSegment,
}

#[cfg(test)]
mod tests {
    use super::*;

    // apimachinery validation_test.go: TestIsDNS1123Subdomain / TestIsQualifiedName / TestIsValidLabelValue.
    #[test]
    fn names() {
        for ok in ["a", "ab", "a-b", "0", "a.b.c", "nginx-7d8f9"] {
            assert!(dns1123_subdomain(ok).is_ok(), "{ok}");
        }
        for bad in ["", "A", "a_b", "-a", "a-", "a..b", "Bad_Name", &"a".repeat(254)] {
            assert!(dns1123_subdomain(bad).is_err(), "{bad}");
        }
        assert!(dns1123_label("a.b").is_err());
        assert!(qualified_name("node-role.kubernetes.io/control-plane").is_ok());
        assert!(qualified_name("app").is_ok());
        assert!(qualified_name("App_1.x").is_ok());
        assert!(qualified_name("/a").is_err());
        assert!(qualified_name("a b").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_x").is_ok());
        assert!(label_value("a b").is_err());
        assert!(label_value(&"a".repeat(64)).is_err());
    }
}
