//! Syntax: lexing and parsing one file into an [`Ast`] plus diagnostics.
//!
//! [`parse`] never fails. It enforces the input limits (SDD002), reports characters that show
//! strings and comments otherwise than they are read (SDD003, `deceptive`), guards nesting
//! depth before the recursive parser runs, reads the file with the fast path (`descent`) or,
//! when it has mistakes, with chumsky (`parser`, after `nameless` has dropped a line that is a
//! field missing its name, `commented` has taken a declaration's header out of the end of the
//! comment before it, and `unclosed` has put back a `}` the layout
//! shows is missing or dropped a `{` that opens nothing, or `unmatched` a `{` that is missing
//! or dropped a `}` that closes nothing, or `unopened` a `[` that is missing; and parsed once
//! more when its errors show two tokens swapped across a line break, `swapped`), turns chumsky's
//! errors into SDD001 diagnostics (worded by their context, `context`; one per mistake,
//! `cascade`; none on the line of a mistake the lexer or a repair reported) and attaches doc
//! comments to the items they precede.

pub mod ast;
mod cascade;
mod commented;
mod context;
mod deceptive;
mod descent;
pub mod keyword;
mod layout;
pub mod literal;
mod malformed;
mod nameless;
pub mod parser;
mod stray_open;
mod swapped;
pub mod token;
mod unclosed;
mod unmatched;
mod unopened;

use chumsky::error::{Rich, RichPattern, RichReason};
use chumsky::span::SimpleSpan;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
pub use ast::*;
use token::{Comment, Token};

/// Largest file the compiler reads.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of `{`, `[` and `<`.
pub const MAX_DEPTH: usize = 64;
/// Longest string or text block.
pub const MAX_STRING_BYTES: usize = 1024 * 1024;
/// The byte offset where the line holding the byte at `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |n| n + 1)
}

/// Most syntax diagnostics reported for one file.
pub const MAX_SYNTAX_ERRORS: usize = 100;

/// Most mistakes the layout repairs (`unclosed`, `unmatched`) report for one file; past it
/// they go on repairing without a diagnostic each (at most [`MAX_SYNTAX_ERRORS`] are shown in
/// any case). A file of a million `{` held a million diagnostics, some 650 bytes each, before
/// all but one were dropped as echoes of the first: 16 MiB of them would have taken 10 GB.
const MAX_REPAIRS_REPORTED: usize = 10 * MAX_SYNTAX_ERRORS;

/// Report one mistake a layout repair found, unless [`MAX_REPAIRS_REPORTED`] have been.
fn report_repair(diagnostics: &mut Vec<Diagnostic>, diagnostic: impl FnOnce() -> Diagnostic) {
    if diagnostics.len() < MAX_REPAIRS_REPORTED {
        diagnostics.push(diagnostic());
    }
}

/// A parsed file: the tree, its comments (for the formatter) and the diagnostics.
#[derive(Debug, Default)]
pub struct Parsed {
    pub ast: Ast,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
    /// Unique to this parse (0 for a file that was never parsed): what the analysis cache
    /// compares to know a file is unchanged without reading its text.
    pub revision: u64,
}

/// The next parse's revision; starts at 1.
static NEXT_REVISION: AtomicU64 = AtomicU64::new(1);

fn next_revision() -> u64 {
    NEXT_REVISION.fetch_add(1, Ordering::Relaxed)
}

/// Does this diagnostic of [`parse`] mean the tree is not all of the text: a syntax error or
/// an input limit (SDD001, SDD002)? An SDD003 is about how the text shows, not how it reads:
/// the tree is whole, so formatting and recording an approval may go on.
pub fn breaks_the_tree(d: &Diagnostic) -> bool {
    d.is_error() && matches!(d.code, Code::Sdd001 | Code::Sdd002)
}

