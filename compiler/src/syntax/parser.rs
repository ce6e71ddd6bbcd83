//! The parser: tokens to [`Ast`] with chumsky, recovering so that parsing never fails.
//!
//! This parser defines the grammar and every syntax error. A file is first read by the fast
//! path ([`super::descent`]), which builds the same tree for a file without mistakes; chumsky
//! parses only the files it gives up on. A change to the grammar here must be made there too:
//! `compiler/tests/descent.rs` fails until both agree.
//!
//! Naming convention in this file: a function or binding named after a grammar rule of
//! `grammar/sdd.ebnf` parses exactly that rule (`item`, `body`, `entry`, `field`, `value`,
//! `list`, `record_value`, `named`); `skip_*` parsers exist only for recovery. Every recovery
//! skips whole balanced `{…}`/`[…]` groups, so a mistake is reported once and never
//! resynchronises inside a nested block. A broken entry or declaration is skipped up to the next
//! line (or the `}` that ends its block) and parsing goes on from there: recovery never parses
//! the same tokens twice, so its cost is linear in the file however deep the open blocks are.

use chumsky::input::{Input, ValueInput};
use chumsky::prelude::*;

use super::ast::*;
use super::literal;
use super::token::Token;
use crate::source::Span;

pub use super::keyword::KEYWORDS;

impl From<SimpleSpan> for Span {
    fn from(s: SimpleSpan) -> Span {
        Span::new(s.start, s.end)
    }
}

/// Parse a token stream with chumsky. Returns the items that could be read and the errors:
/// what a file with mistakes is parsed by, and the reference the fast path is tested against.
pub(super) fn parse_tokens<'t>(
    src: &'t str,
    tokens: &'t [(Token, SimpleSpan)],
) -> (Vec<Item>, Vec<Rich<'t, Token, SimpleSpan>>) {
    let eoi = SimpleSpan::from(src.len()..src.len());
    let (items, errors) = file(src)
        .parse(tokens.split_token_span(eoi))
        .into_output_errors();
    (items.unwrap_or_default(), errors)
}

/// chumsky's extra state of every rule: its errors are `Rich` reports.
type Ex<'t> = extra::Err<Rich<'t, Token, SimpleSpan>>;

fn file<'t, I>(src: &'t str) -> impl Parser<'t, I, Vec<Item>, Ex<'t>>
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    let declaration = ident(src)
        .filter(|i: &Ident| {
            Keyword::from_text(&i.text).is_some() || misspelt_keyword(&i.text).is_some()
        })
        .labelled("a declaration (person, role, enum, record, profile, asset, engagement)")
        .rewind();
    // Junk that no item can be recovered from is skipped to the end of the file.
    let item = declaration
        .ignore_then(entry(src))
        .try_map(|entry, span| match entry {
            Entry::Item(item) => Ok(Some(*item)),
            _ => Err(Rich::custom(
                span,
                "expected a declaration (person, role, enum, record, profile, asset, engagement)"
                    .to_string(),
            )),
        })
        .recover_with(via_parser(skip_line(src).to(None)));
    any()
        .rewind()
        .ignore_then(item)
        .repeated()
        .collect::<Vec<_>>()
        .map(|items| items.into_iter().flatten().collect())
        .then_ignore(end())
}

/// The rest of a broken entry: its first unit, then every unit up to the first token that
/// starts a line, the `}` that ends the block, or the end of the file.
fn skip_line<'t, I>(src: &'t str) -> impl Parser<'t, I, (), Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    let stop = choice((
        at_line_start(src),
        just(Token::RBrace).rewind().ignored(),
        end(),
    ));
    skip_unit().ignore_then(skip_unit().and_is(stop.not()).repeated())
}

/// Succeeds, consuming nothing, before a token that is the first of its line.
fn at_line_start<'t, I>(src: &'t str) -> impl Parser<'t, I, (), Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    any().rewind().try_map(move |_, span: SimpleSpan| {
        let before = &src[..span.start];
        let gap = before.len() - before.trim_end().len();
        if before[before.len() - gap..].contains('\n') {
            Ok(())
        } else {
            Err(Rich::custom(span, "not at a new line".to_string()))
        }
    })
}

