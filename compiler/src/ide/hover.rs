//! Hover: what the thing under the cursor is, as Markdown.
//!
//! A name shows its declaration (doc comment, title, declared type) and what the estate knows
//! about it: where a requirement is satisfied and verified, an asset's version, status and
//! dependents, an engagement's derived status. A gate shows its approvers and whether its
//! fingerprint still holds; a field name or a block keyword shows the schema's description.

use crate::check::schema::{rule_for, Block, Ty};
use crate::source::{FileId, Span};
use crate::syntax::{Entry, Item};

use super::annotations::{approver_list, gate_state, GateState};
use super::index::{Decl, DeclId, Scope};
use super::value_types::{variants, Expected};
use super::{item_with_span, items_around, Ide};
use crate::syntax::Keyword;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The text the hover is about.
    pub span: Span,
    pub markdown: String,
}

impl Ide<'_> {
    pub fn hover(&self, file: FileId, offset: usize) -> Option<Hover> {
        let items = self.items_at(file, offset)?;
        let chain = items_around(items, offset);
        if let Some(occurrence) = self.index.occurrence_at(file, offset) {
            let span = match occurrence {
                super::index::Occurrence::Decl(d) => self.index.decls[d].name_span,
                super::index::Occurrence::Ref(r) => self.index.refs[r].span,
            };
            match self.index.target(occurrence) {
                // An enum variant where it is used: the value hover below says what it means.
                Some(decl) if self.index.decls[decl].kind == "variant" => {
                    if let super::index::Occurrence::Decl(_) = occurrence {
                        return self.variant_declared(decl, span);
                    }
                }
                Some(decl) => {
                    return Some(Hover {
                        span,
                        markdown: self.describe(decl),
                    })
                }
                None => {}
            }
        }
        let item = *chain.last()?;
        if item.kind() == Keyword::Gate && item.keyword.span.to(item.name_span()).contains(offset) {
            let engagement = chain.first().filter(|e| e.kind() == Keyword::Engagement)?;
            return Some(Hover {
                span: item.keyword.span.to(item.name_span()),
                markdown: self.gate_hover(file, engagement, item),
            });
        }
        let keywords: Vec<&str> = chain.iter().map(|i| i.keyword()).collect();
        if item.keyword.span.contains(offset) {
            let rule = rule_for(&keywords)?;
            return Some(Hover {
                span: item.keyword.span,
                markdown: format!("```sdd\n{}\n```\n{}", rule.keyword, rule.doc),
            });
        }
        if let Some(hover) = self.value_hover(&chain, offset) {
            return Some(hover);
        }
        let field = item.fields().find(|f| f.name.span.contains(offset))?;
        let markdown = match rule_for(&keywords).and_then(|r| r.block.field(&field.name.text)) {
            Some(rule) => format!(
                "```sdd\n{}: {}\n```\n{}\n\n{}{}",
                rule.name,
                type_name(rule.ty),
                rule.doc,
                if rule.required {
                    "Required. "
                } else {
                    "Optional. "
                },
                capitalise(&rule.ty.describe())
            ),
            None => self.profile_field_hover(file, offset)?,
        };
        Some(Hover {
            span: field.name.span,
            markdown,
        })
    }

    /// A fixed choice (`priority: must`) or an enum variant (`vendors: [juniper]`) under the
    /// cursor, in a list or an inline record too: what it means and what else it could be.
    fn value_hover(&self, chain: &[&Item], offset: usize) -> Option<Hover> {
        let item = *chain.last()?;
        let field = item.fields().find(|f| f.value.span.contains(offset))?;
        let (value, expected) = self.value_at(chain, field, offset)?;
        let word = value.as_name()?;
        let markdown = match expected {
            Expected::Schema(Ty::Choice(words)) if words.contains(&word) => {
                let keywords: Vec<&str> = chain.iter().map(|i| i.keyword()).collect();
                let doc = rule_for(&keywords)
                    .and_then(|r| r.block.field(&field.name.text))
                    .map(|r| r.doc)
                    .unwrap_or("");
                let others: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                format!(
                    "```sdd\n{}: {word}\n```\nOne of the fixed choices of `{}`: {}.\n\n{doc}",
                    field.name.text,
                    field.name.text,
                    others.join(", ")
                )
            }
            Expected::Declared(ty) => {
                let (decl, enumeration) = self.declared(ty, "enum")?;
                variant_markdown(&decl.name, enumeration, word)?
            }
            _ => return None,
        };
        Some(Hover {
            span: value.span,
            markdown,
        })
    }

    fn profile_field_hover(&self, file: FileId, offset: usize) -> Option<String> {
        let occurrence = self.index.occurrence_at(file, offset)?;
        self.index.target(occurrence).map(|d| self.describe(d))
    }

    fn item_of(&self, decl: &Decl) -> Option<&Item> {
        item_with_span(&self.estate.ast(decl.file).items, decl.item_span)
    }

    /// The source text of a field's value.
    fn value_text<'t>(&'t self, file: FileId, item: &Item, field: &str) -> Option<&'t str> {
        let f = item.field(field)?;
        self.estate.files.text(file).get(f.value.span.range())
    }

    /// Markdown describing a declaration.
    /// An enum variant where its enum declares it.
    fn variant_declared(&self, variant: DeclId, span: Span) -> Option<Hover> {
        let super::index::Scope::Within(owner) = self.index.decls[variant].scope else {
            return None;
        };
        let enum_decl = &self.index.decls[owner];
        let enumeration = self.item_of(enum_decl)?;
        let markdown = variant_markdown(
            &enum_decl.name,
            enumeration,
            &self.index.decls[variant].name,
        )?;
        Some(Hover { span, markdown })
    }

    fn describe(&self, decl: DeclId) -> String {
        let d = &self.index.decls[decl];
        let Some(item) = self.item_of(d) else {
            return format!("```sdd\n{} {}\n```", d.kind, d.name);
        };
        let text = self.estate.files.text(d.file);
        let header_end = item
            .body
            .as_ref()
            .map(|b| b.span.start as usize)
            .unwrap_or(item.span.end as usize);
        let header = text
            .get(item.span.start as usize..header_end)
            .unwrap_or("")
            .trim_end();
        let mut out = format!("```sdd\n{header}\n```\n");
        if let Some(doc) = &item.doc {
            out.push_str(&doc.text);
            out.push('\n');
        }
        let mut facts: Vec<String> = Vec::new();
        let show = |field: &str, label: &str, facts: &mut Vec<String>| {
            if let Some(v) = self.value_text(d.file, item, field) {
                facts.push(format!("{label}: `{}`", one_line(v)));
            }
        };
        match d.kind.as_str() {
            "person" => {
                show("name", "name", &mut facts);
                show("roles", "roles", &mut facts);
                show("email", "email", &mut facts);
            }
            "role" => {
                show("approves", "approves", &mut facts);
                show("domains", "domains", &mut facts);
            }
            "enum" => {
                let variants: Vec<String> = item
                    .entries()
                    .iter()
                    .filter_map(|e| match e {
                        Entry::Variant(v) => Some(format!("`{}`", v.text)),
                        _ => None,
                    })
                    .collect();
                facts.push(format!("variants: {}", variants.join(", ")));
            }
            "record" => {
                for f in item.fields() {
                    if let Some(ty) = text.get(f.value.span.range()) {
                        facts.push(format!("`{}: {ty}`", f.name.text));
                    }
                }
            }
            "profile" => {
                show("domain", "domain", &mut facts);
                show("autonomy_limit", "autonomy limit", &mut facts);
                show("quorum", "quorum", &mut facts);
                for f in item.items().filter(|i| i.kind() == Keyword::Field) {
                    if let Some(src) = text.get(f.span.range()) {
                        facts.push(format!("`{}`", one_line(src)));
                    }
                }
            }
            "asset" => {
                show("version", "version", &mut facts);
                show("versions", "other versions", &mut facts);
                show("status", "status", &mut facts);
                show("kind", "kind", &mut facts);
                show("owner", "owner", &mut facts);
                show("provides", "provides", &mut facts);
                show("requires", "requires", &mut facts);
                facts.push(self.dependents(decl));
            }
            "engagement" => {
                show("title", "title", &mut facts);
                show("profile", "profile", &mut facts);
                show("owner", "owner", &mut facts);
                show("opened", "opened", &mut facts);
                show("extends", "extends", &mut facts);
                if let Some(f) = self.facts_of(d.file, item) {
                    facts.push(format!("status: **{}**", f.status.as_str()));
                }
            }
            "requirement" | "constraint" => {
                show("priority", "priority", &mut facts);
                show("acceptance", "acceptance", &mut facts);
                show("rationale", "rationale", &mut facts);
                facts.push(self.listed_by(decl, "satisfies", "satisfied by"));
                if d.kind == "requirement" {
                    facts.push(self.listed_by(decl, "verifies", "verified by tests"));
                    facts.extend(self.verifications(d));
                }
            }
            "component" => {
                show("reuses", "reuses", &mut facts);
                show("capability", "capability", &mut facts);
                show("satisfies", "satisfies", &mut facts);
                facts.push(self.listed_by(decl, "affects", "deviations"));
            }
            "test" => {
                show("verifies", "verifies", &mut facts);
                show("method", "method", &mut facts);
            }
            "finding" => show("status", "status", &mut facts),
            "risk" => {
                show("severity", "severity", &mut facts);
                show("mitigation", "mitigation", &mut facts);
            }
            "deviation" => {
                show("affects", "affects", &mut facts);
                show("status", "status", &mut facts);
                show("approved_by", "approved by", &mut facts);
                show("expires", "expires", &mut facts);
            }
            "field" => {
                if let Scope::Within(profile) = d.scope {
                    facts.push(format!(
                        "field of profile `{}`",
                        self.index.decls[profile].name
                    ));
                }
            }
            _ => {}
        }
        if !facts.is_empty() {
            out.push_str("\n---\n");
            for f in facts {
                out.push_str("- ");
                out.push_str(&f);
                out.push('\n');
            }
        }
        out
    }

    /// "satisfied by: `a`, `b`": the declarations whose `role` field names `decl`.
    fn listed_by(&self, decl: DeclId, role: &str, label: &str) -> String {
        let mut names: Vec<&str> = self
            .index
            .uses_of(decl)
            .filter(|r| r.role == role)
            .filter_map(|r| r.holder)
            .map(|h| self.index.decls[h].name.as_str())
            .collect();
        names.dedup();
        if names.is_empty() {
            format!("{label}: none")
        } else {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("{label}: {}", quoted.join(", "))
        }
    }

    /// The as-built verifications of a requirement.
    fn verifications(&self, d: &Decl) -> Vec<String> {
        let Scope::Within(owner) = d.scope else {
            return Vec::new();
        };
        let Some(engagement) = self.item_of(&self.index.decls[owner]) else {
            return Vec::new();
        };
        let text = self.estate.files.text(d.file);
        engagement
            .items()
            .filter(|p| p.kind() == Keyword::AsBuilt)
            .flat_map(|p| p.items())
            .filter(|v| v.kind() == Keyword::Verified && v.name_text() == Some(d.name.as_str()))
            .map(|v| {
                let by = v.by.as_ref().map(|b| b.text.as_str()).unwrap_or("?");
                let result = v
                    .field("result")
                    .and_then(|f| text.get(f.value.span.range()))
                    .unwrap_or("no result");
                let on = v
                    .field("on")
                    .and_then(|f| text.get(f.value.span.range()))
                    .map(|o| format!(" on {o}"))
                    .unwrap_or_default();
                format!("verified by `{by}`: {result}{on}")
            })
            .collect()
    }

    /// Who depends on an asset: components that reuse it, assets that require it, builds that
    /// used or produced it.
    fn dependents(&self, decl: DeclId) -> String {
        let mut found: Vec<String> = Vec::new();
        for r in self.index.uses_of(decl) {
            let Some(holder) = r.holder else { continue };
            let h = &self.index.decls[holder];
            let owner = match h.scope {
                Scope::Within(o) => format!("`{}` / ", self.index.decls[o].name),
                Scope::Estate => String::new(),
            };
            let entry = match r.role {
                "reuses" => format!("{owner}component `{}`", h.name),
                "requires" => format!("asset `{}`", h.name),
                "uses" => format!("engagement `{}` (built with it)", h.name),
                "produces" => format!("engagement `{}` (produced it)", h.name),
                _ => continue,
            };
            found.push(entry);
        }
        found.sort();
        found.dedup();
        if found.is_empty() {
            "dependents: none".into()
        } else {
            format!("dependents: {}", found.join(", "))
        }
    }

    fn gate_hover(&self, file: FileId, engagement: &Item, gate: &Item) -> String {
        let kind = gate.name_text().unwrap_or("?");
        let mut out = format!(
            "```sdd\ngate {kind}\n```\n{}\n\n---\n- approved by: {}\n",
            if kind == "spec" {
                "Gate 1: approves the spec (profile fields and requirements)."
            } else {
                "Gate 2: approves the solution design (feasibility and design)."
            },
            approver_list(gate)
        );
        if let Some(on) = self.value_text(file, gate, "on") {
            out.push_str(&format!("- on: {on}\n"));
        }
        let Some(facts) = self.facts_of(file, engagement) else {
            return out;
        };
        let line = match gate_state(facts, engagement, gate) {
            GateState::Holds => "fingerprint: holds ✓".to_string(),
            GateState::Broken => {
                "fingerprint: matches, but the approval does not hold (see the diagnostics)".into()
            }
            GateState::Stale { approved, current } => format!(
                "fingerprint: **stale**: content changed since approval\n  - approved: `{approved}`\n  - current: `{current}`"
            ),
            GateState::SpecChanged => {
                "fingerprint: **stale**: the spec this design rests on changed".into()
            }
            GateState::NoFingerprint => "fingerprint: none recorded".into(),
            GateState::Malformed => "fingerprint: malformed".into(),
        };
        out.push_str(&format!("- {line}\n"));
        out
    }
}

