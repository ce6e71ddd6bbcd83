//! The engagement manifest: what an execution platform reads before it runs anything.
//!
//! One JSON object per engagement (schema: `schemas/manifest.schema.json`, format and
//! versioning: `docs/manifests.md`): the resolved engagement, every gate record with its
//! verification result, both fingerprints with the canonical content they cover, the resolved
//! exact asset versions, the execution contract, the as-built record, the derived status and
//! `executable`. Built from `serde_json` values, whose maps are sorted by key, and from
//! nothing that depends on the current date, so the same estate always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;

use serde_json::{json, Map, Value as Json};

use crate::analysis::Analysis;
use crate::check::engagement::{self as eng, Engagement};
use crate::check::gates::depends_on_the_day;
use crate::check::governance::Facts;
use crate::check::names::Namespace;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::fingerprint;
use crate::reuse_graph::releases::{self, By, Dependency};
use crate::reuse_graph::{components, AssetRef, Inventory};
use crate::source::FileId;
use crate::syntax::{Item, ValueKind};

use super::involved::{baselines, engagement_at, involved, EngagementSpans};
use super::FORMAT_VERSION;
use crate::syntax::Keyword;

/// Everything a manifest is made from.
pub struct Context<'a> {
    pub ns: &'a Namespace<'a>,
    pub inventory: &'a Inventory<'a>,
    pub analysis: &'a Analysis,
    /// Each file's runs of `analysis.diagnostics`: it is sorted by file name, then span, so a
    /// file's diagnostics are one run, sorted by span.
    by_file: BTreeMap<FileId, Vec<Range<usize>>>,
    /// The errors outside every engagement (in a person, role, profile, type or asset, which
    /// an engagement may depend on, or between declarations): their count and their codes,
    /// sorted. While there is one, no engagement is executable.
    shared_errors: (usize, Vec<&'static str>),
    /// The engagement names declared more than once: which one a manifest describes is a
    /// matter of file order, so none of them is executable.
    declared_twice: HashSet<&'a str>,
    /// The engagements an error reported in another one involves, with its codes
    /// ([`involved`]): none of them is executable either.
    involved: BTreeMap<&'a str, BTreeSet<&'static str>>,
    /// The engagements that extend, directly or through others, one that may not run for an
    /// error: the nearest such baseline and its codes ([`baselines`]).
    baselines: BTreeMap<&'a str, (&'a str, BTreeSet<&'static str>)>,
}