/// Parse one file. Never fails and never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    if text.len() > MAX_FILE_BYTES {
        return Parsed {
            diagnostics: vec![Diagnostic::new(
                Code::Sdd002,
                file,
                Span::new(0, 0),
                format!(
                    "file is {} bytes; the limit is {} bytes",
                    text.len(),
                    MAX_FILE_BYTES
                ),
            )
            .with_label("file too large to check")
            .with_help("split the estate into smaller files")],
            revision: next_revision(),
            ..Parsed::default()
        };
    }
    let lexed = token::lex(file, text);
    let mut diagnostics = lexed.diagnostics;
    // The lexer's own mistakes, which a parser error on the same line merely echoes (an
    // SDD003 or a string over the limit leaves the tokens as they are: not among them).
    let lexical = diagnostics.len();
    for &(kind, span) in &lexed.tokens {
        // The limit is on what the string holds: its quotes do not count.
        let quotes = match kind {
            Token::Str => 2,
            Token::TextBlock => 6,
            _ => continue,
        };
        let content = span.range().len().saturating_sub(quotes);
        if content > MAX_STRING_BYTES {
            diagnostics.push(
                Diagnostic::new(
                    Code::Sdd002,
                    file,
                    Span::new(span.start as usize, span.start as usize + 1),
                    format!("string of {content} bytes; the limit is {MAX_STRING_BYTES}"),
                )
                .with_label("string too long"),
            );
        }
    }
    deceptive::check(file, text, &lexed.tokens, &lexed.comments, &mut diagnostics);
    // A file nested no deeper than the limit (nearly all) is read by the fast path from the
    // lexer's tokens; the rest, and any file it gives up on, by chumsky.
    let depth = nesting_depth(&lexed.tokens);
    let fast = match depth <= MAX_DEPTH {
        true => on_stack_for(depth, || descent::parse(text, &lexed.tokens)),
        false => None,
    };
    // The syntax errors, of which the first `repairs` are the layout repairs' (each a mistake
    // found before the parser ran, as a lexical one is).
    let (mut items, syntax, repairs) = match fast {
        Some(items) => (items, Vec::new(), 0),
        None => {
            let mut syntax = Vec::new();
            let named = nameless::drop_nameless_fields(file, text, &lexed.tokens, &mut syntax);
            let named = named.as_deref().unwrap_or(&lexed.tokens);
            let uncommented =
                commented::take_headers_out(file, text, named, &lexed.comments, &mut syntax);
            let lines = uncommented.as_deref().unwrap_or(named);
            let unsplit = stray_open::drop_from_names(file, text, lines, &mut syntax);
            let lines = unsplit.as_deref().unwrap_or(lines);
            let unlisted = stray_open::drop_from_lists(file, lines, &mut syntax);
            let lines = unlisted.as_deref().unwrap_or(lines);
            let unended = stray_open::drop_at_line_ends(file, text, lines, &mut syntax);
            let lines = unended.as_deref().unwrap_or(lines);
            let repaired = unclosed::close_by_indentation(file, text, lines, &mut syntax)
                .or_else(|| unmatched::balance_closes(file, text, lines, &mut syntax))
                .or_else(|| unopened::open_lists(file, text, lines, &mut syntax));
            let tokens = repaired.as_deref().unwrap_or(lines);
            let (mut tokens, depth) = limit_depth(file, tokens, &mut diagnostics);
            type Errors = Vec<Rich<'static, Token, SimpleSpan>>;
            let (mut items, mut errors): (_, Errors) = on_stack_for(depth, || {
                let (items, errors) = parser::parse_tokens(text, &tokens);
                (items, errors.into_iter().map(Rich::into_owned).collect())
            });
            // Two tokens swapped across a line break: parsed again with them in order.
            let mut swaps = Vec::new();
            if let Some((repaired, found)) = swapped::find(file, text, &tokens, &errors, &mut swaps)
            {
                let (again, more): (_, Errors) = on_stack_for(depth, || {
                    let (items, errors) = parser::parse_tokens(text, &repaired);
                    (items, errors.into_iter().map(Rich::into_owned).collect())
                });
                if swapped::holds(&found, &more, errors.len()) {
                    (tokens, items, errors) = (repaired, again, more);
                    syntax.append(&mut swaps);
                }
            }
            let repairs = syntax.len();
            syntax.extend(errors.iter().map(|e| {
                missing_value(file, text, &lexed.tokens, e)
                    .or_else(|| type_without_colon(file, text, &lexed.tokens, e))
                    .or_else(|| keyword_taken_for_value(file, text, &lexed.tokens, e))
                    .or_else(|| match at_end_of_file(text, e) {
                        true => cascade::file_ends_inside(file, text, &tokens),
                        false => None,
                    })
                    .unwrap_or_else(|| syntax_error(file, e))
            }));
            cascade::drop_opened_on_the_cut_line(text, &lexed.tokens, repairs, &mut syntax);
            let context = context::Context::new(text, &lexed.tokens);
            for error in &mut syntax {
                if let Some(reworded) = context.reword(file, error) {
                    *error = reworded;
                }
            }
            (items, syntax, repairs)
        }
    };
    // A repair on the line of a lexical error is that error seen again (a `#` that took the
    // rest of a header line, its `{` too); a parser error, that of either.
    let lexical_lines = MistakeLines::new(text, &lexed.tokens, diagnostics[..lexical].iter());
    let known = (diagnostics[..lexical].iter()).chain(&syntax[..repairs]);
    let mistake_lines = MistakeLines::new(text, &lexed.tokens, known);
    let mut syntax: Vec<Diagnostic> = (syntax.into_iter().enumerate())
        .filter(|(i, d)| match *i < repairs {
            true => !lexical_lines.echoed_by(d),
            false => !mistake_lines.echoed_by(d),
        })
        .map(|(_, d)| d)
        .collect();
    syntax.dedup_by(|a, b| a.primary.span == b.primary.span);
    diagnostics.extend(syntax);
    cascade::close_after_another(&lexed.tokens, lexical, &mut diagnostics);
    cascade::one_per_line(text, &lexed.tokens, &mut diagnostics);
    if diagnostics.len() > MAX_SYNTAX_ERRORS {
        diagnostics.sort_by_key(|d| d.primary.span);
        diagnostics.truncate(MAX_SYNTAX_ERRORS);
        if let Some(last) = diagnostics.last_mut() {
            last.notes.push(format!(
                "stopped after {MAX_SYNTAX_ERRORS} syntax errors in this file"
            ));
        }
    }
    attach_docs(text, &lexed.comments, &lexed.tokens, &mut items);
    Parsed {
        ast: Ast { items },
        comments: lexed.comments,
        diagnostics,
        revision: next_revision(),
    }
}