/// One token, or a whole balanced `{…}` / `[…]` group: what recovery skips at a time.
fn skip_unit<'t, I>() -> impl Parser<'t, I, (), Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    let braces = nested_delimiters(
        Token::LBrace,
        Token::RBrace,
        [(Token::LBracket, Token::RBracket)],
        |_| (),
    );
    let brackets = nested_delimiters(
        Token::LBracket,
        Token::RBracket,
        [(Token::LBrace, Token::RBrace)],
        |_| (),
    );
    choice((braces, brackets, any().ignored()))
}

fn ident<'t, I>(src: &'t str) -> impl Parser<'t, I, Ident, Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    select! { Token::Ident => () }
        .map_with(move |_, e| {
            let span: SimpleSpan = e.span();
            Ident {
                text: src[span.start..span.end].into(),
                span: span.into(),
            }
        })
        .labelled("a name")
}

fn string<'t, I>(src: &'t str) -> impl Parser<'t, I, Str, Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    select! { Token::Str => false, Token::TextBlock => true }.validate(move |block, e, emitter| {
        let span: SimpleSpan = e.span();
        let raw = &src[span.start..span.end];
        let decoded = if block {
            literal::text_block(raw)
        } else {
            literal::string(raw)
        };
        let value = decoded.unwrap_or_else(|(offset, message)| {
            let at = span.start + offset;
            emitter.emit(Rich::custom(
                SimpleSpan::from(at..escape_end(src, at, span.end)),
                message,
            ));
            String::new()
        });
        Str {
            value,
            span: span.into(),
        }
    })
}

fn value<'t, I>(src: &'t str) -> impl Parser<'t, I, Value, Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    recursive(move |value| {
        let ident = ident(src);
        let scalar = select! {
            Token::Int => Token::Int,
            Token::Decimal => Token::Decimal,
            Token::Date => Token::Date,
            Token::DateTime => Token::DateTime,
            Token::Duration => Token::Duration,
            Token::Version => Token::Version,
            Token::Person => Token::Person,
            Token::BadLiteral => Token::BadLiteral,
        }
        .validate(move |token, e, emitter| {
            let span: SimpleSpan = e.span();
            let text = &src[span.start..span.end];
            let kind = match token {
                Token::Int => match text.parse() {
                    Ok(n) => ValueKind::Int(n),
                    Err(_) => {
                        emitter.emit(Rich::custom(span, "integer out of range".to_string()));
                        ValueKind::Error
                    }
                },
                Token::Decimal => ValueKind::Decimal(text.into()),
                Token::Date => ValueKind::Date(text.into()),
                Token::DateTime => ValueKind::DateTime(text.into()),
                Token::Duration => ValueKind::Duration(text.into()),
                Token::Version => ValueKind::Version(text.into()),
                // The lexer has reported it.
                Token::BadLiteral => ValueKind::Error,
                _ => ValueKind::Person(text[1..].into()),
            };
            Value {
                kind,
                span: span.into(),
            }
        });
        let str_value = string(src).map(|s| Value {
            kind: ValueKind::Str(s.value),
            span: s.span,
        });

        let list = value
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(
                just(Token::LBracket),
                close_on_new_line(src, Token::RBracket),
            )
            .map_with(|values, e| Value {
                kind: ValueKind::List(values),
                span: to_span(e.span()),
            });

        let field = ident
            .clone()
            .then_ignore(just(Token::Colon))
            .then(value.clone())
            .map_with(|(name, value), e| Field {
                name,
                value,
                span: to_span(e.span()),
            });
        let record_value = field
            .repeated()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LBrace), close_on_new_line(src, Token::RBrace))
            .map_with(|fields, e| Value {
                kind: ValueKind::Record(fields),
                span: to_span(e.span()),
            });

        let generic_args = value
            .clone()
            .separated_by(just(Token::Comma))
            .at_least(1)
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LAngle), just(Token::RAngle));
        let spec = choice((
            string(src).map(|s| Value {
                kind: ValueKind::Str(s.value),
                span: s.span,
            }),
            select! { Token::Version => () }.map_with(move |_, e| {
                let span: SimpleSpan = e.span();
                Value {
                    kind: ValueKind::Version(src[span.start..span.end].into()),
                    span: span.into(),
                }
            }),
        ));
        // A name is never followed by `:` as a value: `name:` at the end of a line and a
        // field on the next is a missing value, not the next field's name read as one.
        let not_a_field_name = none_of([Token::Colon]).rewind().ignored().or(end());
        // Type arguments or a version spec, not both: a type takes no version, and a spec
        // after `list<text>` would otherwise be read and dropped.
        let named = ident
            .then(
                (generic_args.map(NameTail::Args))
                    .or(spec.map(NameTail::Spec))
                    .or_not(),
            )
            .then_ignore(not_a_field_name)
            .map_with(|(name, tail), e| {
                let span = to_span(e.span());
                let kind = match tail {
                    Some(NameTail::Args(args)) => ValueKind::Generic {
                        name: Box::new(name),
                        args,
                    },
                    Some(NameTail::Spec(spec)) => ValueKind::Ref {
                        name: Box::new(name),
                        spec: Box::new(spec),
                    },
                    None => match name.text.as_str() {
                        "true" => ValueKind::Bool(true),
                        "false" => ValueKind::Bool(false),
                        _ => ValueKind::Name(name.text),
                    },
                };
                Value { kind, span }
            });

        choice((scalar, str_value, list, record_value, named))
            .labelled("a value")
            .boxed()
    })
}

