//! SDD003 and the gates: a bidirectional control character in what a gate approves keeps the
//! gate from being approved, since approvers could read other text than the one fingerprinted.
//! Elsewhere in the file it is still an error of the check, but does not stop an approval of
//! content it is not part of; written as an escape, it is no error at all.

use sdd::approve::{approve, Request};
use sdd::estate::Estate;

/// The examples, with the drafting engagement's file edited by `edit`, checked and asked for
/// Gate 1: what `check` reports as SDD003, and `approve`'s refusal, if any.
fn approve_edited(edit: impl Fn(&str) -> String) -> (usize, Option<Vec<String>>) {
    let root = sdd_tests::repo_root().join("examples");
    let mut estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let id = (estate.file_ids())
        .find(|&id| estate.files.name(id).ends_with("dc3-evpn-vlan-stretch.sdd"))
        .expect("the drafting example");
    let edited = edit(estate.files.text(id));
    assert_ne!(edited, estate.files.text(id), "the edit applies");
    estate.update(id, edited);
    let options = sdd_tests::options_at("2026-11-24");
    let analysis = sdd::analysis::analyze(&estate, &options);
    let sdd003 = (analysis.diagnostics.iter())
        .filter(|d| d.code.as_str() == "SDD003")
        .count();
    let request = Request {
        engagement: "dc3-evpn-vlan-stretch".to_string(),
        gate: "spec".to_string(),
        by: "priya".to_string(),
        on: options.as_of,
        replace: false,
    };
    (
        sdd003,
        approve(&estate, &analysis, &request).err().map(|r| r.0),
    )
}

const ACCEPTANCE: &str = "storm-control at 1 % on the BGW DCI interfaces";

#[test]
fn an_override_in_a_requirement_is_not_approved() {
    let (found, refusal) = approve_edited(|text| {
        text.replace(
            ACCEPTANCE,
            "storm-control at 1 % on the BGW DCI \u{202E}interfaces\u{202C}",
        )
    });
    assert_eq!(found, 1);
    let refusal = refusal.expect("refused");
    assert!(
        refusal.iter().any(|r| r.contains("not ready")
            && r.contains("U+202E (RIGHT-TO-LEFT OVERRIDE) in a string [SDD003]")),
        "{refusal:?}"
    );
}

#[test]
fn an_isolate_in_a_comment_inside_the_engagement_is_not_approved() {
    let (found, refusal) = approve_edited(|text| {
        text.replace(
            "priority: should",
            "priority: should // \u{2067}lab first\u{2069}",
        )
    });
    assert_eq!(found, 1);
    let refusal = refusal.expect("refused");
    assert!(
        refusal.iter().any(|r| r.contains("in a comment [SDD003]")),
        "{refusal:?}"
    );
}

#[test]
fn outside_the_approved_content_or_as_an_escape_it_does_not_stop_an_approval() {
    // A comment above the engagement: an error of the check, not part of what Gate 1 approves.
    let (found, refusal) = approve_edited(|text| format!("// \u{202B}notes\u{202C}\n{text}"));
    assert_eq!((found, refusal), (1, None));
    // The escape is seen by every reader.
    let (found, refusal) = approve_edited(|text| {
        text.replace(
            ACCEPTANCE,
            "storm-control at 1 % on the BGW DCI \\u{202E}interfaces",
        )
    });
    assert_eq!((found, refusal), (0, None));
}