fn one_line(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    let line = joined.join(" ");
    if line.chars().count() > 120 {
        let cut: String = line.chars().take(117).collect();
        format!("{cut}…")
    } else {
        line
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// A schema type as a user would write it.
pub(crate) fn type_name(ty: crate::check::schema::Ty) -> String {
    use crate::check::schema::Ty;
    match ty {
        Ty::Text => "text".into(),
        Ty::Int => "int".into(),
        Ty::Date => "date".into(),
        Ty::Version => "version".into(),
        Ty::Person => "person".into(),
        Ty::Ident => "name".into(),
        Ty::Choice(words) => words.join(" | "),
        Ty::List(t) => format!("list<{}>", type_name(*t)),
        Ty::Persons => "person | list<person>".into(),
        Ty::Decl(kind) => kind.into(),
        Ty::Local(kinds) => crate::syntax::Keyword::join(kinds, " | "),
        Ty::AssetConstraint => "asset \"constraint\"".into(),
        Ty::AssetVersion => "asset version".into(),
        Ty::Type => "type".into(),
        Ty::Quorum => "{ spec: int design: int }".into(),
    }
}

/// The block a chain of keywords leads to (completion uses it too).
pub(crate) fn block_for(keywords: &[&str]) -> Option<&'static Block> {
    if keywords.is_empty() {
        return Some(&crate::check::schema::FILE);
    }
    rule_for(keywords).map(|r| r.block)
}

/// What a variant of an enum is: the enum, its variants, its documentation; `None` when the
/// enum does not declare `word`.
fn variant_markdown(enum_name: &str, enumeration: &Item, word: &str) -> Option<String> {
    let all = variants(enumeration);
    if !all.contains(&word) {
        return None;
    }
    let listed: Vec<String> = all.iter().map(|w| format!("`{w}`")).collect();
    let mut out = format!(
        "```sdd\n{word}\n```\nA variant of enum `{enum_name}` ({}).",
        listed.join(", ")
    );
    if let Some(doc) = &enumeration.doc {
        out.push_str(&format!("\n\n{}", doc.text));
    }
    Some(out)
}
