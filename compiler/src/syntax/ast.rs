//! The syntax tree of one `.sdd` file, with byte spans.
//!
//! The tree is uniform: a file is a list of [`Item`]s; an item is a keyword (`engagement`,
//! `requirement`, `gate`, …) with an optional name, title and body; a body holds [`Entry`]s —
//! fields, nested items and enum variants. What each keyword allows is the schema's business
//! (`check::schema`), which turns this tree into the typed model. Literal values keep their
//! source spelling next to the decoded value so the formatter can reprint them faithfully.

use crate::source::Span;

pub use super::keyword::Keyword;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub text: compact_str::CompactString,
    pub span: Span,
}

/// An item's keyword and where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeywordAt {
    pub kind: Keyword,
    pub span: Span,
}

/// A doc comment block (`/// …` lines) attached to the item that follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The text with the `///` markers and one leading space removed, lines joined by `\n`.
    pub text: String,
    pub span: Span,
}

/// A parsed file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ast {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub keyword: KeywordAt,
    pub name: Option<Ident>,
    /// The `?` of an optional `field` declaration.
    pub optional: Option<Span>,
    /// The `: TYPE` of a `field` declaration. This and the other rarely present parts are
    /// boxed: an item is moved through every parser combinator and there are many of them.
    pub ty: Option<Box<Value>>,
    /// The title string: `requirement R1 "…"`.
    pub title: Option<Str>,
    /// `verified R1 by T1`: the name after `by`.
    pub by: Option<Box<Ident>>,
    pub body: Option<Body>,
    pub doc: Option<Box<Doc>>,
    /// From the keyword to the end of the item (the doc comment excluded).
    pub span: Span,
}

impl Item {
    pub fn keyword(&self) -> &'static str {
        self.keyword.kind.as_str()
    }

    /// The keyword, to compare: `item.kind() == Keyword::Requirement`.
    pub fn kind(&self) -> Keyword {
        self.keyword.kind
    }

    pub fn name_text(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.text.as_str())
    }

    /// The entries of the body, or none.
    pub fn entries(&self) -> &[Entry] {
        self.body
            .as_ref()
            .map(|b| b.entries.as_slice())
            .unwrap_or(&[])
    }

    pub fn fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.entries().iter().filter_map(|e| match e {
            Entry::Field(f) => Some(f),
            _ => None,
        })
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> + Clone {
        self.entries().iter().filter_map(|e| match e {
            Entry::Item(i) => Some(&**i),
            _ => None,
        })
    }

    /// The first field with this name. A large body is searched through its name index.
    pub fn field(&self, name: &str) -> Option<&Field> {
        let body = self.body.as_ref()?;
        if body.entries.len() <= SCANNED_ENTRIES {
            return self.fields().find(|f| f.name.text == name);
        }
        body.named(&body.index().fields, name)
            .find_map(|e| match e {
                Entry::Field(f) => Some(f),
                _ => None,
            })
    }

    /// Does the body declare this enum variant?
    pub fn has_variant(&self, name: &str) -> bool {
        let Some(body) = self.body.as_ref() else {
            return false;
        };
        if body.entries.len() <= SCANNED_ENTRIES {
            return (body.entries.iter()).any(|e| matches!(e, Entry::Variant(v) if v.text == name));
        }
        (body.named(&body.index().variants, name).next()).is_some()
    }

    /// The first nested item with this keyword and name (a profile's `field f`).
    pub fn child(&self, keyword: Keyword, name: &str) -> Option<&Item> {
        let body = self.body.as_ref()?;
        if body.entries.len() <= SCANNED_ENTRIES {
            return self
                .items()
                .find(|i| i.kind() == keyword && i.name_text() == Some(name));
        }
        body.named(&body.index().items, name).find_map(|e| match e {
            Entry::Item(i) if i.kind() == keyword => Some(&**i),
            _ => None,
        })
    }

    /// The span that names the item: its name, else its keyword.
    pub fn name_span(&self) -> Span {
        self.name
            .as_ref()
            .map(|n| n.span)
            .unwrap_or(self.keyword.span)
    }
}

/// Bodies with at most this many entries are searched by a scan; larger ones through an
/// index of their names, so a lookup in a body of 20,000 fields is not a scan of them all.
const SCANNED_ENTRIES: usize = 16;

#[derive(Clone)]
pub struct Body {
    /// Not changed after the first lookup by name: the index is built then.
    pub entries: Vec<Entry>,
    /// From `{` to `}` inclusive.
    pub span: Span,
    /// The names of the entries, built on the first lookup in a large body.
    by_name: std::sync::OnceLock<Box<NameIndex>>,
}

/// The positions of a body's named fields and named items, each sorted by name and then
/// position, so the first of a name is found by binary search.
#[derive(Clone, Default)]
struct NameIndex {
    fields: Vec<u32>,
    items: Vec<u32>,
    variants: Vec<u32>,
}

