//! Gates: approvals bound to fingerprints, authority, separation of duties, quorum, date
//! order and readiness (SDD202–SDD211).
//!
//! A gate *holds* when it is recorded, its fingerprint is the content's current fingerprint,
//! enough distinct approvers with authority (none of them the owner) signed it, and the
//! content was ready for it. SDD202/SDD203 report a missing gate; a recorded gate that does
//! not hold is reported by its own code, once, and blocks execution just the same.

use std::sync::PoisonError;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::fingerprint;
use crate::source::Span;
use crate::syntax::{Item, ValueKind};

use super::engagement::{self as eng, Engagement};
use super::names::{NameSet, Namespace};
use super::values::listed;
use crate::syntax::Keyword;

/// An unmet readiness criterion: what is missing and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    pub message: String,
    pub span: Span,
}

/// Why a person may not approve: `None` when they may. Worked out once per person, approval
/// and domain, and then remembered by the namespace.
pub fn lacks_authority(
    ns: &Namespace<'_>,
    person: &str,
    approval: &str,
    domain: Option<&str>,
) -> Option<String> {
    let key = (
        person.to_string(),
        approval.to_string(),
        domain.map(str::to_string),
    );
    let memo = || ns.authority.lock().unwrap_or_else(PoisonError::into_inner);
    let known = memo().get(&key).cloned();
    if let Some(known) = known {
        return known;
    }
    // Not locked meanwhile: two threads may both work it out, to the same answer.
    let why = why_not_authorised(ns, person, approval, domain);
    memo().insert(key, why.clone());
    why
}

/// Is this person, or a role they hold, declared more than once (SDD102)? Then which
/// declaration grants their authority is a matter of file order.
pub fn declared_twice_with_roles(ns: &Namespace<'_>, person: &str) -> bool {
    if !ns.any_declared_twice() {
        return false;
    }
    ns.declared_twice(person)
        || ns.get_kind(person, "person").is_some_and(|d| {
            eng::names(d.item, "roles")
                .iter()
                .any(|r| ns.declared_twice(r))
        })
}

fn why_not_authorised(
    ns: &Namespace<'_>,
    person: &str,
    approval: &str,
    domain: Option<&str>,
) -> Option<String> {
    let Some(decl) = ns.get_kind(person, "person") else {
        return Some(format!("@{person} is not a declared person"));
    };
    let roles = eng::names(decl.item, "roles");
    let domain_text = domain.unwrap_or("unknown");
    for role in &roles {
        let Some(r) = ns.get_kind(role, "role") else {
            continue;
        };
        let approves = eng::names(r.item, "approves");
        let domains = eng::names(r.item, "domains");
        if approves.contains(&approval) && domain.is_some_and(|d| domains.contains(&d)) {
            return None;
        }
    }
    let held = match listed(roles.iter().map(|r| format!("`{r}`"))) {
        None => "holds no role".to_string(),
        Some(roles) => format!("holds {roles}"),
    };
    Some(format!(
        "@{person} {held}, and none approves {approval} in the {domain_text} domain"
    ))
}

/// The outcome of checking one gate.
pub struct GateOutcome {
    pub holds: bool,
}

