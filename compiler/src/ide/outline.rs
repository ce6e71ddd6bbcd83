//! Outline: document symbols (an engagement's outline by phase), workspace symbols and
//! folding ranges.

use crate::source::{FileId, Span};
use crate::syntax::token::Token;
use crate::syntax::{Entry, Item, Value, ValueKind};

use super::index::Scope;
use super::{Ide, Location};
use crate::syntax::Keyword;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SymbolKind {
    Person,
    Role,
    Enum,
    Variant,
    Record,
    Profile,
    Field,
    Asset,
    Engagement,
    /// A phase block or a gate.
    Phase,
    Requirement,
    Constraint,
    Finding,
    Risk,
    Component,
    Test,
    Deviation,
    /// A `built` or `verified` entry of the as-built record.
    AsBuiltEntry,
}

impl SymbolKind {
    fn of(keyword: &str) -> SymbolKind {
        match keyword {
            "person" => SymbolKind::Person,
            "role" => SymbolKind::Role,
            "enum" => SymbolKind::Enum,
            "variant" => SymbolKind::Variant,
            "record" => SymbolKind::Record,
            "profile" => SymbolKind::Profile,
            "field" => SymbolKind::Field,
            "asset" => SymbolKind::Asset,
            "engagement" => SymbolKind::Engagement,
            "requirement" => SymbolKind::Requirement,
            "constraint" => SymbolKind::Constraint,
            "finding" => SymbolKind::Finding,
            "risk" => SymbolKind::Risk,
            "component" => SymbolKind::Component,
            "test" => SymbolKind::Test,
            "deviation" => SymbolKind::Deviation,
            "built" | "verified" => SymbolKind::AsBuiltEntry,
            _ => SymbolKind::Phase,
        }
    }
}

/// A document symbol, with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole item.
    pub span: Span,
    /// The name (or keyword) to select.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// A workspace symbol: a declared name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub location: Location,
    /// The engagement or profile a local name belongs to.
    pub container: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
}

/// A foldable region, from its first to its last byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub span: Span,
    pub kind: FoldKind,
}

/// Most workspace symbols returned for one query.
pub const MAX_WORKSPACE_SYMBOLS: usize = 1000;

impl Ide<'_> {
    pub fn document_symbols(&self, file: FileId) -> Vec<Symbol> {
        self.items(file).iter().map(symbol).collect()
    }

    /// Declared names containing the query's characters in order (case-insensitive), sorted
    /// by name, then file name and position.
    pub fn workspace_symbols(&self, query: &str) -> Vec<WorkspaceSymbol> {
        let query = query.to_lowercase();
        let mut found: Vec<WorkspaceSymbol> = self
            .index
            .decls
            .iter()
            .filter(|d| matches_fuzzy(&d.name.to_lowercase(), &query))
            .map(|d| WorkspaceSymbol {
                name: d.name.clone(),
                kind: SymbolKind::of(&d.kind),
                location: Location {
                    file: d.file,
                    span: d.name_span,
                },
                container: match d.scope {
                    Scope::Within(o) => Some(self.index.decls[o].name.clone()),
                    Scope::Estate => None,
                },
            })
            .collect();
        let files = &self.estate.files;
        found.sort_by(|a, b| {
            a.name
                .cmp(&b.name)
                .then(files.name(a.location.file).cmp(files.name(b.location.file)))
                .then(a.location.span.cmp(&b.location.span))
        });
        found.truncate(MAX_WORKSPACE_SYMBOLS);
        found
    }

    /// Blocks, multi-line lists and records, block comments and runs of line comments that
    /// span more than one line.
    pub fn folding_ranges(&self, file: FileId) -> Vec<Fold> {
        let Some(text) = self.text(file) else {
            return Vec::new();
        };
        let mut folds = Vec::new();
        for item in self.items(file) {
            fold_item(item, &mut folds);
        }
        let comments = &self.estate.parsed[file.0 as usize].comments;
        let mut run: Option<Span> = None;
        for c in comments {
            if c.kind == Token::BlockComment {
                folds.push(Fold {
                    span: c.span,
                    kind: FoldKind::Comment,
                });
                continue;
            }
            run = match run {
                Some(r)
                    if text
                        .get(r.end as usize..c.span.start as usize)
                        .is_some_and(|gap| {
                            gap.trim().is_empty() && gap.matches('\n').count() == 1
                        }) =>
                {
                    Some(r.to(c.span))
                }
                Some(r) => {
                    folds.push(Fold {
                        span: r,
                        kind: FoldKind::Comment,
                    });
                    Some(c.span)
                }
                None => Some(c.span),
            };
        }
        if let Some(r) = run {
            folds.push(Fold {
                span: r,
                kind: FoldKind::Comment,
            });
        }
        let source = self.estate.files.get(file);
        folds.retain(|f| {
            source.line_index(f.span.start as usize) < source.line_index(f.span.end as usize)
        });
        folds.sort_by_key(|f| (f.span.start, std::cmp::Reverse(f.span.end)));
        folds
    }
}

