//! A syntax check for Tempo's TraceQL, Grafana-variable aware.
//!
//! A small hand-written lexer and recursive-descent parser modelled on Tempo's
//! grammar (`pkg/traceql/expr.y` and `lexer.go`): spanset filters, field
//! expressions, spanset and structural operators, pipelines, aggregates,
//! `by`/`select`/`coalesce`, metrics functions and `with (...)` hints. It
//! checks syntax plus a few of Tempo's cheap semantic rules (a filter must be a
//! condition, `status`/`kind` compare with unquoted values, `=~` needs a string).
//! Nothing is evaluated and no tree is kept.
//!
//! Grafana variables are handled in place instead of by rewriting the text, so
//! error offsets point into the query as written: inside a string literal a
//! `$var` is just text; elsewhere a reference (with any name, digits or unit
//! glued to it, as in `${min}ms`) is one placeholder token that fits wherever a
//! value, a number or an attribute fits.

use std::fmt;

/// Why a TraceQL query failed the syntax check.
///
/// ```
/// let err = dashboard_promql::parse_traceql(r#"{name="spark.job""#).unwrap_err();
/// assert_eq!(err.offset, 17);
/// assert!(err.message.contains("expected `}` to close the spanset opened at 0"));
/// assert!(err.to_string().contains("at byte 17"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceQlError {
    /// What is wrong, and usually how to fix it.
    pub message: String,
    /// Byte offset in the query (as written, before any variable substitution)
    /// where the problem was found.
    pub offset: usize,
}

impl fmt::Display for TraceQlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for TraceQlError {}

/// Checks the syntax of a TraceQL query template.
///
/// Grafana variables (`$app`, `${app:regex}`, `[[app]]`, `$__range`) may be
/// used inside strings and wherever a value, number or attribute name goes.
/// Never panics, whatever the input.
///
/// ```
/// use dashboard_promql::parse_traceql;
///
/// assert!(parse_traceql(r#"{resource.service.name="spark" && span.spark.app.name=~"${app:regex}"}"#).is_ok());
/// assert!(parse_traceql(r#"{name="spark.job"} >> {name="spark.task"} | count() > 2"#).is_ok());
/// assert!(parse_traceql("{} | rate() by (resource.service.name)").is_ok());
///
/// let err = parse_traceql("{spn.foo = 1}").unwrap_err();
/// assert_eq!(err.offset, 1);
/// assert!(err.message.contains("unknown scope `spn`"));
/// ```
pub fn parse_traceql(query: &str) -> Result<(), TraceQlError> {
    let (toks, lex_error) = Lexer::new(query).run();
    Parser {
        src: query,
        toks,
        pos: 0,
        depth: 0,
        lex_error,
    }
    .root()
}

/// Bound on parser recursion, so hostile input cannot overflow the stack.
/// Each level of parentheses costs two; real queries stay far below.
const MAX_DEPTH: usize = 128;