/// Files nested deeper than this are parsed on a thread of their own with a stack sized for
/// [`MAX_DEPTH`]; shallower files (nearly all) on the caller's thread.
const SHALLOW_DEPTH: usize = 12;

/// Enough stack for [`MAX_DEPTH`] levels of the recursive parser, with a wide margin even in
/// an unoptimised build (about 40 KiB a level there): only touched pages are ever committed.
const DEEP_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Run a parse of a file nested `depth` deep: on the caller's thread, or for a deeply nested
/// file on a scoped thread with [`DEEP_STACK_BYTES`] of stack. The caller's thread may have as
/// little as 2 MiB (Rust's default for spawned threads, which rayon, tokio and the test
/// harness use), which an unoptimised build of the parser exhausts near the nesting limit.
fn on_stack_for<T: Send>(depth: usize, parse: impl FnOnce() -> T + Send + Copy) -> T {
    if depth <= SHALLOW_DEPTH {
        return parse();
    }
    std::thread::scope(|scope| {
        let deep = std::thread::Builder::new()
            .name("sdd-deep-parse".to_string())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, parse);
        match deep {
            Ok(handle) => match handle.join() {
                Ok(parsed) => parsed,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            // No thread to be had: the caller's stack is the only one left to try.
            Err(_) => parse(),
        }
    })
}

