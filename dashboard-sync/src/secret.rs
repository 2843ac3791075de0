//! Credentials that cannot leak: every way to print them prints `***`.

use std::fmt;

/// A token or password. `Debug` and `Display` print `***`; only [`Secret::expose`] gives
/// the value, and the client calls it in exactly one place, to set the request header.
///
/// ```
/// use dashboard_sync::Secret;
/// let s = Secret::new("glsa_abc123");
/// assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
/// assert_eq!(s.expose(), "glsa_abc123");
/// assert_eq!(s.redact("echo: glsa_abc123!"), "echo: ***!");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value. Surrounding whitespace (a token file's trailing newline) is
    /// dropped, since no real token or password begins or ends with it.
    pub fn new(value: impl Into<String>) -> Self {
        let v: String = value.into();
        Secret(v.trim().to_string())
    }

    /// The value itself, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (an empty token file, an empty variable).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every occurrence of the secret replaced by `***`. Applied to anything a
    /// server sends back before it is shown: a misconfigured proxy may echo headers.
    pub fn redact(&self, text: &str) -> String {
        // Short secrets would redact ordinary words; nothing real is under 4 characters.
        if self.0.len() < 4 {
            return text.to_string();
        }
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the client authenticates.
///
/// ```
/// use dashboard_sync::{Credentials, Secret};
/// let c = Credentials::Basic { user: "admin".into(), password: Secret::new("hunter22") };
/// assert!(!format!("{c:?}").contains("hunter22"));
/// assert_eq!(c.describe(), "basic auth as admin");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// A service-account token (or a legacy API key), sent as `Authorization: Bearer`.
    Token(Secret),
    /// A user and password, sent as HTTP basic auth.
    Basic {
        /// The login.
        user: String,
        /// The password.
        password: Secret,
    },
    /// No credentials: only `/api/health` will answer.
    None,
}

impl Credentials {
    /// What kind of credentials these are, for messages; never the secret itself.
    pub fn describe(&self) -> String {
        match self {
            Credentials::Token(_) => "a token".to_string(),
            Credentials::Basic { user, .. } => format!("basic auth as {user}"),
            Credentials::None => "no credentials".to_string(),
        }
    }

    /// `text` with the secret (if any) replaced by `***`; for basic auth also the
    /// base64 `user:password` that goes over the wire, should a server echo the header.
    pub fn redact(&self, text: &str) -> String {
        match self {
            Credentials::Token(s) => s.redact(text),
            Credentials::Basic { user, password } => {
                let wire = Secret::new(base64(format!("{user}:{}", password.expose()).as_bytes()));
                wire.redact(&password.redact(text))
            }
            Credentials::None => text.to_string(),
        }
    }
}

/// Standard base64 with padding, as in `Authorization: Basic`.
fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_prints_the_value() {
        let s = Secret::new("  glsa_supersecret_0123\n");
        let c = Credentials::Token(s.clone());
        for shown in [
            format!("{s}"),
            format!("{s:?}"),
            format!("{s:#?}"),
            format!("{c:?}"),
            format!("{c:#?}"),
            c.describe(),
        ] {
            assert!(!shown.contains("supersecret"), "{shown}");
        }
        assert_eq!(s.expose(), "glsa_supersecret_0123");
    }

    #[test]
    fn base64_matches_the_rfc() {
        assert_eq!(base64(b"admin:secret"), "YWRtaW46c2VjcmV0");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn basic_auth_on_the_wire_is_redacted_too() {
        let c = Credentials::Basic {
            user: "admin".into(),
            password: Secret::new("secret"),
        };
        assert_eq!(c.redact("got Basic YWRtaW46c2VjcmV0"), "got Basic ***");
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let c = Credentials::Basic {
            user: "admin".into(),
            password: Secret::new("p4ssw0rd"),
        };
        assert_eq!(c.redact("p4ssw0rd and p4ssw0rd"), "*** and ***");
        assert_eq!(Credentials::None.redact("p4ssw0rd"), "p4ssw0rd");
    }
}