impl<'a> Context<'a> {
    pub fn new(
        estate: &'a Estate,
        ns: &'a Namespace<'a>,
        inventory: &'a Inventory<'a>,
        analysis: &'a Analysis,
    ) -> Context<'a> {
        let mut by_file: BTreeMap<FileId, Vec<Range<usize>>> = BTreeMap::new();
        let diagnostics = &analysis.diagnostics;
        let mut start = 0;
        for end in 1..=diagnostics.len() {
            if end == diagnostics.len() || diagnostics[end].file() != diagnostics[start].file() {
                let file = diagnostics[start].file();
                by_file.entry(file).or_default().push(start..end);
                start = end;
            }
        }
        let mut seen = HashSet::new();
        let mut declared_twice = HashSet::new();
        let mut engagement_spans: EngagementSpans<'a> = BTreeMap::new();
        let mut extends = HashMap::new();
        for file in estate.file_ids() {
            for item in &estate.ast(file).items {
                if item.kind() != Keyword::Engagement {
                    continue;
                }
                let name = item.name_text().unwrap_or("");
                engagement_spans
                    .entry(file)
                    .or_default()
                    .push((item.span, name));
                if name.is_empty() {
                    continue;
                }
                if !seen.insert(name) {
                    declared_twice.insert(name);
                    continue;
                }
                let target = item.field("extends").and_then(|f| f.value.as_name());
                if let Some(target) = target.filter(|t| ns.get_kind(t, "engagement").is_some()) {
                    extends.insert(name, target);
                }
            }
        }
        let inside_an_engagement =
            |d: &Diagnostic| engagement_at(&engagement_spans, d.file(), d.primary.span).is_some();
        let shared: Vec<&Diagnostic> = (diagnostics.iter())
            .filter(|d| d.is_error() && !depends_on_the_day(d) && !inside_an_engagement(d))
            .collect();
        let mut codes: Vec<&'static str> = shared.iter().map(|d| d.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let shared_errors = (shared.len(), codes);
        let involved = involved(&engagement_spans, &extends, diagnostics);
        // What keeps an engagement from running for an error: its own (the date's aside), a
        // second declaration, or another's error that involves it.
        let mut blocked = involved.clone();
        for d in diagnostics
            .iter()
            .filter(|d| d.is_error() && !depends_on_the_day(d))
        {
            if let Some(name) = engagement_at(&engagement_spans, d.file(), d.primary.span) {
                blocked.entry(name).or_default().insert(d.code.as_str());
            }
        }
        for name in &declared_twice {
            blocked
                .entry(name)
                .or_default()
                .insert(Code::Sdd102.as_str());
        }
        let baselines = baselines(&extends, &blocked);
        Context {
            ns,
            inventory,
            analysis,
            by_file,
            shared_errors,
            declared_twice,
            involved,
            baselines,
        }
    }

    /// The diagnostics inside an engagement that a manifest records, in their order: all
    /// but those that depend on the date the check runs at (SDD306, and SDD208 for a step
    /// dated after it: [`depends_on_the_day`]). Found from where the
    /// engagement starts in its file's diagnostics, not by a scan of all of them.
    pub fn diagnostics_in<'s>(
        &'s self,
        file: FileId,
        item: &Item,
    ) -> impl Iterator<Item = &'a Diagnostic> + 's {
        let span = item.span;
        let all: &'a [Diagnostic] = &self.analysis.diagnostics;
        let runs = self.by_file.get(&file).map_or(&[][..], Vec::as_slice);
        runs.iter().flat_map(move |run| {
            let run = &all[run.clone()];
            let from = run.partition_point(|d| d.primary.span.start < span.start);
            run[from..]
                .iter()
                .take_while(move |d| d.primary.span.start <= span.end)
                .filter(move |d| !depends_on_the_day(d) && d.primary.span.end <= span.end)
        })
    }

    /// Why the engagement may not run, one reason each; empty when it is executable: Gate 2
    /// holds, the engagement has no error (those that depend on the date aside), it is
    /// declared once, and no error lies outside every engagement. Nothing in a reason depends
    /// on file paths or order.
    pub fn not_executable_because(&self, facts: &Facts, e: &Engagement<'_>) -> Vec<String> {
        let mut why = Vec::new();
        if !facts.design_holds {
            why.push(match e.gate_design {
                None => "Gate 2 (gate design) is not recorded".to_string(),
                Some(_) => "Gate 2 (gate design) does not hold".to_string(),
            });
        }
        let errors = (self.diagnostics_in(e.file, e.item))
            .filter(|d| d.is_error())
            .count();
        if errors > 0 {
            why.push(format!(
                "{errors} error{} in the engagement (see `diagnostics`)",
                if errors == 1 { "" } else { "s" }
            ));
        }
        if let Some(codes) = self.involved.get(facts.name.as_str()) {
            // Those reported in this engagement are counted above.
            let own: BTreeSet<&str> = (self.diagnostics_in(e.file, e.item))
                .map(|d| d.code.as_str())
                .collect();
            let elsewhere: Vec<&str> = codes.difference(&own).copied().collect();
            if !elsewhere.is_empty() {
                why.push(format!(
                    "an error reported in another engagement involves this one ({}; `sdd check` \
                     lists it)",
                    elsewhere.join(", ")
                ));
            }
        }
        if let Some((base, codes)) = self.baselines.get(facts.name.as_str()) {
            let codes: Vec<&str> = codes.iter().copied().collect();
            why.push(format!(
                "it extends `{base}`, directly or through others, which may not run for an error \
                 ({}; `sdd check` lists it): Day-2 work starts from what its baseline delivered",
                codes.join(", ")
            ));
        }
        if self.declared_twice.contains(facts.name.as_str()) {
            why.push(format!(
                "`{}` is declared more than once: which declaration this describes is a matter \
                 of file order",
                facts.name
            ));
        }
        let (count, codes) = &self.shared_errors;
        if *count > 0 {
            why.push(format!(
                "{count} error{} outside every engagement, which any engagement may depend on \
                 ({}; `sdd check` lists them)",
                if *count == 1 { "" } else { "s" },
                codes.join(", ")
            ));
        }
        why
    }
}

