//! Annotations the editor draws into the text: a code lens on every gate (approved and still
//! holding, or stale) and inlay hints (the asset version a constraint resolves to, the derived
//! status of an engagement). Both read the governance facts of the [`Analysis`](crate::analysis).

use crate::check::engagement::{approvers, text};
use crate::check::governance::Facts;
use crate::fingerprint;
use crate::source::{FileId, Span};
use crate::syntax::{Item, ValueKind};

use super::index::Scope;
use super::{item_with_span, Ide};
use crate::syntax::Keyword;

/// A code lens: a line of text above a gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    /// The gate's header (`gate spec`).
    pub span: Span,
    pub title: String,
    /// Does the approval hold?
    pub holds: bool,
}

/// What an inlay hint shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintKind {
    /// The exact version an asset constraint resolves to.
    Version,
    /// The derived status of an engagement.
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is drawn (after the text it annotates).
    pub offset: usize,
    pub label: String,
    pub kind: HintKind,
    pub tooltip: String,
}

/// Where a recorded approval stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GateState {
    /// The fingerprint matches and every rule holds.
    Holds,
    /// The fingerprint matches but the approval does not hold (authority, quorum, readiness,
    /// or the spec approval it rests on); the diagnostics say why.
    Broken,
    /// The content changed since approval.
    Stale {
        approved: String,
        current: String,
    },
    /// Only the spec a design approval rests on changed.
    SpecChanged,
    NoFingerprint,
    Malformed,
}

/// The state of a gate item of an engagement.
pub(crate) fn gate_state(facts: &Facts, engagement: &Item, gate: &Item) -> GateState {
    let kind = gate.name_text().unwrap_or("");
    let (current, holds) = match kind {
        "spec" => (&facts.spec_fingerprint, facts.spec_holds),
        _ => (&facts.design_fingerprint, facts.design_holds),
    };
    let Some(field) = gate.field("fingerprint") else {
        return GateState::NoFingerprint;
    };
    let Some(recorded) = field
        .value
        .as_str()
        .filter(|f| fingerprint::is_well_formed(f))
    else {
        return GateState::Malformed;
    };
    if recorded == current {
        return if holds {
            GateState::Holds
        } else {
            GateState::Broken
        };
    }
    if kind == "design" {
        let phase = |k: &str| engagement.items().find(|i| i.keyword() == k);
        let spec_gate = engagement
            .items()
            .find(|i| i.kind() == Keyword::Gate && i.name_text() == Some("spec"));
        if let Some(spec) = spec_gate.and_then(|g| text(g, "fingerprint")) {
            let unchanged = fingerprint::hash(&fingerprint::design_content(
                spec,
                phase("feasibility"),
                phase("design"),
            ));
            if unchanged == recorded && spec != facts.spec_fingerprint {
                return GateState::SpecChanged;
            }
        }
    }
    GateState::Stale {
        approved: recorded.to_string(),
        current: current.clone(),
    }
}

/// "@a, @b" for a gate's approvers.
pub(crate) fn approver_list(gate: &Item) -> String {
    let names: Vec<String> = approvers(gate)
        .into_iter()
        .map(|(p, _)| format!("@{p}"))
        .collect();
    if names.is_empty() {
        "nobody".into()
    } else {
        names.join(", ")
    }
}

