//! Recovery from a `}` too many: a `{` that is missing, or a `}` that closes nothing.
//!
//! A file with more `}` than `{` reads, without help, as a cascade: a `person p` header that
//! lost its `{` leaves every line of its body at the top level (one error each), and a stray
//! `}` closes its parent block early, so the parent's remaining content is "not allowed" in the
//! grandparent and the error lands at the end of the file. The layout shows what was meant,
//! the way [`super::unclosed`] reads it for a `}` that is missing:
//!
//! - a `}` that starts a line indented as an item's header above it, more deeply than the
//!   block it would otherwise close was opened, closes that item: when the header ends its
//!   line without `{` and the lines after it are indented deeper, its `{` is missing, and
//!   [`balance_closes`] inserts it at the end of the header line;
//! - a `}` on a line indented deeper than the line that opened the block it closes, and
//!   followed by a line indented deeper still, closes nothing: the block goes on after it.
//!   It is dropped. So is a `}` when no block is open.
//!
//! Each repair is reported once (SDD001) at the mistake. It runs only on a file that has more
//! `}` than `{`, and makes no more repairs than there are `}` too many, so a file whose braces
//! balance is parsed exactly as written, however it is indented. One pass over the tokens.

use super::keyword::Keyword;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Where each token's line starts being read: whether the token is the first of its line,
/// and how far that line is indented.
struct Layout {
    first_on_line: Vec<bool>,
    indent: Vec<usize>,
}

impl Layout {
    fn new(text: &str, tokens: &[(Token, Span)]) -> Layout {
        let mut first_on_line = Vec::with_capacity(tokens.len());
        let mut indent = Vec::with_capacity(tokens.len());
        let mut previous_end = 0usize;
        let mut current = 0usize;
        for (i, &(_, span)) in tokens.iter().enumerate() {
            let gap = &text[previous_end..span.start as usize];
            let first = i == 0 || gap.contains('\n');
            if first {
                current = indentation(&gap[gap.rfind('\n').map_or(0, |at| at + 1)..]);
            }
            first_on_line.push(first);
            indent.push(current);
            previous_end = span.end as usize;
        }
        Layout {
            first_on_line,
            indent,
        }
    }
}

/// A `{` not closed yet: its token and the indentation of its line.
struct Open {
    at: usize,
    indent: usize,
}

/// A line that looks like an item's header missing its `{`: it starts with a keyword not
/// followed by `:`, holds no brace, and the next line is indented deeper.
struct Header {
    /// The keyword's token.
    at: usize,
    /// The last token of the line, after which the `{` belongs.
    last: usize,
    indent: usize,
}

/// The tokens with the `{` a file is missing inserted, and the `}` that close nothing
/// dropped, each reported (SDD001); `None` when the file has no `}` too many or its layout
/// shows no repair.
pub(super) fn balance_closes(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let (opens, closes) = super::token::count_pair(tokens, Token::LBrace, Token::RBrace);
    let mut excess = closes.saturating_sub(opens);
    if excess == 0 {
        return None;
    }
    let layout = Layout::new(text, tokens);
    let mut stack: Vec<Open> = Vec::new();
    let mut headers: Vec<Header> = Vec::new();
    // After which tokens a `{` is inserted, and which `}` are dropped.
    let mut insert_after: Vec<usize> = Vec::new();
    let mut dropped: Vec<usize> = Vec::new();
    for (i, &(kind, span)) in tokens.iter().enumerate() {
        if layout.first_on_line[i] {
            if let Some(header) = header_at(text, tokens, &layout, i) {
                headers.push(header);
            }
        }
        match kind {
            Token::LBrace => stack.push(Open {
                at: i,
                indent: layout.indent[i],
            }),
            Token::RBrace if excess > 0 => {
                if let Some(header) = opened_by_header(&layout, &stack, &mut headers, i) {
                    diagnostics.push(missing_open(file, text, tokens, &header, span));
                    insert_after.push(header.last);
                    excess -= 1;
                    continue;
                }
                let Some(top) = stack.last() else {
                    diagnostics.push(unmatched(file, span, None));
                    dropped.push(i);
                    excess -= 1;
                    continue;
                };
                let next = i + 1;
                let goes_on = layout.indent[i] > top.indent
                    && next < tokens.len()
                    && layout.first_on_line[next]
                    && layout.indent[next] > top.indent
                    && tokens[next].0 != Token::RBrace;
                if goes_on {
                    diagnostics.push(unmatched(file, span, Some(tokens[next].1)));
                    dropped.push(i);
                    excess -= 1;
                    continue;
                }
                close(&mut stack, &mut headers);
            }
            Token::RBrace => close(&mut stack, &mut headers),
            _ => {}
        }
    }
    if insert_after.is_empty() && dropped.is_empty() {
        return None;
    }
    insert_after.sort_unstable();
    let mut out = Vec::with_capacity(tokens.len() + insert_after.len());
    let (mut inserts, mut drops) = (insert_after.iter().peekable(), dropped.iter().peekable());
    for (i, &(kind, span)) in tokens.iter().enumerate() {
        if drops.next_if_eq(&&i).is_none() {
            out.push((kind, span));
        }
        while inserts.next_if_eq(&&i).is_some() {
            out.push((
                Token::LBrace,
                Span::new(span.end as usize, span.end as usize),
            ));
        }
    }
    Some(out)
}

