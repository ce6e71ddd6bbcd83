//! Recovery from two tokens swapped across a line break: the last token of a line and the
//! first of the next, each in the other's place.
//!
//! Such a swap breaks two lines at once. `requirements {` / `requirement R1 "T" {` written
//! `requirements requirement` / `{ R1 "T" {` reads as a `requirements` with a name (which it
//! does not take) and a body whose first entry is `R1 "T"`, missing its `:`; a title swapped
//! with the `}` after it (`constraint C1 }` / `"T"`) leaves the constraint without its title
//! and the string alone in the block around it. Each is two errors for one mistake.
//!
//! The parser's errors show where: a swap puts a token the next line cannot start with at
//! the start of that line, and the parser fails on it or on the token after it. At such an
//! error, [`find`] looks at the two tokens around the line break just before it, and takes
//! them for swapped when one is a brace or the one that would start the line is a keyword
//! (an item's header): a value or a name swapped with another (`priority: must` / `"T"`) is
//! left to the other recoveries, since what it should be is not shown by the tokens. The
//! swap is kept only when parsing the tokens with the pair put back in order gives fewer
//! errors, none on the two lines ([`holds`]); it is then reported once (SDD001), at the
//! first of the two. It runs only on a file with syntax errors, and parses it once more.

use chumsky::error::Rich;
use chumsky::span::SimpleSpan;

use super::keyword::Keyword;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The most errors looked at for a swap: past a few, the file is not one mistake away from
/// being right.
const MOST_ERRORS: usize = 8;

type Tokens = Vec<(Token, SimpleSpan)>;

/// A pair of tokens found swapped: the first at the end of its line, the second at the
/// start of the next.
pub(super) struct Swap {
    /// The index of the first of the two tokens.
    at: usize,
    /// Where the lines of the two tokens start and end (the first line's start, the second
    /// line's end): no error of the repaired parse may be there.
    lines: (usize, usize),
}

