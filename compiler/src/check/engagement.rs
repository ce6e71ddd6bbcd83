//! An engagement seen through its phases, and the phase-order check (SDD201).
//!
//! [`Engagement`] picks out the phase blocks of an engagement item and gives the governance
//! checks typed access to the fields they read. It never reports type errors: values of the
//! wrong type were reported by the type checker and simply read as absent here.

use chrono::NaiveDate;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::{Item, Keyword, ValueKind};

use super::names::Namespace;
use super::values::parse_date;

/// The phases in their required order.
pub const PHASES: &[&str] = &[
    "requirements",
    "gate spec",
    "feasibility",
    "design",
    "gate design",
    "build",
    "as_built",
];

/// The index in [`PHASES`] of a phase block (called for every child of every engagement on
/// every analysis, so a match rather than a search of the list).
pub fn phase_of(item: &Item) -> Option<usize> {
    Some(match item.kind() {
        Keyword::Requirements => 0,
        Keyword::Gate => gate_phase(item.name_text()?)?,
        Keyword::Feasibility => 2,
        Keyword::Design => 3,
        Keyword::Build => 5,
        Keyword::AsBuilt => 6,
        _ => return None,
    })
}

/// The index in [`PHASES`] of the gate of this name (`spec`, `design`).
pub fn gate_phase(gate: &str) -> Option<usize> {
    match gate {
        "spec" => Some(1),
        "design" => Some(4),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Engagement<'a> {
    pub file: FileId,
    pub item: &'a Item,
    pub profile: Option<&'a Item>,
    /// A syntax error lies inside the engagement: it was only partly read, so its
    /// fingerprints are of the recovered tree (set by the checker, which knows the errors).
    pub partly_read: bool,
    pub requirements: Option<&'a Item>,
    pub gate_spec: Option<&'a Item>,
    pub feasibility: Option<&'a Item>,
    pub design: Option<&'a Item>,
    pub gate_design: Option<&'a Item>,
    pub build: Option<&'a Item>,
    pub as_built: Option<&'a Item>,
}

impl<'a> Engagement<'a> {
    pub fn new(ns: &Namespace<'a>, file: FileId, item: &'a Item) -> Engagement<'a> {
        let mut phases: [Option<&'a Item>; 7] = [None; 7];
        for child in item.items() {
            if let Some(p) = phase_of(child) {
                phases[p].get_or_insert(child);
            }
        }
        let profile = item
            .field("profile")
            .and_then(|f| f.value.as_name())
            .and_then(|n| ns.get_kind(n, "profile"))
            .map(|d| d.item);
        Engagement {
            file,
            item,
            profile,
            partly_read: false,
            requirements: phases[0],
            gate_spec: phases[1],
            feasibility: phases[2],
            design: phases[3],
            gate_design: phases[4],
            build: phases[5],
            as_built: phases[6],
        }
    }

    pub fn name(&self) -> &'a str {
        self.item.name_text().unwrap_or("")
    }

    pub fn owner(&self) -> Option<&'a str> {
        person(self.item, "owner")
    }

    /// Separation of duties: who a person is in this engagement that keeps them from giving
    /// an approval (`spec`, `design`, `deviation`), or `None`. Nobody approves their own
    /// engagement's gates (SDD207); a deviation is not accepted by the build's operator nor
    /// the owner either (SDD303). Authority in the domain is `gates::lacks_authority`.
    pub fn builder(&self, who: &str, approval: &str) -> Option<&'static str> {
        let operator = self.build.and_then(|b| person(b, "operator"));
        if approval == "deviation" && operator == Some(who) {
            Some("who operated the build")
        } else if self.owner() == Some(who) {
            Some("the engagement's owner")
        } else {
            None
        }
    }

    /// `profile:` names a profile the estate does not declare (SDD101).
    pub fn profile_unknown(&self) -> bool {
        self.profile.is_none() && self.item.field("profile").is_some()
    }

    pub fn domain(&self) -> Option<&'a str> {
        self.profile?.field("domain")?.value.as_name()
    }

    pub fn opened(&self) -> Option<NaiveDate> {
        date(self.item, "opened")
    }

    pub fn gate(&self, gate: &str) -> Option<&'a Item> {
        if gate == "spec" {
            self.gate_spec
        } else {
            self.gate_design
        }
    }

    /// Quorum for a gate from the profile (default 1).
    pub fn quorum(&self, gate: &str) -> usize {
        self.profile
            .and_then(|p| p.field("quorum"))
            .and_then(|f| match &f.value.kind {
                ValueKind::Record(fields) => fields.iter().find(|x| x.name.text == gate),
                _ => None,
            })
            .and_then(|f| match f.value.kind {
                ValueKind::Int(n) if n >= 1 => Some(n as usize),
                _ => None,
            })
            .unwrap_or(1)
    }

    /// Is the profile's quorum for `gate` a number of approvers? Not when `quorum` is no
    /// record, or gives the gate something other than a positive integer (an SDD103, or an
    /// SDD001 for a number out of range): how many approvers the gate needs is then unclear,
    /// and no approval of it holds. No quorum, or none for this gate, is 1.
    pub fn quorum_is_valid(&self, gate: &str) -> bool {
        let Some(q) = self.profile.and_then(|p| p.field("quorum")) else {
            return true;
        };
        match &q.value.kind {
            ValueKind::Record(fields) => (fields.iter())
                .filter(|x| x.name.text == gate)
                .all(|x| matches!(x.value.kind, ValueKind::Int(n) if n >= 1)),
            _ => false,
        }
    }

    /// The rollback the execution contract carries: the design's `rollback`, else the
    /// engagement's `rollback_plan` or `rollback` field, the first that is text with content.
    /// A field of another type (`rollback: false`, `rollback_plan: []`) or of white space
    /// only is no rollback: Gate 2 readiness and the manifest both read this one answer.
    pub fn rollback(&self) -> Option<&'a str> {
        let design = self.design.and_then(|d| text(d, "rollback"));
        [
            design,
            text(self.item, "rollback_plan"),
            text(self.item, "rollback"),
        ]
        .into_iter()
        .flatten()
        .find(|t| has_content(t))
    }

    /// Items of one keyword inside a phase block.
    pub fn children(
        block: Option<&'a Item>,
        keyword: Keyword,
    ) -> impl Iterator<Item = &'a Item> + 'a {
        block
            .into_iter()
            .flat_map(move |b| b.items().filter(move |i| i.kind() == keyword))
    }
}