fn symbol(item: &Item) -> Symbol {
    let name = match (item.keyword(), item.name_text()) {
        ("gate", Some(n)) => format!("gate {n}"),
        ("built", Some(n)) => format!("built {n}"),
        ("verified", Some(n)) => match &item.by {
            Some(by) => format!("verified {n} by {}", by.text),
            None => format!("verified {n}"),
        },
        (_, Some(n)) => n.to_string(),
        (k, None) => k.to_string(),
    };
    let mut children: Vec<Symbol> = Vec::new();
    for entry in item.entries() {
        match entry {
            Entry::Item(child) => children.push(symbol(child)),
            Entry::Variant(v) => children.push(Symbol {
                name: v.text.to_string(),
                detail: None,
                kind: SymbolKind::Variant,
                span: v.span,
                selection: v.span,
                children: Vec::new(),
            }),
            Entry::Field(f) if item.kind() == Keyword::Record => children.push(Symbol {
                name: f.name.text.to_string(),
                detail: None,
                kind: SymbolKind::Field,
                span: f.span,
                selection: f.name.span,
                children: Vec::new(),
            }),
            Entry::Field(_) => {}
        }
    }
    Symbol {
        name,
        detail: item.title.as_ref().map(|t| t.value.clone()).or_else(|| {
            item.field("title")
                .and_then(|f| f.value.as_str())
                .map(String::from)
        }),
        kind: SymbolKind::of(item.keyword()),
        span: item.span,
        selection: item.name_span(),
        children,
    }
}

fn fold_item(item: &Item, out: &mut Vec<Fold>) {
    if let Some(body) = &item.body {
        out.push(Fold {
            span: body.span,
            kind: FoldKind::Region,
        });
    }
    for entry in item.entries() {
        match entry {
            Entry::Item(child) => fold_item(child, out),
            Entry::Field(f) => fold_value(&f.value, out),
            Entry::Variant(_) => {}
        }
    }
}

fn fold_value(value: &Value, out: &mut Vec<Fold>) {
    match &value.kind {
        ValueKind::List(items) => {
            out.push(Fold {
                span: value.span,
                kind: FoldKind::Region,
            });
            for v in items {
                fold_value(v, out);
            }
        }
        ValueKind::Record(fields) => {
            out.push(Fold {
                span: value.span,
                kind: FoldKind::Region,
            });
            for f in fields {
                fold_value(&f.value, out);
            }
        }
        ValueKind::Str(_) => out.push(Fold {
            span: value.span,
            kind: FoldKind::Region,
        }),
        _ => {}
    }
}

/// Does `name` hold the characters of `query` in order?
fn matches_fuzzy(name: &str, query: &str) -> bool {
    let mut chars = name.chars();
    query.chars().all(|q| chars.any(|c| c == q))
}
