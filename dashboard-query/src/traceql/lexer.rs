//! Tokens of TraceQL, Grafana variables kept as single tokens, and the tables of
//! scopes, intrinsics and functions Tempo knows (`pkg/traceql/lexer.go`, `enum_*.go`).

use super::{err, TraceQlError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Neq,
    Re,
    Nre,
    Gt,
    Gte,
    Lt,
    Lte,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    And,
    Or,
    Not,
    Desc,
    Ance,
    Sibl,
    NotChild,
    NotParent,
    NotDesc,
    NotAnce,
    UnionChild,
    UnionParent,
    UnionDesc,
    UnionAnce,
    UnionSibl,
}

/// Operator spellings, longest first so that matching the first prefix is
/// Tempo's longest match.
pub(super) const OPS: &[(&str, Op)] = &[
    ("!>>", Op::NotDesc),
    ("!<<", Op::NotAnce),
    ("&>>", Op::UnionDesc),
    ("&<<", Op::UnionAnce),
    ("!=", Op::Neq),
    ("=~", Op::Re),
    ("!~", Op::Nre),
    (">=", Op::Gte),
    ("<=", Op::Lte),
    ("&&", Op::And),
    ("||", Op::Or),
    (">>", Op::Desc),
    ("<<", Op::Ance),
    ("!>", Op::NotChild),
    ("!<", Op::NotParent),
    ("&>", Op::UnionChild),
    ("&<", Op::UnionParent),
    ("&~", Op::UnionSibl),
    ("=", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("+", Op::Add),
    ("-", Op::Sub),
    ("*", Op::Mul),
    ("/", Op::Div),
    ("%", Op::Mod),
    ("^", Op::Pow),
    ("!", Op::Not),
    ("~", Op::Sibl),
];

impl Op {
    /// Binding power of a binary operator (higher binds tighter), as in
    /// Tempo's grammar; `None` for the prefix-only `!`.
    pub(super) fn precedence(self) -> Option<u8> {
        use Op::*;
        Some(match self {
            And | Or => 1,
            Eq | Neq | Re | Nre | Gt | Gte | Lt | Lte | Desc | Ance | Sibl | NotChild
            | NotParent | NotDesc | NotAnce | UnionChild | UnionParent | UnionDesc | UnionAnce
            | UnionSibl => 2,
            Add | Sub => 3,
            Mul | Div | Mod => 5,
            Pow => 6,
            Not => return None,
        })
    }

    pub(super) fn is_structural(self) -> bool {
        use Op::*;
        matches!(
            self,
            Desc | Ance
                | Sibl
                | NotChild
                | NotParent
                | NotDesc
                | NotAnce
                | UnionChild
                | UnionParent
                | UnionDesc
                | UnionAnce
                | UnionSibl
        )
    }

    pub(super) fn is_arithmetic(self) -> bool {
        matches!(
            self,
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow
        )
    }
}

/// Binding power of unary `-` and `!`.
pub(super) const UNARY_PRECEDENCE: u8 = 5;

/// The value type of a field expression, as far as the check needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    Bool,
    Num,
    Str,
    Status,
    Kind,
    Nil,
    /// Attributes and Grafana variables: any type.
    Any,
}

impl Ty {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Ty::Bool => "boolean",
            Ty::Num => "number",
            Ty::Str => "string",
            Ty::Status => "status",
            Ty::Kind => "span kind",
            Ty::Nil => "nil",
            Ty::Any => "value",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Pipe,
    Op(Op),
    Str,
    /// An integer, float or duration literal.
    Num,
    Word(&'a str),
    /// `.attr`, `span.attr`, `resource."quoted attr"`, `parent.span.attr`, ...
    Attr,
    /// `span:duration`, `trace:rootService`, ...
    ScopedIntrinsic(Ty),
    /// A Grafana variable reference outside a string.
    Var,
    Eof,
    /// The lexer stopped here; the parser reports the lexer's error.
    Error,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) tok: Tok<'a>,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) const ATTRIBUTE_SCOPES: &[&str] = &[
    "span",
    "resource",
    "event",
    "link",
    "instrumentation",
    "parent",
];