/// A field's canonical JSON value, or null.
pub fn field(item: &Item, name: &str) -> Json {
    item.field(name)
        .map(|f| fingerprint::value_json(&f.value))
        .unwrap_or(Json::Null)
}

/// A scalar field as a JSON string: text, names, dates, versions and `@person` as written;
/// null when absent or of another kind (a type error the checker reported), so a manifest
/// written with `--allow-errors` still has the published shape.
pub fn scalar(item: &Item, name: &str) -> Json {
    match item.field(name).map(|f| &f.value.kind) {
        Some(ValueKind::Str(s)) => Json::String(s.clone()),
        Some(
            ValueKind::Name(s)
            | ValueKind::Date(s)
            | ValueKind::DateTime(s)
            | ValueKind::Duration(s)
            | ValueKind::Version(s),
        ) => Json::String(s.to_string()),
        Some(ValueKind::Person(p)) => Json::String(format!("@{p}")),
        _ => Json::Null,
    }
}

fn text_or_null(text: Option<&str>) -> Json {
    text.map(|t| Json::String(t.to_string()))
        .unwrap_or(Json::Null)
}

/// The manifest of one engagement; `None` when the namespace does not hold it.
pub fn manifest(cx: &Context<'_>, facts: &Facts) -> Option<Json> {
    let decl = cx.ns.get_kind(&facts.name, "engagement")?;
    let e = Engagement::new(cx.ns, decl.file, decl.item);
    let spec_content = fingerprint::spec_content(e.item, e.profile, e.requirements);
    let design_content =
        fingerprint::design_content(&facts.spec_fingerprint, e.feasibility, e.design);
    let diagnostics: Vec<Json> = (cx.diagnostics_in(e.file, e.item))
        .map(|d| json!({"code": d.code.as_str(), "severity": d.severity.as_str(), "message": d.message}))
        .collect();
    let deps = releases::dependencies(cx.inventory, &e);
    let installed = releases::installed(cx.inventory, &deps);
    let mut m = Map::new();
    m.insert("format_version".into(), json!(FORMAT_VERSION));
    m.insert("engagement".into(), engagement(&e));
    m.insert("status".into(), json!(facts.status.as_str()));
    let mut why = cx.not_executable_because(facts, &e);
    why.extend(not_installable(cx.inventory, &installed));
    m.insert("executable".into(), json!(why.is_empty()));
    m.insert("not_executable_because".into(), json!(why));
    m.insert(
        "fingerprints".into(),
        json!({
            "spec": {"fingerprint": facts.spec_fingerprint, "content": spec_content},
            "design": {"fingerprint": facts.design_fingerprint, "content": design_content},
        }),
    );
    m.insert(
        "gates".into(),
        json!({
            "spec": gate(&e, "spec", &facts.spec_fingerprint, facts.spec_holds, &facts.spec_unmet),
            "design": gate(&e, "design", &facts.design_fingerprint, facts.design_holds, &facts.design_unmet),
        }),
    );
    m.insert("requirements".into(), requirements(&e));
    m.insert("asset_versions".into(), asset_versions(&installed));
    m.insert(
        "assets".into(),
        resolved_assets(cx.inventory, &deps, &installed),
    );
    m.insert("contract".into(), contract(cx.inventory, &installed, &e));
    m.insert("as_built".into(), as_built(&e));
    m.insert("diagnostics".into(), Json::Array(diagnostics));
    Some(Json::Object(m))
}