/// What may follow a name in a value: type arguments (a type) or a version spec (an asset
/// reference), never both.
enum NameTail {
    Args(Vec<Value>),
    Spec(Value),
}

/// What follows the leading name of an entry.
#[derive(Clone)]
enum Tail {
    Field(Value),
    Variant,
    Item(ItemRest),
    /// After a name that is not a keyword, something other than `:`, `,` or `}`.
    NotAField,
}

/// The keyword a name that is not one was most likely meant to be: `requirments` for
/// `requirements`. Only a name followed by a block is read as a misspelt keyword, so a field
/// missing its `:` is still reported as one.
pub(super) fn misspelt_keyword(name: &str) -> Option<&'static str> {
    let chars = name.chars().count();
    let limit = (chars / 3).max(1);
    (KEYWORDS.iter())
        // The distance is at least the difference in length.
        .filter(|k| k.len().abs_diff(chars) <= limit)
        .map(|k| (strsim::osa_distance(name, k), *k))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, k)| k)
}

type ItemRest = (
    Option<Ident>,
    Option<Span>,
    Option<Value>,
    Option<Str>,
    Option<Ident>,
    Option<Body>,
);

/// An entry of a body (or a top-level declaration): a name, then `:` for a field, `,` or `}`
/// for an enum variant, or the rest of an item when the name is a keyword. The name is read
/// once, so nothing is parsed twice.
fn entry<'t, I>(src: &'t str) -> impl Parser<'t, I, Entry, Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    recursive(move |entry| {
        let value = value(src);
        let ident = ident(src);
        let by_keyword = ident.clone().filter(|i: &Ident| i.text == "by");

        // An entry is tried only before something other than `}`; a broken entry is skipped
        // up to the next line or the `}`, and the next entry is read from there.
        let body_entry = entry
            .map(Some)
            .recover_with(via_parser(skip_line(src).to(None)));
        let body_entry = none_of([Token::RBrace]).rewind().ignore_then(body_entry);
        // A block left open at the end of the file is closed there, with one error.
        let close = just(Token::RBrace)
            .ignored()
            .recover_with(via_parser(end()));
        let body = just(Token::LBrace)
            .ignore_then(body_entry.repeated().collect::<Vec<_>>().map(
                |entries: Vec<Option<Entry>>| {
                    // Sized once: most bodies are small and live as long as the estate.
                    let mut kept = Vec::with_capacity(entries.len());
                    kept.extend(entries.into_iter().flatten());
                    kept
                },
            ))
            .then_ignore(close)
            .map_with(|entries, e| Body::new(entries, to_span(e.span())));

        let is_keyword = |i: &Ident| Keyword::from_text(&i.text).is_some();
        // Recovery only: a few tokens on the header's line that no part of the header takes,
        // followed by its `{` (there or at the start of the next line), are reported once and
        // skipped, so the block is still read as this item's (`person p name` with `{` and the
        // `:` swapped). No file without mistakes has them: after a header, a name that is not
        // a keyword starts a field or a variant, followed by `:`, `,` or `}`, and a string or
        // a number starts nothing.
        // Tried as a look-ahead that leaves no error of its own where it fails: a header
        // with no `{` after its stray tokens is reported at the first of them, as it was.
        let stray = none_of([
            Token::LBrace,
            Token::RBrace,
            Token::LBracket,
            Token::RBracket,
            Token::Colon,
            Token::Comma,
        ])
        .and_is(ident.clone().filter(is_keyword).not())
        .and_is(at_line_start(src).not());
        let strays = stray.clone().repeated().at_least(1).at_most(4);
        let stray = (strays.then(just(Token::LBrace)).not().not())
            .ignore_then(stray.clone().map_with(|token, e| (token, e.span())))
            .then_ignore(stray.repeated().at_most(3))
            .validate(move |(token, span): (Token, SimpleSpan), _, emitter| {
                let what = match token {
                    Token::Ident => format!("`{}`", &src[span.start..span.end]),
                    // "a string" → "unexpected string".
                    _ => (token.describe().split_once(' '))
                        .map_or(token.describe(), |(_, noun)| noun)
                        .to_string(),
                };
                emitter.emit(Rich::custom(
                    span,
                    format!("unexpected {what} in the header"),
                ));
            });
        let optional = just(Token::Question).map_with(|_, e| to_span(e.span()));
        // Recovery only: `field ?x: t`, the `?` before the name it marks (a header with no
        // name and a `?` never checks), is read as `field x?: t`, with one error.
        let optional_first =
            optional
                .then(ident.clone())
                .validate(|(question, name): (Span, Ident), _, emitter| {
                    emitter.emit(Rich::custom(
                        question.into_simple(),
                        format!("`?` comes after the name: `{}?`", name.text),
                    ));
                    (Some(name), Some(question))
                });
        // Recovery only: a `:` at the end of the line, its type missing (`field x?:`), is
        // that, not a `:` left for the next line to make sense of.
        // The look-ahead fails with no error of its own: where the value is broken, the error
        // is the value's.
        let line_ends =
            any()
                .rewind()
                .map_with(|_, e| e.span())
                .filter(move |next: &SimpleSpan| {
                    let gap = &src[..next.start];
                    gap[gap.trim_end().len()..].contains('\n')
                });
        let ty = just(Token::Colon)
            .map_with(|_, e| e.span())
            .then((value.clone().map(Some)).or(line_ends.to(None)))
            .validate(|(colon, ty): (SimpleSpan, Option<Value>), _, emitter| {
                if ty.is_none() {
                    emitter.emit(Rich::custom(
                        colon,
                        "expected a type after `:`, found the end of the line".to_string(),
                    ));
                }
                ty
            });
        let rest = optional_first
            .or(ident.clone().or_not().then(optional.or_not()))
            .then(ty.or_not().map(Option::flatten))
            .then(string(src).or_not())
            .then(by_keyword.ignore_then(ident.clone()).or_not())
            .then(stray.or_not().ignore_then(body).or_not())
            .map(|(((((name, optional), ty), title), by), body)| {
                (name, optional, ty, title, by, body)
            });

        // Which tails are tried depends on whether the name is a keyword, and after `name :`
        // only a field can follow: no tokens are ever parsed twice by two alternatives (a body
        // or value parsed once for an item that is then refused, and again after recovery,
        // was exponential in the nesting depth).
        let field_or_variant = choice((
            just(Token::Colon).ignore_then(value).map(Tail::Field),
            just(Token::Comma).to(Tail::Variant),
            just(Token::RBrace).rewind().to(Tail::Variant),
        ));
        let keyword_entry = ident.clone().filter(is_keyword).then(choice((
            field_or_variant.clone(),
            none_of([Token::Colon])
                .rewind()
                .ignore_then(rest.clone().map(Tail::Item)),
        )));
        // A misspelt keyword followed by what follows a keyword is read as that keyword's
        // item, with one error: the block is checked, and nothing that refers into it is
        // reported unknown as well.
        // The names are compared with the keywords only after the look-ahead: a field's name,
        // followed by `:`, never is.
        let misspelt_entry = ident
            .clone()
            .filter(move |i| !is_keyword(i))
            .then_ignore(none_of([Token::Colon, Token::Comma, Token::RBrace]).rewind())
            .filter(|i: &Ident| misspelt_keyword(&i.text).is_some())
            .then(rest.clone().filter(|rest: &ItemRest| rest.5.is_some()))
            .validate(|(name, rest), _, emitter| {
                let keyword = misspelt_keyword(&name.text).unwrap_or_default();
                emitter.emit(Rich::custom(
                    name.span.into_simple(),
                    format!("unknown keyword `{}`; did you mean `{keyword}`?", name.text),
                ));
                let keyword = Ident {
                    text: keyword.into(),
                    span: name.span,
                };
                (keyword, Tail::Item(rest))
            });
        let other_entry = ident
            .filter(move |i| !is_keyword(i))
            // A `:` commits to a field: a broken value after it is reported at the value.
            .then(
                field_or_variant.or(none_of([Token::Colon])
                    .rewind()
                    .ignored()
                    .or(end())
                    .to(Tail::NotAField)),
            );

        keyword_entry
            .or(misspelt_entry)
            .or(other_entry)
            .try_map(|(keyword, tail), span: SimpleSpan| match tail {
                Tail::Field(value) => Ok(Entry::Field(Field {
                    name: keyword,
                    value,
                    span: to_span(span),
                })),
                Tail::Variant => Ok(Entry::Variant(keyword)),
                Tail::NotAField => Err(Rich::custom(
                    keyword.span.into_simple(),
                    format!("expected `:` after the field name `{}`", keyword.text),
                )),
                Tail::Item((None, None, None, None, None, None)) => Err(Rich::custom(
                    keyword.span.into_simple(),
                    format!("expected a name or `{{` after `{}`", keyword.text),
                )),
                Tail::Item((name, optional, ty, title, by, body)) => {
                    // The name is a keyword, or a misspelling read as the keyword it was
                    // meant to be: both paths above make the item's name a keyword's text.
                    let Some(kind) = Keyword::from_text(&keyword.text) else {
                        return Err(Rich::custom(
                            keyword.span.into_simple(),
                            format!("unknown keyword `{}`", keyword.text),
                        ));
                    };
                    Ok(Entry::Item(Box::new(Item {
                        keyword: KeywordAt {
                            kind,
                            span: keyword.span,
                        },
                        name,
                        optional,
                        ty: ty.map(Box::new),
                        title,
                        by: by.map(Box::new),
                        body,
                        doc: None,
                        span: to_span(span),
                    })))
                }
            })
            .boxed()
    })
}

