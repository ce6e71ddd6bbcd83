//! The canonical layout: which construct goes on one line and which is broken over several.
//!
//! - Top-level declarations are separated by one blank line; inside a body, one field, item or
//!   enum variant per line, two-space indentation, and at most one blank line where the author
//!   left blank lines.
//! - An item is written `keyword name? : type "title" by name {`.
//! - A body stays on one line when it holds only enum variants (`{ a, b, c }`) or exactly one
//!   field (`{ verifies: [R1] }`), has no comment inside and fits in [`MAX_WIDTH`] columns.
//! - Lists `[a, b]` and inline records `{ start: … length: … }` stay on one line when they hold
//!   no comment and fit; otherwise one element per line (list elements with a trailing comma).
//! - A comment keeps its side of a `:` (as of a `by` and of a type's `<`, `,` and `>`):
//!   `name /* c */: value`.
//!   A line comment between a name and its `:` puts the `:` and the value on the next line,
//!   and a comment after the `:` may put the value there; either is indented one level below
//!   the name.
//! - Strings are re-escaped canonically, text blocks re-indented one level below the line they
//!   open on; every other literal is written as the author wrote it.
//! - Lines end in `\n` here; [`super::format`] turns them into `\r\n` for a file whose first
//!   line ends so.
//!
//! [`MAX_WIDTH`]: super::writer::MAX_WIDTH

use crate::source::Span;
use crate::syntax::{Body, Entry, Field, Item, Parsed, Value, ValueKind};

use super::strings;
use super::writer::{Writer, INDENT};

/// The whole file in the canonical layout.
pub(super) fn file(src: &str, parsed: &Parsed) -> String {
    let mut w = Writer::new(src, &parsed.comments);
    let items = &parsed.ast.items;
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            w.blank_line();
        }
        w.flush(it.span.start as usize);
        w.blank_before(it.span.start as usize);
        item(&mut w, it);
        let next = items
            .get(i + 1)
            .map_or(src.len(), |n| n.span.start as usize);
        w.trailing(next);
        w.newline();
    }
    w.finish()
}

fn item(w: &mut Writer<'_>, it: &Item) {
    w.token(it.keyword(), it.keyword.span);
    if let Some(name) = &it.name {
        w.space();
        w.token(&name.text, name.span);
    }
    if let Some(q) = it.optional {
        w.token("?", q);
    }
    if let Some(ty) = &it.ty {
        // The `:` at its place in the source, after the name or the `?`: a comment before it
        // stays before it (a line comment there puts it on the next line, one level deeper).
        let after = (it.optional.map(|q| q.end))
            .or(it.name.as_ref().map(|n| n.span.end))
            .unwrap_or(it.keyword.span.end);
        let commented = w.has_comment_in(Span::new(after as usize, ty.span.start as usize));
        w.deeper(usize::from(commented));
        punctuation(w, ":", after as usize);
        w.space();
        value(w, ty, 0);
        w.shallower(usize::from(commented));
    }
    if let Some(title) = &it.title {
        w.space();
        string(w, &title.value, title.span);
    }
    if let Some(by) = &it.by {
        w.space();
        // `by` at its place in the source, so that a comment before it stays before it.
        let before = [
            it.name.as_ref().map(|n| n.span.end),
            it.title.as_ref().map(|t| t.span.end),
        ];
        let after = before
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(it.keyword.span.end);
        punctuation(w, "by", after as usize);
        w.space();
        w.token(&by.text, by.span);
    }
    if let Some(b) = &it.body {
        w.space();
        body(w, b);
    }
}

fn body(w: &mut Writer<'_>, b: &Body) {
    if let Some(one_line) = one_line_body(w, b) {
        if w.fits(&one_line, 0) {
            w.token(&one_line, b.span);
            return;
        }
    }
    let close = b.span.end.saturating_sub(1);
    w.token(
        "{",
        Span::new(b.span.start as usize, b.span.start as usize + 1),
    );
    container(w, &b.entries, Entry::span, close as usize, |w, e| match e {
        Entry::Field(f) => field(w, f),
        Entry::Item(i) => item(w, i),
        Entry::Variant(v) => {
            w.token(&v.text, v.span);
            // The comma where the source has one, after the comments before it: a doc comment
            // there documents nothing, and moved after the comma it would document the item
            // that follows.
            let after = w.next_code(v.span.end as usize);
            match w.src().as_bytes().get(after) {
                Some(b',') => w.punct(",", Span::new(after, after + 1)),
                _ => w.text(","),
            }
        }
    });
    w.token("}", Span::new(close as usize, b.span.end as usize));
}

