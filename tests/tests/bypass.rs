//! The bypass suite: every way around the SDD operating model that the issue names is caught
//! with the right code. Each test starts from a clean, reconciled engagement approved through
//! real fingerprints, makes one change an engineer might try, and checks the code reported.

use sdd::analysis::{analyze, Analysis};
use sdd::check::governance::Status;
use sdd::estate::Estate;
use sdd_tests::{options_at, CASE_DATE};

const PEOPLE: &str = r#"
person alice { name: "Alice Chen" roles: [network-engineer] }
person bob { name: "Bob Ortiz" roles: [network-lead] }
person carol { name: "Carol Diaz" roles: [network-lead] }
person dave { name: "Dave Park" roles: [network-engineer] }
person erin { name: "Erin Walsh" roles: [cloud-lead] }

role network-engineer { approves: [] domains: [network] }
role network-lead { approves: [spec, design, deviation] domains: [network] }
role cloud-lead { approves: [spec, design, deviation] domains: [infrastructure] }

record window { start: datetime length: duration }

profile network-provisioning {
  domain: network
  field targets: list<text>
  field change_window: window
  field rollback_plan: text
  autonomy_limit: supervised
  quorum: { spec: 1 design: 2 }
}

asset bgp-neighbor-template {
  version: 2.3.0
  versions: [2.1.0, 1.9.0]
  domain: network
  kind: template
  provides: [bgp-peering]
  owner: @bob
  status: active
}
"#;

const ENGAGEMENT: &str = r#"
engagement bgp-peer-dc2 {
  profile: network-provisioning
  title: "Provision eBGP peering for the DC2 edge"
  owner: @alice
  opened: 2026-11-02
  targets: ["dc2-edge-1", "dc2-edge-2"]
  change_window: { start: 2026-11-28T02:00Z length: 2h }
  rollback_plan: "Remove the neighbor stanza"

  requirements {
    requirement R1 "Establish an eBGP session with transit AS 64512" {
      priority: must
      acceptance: "show bgp summary reports Established within 60 s"
    }
    constraint C1 "No change outside the approved window"
  }

  gate spec {
    approved_by: @bob
    on: 2026-11-05
    fingerprint: "SPEC_FP"
  }

  feasibility {
    decision: feasible
    risk K1 "Route leak" { severity: high mitigation: "max-prefix 100" }
  }

  design {
    component peer-config "Render and push the neighbor config" {
      reuses: bgp-neighbor-template "^2.1"
      satisfies: [R1, C1]
    }
    test T1 "Session established" { verifies: [R1] }
  }

  gate design {
    approved_by: [@bob, @carol]
    on: 2026-11-10
    fingerprint: "DESIGN_FP"
  }

  build {
    executor: agent
    agent: "netops-agent"
    autonomy: supervised
    operator: @dave
    started: 2026-11-28
  }

  as_built {
    recorded: 2026-11-29
    built peer-config { uses: bgp-neighbor-template 2.3.0 }
    deviation D1 "BFD timers 300 ms instead of 100 ms" {
      affects: peer-config
      cause: "ASR9k line-card minimum"
      status: accepted
      approved_by: @carol
      expires: 2027-03-01
    }
    verified R1 by T1 { result: pass on: 2026-11-29 evidence: "job 64f1c2" }
  }
}
"#;

