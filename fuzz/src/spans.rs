//! Span properties: every span a diagnostic or a tree node carries lies inside its file's text
//! and on character boundaries, so renderers and the language server can slice with it.

use sdd::diagnostic::Diagnostic;
use sdd::source::{Files, Span};
use sdd::syntax::{Entry, Item};

/// Panic unless `span` is a well-formed range of `text`.
pub fn assert_inside(span: Span, text: &str, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end, "{what}: span {start}..{end} is reversed");
    assert!(
        end <= text.len(),
        "{what}: span {start}..{end} ends past the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} splits a character"
    );
}

/// Every label of every diagnostic, against the text of the file it names.
pub fn assert_diagnostics(diagnostics: &[Diagnostic], files: &Files) {
    for d in diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            assert!(
                (label.file.0 as usize) < files.len(),
                "{:?}: label names a file that does not exist",
                d.code
            );
            let what = format!("{:?} {:?}", d.code, d.message);
            assert_inside(label.span, files.text(label.file), &what);
        }
    }
}

/// Every item, name and entry span of a tree.
pub fn assert_items(items: &[Item], text: &str) {
    for item in items {
        assert_inside(item.span, text, "item");
        assert_inside(item.keyword.span, text, "keyword");
        if let Some(name) = &item.name {
            assert_inside(name.span, text, "item name");
        }
        if let Some(body) = &item.body {
            assert_inside(body.span, text, "body");
            for entry in &body.entries {
                assert_inside(entry.span(), text, "entry");
                if let Entry::Item(child) = entry {
                    assert_items(std::slice::from_ref(child), text);
                }
            }
        }
    }
}
