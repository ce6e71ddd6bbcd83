//! Completion by context: the fields and blocks a block allows (blocks as snippets), the
//! variants a field takes, and the declared names of the kind a field expects: assets for
//! `reuses`, requirements for `satisfies`, persons for `approved_by`, types for `field x:`.
//!
//! The context is read from the tokens before the cursor ([`context`]), so it works on text
//! that does not parse yet: after `name:` (or inside `name: [ … ]`) a value of field `name`
//! is wanted; after `verified`, `by`, `built` or `gate` a header name; elsewhere inside a
//! block a field or a nested block. The schema (`check::schema`) says what each block allows.

use std::collections::HashSet;

use crate::check::schema::{Block, ItemRule, Need, Ty, BUILTIN_TYPES};
use crate::source::{FileId, Span};
use crate::syntax::{Item, Keyword, Value, ValueKind};

use self::context::{context, typing_chain, word_start, Context};
use super::hover::{block_for, type_name};
use super::index::Scope;
use super::value_types::variants;
use super::{floor_boundary, Ide};

mod context;
mod ranking;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    Field,
    /// A nested block or a declaration, inserted as a snippet.
    Block,
    Variant,
    /// A declared name: person, asset, requirement, …
    Name,
    Type,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
    /// The text to insert; a snippet (`${1:…}` placeholders) when `snippet` is set.
    pub insert: String,
    pub snippet: bool,
    /// The partly typed word the completion replaces.
    pub replace: Span,
}

