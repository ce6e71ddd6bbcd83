//! The formatter's safety net: the formatted text must parse without a diagnostic to the same
//! tree (spans aside) with the same comments in the same order. Checks, fingerprints and
//! manifests read only the tree, so an equal tree means equal meaning.

use crate::syntax::{Body, Entry, Field, Ident, Item, Parsed, Value, ValueKind};

use crate::syntax::token::{Comment, Token};

use super::writer::comment_text;

/// Why the formatted text does not mean the same, if it does not.
pub(super) fn check(
    before_src: &str,
    before: &Parsed,
    after_src: &str,
    after: &Parsed,
) -> Result<(), String> {
    // What is left of the bidirectional control characters (SDD003, in comments) is no error
    // of the layout.
    if let Some(d) = (after.diagnostics.iter()).find(|d| crate::syntax::breaks_the_tree(d)) {
        return Err(format!(
            "the formatted text does not parse: {} {}",
            d.code, d.message
        ));
    }
    if !list_eq(&before.ast.items, &after.ast.items, item_eq) {
        return Err("the formatted text parses to a different tree".into());
    }
    let comments_before = (before.comments.iter()).map(|&c| comment_key(before_src, c));
    let comments_after = (after.comments.iter()).map(|&c| comment_key(after_src, c));
    if !comments_before.eq(comments_after) {
        return Err("the formatted text does not keep every comment in order".into());
    }
    Ok(())
}

/// A comment as the formatter must keep it: its text, the indentation of a block comment's
/// later lines aside (the layout moves a block comment as a whole).
fn comment_key(src: &str, c: Comment) -> String {
    let text = comment_text(src, c);
    match c.kind {
        Token::BlockComment => (text.split('\n'))
            .map(|line| line.trim_start_matches([' ', '\t']))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text.into_owned(),
    }
}

fn list_eq<T>(a: &[T], b: &[T], eq: fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq(x, y))
}

fn opt_eq<T>(a: &Option<T>, b: &Option<T>, eq: fn(&T, &T) -> bool) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => eq(x, y),
        (None, None) => true,
        _ => false,
    }
}

fn ident_eq(a: &Ident, b: &Ident) -> bool {
    a.text == b.text
}

fn item_eq(a: &Item, b: &Item) -> bool {
    a.kind() == b.kind()
        && opt_eq(&a.name, &b.name, ident_eq)
        && a.optional.is_some() == b.optional.is_some()
        && opt_eq(&a.ty, &b.ty, |x, y| value_eq(x, y))
        && opt_eq(&a.title, &b.title, |x, y| x.value == y.value)
        && opt_eq(&a.by, &b.by, |x, y| ident_eq(x, y))
        && opt_eq(&a.body, &b.body, body_eq)
        && opt_eq(&a.doc, &b.doc, |x, y| x.text == y.text)
}

fn body_eq(a: &Body, b: &Body) -> bool {
    list_eq(&a.entries, &b.entries, entry_eq)
}

fn entry_eq(a: &Entry, b: &Entry) -> bool {
    match (a, b) {
        (Entry::Field(x), Entry::Field(y)) => field_eq(x, y),
        (Entry::Item(x), Entry::Item(y)) => item_eq(x, y),
        (Entry::Variant(x), Entry::Variant(y)) => ident_eq(x, y),
        _ => false,
    }
}

fn field_eq(a: &Field, b: &Field) -> bool {
    ident_eq(&a.name, &b.name) && value_eq(&a.value, &b.value)
}

fn value_eq(a: &Value, b: &Value) -> bool {
    use ValueKind as K;
    match (&a.kind, &b.kind) {
        (K::Ref { name: n1, spec: s1 }, K::Ref { name: n2, spec: s2 }) => {
            ident_eq(n1, n2) && value_eq(s1, s2)
        }
        (K::Generic { name: n1, args: a1 }, K::Generic { name: n2, args: a2 }) => {
            ident_eq(n1, n2) && list_eq(a1, a2, value_eq)
        }
        (K::List(x), K::List(y)) => list_eq(x, y, value_eq),
        (K::Record(x), K::Record(y)) => list_eq(x, y, field_eq),
        (K::Error, _) | (_, K::Error) => false,
        (x, y) => x == y,
    }
}