/// Why what the design installs may not be installed now, one reason per asset: the asset is
/// retired, or no declared release satisfies every constraint the design puts on it. On work
/// not delivered each is an error already (SDD403, SDD402); on delivered work, whose reuse is
/// history, a warning that lets the check pass, but running the manifest again would install
/// what the inventory retired, or nothing.
fn not_installable(inventory: &Inventory<'_>, installed: &Installed<'_>) -> Vec<String> {
    let mut why = Vec::new();
    for (name, release) in installed {
        match (release, inventory.get(name)) {
            (_, Some(asset)) if asset.status == Some("retired") => why.push(format!(
                "it installs `{name}`, which the inventory has retired (SDD403)"
            )),
            (None, Some(_)) => why.push(format!(
                "no declared release of `{name}` satisfies every constraint the design puts on \
                 it (SDD402)"
            )),
            _ => {}
        }
    }
    why
}

fn engagement(e: &Engagement<'_>) -> Json {
    json!({
        "name": e.name(),
        "title": scalar(e.item, "title"),
        "profile": scalar(e.item, "profile"),
        "domain": text_or_null(e.domain()),
        "owner": scalar(e.item, "owner"),
        "opened": scalar(e.item, "opened"),
        "extends": scalar(e.item, "extends"),
        "doc": text_or_null(e.item.doc.as_ref().map(|d| d.text.as_str())),
    })
}

/// The profile-declared fields of an engagement: its targets, fleet, accounts, window…
fn scope(e: &Engagement<'_>) -> Json {
    let mut scope = Map::new();
    if let Some(profile) = e.profile {
        for decl in profile.items().filter(|i| i.kind() == Keyword::Field) {
            if let Some(name) = decl.name_text() {
                if let Some(f) = e.item.field(name) {
                    scope.insert(name.to_string(), fingerprint::value_json(&f.value));
                }
            }
        }
    }
    Json::Object(scope)
}

fn persons(item: &Item) -> Json {
    Json::Array(
        eng::approvers(item)
            .into_iter()
            .map(|(p, _)| json!(format!("@{p}")))
            .collect(),
    )
}

fn gate(
    e: &Engagement<'_>,
    kind: &str,
    current: &str,
    holds: bool,
    unmet: &[crate::check::gates::Unmet],
) -> Json {
    let Some(g) = e.gate(kind) else {
        return Json::Null;
    };
    let recorded = eng::text(g, "fingerprint");
    json!({
        "approved_by": persons(g),
        "on": scalar(g, "on"),
        "fingerprint": text_or_null(recorded),
        "current_fingerprint": current,
        "fingerprint_matches": recorded == Some(current),
        "quorum": e.quorum(kind),
        "holds": holds,
        "unmet": unmet.iter().map(|u| u.message.clone()).collect::<Vec<_>>(),
    })
}

fn requirements(e: &Engagement<'_>) -> Json {
    let Some(block) = e.requirements else {
        return json!([]);
    };
    Json::Array(
        block
            .items()
            .filter(|i| matches!(i.kind(), Keyword::Requirement | Keyword::Constraint))
            .map(|r| {
                json!({
                    "id": r.name_text(),
                    "kind": r.keyword(),
                    "title": r.title.as_ref().map(|t| t.value.as_str()),
                    "priority": scalar(r, "priority"),
                    "acceptance": scalar(r, "acceptance"),
                    "rationale": scalar(r, "rationale"),
                })
            })
            .collect(),
    )
}

/// The release of each asset the design installs ([`releases::installed`]).
type Installed<'i> = BTreeMap<String, Option<&'i semver::Version>>;

