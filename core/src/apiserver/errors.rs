//! metav1.Status errors, printed the way kubectl prints them.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    /// metav1.StatusReason: NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Forbidden …
    pub reason: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, reason, message: message.into() }
    }
    /// `pods "x" not found`
    pub fn not_found(qualified_plural: &str, name: &str) -> Self {
        Self::new(404, "NotFound", format!("{} \"{}\" not found", qualified_plural, name))
    }
    pub fn already_exists(qualified_plural: &str, name: &str) -> Self {
        Self::new(409, "AlreadyExists", format!("{} \"{}\" already exists", qualified_plural, name))
    }
    pub fn conflict(qualified_plural: &str, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again", qualified_plural, name),
        )
    }
    /// `The Pod "x" is invalid: a` — one error alone, several in brackets. kubectl builds this
    /// from the status details (StandardErrorMessage), so the kind carries no group.
    pub fn invalid(kind: &str, name: &str, errs: &[super::validation::FieldError]) -> Self {
        let body = if errs.len() == 1 { errs[0].to_string() } else { format!("[{}]", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")) };
        Self::new(422, "Invalid", format!("The {} \"{}\" is invalid: {}", kind, name, body))
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }

    /// What kubectl prints: `Error from server (NotFound): …`; Invalid errors print bare.
    pub fn kubectl(&self) -> String {
        self.kubectl_with(None)
    }

    /// With kubectl's `error when creating "STDIN": ` context for -f operations.
    pub fn kubectl_with(&self, context: Option<&str>) -> String {
        let msg = match context {
            Some(c) if self.reason != "Invalid" => format!("{}: {}", c, self.message),
            _ => self.message.clone(),
        };
        if self.reason == "Invalid" {
            msg
        } else {
            format!("Error from server ({}): {}", self.reason, msg)
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kubectl())
    }
}
