//! The formatter's output buffer: indentation, line breaks, blank lines and comments.
//!
//! The layout code ([`super::layout`]) writes tokens in source order; before each token the
//! writer places every comment that comes before it in the source. A comment on the same line
//! as the code before it stays on that line (a trailing comment); any other comment gets a line
//! of its own. A block comment over several lines moves as a whole: its later lines move with
//! its first (the indentation that line had, tabs or spaces, becomes the layout's), their text
//! otherwise kept. Blank lines are kept (at most one) wherever the author had some between two
//! entries or comments, except right after an opening brace or bracket. Trailing line comments
//! on consecutive lines of the same indentation are aligned in a final pass.

use std::borrow::Cow;

use crate::source::Span;
use crate::syntax::token::{Comment, Token};

/// Lines are kept within this many columns where the layout has a choice.
pub(super) const MAX_WIDTH: usize = 100;
/// One level of indentation.
pub(super) const INDENT: &str = "  ";

pub(super) struct Writer<'s> {
    src: &'s str,
    comments: &'s [Comment],
    /// The first comment not yet written.
    next: usize,
    out: String,
    indent: usize,
    /// Nothing written on the current line yet (its indentation is written lazily).
    line_start: bool,
    /// Separate the next text from what precedes it on the line by one space.
    want_space: bool,
    /// Nothing written since a container was opened: no blank line here.
    container_start: bool,
    /// Source offset of the end of the last thing written.
    last: usize,
    /// Output offsets of trailing line comments, for alignment.
    trailing: Vec<usize>,
}

