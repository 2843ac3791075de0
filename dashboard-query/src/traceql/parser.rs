//! A recursive-descent check of TraceQL's grammar (`pkg/traceql/expr.y`): no tree is
//! kept, each rule returns the kind of what it parsed so that stages and operators can
//! be checked for how they combine.

use super::lexer::*;
use super::{err, TraceQlError, MAX_DEPTH};

/// What a pipeline stage produces, for checking how stages combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Val {
    ty: Ty,
    literal: bool,
    start: usize,
    end: usize,
}

pub(super) struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token<'a>>,
    pos: usize,
    depth: usize,
    lex_error: Option<TraceQlError>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str, toks: Vec<Token<'a>>, lex_error: Option<TraceQlError>) -> Self {
        Parser {
            src,
            toks,
            pos: 0,
            depth: 0,
            lex_error,
        }
    }

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

    pub(super) fn root(&mut self) -> Result<(), TraceQlError> {
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

pub(super) fn aggregate_alone(stage: &str) -> String {
    format!(
        "`{stage}` must be compared with a value to filter traces, e.g. `| {stage} > 2`; a \
         metrics query uses `| rate()` or `| count_over_time()` instead"
    )
}

pub(super) fn unknown_function(name: &str) -> String {
    format!(
        "unknown function `{name}`: pipeline functions are {}, {}, and the metrics functions {}, \
         {}",
        AGGREGATES.join(", "),
        STAGE_FUNCTIONS.join(", "),
        METRICS_FUNCTIONS.join(", "),
        SECOND_STAGE_FUNCTIONS.join(", "),
    )
}

pub(super) fn unknown_identifier(word: &str) -> String {
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
