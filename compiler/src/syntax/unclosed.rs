//! Recovery from a `{` too many: a missing `}`, put back where the indentation shows a block
//! ended, or a `{` that opens nothing, dropped.
//!
//! Braces alone cannot tell where a block that was never closed was meant to end: without
//! help, everything after it is read as its content (each later block "not allowed in
//! requirement `R1`") and the one error is reported at the end of the file. The layout can:
//! a line indented no deeper than the line that opened a block (deeper than which the block's
//! content was written) starts after the block. [`close_by_indentation`] inserts the missing
//! `}` there and reports it once, at the `{` that was not closed.
//!
//! A `{` right after another (`engagement e { {`), or inside a list opened on its line and
//! not after its `[` or a `,` (`[aws-accou{nt]`), where no record value can start, opens no
//! block: it is dropped and reported once, at it, rather than left open to the end of the file
//! or closed by the layout after the list's `]`.
//!
//! So is a `{` on a field's line (`roles: [lead]{`, `approved_by: @priya{`) anywhere but
//! after its `:` or the `[`, `,` or `<` of its value: a field's value takes no block; and a
//! `{` that starts a line after a complete entry (a field's line, or a `}` or `]`), outside a
//! list: no keyword or name is before it, so it opens nothing (`{}` typed over a block's `}`
//! would otherwise close that block early and leave an anonymous block after it).
//!
//! It runs only on a file that has more `{` than `}`, and repairs no more `{` than are too
//! many, so a file whose braces balance is parsed exactly as written, however it is
//! indented. A block whose content starts on a new line indented deeper than the `{` line, or
//! on the `{` line itself (`enum a { x, y` with `enum b { z }` on the next line), is closed by
//! the layout; one whose content starts on a new line indented no deeper has none to go by.

use super::layout::Layout;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// A `{` not closed yet.
struct Open {
    /// The `{` token.
    span: Span,
    /// The indentation of the line it is on.
    indent: usize,
    /// Whether the block's content starts on a new line indented deeper than `indent`, or
    /// on the line of the `{`: whether its layout shows where it ends; `None` until the first
    /// token after the `{`.
    laid_out: Option<bool>,
    /// Whether it opens a record value in a list (after a `[` or `,`): a `,` that ends the
    /// line before its missing `}` is the list's, and the `}` goes before it.
    in_list: bool,
}

/// The tokens with the `}` a file is missing inserted where its indentation shows each
/// unclosed block ended, reporting each one (SDD001); `None` when there is none to insert.
pub(super) fn close_by_indentation(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let mut missing = super::token::excess(tokens, Token::LBrace, Token::RBrace);
    if missing == 0 {
        return None;
    }
    let mut repairs = 0usize;
    let mut out: Vec<(Token, Span)> = Vec::with_capacity(tokens.len() + missing);
    let mut stack: Vec<Open> = Vec::new();
    let layout = Layout::new(text, tokens);
    let mut previous_end = 0usize;
    // The 1-based line of the current token.
    let mut line = 1usize;
    // The `[` not closed yet: the line each is on, and how many blocks were open around it.
    let mut lists: Vec<(usize, usize)> = Vec::new();
    for (i, &(kind, span)) in tokens.iter().enumerate() {
        line += text[previous_end..span.start as usize]
            .matches('\n')
            .count();
        let (first_on_line, indent) = (layout.first_on_line(i), layout.indent(i));
        if kind == Token::LBrace && missing > 0 {
            let in_list = lists.last().filter(|l| l.1 == stack.len());
            let list = in_list.filter(|l| l.0 == line);
            let stray = match (i.checked_sub(1).map(|p| tokens[p]), list) {
                (Some((Token::LBrace, open)), _) => Some(doubled(file, span, open)),
                (Some((before, _)), Some(_))
                    if !matches!(before, Token::LBracket | Token::Comma) =>
                {
                    Some(inside_list(file, span))
                }
                (Some((before, _)), None)
                    if first_on_line
                        && in_list.is_none()
                        && after_a_complete_entry(&layout, tokens, i, before) =>
                {
                    Some(opens_nothing(file, span))
                }
                (Some((before, _)), None)
                    if on_a_field_line(&layout, tokens, i)
                        && !matches!(
                            before,
                            Token::Colon | Token::LBracket | Token::Comma | Token::LAngle
                        ) =>
                {
                    Some(in_a_value(file, span))
                }
                _ => None,
            };
            if let Some(stray) = stray {
                super::report_repair(diagnostics, || stray);
                repairs += 1;
                missing -= 1;
                previous_end = span.end as usize;
                continue;
            }
        }
        if let Some(top) = stack.last_mut() {
            if top.laid_out.is_none() {
                top.laid_out = Some(!first_on_line || indent > top.indent);
            }
        }
        while first_on_line && missing > 0 {
            let Some(top) = stack.last() else { break };
            // A `}` at the block's own indentation is its close; a line of content is not.
            let ends_block = match kind {
                Token::RBrace => indent < top.indent,
                _ => indent <= top.indent,
            };
            if top.laid_out != Some(true) || !ends_block {
                break;
            }
            super::report_repair(diagnostics, || unclosed(file, top.span, span, line));
            repairs += 1;
            match out.last() {
                Some(&(Token::Comma, comma)) if top.in_list => {
                    let before = comma.start as usize;
                    out.insert(out.len() - 1, (Token::RBrace, Span::new(before, before)));
                }
                _ => out.push((Token::RBrace, Span::new(previous_end, previous_end))),
            }
            stack.pop();
            missing -= 1;
        }
        match kind {
            Token::LBrace => stack.push(Open {
                span,
                indent,
                laid_out: None,
                in_list: matches!(out.last(), Some((Token::LBracket | Token::Comma, _))),
            }),
            Token::RBrace => {
                stack.pop();
                let inside = lists.partition_point(|l| l.1 <= stack.len());
                lists.truncate(inside);
            }
            Token::LBracket => lists.push((line, stack.len())),
            Token::RBracket => {
                lists.pop();
            }
            _ => {}
        }
        out.push((kind, span));
        // A text block may span lines.
        line += text[span.range()].matches('\n').count();
        previous_end = span.end as usize;
    }
    (repairs > 0).then_some(out)
}