/// Check one recorded gate against the current fingerprint of its content.
#[allow(clippy::too_many_arguments)]
pub fn check_gate(
    ns: &Namespace<'_>,
    e: &Engagement<'_>,
    gate: &Item,
    kind: &str,
    current: &str,
    unchanged_if: Option<&str>,
    unmet: &[Unmet],
    out: &mut Vec<Diagnostic>,
) -> GateOutcome {
    let file = e.file;
    let mut holds = true;
    let at = gate.name_span();
    match gate
        .field("fingerprint")
        .map(|f| (&f.value, f.value.as_str()))
    {
        None => {
            holds = false;
            out.push(
                Diagnostic::new(
                    Code::Sdd205,
                    file,
                    at,
                    format!("gate {kind} records no fingerprint"),
                )
                .with_label("no `fingerprint:`")
                .with_note(format!("current {kind} fingerprint: {current}"))
                .with_help(format!(
                    "record the approval with `sdd approve {} --gate {kind} --by @PERSON`",
                    e.name()
                )),
            );
        }
        Some((value, text)) if !text.is_some_and(fingerprint::is_well_formed) => {
            holds = false;
            out.push(
                Diagnostic::new(
                    Code::Sdd205,
                    file,
                    value.span,
                    format!("malformed fingerprint in gate {kind}"),
                )
                .with_label("expected \"sha256:\" and 64 lowercase hex digits")
                .with_note(format!("current {kind} fingerprint: {current}"))
                .with_help(format!(
                    "record the approval with `sdd approve {} --gate {kind} --by @PERSON --replace`",
                    e.name()
                )),
            );
        }
        Some((value, Some(recorded))) if recorded != current => {
            holds = false;
            // A fingerprint not of the whole content (the profile unknown, so none of its
            // fields; or a syntax error inside) is not a stale approval: the SDD101 or SDD001
            // is the one report. The gate does not hold all the same.
            if unchanged_if != Some(recorded) && !e.profile_unknown() && !e.partly_read {
                out.push(
                    Diagnostic::new(
                        Code::Sdd204,
                        file,
                        value.span,
                        format!("stale approval: the {kind} changed after gate {kind} was approved"),
                    )
                    .with_label("approved fingerprint")
                    .with_note(format!("approved: {recorded}"))
                    .with_note(format!("current:  {current}"))
                    .with_help(format!(
                        "have the change re-approved: `sdd approve {} --gate {kind} --by @PERSON --replace`",
                        e.name()
                    )),
                );
            }
        }
        Some(_) => {}
    }
    // An approval with no date, or one that is no date, is not on record: SDD104 or SDD103
    // reports it.
    if eng::date(gate, "on").is_none() {
        holds = false;
    }
    // A quorum that is no number of approvers (SDD103): how many the gate needs is unclear.
    if !e.quorum_is_valid(kind) {
        holds = false;
    }
    // A profile declared twice (SDD102): which one sets the domain, the quorum and the fields
    // is a matter of file order, so no gate of the engagement holds.
    if ns.any_declared_twice() && eng::name(e.item, "profile").is_some_and(|p| ns.declared_twice(p))
    {
        holds = false;
    }

    let approvers = eng::approvers(gate);
    let mut valid: Vec<&str> = Vec::new();
    let first_own = out.len();
    // Each person counts once, however often listed.
    let mut listed = NameSet::default();
    for (person, span) in &approvers {
        if !listed.insert(person) {
            continue;
        }
        if e.builder(person, kind).is_some() {
            holds = false;
            out.push(
                Diagnostic::new(
                    Code::Sdd207,
                    file,
                    *span,
                    format!("@{person} approves gate {kind} of their own engagement"),
                )
                .with_label("the approver is the engagement owner")
                .with_note(
                    "separation of duties: the owner cannot approve their own spec or design",
                )
                .with_help("ask another lead with authority to approve"),
            );
            continue;
        }
        if ns.get_kind(person, "person").is_none() {
            holds = false;
            continue; // SDD101 from the type checker
        }
        // The approver, or a role they hold, declared twice (SDD102): their authority is a
        // matter of file order.
        if declared_twice_with_roles(ns, person) {
            holds = false;
            continue;
        }
        let Some(domain) = e.domain() else {
            holds = false;
            continue; // no profile or no domain: reported as such (SDD101, SDD104)
        };
        if let Some(why) = lacks_authority(ns, person, kind, Some(domain)) {
            holds = false;
            out.push(
                Diagnostic::new(
                    Code::Sdd206,
                    file,
                    *span,
                    format!("@{person} may not approve gate {kind}"),
                )
                .with_label("approver lacks authority")
                .with_note(why),
            );
            continue;
        }
        valid.push(person);
    }
    let quorum = e.quorum(kind);
    // An empty `approved_by: []` names nobody: the quorum is not met (no approver missing
    // from a gate is SDD104, a value of another type SDD103).
    let none_listed = gate
        .field("approved_by")
        .is_some_and(|f| matches!(&f.value.kind, ValueKind::List(items) if items.is_empty()));
    if valid.len() < quorum && listed.len() < quorum && (!approvers.is_empty() || none_listed) {
        holds = false;
        let span = gate
            .field("approved_by")
            .map(|f| f.value.span)
            .unwrap_or(at);
        let mut d = Diagnostic::new(
            Code::Sdd209,
            file,
            span,
            format!(
                "gate {kind} needs {quorum} distinct approver{}; it has {}",
                if quorum == 1 { "" } else { "s" },
                listed.len()
            ),
        )
        .with_label("quorum not met");
        if listed.len() < approvers.len() {
            d = d.with_note("a person listed more than once counts once");
        }
        let profile = e.profile.and_then(|p| p.name_text()).unwrap_or("?");
        let set = e.profile.and_then(|p| p.field("quorum")).is_some();
        out.push(d.with_note(match set {
            true => format!("profile `{profile}` sets quorum {kind}: {quorum}"),
            false => format!("profile `{profile}` sets no quorum: each gate needs {quorum}"),
        }));
    }
    if valid.len() < quorum {
        holds = false;
        // Listed in number but not in authority: the one error is the approver who does not
        // count (SDD206, SDD207), and it says what the quorum lacks, not a second SDD209 that
        // appears only once that approver is removed.
        if quorum > 1 && listed.len() >= quorum {
            let lacking = format!(
                "gate {kind} has {} approver{} that count{}, of the {quorum} its quorum needs",
                valid.len(),
                if valid.len() == 1 { "" } else { "s" },
                if valid.len() == 1 { "s" } else { "" },
            );
            for d in out[first_own..]
                .iter_mut()
                .filter(|d| matches!(d.code, Code::Sdd206 | Code::Sdd207))
            {
                d.notes.push(lacking.clone());
            }
        }
    }

    // Readiness speaks of the approved content only: a stale approval needs re-approval anyway.
    let approved_current =
        gate.field("fingerprint").and_then(|f| f.value.as_str()) == Some(current);
    let code = if kind == "spec" {
        Code::Sdd210
    } else {
        Code::Sdd211
    };
    for u in unmet.iter().filter(|_| approved_current) {
        holds = false;
        out.push(
            Diagnostic::new(
                code,
                file,
                u.span,
                format!("gate {kind} is recorded but {}", u.message),
            )
            .with_label("not ready")
            .with_secondary(file, at, format!("gate {kind} approved here")),
        );
    }
    GateOutcome { holds }
}