/// The one-line form of a body, if it may have one: empty, only enum variants, or one field.
fn one_line_body(w: &Writer<'_>, b: &Body) -> Option<String> {
    if w.has_comment_in(b.span) {
        return None;
    }
    match b.entries.as_slice() {
        [] => Some("{}".to_string()),
        [Entry::Field(f)] => Some(format!(
            "{{ {}: {} }}",
            f.name.text,
            one_line(w.src(), &f.value, w.room(0))?
        )),
        entries => {
            let names: Option<Vec<&str>> = entries
                .iter()
                .map(|e| match e {
                    Entry::Variant(v) => Some(v.text.as_str()),
                    _ => None,
                })
                .collect();
            Some(format!("{{ {} }}", names?.join(", ")))
        }
    }
}

/// The entries of a container between its opening and closing delimiters (written by the
/// caller), one per line, with their comments and the author's blank lines.
fn container<T>(
    w: &mut Writer<'_>,
    elements: &[T],
    span: impl Fn(&T) -> Span,
    close: usize,
    mut write: impl FnMut(&mut Writer<'_>, &T),
) {
    w.trailing(elements.first().map_or(close, |e| span(e).start as usize));
    w.open();
    for (i, e) in elements.iter().enumerate() {
        let start = span(e).start as usize;
        w.flush(start);
        w.blank_before(start);
        write(w, e);
        let next = elements
            .get(i + 1)
            .map_or(close, |n| span(n).start as usize);
        w.trailing(w.leading_start(span(e).end as usize, next));
        w.newline();
    }
    w.flush(close);
    w.close();
}

fn field(w: &mut Writer<'_>, f: &Field) {
    w.token(&f.name.text, f.name.span);
    // A comment between the name and the value may put the `:` or the value on a line of its
    // own: it is indented one level below the name.
    let commented = w.has_comment_in(Span::new(
        f.name.span.end as usize,
        f.value.span.start as usize,
    ));
    w.deeper(usize::from(commented));
    // The `:` at its place in the source: a comment before it stays before it.
    punctuation(w, ":", f.name.span.end as usize);
    w.space();
    value(w, &f.value, 0);
    w.shallower(usize::from(commented));
}

/// Write a value; `suffix` columns follow it on its line (a list element's comma).
fn value(w: &mut Writer<'_>, v: &Value, suffix: usize) {
    let src = w.src();
    match &v.kind {
        ValueKind::List(elements) => {
            if let Some(s) = one_line_group(w, v, suffix) {
                if w.fits(&s, suffix) {
                    w.token(&s, v.span);
                    return;
                }
            }
            let close = v.span.end.saturating_sub(1) as usize;
            w.token(
                "[",
                Span::new(v.span.start as usize, v.span.start as usize + 1),
            );
            container(
                w,
                elements,
                |e| e.span,
                close,
                |w, e| {
                    value(w, e, 1);
                    w.text(",");
                },
            );
            w.token("]", Span::new(close, v.span.end as usize));
        }
        ValueKind::Record(fields) => {
            if let Some(s) = one_line_group(w, v, suffix) {
                if w.fits(&s, suffix) {
                    w.token(&s, v.span);
                    return;
                }
            }
            let close = v.span.end.saturating_sub(1) as usize;
            w.token(
                "{",
                Span::new(v.span.start as usize, v.span.start as usize + 1),
            );
            container(w, fields, |f| f.span, close, field);
            w.token("}", Span::new(close, v.span.end as usize));
        }
        ValueKind::Str(s) => string(w, s, v.span),
        ValueKind::Ref { name, spec } => {
            w.token(&name.text, name.span);
            w.space();
            value(w, spec, suffix);
        }
        ValueKind::Generic { name, args } => {
            w.token(&name.text, name.span);
            // Each `<`, `,` and `>` at its place in the source: a comment keeps its side of it.
            let mut after = name.span.end as usize;
            punctuation(w, "<", after);
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    punctuation(w, ",", after);
                    w.space();
                }
                value(w, a, 0);
                after = a.span.end as usize;
            }
            punctuation(w, ">", after);
        }
        _ => w.token(source(src, v.span), v.span),
    }
}