pub(super) const SCOPED_INTRINSICS: &[(&str, &[(&str, Ty)])] = &[
    (
        "trace",
        &[
            ("duration", Ty::Num),
            ("rootName", Ty::Str),
            ("rootService", Ty::Str),
            ("id", Ty::Str),
        ],
    ),
    (
        "span",
        &[
            ("duration", Ty::Num),
            ("name", Ty::Str),
            ("kind", Ty::Kind),
            ("status", Ty::Status),
            ("statusMessage", Ty::Str),
            ("id", Ty::Str),
            ("parentID", Ty::Str),
        ],
    ),
    ("event", &[("name", Ty::Str), ("timeSinceStart", Ty::Num)]),
    ("link", &[("traceID", Ty::Str), ("spanID", Ty::Str)]),
    (
        "instrumentation",
        &[("name", Ty::Str), ("version", Ty::Str)],
    ),
];

pub(super) const INTRINSICS: &[(&str, Ty)] = &[
    ("duration", Ty::Num),
    ("childCount", Ty::Num),
    ("name", Ty::Str),
    ("status", Ty::Status),
    ("statusMessage", Ty::Str),
    ("kind", Ty::Kind),
    ("parent", Ty::Any),
    ("rootName", Ty::Str),
    ("rootServiceName", Ty::Str),
    ("traceDuration", Ty::Num),
    ("nestedSetLeft", Ty::Num),
    ("nestedSetRight", Ty::Num),
    ("nestedSetParent", Ty::Num),
];

pub(super) const STATICS: &[(&str, Ty)] = &[
    ("true", Ty::Bool),
    ("false", Ty::Bool),
    ("nil", Ty::Nil),
    ("ok", Ty::Status),
    ("error", Ty::Status),
    ("unset", Ty::Status),
    ("unspecified", Ty::Kind),
    ("internal", Ty::Kind),
    ("server", Ty::Kind),
    ("client", Ty::Kind),
    ("producer", Ty::Kind),
    ("consumer", Ty::Kind),
];

/// Intrinsics that exist only with a scope.
pub(super) const SCOPED_ONLY: &[(&str, &str)] = &[
    ("rootService", "`trace:rootService`"),
    ("id", "`trace:id` or `span:id`"),
    ("traceID", "`link:traceID`"),
    ("spanID", "`link:spanID`"),
    ("parentID", "`span:parentID`"),
    ("timeSinceStart", "`event:timeSinceStart`"),
    ("version", "`instrumentation:version`"),
];

pub(super) const AGGREGATES: &[&str] = &["count", "avg", "min", "max", "sum"];
pub(super) const STAGE_FUNCTIONS: &[&str] = &["by", "select", "coalesce"];
pub(super) const METRICS_FUNCTIONS: &[&str] = &[
    "rate",
    "count_over_time",
    "min_over_time",
    "max_over_time",
    "avg_over_time",
    "sum_over_time",
    "quantile_over_time",
    "histogram_over_time",
    "compare",
];
pub(super) const SECOND_STAGE_FUNCTIONS: &[&str] = &["topk", "bottomk"];

pub(super) fn lookup<T: Copy>(table: &[(&str, T)], word: &str) -> Option<T> {
    table.iter().find(|(w, _)| *w == word).map(|(_, t)| *t)
}

pub(super) fn is_function(word: &str) -> bool {
    [
        AGGREGATES,
        STAGE_FUNCTIONS,
        METRICS_FUNCTIONS,
        SECOND_STAGE_FUNCTIONS,
    ]
    .iter()
    .any(|list| list.contains(&word))
}

/// Characters that may appear unquoted in an attribute name (Tempo's
/// `isAttributeRune`).
pub(super) fn is_attribute_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '{' | '}' | '(' | ')' | '=' | '~' | '!' | '<' | '>' | '&' | '|' | '^' | ','
        )
}

pub(super) fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

pub(super) fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(super) fn is_micro(c: char) -> bool {
    c == 'µ' || c == 'μ'
}