/// For tests and fuzzing: where the fast path ([`descent`]) and chumsky's parser disagree on
/// `text`, or `None` when they agree. They agree when the fast path gives up exactly on the
/// files chumsky reports a syntax error in, and builds the same tree for every other file.
#[doc(hidden)]
pub fn fast_path_disagreement(text: &str) -> Option<String> {
    if text.len() > MAX_FILE_BYTES {
        return None;
    }
    let lexed = token::lex(FileId(0), text);
    if nesting_depth(&lexed.tokens) > MAX_DEPTH {
        // Such a file is never given to the fast path.
        return None;
    }
    let (tokens, depth) = limit_depth(FileId(0), &lexed.tokens, &mut Vec::new());
    let tokens = &tokens;
    let fast = on_stack_for(depth, || descent::parse(text, &lexed.tokens));
    let (items, errors) = on_stack_for(depth, || {
        let (items, errors) = parser::parse_tokens(text, tokens);
        (items, errors.first().map(|e| format!("{e:?}")))
    });
    match (fast, errors) {
        (None, Some(_)) => None,
        (None, None) => Some("the fast path gave up on a file chumsky parses without error".into()),
        (Some(_), Some(error)) => Some(format!(
            "the fast path accepted a file chumsky reports an error in: {error}"
        )),
        (Some(fast), None) => {
            let at = fast.iter().zip(&items).position(|(a, b)| a != b);
            match at {
                Some(at) => Some(format!(
                    "item {at} differs:\nfast path: {:#?}\nchumsky: {:#?}",
                    fast[at], items[at]
                )),
                None if fast.len() != items.len() => Some(format!(
                    "{} items from the fast path, {} from chumsky",
                    fast.len(),
                    items.len()
                )),
                None => None,
            }
        }
    }
}

/// The deepest nesting of `{`, `[` and `<` among `tokens`.
fn nesting_depth(tokens: &[(Token, Span)]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for &(kind, _) in tokens {
        if kind.opens() {
            depth += 1;
            deepest = deepest.max(depth);
        } else if kind.closes() {
            depth = depth.saturating_sub(1);
        }
    }
    deepest
}

/// Drop every group nested deeper than [`MAX_DEPTH`], reporting the first one, so the
/// recursive parser never recurses without bound. Returns the tokens kept and the deepest
/// nesting among them.
fn limit_depth(
    file: FileId,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<(Token, SimpleSpan)>, usize) {
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut skipping_from: Option<usize> = None;
    let mut reported = false;
    for &(kind, span) in tokens {
        if kind.opens() {
            depth += 1;
            deepest = deepest.max(depth.min(MAX_DEPTH));
            if depth > MAX_DEPTH && skipping_from.is_none() {
                skipping_from = Some(depth);
                if !reported {
                    reported = true;
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Sdd002,
                            file,
                            span,
                            format!("nesting deeper than {MAX_DEPTH} levels"),
                        )
                        .with_label("too deeply nested")
                        .with_note("the nested content is skipped"),
                    );
                }
            }
        }
        let skipping = skipping_from.is_some();
        if kind.closes() {
            if skipping_from == Some(depth) {
                skipping_from = None;
            }
            depth = depth.saturating_sub(1);
        }
        if !skipping {
            out.push((kind, SimpleSpan::from(span.range())));
        }
    }
    (out, deepest)
}

fn syntax_error(file: FileId, error: &Rich<'_, Token, SimpleSpan>) -> Diagnostic {
    // chumsky can end the span of an error met after a look-ahead (`rewind`) before its start,
    // at the end of the token before: the error is at the start.
    let at = *error.span();
    let span = Span::new(at.start, at.end.max(at.start));
    match error.reason() {
        RichReason::Custom(message) => {
            let label = if message.contains("after the field name") {
                "a field is written `name: value`"
            } else if message.starts_with("unknown keyword") {
                "not a keyword"
            } else if message.starts_with("`?` comes after the name") {
                "before the name it marks"
            } else if message.starts_with("expected a type after") {
                "the type is missing"
            } else {
                "here"
            };
            // "unknown keyword `x`; did you mean `y`?": the suggestion is the help, which the
            // language server's quick fix applies.
            match message.split_once("; ") {
                Some((message, help)) if help.starts_with("did you mean") => {
                    Diagnostic::new(Code::Sdd001, file, span, message)
                        .with_label(label)
                        .with_help(help)
                }
                _ => Diagnostic::new(Code::Sdd001, file, span, message.clone()).with_label(label),
            }
        }
        RichReason::ExpectedFound { expected, found } => {
            let mut wanted: Vec<String> = expected
                .iter()
                .filter_map(|p| match p {
                    RichPattern::Token(t) => Some(t.describe().to_string()),
                    RichPattern::Label(l) => Some(l.to_string()),
                    RichPattern::Identifier(i) => Some(format!("`{i}`")),
                    RichPattern::EndOfInput => Some("end of file".to_string()),
                    _ => None,
                })
                .collect();
            wanted.sort();
            wanted.dedup();
            // `name [` is a field missing its colon far more often than a broken enum variant.
            if wanted.len() > 1 {
                wanted.retain(|w| w != "`<`");
            }
            if found.is_some() && wanted.iter().any(|w| w == "`:`") {
                wanted.retain(|w| w != "`,`" && w != "`}`");
            }
            let found_text = found
                .as_deref()
                .map(|t| t.describe())
                .unwrap_or("end of file");
            let message = match wanted.len() {
                0 => format!("unexpected {found_text}"),
                _ => format!("expected {}, found {found_text}", join_or(&wanted)),
            };
            let label = match found {
                None if wanted.iter().any(|w| w == "`}`") => {
                    "a block is not closed before the end of the file"
                }
                None => "the file ends here",
                Some(_) => "unexpected here",
            };
            Diagnostic::new(Code::Sdd001, file, span, message).with_label(label)
        }
    }
}