/// Gate 1 readiness. `with_fields` adds missing required profile fields (already SDD104
/// diagnostics in a check, but part of the `--ready` report).
pub fn spec_readiness(e: &Engagement<'_>, with_fields: bool) -> Vec<Unmet> {
    let mut unmet = spec_content_readiness(e);
    if with_fields {
        unmet.extend(missing_profile_fields(e));
    }
    unmet
}

/// Gate 1 readiness of the requirements alone: what an approval of the spec rests on.
pub fn spec_content_readiness(e: &Engagement<'_>) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    let requirements: Vec<&Item> =
        Engagement::children(e.requirements, Keyword::Requirement).collect();
    if requirements.is_empty() {
        unmet.push(Unmet {
            message: "the engagement has no requirement".into(),
            span: e
                .requirements
                .map(|r| r.keyword.span)
                .unwrap_or(e.item.name_span()),
        });
    }
    for r in &requirements {
        for field in ["priority", "acceptance"] {
            if !eng::given(r, field) {
                let id = r.name_text().unwrap_or("?");
                unmet.push(Unmet {
                    message: match r.field(field) {
                        None => format!("requirement {id} has no `{field}`"),
                        Some(_) => format!("requirement {id}'s `{field}` is empty"),
                    },
                    span: r.name_span(),
                });
            }
        }
    }
    unmet
}

/// The required fields of the engagement's profile that it does not give.
pub fn missing_profile_fields(e: &Engagement<'_>) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    if let Some(p) = e.profile {
        for decl in p
            .items()
            .filter(|i| i.kind() == Keyword::Field && i.optional.is_none())
        {
            if let Some(name) = decl.name_text() {
                if e.item.field(name).is_none() {
                    unmet.push(Unmet {
                        message: format!("the required profile field `{name}` is missing"),
                        span: e.item.name_span(),
                    });
                }
            }
        }
    }
    unmet
}

