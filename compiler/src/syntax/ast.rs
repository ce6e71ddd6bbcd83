//! The syntax tree of one `.sdd` file, with byte spans.
//!
//! The tree is uniform: a file is a list of [`Item`]s; an item is a keyword (`engagement`,
//! `requirement`, `gate`, …) with an optional name, title and body; a body holds [`Entry`]s —
//! fields, nested items and enum variants. What each keyword allows is the schema's business
//! (`check::schema`), which turns this tree into the typed model. Literal values keep their
//! source spelling next to the decoded value so the formatter can reprint them faithfully.

use crate::source::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub text: compact_str::CompactString,
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
    pub keyword: Ident,
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
    pub fn keyword(&self) -> &str {
        &self.keyword.text
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

    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.entries().iter().filter_map(|e| match e {
            Entry::Field(f) => Some(f),
            _ => None,
        })
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.entries().iter().filter_map(|e| match e {
            Entry::Item(i) => Some(&**i),
            _ => None,
        })
    }

    /// The first field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields().find(|f| f.name.text == name)
    }

    /// The span that names the item: its name, else its keyword.
    pub fn name_span(&self) -> Span {
        self.name
            .as_ref()
            .map(|n| n.span)
            .unwrap_or(self.keyword.span)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub entries: Vec<Entry>,
    /// From `{` to `}` inclusive.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Field(Field),
    /// Boxed: an item is several times the size of a field, and most entries are fields.
    Item(Box<Item>),
    Variant(Ident),
}

impl Entry {
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
