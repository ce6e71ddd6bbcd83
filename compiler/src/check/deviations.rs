//! Deviations and reconciliation of the as-built record with the approved design
//! (SDD301–SDD306).
//!
//! An engagement with an `as_built` block is *delivered*; it is *reconciled* when none of
//! SDD301–SDD305 applies to it. SDD306 (an expired deviation) depends on the date it is
//! checked at and so never changes the reconciled status or a manifest.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::{Item, ValueKind};

use super::engagement::{self as eng, Engagement};
use super::gates::lacks_authority;
use super::names::{did_you_mean, Namespace};
use super::values::listed;
use crate::syntax::Keyword;

/// Check a delivered engagement; returns whether it is reconciled.
pub fn check(
    ns: &Namespace<'_>,
    e: &Engagement<'_>,
    as_of: NaiveDate,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let Some(as_built) = e.as_built else {
        return false;
    };
    let file = e.file;
    let before = out.len();
    let components: BTreeMap<&str, &Item> = Engagement::children(e.design, Keyword::Component)
        .filter_map(|c| Some((c.name_text()?, c)))
        .collect();
    let built = built_once(e, as_built, out);
    // A name the estate does not declare where reconciliation needs one (the person who
    // accepted a deviation, the test that verified a requirement): SDD101 reports it, and the
    // record is not reconciled.
    let mut unresolved = false;
    let deviations: Vec<&Item> = Engagement::children(Some(as_built), Keyword::Deviation).collect();
    let affected: BTreeSet<&str> = deviations
        .iter()
        .filter_map(|d| eng::name(d, "affects"))
        .collect();
    for d in &deviations {
        let id = d.name_text().unwrap_or("?");
        match d.field("affects") {
            None => out.push(
                Diagnostic::new(Code::Sdd302, file, d.name_span(), format!("deviation {id} names no component it affects"))
                    .with_label("no `affects:`")
                    .with_help("add `affects: COMPONENT` naming the design component that was built differently"),
            ),
            // Not a name (`affects: [c1]`): the type checker's SDD103 is the one report.
            Some(f) if f.value.as_name().is_none() => {}
            Some(f) => {
                let target = f.value.as_name().unwrap_or("");
                if !components.contains_key(target) && !built.contains_key(target) {
                    let mut diag = Diagnostic::new(
                        Code::Sdd302,
                        file,
                        f.value.span,
                        format!("deviation {id} affects `{target}`, which is no design component"),
                    )
                    .with_label("not a component of the design");
                    if let Some(h) = did_you_mean(target, components.keys().copied()) {
                        diag = diag.with_help(h);
                    }
                    out.push(diag);
                }
            }
        }
        match eng::name(d, "status") {
            Some("open") => out.push(
                Diagnostic::new(
                    Code::Sdd301,
                    file,
                    d.field("status")
                        .map(|f| f.value.span)
                        .unwrap_or(d.name_span()),
                    format!("deviation {id} is still open in a delivered engagement"),
                )
                .with_label("open deviation")
                .with_help(
                    "disposition it: `accepted` (with an authorised `approved_by`) or `reverted`",
                ),
            ),
            Some("accepted") => {
                let at = d
                    .field("status")
                    .map(|f| f.value.span)
                    .unwrap_or(d.name_span());
                match d.field("approved_by").map(|f| (&f.value, &f.value.kind)) {
                    Some((v, ValueKind::Person(p))) => {
                        // An approver the estate does not declare is SDD101's to report; it
                        // accepts nothing.
                        unresolved |= ns.get_kind(p, "person").is_none();
                        // Say which of the two the approver is: the owner who did not operate
                        // the build did not build it.
                        if let Some(who) = e.builder(p, "deviation") {
                            out.push(
                                Diagnostic::new(Code::Sdd303, file, v.span, format!("deviation {id} is accepted by @{p}, {who}"))
                                    .with_label("the approver is the engagement's owner or build operator")
                                    .with_note("separation of duties: a builder cannot accept their own deviation"),
                            );
                        } else if let (Some(_), Some(domain)) = (ns.get_kind(p, "person"), e.domain()) {
                            // With no domain (an unknown profile, SDD101) authority is not judged.
                            if let Some(why) = lacks_authority(ns, p, "deviation", Some(domain)) {
                                out.push(
                                    Diagnostic::new(Code::Sdd303, file, v.span, format!("deviation {id} is accepted by @{p}, who may not approve deviations"))
                                        .with_label("approver lacks authority")
                                        .with_note(why),
                                );
                            }
                        }
                    }
                    _ => out.push(
                        Diagnostic::new(Code::Sdd303, file, at, format!("deviation {id} is accepted without an approver"))
                            .with_label("accepted by nobody")
                            .with_help("add `approved_by: @PERSON` with a role that approves deviations in this domain"),
                    ),
                }
                if let Some(expires) = eng::date(d, "expires") {
                    if expires < as_of {
                        let span = d
                            .field("expires")
                            .map(|f| f.value.span)
                            .unwrap_or(d.name_span());
                        out.push(
                            Diagnostic::new(
                                Code::Sdd306,
                                file,
                                span,
                                format!(
                                    "deviation {id} expired on {expires} (checked as of {as_of})"
                                ),
                            )
                            .with_label("expired")
                            .with_help(
                                "remediate it, or record a new approval with a later `expires`",
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    for (name, component) in &components {
        if affected.contains(name) {
            continue;
        }
        match built.get(name) {
            None => out.push(
                Diagnostic::new(
                    Code::Sdd304,
                    file,
                    as_built.keyword.span,
                    format!("component `{name}` was designed but never built"),
                )
                .with_label(format!("no `built {name}` entry"))
                .with_secondary(file, component.name_span(), "designed here")
                .with_help(format!(
                    "add `built {name} {{ … }}`, or record a deviation that affects it"
                )),
            ),
            Some(b) => check_uses(file, name, component, b, out),
        }
    }
    for (name, b) in &built {
        if !components.contains_key(name) && !affected.contains(name) {
            out.push(
                Diagnostic::new(Code::Sdd304, file, b.name_span(), format!("`{name}` was built but is not in the approved design"))
                    .with_label("not a design component")
                    .with_help(format!("record a deviation with `affects: {name}`, or add the component to the design and re-approve it")),
            );
        }
    }

    // By requirement name, each name's entries in source order (the sort is stable): a
    // lookup per requirement, not a scan of every entry.
    let mut verifications: Vec<(&str, &Item)> =
        Engagement::children(Some(as_built), Keyword::Verified)
            .filter_map(|v| Some((v.name_text()?, v)))
            .collect();
    verifications.sort_by_key(|(name, _)| *name);
    // What each test of the design verifies, in order (for a message), and each (test,
    // requirement) pair it gives, looked up per `verified` entry: a scan of the test's list
    // for each of thousands of requirements that one test verifies was quadratic.
    let tests: BTreeMap<&str, Vec<&str>> = Engagement::children(e.design, Keyword::Test)
        .filter_map(|t| Some((t.name_text()?, eng::names(t, "verifies"))))
        .collect();
    let given: BTreeSet<(&str, &str)> = (tests.iter())
        .flat_map(|(test, verifies)| verifies.iter().map(move |r| (*test, *r)))
        .collect();
    for r in Engagement::children(e.requirements, Keyword::Requirement) {
        let id = r.name_text().unwrap_or("?");
        let first = verifications.partition_point(|(name, _)| *name < id);
        let count = verifications[first..]
            .iter()
            .take_while(|(name, _)| *name == id)
            .count();
        let mine = &verifications[first..first + count];
        if mine.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::Sdd305,
                    file,
                    r.name_span(),
                    format!("requirement {id} is not verified in the as-built record"),
                )
                .with_label("no `verified` entry")
                .with_secondary(file, as_built.keyword.span, "as-built record")
                .with_help(format!(
                    "add `verified {id} by TEST {{ result: pass on: DATE evidence: \"…\" }}`"
                )),
            );
        }
        for &(_, v) in mine {
            // A test the design wrote for other requirements does not verify this one (an
            // unknown test is an SDD101 of its own).
            let by = v.by.as_ref();
            // A test the design does not have (SDD101, reported as such) verifies nothing.
            unresolved |= by.is_some_and(|b| !tests.contains_key(b.text.as_str()));
            if let Some((by, verifies)) = by.and_then(|b| Some((b, tests.get(b.text.as_str())?))) {
                if !given.contains(&(by.text.as_str(), id)) {
                    let what = listed(verifies.iter()).unwrap_or("no requirement".to_string());
                    out.push(
                        Diagnostic::new(
                            Code::Sdd305,
                            file,
                            by.span,
                            format!("requirement {id} is verified by {}, a test the design does not give it", by.text),
                        )
                        .with_label(format!("{} verifies {what}", by.text))
                        .with_help(format!("verify {id} by a test whose `verifies` lists it, or add {id} to {}'s `verifies` and have the design approved again", by.text)),
                    );
                }
            }
            match eng::name(v, "result") {
                Some("fail") => out.push(
                    Diagnostic::new(
                        Code::Sdd305,
                        file,
                        v.field("result")
                            .map(|f| f.value.span)
                            .unwrap_or(v.name_span()),
                        format!("requirement {id} was verified with `fail`"),
                    )
                    .with_label("failed verification"),
                ),
                Some("pass") if !eng::given(v, "evidence") => out.push(
                    Diagnostic::new(
                        Code::Sdd305,
                        file,
                        v.name_span(),
                        format!("verification of {id} passes without evidence"),
                    )
                    .with_label("no `evidence:`")
                    .with_help("record where the evidence is: a job id, a report, a capture"),
                ),
                _ => {}
            }
        }
    }
    !unresolved
        && !out[before..].iter().any(|d| {
            matches!(
                d.code,
                Code::Sdd102
                    | Code::Sdd301
                    | Code::Sdd302
                    | Code::Sdd303
                    | Code::Sdd304
                    | Code::Sdd305
            )
        })
}

/// The asset version a `built` entry used must be the designed asset, inside the constraint;
/// a component designed without `reuses` is built with none, and one designed with it records
/// the version it ran (without it, nothing tells whether the approved reuse happened, and
/// `sdd impact` cannot find the delivered work on a release).
fn check_uses(
    file: crate::source::FileId,
    name: &str,
    component: &Item,
    built: &Item,
    out: &mut Vec<Diagnostic>,
) {
    let Some(uses) = built.field("uses") else {
        if let Some(reuses) = component.field("reuses") {
            let designed = match &reuses.value.kind {
                ValueKind::Ref { name, .. } => name.text.as_str(),
                ValueKind::Name(n) => n.as_str(),
                _ => return,
            };
            out.push(
                Diagnostic::new(
                    Code::Sdd304,
                    file,
                    built.name_span(),
                    format!("`{name}` was designed to reuse `{designed}`, but its `built` entry records no `uses`"),
                )
                .with_label("which version of it ran?")
                .with_secondary(file, reuses.value.span, "designed here")
                .with_help(format!(
                    "add `uses: {designed} VERSION` with the version the build ran, or record a deviation with `affects: {name}` if it was built without it"
                )),
            );
        }
        return;
    };
    let ValueKind::Ref { name: used, spec } = &uses.value.kind else {
        return;
    };
    // Built with an asset the design does not give the component.
    let other_asset = |designed: &str, label: &str, at: Span, designed_label: &str| {
        Diagnostic::new(
            Code::Sdd304,
            file,
            used.span,
            format!(
                "`{name}` was built with `{}`, but the design reuses {designed}",
                used.text
            ),
        )
        .with_label(label)
        .with_secondary(file, at, designed_label)
    };
    let Some(reuses) = component.field("reuses") else {
        // Designed as new work: any asset it was built with is outside the design.
        out.push(
            other_asset(
                "no asset for it",
                "an asset the design does not name",
                component.name_span(),
                "designed without `reuses`",
            )
            .with_help(format!(
                "record a deviation with `affects: {name}`, or add `reuses: {} \"…\"` to the component and have the design approved again",
                used.text
            )),
        );
        return;
    };
    let ValueKind::Version(version) = &spec.kind else {
        return;
    };
    let (designed, constraint) = match &reuses.value.kind {
        ValueKind::Ref { name, spec } => (name.text.as_str(), spec.as_str()),
        ValueKind::Name(n) => (n.as_str(), None),
        _ => return,
    };
    if used.text != designed {
        out.push(other_asset(
            &format!("`{designed}`"),
            "a different asset",
            reuses.value.span,
            "designed here",
        ));
        return;
    }
    let (Some(c), Ok(v)) = (constraint, semver::Version::parse(version)) else {
        return;
    };
    if let Ok(req) = semver::VersionReq::parse(c) {
        if !req.matches(&v) {
            out.push(
                Diagnostic::new(Code::Sdd304, file, spec.span, format!("`{name}` used {designed} {version}, outside the designed constraint \"{c}\""))
                    .with_label("version outside the approved constraint")
                    .with_secondary(file, reuses.value.span, "approved constraint")
                    .with_help(format!("record a deviation with `affects: {name}`, or build with a version matching \"{c}\"")),
            );
        }
    }
}

/// The `built` entries by component. A component recorded twice is SDD102: which entry is
/// what was delivered is not for the checker to guess, and reconciling only one of them let
/// the other (a release outside the design, say) pass unchecked.
fn built_once<'a>(
    e: &Engagement<'a>,
    as_built: &'a Item,
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<&'a str, &'a Item> {
    let mut built: BTreeMap<&str, &Item> = BTreeMap::new();
    for b in Engagement::children(Some(as_built), Keyword::Built) {
        let Some(name) = b.name_text() else { continue };
        let Some(first) = built.get(name) else {
            built.insert(name, b);
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::Sdd102,
                e.file,
                b.name_span(),
                format!("`built {name}` is recorded twice in the as-built record"),
            )
            .with_label("second entry")
            .with_secondary(e.file, first.name_span(), "first entry")
            .with_help(format!(
                "keep one `built {name}` entry with what was delivered; a second run belongs in its notes, or in a deviation"
            )),
        );
    }
    built
}