fn unclosed(file: FileId, open: Span, next: Span, line: usize) -> Diagnostic {
    Diagnostic::new(
        Code::Sdd001,
        file,
        open,
        format!("this block is not closed: `}}` is missing before line {line}"),
    )
    .with_label("this `{` has no `}`")
    .with_secondary(
        file,
        next,
        "indented as the block's first line, so the block ends before it",
    )
    .with_help("add the `}` where the block ends")
}

fn doubled(file: FileId, second: Span, first: Span) -> Diagnostic {
    Diagnostic::new(Code::Sdd001, file, second, "unexpected `{`: a `{` too many")
        .with_label("a second `{`: it opens no block")
        .with_secondary(file, first, "the block is opened here")
        .with_help("remove this `{`")
}

/// Whether the token `at` is on a line that starts with a field (`name:`): a `{` there starts
/// a record value after the `:`, `[`, `,` or `<` of the value, and nothing elsewhere.
fn on_a_field_line(layout: &Layout, tokens: &[(Token, Span)], at: usize) -> bool {
    let first = layout.first(at);
    first + 1 < at && tokens[first].0 == Token::Ident && tokens[first + 1].0 == Token::Colon
}

/// Whether the `{` at `at`, first on its line, comes after a complete entry: a `}` or `]`, or
/// the end of a field's line (not after its `:` or an open `[`, `,` or `<` of its value).
/// Nothing before it names a block, so it opens none. Not called inside a list on its level,
/// where a `{` after a `,` or `[` starts a record value.
fn after_a_complete_entry(
    layout: &Layout,
    tokens: &[(Token, Span)],
    at: usize,
    before: Token,
) -> bool {
    match before {
        Token::RBrace | Token::RBracket => true,
        Token::Colon | Token::LBracket | Token::Comma | Token::LAngle | Token::LBrace => false,
        _ => on_a_field_line(layout, tokens, at - 1),
    }
}

fn opens_nothing(file: FileId, open: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Sdd001,
        file,
        open,
        "unexpected `{`: it opens no block",
    )
    .with_label("no keyword or name before it on its line")
    .with_help("remove this `{`")
}

fn in_a_value(file: FileId, open: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Sdd001,
        file,
        open,
        "unexpected `{` in a field's value",
    )
    .with_label("not after the field's `:` or a `[` or `,`: it starts no record value")
    .with_help("remove this `{`")
}

