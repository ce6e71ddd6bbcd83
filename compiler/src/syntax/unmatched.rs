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
//! - a `}` at the end of a line that starts `name: name:` with no brace (`quorum: spec: 1
//!   design: 2 }`) closes a record value that lost its `{`, since no value starts with a
//!   name and `:`: the `{` is inserted after the field's `:`;
//! - a `}` that is not where the layout shows its block ends closes nothing, and is dropped:
//!   one after which the block goes on (more of its content on the `}`'s own line, as in
//!   `au}dit` or `} domain: x`, or on the next line, indented deeper than the line that opened
//!   the block), or one inside a list opened on its line (`[2.4.1}]`). A `}` on the line of
//!   its `{`, or that starts a line indented no deeper than the `{` line, is where its block
//!   ends, whatever follows it. So is a `}` dropped when no block is open.
//!
//! Each repair is reported once (SDD001) at the mistake. It runs only on a file that has more
//! `}` than `{`, and makes no more repairs than there are `}` too many, so a file whose braces
//! balance is parsed exactly as written, however it is indented. One pass over the tokens.

use super::keyword::Keyword;
use super::layout::Layout;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

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
    let mut excess = super::token::excess(tokens, Token::RBrace, Token::LBrace);
    if excess == 0 {
        return None;
    }
    let layout = Layout::new(text, tokens);
    let mut stack: Vec<Open> = Vec::new();
    // The `[` not closed yet, by token: a `}` on the line of one, inside it, closes nothing.
    let mut lists: Vec<usize> = Vec::new();
    let mut headers: Vec<Header> = Vec::new();
    // After which tokens a `{` is inserted, and which `}` are dropped.
    let mut insert_after: Vec<usize> = Vec::new();
    let mut dropped: Vec<usize> = Vec::new();
    for (i, &(kind, span)) in tokens.iter().enumerate() {
        if layout.first_on_line(i) {
            if let Some(header) = header_at(text, tokens, &layout, i) {
                headers.push(header);
            }
        }
        match kind {
            Token::LBrace => stack.push(Open {
                at: i,
                indent: layout.indent(i),
            }),
            Token::LBracket => lists.push(i),
            Token::RBracket => {
                lists.pop();
            }
            Token::RBrace if excess > 0 => {
                if let Some(header) = opened_by_header(&layout, &stack, &mut headers, i) {
                    super::report_repair(diagnostics, || {
                        missing_open(file, text, tokens, &header, span, false)
                    });
                    insert_after.push(header.last);
                    excess -= 1;
                    continue;
                }
                if let Some(colon) = record_value_opened(text, tokens, &layout, i) {
                    super::report_repair(diagnostics, || {
                        missing_record_open(file, text, tokens, colon, span)
                    });
                    insert_after.push(colon);
                    excess -= 1;
                    continue;
                }
                let Some(top) = stack.last() else {
                    if let Some(header) = one_line_header(text, tokens, &layout, i) {
                        super::report_repair(diagnostics, || {
                            missing_open(file, text, tokens, &header, span, true)
                        });
                        insert_after.push(header.last);
                        excess -= 1;
                        continue;
                    }
                    super::report_repair(diagnostics, || unmatched(file, span, None));
                    dropped.push(i);
                    excess -= 1;
                    continue;
                };
                if let Some(stray) = stray_close(&layout, tokens, top, &lists, i) {
                    super::report_repair(diagnostics, || match stray {
                        Stray::InList(open) => {
                            let same_line = layout.same_line(open, i);
                            inside_list(file, span, tokens[open].1, same_line)
                        }
                        Stray::BlockGoesOn { next, same_line } => {
                            unmatched(file, span, Some((tokens[next].1, same_line)))
                        }
                    });
                    dropped.push(i);
                    excess -= 1;
                    continue;
                }
                close(&mut stack, &mut lists, &mut headers);
            }
            Token::RBrace => close(&mut stack, &mut lists, &mut headers),
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

/// Close the innermost open block: the headers read inside it had their chance, and the lists
/// left open inside it end with it.
fn close(stack: &mut Vec<Open>, lists: &mut Vec<usize>, headers: &mut Vec<Header>) {
    if let Some(open) = stack.pop() {
        let inside = headers.partition_point(|h| h.at < open.at);
        headers.truncate(inside);
        let inside = lists.partition_point(|&l| l < open.at);
        lists.truncate(inside);
    }
}

/// A `}` that starts a line indented as its block's `{` line is where the block ends,
/// unless a field follows it on its line and the next line goes on indented as the block's
/// content (`}  environment: sandbox`, then the block's other fields): then the block goes
/// on after it, and it closes nothing.
fn field_goes_on(
    layout: &Layout,
    tokens: &[(Token, Span)],
    top: &Open,
    close: usize,
) -> Option<Stray> {
    let next = close + 1;
    let field = matches!(
        tokens.get(next..next + 2),
        Some([(Token::Ident, _), (Token::Colon, _)])
    );
    if !field || layout.first_on_line(next) {
        return None;
    }
    let next_line = (next + 2..tokens.len()).find(|&j| layout.first_on_line(j))?;
    let goes_on = layout.indent(next_line) > top.indent && tokens[next_line].0 != Token::RBrace;
    goes_on.then_some(Stray::BlockGoesOn {
        next,
        same_line: true,
    })
}

/// Why a `}` closes nothing although a block is open.
enum Stray {
    /// It is inside a list still open in its block (opened by the `[` at this token), which
    /// a `}` does not close.
    InList(usize),
    /// The block goes on after it: at this token, the next on its line or the first of the
    /// next line, indented as the block's content.
    BlockGoesOn { next: usize, same_line: bool },
}

/// Whether the `}` at `close` is not where the layout shows the block `top` ends: inside a
/// list opened on its line, or with the block's content going on after it (on its own line,
/// or on the next line indented deeper than the block's `{` line). A `}` on the line of its
/// `{` (`built a { uses: x }`), or that starts a line indented no deeper than the `{` line,
/// is where a block ends, whatever follows it.
fn stray_close(
    layout: &Layout,
    tokens: &[(Token, Span)],
    top: &Open,
    lists: &[usize],
    close: usize,
) -> Option<Stray> {
    // A list opened inside the block, on this line or an earlier one, is still open: the
    // block cannot end before its `]`.
    if let Some(&open) = lists.last() {
        if open > top.at {
            return Some(Stray::InList(open));
        }
    }
    if layout.same_line(top.at, close) {
        return None;
    }
    let next = close + 1;
    if layout.first_on_line(close) && layout.indent(close) <= top.indent {
        return field_goes_on(layout, tokens, top, close);
    }
    let (kind, _) = tokens.get(next)?;
    if matches!(kind, Token::RBrace | Token::RBracket | Token::Comma) {
        return None;
    }
    let same_line = !layout.first_on_line(next);
    let goes_on = same_line || layout.indent(next) > top.indent;
    goes_on.then_some(Stray::BlockGoesOn { next, same_line })
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
    if !layout.first_on_line(close) {
        return None;
    }
    let indent = layout.indent(close);
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
    while end < tokens.len() && !layout.first_on_line(end) {
        if matches!(tokens[end].0, Token::LBrace | Token::RBrace) {
            return None;
        }
        end += 1;
    }
    let deeper = end < tokens.len()
        && layout.indent(end) > layout.indent(at)
        && tokens[end].0 != Token::LBrace;
    deeper.then_some(Header {
        at,
        last: end - 1,
        indent: layout.indent(at),
    })
}

/// A declaration on one line that lost its `{` (`enum e  a, b }`): the `}` at `close`, with no
/// block open, ends a line that starts with a declaration's keyword and holds no other brace.
/// Its `{` goes after the declaration's name.
fn one_line_header(
    text: &str,
    tokens: &[(Token, Span)],
    layout: &Layout,
    close: usize,
) -> Option<Header> {
    let at = layout.first(close);
    let (kind, span) = tokens[at];
    if kind != Token::Ident || Keyword::from_text(&text[span.range()]).is_none() {
        return None;
    }
    let braces = tokens[at..close].iter();
    if braces
        .clone()
        .any(|t| matches!(t.0, Token::LBrace | Token::RBrace))
        || tokens.get(at + 1).is_some_and(|t| t.0 == Token::Colon)
    {
        return None;
    }
    let named = at + 1 < close && tokens[at + 1].0 == Token::Ident;
    Some(Header {
        at,
        last: if named { at + 1 } else { at },
        indent: layout.indent(at),
    })
}

/// A record value on one line that lost its `{` (`quorum: spec: 1 design: 2 }`): the `}` at
/// `close` ends a line that starts with a field whose value starts with a name and `:`, which
/// no value does, and holds no other brace. Its `{` goes after the field's `:`, whose token
/// this returns.
fn record_value_opened(
    text: &str,
    tokens: &[(Token, Span)],
    layout: &Layout,
    close: usize,
) -> Option<usize> {
    let at = layout.first(close);
    let line = tokens.get(at..close)?;
    let kinds = [Token::Ident, Token::Colon, Token::Ident, Token::Colon];
    let starts = line.len() > kinds.len() && (line.iter().zip(kinds)).all(|(t, k)| t.0 == k);
    let braces = (line.iter()).any(|t| matches!(t.0, Token::LBrace | Token::RBrace));
    // A keyword's item header is read by the other repairs (`person p name: "P" }`).
    let keyword = Keyword::from_text(&text[tokens[at].1.range()]).is_some();
    (starts && !braces && !keyword).then_some(at + 1)
}

fn missing_record_open(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    colon: usize,
    close: Span,
) -> Diagnostic {
    let name = &text[tokens[colon - 1].1.range()];
    Diagnostic::new(
        Code::Sdd001,
        file,
        tokens[colon].1,
        format!("missing `{{`: the record value of `{name}` is not opened"),
    )
    .with_label("`{` expected after this")
    .with_secondary(file, close, "this `}` closes the record value, on its line")
    .with_help(format!("add `{{` after `{name}:`"))
}

fn missing_open(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    header: &Header,
    close: Span,
    one_line: bool,
) -> Diagnostic {
    let (close_label, help) = match one_line {
        true => (
            "this `}` closes the body, on the header's line",
            "add `{` after the declaration's name",
        ),
        false => (
            "this `}` closes the body, indented as its header",
            "add `{` at the end of the header line",
        ),
    };
    let keyword = &text[tokens[header.at].1.range()];
    let last = tokens[header.last].1;
    Diagnostic::new(
        Code::Sdd001,
        file,
        last,
        format!("missing `{{`: the body of `{keyword}` is not opened"),
    )
    .with_label("`{` expected after this")
    .with_secondary(file, close, close_label)
    .with_help(help)
}

/// A `}` that closes nothing; `goes_on` is where the block it would close goes on after it,
/// and whether that is on the `}`'s own line.
fn unmatched(file: FileId, close: Span, goes_on: Option<(Span, bool)>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::Sdd001,
        file,
        close,
        "unmatched `}`: it closes no block",
    )
    .with_label("this `}` has no `{`")
    .with_help("remove this `}`");
    match goes_on {
        Some((next, false)) => d.with_secondary(
            file,
            next,
            "indented as the content of the block, so the block goes on here",
        ),
        Some((next, true)) => {
            d.with_secondary(file, next, "the block goes on here, on the line of the `}`")
        }
        None => d,
    }
}

fn inside_list(file: FileId, close: Span, list: Span, same_line: bool) -> Diagnostic {
    let list_label = match same_line {
        true => "the list, opened on this line, is still open",
        false => "the list, opened here, is still open",
    };
    Diagnostic::new(
        Code::Sdd001,
        file,
        close,
        "unexpected `}` inside a list: it closes no block",
    )
    .with_label("this `}` has no `{` in the list")
    .with_secondary(file, list, list_label)
    .with_help("remove this `}`")
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

    /// Each `}` of a file of 100,000 that close nothing is dropped, but only the first
    /// `MAX_REPAIRS_REPORTED` are reported (a diagnostic each took 380 MB for 800,000).
    #[test]
    fn a_flood_of_closes_is_dropped_with_a_bounded_number_of_reports() {
        let text = "}\n".repeat(100_000);
        let (braces, found) = balanced(&text);
        assert_eq!(braces, "");
        assert_eq!(found.len(), crate::syntax::MAX_REPAIRS_REPORTED);
        // Each an echo of the one before, as before the cap.
        assert_eq!(crate::syntax::syntax_errors(&text).len(), 1);
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
    fn a_close_with_its_block_going_on_on_its_own_line_is_dropped() {
        let text =
            "e {\n  as_built {\n    built au}dit { uses: a }\n    built b { uses: c }\n  }\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{{{}{}}}");
        assert_eq!(found, ["unmatched `}`: it closes no block"]);
        let text = "asset a {\n  versions: [1]\n } domain: x\n  kind: y\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{}");
        assert_eq!(found, ["unmatched `}`: it closes no block"]);
    }

    #[test]
    fn a_close_inside_a_list_opened_on_its_line_is_dropped() {
        let text = "asset a {\n  provides: [scan}]\n  owner: @l\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{}");
        assert_eq!(found, ["unexpected `}` inside a list: it closes no block"]);
    }

    #[test]
    fn a_close_on_the_line_of_its_open_or_indented_as_it_closes_its_block() {
        // The `}` too many is the last one: the others are where the layout shows their
        // blocks end, whatever follows them on their line.
        let text = "a {\n  b { p: 1 } q: 2\n  c {\n    r: 3\n  } s: 4\n}\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{{}{}}");
        assert_eq!(found, ["unmatched `}`: it closes no block"]);
    }

    #[test]
    fn a_one_line_declaration_missing_its_brace_is_opened_after_its_name() {
        let (braces, errors) = balanced("enum e  a, b }\nperson p name: \"P\" }\n");
        assert_eq!(braces, "{}{}");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("missing `{`: the body of `enum`"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_record_value_on_one_line_missing_its_brace_is_opened_after_its_colon() {
        let text = "profile p {\n  quorum: spec: 1 design: 2 }\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{{}}");
        assert_eq!(
            found,
            ["missing `{`: the record value of `quorum` is not opened"]
        );
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

    #[test]
    fn a_close_inside_a_list_of_records_written_one_per_line_is_dropped() {
        let text = "e {\n  peers: [\n    { n: \"a\" } },\n    { n: \"b\" },\n  ]\n  t: 1\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{{}{}}");
        assert_eq!(found, ["unexpected `}` inside a list: it closes no block"]);
    }

    #[test]
    fn a_close_at_the_start_of_a_line_followed_by_the_blocks_fields_is_dropped() {
        let text =
            "engagement e {\n  region: \"r\"\n}  environment: sandbox\n  boundary: \"b\"\n}\n";
        let (braces, found) = balanced(text);
        assert_eq!(braces, "{}");
        assert_eq!(found, ["unmatched `}`: it closes no block"]);
        // One syntax error in all, at the `}` typed.
        let parsed = crate::syntax::parse(FileId(0), text);
        let at = text.find("}  env").unwrap() as u32;
        let errors: Vec<_> = (parsed.diagnostics.iter())
            .map(|d| (d.primary.span.start, &d.message[..]))
            .collect();
        assert_eq!(errors, [(at, "unmatched `}`: it closes no block")]);
    }
}
