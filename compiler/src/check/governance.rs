//! Governance: every check of the operating model over one engagement, and its derived status.
//!
//! [`evaluate`] runs phase order (SDD201), gate presence (SDD202, SDD203), both gates
//! (SDD204–SDD211), dates (SDD208), deviations and reconciliation (SDD301–SDD306) and the
//! execution contract (SDD501, SDD502), and returns the [`Facts`] that manifests, reports and
//! the language server show.

use chrono::NaiveDate;
use serde::Serialize;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::fingerprint;

use super::engagement::{self as eng, Engagement};
use super::gates::{self, Unmet};
use super::names::Namespace;
use super::{contract, deviations};
use crate::syntax::Keyword;

/// The derived status of an engagement; never written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Drafting,
    Specified,
    Approved,
    Building,
    Delivered,
    Reconciled,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::Drafting,
        Status::Specified,
        Status::Approved,
        Status::Building,
        Status::Delivered,
        Status::Reconciled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Drafting => "drafting",
            Status::Specified => "specified",
            Status::Approved => "approved",
            Status::Building => "building",
            Status::Delivered => "delivered",
            Status::Reconciled => "reconciled",
        }
    }
}

/// What governance concluded about one engagement.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub name: String,
    pub status: Status,
    pub spec_fingerprint: String,
    pub design_fingerprint: String,
    pub spec_holds: bool,
    pub design_holds: bool,
    pub reconciled: bool,
    pub spec_unmet: Vec<Unmet>,
    pub design_unmet: Vec<Unmet>,
    /// The release the design installs of each asset it puts two or more constraints on
    /// (`None` where no declared release satisfies them all; an asset named once installs what
    /// its one constraint resolves to): filled in by the analysis, which has the inventory;
    /// empty until then.
    pub installed: std::collections::BTreeMap<String, Option<String>>,
}

/// The current spec and design fingerprints of an engagement.
pub fn fingerprints(e: &Engagement<'_>) -> (String, String) {
    let spec = fingerprint::spec_fingerprint(e.item, e.profile, e.requirements);
    let design = fingerprint::design_fingerprint(&spec, e.feasibility, e.design);
    (spec, design)
}