impl Span {
    fn into_simple(self) -> SimpleSpan {
        SimpleSpan::from(self.start as usize..self.end as usize)
    }
}

/// A closing delimiter. When it is missing and the next token starts a new line (or the file
/// ends), the delimiter is taken as given and one error is reported: `[a, b` at the end of a
/// line is an unclosed list, not the start of a cascade.
///
/// A mistake inside the group, when its closing delimiter follows before any `}` or `]` that
/// closes something else, is reported once and the group skipped up to that delimiter: the
/// items after a broken one in a multi-line list are not read as entries of the block, one
/// error each.
fn close_on_new_line<'t, I>(src: &'t str, close: Token) -> impl Parser<'t, I, (), Ex<'t>> + Clone
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
{
    let skip_to_close = none_of([Token::RBrace, Token::RBracket])
        .rewind()
        .ignore_then(skip_unit())
        .repeated()
        .then(just(close))
        .ignored();
    let at_new_line = at_line_start(src).or(end());
    just(close)
        .ignored()
        .recover_with(via_parser(skip_to_close))
        .recover_with(via_parser(at_new_line))
}

fn to_span(span: SimpleSpan) -> Span {
    span.into()
}

/// The end of the escape starting at `at` (the backslash and the character after it), on a
/// character boundary and inside the literal.
fn escape_end(src: &str, at: usize, limit: usize) -> usize {
    src.get(at..limit)
        .and_then(|rest| rest.char_indices().nth(2).map(|(i, _)| at + i))
        .unwrap_or(limit)
}
