//! Fingerprints: the documented test vectors hold, layout/comments/field order never change a
//! fingerprint, and every approved value does.

use sdd::analysis::analyze;
use sdd::estate::Estate;
use sdd_tests::{options_at, repo_root, CASE_DATE};

fn blocks<'a>(doc: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    doc.match_indices(&fence)
        .map(|(i, _)| {
            let body = &doc[i + fence.len()..];
            &body[..body.find("```").expect("closed fence")]
        })
        .collect()
}

fn fingerprints(text: &str, engagement: &str) -> (String, String) {
    let estate = Estate::from_sources([("vector.sdd", text)]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let f = analysis.facts(engagement).expect("engagement analysed");
    (f.spec_fingerprint.clone(), f.design_fingerprint.clone())
}

#[test]
fn the_documented_test_vector_holds() {
    let doc = std::fs::read_to_string(repo_root().join("docs/fingerprints.md")).unwrap();
    let source = blocks(&doc, "sdd")[0];
    let json = blocks(&doc, "json");
    let estate = Estate::from_sources([("vector.sdd", source)]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
    let mut scratch = Vec::new();
    let ns = sdd::check::names::Namespace::build(&estate, &mut scratch);
    let decl = ns.get_kind("vlan-120", "engagement").unwrap();
    let e = sdd::check::engagement::Engagement::new(&ns, decl.file, decl.item);
    let spec = sdd::fingerprint::spec_content(e.item, e.profile, e.requirements);
    assert_eq!(sdd::fingerprint::canonical(&spec), json[0].trim());
    let facts = analysis.facts("vlan-120").unwrap();
    let design = sdd::fingerprint::design_content(&facts.spec_fingerprint, e.feasibility, e.design);
    assert_eq!(sdd::fingerprint::canonical(&design), json[1].trim());
    assert!(doc.contains(&format!("spec fingerprint `{}`", facts.spec_fingerprint)));
    assert!(doc.contains(&format!(
        "design fingerprint `{}`",
        facts.design_fingerprint
    )));
}

fn vector() -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/fingerprints.md")).unwrap();
    blocks(&doc, "sdd")[0].to_string()
}

#[test]
fn layout_comments_and_field_order_do_not_count() {
    let base = vector();
    let original = fingerprints(&base, "vlan-120");
    let variants = [
        base.replace("  ", "    "),
        base.replace("\n\n", "\n"),
        base.replace(
            "  requirements {",
            "  // scope agreed with the campus team\n  requirements { /* r */",
        ),
        base.replace(
            "      priority: must\n      acceptance: \"show vlan id 120 lists both uplinks\"",
            "      acceptance: \"show vlan id 120 lists both uplinks\" priority: must",
        ),
        base.replace(
            "  targets: [\"core-1\", \"core-2\"]\n  rollback_plan: \"Remove VLAN 120\"",
            "  rollback_plan: \"Remove VLAN 120\"\n  targets: [\"core-1\", \"core-2\",]",
        ),
        base.replace(
            "title: \"Add VLAN 120 to the campus core\"",
            "title: \"Add VLAN 120\"",
        ),
        base.replace(
            "\"Remove VLAN 120\"",
            "\"\"\"\n    Remove VLAN 120\n    \"\"\"",
        ),
    ];
    for v in &variants {
        assert_ne!(v, &base, "each variant changes the text");
        assert_eq!(fingerprints(v, "vlan-120"), original, "variant:\n{v}");
    }
}

#[test]
fn every_approved_value_changes_a_fingerprint() {
    let base = vector();
    let (spec, design) = fingerprints(&base, "vlan-120");
    let spec_changes = [
        (
            "VLAN 120 is trunked to both cores",
            "VLAN 120 is trunked to one core",
        ),
        ("lists both uplinks", "lists one uplink"),
        ("priority: must", "priority: should"),
        ("\"core-2\"]", "\"core-2\", \"core-3\"]"),
        (
            "rollback_plan: \"Remove VLAN 120\"",
            "rollback_plan: \"Remove VLAN 121\"",
        ),
        (
            "    }\n  }\n\n  feasibility",
            "    }\n    constraint C1 \"Change window only\"\n  }\n\n  feasibility",
        ),
    ];
    for (from, to) in spec_changes {
        assert!(base.contains(from), "{from}");
        let (s, d) = fingerprints(&base.replacen(from, to, 1), "vlan-120");
        assert_ne!(s, spec, "spec changes with {from} → {to}");
        assert_ne!(d, design, "the design fingerprint chains the spec");
    }
    let design_changes = [
        ("decision: feasible", "decision: feasible-with-changes"),
        ("satisfies: [R1]", "satisfies: []"),
        ("Push the VLAN and trunk config", "Push the VLAN config"),
        ("verifies: [R1]", "verifies: []"),
        (
            "new_because: \"one-off change\"",
            "new_because: \"one-off\"",
        ),
    ];
    for (from, to) in design_changes {
        assert!(base.contains(from), "{from}");
        let (s, d) = fingerprints(&base.replacen(from, to, 1), "vlan-120");
        assert_eq!(s, spec, "the spec is untouched by {from}");
        assert_ne!(d, design, "design changes with {from} → {to}");
    }
}

#[test]
fn the_streamed_fingerprints_equal_the_documented_canonical_form() {
    let estate = Estate::load(&[repo_root().join("examples")]).unwrap();
    let mut scratch = Vec::new();
    let ns = sdd::check::names::Namespace::build(&estate, &mut scratch);
    let mut count = 0;
    for decl in ns.of_kind("engagement") {
        let e = sdd::check::engagement::Engagement::new(&ns, decl.file, decl.item);
        let spec = sdd::fingerprint::hash(&sdd::fingerprint::spec_content(
            e.item,
            e.profile,
            e.requirements,
        ));
        assert_eq!(
            sdd::fingerprint::spec_fingerprint(e.item, e.profile, e.requirements),
            spec
        );
        let design = sdd::fingerprint::hash(&sdd::fingerprint::design_content(
            &spec,
            e.feasibility,
            e.design,
        ));
        assert_eq!(
            sdd::fingerprint::design_fingerprint(&spec, e.feasibility, e.design),
            design
        );
        count += 1;
    }
    assert!(count >= 5);
}
