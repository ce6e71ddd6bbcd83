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

/// With `extra` added: whether dc2-edge-bgp-peering's gates (approved by @priya, in the
/// network-provisioning profile) hold, and why @priya may not approve Gate 1 of
/// dc3-evpn-vlan-stretch.
fn judged_with(extra: &str) -> ((bool, bool), Vec<String>) {
    let estate = examples_with(extra);
    let analysis = sdd::analysis::analyze(&estate, &sdd_tests::options_at("2026-11-24"));
    let facts = analysis.facts("dc2-edge-bgp-peering").expect("analysed");
    let holds = (facts.spec_holds, facts.design_holds);
    let request = request("dc3-evpn-vlan-stretch", "spec", "priya");
    let refusal = approve(&estate, &analysis, &request).expect_err("refused");
    (holds, refusal.0)
}

#[test]
fn a_profile_declared_twice_holds_no_gate_and_is_not_approved() {
    // An imposter profile in the infrastructure domain with no quorum, first in file order.
    let (holds, refusal) = judged_with("profile network-provisioning { domain: infrastructure }\n");
    assert_eq!(holds, (false, false));
    let why = "the profile `network-provisioning` is declared more than once";
    assert!(refusal.iter().any(|r| r.contains(why)), "{refusal:?}");
}

#[test]
fn a_role_declared_twice_grants_no_authority() {
    let (holds, refusal) =
        judged_with("role network-lead { approves: [spec] domains: [infrastructure] }\n");
    assert_eq!(holds, (false, false));
    let why = "a role of @priya is declared more than once";
    assert!(refusal.iter().any(|r| r.contains(why)), "{refusal:?}");
}