pub fn evaluate(
    ns: &Namespace<'_>,
    e: &Engagement<'_>,
    as_of: NaiveDate,
    out: &mut Vec<Diagnostic>,
) -> Facts {
    let file = e.file;
    eng::check_phase_order(file, e.item, out);
    let (spec_fp, design_fp) = fingerprints(e);
    let spec_unmet = gates::spec_content_readiness(e);
    let mut design_unmet = gates::design_readiness(e);

    // Missing gates.
    // A gate of another name (`gate spek`) is SDD106's: it may be the gate found missing, so
    // no bypass is reported beside it. The gates still do not hold.
    let misnamed_gate = (e.item.items())
        .any(|i| i.kind() == Keyword::Gate && !matches!(i.name_text(), Some("spec" | "design")));
    if misnamed_gate {
        // Nothing more to report.
    } else if e.gate_spec.is_none() {
        let later: Vec<&str> = [
            (e.gate_design, "gate design"),
            (e.build, "build"),
            (e.as_built, "as_built"),
        ]
        .iter()
        .filter(|(b, _)| b.is_some())
        .map(|(_, n)| *n)
        .collect();
        if let Some(first) = [e.gate_design, e.build, e.as_built]
            .into_iter()
            .flatten()
            .next()
        {
            out.push(
                Diagnostic::new(
                    Code::Sdd202,
                    file,
                    first.keyword.span,
                    format!(
                        "{} {} recorded without Gate 1 (gate spec)",
                        join_and(&later),
                        if later.len() == 1 { "is" } else { "are" }
                    ),
                )
                .with_label("no approved spec before this")
                .with_help(format!(
                    "the spec must be approved first: `sdd approve {} --gate spec --by @PERSON`",
                    e.name()
                )),
            );
        }
    } else if e.gate_design.is_none() {
        if let Some(first) = [e.build, e.as_built].into_iter().flatten().next() {
            out.push(
                Diagnostic::new(
                    Code::Sdd203,
                    file,
                    first.keyword.span,
                    format!(
                        "`{}` recorded without Gate 2 (gate design)",
                        first.keyword()
                    ),
                )
                .with_label("gate bypass: nothing may be built before the design is approved")
                .with_help(format!(
                    "approve the design first: `sdd approve {} --gate design --by @PERSON`",
                    e.name()
                )),
            );
        }
    }

    let spec_holds = match e.gate_spec {
        Some(g) => {
            let before = out.len();
            let outcome = gates::check_gate(ns, e, g, "spec", &spec_fp, None, &spec_unmet, out);
            if !outcome.holds && e.gate_design.is_some() {
                if let Some(d) = out[before..].iter_mut().find(|d| d.code == Code::Sdd204) {
                    d.notes.push("the design approval rests on this spec approval and no longer holds either".into());
                }
            }
            outcome.holds
        }
        None => false,
    };
    if !spec_holds {
        design_unmet.insert(
            0,
            Unmet {
                message: "Gate 1 does not hold".into(),
                span: e.item.name_span(),
            },
        );
    }
    let mut design_stale = false;
    let design_holds = match e.gate_design {
        Some(g) => {
            // A design approval whose content is unchanged but whose spec approval went stale
            // is reported once, on the spec gate.
            let recorded_spec = e
                .gate_spec
                .and_then(|s| eng::text(s, "fingerprint"))
                .filter(|f| fingerprint::is_well_formed(f));
            let unchanged = recorded_spec
                .filter(|r| *r != spec_fp)
                .map(|r| fingerprint::design_fingerprint(r, e.feasibility, e.design));
            let unmet: Vec<Unmet> = design_unmet
                .iter()
                .filter(|u| u.message != "Gate 1 does not hold")
                .cloned()
                .collect();
            let before = out.len();
            let outcome = gates::check_gate(
                ns,
                e,
                g,
                "design",
                &design_fp,
                unchanged.as_deref(),
                &unmet,
                out,
            );
            design_stale = explain_stale_design(e, &mut out[before..]);
            outcome.holds && spec_holds
        }
        None => false,
    };
    gates::check_dates(e, design_stale, as_of, out);
    let reconciled = deviations::check(ns, e, as_of, out);
    contract::check(e, out);

    let status = if !spec_holds {
        Status::Drafting
    } else if !design_holds {
        Status::Specified
    } else if e.as_built.is_some() {
        if reconciled {
            Status::Reconciled
        } else {
            Status::Delivered
        }
    } else if e.build.is_some() {
        Status::Building
    } else {
        Status::Approved
    };
    Facts {
        name: e.name().to_string(),
        status,
        spec_fingerprint: spec_fp,
        design_fingerprint: design_fp,
        spec_holds,
        design_holds,
        reconciled: reconciled && status == Status::Reconciled,
        spec_unmet: spec_unmet
            .into_iter()
            .chain(gates::missing_profile_fields(e))
            .collect(),
        design_unmet,
        installed: Default::default(),
    }
}

/// `a`, `a and b`, `a, b and c`, each in backticks.
fn join_and(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Is the design approval stale (an SDD204 among its gate's diagnostics)? When the spec was
/// approved again after it, that is why: the design fingerprint rests on the spec's, so the
/// SDD204 says so, and the dates of the two approvals are not also reported out of order
/// (SDD208): the design's re-approval dates it after the spec's.
fn explain_stale_design(e: &Engagement<'_>, design_gate: &mut [Diagnostic]) -> bool {
    let Some(stale) = design_gate.iter_mut().find(|d| d.code == Code::Sdd204) else {
        return false;
    };
    let spec_on = e.gate_spec.and_then(|g| eng::date(g, "on"));
    let design_on = e.gate_design.and_then(|g| eng::date(g, "on"));
    if let (Some(spec_on), Some(design_on)) = (spec_on, design_on) {
        if design_on < spec_on {
            stale.message = "stale approval: the spec was approved again after gate design".into();
            stale.notes.push(format!(
                "the spec was approved again ({spec_on}) after the design ({design_on}): the \
                 design approval rests on the spec approval and needs to be given again"
            ));
        }
    }
    true
}