impl Ide<'_> {
    /// The governance facts of an engagement item, when it is the declaration the estate uses.
    pub(crate) fn facts_of(&self, file: FileId, engagement: &Item) -> Option<&Facts> {
        let name = engagement.name.as_ref()?;
        let decl = self.index.resolve(Scope::Estate, &name.text)?;
        let d = &self.index.decls[decl];
        (d.file == file && d.name_span == name.span && d.kind == "engagement")
            .then(|| self.analysis.facts(&name.text))
            .flatten()
    }

    /// A lens on every gate of the file's engagements.
    pub fn code_lenses(&self, file: FileId) -> Vec<Lens> {
        let mut lenses = Vec::new();
        for engagement in self
            .items(file)
            .iter()
            .filter(|i| i.kind() == Keyword::Engagement)
        {
            let Some(facts) = self.facts_of(file, engagement) else {
                continue;
            };
            for gate in engagement.items().filter(|i| i.kind() == Keyword::Gate) {
                let state = gate_state(facts, engagement, gate);
                let who = approver_list(gate);
                let title = match &state {
                    GateState::Holds => format!("approved by {who} ✓"),
                    GateState::Broken => format!("approved by {who} ✗ the approval does not hold"),
                    GateState::Stale { .. } => "stale: content changed since approval".into(),
                    GateState::SpecChanged => {
                        "stale: the approved spec changed since approval".into()
                    }
                    GateState::NoFingerprint => "not approved: no fingerprint recorded".into(),
                    GateState::Malformed => "not approved: malformed fingerprint".into(),
                };
                lenses.push(Lens {
                    span: gate.keyword.span.to(gate.name_span()),
                    title,
                    holds: state == GateState::Holds,
                });
            }
        }
        lenses
    }

    /// Inlay hints inside a span of a file.
    pub fn inlay_hints(&self, file: FileId, range: Span) -> Vec<InlayHint> {
        let mut hints = Vec::new();
        for item in self.items(file) {
            match item.kind() {
                Keyword::Engagement => {
                    if let (Some(facts), Some(name)) = (self.facts_of(file, item), &item.name) {
                        hints.push(InlayHint {
                            offset: name.span.end as usize,
                            label: facts.status.as_str().to_string(),
                            kind: HintKind::Status,
                            tooltip: format!(
                                "derived status of `{}`: {}",
                                name.text,
                                facts.status.as_str()
                            ),
                        });
                    }
                    let components = item
                        .items()
                        .filter(|p| p.kind() == Keyword::Design)
                        .flat_map(|d| d.items())
                        .filter(|c| c.kind() == Keyword::Component);
                    let installed = self.facts_of(file, item).map(|f| &f.installed);
                    for component in components {
                        if let Some(f) = component.field("reuses") {
                            hints.extend(self.version_hint(&f.value.kind, installed));
                        }
                    }
                }
                Keyword::Asset => {
                    if let Some(ValueKind::List(values)) =
                        item.field("requires").map(|f| &f.value.kind)
                    {
                        for v in values {
                            hints.extend(self.version_hint(&v.kind, None));
                        }
                    }
                }
                _ => {}
            }
        }
        hints.retain(|h| range.contains(h.offset));
        hints
    }

    /// `asset "^2.1"` → the highest declared version of the asset that satisfies it; in a
    /// design (`installed`: its engagement's releases), the release the design installs, which
    /// another constraint on the asset may hold below that.
    fn version_hint(
        &self,
        value: &ValueKind,
        installed: Option<&std::collections::BTreeMap<String, Option<String>>>,
    ) -> Option<InlayHint> {
        let ValueKind::Ref { name, spec } = value else {
            return None;
        };
        let constraint = spec.as_str()?;
        let req = semver::VersionReq::parse(constraint).ok()?;
        let available = self.asset_versions(&name.text)?;
        let best = available.iter().filter(|v| req.matches(v)).max();
        let design = installed.and_then(|m| m.get(name.text.as_str()));
        let (label, tooltip) = match (best, design) {
            (None, _) => (
                "→ no version".to_string(),
                format!(
                    "no declared version of `{}` satisfies \"{constraint}\"",
                    name.text
                ),
            ),
            (Some(v), Some(Some(chosen))) if *chosen != v.to_string() => (
                format!("→ {chosen}"),
                format!(
                    "the design installs `{}` {chosen}: \"{constraint}\" alone resolves to {v}, \
                     but another constraint on the asset rules it out",
                    name.text
                ),
            ),
            (Some(_), Some(None)) => (
                "→ no version".to_string(),
                format!(
                    "no declared release of `{}` satisfies every constraint this design puts on it",
                    name.text
                ),
            ),
            (Some(v), _) => (
                format!("→ {v}"),
                format!("`{}` \"{constraint}\" resolves to {v}", name.text),
            ),
        };
        Some(InlayHint {
            offset: spec.span.end as usize,
            label,
            kind: HintKind::Version,
            tooltip,
        })
    }

    /// Every version an asset declares: `version` and `versions`.
    pub(crate) fn asset_versions(&self, asset: &str) -> Option<Vec<semver::Version>> {
        let decl = self.index.global(asset, "asset")?;
        let item = item_with_span(&self.estate.ast(decl.file).items, decl.item_span)?;
        let mut found = Vec::new();
        if let Some(ValueKind::Version(v)) = item.field("version").map(|f| &f.value.kind) {
            found.extend(semver::Version::parse(v).ok());
        }
        if let Some(ValueKind::List(values)) = item.field("versions").map(|f| &f.value.kind) {
            for value in values {
                if let ValueKind::Version(v) = &value.kind {
                    found.extend(semver::Version::parse(v).ok());
                }
            }
        }
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::estate::Estate;
    use crate::ide::{Ide, Index};
    use crate::source::{FileId, Span};

    const CASE: &str = include_str!(
        "../../../tests/cases/graph/sdd402-constraints-no-release-satisfies-together.sdd"
    );

    /// The version hints of the text: (label, tooltip), in order.
    fn hints(text: &str) -> Vec<(String, String)> {
        let estate = Estate::from_sources([("a.sdd", text)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        (ide.inlay_hints(FileId(0), Span::new(0, text.len()))
            .into_iter())
        .filter(|h| h.label.starts_with('→'))
        .map(|h| (h.label, h.tooltip))
        .collect()
    }

    #[test]
    fn a_reuse_hint_names_the_release_the_design_installs() {
        // config-pusher requires config-renderer "~1.1": "^1" alone would be 1.2.0.
        let one = CASE.replace("config-renderer \"^1.2\"", "config-renderer \"^1\"");
        let found = hints(&one);
        // The asset's own `requires` first, then the two components.
        assert_eq!(found[0].0, "→ 1.1.0");
        assert_eq!(found[1].0, "→ 1.1.0", "{found:?}");
        assert!(found[1].1.contains("alone resolves to 1.2.0"), "{found:?}");
        assert_eq!(found[2].0, "→ 2.0.0");
        // No release satisfies "^1.2" and "~1.1" together.
        let found = hints(CASE);
        assert_eq!(found[1].0, "→ no version", "{found:?}");
        assert!(found[1].1.contains("every constraint"), "{found:?}");
    }
}