/// A date field's value.
pub fn date(item: &Item, field: &str) -> Option<NaiveDate> {
    match &item.field(field)?.value.kind {
        ValueKind::Date(d) => parse_date(d),
        _ => None,
    }
}

/// A person field's value (without `@`).
pub fn person<'a>(item: &'a Item, field: &str) -> Option<&'a str> {
    match &item.field(field)?.value.kind {
        ValueKind::Person(p) => Some(p),
        _ => None,
    }
}

/// A name field's value.
pub fn name<'a>(item: &'a Item, field: &str) -> Option<&'a str> {
    item.field(field)?.value.as_name()
}

/// A text field's value.
pub fn text<'a>(item: &'a Item, field: &str) -> Option<&'a str> {
    item.field(field)?.value.as_str()
}

/// Is the field given with content: present, and not a string without any ([`has_content`])?
/// For the readiness criteria and the evidence of a verification, `acceptance: ""` is no
/// acceptance.
pub fn given(item: &Item, field: &str) -> bool {
    item.field(field)
        .is_some_and(|f| f.value.as_str().is_none_or(has_content))
}

/// Does a text say anything a reader can see: a character that is not white space, a control
/// character or one that shows as nothing (a zero-width space, a byte order mark, a soft
/// hyphen, a joiner, a variation selector, a Hangul or Braille blank: every invisible
/// character the renderers escape, [`crate::render::printable::shows_otherwise`], and the
/// joiners and selectors they leave for scripts and emoji)? `rollback_plan: "\u{200B}"` is
/// no rollback plan.
pub fn has_content(text: &str) -> bool {
    text.chars().any(|c| {
        !(c.is_whitespace()
            || c.is_control()
            || crate::render::printable::shows_otherwise(c)
            || matches!(
                c,
                '\u{200C}' | '\u{200D}' | '\u{2800}' | '\u{FE00}'..='\u{FE0F}' | '\u{1D159}'
            ))
    })
}

/// The names in a list field.
pub fn names<'a>(item: &'a Item, field: &str) -> Vec<&'a str> {
    match item.field(field).map(|f| &f.value.kind) {
        Some(ValueKind::List(values)) => values.iter().filter_map(|v| v.as_name()).collect(),
        Some(ValueKind::Name(n)) => vec![n.as_str()],
        _ => Vec::new(),
    }
}

/// The persons of `approved_by`, one or a list, with their spans.
pub fn approvers(item: &Item) -> Vec<(&str, Span)> {
    match item.field("approved_by").map(|f| &f.value) {
        Some(v) => match &v.kind {
            ValueKind::Person(p) => vec![(p.as_str(), v.span)],
            ValueKind::List(values) => values
                .iter()
                .filter_map(|x| match &x.kind {
                    ValueKind::Person(p) => Some((p.as_str(), x.span)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// SDD201: phase blocks out of order or repeated.
pub fn check_phase_order(file: FileId, engagement: &Item, out: &mut Vec<Diagnostic>) {
    let mut last: Option<(usize, &Item)> = None;
    let mut seen: Vec<(usize, &Item)> = Vec::new();
    for child in engagement.items() {
        let Some(p) = phase_of(child) else { continue };
        if let Some((_, first)) = seen.iter().find(|(q, _)| *q == p) {
            out.push(
                Diagnostic::new(
                    Code::Sdd201,
                    file,
                    child.name_span(),
                    format!("`{}` appears twice", PHASES[p]),
                )
                .with_label("repeated phase block")
                .with_secondary(file, first.name_span(), "first here")
                .with_help("each phase block appears at most once; merge them"),
            );
            continue;
        }
        if let Some((q, before)) = last {
            if p < q {
                out.push(
                    Diagnostic::new(
                        Code::Sdd201,
                        file,
                        child.name_span(),
                        format!("`{}` must come before `{}`", PHASES[p], PHASES[q]),
                    )
                    .with_label("out of order")
                    .with_secondary(file, before.name_span(), format!("`{}` is here", PHASES[q]))
                    .with_note(format!("the phase order is: {}", PHASES.join(" → "))),
                );
                continue;
            }
        }
        seen.push((p, child));
        last = Some((p, child));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `phase_of` agrees with the order of [`PHASES`], and other blocks are no phase.
    #[test]
    fn phase_of_follows_the_phase_list() {
        let blocks: Vec<String> = PHASES.iter().map(|p| format!("  {p} {{ }}\n")).collect();
        let text = format!(
            "engagement e {{\n{}  gate review {{ }}\n  risk r {{ }}\n}}\n",
            blocks.concat()
        );
        let parsed = crate::syntax::parse(FileId(0), &text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let found: Vec<Option<usize>> = parsed.ast.items[0].items().map(phase_of).collect();
        let mut expected: Vec<Option<usize>> = (0..PHASES.len()).map(Some).collect();
        expected.extend([None, None]);
        assert_eq!(found, expected);
    }
}