/// Write `text`, a keyword or a punctuation mark that the tree holds no span for, at the place
/// the source has it: the first code after `after`, when it is `text` there (comments before it
/// are written before it); else just written.
fn punctuation(w: &mut Writer<'_>, text: &str, after: usize) {
    let at = w.next_code(after);
    match w.src().get(at..).is_some_and(|rest| rest.starts_with(text)) {
        true if text == "by" => w.token(text, Span::new(at, at + text.len())),
        true => w.punct(text, Span::new(at, at + text.len())),
        false => w.text(text),
    }
}

/// The one-line form of a list or record that holds no comment, if it fits on the current
/// line after which `suffix` columns follow.
fn one_line_group(w: &Writer<'_>, v: &Value, suffix: usize) -> Option<String> {
    if w.has_comment_in(v.span) {
        return None;
    }
    one_line(w.src(), v, w.room(suffix))
}

/// A value on one line, if it can be written so (a text block over several lines cannot) in
/// at most `budget` characters. Comments inside are the caller's concern.
///
/// Past its budget it gives up: a value that does not fit is broken over lines and each of
/// its elements tried on its own, so without the budget a value nested 64 deep was written
/// out once per level.
fn one_line(src: &str, v: &Value, budget: usize) -> Option<String> {
    let mut line = OneLine {
        src,
        out: String::new(),
        room: budget,
    };
    line.value(v)?;
    Some(line.out)
}

/// A one-line value being written, and how many more characters it may take.
struct OneLine<'s> {
    src: &'s str,
    out: String,
    room: usize,
}

impl OneLine<'_> {
    fn push(&mut self, text: &str) -> Option<()> {
        // A character takes at most four bytes: a text that long cannot fit, uncounted.
        if text.len() / 4 > self.room {
            return None;
        }
        self.room = self.room.checked_sub(text.chars().count())?;
        self.out.push_str(text);
        Some(())
    }

    /// `open`, the parts `each` writes separated by `separator`, `close`.
    fn group<T>(
        &mut self,
        open: &str,
        parts: &[T],
        separator: &str,
        close: &str,
        mut each: impl FnMut(&mut Self, &T) -> Option<()>,
    ) -> Option<()> {
        self.push(open)?;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.push(separator)?;
            }
            each(self, part)?;
        }
        self.push(close)
    }

    fn value(&mut self, v: &Value) -> Option<()> {
        match &v.kind {
            ValueKind::List(elements) => self.group("[", elements, ", ", "]", Self::value),
            ValueKind::Record(fields) if fields.is_empty() => self.push("{}"),
            ValueKind::Record(fields) => self.group("{ ", fields, " ", " }", |line, f| {
                line.push(&f.name.text)?;
                line.push(": ")?;
                line.value(&f.value)
            }),
            ValueKind::Str(s) => {
                // Quoted, the value takes at least its own characters and two more.
                if s.len() / 4 + 2 > self.room {
                    return None;
                }
                let raw = source(self.src, v.span);
                let spelled = if strings::is_text_block(raw) {
                    strings::text_block_one_line(raw, s)?
                } else {
                    strings::string(raw, s)
                };
                self.push(&spelled)
            }
            ValueKind::Ref { name, spec } => {
                self.push(&name.text)?;
                self.push(" ")?;
                self.value(spec)
            }
            ValueKind::Generic { name, args } => {
                self.push(&name.text)?;
                self.group("<", args, ", ", ">", Self::value)
            }
            _ => self.push(source(self.src, v.span)),
        }
    }
}

/// A string or text block (a value or an item's title).
fn string(w: &mut Writer<'_>, value: &str, span: Span) {
    let raw = source(w.src(), span);
    if !strings::is_text_block(raw) {
        w.token(&strings::string(raw, value), span);
        return;
    }
    let pad = INDENT.repeat(w.indent() + 1);
    let spelled = strings::text_block_one_line(raw, value)
        .or_else(|| strings::text_block_lines(value, &pad))
        .unwrap_or_else(|| raw.to_string());
    w.token(&spelled, span);
}

fn source(src: &str, span: Span) -> &str {
    src.get(span.range()).unwrap_or("")
}