impl Ide<'_> {
    pub fn completion(&self, file: FileId, offset: usize) -> Vec<Completion> {
        let Some(items) = self.items_at(file, offset) else {
            return Vec::new();
        };
        let text = self.estate.files.text(file);
        let offset = floor_boundary(text, offset);
        let start = word_start(text, offset);
        let replace = Span::new(start, offset);
        let chain = typing_chain(items, text, offset);
        let context = context(file, text, start, offset);
        let mut found = match context {
            Context::Entry => self.entries(&chain, offset),
            Context::Value(field) => {
                let mut found = self.values(&chain, &field);
                // A name already in the list (`satisfies: [R1, |]`) is not offered again.
                // A set: a list of thousands of names, each candidate looked up in it.
                let listed = listed_names(chain.last().copied(), &field, offset);
                found.retain(|c| !listed.contains(&c.label));
                self.rank(file, &chain, &field, &mut found);
                found
            }
            Context::Type => self.types(),
            Context::Header(what) => self.header(&chain, what),
            Context::Record(field) => self.record_fields(&chain, &field),
            Context::RecordValue(outer, field) => self.record_values(&chain, &outer, &field),
            Context::None => Vec::new(),
        };
        for c in &mut found {
            c.replace = replace;
        }
        found
    }

    /// Fields and blocks allowed in the innermost block around the cursor.
    fn entries(&self, chain: &[&Item], offset: usize) -> Vec<Completion> {
        let inside: Vec<&Item> = chain
            .iter()
            .copied()
            .filter(|i| {
                i.body
                    .as_ref()
                    .is_some_and(|b| b.span.start as usize <= offset.saturating_sub(1))
            })
            .collect();
        let keywords: Vec<&str> = inside.iter().map(|i| i.keyword()).collect();
        let Some(block) = block_for(&keywords) else {
            return Vec::new();
        };
        let current = inside.last().copied();
        // What the block already has (the word being typed is not a field yet), as a set: a
        // profile of thousands of fields is looked up, not scanned, once per field.
        let given: HashSet<&str> = (current.iter())
            .flat_map(|i| i.fields())
            .filter(|f| !f.name.span.contains(offset))
            .map(|f| f.name.text.as_str())
            .collect();
        let present = |name: &str| given.contains(name);
        let mut found = Vec::new();
        for f in block.fields.iter().filter(|f| !present(f.name)) {
            found.push(field_completion(f.name, &type_name(f.ty), f.doc));
        }
        if let Some(engagement) = current.filter(|i| i.kind() == Keyword::Engagement) {
            let (profile_file, fields) = self.profile_fields(engagement);
            for decl in fields {
                let Some(name) = decl.name_text() else {
                    continue;
                };
                if present(name) {
                    continue;
                }
                let ty = decl
                    .ty
                    .as_ref()
                    .and_then(|t| self.estate.files.text(profile_file).get(t.span.range()))
                    .unwrap_or("?");
                let need = if decl.optional.is_some() {
                    "optional"
                } else {
                    "required"
                };
                found.push(field_completion(
                    name,
                    ty,
                    &format!("profile field ({need})"),
                ));
            }
        }
        // Both gates recorded: no third.
        let gates = |i: &Item| {
            (i.items())
                .filter(|c| c.kind() == Keyword::Gate && !c.keyword.span.contains(offset))
                .count()
        };
        for rule in block.items {
            let taken = (rule.once
                && current.is_some_and(|i| {
                    i.items()
                        .any(|c| c.kind() == rule.keyword && !c.keyword.span.contains(offset))
                }))
                || (rule.keyword == Keyword::Gate && current.is_some_and(|i| gates(i) >= 2));
            if !taken {
                found.push(block_completion(rule));
            }
        }
        found
    }

    /// Values for a field of the innermost block.
    fn values(&self, chain: &[&Item], field: &str) -> Vec<Completion> {
        let keywords: Vec<&str> = chain.iter().map(|i| i.keyword()).collect();
        let holder = chain.last().map(|i| i.kind());
        if let Some(kinds) = holder.and_then(|k| super::index::local_names_of(k, field)) {
            return self.locals(chain, kinds);
        }
        if let Some(rule) = block_for(&keywords).and_then(|b| b.field(field)) {
            return self.values_of(chain, rule.ty);
        }
        match chain.last() {
            Some(e) if e.kind() == Keyword::Engagement => {
                let declared = self
                    .profile_fields(e)
                    .1
                    .into_iter()
                    .find(|d| d.name_text() == Some(field))
                    .and_then(|d| d.ty.as_ref());
                declared.map(|t| self.typed_values(t)).unwrap_or_default()
            }
            Some(r) if r.kind() == Keyword::Record => self.types(),
            _ => Vec::new(),
        }
    }

    fn values_of(&self, chain: &[&Item], ty: Ty) -> Vec<Completion> {
        match ty {
            Ty::Choice(words) => words
                .iter()
                .map(|w| simple(w, CompletionKind::Variant, "variant"))
                .collect(),
            Ty::List(elem) => self.values_of(chain, *elem),
            Ty::Person | Ty::Persons => self.persons(),
            Ty::Decl(kind) => self
                .index
                .globals_of(kind)
                .into_iter()
                .map(|d| simple(&d.name, CompletionKind::Name, kind))
                .collect(),
            Ty::Local(kinds) => self.locals(chain, kinds),
            Ty::AssetConstraint | Ty::AssetVersion => self.assets(ty == Ty::AssetConstraint),
            Ty::Type => self.types(),
            _ => Vec::new(),
        }
    }

    /// Values of a declared type: enum variants, persons.
    fn typed_values(&self, ty: &Value) -> Vec<Completion> {
        match &ty.kind {
            ValueKind::Generic { args, .. } if args.len() == 1 => self.typed_values(&args[0]),
            ValueKind::Name(t) if t == "person" => self.persons(),
            ValueKind::Name(t) => {
                let Some(decl) = self.index.global(t, "enum") else {
                    return Vec::new();
                };
                let Some(item) =
                    super::item_with_span(&self.estate.ast(decl.file).items, decl.item_span)
                else {
                    return Vec::new();
                };
                variants(item)
                    .into_iter()
                    .map(|v| simple(v, CompletionKind::Variant, &format!("variant of {t}")))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn persons(&self) -> Vec<Completion> {
        self.index
            .globals_of("person")
            .into_iter()
            .map(|d| Completion {
                label: format!("@{}", d.name),
                kind: CompletionKind::Name,
                detail: "person".into(),
                insert: format!("@{}", d.name),
                snippet: false,
                replace: Span::default(),
            })
            .collect()
    }

    fn locals(&self, chain: &[&Item], kinds: &[Keyword]) -> Vec<Completion> {
        let Some(engagement) = chain.first().filter(|e| e.kind() == Keyword::Engagement) else {
            return Vec::new();
        };
        let Some(owner) = engagement
            .name
            .as_ref()
            .and_then(|n| self.index.resolve(Scope::Estate, &n.text))
        else {
            return Vec::new();
        };
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        self.index
            .scoped_of(owner, &kinds)
            .into_iter()
            .map(|d| {
                let title = super::item_with_span(&self.estate.ast(d.file).items, d.item_span)
                    .and_then(|i| i.title.as_ref())
                    .map(|t| format!("{}: {}", d.kind, t.value))
                    .unwrap_or_else(|| d.kind.clone());
                simple(&d.name, CompletionKind::Name, &title)
            })
            .collect()
    }

    /// Assets, inserted with a constraint on their current version or that exact version.
    fn assets(&self, constraint: bool) -> Vec<Completion> {
        self.index
            .globals_of("asset")
            .into_iter()
            .map(|d| {
                let version = self
                    .asset_versions(&d.name)
                    .and_then(|v| v.into_iter().max());
                let insert = match (&version, constraint) {
                    (Some(v), true) => format!("{} \"^{}.{}\"", d.name, v.major, v.minor),
                    (Some(v), false) => format!("{} {v}", d.name),
                    (None, _) => d.name.clone(),
                };
                Completion {
                    label: d.name.clone(),
                    kind: CompletionKind::Name,
                    detail: match &version {
                        Some(v) => format!("asset {v}"),
                        None => "asset".into(),
                    },
                    insert,
                    snippet: false,
                    replace: Span::default(),
                }
            })
            .collect()
    }

    fn types(&self) -> Vec<Completion> {
        let mut found: Vec<Completion> = BUILTIN_TYPES
            .iter()
            .map(|t| simple(t, CompletionKind::Type, "built-in type"))
            .collect();
        found.push(Completion {
            label: "list<…>".into(),
            kind: CompletionKind::Type,
            detail: "a list".into(),
            insert: "list<${1:text}>".into(),
            snippet: true,
            replace: Span::default(),
        });
        for kind in ["enum", "record"] {
            for d in self.index.globals_of(kind) {
                found.push(simple(&d.name, CompletionKind::Type, kind));
            }
        }
        found
    }

    /// The fields of the record a field's value is: a profile field of a record type (or a
    /// list of it), or a profile's `quorum`.
    fn record_fields(&self, chain: &[&Item], field: &str) -> Vec<Completion> {
        let Some(item) = chain.last() else {
            return Vec::new();
        };
        if item.kind() == Keyword::Profile && field == "quorum" {
            return ["spec", "design"]
                .iter()
                .map(|g| field_completion(g, "int", &format!("distinct approvers gate {g} needs")))
                .collect();
        }
        if item.kind() != Keyword::Engagement {
            return Vec::new();
        }
        let (_, fields) = self.profile_fields(item);
        let Some(ty) = fields
            .into_iter()
            .find(|d| d.name_text() == Some(field))
            .and_then(|d| d.ty.as_ref())
        else {
            return Vec::new();
        };
        let record = match &ty.kind {
            ValueKind::Generic { args, .. } if args.len() == 1 => args[0].as_name(),
            _ => ty.as_name(),
        };
        let Some(decl) = record.and_then(|r| self.index.global(r, "record")) else {
            return Vec::new();
        };
        let text = self.estate.files.text(decl.file);
        super::item_with_span(&self.estate.ast(decl.file).items, decl.item_span)
            .map(|r| {
                r.fields()
                    .map(|f| {
                        let ty = text.get(f.value.span.range()).unwrap_or("?");
                        field_completion(
                            &f.name.text,
                            ty,
                            &format!("field of record {}", decl.name),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Values of a field of an inline record: the variants of its enum type, persons.
    fn record_values(&self, chain: &[&Item], outer: &str, field: &str) -> Vec<Completion> {
        let Some(expected) = self.field_type(chain, outer) else {
            return Vec::new();
        };
        let record = expected.element().unwrap_or(expected);
        match self.record_field_type(record, field) {
            Some(ty) => self.typed_values(ty),
            None => Vec::new(),
        }
    }

    fn header(&self, chain: &[&Item], what: &str) -> Vec<Completion> {
        match what {
            // A gate already recorded is not offered again.
            "gate" => ["spec", "design"]
                .iter()
                .filter(|g| {
                    !chain.iter().any(|i| {
                        i.kind() == Keyword::Engagement
                            && i.items()
                                .any(|c| c.kind() == Keyword::Gate && c.name_text() == Some(**g))
                    })
                })
                .map(|g| simple(g, CompletionKind::Variant, "gate"))
                .collect(),
            "verified" => self.locals(chain, &[Keyword::Requirement]),
            "by" => self.locals(chain, &[Keyword::Test]),
            "built" => self.locals(chain, &[Keyword::Component]),
            _ => Vec::new(),
        }
    }
}

/// The names already in the list value of `field` of `item` (persons with their `@`, as
/// offered), but the one at the cursor.
fn listed_names(item: Option<&Item>, field: &str, offset: usize) -> HashSet<String> {
    let Some(f) = item.and_then(|i| i.field(field)) else {
        return HashSet::new();
    };
    match &f.value.kind {
        ValueKind::List(values) => (values.iter())
            .filter(|v| !(v.span.start as usize..=v.span.end as usize).contains(&offset))
            .filter_map(|v| match &v.kind {
                ValueKind::Person(p) => Some(format!("@{p}")),
                _ => v.as_name().map(str::to_string),
            })
            .collect(),
        _ => HashSet::new(),
    }
}

fn simple(label: &str, kind: CompletionKind, detail: &str) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail: detail.to_string(),
        insert: label.to_string(),
        snippet: false,
        replace: Span::default(),
    }
}

fn field_completion(name: &str, ty: &str, doc: &str) -> Completion {
    Completion {
        label: name.to_string(),
        kind: CompletionKind::Field,
        detail: format!("{ty} — {doc}"),
        insert: format!("{name}: "),
        snippet: false,
        replace: Span::default(),
    }
}

/// A block as a snippet: header placeholders, then the fields a new block should have.
fn block_completion(rule: &ItemRule) -> Completion {
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let mut s = rule.keyword.to_string();
    if rule.name != Need::Never {
        if rule.keyword == Keyword::Gate {
            s.push_str(&format!(" ${{{}|spec,design|}}", next()));
        } else {
            s.push_str(&format!(
                " ${{{}:{}}}",
                next(),
                placeholder_name(rule.keyword.as_str())
            ));
        }
    }
    if rule.ty != Need::Never {
        s.push_str(&format!(": ${{{}:text}}", next()));
    }
    if rule.title != Need::Never {
        s.push_str(&format!(" \"${{{}:title}}\"", next()));
    }
    if rule.by != Need::Never {
        s.push_str(&format!(" by ${{{}:TEST}}", next()));
    }
    if rule.body != Need::Never {
        s.push_str(" {\n");
        for f in suggested_fields(rule) {
            let value = match f.1 {
                Ty::Choice(words) => format!("${{{}|{}|}}", next(), words.join(",")),
                Ty::Text => format!("\"${{{}}}\"", next()),
                Ty::Person | Ty::Persons => format!("@${{{}}}", next()),
                Ty::List(_) => format!("[${{{}}}]", next()),
                _ => format!("${{{}}}", next()),
            };
            s.push_str(&format!("\t{}: {value}\n", f.0));
        }
        s.push_str("\t$0\n}");
    }
    Completion {
        label: rule.keyword.to_string(),
        kind: CompletionKind::Block,
        detail: rule.doc.to_string(),
        insert: s,
        snippet: true,
        replace: Span::default(),
    }
}

fn placeholder_name(keyword: &str) -> &'static str {
    match keyword {
        "requirement" => "R1",
        "constraint" => "C1",
        "finding" => "F1",
        "risk" => "K1",
        "test" => "T1",
        "deviation" => "D1",
        "verified" => "R1",
        "built" => "COMPONENT",
        _ => "NAME",
    }
}

/// The fields a new block of this kind is written with: the required ones, and the ones
/// readiness asks for.
fn suggested_fields(rule: &ItemRule) -> Vec<(&'static str, Ty)> {
    let extra: &[&str] = match rule.keyword {
        Keyword::Requirement => &["priority", "acceptance"],
        Keyword::Component => &["satisfies"],
        Keyword::Test => &["verifies"],
        Keyword::Deviation => &["affects"],
        Keyword::Gate => &["fingerprint"],
        _ => &[],
    };
    let block: &Block = rule.block;
    block
        .fields
        .iter()
        .filter(|f| f.required || extra.contains(&f.name))
        .map(|f| (f.name, f.ty))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::estate::Estate;
    use crate::ide::{Ide, Index};
    use crate::source::FileId;

    /// The labels offered at `|` (removed from the text).
    fn labels(text: &str) -> Vec<String> {
        let at = text.find('|').expect("the cursor");
        let text = text.replace('|', "");
        let estate = Estate::from_sources([("a.sdd", text)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        (ide.completion(FileId(0), at).into_iter())
            .map(|c| c.label)
            .collect()
    }

    const ENGAGEMENT: &str = "engagement e {\n  requirements {\n    requirement R1 \"a\" { priority: must }\n    requirement R2 \"b\" { priority: must }\n  }\n  design {\n    component c \"c\" { satisfies: [R1, |] }\n  }\n}\n";

    #[test]
    fn what_is_already_there_is_not_offered_again() {
        assert_eq!(labels(ENGAGEMENT), ["R2"]);
        let gates = "engagement e {\n  gate spec { on: 2026-01-01 }\n  gate design { on: 2026-01-02 }\n  |\n}\n";
        assert!(
            !labels(gates).iter().any(|l| l == "gate"),
            "{:?}",
            labels(gates)
        );
        let one = "engagement e {\n  gate spec { on: 2026-01-01 }\n  gate |\n}\n";
        assert_eq!(labels(one), ["design"]);
    }

    /// The labels and details offered at `|`, in order.
    fn offered(text: &str) -> Vec<(String, String)> {
        let at = text.find('|').expect("the cursor");
        let text = text.replace('|', "");
        let estate = Estate::from_sources([("a.sdd", text)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        (ide.completion(FileId(0), at).into_iter())
            .map(|c| (c.label, c.detail))
            .collect()
    }

    const GOVERNANCE: &str =
        "role lead { approves: [spec, design, deviation] domains: [network] }\n\
        role cloud { approves: [spec, design] domains: [cloud] }\n\
        role reviewer { approves: [spec] domains: [network] }\n\
        person ann { name: \"A\" roles: [lead] }\nperson bo { name: \"B\" roles: [cloud] }\n\
        person cy { name: \"C\" roles: [reviewer] }\nperson dee { name: \"D\" roles: [lead] }\n\
        person eve { name: \"E\" roles: [lead] }\n\
        profile net { domain: network }\n";

    #[test]
    fn approvers_who_may_approve_come_first_and_the_others_say_why_not() {
        let gate = format!(
            "{GOVERNANCE}engagement e {{\n  profile: net\n  owner: @dee\n  gate design {{\n    approved_by: [@eve, @|]\n  }}\n}}\n"
        );
        let found = offered(&gate);
        let labels: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["@ann", "@bo", "@cy", "@dee"], "{found:?}");
        assert_eq!(found[0].1, "person");
        assert_eq!(
            found[1].1,
            "person — no role approves design in network (SDD206)"
        );
        assert_eq!(found[3].1, "person — the engagement's owner (SDD207)");
        // The reviewer approves specs in the domain.
        let spec = gate.replace("gate design", "gate spec");
        let labels: Vec<String> = offered(&spec).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["@ann", "@cy", "@bo", "@dee"]);
        // A deviation: not the owner nor the build's operator either.
        let deviation = format!(
            "{GOVERNANCE}engagement e {{\n  profile: net\n  owner: @dee\n  build {{ operator: @ann }}\n  as_built {{\n    deviation D1 \"d\" {{\n      approved_by: @|\n    }}\n  }}\n}}\n"
        );
        let found = offered(&deviation);
        let labels: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["@eve", "@ann", "@bo", "@cy", "@dee"], "{found:?}");
        assert_eq!(found[1].1, "person — who operated the build (SDD303)");
        assert_eq!(
            found[2].1,
            "person — no role approves deviation in network (SDD303)"
        );
    }

    #[test]
    fn retired_assets_come_last_and_an_asset_does_not_require_itself() {
        let assets = "asset a-old { version: 1.0.0 status: retired }\n\
            asset b-dep { version: 1.0.0 status: deprecated }\nasset c-new { version: 1.0.0 }\n";
        let reuse = format!(
            "{assets}engagement e {{\n  design {{\n    component x \"x\" {{ reuses: | }}\n  }}\n}}\n"
        );
        let found = offered(&reuse);
        let labels: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["c-new", "b-dep", "a-old"], "{found:?}");
        assert_eq!(found[2].1, "asset 1.0.0 — retired (SDD403)");
        let requires = assets.replace("version: 1.0.0 }", "version: 1.0.0 requires: [|] }");
        assert_eq!(
            offered(&requires)
                .into_iter()
                .map(|(l, _)| l)
                .collect::<Vec<_>>(),
            ["b-dep", "a-old"]
        );
    }

    /// The block being typed, not closed yet and the last of its parent, is the context of
    /// what is typed in it, as it is once closed (the recovery closes it before the cursor).
    #[test]
    fn a_block_not_closed_yet_is_the_context_of_what_is_typed_in_it() {
        let gate =
            "person a { name: \"A\" }\nengagement e {\n  gate spec {\n    approved_by: @|\n}\n";
        assert_eq!(labels(gate), ["@a"]);
        let reuses = "asset z { version: 1.0.0 }\nengagement e {\n  design {\n    component x \"x\" {\n      reuses: |\n}\n";
        assert_eq!(labels(reuses), ["z"]);
        let entry = "engagement e {\n  design {\n    component x \"x\" {\n      sat|\n}\n";
        assert!(
            labels(entry).iter().any(|l| l == "satisfies"),
            "{:?}",
            labels(entry)
        );
        // A line indented no deeper than the block's header is after it.
        let after =
            "engagement e {\n  design {\n    component x \"x\" {\n      capability: c\n  |\n}\n";
        assert!(
            !labels(after).iter().any(|l| l == "satisfies"),
            "{:?}",
            labels(after)
        );
        // A block closed by its own `}` is not re-entered.
        let closed =
            "engagement e {\n  design {\n    component x \"x\" { capability: c }\n      |\n}\n";
        assert!(
            !labels(closed).iter().any(|l| l == "satisfies"),
            "{:?}",
            labels(closed)
        );
    }
}
