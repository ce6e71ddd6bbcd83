//! Semantic tokens: every token of a file classified by what it means, not only how it looks.
//!
//! Item keywords, field names, declared names (by what they declare, marked as declarations
//! where they are declared), references, enum variants, literals and comments. The language
//! server encodes them for the protocol; the token kind names are the standard semantic token
//! types editors already colour.

use std::collections::HashSet;

use crate::check::schema::BUILTIN_TYPES;
use crate::source::{FileId, Span};
use crate::syntax::token::Token;
use crate::syntax::{Entry, Field, Item, Value, ValueKind};

use super::index::Occurrence;
use super::Ide;
use crate::syntax::Keyword;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    Keyword,
    /// A field name.
    Property,
    /// Profiles, records, enums and built-in types.
    Type,
    /// Enum variants and the fixed words of the schema (`must`, `accepted`, …).
    EnumMember,
    /// Persons and an engagement's local names (requirements, components, tests, …).
    Variable,
    /// Assets and roles.
    Class,
    /// Engagements.
    Namespace,
    String,
    Number,
    Comment,
}

/// The token kinds in legend order, named as the standard semantic token types.
pub const TOKEN_KINDS: &[(TokenKind, &str)] = &[
    (TokenKind::Keyword, "keyword"),
    (TokenKind::Property, "property"),
    (TokenKind::Type, "type"),
    (TokenKind::EnumMember, "enumMember"),
    (TokenKind::Variable, "variable"),
    (TokenKind::Class, "class"),
    (TokenKind::Namespace, "namespace"),
    (TokenKind::String, "string"),
    (TokenKind::Number, "number"),
    (TokenKind::Comment, "comment"),
];

/// Modifier bit: the name is declared here.
pub const DECLARATION: u32 = 1;
/// Modifier bit: a doc comment.
pub const DOCUMENTATION: u32 = 2;
/// The modifiers in legend order.
pub const TOKEN_MODIFIERS: &[&str] = &["declaration", "documentation"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub kind: TokenKind,
    /// [`DECLARATION`] | [`DOCUMENTATION`] bits.
    pub modifiers: u32,
}

/// Spans of the file's syntax that the tokens alone do not tell apart.
#[derive(Default)]
struct Roles {
    keywords: HashSet<Span>,
    fields: HashSet<Span>,
    types: HashSet<Span>,
}

impl Ide<'_> {
    pub fn semantic_tokens(&self, file: FileId) -> Vec<SemanticToken> {
        let Some(text) = self.text(file) else {
            return Vec::new();
        };
        let mut roles = Roles::default();
        for item in self.items(file) {
            collect_item(item, &mut roles);
        }
        let occurrences: std::collections::HashMap<Span, Occurrence> =
            self.index.in_file(file).iter().copied().collect();
        let lexed = crate::syntax::token::lex(file, text);
        let mut out: Vec<SemanticToken> = Vec::new();
        for c in &lexed.comments {
            let modifiers = if c.kind == Token::DocComment {
                DOCUMENTATION
            } else {
                0
            };
            out.push(SemanticToken {
                span: c.span,
                kind: TokenKind::Comment,
                modifiers,
            });
        }
        for &(kind, span) in &lexed.tokens {
            let token = |kind, modifiers| {
                Some(SemanticToken {
                    span,
                    kind,
                    modifiers,
                })
            };
            let classified = match kind {
                Token::Str | Token::TextBlock => token(TokenKind::String, 0),
                Token::Int
                | Token::Decimal
                | Token::Date
                | Token::DateTime
                | Token::BadLiteral
                | Token::Duration
                | Token::Version => token(TokenKind::Number, 0),
                Token::Person => {
                    let name = Span::new(span.start as usize + 1, span.end as usize);
                    let modifiers = match occurrences.get(&name) {
                        Some(Occurrence::Decl(_)) => DECLARATION,
                        _ => 0,
                    };
                    token(TokenKind::Variable, modifiers)
                }
                Token::Ident => self.classify_ident(text, span, &roles, occurrences.get(&span)),
                _ => None,
            };
            out.extend(classified);
        }
        out.sort_by_key(|t| t.span);
        out
    }

    fn classify_ident(
        &self,
        text: &str,
        span: Span,
        roles: &Roles,
        occurrence: Option<&Occurrence>,
    ) -> Option<SemanticToken> {
        let word = text.get(span.range()).unwrap_or("");
        let (kind, modifiers) = if roles.keywords.contains(&span) {
            (TokenKind::Keyword, 0)
        } else if let Some(occurrence) = occurrence {
            let (decl, modifiers) = match *occurrence {
                Occurrence::Decl(d) => (Some(d), DECLARATION),
                Occurrence::Ref(r) => (self.index.refs[r].target, 0),
            };
            let kind = match decl.map(|d| self.index.decls[d].kind.as_str()) {
                Some("engagement") => TokenKind::Namespace,
                Some("asset" | "role") => TokenKind::Class,
                Some("profile" | "record" | "enum") => TokenKind::Type,
                Some("field") => TokenKind::Property,
                Some("variant") => TokenKind::EnumMember,
                _ => TokenKind::Variable,
            };
            (kind, modifiers)
        } else if roles.fields.contains(&span) {
            (TokenKind::Property, 0)
        } else if roles.types.contains(&span) && (BUILTIN_TYPES.contains(&word) || word == "list") {
            (TokenKind::Type, 0)
        } else if matches!(word, "true" | "false" | "by") {
            (TokenKind::Keyword, 0)
        } else {
            (TokenKind::EnumMember, 0)
        };
        Some(SemanticToken {
            span,
            kind,
            modifiers,
        })
    }
}

fn collect_item(item: &Item, roles: &mut Roles) {
    roles.keywords.insert(item.keyword.span);
    if item.kind() == Keyword::Gate {
        if let Some(name) = &item.name {
            roles.keywords.insert(name.span);
        }
    }
    if let Some(ty) = &item.ty {
        collect_type(ty, roles);
    }
    for entry in item.entries() {
        match entry {
            Entry::Item(child) => collect_item(child, roles),
            Entry::Field(f) => {
                collect_field(f, roles);
                if item.kind() == Keyword::Record {
                    collect_type(&f.value, roles);
                }
            }
            Entry::Variant(_) => {}
        }
    }
}

fn collect_field(field: &Field, roles: &mut Roles) {
    roles.fields.insert(field.name.span);
    collect_value(&field.value, roles);
}

fn collect_value(value: &Value, roles: &mut Roles) {
    match &value.kind {
        ValueKind::List(items) => {
            for v in items {
                collect_value(v, roles);
            }
        }
        ValueKind::Record(fields) => {
            for f in fields {
                collect_field(f, roles);
            }
        }
        ValueKind::Generic { .. } => collect_type(value, roles),
        _ => {}
    }
}

fn collect_type(ty: &Value, roles: &mut Roles) {
    match &ty.kind {
        ValueKind::Name(_) => {
            roles.types.insert(ty.span);
        }
        ValueKind::Generic { name, args } => {
            roles.types.insert(name.span);
            for a in args {
                collect_type(a, roles);
            }
        }
        _ => {}
    }
}
