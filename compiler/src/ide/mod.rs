//! Editor features in byte offsets and plain data: hover, definition, references, rename,
//! completion, symbols, folding, semantic tokens, code lens, inlay hints and code actions.
//!
//! Everything here answers questions about one analysed estate: an [`Ide`] borrows the
//! [`Estate`], its [`Analysis`] and the name [`Index`] built from it. Positions are byte offsets
//! into a file's text; the language server (`lsp/`) converts them to the protocol's UTF-16
//! positions and URIs. Nothing here knows LSP. Every entry point takes any file id and any
//! offset: an unknown file or an offset outside the text gives an empty answer, never a panic.

mod actions;
mod annotations;
mod approvals;
mod completion;
mod highlight;
mod hover;
pub mod index;
mod navigate;
mod outline;
mod value_types;

use crate::analysis::Analysis;
use crate::estate::Estate;
use crate::source::{FileId, Span};
use crate::syntax::{Entry, Item};

pub use actions::Action;
pub use annotations::{HintKind, InlayHint, Lens};
pub use approvals::StaleApproval;
pub use completion::{Completion, CompletionKind};
pub use highlight::{
    SemanticToken, TokenKind, DECLARATION, DOCUMENTATION, TOKEN_KINDS, TOKEN_MODIFIERS,
};
pub use hover::Hover;
pub use index::Index;
pub use navigate::RenameError;
pub use outline::{Fold, FoldKind, Symbol, SymbolKind, WorkspaceSymbol};

/// A place in the estate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// Replace `span` of `file` with `text`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextEdit {
    pub file: FileId,
    pub span: Span,
    pub text: String,
}

/// The editor features over one analysed estate.
#[derive(Clone, Copy)]
pub struct Ide<'a> {
    pub estate: &'a Estate,
    pub analysis: &'a Analysis,
    pub index: &'a Index,
}

impl<'a> Ide<'a> {
    pub fn new(estate: &'a Estate, analysis: &'a Analysis, index: &'a Index) -> Ide<'a> {
        Ide {
            estate,
            analysis,
            index,
        }
    }

    /// The file's text, if the file exists.
    fn text(&self, file: FileId) -> Option<&'a str> {
        ((file.0 as usize) < self.estate.files.len()).then(|| self.estate.files.text(file))
    }

    /// The file's items, if the file exists and the offset lies inside its text.
    fn items_at(&self, file: FileId, offset: usize) -> Option<&'a [Item]> {
        let text = self.text(file)?;
        (offset <= text.len()).then(|| self.estate.ast(file).items.as_slice())
    }

    /// The items of a file, or none for an unknown file.
    fn items(&self, file: FileId) -> &'a [Item] {
        match self.text(file) {
            Some(_) => &self.estate.ast(file).items,
            None => &[],
        }
    }
}

/// The chain of items whose span holds `offset`, outermost first.
pub(crate) fn items_around(items: &[Item], offset: usize) -> Vec<&Item> {
    let mut chain = Vec::new();
    let mut level = items;
    'down: loop {
        for item in level {
            if item.span.contains(offset) {
                chain.push(item);
                level = match &item.body {
                    Some(body) => {
                        let inner: Vec<&Item> = body
                            .entries
                            .iter()
                            .filter_map(|e| match e {
                                Entry::Item(i) if i.span.contains(offset) => Some(&**i),
                                _ => None,
                            })
                            .collect();
                        match inner.first() {
                            Some(child) => std::slice::from_ref(*child),
                            None => break 'down,
                        }
                    }
                    None => break 'down,
                };
                continue 'down;
            }
        }
        break;
    }
    chain
}

/// The item of a file with exactly this span, searched at every depth.
pub(crate) fn item_with_span(items: &[Item], span: Span) -> Option<&Item> {
    // Items and entries are in source order: at each level, the one to descend into is the
    // last that starts at or before the span (a search, not a scan: completion asks this
    // once per candidate).
    let after = items.partition_point(|i| i.span.start <= span.start);
    let mut item = items.get(after.checked_sub(1)?)?;
    loop {
        if item.span == span {
            return Some(item);
        }
        if !(item.span.start <= span.start && span.end <= item.span.end) {
            return None;
        }
        let entries = item.entries();
        let after = entries.partition_point(|e| e.span().start <= span.start);
        match entries.get(after.checked_sub(1)?)? {
            Entry::Item(child) => item = child,
            _ => return None,
        }
    }
}

/// The largest character boundary at or before `offset`, within the text.
pub(crate) fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The indentation (spaces and tabs) of the line holding `offset`.
pub(crate) fn indent_at(text: &str, offset: usize) -> &str {
    let offset = floor_boundary(text, offset);
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// Is this a valid identifier of the language?
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name != "true"
        && name != "false"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item of every example file, at any depth, is found by its span (and nothing
    /// else is): the search descends by position as a scan of the whole tree would find it.
    #[test]
    fn every_item_of_the_examples_is_found_by_its_span() {
        fn all<'a>(items: impl Iterator<Item = &'a Item>, out: &mut Vec<&'a Item>) {
            for item in items {
                out.push(item);
                all(item.items(), out);
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let estate = Estate::load(&[root]).expect("the examples load");
        let mut found = 0;
        for file in estate.file_ids() {
            let items = &estate.ast(file).items;
            let mut every = Vec::new();
            all(items.iter(), &mut every);
            for item in every {
                let at = item_with_span(items, item.span).expect("found");
                assert!(std::ptr::eq(at, item), "{}", estate.files.name(file));
                found += 1;
                let inside = Span::new(item.span.start as usize + 1, item.span.end as usize);
                if let Some(other) = item_with_span(items, inside) {
                    assert_eq!(other.span, inside);
                }
            }
        }
        assert!(found > 300, "{found} items");
    }
}