fn err<T>(message: impl Into<String>, offset: usize) -> Result<T, TraceQlError> {
    Err(TraceQlError {
        message: message.into(),
        offset,
    })
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
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
const OPS: &[(&str, Op)] = &[
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
    fn precedence(self) -> Option<u8> {
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

    fn is_structural(self) -> bool {
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

    fn is_arithmetic(self) -> bool {
        matches!(
            self,
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow
        )
    }
}

/// Binding power of unary `-` and `!`.
const UNARY_PRECEDENCE: u8 = 5;

/// The value type of a field expression, as far as the check needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
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
    fn describe(self) -> &'static str {
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
enum Tok<'a> {
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
struct Token<'a> {
    tok: Tok<'a>,
    start: usize,
    end: usize,
}

const ATTRIBUTE_SCOPES: &[&str] = &[
    "span",
    "resource",
    "event",
    "link",
    "instrumentation",
    "parent",
];

const SCOPED_INTRINSICS: &[(&str, &[(&str, Ty)])] = &[
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

const INTRINSICS: &[(&str, Ty)] = &[
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

const STATICS: &[(&str, Ty)] = &[
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
const SCOPED_ONLY: &[(&str, &str)] = &[
    ("rootService", "`trace:rootService`"),
    ("id", "`trace:id` or `span:id`"),
    ("traceID", "`link:traceID`"),
    ("spanID", "`link:spanID`"),
    ("parentID", "`span:parentID`"),
    ("timeSinceStart", "`event:timeSinceStart`"),
    ("version", "`instrumentation:version`"),
];

const AGGREGATES: &[&str] = &["count", "avg", "min", "max", "sum"];
const STAGE_FUNCTIONS: &[&str] = &["by", "select", "coalesce"];
const METRICS_FUNCTIONS: &[&str] = &[
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
const SECOND_STAGE_FUNCTIONS: &[&str] = &["topk", "bottomk"];

fn lookup<T: Copy>(table: &[(&str, T)], word: &str) -> Option<T> {
    table.iter().find(|(w, _)| *w == word).map(|(_, t)| *t)
}

fn is_function(word: &str) -> bool {
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
fn is_attribute_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '{' | '}' | '(' | ')' | '=' | '~' | '!' | '<' | '>' | '&' | '|' | '^' | ','
        )
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_micro(c: char) -> bool {
    c == 'µ' || c == 'μ'
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    refs: Vec<crate::VarRef>,
    next_ref: usize,
    toks: Vec<Token<'a>>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            refs: crate::scan(src),
            next_ref: 0,
            toks: Vec::new(),
        }
    }

    fn run(mut self) -> (Vec<Token<'a>>, Option<TraceQlError>) {
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
fn is_duration(text: &str) -> bool {
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

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// What a pipeline stage produces, for checking how stages combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Spans: a filter `{...}`, spanset operations, wrapped pipelines.
    Spanset,
    /// A number computed from spans: `count()`, `avg(duration) * 2`, `({} | count())`.
    Scalar,
    /// A number literal.
    Number,
    /// A comparison of scalars, `count() > 2`: a whole stage.
    Filter,
    /// `by(...)`, `select(...)`.
    Operation,
    /// `coalesce()`.
    Coalesce,
    /// `rate()`, `quantile_over_time(...)`, ...
    Metrics,
    /// `topk(n)`, `bottomk(n)`.
    SecondStage,
    /// A Grafana variable standing for anything.
    Any,
}

impl Kind {
    fn scalarish(self) -> bool {
        matches!(self, Kind::Scalar | Kind::Number | Kind::Any)
    }

    fn spanset_like(self) -> bool {
        matches!(self, Kind::Spanset | Kind::Any)
    }
}

/// A field expression's type and whether it is a literal.
#[derive(Debug, Clone, Copy)]
struct Val {
    ty: Ty,
    literal: bool,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token<'a>>,
    pos: usize,
    depth: usize,
    lex_error: Option<TraceQlError>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Token<'a> {
        // The lexer always ends the list with `Eof` or `Error`, and the parser
        // never moves past either.
        self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek2(&self) -> Token<'a> {
        self.toks[(self.pos + 1).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token<'a> {
        let t = self.peek();
        if !matches!(t.tok, Tok::Eof | Tok::Error) {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: Token<'_>) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    fn found(&self, t: Token<'_>) -> String {
        if t.tok == Tok::Eof {
            return "the end of the query".into();
        }
        let text = self.text(t);
        match text.char_indices().nth(40) {
            Some((i, _)) => format!("`{}…`", &text[..i]),
            None => format!("`{text}`"),
        }
    }

    /// An error at token `t`; at the lexer's stopping point, the lexer's error.
    fn fail<T>(&self, t: Token<'_>, message: impl Into<String>) -> Result<T, TraceQlError> {
        if t.tok == Tok::Error {
            if let Some(e) = &self.lex_error {
                return Err(e.clone());
            }
        }
        err(message, t.start)
    }

    fn enter(&mut self) -> Result<(), TraceQlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(
                format!(
                    "query is nested too deeply to check (more than {MAX_DEPTH} levels); \
                     simplify it"
                ),
                self.peek().start,
            );
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn expect(&mut self, tok: Tok<'_>, what: &str) -> Result<Token<'a>, TraceQlError> {
        let t = self.peek();
        if t.tok == tok {
            return Ok(self.bump());
        }
        self.fail(t, format!("expected {what}, found {}", self.found(t)))
    }

    fn expect_close(&mut self, open: Token<'_>, what: &str) -> Result<(), TraceQlError> {
        let (close, name) = match open.tok {
            Tok::LBrace => (Tok::RBrace, "`}`"),
            _ => (Tok::RParen, "`)`"),
        };
        let t = self.peek();
        if t.tok == close {
            self.bump();
            return Ok(());
        }
        self.fail(
            t,
            format!(
                "expected {name} to close the {what} opened at {}, found {}",
                open.start,
                self.found(t)
            ),
        )
    }

    fn root(&mut self) -> Result<(), TraceQlError> {
        let first = self.peek();
        if first.tok == Tok::Eof {
            return err(
                "empty query: TraceQL starts with a spanset filter such as `{}`",
                first.start,
            );
        }
        self.pipeline(false)?;
        if self.peek().tok == Tok::Word("with") {
            self.hints()?;
        }
        let t = self.peek();
        match t.tok {
            Tok::Eof => Ok(()),
            Tok::RBrace => self.fail(t, "unmatched `}`"),
            Tok::RParen => self.fail(t, "unmatched `)`"),
            Tok::LBrace | Tok::LParen => self.fail(
                t,
                format!(
                    "expected an operator before {}: join spansets with `&&`, `||` or a \
                     structural operator (`>>`, `>`, `<<`, `<`, `~`, ...), or start a pipeline \
                     stage with `|`",
                    self.found(t)
                ),
            ),
            _ => self.fail(
                t,
                format!(
                    "unexpected {}: expected `|`, an operator or the end of the query",
                    self.found(t)
                ),
            ),
        }
    }

    /// `stage | stage | ...`. Inside parentheses (`nested`), a pipeline may end
    /// in a bare aggregate and be used as a number; metrics functions only end
    /// the whole query.
    fn pipeline(&mut self, nested: bool) -> Result<Kind, TraceQlError> {
        self.enter()?;
        let mut stages: Vec<(Kind, Token<'a>, &'a str)> = Vec::new();
        loop {
            let first = self.peek();
            let kind = self.stage()?;
            let end = self.toks[self.pos.saturating_sub(1)].end.max(first.start);
            let stage_text = self.src.get(first.start..end).unwrap_or("");
            let prev = stages.last().map(|(k, _, _)| *k);
            let name = self.text(first);
            match (kind, prev) {
                (Kind::Coalesce, None) => {
                    return self.fail(first, "`coalesce()` must follow another pipeline stage")
                }
                (Kind::Metrics, _) if nested => {
                    return self.fail(
                        first,
                        format!(
                            "`{name}` is a metrics function: it must be the last stage of the \
                             whole query, not inside parentheses"
                        ),
                    )
                }
                (Kind::Metrics, None) => {
                    return self.fail(
                        first,
                        format!(
                            "`{name}` needs spans to measure: start with a spanset filter, e.g. \
                             `{{}} | {name}(...)`"
                        ),
                    )
                }
                (Kind::SecondStage, p) if p != Some(Kind::Metrics) => {
                    return self.fail(
                        first,
                        format!(
                            "`{name}` must follow a metrics function such as `rate()`, e.g. \
                             `{{}} | rate() by (name) | {name}(5)`"
                        ),
                    )
                }
                (Kind::SecondStage, _) => {}
                (_, Some(Kind::Metrics | Kind::SecondStage)) => {
                    return self.fail(
                        first,
                        "only `topk()` or `bottomk()` may follow a metrics function",
                    )
                }
                _ => {}
            }
            stages.push((kind, first, stage_text));
            if self.peek().tok != Tok::Pipe {
                break;
            }
            match kind {
                Kind::Scalar => return self.fail(first, aggregate_alone(stage_text)),
                Kind::Number => return self.fail(first, "a number alone is not a pipeline stage"),
                _ => {}
            }
            self.bump();
        }
        let (last, first, stage_text) = stages[stages.len() - 1];
        let kind = match last {
            Kind::Scalar if !nested => return self.fail(first, aggregate_alone(stage_text)),
            Kind::Number if !nested || stages.len() > 1 => {
                return self.fail(first, "a number alone is not a pipeline stage")
            }
            Kind::Scalar | Kind::Number | Kind::Metrics | Kind::SecondStage => last,
            Kind::Any if stages.len() == 1 => Kind::Any,
            // A pipeline of filters, in parentheses, is a spanset again.
            _ => Kind::Spanset,
        };
        self.leave();
        Ok(kind)
    }

    fn stage(&mut self) -> Result<Kind, TraceQlError> {
        let t = self.peek();
        let Tok::Word(w) = t.tok else {
            return self.stage_binary(0).map(|(k, _)| k);
        };
        match w {
            "by" => {
                self.bump();
                let open = self.expect(Tok::LParen, "`(` after `by`")?;
                self.field_binary(0)?;
                self.expect_close(open, "`by(`")?;
                Ok(Kind::Operation)
            }
            "select" => {
                self.bump();
                let open = self.expect(Tok::LParen, "`(` after `select`")?;
                self.attribute_list()?;
                self.expect_close(open, "`select(`")?;
                Ok(Kind::Operation)
            }
            "coalesce" => {
                self.bump();
                let open = self.expect(Tok::LParen, "`(` after `coalesce`")?;
                self.expect_close(open, "`coalesce(` (it takes no arguments)")?;
                Ok(Kind::Coalesce)
            }
            "topk" | "bottomk" => {
                self.bump();
                let open = self.expect(Tok::LParen, &format!("`(` after `{w}`"))?;
                self.integer(&format!(
                    "`{w}` takes how many series to keep, e.g. `{w}(5)`"
                ))?;
                self.expect_close(open, &format!("`{w}(`"))?;
                Ok(Kind::SecondStage)
            }
            _ if METRICS_FUNCTIONS.contains(&w) => {
                self.metrics(w)?;
                Ok(Kind::Metrics)
            }
            _ => self.stage_binary(0).map(|(k, _)| k),
        }
    }

    /// Spanset and scalar expressions between pipes (precedence climbing).
    fn stage_binary(&mut self, min: u8) -> Result<(Kind, usize), TraceQlError> {
        self.enter()?;
        let (mut left, start) = self.stage_unary()?;
        loop {
            let t = self.peek();
            let Tok::Op(op) = t.tok else { break };
            let Some(prec) = op.precedence() else { break };
            if prec < min {
                break;
            }
            self.bump();
            let next = if op == Op::Pow { prec } else { prec + 1 };
            let (right, _) = self.stage_binary(next)?;
            left = self.stage_combine(op, t, left, right)?;
        }
        self.leave();
        Ok((left, start))
    }

    fn stage_combine(&self, op: Op, t: Token<'_>, l: Kind, r: Kind) -> Result<Kind, TraceQlError> {
        let sym = self.text(t);
        if l == Kind::Filter || r == Kind::Filter {
            return self.fail(
                t,
                format!(
                    "a comparison such as `count() > 2` is a whole pipeline stage and cannot be \
                     combined with `{sym}`; separate stages with `|`"
                ),
            );
        }
        if [l, r].iter().any(|k| {
            matches!(
                k,
                Kind::Operation | Kind::Coalesce | Kind::Metrics | Kind::SecondStage
            )
        }) {
            return self.fail(t, format!("`{sym}` cannot combine pipeline operations"));
        }
        let both_any = l == Kind::Any && r == Kind::Any;
        let spansets = l.spanset_like() && r.spanset_like();
        let scalars = l.scalarish() && r.scalarish();
        let mismatch = || {
            self.fail(
                t,
                format!(
                    "`{sym}` cannot combine a spanset with a number: aggregate the spanset \
                     first, e.g. `{{ ... }} | count() {sym} 2`"
                ),
            )
        };
        match op {
            Op::And | Op::Or => {
                if spansets {
                    Ok(if both_any { Kind::Any } else { Kind::Spanset })
                } else if scalars {
                    self.fail(
                        t,
                        format!(
                            "`{sym}` between pipeline stages combines spansets; to combine \
                             conditions, put them in one filter: `{{ a {sym} b }}`, or chain \
                             stages with `|`"
                        ),
                    )
                } else {
                    mismatch()
                }
            }
            Op::Gt | Op::Lt if both_any => Ok(Kind::Any),
            Op::Gt | Op::Lt if spansets => Ok(Kind::Spanset),
            Op::Gt | Op::Lt | Op::Eq | Op::Neq | Op::Gte | Op::Lte => {
                if scalars {
                    Ok(Kind::Filter)
                } else if spansets {
                    self.fail(
                        t,
                        format!(
                            "`{sym}` compares numbers, e.g. `count() {sym} 2`; combine spansets \
                             with `&&`, `||` or a structural operator such as `>>`"
                        ),
                    )
                } else {
                    mismatch()
                }
            }
            Op::Re => self.fail(
                t,
                "`=~` matches a field against a regex inside a spanset filter, e.g. \
                 `{ name =~ \"spark.*\" }`",
            ),
            _ if op.is_structural() || op == Op::Nre => {
                if spansets {
                    Ok(if both_any { Kind::Any } else { Kind::Spanset })
                } else {
                    self.fail(
                        t,
                        format!(
                            "`{sym}` is a structural operator between spansets, e.g. \
                             `{{ name = \"a\" }} {sym} {{ name = \"b\" }}`"
                        ),
                    )
                }
            }
            _ => {
                debug_assert!(op.is_arithmetic());
                if scalars {
                    Ok(match (l, r) {
                        (Kind::Number, Kind::Number) => Kind::Number,
                        (Kind::Any, Kind::Any) => Kind::Any,
                        _ => Kind::Scalar,
                    })
                } else if spansets {
                    self.fail(
                        t,
                        format!(
                            "`{sym}` is arithmetic: it needs numbers or aggregates such as \
                             `count()`, not spansets"
                        ),
                    )
                } else {
                    mismatch()
                }
            }
        }
    }

    fn stage_unary(&mut self) -> Result<(Kind, usize), TraceQlError> {
        let t = self.peek();
        if t.tok == Tok::Op(Op::Sub) {
            self.bump();
            let n = self.peek();
            return match n.tok {
                Tok::Num => {
                    self.bump();
                    Ok((Kind::Number, t.start))
                }
                Tok::Var => {
                    self.bump();
                    Ok((Kind::Any, t.start))
                }
                _ => self.fail(n, "`-` here can only negate a number"),
            };
        }
        let kind = self.stage_primary()?;
        Ok((kind, t.start))
    }

    fn stage_primary(&mut self) -> Result<Kind, TraceQlError> {
        let t = self.peek();
        match t.tok {
            Tok::LBrace => {
                self.spanset_filter()?;
                Ok(Kind::Spanset)
            }
            Tok::LParen => {
                self.bump();
                let kind = self.pipeline(true)?;
                self.expect_close(t, "`(`")?;
                Ok(kind)
            }
            Tok::Num => {
                self.bump();
                Ok(Kind::Number)
            }
            Tok::Var => {
                self.bump();
                Ok(Kind::Any)
            }
            Tok::Word(w) if AGGREGATES.contains(&w) => {
                self.aggregate(w)?;
                Ok(Kind::Scalar)
            }
            Tok::Word(w) if is_function(w) => self.fail(
                t,
                format!("`{w}(...)` is a pipeline stage of its own: put it after `|`"),
            ),
            Tok::Word(w) if self.peek2().tok == Tok::LParen => self.fail(t, unknown_function(w)),
            Tok::Word(w) if lookup(STATICS, w).is_some() || lookup(INTRINSICS, w).is_some() => self
                .fail(
                    t,
                    format!(
                        "`{w}` can only be used inside a spanset filter, e.g. `{{ {w} = ... }}`, \
                         or in an aggregate such as `avg(...)`"
                    ),
                ),
            Tok::Word(w) => self.fail(t, unknown_identifier(w)),
            Tok::Attr | Tok::ScopedIntrinsic(_) => self.fail(
                t,
                format!(
                    "{} can only be used inside a spanset filter `{{ ... }}` or an aggregate \
                     such as `avg(...)`",
                    self.found(t)
                ),
            ),
            Tok::Str => self.fail(
                t,
                "a string can only be used inside a spanset filter `{ ... }`",
            ),
            _ => self.fail(
                t,
                format!(
                    "expected a spanset filter `{{ ... }}`, an aggregate such as `count()` or a \
                     number, found {}",
                    self.found(t)
                ),
            ),
        }
    }

    fn spanset_filter(&mut self) -> Result<(), TraceQlError> {
        let open = self.expect(Tok::LBrace, "a spanset filter `{ ... }`")?;
        if self.peek().tok == Tok::RBrace {
            self.bump();
            return Ok(());
        }
        let body = self.field_binary(0)?;
        let t = self.peek();
        if t.tok != Tok::RBrace {
            if let Tok::Op(op) = t.tok {
                if op.is_structural() {
                    let sym = self.text(t);
                    return self.fail(
                        t,
                        format!(
                            "`{sym}` relates spansets, outside the braces: \
                             `{{ a }} {sym} {{ b }}`{}",
                            if op == Op::Sibl {
                                "; to match a regex use `=~`"
                            } else {
                                ""
                            }
                        ),
                    );
                }
            }
        }
        self.expect_close(open, "spanset")?;
        if !matches!(body.ty, Ty::Bool | Ty::Any) {
            return err(
                format!(
                    "a spanset filter needs a condition such as `{{ span.foo = \"bar\" }}`, not a \
                     {} `{}`",
                    body.ty.describe(),
                    &self.src[body.start..body.end]
                ),
                body.start,
            );
        }
        Ok(())
    }

    /// Field expressions inside `{ }`, `by( )` and aggregates.
    fn field_binary(&mut self, min: u8) -> Result<Val, TraceQlError> {
        self.enter()?;
        let mut left = self.field_unary()?;
        loop {
            let t = self.peek();
            let Tok::Op(op) = t.tok else { break };
            if op.is_structural() {
                break;
            }
            let Some(prec) = op.precedence() else { break };
            if prec < min {
                break;
            }
            self.bump();
            let next = if op == Op::Pow { prec } else { prec + 1 };
            let right = self.field_binary(next)?;
            left = self.field_combine(op, t, left, right)?;
        }
        self.leave();
        Ok(left)
    }

    fn field_combine(&self, op: Op, t: Token<'_>, l: Val, r: Val) -> Result<Val, TraceQlError> {
        let sym = self.text(t);
        let span = |ty| Val {
            ty,
            literal: false,
            start: l.start,
            end: r.end,
        };
        match op {
            Op::And | Op::Or => {
                for v in [l, r] {
                    if !matches!(v.ty, Ty::Bool | Ty::Any) {
                        return err(
                            format!(
                                "`{sym}` joins conditions, but `{}` is a {}",
                                &self.src[v.start..v.end],
                                v.ty.describe()
                            ),
                            v.start,
                        );
                    }
                }
                Ok(span(Ty::Bool))
            }
            Op::Re | Op::Nre => {
                if r.literal && !matches!(r.ty, Ty::Str | Ty::Any) {
                    return err(
                        format!(
                            "`{sym}` needs a regex string on its right, e.g. `{sym} \"spark-.*\"`"
                        ),
                        r.start,
                    );
                }
                Ok(span(Ty::Bool))
            }
            Op::Eq | Op::Neq | Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
                for (field, value) in [(l, r), (r, l)] {
                    if field.literal || !value.literal {
                        continue;
                    }
                    let allowed = |ty| matches!(value.ty, Ty::Nil | Ty::Any) || value.ty == ty;
                    if field.ty == Ty::Status && !allowed(Ty::Status) {
                        return err(
                            "a status compares with `ok`, `error` or `unset`, without quotes",
                            value.start,
                        );
                    }
                    if field.ty == Ty::Kind && !allowed(Ty::Kind) {
                        return err(
                            "a span kind compares with `server`, `client`, `producer`, \
                             `consumer`, `internal` or `unspecified`, without quotes",
                            value.start,
                        );
                    }
                }
                Ok(span(Ty::Bool))
            }
            _ => Ok(Val {
                literal: l.literal && r.literal,
                ..span(if l.ty == Ty::Num && r.ty == Ty::Num {
                    Ty::Num
                } else {
                    Ty::Any
                })
            }),
        }
    }

    fn field_unary(&mut self) -> Result<Val, TraceQlError> {
        let t = self.peek();
        match t.tok {
            Tok::Op(Op::Sub) => {
                self.bump();
                let v = self.field_binary(UNARY_PRECEDENCE)?;
                Ok(Val {
                    ty: if v.ty == Ty::Num { Ty::Num } else { Ty::Any },
                    start: t.start,
                    ..v
                })
            }
            Tok::Op(Op::Not) => {
                self.bump();
                let v = self.field_binary(UNARY_PRECEDENCE)?;
                Ok(Val {
                    ty: Ty::Bool,
                    literal: false,
                    start: t.start,
                    end: v.end,
                })
            }
            _ => self.field_primary(),
        }
    }

    fn field_primary(&mut self) -> Result<Val, TraceQlError> {
        let t = self.peek();
        let val = |ty, literal| Val {
            ty,
            literal,
            start: t.start,
            end: t.end,
        };
        let v = match t.tok {
            Tok::LParen => {
                self.bump();
                let inner = self.field_binary(0)?;
                let close = self.peek();
                self.expect_close(t, "`(`")?;
                return Ok(Val {
                    start: t.start,
                    end: close.end,
                    ..inner
                });
            }
            Tok::Str => val(Ty::Str, true),
            Tok::Num => val(Ty::Num, true),
            Tok::Var => val(Ty::Any, true),
            Tok::Attr => val(Ty::Any, false),
            Tok::ScopedIntrinsic(ty) => val(ty, false),
            Tok::Word(w) if self.peek2().tok == Tok::LParen => {
                return self.fail(
                    t,
                    if is_function(w) {
                        format!(
                            "`{w}(...)` is a pipeline function and cannot be used inside a \
                             spanset filter: write `{{ ... }} | {w}(...)`"
                        )
                    } else {
                        unknown_function(w)
                    },
                );
            }
            Tok::Word(w) => {
                if let Some(ty) = lookup(STATICS, w) {
                    val(ty, true)
                } else if let Some(ty) = lookup(INTRINSICS, w) {
                    val(ty, false)
                } else if let Some(scoped) = lookup(SCOPED_ONLY, w) {
                    return self.fail(t, format!("`{w}` needs a scope: write {scoped}"));
                } else {
                    let after_comparison = self.pos > 0
                        && matches!(
                            self.toks[self.pos - 1].tok,
                            Tok::Op(
                                Op::Eq
                                    | Op::Neq
                                    | Op::Re
                                    | Op::Nre
                                    | Op::Gt
                                    | Op::Gte
                                    | Op::Lt
                                    | Op::Lte
                            )
                        );
                    let mut message = unknown_identifier(w);
                    if after_comparison && !message.contains("did you mean") {
                        message = format!(
                            "unknown identifier `{w}`: quote string values (`\"{w}\"`); \
                             attributes need a scope, such as `span.{w}` or `.{w}`"
                        );
                    }
                    return self.fail(t, message);
                }
            }
            Tok::LBrace => {
                return self.fail(
                    t,
                    "spanset filters cannot be nested: close this one with `}` first",
                )
            }
            _ => {
                return self.fail(
                    t,
                    format!(
                        "expected a field (e.g. `span.foo`, `name`, `duration`) or a value, \
                         found {}",
                        self.found(t)
                    ),
                )
            }
        };
        self.bump();
        Ok(v)
    }

    fn aggregate(&mut self, name: &str) -> Result<(), TraceQlError> {
        self.bump();
        let open = self.expect(Tok::LParen, &format!("`(` after `{name}`"))?;
        if name == "count" {
            return self.expect_close(open, "`count(` (it takes no arguments)");
        }
        if self.peek().tok == Tok::RParen {
            return self.fail(
                self.peek(),
                format!("`{name}` needs a field, e.g. `{name}(duration)`"),
            );
        }
        self.field_binary(0)?;
        self.expect_close(open, &format!("`{name}(`"))
    }

    fn metrics(&mut self, name: &str) -> Result<(), TraceQlError> {
        self.bump();
        let open = self.expect(Tok::LParen, &format!("`(` after `{name}`"))?;
        match name {
            "rate" | "count_over_time" => {
                self.expect_close(open, &format!("`{name}(` (it takes no arguments)"))?
            }
            "quantile_over_time" => {
                self.attribute()?;
                self.expect(
                    Tok::Comma,
                    "`,` and quantiles, e.g. `quantile_over_time(duration, .5, .99)`",
                )?;
                self.number("a quantile such as `.99`")?;
                while self.peek().tok == Tok::Comma {
                    self.bump();
                    self.number("a quantile such as `.99`")?;
                }
                self.expect_close(open, "`quantile_over_time(`")?;
            }
            "compare" => {
                if self.peek().tok != Tok::LBrace {
                    let t = self.peek();
                    return self.fail(
                        t,
                        "`compare` takes a spanset filter, e.g. `compare({ status = error })`",
                    );
                }
                self.spanset_filter()?;
                if self.peek().tok == Tok::Comma {
                    self.bump();
                    self.integer("an integer (the number of values per attribute)")?;
                    if self.peek().tok == Tok::Comma {
                        self.bump();
                        self.integer("an integer (start timestamp)")?;
                        self.expect(Tok::Comma, "`,` and the end timestamp")?;
                        self.integer("an integer (end timestamp)")?;
                    }
                }
                self.expect_close(open, "`compare(`")?;
                return Ok(());
            }
            _ => {
                self.attribute()?;
                self.expect_close(open, &format!("`{name}(` (it takes one attribute)"))?;
            }
        }
        if self.peek().tok == Tok::Word("by") {
            self.bump();
            let open = self.expect(Tok::LParen, "`(` after `by`")?;
            self.attribute_list()?;
            self.expect_close(open, "`by(`")?;
        }
        Ok(())
    }

    fn attribute_list(&mut self) -> Result<(), TraceQlError> {
        self.attribute()?;
        while self.peek().tok == Tok::Comma {
            self.bump();
            self.attribute()?;
        }
        Ok(())
    }

    fn attribute(&mut self) -> Result<(), TraceQlError> {
        let t = self.peek();
        match t.tok {
            Tok::Attr | Tok::ScopedIntrinsic(_) | Tok::Var => {}
            Tok::Word(w) if lookup(INTRINSICS, w).is_some() => {}
            Tok::Word(w) if lookup(SCOPED_ONLY, w).is_some() => {
                let scoped = lookup(SCOPED_ONLY, w).unwrap_or_default();
                return self.fail(t, format!("`{w}` needs a scope: write {scoped}"));
            }
            Tok::Word(w) if lookup(STATICS, w).is_none() => {
                return self.fail(t, unknown_identifier(w))
            }
            _ => {
                return self.fail(
                    t,
                    format!(
                        "expected an attribute such as `span.foo` or an intrinsic such as \
                         `duration`, found {}",
                        self.found(t)
                    ),
                )
            }
        }
        self.bump();
        Ok(())
    }

    fn number(&mut self, what: &str) -> Result<(), TraceQlError> {
        let t = self.peek();
        if matches!(t.tok, Tok::Num | Tok::Var) {
            self.bump();
            return Ok(());
        }
        self.fail(t, format!("expected {what}, found {}", self.found(t)))
    }

    fn integer(&mut self, what: &str) -> Result<(), TraceQlError> {
        let t = self.peek();
        let is_int = match t.tok {
            Tok::Var => true,
            Tok::Num => self.text(t).bytes().all(|b| b.is_ascii_digit()),
            _ => false,
        };
        if is_int {
            self.bump();
            return Ok(());
        }
        self.fail(t, format!("expected {what}, found {}", self.found(t)))
    }

    /// `with (key = value, ...)` query hints.
    fn hints(&mut self) -> Result<(), TraceQlError> {
        self.bump();
        let open = self.expect(Tok::LParen, "`(` after `with`")?;
        loop {
            let key = self.peek();
            if !matches!(key.tok, Tok::Word(_)) {
                return self.fail(
                    key,
                    format!(
                        "expected a hint name such as `sample`, found {}",
                        self.found(key)
                    ),
                );
            }
            self.bump();
            self.expect(Tok::Op(Op::Eq), "`=` after the hint name")?;
            let value = self.peek();
            let ok = match value.tok {
                Tok::Str | Tok::Num | Tok::Var => true,
                Tok::Word(w) => lookup(STATICS, w).is_some(),
                _ => false,
            };
            if !ok {
                return self.fail(
                    value,
                    format!(
                        "expected a hint value (a number, string or `true`/`false`), found {}",
                        self.found(value)
                    ),
                );
            }
            self.bump();
            if self.peek().tok != Tok::Comma {
                break;
            }
            self.bump();
        }
        self.expect_close(open, "`with(`")
    }
}

fn aggregate_alone(stage: &str) -> String {
    format!(
        "`{stage}` must be compared with a value to filter traces, e.g. `| {stage} > 2`; a \
         metrics query uses `| rate()` or `| count_over_time()` instead"
    )
}

fn unknown_function(name: &str) -> String {
    format!(
        "unknown function `{name}`: pipeline functions are {}, {}, and the metrics functions {}, \
         {}",
        AGGREGATES.join(", "),
        STAGE_FUNCTIONS.join(", "),
        METRICS_FUNCTIONS.join(", "),
        SECOND_STAGE_FUNCTIONS.join(", "),
    )
}

fn unknown_identifier(word: &str) -> String {
    let known = INTRINSICS
        .iter()
        .map(|(w, _)| *w)
        .chain(STATICS.iter().map(|(w, _)| *w))
        .find(|w| w.eq_ignore_ascii_case(word));
    match known {
        Some(k) => format!("unknown identifier `{word}`: did you mean `{k}`?"),
        None => format!(
            "unknown identifier `{word}`: write attributes with a scope, such as `span.{word}`, \
             `resource.{word}` or `.{word}`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn ok(q: &str) {
        if let Err(e) = parse_traceql(q) {
            panic!("{q:?} should parse, got: {e}");
        }
    }

    #[track_caller]
    fn bad(q: &str, message: &str, offset: usize) {
        match parse_traceql(q) {
            Ok(()) => panic!("{q:?} should not parse"),
            Err(e) => {
                assert!(
                    e.message.contains(message),
                    "{q:?}: expected a message containing {message:?}, got {:?}",
                    e.message
                );
                assert_eq!(e.offset, offset, "{q:?}: wrong offset for {:?}", e.message);
                assert!(e.offset <= q.len());
            }
        }
    }

    #[test]
    fn valid_queries() {
        for q in [
            "{}",
            "{ }",
            r#"{resource.service.name="spark" && name="spark.stage"} | select(span.spark.stage.id)"#,
            r#"{resource.service.name="spark" && resource.spark.app.name=~"${app:regex}"}"#,
            r#"{name="spark.job"} >> {name="spark.task" && span.spark.executor.id="1"}"#,
            "{duration > 5s && status = error}",
            "{} | count() > 10",
            "{ span.http.status_code >= 200 && span.http.status_code < 300 } | count() > 2",
            r#"{ .service.name = "spark" || .http.method != "GET" }"#,
            r#"{ span."attr with space" = "x" && resource.k8s."pod name" =~ "exec-.*" }"#,
            r#"{ kind = server && statusMessage != "" && status != unset }"#,
            r#"{ traceDuration > 1m && rootName = "job" && rootServiceName = "spark" }"#,
            r#"{ span:duration > 2.5s && trace:rootService = "spark" && trace:duration < 1h && span:name = "x" }"#,
            r#"{ event:name = "exception" && event.exception.type = "java.lang.OutOfMemoryError" }"#,
            r#"{ link.kind = "follows" && link:traceID = "abc" && instrumentation.name = "x" && instrumentation:version = "1" }"#,
            "{ nestedSetParent = -1 && childCount > 0 && span:kind = client && span:status = ok }",
            "{ span.retries * 2 + 1 >= 3 ^ 2 % 4 && !(span.cached = true) && -span.delta < 0 }",
            "{ span.x = nil } || { span.y != nil }",
            r#"({ name = "a" } && { name = "b" }) ~ { name = "c" }"#,
            "{ .a = 1 } !>> { .b = 2 } &> { .c = 3 } << { .d = 4 } ~ { .e = 5 } !~ { .f = 6 } \
             &~ { .g = 7 } < { .h = 8 } > { .i = 9 } !> { .j = 1 } !< { .k = 1 } !<< { .l = 1 } \
             &>> { .m = 1 } &< { .n = 1 } &<< { .o = 1 }",
            "{} | avg(duration) > 1s | by(resource.service.name) | coalesce()",
            "{} | min(span.x) > 1 | max(span.y) < 2.5 | sum(duration) >= 10ms | count() != 0",
            r#"{ resource.service.name = "spark" } | rate()"#,
            "{} | count_over_time() by (resource.service.name, span.spark.stage.id)",
            "{} | quantile_over_time(duration, .9)",
            "{} | quantile_over_time(span:duration, .5, 0.9, .99) by (name)",
            "{} | histogram_over_time(duration) by (span.spark.executor.id)",
            "{} | min_over_time(duration) | topk(5)",
            "{} | rate() by (resource.service.name) | bottomk(3)",
            "{ status = error } | compare({ status = error }, 10, 0, 1)",
            "{} | rate() with (sample=true, most_recent=false)",
            "{ } with (most_recent=true)",
            "({} | count()) > 2",
            "({ } | count()) > ({ } | avg(duration)) * 2",
            r#"({ name = "a" } | count() > 1) && ({ name = "b" })"#,
            r#"{ span.msg = "a \"quoted\" \\ word\n\x41\u00e9\101" && span.re =~ `\d+` }"#,
            r#"{ name =~ "spark\\..*" }"#,
            "{ span.foo }",
            r#"{} | by(span.a) | select(span.b, status, trace:id) | {name="x"} | count() = 1"#,
            r#"{ parent.span.foo = 1 && parent.resource.bar = 2 && parent.baz = 3 }"#,
            "{ span.a = 1e3 && span.b = 1.5e-3 && span.c = 0.5 && duration < 1.5h && duration > 1h30m }",
            "{ duration > 500us && duration < 2µs } | count() > -1",
            "{ name = \"a\" }\n| count() > 1 // one comment\n/* and another */",
            "{\n  resource.service.name = \"spark\"\n}",
            "{} | count() + 1 > 2 * (3 - 1)",
        ] {
            ok(q);
        }
    }

    #[test]
    fn grafana_variables_outside_strings() {
        for q in [
            "{ span.spark.executor.id = $executor }",
            "{ duration > ${min_duration} }",
            "{ duration > ${min}ms && duration < [[max]] }",
            r#"{ span.${attr} = "x" && resource.$key != nil }"#,
            "{} | count() > $n",
            "$query",
            "{ $filter }",
            "{} | quantile_over_time(duration, $q) by ($group) | topk($k)",
            r#"{ resource.service.name = "$service" && name =~ "${span:regex}" } | rate() by (${group})"#,
            "{ span.x = $__interval_ms }",
        ] {
            ok(q);
        }
    }

    #[test]
    fn invalid_queries() {
        for (q, message, offset) in [
            ("", "empty query", 0),
            ("  \n ", "empty query", 4),
            (
                r#"{name="x""#,
                "expected `}` to close the spanset opened at 0",
                9,
            ),
            (
                r#"{} | {name="x" && status = error"#,
                "expected `}` to close the spanset opened at 5",
                32,
            ),
            ("{spn.foo = 1}", "unknown scope `spn`", 1),
            ("{ Span.foo = 1 }", "did you mean `span.`?", 2),
            (r#"{name="spark}"#, "unterminated string", 6),
            ("{ span.a = `x }", "unterminated string", 11),
            ("{ foo = 1 }", "unknown identifier `foo`", 2),
            (
                "{ resource.service.name = spark }",
                "quote string values (`\"spark\"`)",
                26,
            ),
            ("{ Duration > 1s }", "did you mean `duration`?", 2),
            ("{ name = }", "expected a field", 9),
            ("{ = 1 }", "expected a field", 2),
            (r#"{ status = "error" }"#, "without quotes", 11),
            (r#"{ kind = "server" }"#, "without quotes", 9),
            ("{ .a = 1 } { .b = 2 }", "expected an operator", 11),
            ("{} | count()", "`count()` must be compared with a value", 5),
            (
                "{} | avg(duration) * 2",
                "e.g. `| avg(duration) * 2 > 2`",
                5,
            ),
            ("{} | count() | { }", "must be compared", 5),
            ("{} | cnt() > 2", "unknown function `cnt`", 5),
            ("{ duration > 5x }", "invalid duration `5x`", 13),
            ("{ duration > 1.5d }", "invalid duration `1.5d`", 13),
            (
                "{ .a = 1 } | rate() | count() > 1",
                "only `topk()` or `bottomk()`",
                22,
            ),
            ("{} | topk(5)", "must follow a metrics function", 5),
            ("rate()", "needs spans to measure", 0),
            ("({} | rate())", "must be the last stage", 6),
            ("{ span:foo = 1 }", "unknown intrinsic `span:foo`", 2),
            ("{ spam:name = 1 }", "unknown intrinsic scope `spam:`", 2),
            ("{ rootService = \"x\" }", "write `trace:rootService`", 2),
            ("{ name =~ 5 }", "regex string", 10),
            (r#"{ .a = "\d" }"#, "invalid escape `\\d`", 8),
            (
                r#"{ span."a\x" = 1 }"#,
                "invalid escape `\\x` in a quoted attribute",
                9,
            ),
            (
                r#"{ span."ab = 1 }"#,
                "unterminated quoted attribute name",
                7,
            ),
            (
                "{ .a = 1 } >> count() > 2",
                "structural operator between spansets",
                11,
            ),
            (
                "{ .a = 1 } && 2",
                "cannot combine a spanset with a number",
                11,
            ),
            ("{ count() > 1 }", "pipeline function", 2),
            ("{ .a = 'x' }", "single quotes", 7),
            (
                "({ .a = 1 }",
                "expected `)` to close the `(` opened at 0",
                11,
            ),
            ("{ .a = 1 }}", "unmatched `}`", 10),
            ("{ .a = 1 })", "unmatched `)`", 10),
            ("{ . = 1 }", "expected an attribute name right after `.`", 3),
            (
                "{ span. = 1 }",
                "expected an attribute name right after `span.`",
                7,
            ),
            ("{ .a = 1 } |", "expected a spanset filter", 12),
            ("{ .a = 1 } & { .b = 2 }", "unexpected `&`", 11),
            ("{ 5 }", "needs a condition", 2),
            (r#"{ "spark" }"#, "needs a condition", 2),
            ("{ .a = 1 && 2 }", "joins conditions", 12),
            ("{ .a ~ 1 }", "to match a regex use `=~`", 5),
            ("{ .a = 1 >> .b = 2 }", "relates spansets", 9),
            ("{ { .a = 1 } }", "cannot be nested", 2),
            ("{} | count() > 2 && { }", "whole pipeline stage", 17),
            ("{ .a = 1 } = { .b = 2 }", "compares numbers", 11),
            ("{} | by(", "expected a field", 8),
            ("{} | select()", "expected an attribute", 12),
            ("{} | avg()", "needs a field", 9),
            ("{} | quantile_over_time(duration)", "quantiles", 32),
            (
                "{} | coalesce(1)",
                "expected `)` to close the `coalesce(`",
                14,
            ),
            ("coalesce()", "must follow another pipeline stage", 0),
            ("{ .a = 1 } /* open", "unterminated comment", 11),
            ("{ .a = 1 } | 5", "a number alone", 13),
            ("{ span.a = $ }", "unexpected `$`", 11),
            ("{ span.a = # }", "unexpected character `#`", 11),
            ("{ name = \"a\nb\" }", "unterminated string", 9),
        ] {
            bad(q, message, offset);
        }
    }

    #[test]
    fn lexer_errors_after_a_parse_error_do_not_hide_it() {
        // The parse error comes first in the text, so it is the one reported.
        bad(
            r#"{ foo = 1 } | { .a = "x }"#,
            "unknown identifier `foo`",
            2,
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for q in [
            "(".repeat(10_000),
            format!("{{{}", "(".repeat(10_000)),
            format!("{{{}1 }}", "!".repeat(10_000)),
            format!("{{ .a = {}1 }}", "-".repeat(10_000)),
            format!("{{ .a = {}1 }}", "1 ^ ".repeat(10_000)),
            format!("{}{{}}{}", "(".repeat(10_000), ")".repeat(10_000)),
        ] {
            let e = parse_traceql(&q).unwrap_err();
            assert!(e.message.contains("nested too deeply"), "{e}");
        }
        let fine = format!("{}{{}}{}", "(".repeat(20), ")".repeat(20));
        ok(&fine);
    }

    #[test]
    fn durations() {
        for d in [
            "1ms",
            "2.5s",
            "1h",
            "1h30m",
            "7d",
            "1y2w",
            "300ns",
            "1.5µs",
            "2h45m30.5s",
        ] {
            assert!(is_duration(d), "{d}");
        }
        for d in ["5x", "1.5d", "1", "s", "1..5s", "1hx", "1h1.5d"] {
            assert!(!is_duration(d), "{d}");
        }
    }

    #[test]
    fn errors_display_message_and_offset() {
        let e = parse_traceql("{spn.foo = 1}").unwrap_err();
        assert_eq!(e.to_string(), format!("{} (at byte 1)", e.message));
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn non_ascii_never_splits_characters() {
        for q in [
            "{ span.é = \"ü\" }",
            "{ span.a = \"😀\" } | count() > 1",
            "{ .a = 1 } 😀",
            "é",
            "{ span.\"é😀\" = 1 }",
        ] {
            let _ = parse_traceql(q);
        }
        ok("{ span.é = \"ü\" }");
        bad("{ .a = 1 } 😀", "unexpected character `😀`", 11);
    }
}