/// Whether chumsky's error is the end of the file come where more was expected.
fn at_end_of_file(text: &str, error: &Rich<'_, Token, SimpleSpan>) -> bool {
    matches!(
        error.reason(),
        RichReason::ExpectedFound { found: None, .. }
    ) && error.span().start >= text.len()
}

/// For the parser's "expected `:` after the field name", the index of the token it failed at.
fn after_a_field_name(
    tokens: &[(Token, Span)],
    error: &Rich<'_, Token, SimpleSpan>,
) -> Option<usize> {
    let RichReason::Custom(message) = error.reason() else {
        return None;
    };
    message
        .starts_with("expected `:` after the field name")
        .then(|| tokens.partition_point(|(_, span)| (span.start as usize) < error.span().start))
}

/// `field x text`: a type written without its `:` is that, not a field `text` missing one.
fn type_without_colon(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    error: &Rich<'_, Token, SimpleSpan>,
) -> Option<Diagnostic> {
    let at = after_a_field_name(tokens, error)?;
    let [(Token::Ident, keyword), (Token::Ident, name), (Token::Ident, ty)] =
        tokens.get(at.checked_sub(2)?..=at)?
    else {
        return None;
    };
    if &text[keyword.range()] != "field"
        || text[keyword.end as usize..ty.start as usize].contains('\n')
    {
        return None;
    }
    let gap = Span::new(name.end as usize, ty.start as usize);
    // The type as written: the rest of its line, without a comment.
    let line = text[ty.start as usize..]
        .split('\n')
        .next()
        .unwrap_or_default();
    let ty = line.split("//").next().unwrap_or_default().trim_end();
    let name = &text[name.range()];
    Some(
        Diagnostic::new(
            Code::Sdd001,
            file,
            gap,
            format!("expected `:` before the type of `field {name}`"),
        )
        .with_label("`:` expected here")
        .with_help(format!("a field is declared `field {name}: {ty}`")),
    )
}