/// Gate 2 readiness.
pub fn design_readiness(e: &Engagement<'_>) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    let components: Vec<&Item> = Engagement::children(e.design, Keyword::Component).collect();
    let tests: Vec<&Item> = Engagement::children(e.design, Keyword::Test).collect();
    // Sets: an engagement may have thousands of requirements.
    let satisfied: NameSet<'_> = (components.iter())
        .flat_map(|c| eng::names(c, "satisfies"))
        .collect();
    let verified: NameSet<'_> = tests
        .iter()
        .flat_map(|t| eng::names(t, "verifies"))
        .collect();
    let design_span = e
        .design
        .map(|d| d.keyword.span)
        .unwrap_or(e.item.name_span());
    if e.design.is_none() {
        unmet.push(Unmet {
            message: "the engagement has no design".into(),
            span: design_span,
        });
    }
    for r in Engagement::children(e.requirements, Keyword::Requirement) {
        let id = r.name_text().unwrap_or("?");
        if eng::name(r, "priority") == Some("must") && !satisfied.contains(id) {
            unmet.push(Unmet {
                message: format!("must requirement {id} is satisfied by no component"),
                span: r.name_span(),
            });
        }
        if !verified.contains(id) {
            unmet.push(Unmet {
                message: format!("requirement {id} is verified by no test"),
                span: r.name_span(),
            });
        }
    }
    for c in Engagement::children(e.requirements, Keyword::Constraint) {
        let id = c.name_text().unwrap_or("?");
        if !satisfied.contains(id) {
            unmet.push(Unmet {
                message: format!("constraint {id} is satisfied by no component"),
                span: c.name_span(),
            });
        }
    }
    match e
        .feasibility
        .and_then(|f| f.field("decision").map(|d| (f, d)))
    {
        None => unmet.push(Unmet {
            message: "the feasibility decision is missing".into(),
            span: e
                .feasibility
                .map(|f| f.keyword.span)
                .unwrap_or(e.item.name_span()),
        }),
        Some((_, d)) if d.value.as_name() == Some("not-feasible") => unmet.push(Unmet {
            message: "the feasibility decision is `not-feasible`".into(),
            span: d.value.span,
        }),
        Some(_) => {}
    }
    for f in Engagement::children(e.feasibility, Keyword::Finding) {
        if let Some(status @ ("open" | "blocked")) = eng::name(f, "status") {
            unmet.push(Unmet {
                message: format!("finding {} is {status}", f.name_text().unwrap_or("?")),
                span: f.name_span(),
            });
        }
    }
    for r in Engagement::children(e.feasibility, Keyword::Risk) {
        if eng::name(r, "severity") == Some("high") && !eng::given(r, "mitigation") {
            unmet.push(Unmet {
                message: format!(
                    "high risk {} has no mitigation",
                    r.name_text().unwrap_or("?")
                ),
                span: r.name_span(),
            });
        }
    }
    if e.rollback().is_none() {
        // A field that is there but holds no text: say why it does not count.
        let given = (e.design.into_iter().map(|d| (d, "rollback")))
            .chain([(e.item, "rollback_plan"), (e.item, "rollback")])
            .find_map(|(item, name)| item.field(name).map(|_| name));
        let why = given.map_or(String::new(), |name| {
            format!(" (`{name}` is given but holds no text)")
        });
        unmet.push(Unmet {
            message: format!("no rollback{why}: add `rollback: \"…\"` to the design (or the profile's `rollback_plan`)"),
            span: design_span,
        });
    }
    unmet
}