/// An asset reference: its constraint, the highest release that satisfies that constraint
/// alone (`resolved`), and the one release the design installs (`installed`, the same as
/// `asset_versions`), which differ when another constraint on the asset rules the first out.
fn asset_ref(inventory: &Inventory<'_>, installed: &Installed<'_>, r: &AssetRef<'_>) -> Json {
    json!({
        "asset": r.asset,
        "constraint": r.spec,
        "resolved": inventory.resolve(r.asset, r.spec).map(|v| v.to_string()),
        "installed": installed.get(r.asset).copied().flatten().map(|v| v.to_string()),
    })
}

/// Every asset the design depends on, directly through a component's `reuses` or through
/// `requires`, breadth first in design order.
fn resolved_assets(
    inventory: &Inventory<'_>,
    deps: &[Dependency<'_>],
    installed: &Installed<'_>,
) -> Json {
    Json::Array(
        (deps.iter())
            .map(|d| {
                let asset = inventory.get(d.on.asset);
                let mut entry = asset_ref(inventory, installed, &d.on);
                if let Json::Object(m) = &mut entry {
                    m.insert(
                        "required_by".into(),
                        match d.by {
                            By::Component(c) => json!({ "component": c }),
                            By::Asset(a) => json!({ "asset": a }),
                        },
                    );
                    m.insert("status".into(), text_or_null(asset.and_then(|a| a.status)));
                    m.insert(
                        "kind".into(),
                        asset.map(|a| scalar(a.item, "kind")).unwrap_or(Json::Null),
                    );
                    m.insert(
                        "source".into(),
                        asset
                            .map(|a| scalar(a.item, "source"))
                            .unwrap_or(Json::Null),
                    );
                }
                entry
            })
            .collect(),
    )
}

/// One exact release per asset: the highest declared release that satisfies every constraint
/// the design brings in on it (null when no release satisfies them all).
fn asset_versions(installed: &Installed<'_>) -> Json {
    Json::Object(
        (installed.iter())
            .map(|(name, v)| (name.clone(), json!(v.map(|v| v.to_string()))))
            .collect(),
    )
}

fn contract(inventory: &Inventory<'_>, installed: &Installed<'_>, e: &Engagement<'_>) -> Json {
    let build = e.build;
    let from_build = |name: &str| build.map(|b| scalar(b, name)).unwrap_or(Json::Null);
    let rollback = text_or_null(e.rollback());
    let autonomy_limit = e
        .profile
        .and_then(|p| eng::name(p, "autonomy_limit"))
        .unwrap_or("supervised");
    let component_list: Vec<Json> = components(e)
        .into_iter()
        .map(|c| {
            json!({
                "name": c.name(),
                "title": c.item.title.as_ref().map(|t| t.value.as_str()),
                "reuses": c.reuses.map(|r| asset_ref(inventory, installed, &r)),
                "capability": scalar(c.item, "capability"),
                "new_because": scalar(c.item, "new_because"),
                "satisfies": names(c.item, "satisfies"),
            })
        })
        .collect();
    let tests: Vec<Json> = Engagement::children(e.design, Keyword::Test)
        .map(|t| {
            json!({
                "id": t.name_text(),
                "title": t.title.as_ref().map(|x| x.value.as_str()),
                "verifies": names(t, "verifies"),
                "method": scalar(t, "method"),
            })
        })
        .collect();
    json!({
        "executor": from_build("executor"),
        "agent": from_build("agent"),
        "autonomy": from_build("autonomy"),
        "autonomy_limit": autonomy_limit,
        "operator": from_build("operator"),
        "workflow": from_build("workflow"),
        "started": from_build("started"),
        "scope": scope(e),
        "change_window": field(e.item, "change_window"),
        "rollback": rollback,
        "components": component_list,
        "tests": tests,
    })
}

fn names(item: &Item, name: &str) -> Json {
    Json::Array(
        eng::names(item, name)
            .into_iter()
            .map(|n| json!(n))
            .collect(),
    )
}

fn exact(item: &Item, name: &str) -> Json {
    match item.field(name).map(|f| &f.value.kind) {
        Some(ValueKind::Ref { name, spec }) => json!({
            "asset": name.text,
            "version": fingerprint::value_json(spec),
        }),
        _ => Json::Null,
    }
}

fn as_built(e: &Engagement<'_>) -> Json {
    let Some(block) = e.as_built else {
        return Json::Null;
    };
    let built: Vec<Json> = Engagement::children(Some(block), Keyword::Built)
        .map(|b| {
            json!({
                "component": b.name_text(),
                "uses": exact(b, "uses"),
                "produces": exact(b, "produces"),
                "notes": scalar(b, "notes"),
            })
        })
        .collect();
    let deviations: Vec<Json> = Engagement::children(Some(block), Keyword::Deviation)
        .map(|d| {
            json!({
                "id": d.name_text(),
                "title": d.title.as_ref().map(|t| t.value.as_str()),
                "affects": scalar(d, "affects"),
                "cause": scalar(d, "cause"),
                "status": scalar(d, "status"),
                "approved_by": persons(d),
                "expires": scalar(d, "expires"),
            })
        })
        .collect();
    let verifications: Vec<Json> = Engagement::children(Some(block), Keyword::Verified)
        .map(|v| {
            json!({
                "requirement": v.name_text(),
                "test": v.by.as_ref().map(|b| b.text.as_str()),
                "result": scalar(v, "result"),
                "on": scalar(v, "on"),
                "evidence": scalar(v, "evidence"),
            })
        })
        .collect();
    json!({
        "recorded": scalar(block, "recorded"),
        "built": built,
        "deviations": deviations,
        "verifications": verifications,
    })
}

#[cfg(test)]
mod tests {
    use super::Context;
    use crate::analysis::{analyze, Options};
    use crate::check::gates::depends_on_the_day;
    use crate::check::names::Namespace;
    use crate::estate::Estate;
    use crate::reuse_graph::Inventory;

    /// Each engagement's diagnostics as found from its file's run are those a filter of the
    /// whole list finds, in the same order, over the example estate, every broken one and
    /// engagements with errors before, between and after them in two files.
    #[test]
    fn an_engagements_diagnostics_are_those_inside_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut estates = vec![Estate::load(std::slice::from_ref(&root)).expect("the examples")];
        for entry in std::fs::read_dir(root.join("broken")).expect("examples/broken") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                estates.push(Estate::load(&[path]).expect("a broken example"));
            }
        }
        let e = |name: &str| format!("engagement {name} {{ title: 1 x: 1\n y: 2 }}\n");
        let a = "asset a { z: 1 }\n";
        estates.push(Estate::from_sources([
            (
                "a.sdd",
                format!("{a}{}{a}{}{}{a}", e("e1"), e("e2"), e("e3")),
            ),
            ("b.sdd", format!("{}{a}", e("e4"))),
        ]));
        let options = Options {
            as_of: chrono::NaiveDate::from_ymd_opt(2027, 6, 1).expect("a date"),
            git_history: false,
        };
        let mut compared = 0;
        for estate in estates {
            let analysis = analyze(&estate, &options);
            let ns = Namespace::build(&estate, &mut Vec::new());
            let inventory = Inventory::new(&ns);
            let cx = Context::new(&estate, &ns, &inventory, &analysis);
            for decl in ns.of_kind("engagement") {
                let span = decl.item.span;
                let expected: Vec<_> = (analysis.diagnostics.iter())
                    .filter(|d| {
                        !depends_on_the_day(d)
                            && d.file() == decl.file
                            && span.start <= d.primary.span.start
                            && d.primary.span.end <= span.end
                    })
                    .collect();
                let found: Vec<_> = cx.diagnostics_in(decl.file, decl.item).collect();
                assert_eq!(found, expected);
                compared += found.len();
            }
        }
        assert!(compared > 30, "{compared} diagnostics compared");
    }
}