impl<'s> Writer<'s> {
    pub fn new(src: &'s str, comments: &'s [Comment]) -> Writer<'s> {
        Writer {
            src,
            comments,
            next: 0,
            out: String::with_capacity(src.len() + src.len() / 8),
            indent: 0,
            line_start: true,
            want_space: false,
            container_start: true,
            last: 0,
            trailing: Vec::new(),
        }
    }

    pub fn src(&self) -> &'s str {
        self.src
    }

    pub fn indent(&self) -> usize {
        self.indent
    }

    /// Write text on the current line.
    pub fn text(&mut self, s: &str) {
        if self.line_start {
            for _ in 0..self.indent {
                self.out.push_str(INDENT);
            }
            self.line_start = false;
        } else if self.want_space {
            self.out.push(' ');
        }
        self.want_space = false;
        self.container_start = false;
        self.out.push_str(s);
    }

    /// One space before whatever is written next on this line.
    pub fn space(&mut self) {
        self.want_space = true;
    }

    /// Write punctuation that sticks to what precedes it (a `,`) at `span`, after the
    /// comments before it, with no space before it.
    pub fn punct(&mut self, s: &str, span: Span) {
        self.flush(span.start as usize);
        self.want_space = false;
        self.text(s);
        self.last = self.last.max(span.end as usize);
    }

    /// Write the source token at `span` as `s`, after the comments that precede it.
    pub fn token(&mut self, s: &str, span: Span) {
        self.flush(span.start as usize);
        self.text(s);
        self.last = self.last.max(span.end as usize);
    }

    pub fn newline(&mut self) {
        if !self.line_start {
            self.out.push('\n');
            self.line_start = true;
        }
        self.want_space = false;
    }

    /// End the line and leave one blank line, unless a container was just opened.
    pub fn blank_line(&mut self) {
        self.newline();
        if !self.container_start && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// A blank line if the author left one between the last thing written and `at`.
    pub fn blank_before(&mut self, at: usize) {
        if blank_in(self.gap(at)) {
            self.blank_line();
        }
    }

    /// Indent what starts a line `levels` deeper from now on.
    pub fn deeper(&mut self, levels: usize) {
        self.indent += levels;
    }

    /// Undo [`Writer::deeper`].
    pub fn shallower(&mut self, levels: usize) {
        self.indent = self.indent.saturating_sub(levels);
    }

    /// Start the entries of a container on the next line, one level deeper.
    pub fn open(&mut self) {
        self.newline();
        self.indent += 1;
        self.container_start = true;
    }

    /// Back to the container's level, on a new line.
    pub fn close(&mut self) {
        self.newline();
        self.indent = self.indent.saturating_sub(1);
        self.container_start = false;
    }

    /// The column the next text would start at.
    pub fn column(&self) -> usize {
        if self.line_start {
            return self.indent * INDENT.len();
        }
        let line = &self.out[self.out.rfind('\n').map_or(0, |i| i + 1)..];
        line.chars().count() + usize::from(self.want_space)
    }

    /// How many characters fit on the current line before `suffix` more columns.
    pub fn room(&self, suffix: usize) -> usize {
        MAX_WIDTH.saturating_sub(self.column() + suffix)
    }

    /// Would `s`, followed by `suffix` more columns, fit on the current line?
    pub fn fits(&self, s: &str, suffix: usize) -> bool {
        !s.contains('\n') && self.column() + s.chars().count() + suffix <= MAX_WIDTH
    }

    /// The offset of the first code at or after `from`: past white space and comments.
    pub fn next_code(&self, mut from: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut next = self
            .comments
            .partition_point(|c| (c.span.start as usize) < from);
        loop {
            while bytes.get(from).is_some_and(u8::is_ascii_whitespace) {
                from += 1;
            }
            match self.comments.get(next) {
                Some(c) if c.span.start as usize == from => {
                    from = c.span.end as usize;
                    next += 1;
                }
                _ => return from,
            }
        }
    }

    /// Does a comment start inside `span`?
    pub fn has_comment_in(&self, span: Span) -> bool {
        let at = self.comments.partition_point(|c| c.span.start < span.start);
        self.comments
            .get(at)
            .is_some_and(|c| c.span.start < span.end)
    }

    /// Where the comments that lead the element at `next` start: a block comment written
    /// after the comma that ends the element before (which ends at `previous`), right before
    /// the next one on its line (`[a, /* about b */ b]`), is about the next one. `next` when
    /// there is none (in a record without commas, `{ a: 1 /* a */ b: 2 }`, a comment stays
    /// with what it follows).
    pub fn leading_start(&self, previous: usize, next: usize) -> usize {
        let later = &self.comments[self.next.min(self.comments.len())..];
        let before = later.partition_point(|c| (c.span.start as usize) < next);
        match before.checked_sub(1).map(|i| later[i]) {
            Some(c)
                if c.kind == Token::BlockComment
                    && (self.src.get(previous..c.span.start as usize))
                        .is_some_and(|t| t.contains(',')) =>
            {
                let gap = self.src.get(c.span.end as usize..next).unwrap_or("\n");
                match gap.trim().is_empty() && !gap.contains('\n') {
                    true => c.span.start as usize,
                    false => next,
                }
            }
            _ => next,
        }
    }

    /// Write every comment that starts before `limit`.
    pub fn flush(&mut self, limit: usize) {
        self.write_comments(limit, false);
    }

    /// Write the comments before `limit` that sit on the line of the last thing written.
    pub fn trailing(&mut self, limit: usize) {
        self.write_comments(limit, true);
    }

    fn write_comments(&mut self, limit: usize, same_line_only: bool) {
        while let Some(&comment) = self.comments.get(self.next) {
            let start = comment.span.start as usize;
            if start >= limit {
                break;
            }
            let gap = self.gap(start);
            let same_line = !gap.contains('\n') && !self.line_start;
            if same_line_only && !same_line {
                break;
            }
            let blank = blank_in(gap);
            let text = comment_text(self.src, comment);
            if same_line {
                self.want_space = true;
                self.text("");
                let at = self.out.len();
                self.out.push_str(&text);
                if comment.kind == Token::BlockComment {
                    self.want_space = true;
                } else {
                    self.trailing.push(at);
                    self.newline();
                }
            } else {
                self.newline();
                if blank {
                    self.blank_line();
                }
                // A block comment over several lines moves as a whole: its later lines keep
                // their place relative to its first (a box of `*` stays a box).
                let text = match comment.kind {
                    Token::BlockComment if text.contains('\n') => Cow::Owned(reindented(
                        &text,
                        &self.source_lead(start),
                        self.indent * INDENT.len(),
                    )),
                    _ => text,
                };
                self.text(&text);
                self.newline();
            }
            self.last = self.last.max(comment.span.end as usize);
            self.next += 1;
        }
    }

    /// What comes before the source offset `at` on its line, as white space: its spaces and
    /// tabs as they are, any other character as one space.
    fn source_lead(&self, at: usize) -> String {
        let line = self.src[..at].rfind('\n').map_or(0, |i| i + 1);
        (self.src[line..at].chars())
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect()
    }

    fn gap(&self, at: usize) -> &'s str {
        let at = at.min(self.src.len());
        self.src.get(self.last.min(at)..at).unwrap_or("")
    }

    /// Everything written, with the remaining comments, ending with one line break, and the
    /// trailing comments aligned.
    pub fn finish(mut self) -> String {
        self.flush(usize::MAX);
        self.newline();
        align_trailing(&self.out, &self.trailing)
    }
}

/// A block comment that started after `lead` (the white space before it on its source line)
/// as it reads from column `to`: a later line that starts with `lead` has it replaced by `to`
/// spaces, so a box of `*` stays a box whether the file is indented with tabs or spaces; any
/// other later line is shifted by as many columns as the first (a tab counts as one), never
/// into its own text. A line of white space only loses it; the text after the indentation
/// is kept as it is.
fn reindented(text: &str, lead: &str, to: usize) -> String {
    let from = lead.chars().count();
    let mut lines = text.split('\n');
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(lines.next().unwrap_or(""));
    for line in lines {
        out.push('\n');
        if line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix(lead) {
            out.extend(std::iter::repeat_n(' ', to));
            out.push_str(rest);
        } else if to >= from {
            out.extend(std::iter::repeat_n(' ', to - from));
            out.push_str(line);
        } else {
            let strip: usize = (line.chars().take(from - to))
                .take_while(|c| *c == ' ' || *c == '\t')
                .map(char::len_utf8)
                .sum();
            out.push_str(&line[strip..]);
        }
    }
    out
}