pub(super) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    refs: Vec<crate::template::VarRef>,
    next_ref: usize,
    toks: Vec<Token<'a>>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            refs: crate::template::scan(src),
            next_ref: 0,
            toks: Vec::new(),
        }
    }

    pub(super) fn run(mut self) -> (Vec<Token<'a>>, Option<TraceQlError>) {
        loop {
            let step = self.skip_trivia().and_then(|()| {
                if self.pos >= self.bytes.len() {
                    Ok(None)
                } else {
                    self.token().map(Some)
                }
            });
            match step {
                Ok(Some(tok)) => self.toks.push(tok),
                Ok(None) => {
                    let end = self.bytes.len();
                    self.toks.push(Token {
                        tok: Tok::Eof,
                        start: end,
                        end,
                    });
                    return (self.toks, None);
                }
                Err(e) => {
                    self.toks.push(Token {
                        tok: Tok::Error,
                        start: e.offset,
                        end: e.offset,
                    });
                    return (self.toks, Some(e));
                }
            }
        }
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|s| s.chars().next())
    }

    /// The end of the Grafana variable reference starting at `at`, if any.
    /// Positions asked about only ever increase.
    fn var_end(&mut self, at: usize) -> Option<usize> {
        while let Some(r) = self.refs.get(self.next_ref) {
            if r.range.start < at {
                self.next_ref += 1;
                continue;
            }
            return (r.range.start == at).then_some(r.range.end);
        }
        None
    }

    /// Whitespace and Go-style comments, which Tempo's scanner skips.
    fn skip_trivia(&mut self) -> Result<(), TraceQlError> {
        loop {
            let rest = &self.src[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Ok(());
            };
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if let Some(body) = rest.strip_prefix("/*") {
                match body.find("*/") {
                    Some(i) => self.pos += i + 4,
                    None => return err("unterminated comment: close it with `*/`", self.pos),
                }
            } else {
                return Ok(());
            }
        }
    }

    fn token(&mut self) -> Result<Token<'a>, TraceQlError> {
        let start = self.pos;
        let tok = self.token_kind(start)?;
        Ok(Token {
            tok,
            start,
            end: self.pos,
        })
    }

    fn token_kind(&mut self, start: usize) -> Result<Tok<'a>, TraceQlError> {
        if let Some(end) = self.var_end(start) {
            self.pos = end;
            self.absorb_var_suffix();
            return Ok(Tok::Var);
        }
        let b = self.bytes[start];
        let single = match b {
            b'{' => Some(Tok::LBrace),
            b'}' => Some(Tok::RBrace),
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b',' => Some(Tok::Comma),
            b'|' if self.bytes.get(start + 1) != Some(&b'|') => Some(Tok::Pipe),
            _ => None,
        };
        if let Some(tok) = single {
            self.pos += 1;
            return Ok(tok);
        }
        match b {
            b'"' => self.string(start),
            b'`' => match self.src[start + 1..].find('`') {
                Some(i) => {
                    self.pos = start + 1 + i + 1;
                    Ok(Tok::Str)
                }
                None => err("unterminated string: add a closing backtick", start),
            },
            b'\'' => err(
                "strings use double quotes or backticks, not single quotes",
                start,
            ),
            b'0'..=b'9' => self.number(start),
            b'.' if self.bytes.get(start + 1).is_some_and(u8::is_ascii_digit) => {
                self.number(start)
            }
            b'.' => {
                self.attribute_name(start + 1, ".")?;
                Ok(Tok::Attr)
            }
            _ if is_ident_start(b) => self.word(start),
            b'&' if !matches!(self.bytes.get(start + 1), Some(b'&' | b'>' | b'<' | b'~')) => err(
                "unexpected `&`: use `&&` for \"and\", or `&>>`, `&>`, `&<<`, `&<`, `&~` for union structural operators",
                start,
            ),
            b'$' => err(
                "unexpected `$`: Grafana variables are written `$name`, `${name}` or `${name:format}`",
                start,
            ),
            _ => {
                let rest = &self.src[start..];
                if let Some((text, op)) = OPS.iter().find(|(text, _)| rest.starts_with(text)) {
                    self.pos += text.len();
                    return Ok(Tok::Op(*op));
                }
                let c = self.char_at(start).unwrap_or('?');
                err(format!("unexpected character `{c}`"), start)
            }
        }
    }

    /// A variable may carry glued text: a unit (`${min}ms`), a decimal part,
    /// an attribute path (`${scope}.name`) or another variable.
    fn absorb_var_suffix(&mut self) {
        loop {
            if let Some(end) = self.var_end(self.pos) {
                self.pos = end;
                continue;
            }
            match self.char_at(self.pos) {
                Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '.' || is_micro(c) => {
                    self.pos += c.len_utf8();
                }
                _ => return,
            }
        }
    }

    /// A double-quoted string with Go's escapes (Tempo unquotes with
    /// `strconv.Unquote`).
    fn string(&mut self, start: usize) -> Result<Tok<'a>, TraceQlError> {
        let mut p = start + 1;
        loop {
            match self.bytes.get(p) {
                None | Some(b'\n') => {
                    return err("unterminated string: add a closing `\"`", start);
                }
                Some(b'"') => {
                    self.pos = p + 1;
                    return Ok(Tok::Str);
                }
                Some(b'\\') => p = self.escape(p)?,
                Some(_) => p += 1,
            }
        }
    }

    /// Validates the escape at `at` (a backslash) and returns the position after it.
    fn escape(&self, at: usize) -> Result<usize, TraceQlError> {
        let digits = |n: usize, radix: u32| -> Option<u32> {
            let text = self.src.get(at + 2..at + 2 + n)?;
            if !text.bytes().all(|b| (b as char).is_digit(radix)) {
                return None;
            }
            u32::from_str_radix(text, radix).ok()
        };
        let valid = match self.bytes.get(at + 1) {
            None => return err("unterminated string: add a closing `\"`", at),
            Some(b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'"') => Some(2),
            Some(b'x') => digits(2, 16).map(|_| 4),
            Some(b'u') => digits(4, 16).and_then(char::from_u32).map(|_| 6),
            Some(b'U') => digits(8, 16).and_then(char::from_u32).map(|_| 10),
            Some(b'0'..=b'7') => {
                // `\ooo` starts right after the backslash.
                let text = self.src.get(at + 1..at + 4).unwrap_or("");
                (text.len() == 3
                    && text.bytes().all(|b| (b'0'..=b'7').contains(&b))
                    && u32::from_str_radix(text, 8).is_ok_and(|v| v <= 255))
                .then_some(4)
            }
            Some(_) => None,
        };
        match valid {
            Some(len) => Ok(at + len),
            None => {
                let c = self.char_at(at + 1).unwrap_or('?');
                err(
                    format!(
                        "invalid escape `\\{c}` in a string: write `\\\\` for a backslash \
                         (a regex needs `\"\\\\d\"`), or use a backtick string"
                    ),
                    at,
                )
            }
        }
    }

    /// An integer, float or duration (`1`, `2.5`, `.9`, `1e3`, `1ms`, `2.5s`, `1h30m`).
    fn number(&mut self, start: usize) -> Result<Tok<'a>, TraceQlError> {
        let digits = |bytes: &[u8], from: usize| {
            from + bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut p = digits(self.bytes, start);
        if self.bytes.get(p) == Some(&b'.') {
            p = digits(self.bytes, p + 1);
        }
        if matches!(self.bytes.get(p), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.bytes.get(p + 1), Some(b'+' | b'-')));
            if self.bytes.get(p + 1 + sign).is_some_and(u8::is_ascii_digit) {
                p = digits(self.bytes, p + 1 + sign);
            }
        }
        let unit = self
            .char_at(p)
            .is_some_and(|c| c.is_ascii_alphabetic() || is_micro(c));
        if unit {
            while let Some(c) = self.char_at(p) {
                if c.is_ascii_alphanumeric() || c == '.' || is_micro(c) {
                    p += c.len_utf8();
                } else {
                    break;
                }
            }
            let text = &self.src[start..p];
            if !is_duration(text) {
                return err(
                    format!(
                        "invalid duration `{text}`: use a number and a unit (ns, us, ms, s, m, h, \
                         d, w, y), e.g. `1.5s` or `1h30m`"
                    ),
                    start,
                );
            }
        }
        self.pos = p;
        Ok(Tok::Num)
    }

    fn word(&mut self, start: usize) -> Result<Tok<'a>, TraceQlError> {
        let end = start
            + self.bytes[start..]
                .iter()
                .take_while(|&&b| is_ident_continue(b))
                .count();
        let word = &self.src[start..end];
        self.pos = end;
        match self.bytes.get(end) {
            Some(b'.') => {
                if !ATTRIBUTE_SCOPES.contains(&word) {
                    let hint = ATTRIBUTE_SCOPES
                        .iter()
                        .find(|s| s.eq_ignore_ascii_case(word))
                        .map(|s| format!(" (did you mean `{s}.`?)"))
                        .unwrap_or_default();
                    return err(
                        format!(
                            "unknown scope `{word}`{hint}: attributes start with `span.`, \
                             `resource.`, `event.`, `link.`, `instrumentation.`, `parent.` or \
                             just `.` for any scope"
                        ),
                        start,
                    );
                }
                let mut name_start = end + 1;
                if word == "parent" {
                    for inner in ["span.", "resource."] {
                        if self.src[name_start..].starts_with(inner) {
                            name_start += inner.len();
                            break;
                        }
                    }
                }
                let scope = &self.src[start..name_start];
                self.attribute_name(name_start, scope)?;
                Ok(Tok::Attr)
            }
            Some(b':') if self.bytes.get(end + 1).is_some_and(|&b| b != b':') => {
                let Some(names) = lookup(SCOPED_INTRINSICS, word) else {
                    if self.bytes.get(end + 1).copied().is_some_and(is_ident_start) {
                        return err(
                            format!(
                                "unknown intrinsic scope `{word}:`: scoped intrinsics start with \
                                 `span:`, `trace:`, `event:`, `link:` or `instrumentation:`"
                            ),
                            start,
                        );
                    }
                    return Ok(Tok::Word(word));
                };
                let mut p = end + 1;
                while self.bytes.get(p).is_some_and(|&b| b == b' ' || b == b'\t') {
                    p += 1;
                }
                let name_end = p + self.bytes[p..]
                    .iter()
                    .take_while(|&&b| is_ident_continue(b))
                    .count();
                let name = &self.src[p..name_end];
                match lookup(names, name) {
                    Some(ty) => {
                        self.pos = name_end;
                        Ok(Tok::ScopedIntrinsic(ty))
                    }
                    None => {
                        let known: Vec<String> =
                            names.iter().map(|(n, _)| format!("`{word}:{n}`")).collect();
                        err(
                            format!(
                                "unknown intrinsic `{word}:{name}`: the `{word}:` intrinsics are {}",
                                known.join(", ")
                            ),
                            start,
                        )
                    }
                }
            }
            _ => Ok(Tok::Word(word)),
        }
    }

    /// An attribute name from `from`: attribute characters, `"quoted"` parts
    /// and Grafana variables. `scope` is what precedes it, for messages.
    fn attribute_name(&mut self, from: usize, scope: &str) -> Result<(), TraceQlError> {
        let mut p = from;
        loop {
            if let Some(end) = self.var_end(p) {
                p = end;
                continue;
            }
            match self.char_at(p) {
                Some('"') => p = self.quoted_attribute(p)?,
                Some(c) if is_attribute_char(c) => p += c.len_utf8(),
                _ => break,
            }
        }
        if p == from {
            return err(
                format!(
                    "expected an attribute name right after `{scope}`, e.g. `{scope}foo`; \
                     quote names with spaces: `{scope}\"my attr\"`"
                ),
                from,
            );
        }
        self.pos = p;
        Ok(())
    }

    fn quoted_attribute(&self, start: usize) -> Result<usize, TraceQlError> {
        let mut p = start + 1;
        loop {
            match self.bytes.get(p) {
                None => {
                    return err(
                        "unterminated quoted attribute name: add a closing `\"`",
                        start,
                    )
                }
                Some(b'"') => return Ok(p + 1),
                Some(b'\\') => match self.bytes.get(p + 1) {
                    Some(b'"' | b'\\') => p += 2,
                    None => {
                        return err(
                            "unterminated quoted attribute name: add a closing `\"`",
                            start,
                        )
                    }
                    Some(_) => {
                        let c = self.char_at(p + 1).unwrap_or('?');
                        return err(
                            format!(
                                "invalid escape `\\{c}` in a quoted attribute name: only `\\\"` \
                                 and `\\\\` are allowed"
                            ),
                            p,
                        );
                    }
                },
                Some(_) => p += 1,
            }
        }
    }
}

