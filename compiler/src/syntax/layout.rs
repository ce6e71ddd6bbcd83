//! The layout of a file's tokens: for each token, the first token of its line and how far
//! that line is indented. The recoveries that read the layout to tell what a mistake meant
//! (a `}` missing or too many, a parser error worded by the header it is in) share this one
//! reading, made in one pass over the tokens.

use super::token::Token;
use crate::source::Span;

pub(super) struct Layout {
    /// For each token, the index of the first token of its line.
    first: Vec<u32>,
    /// For each token, the indentation of its line.
    indent: Vec<u32>,
}

impl Layout {
    pub(super) fn new(text: &str, tokens: &[(Token, Span)]) -> Layout {
        let mut first = Vec::with_capacity(tokens.len());
        let mut indent = Vec::with_capacity(tokens.len());
        let (mut line_first, mut line_indent, mut previous_end) = (0u32, 0u32, 0usize);
        for (i, &(_, span)) in tokens.iter().enumerate() {
            let gap = &text[previous_end..span.start as usize];
            if i == 0 || gap.contains('\n') {
                line_first = i as u32;
                line_indent = indentation(&gap[gap.rfind('\n').map_or(0, |at| at + 1)..]);
            }
            first.push(line_first);
            indent.push(line_indent);
            previous_end = span.end as usize;
        }
        Layout { first, indent }
    }

    /// The index of the first token of the line of token `at`.
    pub(super) fn first(&self, at: usize) -> usize {
        self.first[at] as usize
    }

    /// Is token `at` the first of its line?
    pub(super) fn first_on_line(&self, at: usize) -> bool {
        self.first(at) == at
    }

    /// Are tokens `a` and `b` on one line? (A text block over several lines is on the line it
    /// starts on, as are the tokens after it up to the next line break outside it.)
    pub(super) fn same_line(&self, a: usize, b: usize) -> bool {
        self.first[a] == self.first[b]
    }

    /// How far the line of token `at` is indented.
    pub(super) fn indent(&self, at: usize) -> usize {
        self.indent[at] as usize
    }
}

/// How far a line is indented, given what precedes its first token: in characters of leading
/// space or tab (a byte order mark or a comment before the token ends the count).
fn indentation(line_start: &str) -> u32 {
    (line_start.chars())
        .take_while(|c| *c == ' ' || *c == '\t')
        .count() as u32
}
