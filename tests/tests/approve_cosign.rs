//! A co-signature: `sdd approve` for a gate whose approved content is unchanged adds the
//! approver. On a gate that already holds it keeps the gate's date, so a Gate 1 co-signed
//! after Gate 2 does not fall after the design approval resting on it; one that completes a
//! quorum dates the gate that day.

use sdd::approve::{approve, Edit, Refusal, Request};
use sdd::estate::Estate;

const ENGAGEMENT: &str = "dc2-edge-bgp-peering";

/// The examples, with the engagement's file edited by `edit`.
fn examples(edit: impl Fn(&str) -> String) -> (Estate, sdd::source::FileId) {
    let root = sdd_tests::repo_root().join("examples");
    let mut estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let id = (estate.file_ids())
        .find(|&id| {
            estate
                .files
                .name(id)
                .ends_with(&format!("{ENGAGEMENT}.sdd"))
        })
        .expect("the example");
    let edited = edit(estate.files.text(id));
    estate.update(id, edited);
    (estate, id)
}

/// `sdd approve ENGAGEMENT --gate GATE --by @BY --on ON`, judged on 2026-11-24.
fn judged(estate: &Estate, gate: &str, by: &str, on: &str) -> Result<Edit, Refusal> {
    let options = sdd_tests::options_at("2026-11-24");
    let analysis = sdd::analysis::analyze(estate, &options);
    let request = Request {
        engagement: ENGAGEMENT.to_string(),
        gate: gate.to_string(),
        by: by.to_string(),
        on: sdd::check::values::parse_date(on).unwrap(),
        replace: false,
    };
    approve(estate, &analysis, &request)
}

fn approved(estate: &Estate, gate: &str, by: &str, on: &str) -> Edit {
    judged(estate, gate, by, on).expect("the approval is recorded")
}

fn errors(estate: &Estate) -> Vec<String> {
    let analysis = sdd::analysis::analyze(estate, &sdd_tests::options_at("2026-11-24"));
    (analysis.diagnostics.iter())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

#[test]
fn a_co_signature_on_a_gate_that_holds_keeps_its_date() {
    // Gate 1 approved by @priya on 2026-08-10; Gate 2 on 2026-08-24 rests on it.
    let (mut estate, id) = examples(|t| t.to_string());
    let edit = approved(&estate, "spec", "tomasz", "2026-09-01");
    assert_eq!(edit.approvers, ["priya", "tomasz"]);
    assert_eq!(edit.on.to_string(), "2026-08-10");
    assert!(edit
        .text
        .contains("approved_by: [@priya, @tomasz]\n    on: 2026-08-10\n"));
    // The content is unchanged: no warning that the design approval goes stale, only that
    // the date asked for is not the one written.
    assert_eq!(
        edit.warnings,
        [
            "the gate keeps the date 2026-08-10, not 2026-09-01: it holds since then, and a \
          co-signature does not move the day a gate was passed"
        ]
    );
    estate.update(id, edit.text);
    assert_eq!(errors(&estate), Vec::<String>::new());
}

#[test]
fn the_signature_that_completes_a_quorum_dates_the_gate() {
    // Gate 2 needs two approvers; with @marcus alone on 2026-08-20 it does not hold yet.
    let (mut estate, id) = examples(|t| {
        let t = t.replacen(
            "approved_by: [@marcus, @priya]",
            "approved_by: [@marcus]",
            1,
        );
        t.replacen("    on: 2026-08-24\n", "    on: 2026-08-20\n", 1)
    });
    let edit = approved(&estate, "design", "priya", "2026-08-24");
    assert_eq!(edit.approvers, ["marcus", "priya"]);
    assert_eq!(edit.on.to_string(), "2026-08-24");
    // Given before the recorded date, the signature leaves the gate dated the later day.
    let edit_early = approved(&estate, "design", "priya", "2026-08-15");
    assert_eq!(edit_early.on.to_string(), "2026-08-20");
    assert_eq!(
        edit_early.warnings,
        [
            "the gate keeps the date 2026-08-20, not 2026-08-15: a gate is dated the day its \
          quorum is met, the later of its approvals"
        ]
    );
    estate.update(id, edit.text);
    assert_eq!(errors(&estate), Vec::<String>::new());
}

#[test]
fn a_first_signature_of_a_larger_quorum_says_how_many_more_are_needed() {
    // Gate 2 of a network-provisioning engagement needs two approvers.
    let (mut estate, id) = examples(|t| {
        let start = t.find("  gate design {").expect("a design gate");
        let end = start + t[start..].find("}\n").unwrap() + 2;
        format!("{}{}", &t[..start], &t[end..])
    });
    let first = approved(&estate, "design", "marcus", "2026-08-24");
    assert_eq!(
        first.warnings,
        ["gate design needs 2 approvers with authority and has 1: it holds once 1 more signs"]
    );
    estate.update(id, first.text);
    let second = approved(&estate, "design", "priya", "2026-08-24");
    assert_eq!(second.warnings, Vec::<String>::new());
}

#[test]
fn an_approver_without_authority_is_not_counted_toward_the_quorum() {
    // @tomasz, a senior engineer, approves specs, not designs.
    let (estate, _) = examples(|t| {
        t.replacen(
            "approved_by: [@marcus, @priya]",
            "approved_by: [@tomasz]",
            1,
        )
    });
    let edit = approved(&estate, "design", "marcus", "2026-08-24");
    assert_eq!(edit.approvers, ["tomasz", "marcus"]);
    assert_eq!(
        edit.warnings,
        ["gate design needs 2 approvers with authority and has 1: it holds once 1 more signs"]
    );
}

fn refused(estate: &Estate, gate: &str, by: &str, on: &str) -> Vec<String> {
    judged(estate, gate, by, on)
        .expect_err("the approval is refused")
        .0
}

#[test]
fn a_co_signature_dated_before_gate_1_is_refused_though_the_gate_keeps_a_later_date() {
    // Gate 1 on 2026-08-10; Gate 2 by @marcus alone on 2026-08-20, a quorum of two. A
    // signature dated 2026-08-05 approves a design before its spec was approved: the gate's
    // later date must not hide that.
    let (estate, _) = examples(|t| {
        let t = t.replacen(
            "approved_by: [@marcus, @priya]",
            "approved_by: [@marcus]",
            1,
        );
        t.replacen("    on: 2026-08-24\n", "    on: 2026-08-20\n", 1)
    });
    assert_eq!(
        refused(&estate, "design", "priya", "2026-08-05"),
        [
            "an approval on 2026-08-05 would be dated before Gate 1 (2026-08-10): it can be \
          dated 2026-08-10 or later"
        ]
    );
}

#[test]
fn an_approver_who_already_signed_this_content_changes_nothing() {
    // @priya approved the spec on 2026-08-10; asked again today, nothing is written: the
    // gate's date is not moved to today, and no second `@priya` is listed.
    let (estate, id) = examples(|t| t.to_string());
    let edit = approved(&estate, "spec", "priya", "2026-11-24");
    assert!(edit.already_recorded);
    assert_eq!(edit.text, estate.files.text(id));
    assert_eq!(edit.on.to_string(), "2026-08-10");
    assert_eq!(edit.approvers, ["priya"]);
}
