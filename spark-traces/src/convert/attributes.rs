//! What the attributes of every span kind share: strings cut to the configured length,
//! and the outcome (`spark.status` and the OTLP status) of a span that can fail or be left
//! unfinished by the end of the log.

use super::Converter;
use crate::span::Status;

impl Converter {
    /// `s`, cut to `max_attribute_length` bytes (at least 16) on a character boundary,
    /// ending in `...` when cut: failure reasons and descriptions can be whole stack traces.
    pub(super) fn cut(&self, s: &str) -> String {
        let max = self.opts.max_attribute_length.max(16);
        if s.len() <= max {
            return s.to_string();
        }
        let mut end = max - 3;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
}

/// The OTLP status, the `spark.status` label and the status message of a SQL execution,
/// job or stage that failed with `failure` (or did not), or that the log left `unfinished`.
pub(super) fn outcome(failure: Option<&str>, unfinished: bool) -> (Status, &'static str, String) {
    match (failure, unfinished) {
        (_, true) => (Status::Unset, "UNFINISHED", String::new()),
        (Some(f), _) => (Status::Error, "FAILED", f.to_string()),
        (None, _) => (Status::Ok, "SUCCEEDED", String::new()),
    }
}
