//! The type a value position expects: a schema field's type, or a type expression declared by
//! a profile `field` or a `record` field, followed through lists and inline records. Hover
//! reads it to explain an enum variant or a fixed choice under the cursor; completion reads it
//! to offer the values of a field inside an inline record (`window: { kind: | }`).

use crate::check::schema::Ty;
use crate::syntax::{Entry, Item, Value, ValueKind};

use super::hover::block_for;
use super::index::Decl;
use super::{item_with_span, Ide};
use crate::syntax::Keyword;

/// What a value is expected to be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expected<'a> {
    /// A field the schema defines.
    Schema(Ty),
    /// A declared type expression: `text`, `vendor`, `list<window>`.
    Declared(&'a Value),
}

impl Expected<'_> {
    /// The type of an element, when this is a list type.
    pub(crate) fn element(self) -> Option<Self> {
        match self {
            Expected::Schema(Ty::List(t)) => Some(Expected::Schema(*t)),
            Expected::Declared(Value {
                kind: ValueKind::Generic { name, args },
                ..
            }) if name.text == "list" && args.len() == 1 => Some(Expected::Declared(&args[0])),
            _ => None,
        }
    }
}

impl<'a> Ide<'a> {
    /// The type of field `field` of the innermost item of `chain`: the schema's, else the one
    /// the engagement's profile declares.
    pub(crate) fn field_type(&self, chain: &[&'a Item], field: &str) -> Option<Expected<'a>> {
        let keywords: Vec<&str> = chain.iter().map(|i| i.keyword()).collect();
        if let Some(rule) = block_for(&keywords).and_then(|b| b.field(field)) {
            return Some(Expected::Schema(rule.ty));
        }
        let engagement = chain.last().filter(|i| i.kind() == Keyword::Engagement)?;
        self.profile_fields(engagement)
            .1
            .into_iter()
            .find(|d| d.name_text() == Some(field))
            .and_then(|d| d.ty.as_deref())
            .map(Expected::Declared)
    }

    /// The items of the `field` declarations of an engagement's profile, and the profile's file.
    pub(crate) fn profile_fields(
        &self,
        engagement: &Item,
    ) -> (crate::source::FileId, Vec<&'a Item>) {
        let none = (crate::source::FileId(0), Vec::new());
        let Some(profile) = engagement.field("profile").and_then(|f| f.value.as_name()) else {
            return none;
        };
        let Some(decl) = self.index.global(profile, "profile") else {
            return none;
        };
        let fields = item_with_span(&self.estate.ast(decl.file).items, decl.item_span)
            .map(|p| p.items().filter(|i| i.kind() == Keyword::Field).collect())
            .unwrap_or_default();
        (decl.file, fields)
    }

    /// The declaration a type expression names with this keyword (`enum`, `record`), itself
    /// or as the element of a list.
    pub(crate) fn declared(&self, ty: &Value, keyword: &str) -> Option<(&'a Decl, &'a Item)> {
        let name = match &ty.kind {
            ValueKind::Generic { name, args } if name.text == "list" && args.len() == 1 => {
                args[0].as_name()
            }
            _ => ty.as_name(),
        }?;
        let decl = self.index.global(name, keyword)?;
        let item = item_with_span(&self.estate.ast(decl.file).items, decl.item_span)?;
        Some((decl, item))
    }

    /// The declared type of field `field` of the record a type expression names.
    pub(crate) fn record_field_type(&self, record: Expected<'a>, field: &str) -> Option<&'a Value> {
        let Expected::Declared(ty) = record else {
            return None;
        };
        let (_, item) = self.declared(ty, "record")?;
        item.field(field).map(|f| &f.value)
    }

    /// The innermost value of `field` at `offset`, and the type expected there.
    pub(crate) fn value_at(
        &self,
        chain: &[&'a Item],
        field: &'a crate::syntax::Field,
        offset: usize,
    ) -> Option<(&'a Value, Expected<'a>)> {
        let mut expected = self.field_type(chain, &field.name.text)?;
        let mut value = &field.value;
        loop {
            match &value.kind {
                ValueKind::List(values) => {
                    value = values.iter().find(|v| v.span.contains(offset))?;
                    expected = expected.element()?;
                }
                ValueKind::Record(fields) => {
                    let inner = fields.iter().find(|f| f.value.span.contains(offset))?;
                    let record = match expected.element() {
                        Some(element) => element,
                        None => expected,
                    };
                    expected =
                        Expected::Declared(self.record_field_type(record, &inner.name.text)?);
                    value = &inner.value;
                }
                _ => return Some((value, expected)),
            }
        }
    }
}

/// The variants of an enum item.
pub(crate) fn variants(item: &Item) -> Vec<&str> {
    item.entries()
        .iter()
        .filter_map(|e| match e {
            Entry::Variant(v) => Some(v.text.as_str()),
            _ => None,
        })
        .collect()
}