/// `name:` at the end of a line, its value missing, takes the keyword that starts the next
/// line for its value (`asn :` and `field bgp_peers?: …`), and the parser fails after it: the
/// value is missing at the `:`. When the line declares a field and `name` is its type
/// (`field local_asn? asn :`), the `:` is after the type rather than before it.
fn keyword_taken_for_value(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    error: &Rich<'_, Token, SimpleSpan>,
) -> Option<Diagnostic> {
    let at = after_a_field_name(tokens, error)?;
    let [(Token::Ident, name), (Token::Colon, colon), (Token::Ident, keyword)] =
        *tokens.get(at.checked_sub(3)?..at)?
    else {
        return None;
    };
    let gap = &text[colon.end as usize..keyword.start as usize];
    if !gap.contains('\n') || keyword::Keyword::from_text(&text[keyword.range()]).is_none() {
        return None;
    }
    let ty = &text[name.range()];
    // The line's tokens before the name: `field x` or `field x ?`.
    let line_start = line_start(text, name.start as usize);
    let first = tokens.partition_point(|(_, s)| (s.start as usize) < line_start);
    let before = &tokens[first..at - 3];
    if let [(Token::Ident, field)] = before {
        // `field x:` and the next line: the type is missing.
        if &text[field.range()] == "field" {
            return Some(
                Diagnostic::new(
                    Code::Sdd001,
                    file,
                    colon,
                    "expected a type after `:`, found the end of the line",
                )
                .with_label("the type is missing"),
            );
        }
    }
    let declared = match before {
        [(Token::Ident, field), (Token::Ident, declared), rest @ ..]
            if &text[field.range()] == "field" && matches!(rest, [] | [(Token::Question, _)]) =>
        {
            Some((declared, rest.len() == 1))
        }
        _ => None,
    };
    Some(match declared {
        Some((declared, optional)) => {
            let declared = &text[declared.range()];
            let question = if optional { "?" } else { "" };
            Diagnostic::new(
                Code::Sdd001,
                file,
                Span::new(tokens[at - 4].1.end as usize, name.start as usize),
                format!("expected `:` before the type of `field {declared}`"),
            )
            .with_label("`:` expected here")
            .with_secondary(file, colon, "not after the type")
            .with_help(format!(
                "a field is declared `field {declared}{question}: {ty}`"
            ))
        }
        None => Diagnostic::new(
            Code::Sdd001,
            file,
            colon,
            format!("expected a value after `{ty}:`, found the end of the line"),
        )
        .with_label("the value is missing")
        .with_help("a field is written `name: value` on one line"),
    })
}

/// A field whose value is missing at the end of its line (`name:` and then a new line) is
/// reported at its `:`, not at whatever the next line starts with.
fn missing_value(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    error: &Rich<'_, Token, SimpleSpan>,
) -> Option<Diagnostic> {
    let RichReason::ExpectedFound { expected, .. } = error.reason() else {
        return None;
    };
    let at = tokens.partition_point(|(_, span)| (span.start as usize) < error.span().start);
    let wants_value = expected
        .iter()
        .any(|p| matches!(p, RichPattern::Label(l) if l.as_ref() == "a value"));
    // Either the value is wanted at the next line's first token, or the next line's field
    // name was taken for the value and the error is at its `:`.
    let next = match at {
        _ if wants_value => at,
        3.. if tokens.get(at).is_some_and(|t| t.0 == Token::Colon)
            && tokens[at - 1].0 == Token::Ident =>
        {
            at - 1
        }
        _ => return None,
    };
    let (before, colon) = match next {
        2.. => (tokens[next - 2], tokens[next - 1]),
        _ => return None,
    };
    let next_start = tokens.get(next).map_or(text.len(), |t| t.1.start as usize);
    let gap = &text[colon.1.end as usize..next_start];
    if colon.0 != Token::Colon || before.0 != Token::Ident || !gap.contains('\n') {
        return None;
    }
    let name = &text[before.1.range()];
    Some(
        Diagnostic::new(
            Code::Sdd001,
            file,
            colon.1,
            format!("expected a value after `{name}:`, found the end of the line"),
        )
        .with_label("the value is missing")
        .with_help("a field is written `name: value` on one line"),
    )
}

/// The lines that hold a mistake found before the parser ran: a lexical error (a bad character
/// or string, or an input limit), or a brace a layout repair put back or dropped. A parser
/// error on one of them is that mistake seen again: `name = "x"` is one error, not two, and so
/// is `met}hod: "…"` (the `}` dropped, then `met hod` read as a field missing its `:`).
/// So is one at the first token after the mistake: an unterminated string takes the rest of
/// its line, the `,` or `]` that ended it too, and the next line's first token does not fit.
struct MistakeLines {
    /// Offsets of the `\n`s of the file, in order (empty when there is no such mistake).
    newlines: Vec<usize>,
    /// The lines (counted from 0) of the mistakes, sorted.
    lines: Vec<usize>,
    /// Where the first token after each mistake starts, sorted.
    next_tokens: Vec<u32>,
}