/// The swaps the parser's `errors` show, with `tokens` put back in order and each swap
/// reported in `diagnostics`; `None` when they show none.
pub(super) fn find(
    file: FileId,
    text: &str,
    tokens: &[(Token, SimpleSpan)],
    errors: &[Rich<'_, Token, SimpleSpan>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Tokens, Vec<Swap>)> {
    let mut swaps: Vec<Swap> = Vec::new();
    for error in errors.iter().take(MOST_ERRORS) {
        let start = error.span().start;
        let at = tokens.partition_point(|(_, s)| s.start < start);
        if tokens.get(at).is_none_or(|(_, s)| s.start != start) {
            continue;
        }
        // The swapped pair ends at the error's token, or at the token before it (the first
        // of its line, the error on its line).
        let pair = match (at.checked_sub(1), at.checked_sub(2)) {
            (Some(before), _) if starts_line(text, tokens, at) => Some((before, true)),
            (Some(before), Some(first)) if starts_line(text, tokens, before) => {
                Some((first, false))
            }
            _ => None,
        };
        let Some((first, up)) = pair else { continue };
        if swaps.last().is_some_and(|s| s.at + 1 >= first)
            || starts_line(text, tokens, first)
            || !swappable(text, tokens[first], tokens[first + 1], up)
        {
            continue;
        }
        swaps.push(Swap {
            at: first,
            lines: (
                super::line_start(text, tokens[first].1.start),
                line_end(text, tokens[first + 1].1.end),
            ),
        });
    }
    if swaps.is_empty() {
        return None;
    }
    let mut repaired = tokens.to_vec();
    for swap in &swaps {
        let (x, y) = (tokens[swap.at], tokens[swap.at + 1]);
        diagnostics.push(swapped(file, text, x, y));
        // A brace has no text to read: it is put, with no width, right before or after the
        // other token, so the tokens stay in the order of the text.
        let (a, b) = match (x.0.is_brace(), y.0.is_brace()) {
            (_, true) => ((y.0, empty(x.1.start)), x),
            (true, false) => (y, (x.0, empty(y.1.end))),
            (false, false) => (y, x),
        };
        repaired[swap.at] = a;
        repaired[swap.at + 1] = b;
    }
    Some((repaired, swaps))
}

/// Whether the repaired parse, with `errors`, bears the swaps out: fewer errors than the
/// `before` of the parse as written, and none on the lines of a swap.
pub(super) fn holds(swaps: &[Swap], errors: &[Rich<'_, Token, SimpleSpan>], before: usize) -> bool {
    errors.len() < before
        && !errors.iter().any(|e| {
            let at = e.span().start;
            (swaps.iter()).any(|s| (s.lines.0..=s.lines.1).contains(&at))
        })
}

/// Whether `x`, at the end of a line after more of it, and `y`, the first token of the next
/// line, can have been swapped, when the parser fails at `y` (`up`) or at the token after it.
/// Either the line of `y` has a brace at its start, and `x` is a name, the last of a header
/// (`requirements requirement` / `{ R1 "T" {`), or `y` is a value at the start of a line,
/// where no entry starts, and `x` a brace (`constraint C1 }` / `"T"`) or, when the parser
/// fails after `y`, a keyword (`constraint C1 constraint` / `"T" C2 "U"`). A name swapped
/// with a value is left alone: either may be the mistake. So is a string left open (its
/// `"` the lexer's error, which took the rest of its line: nothing of it was moved).
fn swappable(text: &str, x: (Token, SimpleSpan), y: (Token, SimpleSpan), up: bool) -> bool {
    let left_open = |(kind, span): (Token, SimpleSpan)| {
        let raw = &text[span.start..span.end];
        kind == Token::Str && (raw.len() < 2 || !raw.ends_with('"'))
    };
    if left_open(x) || left_open(y) {
        return false;
    }
    let value = |t: Token| t != Token::Ident && !t.is_brace();
    let keyword = x.0 == Token::Ident && Keyword::from_text(&text[x.1.start..x.1.end]).is_some();
    match up {
        true => x.0.is_brace() && value(y.0),
        false => (y.0.is_brace() && x.0 == Token::Ident) || (keyword && value(y.0)),
    }
}

impl Token {
    fn is_brace(self) -> bool {
        matches!(self, Token::LBrace | Token::RBrace)
    }
}

fn empty(at: usize) -> SimpleSpan {
    SimpleSpan::from(at..at)
}

/// Whether the token `at` is the first of its line.
fn starts_line(text: &str, tokens: &[(Token, SimpleSpan)], at: usize) -> bool {
    match at.checked_sub(1) {
        None => true,
        Some(before) => (text.get(tokens[before].1.end..tokens[at].1.start))
            .is_some_and(|gap| gap.contains('\n')),
    }
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |n| at + n)
}

/// How a token is named in the report: a name as written, else its kind.
fn what(text: &str, (kind, span): (Token, SimpleSpan)) -> String {
    match kind {
        Token::Ident => format!("`{}`", &text[span.start..span.end]),
        // "a string" → "the string".
        _ => (kind.describe().split_once(' ')).map_or(kind.describe().to_string(), |(_, noun)| {
            format!("the {noun}")
        }),
    }
}

fn swapped(file: FileId, text: &str, x: (Token, SimpleSpan), y: (Token, SimpleSpan)) -> Diagnostic {
    let (first, second) = (what(text, x), what(text, y));
    Diagnostic::new(
        Code::Sdd001,
        file,
        Span::from(x.1),
        format!("{first} and {second} are swapped"),
    )
    .with_label(format!("{second} belongs here"))
    .with_secondary(file, Span::from(y.1), format!("and {first} here"))
    .with_help(format!(
        "write {second} at the end of this line and {first} at the start of the next"
    ))
}

#[cfg(test)]
mod tests {
    use crate::source::FileId;

    fn errors(text: &str) -> Vec<String> {
        let parsed = crate::syntax::parse(FileId(0), text);
        (parsed.diagnostics.into_iter())
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_brace_swapped_with_the_keyword_after_it_is_put_back() {
        let text = "engagement e {\n  requirements requirement\n    { R1 \"T\" {\n      p: 1\n    }\n  }\n}\n";
        assert_eq!(errors(text), ["`requirement` and `{` are swapped"]);
        let parsed = crate::syntax::parse(FileId(0), text);
        let body = parsed.ast.items[0].body.as_ref().unwrap();
        let crate::syntax::Entry::Item(rs) = &body.entries[0] else {
            panic!("{body:?}")
        };
        assert!(rs.name.is_none(), "{rs:?}");
    }

    #[test]
    fn a_title_swapped_with_the_close_after_it_is_put_back() {
        let text = "requirements {\n  constraint C1 }\n\"T\"\n  engagement e { p: 1 }\n";
        assert_eq!(errors(text), ["`}` and the string are swapped"]);
    }

    #[test]
    fn a_string_left_open_at_the_start_of_a_line_is_not_taken_for_a_swap() {
        let text = "role r {\n\"  approves: [spec]\n  domains: [network]\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        let found: Vec<(usize, String)> = (parsed.diagnostics.into_iter())
            .map(|d| (d.primary.span.start as usize, d.message))
            .collect();
        let at = text.find('"').unwrap();
        assert_eq!(found, [(at, "unterminated string".to_string())]);
    }

    #[test]
    fn a_value_swapped_with_a_value_is_left_to_the_other_recoveries() {
        let text = "engagement e {\n  p: 1\n\"T\"\n}\n";
        let found = errors(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(!found[0].contains("swapped"), "{found:?}");
    }
}