/// A Prometheus duration (`1h30m`, `7d`) or a Go one (`1.5s`, `300ms`, `2h45m`).
pub(super) fn is_duration(text: &str) -> bool {
    let mut segments = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let number = &rest[..number_len];
        rest = &rest[number_len..];
        let unit_len: usize = rest
            .chars()
            .take_while(|&c| c.is_ascii_alphabetic() || is_micro(c))
            .map(char::len_utf8)
            .sum();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let digits = number.bytes().filter(u8::is_ascii_digit).count();
        if digits == 0 || number.matches('.').count() > 1 || unit.is_empty() {
            return false;
        }
        segments.push((number, unit));
    }
    if segments.is_empty() {
        return false;
    }
    const GO_UNITS: &[&str] = &["ns", "us", "µs", "μs", "ms", "s", "m", "h"];
    const PROM_UNITS: &[&str] = &["y", "w", "d", "h", "m", "s", "ms"];
    let go = segments.iter().all(|(_, u)| GO_UNITS.contains(u));
    let mut last = None;
    let prom = segments.iter().all(|(n, u)| {
        let Some(i) = PROM_UNITS.iter().position(|p| p == u) else {
            return false;
        };
        let ordered = last.is_none_or(|l| i > l);
        last = Some(i);
        ordered && !n.contains('.')
    });
    go || prom
}
