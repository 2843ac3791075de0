//! HTTP requests to Spark's REST API: one GET with a bounded body, why it failed (the
//! `reason` label of the poll errors), and the URL handling around it.

use std::fmt;
use std::io::Read;

/// Why one request failed.
#[derive(Debug)]
pub struct FetchError {
    /// The URL asked.
    pub url: String,
    /// What kind of failure (the `reason` label).
    pub kind: FetchErrorKind,
    /// What happened, sources included.
    pub message: String,
}

/// The `reason` label of `spark_exporter_rest_poll_errors_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FetchErrorKind {
    /// Refused, unreachable, DNS.
    Connect,
    /// No answer within `--rest-timeout`.
    Timeout,
    /// A 4xx other than 404.
    Http4xx,
    /// 404: also Spark's answer for a stage without finished tasks.
    NotFound,
    /// A 5xx.
    Http5xx,
    /// Not the JSON the API returns.
    Decode,
    /// Larger than `--rest-max-body-bytes`.
    TooLarge,
    /// Anything else.
    Other,
}

impl FetchErrorKind {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            FetchErrorKind::Connect => "connect",
            FetchErrorKind::Timeout => "timeout",
            FetchErrorKind::Http4xx | FetchErrorKind::NotFound => "http_4xx",
            FetchErrorKind::Http5xx => "http_5xx",
            FetchErrorKind::Decode => "decode",
            FetchErrorKind::TooLarge => "too_large",
            FetchErrorKind::Other => "other",
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GET {}: {}", self.url, self.message)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        source = s.source();
    }
    out
}

/// GETs `url` and returns the body (at most `max` bytes).
pub(super) fn fetch(
    client: &reqwest::blocking::Client,
    url: &str,
    max: u64,
) -> Result<Vec<u8>, FetchError> {
    let err = |kind, message: String| FetchError {
        url: url.to_string(),
        kind,
        message,
    };
    let response = client
        .get(url)
        .header("Accept", "application/json")
        .send()
        .map_err(|e| {
            let kind = if e.is_timeout() {
                FetchErrorKind::Timeout
            } else if e.is_connect() {
                FetchErrorKind::Connect
            } else {
                FetchErrorKind::Other
            };
            err(kind, error_chain(&e))
        })?;
    let status = response.status();
    if !status.is_success() {
        let kind = match status.as_u16() {
            404 => FetchErrorKind::NotFound,
            400..=499 => FetchErrorKind::Http4xx,
            _ => FetchErrorKind::Http5xx,
        };
        return Err(err(kind, format!("HTTP {status}")));
    }
    let mut body = Vec::new();
    response.take(max + 1).read_to_end(&mut body).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::TimedOut {
            FetchErrorKind::Timeout
        } else {
            FetchErrorKind::Other
        };
        err(kind, format!("reading the body: {e}"))
    })?;
    if body.len() as u64 > max {
        return Err(err(
            FetchErrorKind::TooLarge,
            format!("the body is larger than {max} bytes (--rest-max-body-bytes)"),
        ));
    }
    Ok(body)
}

/// A body that is not what the API returns; the usual cause is a URL that is not Spark's.
pub(super) fn decode_err(url: &str, e: impl std::error::Error) -> FetchError {
    let hint = "; is this a Spark driver UI (port 4040) or History Server (port 18080)?";
    FetchError {
        url: url.to_string(),
        kind: FetchErrorKind::Decode,
        message: format!("{}{hint}", error_chain(&e)),
    }
}

/// Percent-encodes what may not appear in a path segment.
pub(super) fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URL without `user:password@`, for labels and logs.
///
/// ```
/// use spark_exporter::rest::poller::redact_url;
/// assert_eq!(redact_url("http://u:secret@host:18080/"), "http://host:18080/");
/// assert_eq!(redact_url("http://host:4040"), "http://host:4040");
/// ```
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode("app-2026 01/x"), "app-2026%2001%2Fx");
    }
}
