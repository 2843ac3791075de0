//! Writing the Prometheus text exposition format (version 0.0.4).
//!
//! ```
//! use spark_exporter::exposition::Exposition;
//! use spark_exporter::exposition::Kind;
//!
//! let mut out = Exposition::new();
//! out.family("spark_stage_tasks", "Tasks of a stage, by state.", Kind::Gauge);
//! out.sample("spark_stage_tasks", &[("stage_id", "3"), ("state", "active")], 2.0);
//! let text = out.finish();
//! assert_eq!(text.lines().collect::<Vec<_>>(), [
//!     "# HELP spark_stage_tasks Tasks of a stage, by state.",
//!     "# TYPE spark_stage_tasks gauge",
//!     r#"spark_stage_tasks{stage_id="3",state="active"} 2"#,
//! ]);
//! ```

use std::fmt::Write as _;

/// A Prometheus metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up (resets when the process restarts).
    Counter,
    /// Goes up and down.
    Gauge,
    /// `_bucket`, `_sum` and `_count` series.
    Histogram,
}

impl Kind {
    /// The word on the `# TYPE` line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// The `Content-Type` of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// An exposition being written. Families must be written in one block each: call
/// [`Exposition::family`] once, then every sample of that family.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// An empty exposition.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty exposition with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            out: String::with_capacity(bytes),
        }
    }

    /// Writes `# HELP` and `# TYPE` for a family.
    pub fn family(&mut self, name: &str, help: &str, kind: Kind) {
        self.out.push_str("# HELP ");
        self.out.push_str(name);
        self.out.push(' ');
        escape_help(help, &mut self.out);
        self.out.push_str("\n# TYPE ");
        self.out.push_str(name);
        self.out.push(' ');
        self.out.push_str(kind.as_str());
        self.out.push('\n');
    }

    /// Writes one sample.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.out.push_str(k);
                self.out.push_str("=\"");
                escape_label_value(v, &mut self.out);
                self.out.push('"');
            }
            self.out.push('}');
        }
        self.out.push(' ');
        write_value(value, &mut self.out);
        self.out.push('\n');
    }

    /// Appends text already in the format (sample lines of one family).
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// The text.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes a label value: `\` `"` and newlines.
///
/// ```
/// let mut s = String::new();
/// spark_exporter::exposition::escape_label_value("a\"b\\c\nd", &mut s);
/// assert_eq!(s, r#"a\"b\\c\nd"#);
/// ```
pub fn escape_label_value(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Escapes `# HELP` text: `\` and newlines.
pub fn escape_help(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Formats a sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
///
/// ```
/// let text = |v: f64| {
///     let mut s = String::new();
///     spark_exporter::exposition::write_value(v, &mut s);
///     s
/// };
/// assert_eq!(text(2.5e-3), "0.0025");
/// assert_eq!(text(7.0), "7");
/// assert_eq!(text(f64::INFINITY), "+Inf");
/// ```
pub fn write_value(v: f64, out: &mut String) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else if v == v.trunc() && v.abs() < 1e15 {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v}");
    }
}

/// `true` when `name` is a valid Prometheus label name.
pub fn is_label_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let f = |v: f64| {
            let mut s = String::new();
            write_value(v, &mut s);
            s
        };
        assert_eq!(f(0.0), "0");
        assert_eq!(f(-3.0), "-3");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(f64::INFINITY), "+Inf");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn label_names() {
        assert!(is_label_name("application_id"));
        assert!(!is_label_name("0a"));
        assert!(!is_label_name("a-b"));
        assert!(!is_label_name(""));
    }
}