impl MistakeLines {
    fn new<'d>(
        text: &str,
        tokens: &[(Token, Span)],
        mistakes: impl Iterator<Item = &'d Diagnostic> + Clone,
    ) -> Self {
        if mistakes.clone().next().is_none() {
            return MistakeLines {
                newlines: Vec::new(),
                lines: Vec::new(),
                next_tokens: Vec::new(),
            };
        }
        let newlines: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
        let mut lines: Vec<usize> = (mistakes.clone())
            .map(|d| newlines.partition_point(|&n| n < d.primary.span.start as usize))
            .collect();
        lines.sort_unstable();
        let mut next_tokens: Vec<u32> = mistakes
            .filter_map(|d| {
                let after = tokens.partition_point(|(_, s)| s.start < d.primary.span.end);
                tokens.get(after).map(|(_, s)| s.start)
            })
            .collect();
        next_tokens.sort_unstable();
        MistakeLines {
            newlines,
            lines,
            next_tokens,
        }
    }

    fn echoed_by(&self, error: &Diagnostic) -> bool {
        if self.lines.is_empty() {
            return false;
        }
        let line = (self.newlines).partition_point(|&n| n < error.primary.span.start as usize);
        self.lines.binary_search(&line).is_ok()
            || (self.next_tokens)
                .binary_search(&error.primary.span.start)
                .is_ok()
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Give each item the run of `///` lines right above it (only white space in between).
fn attach_docs(text: &str, comments: &[Comment], tokens: &[(Token, Span)], items: &mut [Item]) {
    if !comments.iter().any(|c| c.kind == Token::DocComment) {
        return;
    }
    let mut docs: Vec<(u32, Doc)> = Vec::new();
    let mut i = 0;
    while i < comments.len() {
        if comments[i].kind != Token::DocComment {
            i += 1;
            continue;
        }
        let start = comments[i].span;
        let mut end = start;
        let mut lines = vec![doc_line(&text[start.range()])];
        while i + 1 < comments.len()
            && comments[i + 1].kind == Token::DocComment
            && text[end.end as usize..comments[i + 1].span.start as usize]
                .trim()
                .is_empty()
        {
            i += 1;
            end = comments[i].span;
            lines.push(doc_line(&text[end.range()]));
        }
        i += 1;
        let next = tokens.partition_point(|(_, s)| s.start < end.end);
        if let Some((_, s)) = tokens.get(next) {
            if text[end.end as usize..s.start as usize].trim().is_empty() {
                docs.push((
                    s.start,
                    Doc {
                        text: lines.join("\n"),
                        span: start.to(end),
                    },
                ));
            }
        }
    }
    fn visit(items: &mut [Item], docs: &mut Vec<(u32, Doc)>) {
        for item in items {
            // Only an item with a doc comment's target inside it is walked: most docs are on
            // top-level declarations, and the rest of the tree is left untouched.
            let first = docs.partition_point(|(s, _)| *s < item.keyword.span.start);
            let Some((target, doc)) = docs.get(first) else {
                continue;
            };
            if *target >= item.span.end {
                continue;
            }
            if *target == item.keyword.span.start {
                item.doc = Some(Box::new(doc.clone()));
            }
            if let Some(body) = &mut item.body {
                for entry in &mut body.entries {
                    if let Entry::Item(child) = entry {
                        visit(std::slice::from_mut(child), docs);
                    }
                }
            }
        }
    }
    visit(items, &mut docs);
}

fn doc_line(comment: &str) -> &str {
    let rest = comment.strip_prefix("///").unwrap_or(comment);
    rest.strip_prefix(' ').unwrap_or(rest).trim_end()
}

/// The syntax errors (SDD001) of `text` parsed alone: where each starts, and its message (the
/// recoveries' tests).
#[cfg(test)]
pub(crate) fn syntax_errors(text: &str) -> Vec<(usize, String)> {
    let parsed = parse(FileId(0), text);
    (parsed.diagnostics.iter())
        .filter(|d| d.code == Code::Sdd001)
        .map(|d| (d.primary.span.start as usize, d.message.clone()))
        .collect()
}
