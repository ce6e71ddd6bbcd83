//! A profile, an approver or an approver's role declared twice (SDD102): which declaration
//! sets the domain, the quorum and the authority is a matter of file order. No gate resting on
//! it holds, and `approve` refuses rather than judge by whichever file sorts first.

use sdd::approve::{approve, Request};
use sdd::estate::Estate;

/// The examples with `aaa.sdd` (first in file order) added.
fn examples_with(extra: &str) -> Estate {
    let root = sdd_tests::repo_root().join("examples");
    let examples = Estate::load(std::slice::from_ref(&root)).expect("examples");
    let mut sources: Vec<(String, String)> = (examples.file_ids())
        .map(|id| {
            (
                examples.files.name(id).to_string(),
                examples.files.text(id).to_string(),
            )
        })
        .collect();
    sources.push(("aaa.sdd".into(), extra.into()));
    Estate::from_sources(sources)
}

fn request(engagement: &str, gate: &str, by: &str) -> Request {
    Request {
        engagement: engagement.into(),
        gate: gate.into(),
        by: by.into(),
        on: sdd_tests::options_at("2026-11-24").as_of,
        replace: false,
    }
}

#[test]
fn a_profile_declared_twice_holds_no_gate_and_is_not_approved() {
    // An imposter profile in the infrastructure domain with no quorum, first in file order.
    let estate = examples_with("profile network-provisioning { domain: infrastructure }\n");
    let analysis = sdd::analysis::analyze(&estate, &sdd_tests::options_at("2026-11-24"));
    let facts = analysis.facts("dc2-edge-bgp-peering").expect("analysed");
    assert!(!facts.spec_holds && !facts.design_holds);
    let refusal = approve(
        &estate,
        &analysis,
        &request("dc3-evpn-vlan-stretch", "spec", "priya"),
    )
    .expect_err("refused");
    assert!(
        refusal
            .0
            .iter()
            .any(|r| r.contains("the profile `network-provisioning` is declared more than once")),
        "{refusal:?}"
    );
}

#[test]
fn a_role_declared_twice_grants_no_authority() {
    let estate =
        examples_with("role network-lead { approves: [spec] domains: [infrastructure] }\n");
    let analysis = sdd::analysis::analyze(&estate, &sdd_tests::options_at("2026-11-24"));
    // @priya, a network lead, approved Gate 1 of dc2-edge-bgp-peering.
    let facts = analysis.facts("dc2-edge-bgp-peering").expect("analysed");
    assert!(!facts.spec_holds);
    let refusal = approve(
        &estate,
        &analysis,
        &request("dc3-evpn-vlan-stretch", "spec", "priya"),
    )
    .expect_err("refused");
    assert!(
        refusal
            .0
            .iter()
            .any(|r| r.contains("a role of @priya is declared more than once")),
        "{refusal:?}"
    );
}