/// Two line breaks: the author left a blank line.
fn blank_in(gap: &str) -> bool {
    gap.bytes().filter(|&b| b == b'\n').count() >= 2
}

/// A comment as it is written back: line comments without trailing white space, block
/// comments verbatim with `\n` line breaks.
pub(super) fn comment_text(src: &str, comment: Comment) -> Cow<'_, str> {
    let raw = src.get(comment.span.range()).unwrap_or("");
    match comment.kind {
        Token::BlockComment if raw.contains('\r') => Cow::Owned(line_feeds_only(raw)),
        Token::BlockComment => Cow::Borrowed(raw),
        _ => Cow::Borrowed(raw.trim_end()),
    }
}

/// `text` with every run of carriage returns that ends a line removed, so `\r\n` and `\r\r\n`
/// both become `\n` and the result reads back as itself; a carriage return inside a line
/// stays. (Replacing `\r\n` alone turned `\r\r\n` into `\r\n`, which the next pass changed
/// again: the formatter refused such a comment as not kept.)
fn line_feeds_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut returns = 0;
    for c in text.chars() {
        match c {
            '\r' => returns += 1,
            '\n' => {
                returns = 0;
                out.push('\n');
            }
            _ => {
                out.extend(std::iter::repeat_n('\r', returns));
                returns = 0;
                out.push(c);
            }
        }
    }
    out.extend(std::iter::repeat_n('\r', returns));
    out
}

/// Pad trailing line comments so that those on consecutive lines of the same indentation
/// start in the same column (one space after the longest code). A line whose code is wider
/// than [`MAX_WIDTH`] is left alone and ends the run.
fn align_trailing(out: &str, offsets: &[usize]) -> String {
    struct Trailing {
        at: usize,
        line: usize,
        width: usize,
        indent: usize,
    }
    let mut found = Vec::with_capacity(offsets.len());
    let mut line = 0;
    let mut counted = 0;
    for &at in offsets {
        line += out[counted..at].bytes().filter(|&b| b == b'\n').count();
        counted = at;
        let start = out[..at].rfind('\n').map_or(0, |i| i + 1);
        let code = out[start..at].trim_end();
        found.push(Trailing {
            at,
            line,
            width: code.chars().count(),
            indent: code.len() - code.trim_start().len(),
        });
    }
    let mut pads = vec![0usize; found.len()];
    let mut i = 0;
    while i < found.len() {
        if found[i].width > MAX_WIDTH {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < found.len()
            && found[j].line == found[j - 1].line + 1
            && found[j].indent == found[i].indent
            && found[j].width <= MAX_WIDTH
        {
            j += 1;
        }
        let column = found[i..j].iter().map(|t| t.width).max().unwrap_or(0) + 1;
        for k in i..j {
            // The comment starts after the code and one space.
            pads[k] = column - (found[k].width + 1);
        }
        i = j;
    }
    let mut aligned = String::with_capacity(out.len() + pads.iter().sum::<usize>());
    let mut copied = 0;
    for (t, pad) in found.iter().zip(pads) {
        aligned.push_str(&out[copied..t.at]);
        aligned.extend(std::iter::repeat_n(' ', pad));
        copied = t.at;
    }
    aligned.push_str(&out[copied..]);
    aligned
}

#[cfg(test)]
mod tests {
    use super::reindented;

    #[test]
    fn a_block_comment_moves_as_a_whole_from_tabs_or_spaces() {
        let boxed = "/* one\n\t\t * two\n\t\t */";
        assert_eq!(reindented(boxed, "\t\t", 2), "/* one\n   * two\n   */");
        assert_eq!(
            reindented(boxed, "\t\t", 6),
            "/* one\n       * two\n       */"
        );
        let spaces = "/* one\n     * two\n     */";
        assert_eq!(reindented(spaces, "    ", 2), "/* one\n   * two\n   */");
        // What follows the first line's indentation is kept: a tab, a blank line lost.
        assert_eq!(
            reindented("/*\n\t\tx\n \n\t*/", "\t", 2),
            "/*\n  \tx\n\n  */"
        );
        // A later line indented otherwise is shifted by as many columns as the first.
        assert_eq!(reindented("/* a\n  b */", "\t\t\t", 2), "/* a\n b */");
        assert_eq!(reindented("/* a\n  b */", "", 4), "/* a\n      b */");
    }
}