fn analyse(engagement: &str) -> (Estate, Analysis) {
    let estate = Estate::from_sources([("people.sdd", PEOPLE), ("engagement.sdd", engagement)]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    (estate, analysis)
}

/// The engagement with its real, current fingerprints filled in.
fn approved() -> String {
    let (_, analysis) = analyse(ENGAGEMENT);
    let facts = analysis
        .facts("bgp-peer-dc2")
        .expect("the engagement is analysed");
    ENGAGEMENT
        .replace("SPEC_FP", &facts.spec_fingerprint)
        .replace("DESIGN_FP", &facts.design_fingerprint)
}

fn codes_after(edit: impl Fn(String) -> String) -> (Vec<String>, Status) {
    let (codes, status, _) = outcome(edit);
    (codes, status)
}

/// The codes, the derived status, and whether the engagement holds an error (which keeps its
/// manifest from being executable).
fn outcome(edit: impl Fn(String) -> String) -> (Vec<String>, Status, bool) {
    let text = edit(approved());
    let (estate, analysis) = analyse(&text);
    let codes = analysis
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    let status = analysis.facts("bgp-peer-dc2").expect("analysed").status;
    (
        codes,
        status,
        analysis.has_errors_in(&estate, "bgp-peer-dc2"),
    )
}

fn replace(from: &'static str, to: &'static str) -> impl Fn(String) -> String {
    move |text: String| {
        assert!(text.contains(from), "the base engagement contains {from:?}");
        text.replacen(from, to, 1)
    }
}

#[track_caller]
fn assert_caught(edit: impl Fn(String) -> String, code: &str) {
    let (codes, _, has_errors) = outcome(edit);
    assert!(
        codes.iter().any(|c| c == code),
        "expected {code}, got {codes:?}"
    );
    assert!(
        has_errors,
        "a bypass must leave an error in the engagement, so it is not executable"
    );
}

#[test]
fn the_base_engagement_is_clean_and_reconciled() {
    let (codes, status) = codes_after(|t| t);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(status, Status::Reconciled);
}

#[test]
fn editing_a_requirement_after_gate_1() {
    assert_caught(replace("within 60 s", "within 90 s"), "SDD204");
}

#[test]
fn adding_a_requirement_after_gate_1() {
    assert_caught(
        replace(
            "    constraint C1",
            "    requirement R2 \"Advertise a default route\" { priority: may acceptance: \"seen\" }\n    constraint C1",
        ),
        "SDD204",
    );
}

#[test]
fn widening_targets_after_approval() {
    assert_caught(
        replace(r#""dc2-edge-2"]"#, r#""dc2-edge-2", "dc2-edge-3"]"#),
        "SDD204",
    );
}

#[test]
fn changing_the_design_after_gate_2() {
    assert_caught(replace("max-prefix 100", "max-prefix 1000"), "SDD204");
    assert_caught(
        replace(
            r#"reuses: bgp-neighbor-template "^2.1""#,
            r#"reuses: bgp-neighbor-template "^1.9""#,
        ),
        "SDD204",
    );
}

#[test]
fn approving_ones_own_engagement() {
    assert_caught(
        replace(
            "approved_by: @bob\n    on: 2026-11-05",
            "approved_by: @alice\n    on: 2026-11-05",
        ),
        "SDD207",
    );
}

#[test]
fn approval_by_a_role_without_authority() {
    assert_caught(
        replace(
            "approved_by: @bob\n    on: 2026-11-05",
            "approved_by: @dave\n    on: 2026-11-05",
        ),
        "SDD206",
    );
}

#[test]
fn approval_by_a_lead_of_another_domain() {
    assert_caught(
        replace(
            "approved_by: @bob\n    on: 2026-11-05",
            "approved_by: @erin\n    on: 2026-11-05",
        ),
        "SDD206",
    );
}

#[test]
fn too_few_approvers() {
    assert_caught(
        replace("approved_by: [@bob, @carol]", "approved_by: [@bob]"),
        "SDD209",
    );
}

#[test]
fn the_same_approver_listed_twice_toward_a_quorum() {
    assert_caught(
        replace("approved_by: [@bob, @carol]", "approved_by: [@bob, @bob]"),
        "SDD209",
    );
}

#[test]
fn a_build_dated_before_gate_2() {
    assert_caught(
        replace("started: 2026-11-28", "started: 2026-11-08"),
        "SDD208",
    );
}

#[test]
fn a_build_block_with_no_gate_2() {
    let (codes, status) = codes_after(|t| {
        let start = t.find("  gate design {").expect("gate design");
        let end = start + t[start..].find("}\n").expect("end of gate") + 2;
        format!("{}{}", &t[..start], &t[end..])
    });
    assert!(codes.contains(&"SDD203".to_string()), "{codes:?}");
    assert_eq!(status, Status::Specified);
}

#[test]
fn a_component_built_but_not_designed() {
    assert_caught(
        replace(
            "    deviation D1",
            "    built route-map { produces: bgp-neighbor-template 2.3.0 }\n    deviation D1",
        ),
        "SDD304",
    );
}

#[test]
fn a_designed_component_never_built() {
    assert_caught(
        |t: String| {
            t.replacen(
                "    built peer-config { uses: bgp-neighbor-template 2.3.0 }\n",
                "",
                1,
            )
            .replacen("affects: peer-config", "affects: peer-config-old", 1)
        },
        "SDD304",
    );
}

#[test]
fn an_asset_version_used_outside_the_designed_constraint() {
    let (codes, _) = codes_after(|t| {
        t.replacen(
            "uses: bgp-neighbor-template 2.3.0",
            "uses: bgp-neighbor-template 1.9.0",
            1,
        )
        .replacen("affects: peer-config", "affects: peer-config-x", 1)
    });
    assert!(codes.contains(&"SDD304".to_string()), "{codes:?}");
}

#[test]
fn an_open_deviation_at_delivery() {
    assert_caught(replace("status: accepted", "status: open"), "SDD301");
}

#[test]
fn a_deviation_accepted_by_its_own_builder() {
    assert_caught(
        replace(
            "status: accepted\n      approved_by: @carol",
            "status: accepted\n      approved_by: @dave",
        ),
        "SDD303",
    );
    assert_caught(
        replace(
            "status: accepted\n      approved_by: @carol",
            "status: accepted\n      approved_by: @alice",
        ),
        "SDD303",
    );
}

#[test]
fn a_failed_verification() {
    assert_caught(replace("result: pass", "result: fail"), "SDD305");
}

#[test]
fn an_evidence_less_verification() {
    assert_caught(replace(r#" evidence: "job 64f1c2""#, ""), "SDD305");
}

#[test]
fn an_expired_deviation() {
    let (codes, status) = codes_after(replace("expires: 2027-03-01", "expires: 2026-11-01"));
    assert!(codes.contains(&"SDD306".to_string()), "{codes:?}");
    // Expiry depends on the date of the check, never on the content: the engagement stays
    // reconciled, and manifests stay the same from one day to the next.
    assert_eq!(status, Status::Reconciled);
}

#[test]
fn an_agent_above_the_profiles_autonomy_limit() {
    assert_caught(
        replace(
            "autonomy: supervised\n    operator",
            "autonomy: autonomous\n    operator",
        ),
        "SDD501",
    );
}