impl Body {
    pub fn new(entries: Vec<Entry>, span: Span) -> Body {
        Body {
            entries,
            span,
            by_name: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &NameIndex {
        self.by_name.get_or_init(|| {
            let mut index = NameIndex::default();
            for (i, entry) in self.entries.iter().enumerate() {
                match entry {
                    Entry::Field(_) => index.fields.push(i as u32),
                    Entry::Item(item) if item.name.is_some() => index.items.push(i as u32),
                    Entry::Variant(_) => index.variants.push(i as u32),
                    Entry::Item(_) => {}
                }
            }
            let name = |i: &u32| self.entries[*i as usize].name();
            // Stable: entries of one name stay in source order.
            index.fields.sort_by(|a, b| name(a).cmp(name(b)));
            index.items.sort_by(|a, b| name(a).cmp(name(b)));
            index.variants.sort_by(|a, b| name(a).cmp(name(b)));
            Box::new(index)
        })
    }

    /// The entries of `sorted` (one of the index's lists) named `name`, in source order.
    fn named<'b, 'n>(
        &'b self,
        sorted: &'b [u32],
        name: &'n str,
    ) -> impl Iterator<Item = &'b Entry> + use<'b, 'n> {
        let start = sorted.partition_point(|&i| self.entries[i as usize].name() < name);
        sorted[start..]
            .iter()
            .map(|&i| &self.entries[i as usize])
            .take_while(move |e| e.name() == name)
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.entries == other.entries && self.span == other.span
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("entries", &self.entries)
            .field("span", &self.span)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Field(Field),
    /// Boxed: an item is several times the size of a field, and most entries are fields.
    Item(Box<Item>),
    Variant(Ident),
}

impl Entry {
    /// The field's, the item's or the variant's name ("" for an item without one).
    fn name(&self) -> &str {
        match self {
            Entry::Field(f) => &f.name.text,
            Entry::Item(item) => item.name_text().unwrap_or(""),
            Entry::Variant(v) => &v.text,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Entry::Field(f) => f.span,
            Entry::Item(i) => i.span,
            Entry::Variant(v) => v.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub value: Value,
    pub span: Span,
}

/// A string literal, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// A string or text block, decoded.
    Str(String),
    Int(i64),
    /// A decimal, as written (`1.5`).
    Decimal(compact_str::CompactString),
    Bool(bool),
    /// `2026-11-20`, as written; validated by the type checker.
    Date(compact_str::CompactString),
    /// `2026-11-28T02:00Z`, as written.
    DateTime(compact_str::CompactString),
    /// `90s`, `2h`, as written.
    Duration(compact_str::CompactString),
    /// `2.3.0`, as written.
    Version(compact_str::CompactString),
    /// `@alice`: the name without `@`.
    Person(compact_str::CompactString),
    /// A bare name: an enum variant, a declared name or a type.
    Name(compact_str::CompactString),
    /// A name with a version or constraint: `bgp-neighbor-template "^2.1"` / `… 2.3.0`.
    Ref {
        name: Box<Ident>,
        spec: Box<Value>,
    },
    /// A type application: `list<text>`.
    Generic {
        name: Box<Ident>,
        args: Vec<Value>,
    },
    List(Vec<Value>),
    /// An inline record `{ start: … length: … }`.
    Record(Vec<Field>),
    /// Something the parser could not read; already reported.
    Error,
}

impl Value {
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Decimal(_) => "a decimal",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Date(_) => "a date",
            ValueKind::DateTime(_) => "a date-time",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Version(_) => "a version",
            ValueKind::Person(_) => "a person reference",
            ValueKind::Name(_) => "a name",
            ValueKind::Ref { .. } => "an asset reference",
            ValueKind::Generic { .. } => "a type",
            ValueKind::List(_) => "a list",
            ValueKind::Record(_) => "a record",
            ValueKind::Error => "an invalid value",
        }
    }

    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Name(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Every item of a file, depth first, with its parent chain of keywords.
pub fn walk_items<'a>(items: &'a [Item], f: &mut dyn FnMut(&'a Item, usize)) {
    fn go<'a>(item: &'a Item, depth: usize, f: &mut dyn FnMut(&'a Item, usize)) {
        f(item, depth);
        for child in item.items() {
            go(child, depth + 1, f);
        }
    }
    for item in items {
        go(item, 0, f);
    }
}

#[cfg(test)]
mod tests {
    use super::Keyword;
    use crate::source::FileId;

    /// A large body is searched through its index, and finds what a scan finds: the first
    /// of a name, the item of the keyword asked for, and only the variants declared.
    #[test]
    fn lookups_in_a_large_body_find_what_a_scan_finds() {
        let mut text = String::from("profile p {\n  dup: 1\n  record x { }\n  field x: text\n");
        for i in 0..40 {
            text.push_str(&format!("  f{i}: {i}\n  field g{i}: text\n"));
        }
        text.push_str("  dup: 2\n  field x: int\n}\nenum e { ");
        let variants: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        text.push_str(&variants.join(", "));
        text.push_str(" }\n");
        let parsed = crate::syntax::parse(FileId(0), &text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let (p, e) = (&parsed.ast.items[0], &parsed.ast.items[1]);
        assert!(p.entries().len() > super::SCANNED_ENTRIES);
        for name in ["dup", "f0", "f39", "f17", "nope", ""] {
            let scanned = p.fields().find(|f| f.name.text == name);
            assert_eq!(
                p.field(name).map(|f| f.span),
                scanned.map(|f| f.span),
                "{name}"
            );
        }
        assert_eq!(p.field("dup").unwrap().value.span, {
            let at = text.find("dup: 1").unwrap() + 5;
            crate::source::Span::new(at, at + 1)
        });
        let x = p.child(Keyword::Field, "x").unwrap();
        assert_eq!(x.keyword(), "field");
        assert!(
            text[x.span.range()].ends_with("text"),
            "the first `field x`"
        );
        assert_eq!(p.child(Keyword::Record, "x").unwrap().keyword(), "record");
        assert!(p.child(Keyword::Field, "g39").is_some());
        assert!(p.child(Keyword::Field, "f1").is_none());
        assert!(p.child(Keyword::Enum, "x").is_none());
        assert!(e.has_variant("v0") && e.has_variant("v39") && e.has_variant("v17"));
        assert!(!e.has_variant("v40") && !e.has_variant("v"));
    }
}
