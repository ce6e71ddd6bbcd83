//! Wording a parser error by where it is: in a list never closed, in an enum's body, in an
//! item's header.
//!
//! The parser's errors say what token was expected where; the mistake is often elsewhere or
//! of another kind, which the tokens around the error show:
//!
//! - inside a `[` that is never closed (a `}` or the end of the file comes first), on a later
//!   line than the `[`: the list is not closed, reported at its `[` (`roles: [a,` and a field
//!   on the next line is not "expected end of file, found `:`");
//! - a name followed by another in an `enum` body: a `,` is missing between variants, not a
//!   `:` after a field name;
//! - an unexpected name on the line of an item's header (`verified R1 by T1 T1 {`): it is
//!   reported as not part of that header.
//!
//! [`Context::new`] reads the tokens once; each error is then placed by a binary search, so
//! rewording is linear in the file.

use super::keyword::Keyword;
use super::layout::Layout;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// No group open around a token.
const NONE: u32 = u32::MAX;

pub(super) struct Context<'a> {
    text: &'a str,
    tokens: &'a [(Token, Span)],
    /// For each token, the index of the innermost `{` or `[` open around it, or [`NONE`].
    opener: Vec<u32>,
    /// Where each token's line starts.
    layout: Layout,
    /// For each token, whether it is a `[` that no `]` closes.
    unclosed: Vec<bool>,
    /// Where each line ends: the offsets of the `\n`s of the text.
    newlines: Vec<usize>,
}

impl<'a> Context<'a> {
    pub(super) fn new(text: &'a str, tokens: &'a [(Token, Span)]) -> Self {
        let mut opener = Vec::with_capacity(tokens.len());
        let mut unclosed = vec![false; tokens.len()];
        let mut stack: Vec<u32> = Vec::new();
        for (i, &(kind, _)) in tokens.iter().enumerate() {
            opener.push(stack.last().copied().unwrap_or(NONE));
            match kind {
                Token::LBrace | Token::LBracket => stack.push(i as u32),
                Token::RBracket => {
                    // It closes the nearest `[` open around it, and the records left open
                    // inside that list (a `{` missing its `}`): looked for a few levels deep.
                    let depth = stack.len();
                    let list = (stack.iter().rev().take(8))
                        .position(|&o| tokens[o as usize].0 == Token::LBracket);
                    if let Some(up) = list {
                        stack.truncate(depth - up - 1);
                    }
                }
                Token::RBrace => {
                    // A `}` closes the lists left open inside its block.
                    while let Some(&o) = stack.last() {
                        stack.pop();
                        if tokens[o as usize].0 == Token::LBrace {
                            break;
                        }
                        unclosed[o as usize] = true;
                    }
                }
                _ => {}
            }
        }
        for o in stack {
            unclosed[o as usize] = tokens[o as usize].0 == Token::LBracket;
        }
        Context {
            text,
            tokens,
            opener,
            layout: Layout::new(text, tokens),
            unclosed,
            newlines: text.match_indices('\n').map(|(at, _)| at).collect(),
        }
    }

    /// The parser's error reworded by its context, or `None` when it is worded well.
    pub(super) fn reword(&self, file: FileId, error: &Diagnostic) -> Option<Diagnostic> {
        let start = error.primary.span.start;
        let at = self.tokens.partition_point(|(_, s)| s.start < start);
        if self.tokens.get(at)?.1.start != start {
            return None;
        }
        self.unclosed_list(file, at)
            .or_else(|| self.enum_variant(file, at, error))
            .or_else(|| self.in_header(file, at, error))
    }

    fn line_of(&self, at: usize) -> usize {
        let start = self.tokens[at].1.start as usize;
        self.newlines.partition_point(|&n| n < start) + 1
    }

    fn token_text(&self, at: usize) -> &str {
        &self.text[self.tokens[at].1.range()]
    }

    fn unclosed_list(&self, file: FileId, at: usize) -> Option<Diagnostic> {
        let open = self.opener[at];
        if open == NONE || !self.unclosed[open as usize] {
            return None;
        }
        let open = open as usize;
        let first = self.layout.first(at);
        if self.layout.first(open) == first {
            return None;
        }
        let line = self.line_of(first);
        Some(
            Diagnostic::new(
                Code::Sdd001,
                file,
                self.tokens[open].1,
                format!("this list is not closed: `]` is missing before line {line}"),
            )
            .with_label("this `[` has no `]`")
            .with_secondary(file, self.tokens[first].1, "the list does not go on here")
            .with_help("add the `]` where the list ends"),
        )
    }

    fn enum_variant(&self, file: FileId, at: usize, error: &Diagnostic) -> Option<Diagnostic> {
        if !error
            .message
            .starts_with("expected `:` after the field name")
        {
            return None;
        }
        let open = self.opener[at];
        if open == NONE || self.tokens[open as usize].0 != Token::LBrace {
            return None;
        }
        let header = self.layout.first(open as usize);
        if self.token_text(header) != Keyword::Enum.as_str() {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::Sdd001,
                file,
                error.primary.span,
                format!(
                    "expected `,` or `}}` after the variant `{}`",
                    self.token_text(at)
                ),
            )
            .with_label("the variants of an enum are separated by `,`"),
        )
    }

    fn in_header(&self, file: FileId, at: usize, error: &Diagnostic) -> Option<Diagnostic> {
        let first = self.layout.first(at);
        let stray = error.message.ends_with("in the header");
        let misread = error.message.contains("after the field name")
            || error.message.contains("or a declaration");
        if first == at || !(stray || misread && self.tokens[at].0 == Token::Ident) {
            return None;
        }
        // A header is on the line of its keyword, before any `{` or `:` of that line.
        let keyword = Keyword::from_text(self.token_text(first))?;
        let between = &self.tokens[first + 1..at];
        if between
            .iter()
            .any(|(t, _)| matches!(t, Token::LBrace | Token::Colon | Token::RBrace))
        {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::Sdd001,
                file,
                error.primary.span,
                match stray {
                    true => format!("{} of `{}`", error.message, keyword.as_str()),
                    false => format!(
                        "unexpected `{}` in the header of `{}`",
                        self.token_text(at),
                        keyword.as_str()
                    ),
                },
            )
            .with_label("not part of the header"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unclosed_lists(text: &str) -> usize {
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let context = Context::new(text, &lexed.tokens);
        context.unclosed.iter().filter(|u| **u).count()
    }

    #[test]
    fn a_list_is_unclosed_only_when_no_bracket_closes_it() {
        assert_eq!(unclosed_lists("p {\n  roles: [a,\n  email: \"e\"\n}\n"), 1);
        assert_eq!(unclosed_lists("p { roles: [a, b] }"), 0);
        // A record inside the list missing its `}`: the `]` still closes the list.
        let record = "p {\n  x: [\n    { name: \"a\" },\n    { name: \"b\",\n  ]\n}\n";
        assert_eq!(unclosed_lists(record), 0);
    }
}