/// SDD208: dates out of order, or after the date checked against (`as_of`, today): a record
/// of what happened is not dated ahead. A stale design approval (`design_stale`, reported as
/// SDD204) is not also reported as dated before the spec approval: giving it again dates it
/// after.
pub fn check_dates(
    e: &Engagement<'_>,
    design_stale: bool,
    as_of: chrono::NaiveDate,
    out: &mut Vec<Diagnostic>,
) {
    let file = e.file;
    check_not_ahead(e, as_of, out);
    let opened = e.opened();
    let spec_on = e.gate_spec.and_then(|g| eng::date(g, "on"));
    let design_on = e.gate_design.and_then(|g| eng::date(g, "on"));
    let started = e.build.and_then(|b| eng::date(b, "started"));
    let mut pair = |later: Option<(chrono::NaiveDate, &Item, &str)>,
                    earlier: Option<(chrono::NaiveDate, Span, &str)>| {
        if let (Some((l, item, field)), Some((r, rspan, what))) = (later, earlier) {
            if l < r {
                let span = item
                    .field(field)
                    .map(|f| f.value.span)
                    .unwrap_or(item.name_span());
                out.push(
                    Diagnostic::new(
                        Code::Sdd208,
                        file,
                        span,
                        format!(
                            "{} is dated {l}, before {what} ({r})",
                            describe(item, field)
                        ),
                    )
                    .with_label("date out of order")
                    .with_secondary(file, rspan, what.to_string()),
                );
            }
        }
    };
    let at = |item: Option<&Item>, field: &str| {
        item.and_then(|i| i.field(field))
            .map(|f| f.value.span)
            .unwrap_or_default()
    };
    // Each step is compared with the latest step before it that is recorded: without a build
    // block, the verifications and the as-built record come after gate design still.
    let opened = opened.map(|d| {
        (
            d,
            at(Some(e.item), "opened"),
            "the opening of the engagement",
        )
    });
    let spec = spec_on.map(|d| (d, at(e.gate_spec, "on"), "gate spec"));
    let design = design_on.map(|d| (d, at(e.gate_design, "on"), "gate design"));
    let build = started.map(|d| (d, at(e.build, "started"), "the start of the build"));
    pair(spec_on.zip(e.gate_spec).map(|(d, g)| (d, g, "on")), opened);
    pair(
        (design_on.zip(e.gate_design))
            .filter(|_| !design_stale)
            .map(|(d, g)| (d, g, "on")),
        spec.or(opened),
    );
    pair(
        started.zip(e.build).map(|(d, b)| (d, b, "started")),
        design.or(spec).or(opened),
    );
    let before_the_record = build.or(design).or(spec).or(opened);
    for v in Engagement::children(e.as_built, Keyword::Verified) {
        pair(eng::date(v, "on").map(|d| (d, v, "on")), before_the_record);
    }
    if let Some(ab) = e.as_built {
        pair(
            eng::date(ab, "recorded").map(|d| (d, ab, "recorded")),
            before_the_record,
        );
    }
}

/// The label of an SDD208 for a step dated after the day checked.
const AHEAD: &str = "a date ahead";

/// Does this diagnostic depend on the day the check runs at (`--as-of`, default today): an
/// expired deviation (SDD306) or a step dated after that day (SDD208)? A manifest, which
/// never depends on the date, leaves such diagnostics out.
pub fn depends_on_the_day(d: &Diagnostic) -> bool {
    d.code == Code::Sdd306 || (d.code == Code::Sdd208 && d.primary.message == AHEAD)
}

/// SDD208 for each recorded step dated after `as_of`.
fn check_not_ahead(e: &Engagement<'_>, as_of: chrono::NaiveDate, out: &mut Vec<Diagnostic>) {
    let steps = [
        (e.gate_spec, "on"),
        (e.gate_design, "on"),
        (e.build, "started"),
    ]
    .into_iter()
    .chain(Engagement::children(e.as_built, Keyword::Verified).map(|v| (Some(v), "on")))
    .chain([(e.as_built, "recorded")]);
    for (item, field) in steps {
        let Some(item) = item else { continue };
        let Some(date) = eng::date(item, field).filter(|d| *d > as_of) else {
            continue;
        };
        let span = item.field(field).map_or(item.name_span(), |f| f.value.span);
        out.push(
            Diagnostic::new(
                Code::Sdd208,
                e.file,
                span,
                format!(
                    "{} is dated {date}, after the day checked ({as_of})",
                    describe(item, field)
                ),
            )
            .with_label(AHEAD)
            .with_note("a record of what happened is dated the day it happened")
            .with_help("write the date it happened; the day checked is today unless `--as-of` sets another"),
        );
    }
}

fn describe(item: &Item, field: &str) -> String {
    match item.kind() {
        Keyword::Gate => format!("gate {}", item.name_text().unwrap_or("?")),
        Keyword::Build => "the build".into(),
        Keyword::Verified => format!("the verification of {}", item.name_text().unwrap_or("?")),
        Keyword::AsBuilt => "the as-built record".into(),
        _ => format!("{} `{field}`", item.keyword()),
    }
}
