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
//! - Strings are re-escaped canonically, text blocks re-indented one level below the line they
//!   open on; every other literal is written as the author wrote it.
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
    w.token(&it.keyword.text, it.keyword.span);
    if let Some(name) = &it.name {
        w.space();
        w.token(&name.text, name.span);
    }
    if let Some(q) = it.optional {
        w.token("?", q);
    }
    if let Some(ty) = &it.ty {
        w.text(":");
        w.space();
        value(w, ty, 0);
    }
    if let Some(title) = &it.title {
        w.space();
        string(w, &title.value, title.span);
    }
    if let Some(by) = &it.by {
        w.space();
        w.text("by");
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
                Some(b',') => w.token(",", Span::new(after, after + 1)),
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
            one_line(w.src(), &f.value)?
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
        w.trailing(next);
        w.newline();
    }
    w.flush(close);
    w.close();
}

fn field(w: &mut Writer<'_>, f: &Field) {
    w.token(&f.name.text, f.name.span);
    w.text(":");
    w.space();
    value(w, &f.value, 0);
}

/// Write a value; `suffix` columns follow it on its line (a list element's comma).
fn value(w: &mut Writer<'_>, v: &Value, suffix: usize) {
    let src = w.src();
    match &v.kind {
        ValueKind::List(elements) => {
            if let Some(s) = one_line_group(w, v) {
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
            if let Some(s) = one_line_group(w, v) {
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
            w.text("<");
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    w.text(",");
                    w.space();
                }
                value(w, a, 0);
            }
            w.text(">");
        }
        _ => w.token(source(src, v.span), v.span),
    }
}

/// The one-line form of a list or record that holds no comment.
fn one_line_group(w: &Writer<'_>, v: &Value) -> Option<String> {
    if w.has_comment_in(v.span) {
        return None;
    }
    one_line(w.src(), v)
}

/// A value on one line, if it can be written so (a text block over several lines cannot).
/// Comments inside are the caller's concern.
fn one_line(src: &str, v: &Value) -> Option<String> {
    Some(match &v.kind {
        ValueKind::List(elements) => {
            let parts: Option<Vec<String>> = elements.iter().map(|e| one_line(src, e)).collect();
            format!("[{}]", parts?.join(", "))
        }
        ValueKind::Record(fields) if fields.is_empty() => "{}".to_string(),
        ValueKind::Record(fields) => {
            let parts: Option<Vec<String>> = fields
                .iter()
                .map(|f| Some(format!("{}: {}", f.name.text, one_line(src, &f.value)?)))
                .collect();
            format!("{{ {} }}", parts?.join(" "))
        }
        ValueKind::Str(s) => {
            let raw = source(src, v.span);
            if strings::is_text_block(raw) {
                strings::text_block_one_line(raw, s)?
            } else {
                strings::string(raw, s)
            }
        }
        ValueKind::Ref { name, spec } => format!("{} {}", name.text, one_line(src, spec)?),
        ValueKind::Generic { name, args } => {
            let parts: Option<Vec<String>> = args.iter().map(|a| one_line(src, a)).collect();
            format!("{}<{}>", name.text, parts?.join(", "))
        }
        _ => source(src, v.span).to_string(),
    })
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
