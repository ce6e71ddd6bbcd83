//! A profile with an error: which domain, fields and quorum it sets is unclear, so no gate is
//! approved in it, and a quorum that is no number of approvers holds no gate. A malformed
//! quorum used to become 1 without a word: `--ready` said ready, `approve` recorded a
//! one-approver Gate 2, and the manifest said it held.

use sdd::approve::{approve, Request};
use sdd::estate::Estate;

/// The examples with `profiles.sdd` edited by `edit`.
fn examples_with_profiles(edit: impl Fn(&str) -> String) -> Estate {
    let root = sdd_tests::repo_root().join("examples");
    let mut estate = Estate::load(std::slice::from_ref(&root)).expect("examples");
    let id = (estate.file_ids())
        .find(|&id| estate.files.name(id).ends_with("profiles.sdd"))
        .expect("profiles.sdd");
    let edited = edit(estate.files.text(id));
    assert_ne!(edited, estate.files.text(id), "the edit applies");
    estate.update(id, edited);
    estate
}

#[test]
fn a_quorum_that_is_no_number_holds_no_gate_and_nothing_is_approved_in_its_profile() {
    for quorum in ["design: \"2\"", "design: -1", "design: 9223372036854775808"] {
        let estate = examples_with_profiles(|t| {
            t.replacen(
                "quorum: { spec: 1 design: 2 }",
                &format!("quorum: {{ spec: 1 {quorum} }}"),
                1,
            )
        });
        let options = sdd_tests::options_at("2026-11-24");
        let analysis = sdd::analysis::analyze(&estate, &options);
        let facts = analysis.facts("dc2-edge-bgp-peering").expect("analysed");
        // A number the tree could not hold (SDD001) leaves no entry: the design quorum is
        // then the default, and only the profile's error keeps approvals out.
        if !quorum.ends_with("808") {
            assert!(!facts.design_holds, "{quorum}");
        }
        let request = Request {
            engagement: "dc3-evpn-vlan-stretch".into(),
            gate: "spec".into(),
            by: "priya".into(),
            on: options.as_of,
            replace: false,
        };
        let refusal = approve(&estate, &analysis, &request).expect_err("refused");
        assert!(
            (refusal.0.iter())
                .any(|r| r.contains("the profile `network-provisioning` has an error")),
            "{quorum}: {refusal:?}"
        );
    }
}