fn inside_list(file: FileId, open: Span) -> Diagnostic {
    Diagnostic::new(Code::Sdd001, file, open, "unexpected `{` inside a list")
        .with_label("not after `[` or `,`: it starts no record value")
        .with_help("remove this `{`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(text: &str) -> (Vec<Token>, Vec<String>) {
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        let tokens = close_by_indentation(FileId(0), text, &lexed.tokens, &mut found)
            .unwrap_or(lexed.tokens);
        let kinds = tokens.iter().map(|(t, _)| *t).collect();
        (kinds, found.into_iter().map(|d| d.message).collect())
    }

    fn braces(kinds: &[Token]) -> String {
        (kinds.iter())
            .filter_map(|t| match t {
                Token::LBrace => Some('{'),
                Token::RBrace => Some('}'),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_block_is_closed_before_the_first_line_indented_as_its_own() {
        let text = "a {\n  r1 {\n    p: 1\n  r2 {\n    p: 2\n  }\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}{}}");
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 4"]
        );
    }

    #[test]
    fn a_close_indented_less_than_the_block_closes_the_block_around_it() {
        let text = "a {\n  b {\n    r1 {\n      p: 1\n  }\n  c {\n  }\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{{}}{}}");
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 5"]
        );
    }

    #[test]
    fn balanced_braces_are_left_as_written_however_they_are_indented() {
        let text = "a {\n  r1 {\n    p: 1\nr2 {\n  }\n  }\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{{}}}");
        assert!(found.is_empty());
    }

    #[test]
    fn a_block_without_layout_is_not_closed_by_it() {
        let text = "a {\nr1 {\np: 1\nr2 {\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{{}");
        assert!(found.is_empty());
    }

    #[test]
    fn a_block_begun_on_its_line_is_closed_before_the_next_line_indented_as_its_own() {
        let text = "enum a { x, y\nenum b { z }\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{}{}");
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 2"]
        );
        let text = "person p {\n  w: { start: 1 length: 2\n  name: \"P\"\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}}");
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 3"]
        );
    }

    /// Each stray `{` of a file of 100,000 is dropped, but only the first
    /// `MAX_REPAIRS_REPORTED` are reported: a diagnostic each held a million diagnostics in
    /// memory for a file of a million `{`, all but one dropped later as echoes.
    #[test]
    fn a_flood_of_doubled_opens_is_dropped_with_a_bounded_number_of_reports() {
        let text = format!("engagement e {}\n", "{".repeat(100_000));
        let (kinds, found) = closed(&text);
        assert_eq!(braces(&kinds), "{");
        assert_eq!(found.len(), crate::syntax::MAX_REPAIRS_REPORTED);
        assert_eq!(crate::syntax::syntax_errors(&text).len(), 1);
    }

    #[test]
    fn a_doubled_open_is_dropped_not_closed() {
        let text = "engagement e { {\n  profile: p\n  requirements {\n  }\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}}");
        assert_eq!(found, ["unexpected `{`: a `{` too many"]);
    }

    #[test]
    fn an_open_inside_a_list_on_its_line_and_not_after_a_comma_is_dropped() {
        let text = "asset a {\n  provides: [aws-accou{nt]\n  requires: [b]\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{}");
        assert_eq!(found, ["unexpected `{` inside a list"]);
        // A record value in a list is not dropped: the block it opens is closed by the layout.
        let text = "a {\n  w: [{ s: 1 }, { s: 2 ]\n  q: 1\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}{}}");
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 3"]
        );
    }

    #[test]
    fn an_open_in_a_fields_value_is_dropped() {
        let text = "gate spec {\n  approved_by: @priya{\n  on: 2026-08-10\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{}");
        assert_eq!(found, ["unexpected `{` in a field's value"]);
        // A record value after the `:` is closed by the layout.
        let text = "p {\n  w: { s: 1\n  q: 1\n}\n";
        let (kinds, _) = closed(text);
        assert_eq!(braces(&kinds), "{{}}");
    }

    #[test]
    fn a_block_begun_on_its_line_may_go_on_over_deeper_lines() {
        let text = "a {\n  b { p: 1\n    q: 2\n  }\n  c {\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}{");
        assert!(found.is_empty());
    }

    #[test]
    fn an_open_starting_a_line_after_a_complete_entry_is_dropped() {
        // `{}` typed over a block's `}`: the `}` is the block's.
        let text = "a {\n  r1 {\n    p: \"x\"\n  {}\n  r2 { p: 1 }\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}{}}");
        assert_eq!(found, ["unexpected `{`: it opens no block"]);
        // After a block's `}`, before the next entry.
        let text = "a {\n  r1 {\n    p: 1\n  }\n{  r2 {\n    p: 2\n  }\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}{}}");
        assert_eq!(found, ["unexpected `{`: it opens no block"]);
        // A header's `{` on the line after it, and a record after a `,` in a list, open blocks.
        let text = "a {\n  r1 \"T\"\n  {\n    p: 1\n  r2 { p: 2 }\n}\n";
        let (_, found) = closed(text);
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 5"]
        );
        let text = "a {\n  w: [\n    { s: 1 },\n    { s: 2\n  ]\n}\n";
        let (_, found) = closed(text);
        assert!(
            !found.iter().any(|f| f.contains("opens no block")),
            "{found:?}"
        );
    }

    #[test]
    fn an_open_typed_over_a_close_is_one_error_at_it() {
        let text = "engagement e {\n  requirements {\n    requirement R1 \"T\" {\n      priority: must\n    {}\n    requirement R2 \"U\" { priority: may }\n  }\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        let errors: Vec<_> = (parsed.diagnostics.iter())
            .filter(|d| d.code == Code::Sdd001)
            .map(|d| {
                (
                    &text[d.primary.span.range()],
                    d.primary.span.start,
                    &d.message[..],
                )
            })
            .collect();
        let at = text.find("{}").unwrap() as u32;
        assert_eq!(errors, [("{", at, "unexpected `{`: it opens no block")]);
    }

    #[test]
    fn a_record_in_a_list_missing_its_close_is_closed_before_the_lists_comma() {
        let text = "e {\n  peers: [\n    { n: \"a\" p: 1 ,  // one\n    { n: \"b\" },\n  ]\n}\n";
        let (kinds, found) = closed(text);
        assert_eq!(braces(&kinds), "{{}{}}");
        let close = kinds.iter().position(|t| *t == Token::RBrace).unwrap();
        assert_eq!(kinds[close + 1], Token::Comma);
        assert_eq!(
            found,
            ["this block is not closed: `}` is missing before line 4"]
        );
        let parsed = crate::syntax::parse(FileId(0), &text.replace("e {", "engagement e {"));
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
    }
}