/// Close the innermost open block: the headers read inside it had their chance.
fn close(stack: &mut Vec<Open>, headers: &mut Vec<Header>) {
    if let Some(open) = stack.pop() {
        let inside = headers.partition_point(|h| h.at < open.at);
        headers.truncate(inside);
    }
}

/// The header whose missing `{` the `}` at `close` matches: the last header read in the
/// innermost open block, when the `}` starts a line indented as it and deeper than that
/// block's `{`. Headers indented deeper than the `}` are passed over for good.
fn opened_by_header(
    layout: &Layout,
    stack: &[Open],
    headers: &mut Vec<Header>,
    close: usize,
) -> Option<Header> {
    if !layout.first_on_line[close] {
        return None;
    }
    let indent = layout.indent[close];
    if stack.last().is_some_and(|top| top.indent >= indent) {
        return None;
    }
    let inner_from = stack.last().map_or(0, |top| top.at);
    while let Some(header) = headers.last() {
        if header.at < inner_from || header.indent < indent {
            return None;
        }
        let header = headers.pop()?;
        if header.indent == indent {
            return Some(header);
        }
    }
    None
}

/// The header that starts at token `at`, the first of its line, if it is one missing its `{`.
fn header_at(text: &str, tokens: &[(Token, Span)], layout: &Layout, at: usize) -> Option<Header> {
    let (kind, span) = tokens[at];
    if kind != Token::Ident || Keyword::from_text(&text[span.range()]).is_none() {
        return None;
    }
    if tokens.get(at + 1).is_some_and(|t| t.0 == Token::Colon) {
        return None;
    }
    let mut end = at + 1;
    while end < tokens.len() && !layout.first_on_line[end] {
        if matches!(tokens[end].0, Token::LBrace | Token::RBrace) {
            return None;
        }
        end += 1;
    }
    let deeper = end < tokens.len()
        && layout.indent[end] > layout.indent[at]
        && tokens[end].0 != Token::LBrace;
    deeper.then_some(Header {
        at,
        last: end - 1,
        indent: layout.indent[at],
    })
}

/// How far a line is indented, given what precedes its first token.
fn indentation(line_start: &str) -> usize {
    (line_start.chars())
        .take_while(|c| *c == ' ' || *c == '\t')
        .count()
}

fn missing_open(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    header: &Header,
    close: Span,
) -> Diagnostic {
    let keyword = &text[tokens[header.at].1.range()];
    let last = tokens[header.last].1;
    Diagnostic::new(
        Code::Sdd001,
        file,
        last,
        format!("missing `{{`: the body of `{keyword}` is not opened"),
    )
    .with_label("`{` expected after this")
    .with_secondary(
        file,
        close,
        "this `}` closes the body, indented as its header",
    )
    .with_help("add `{` at the end of the header line")
}

fn unmatched(file: FileId, close: Span, goes_on: Option<Span>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::Sdd001,
        file,
        close,
        "unmatched `}`: it closes no block",
    )
    .with_label("this `}` has no `{`")
    .with_help("remove this `}`");
    match goes_on {
        Some(next) => d.with_secondary(
            file,
            next,
            "indented as the content of the block, so the block goes on here",
        ),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balanced(text: &str) -> (String, Vec<String>) {
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        let tokens =
            balance_closes(FileId(0), text, &lexed.tokens, &mut found).unwrap_or(lexed.tokens);
        let braces = (tokens.iter())
            .filter_map(|(t, _)| match t {
                Token::LBrace => Some('{'),
                Token::RBrace => Some('}'),
                _ => None,
            })
            .collect();
        (braces, found.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn a_header_missing_its_brace_is_opened_at_the_end_of_its_line() {
        let text = "person p\n  name: \"P\"\n  roles: [r]\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{}");
        assert_eq!(found, ["missing `{`: the body of `person` is not opened"]);
    }

    #[test]
    fn a_nested_header_missing_its_brace_is_found_by_the_close_indented_as_it() {
        let text = "e {\n  rs {\n    r R1 \"A\" {\n    }\n    requirement R2 \"B\"\n      p: 1\n    }\n  }\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{{{}{}}}");
        assert_eq!(
            found,
            ["missing `{`: the body of `requirement` is not opened"]
        );
    }

    #[test]
    fn a_close_followed_by_more_content_of_its_block_is_dropped() {
        let text = "e {\n  rs {\n    r {\n      p: 1\n    } }\n    c C1 \"B\"\n  }\n  t: 1\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{{{}}}");
        assert_eq!(found, ["unmatched `}`: it closes no block"]);
    }

    #[test]
    fn a_close_with_no_block_open_is_dropped() {
        let text = "a {\n}\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{}");
        assert_eq!(found, ["unmatched `}`: it closes no block"]);
    }

    #[test]
    fn balanced_braces_are_left_as_written_however_they_are_indented() {
        let text = "person p\n  name: \"P\"\n    }\n{\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "}{");
        assert!(found.is_empty());
    }
}
