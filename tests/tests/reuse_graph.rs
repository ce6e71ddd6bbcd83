//! The reuse graph: its nodes and edges, cycle diagnostics, missed reuse, `sdd impact` and
//! the DOT, Mermaid and JSON renderings.

use sdd::analysis::analyze;
use sdd::codes::Code;
use sdd::diagnostic::Severity;
use sdd::emit::graph as render;
use sdd::estate::Estate;
use sdd::reuse_graph::{EdgeKind, Node, ReuseGraph};
use sdd_tests::{options_at, repo_root, CASE_DATE};

fn examples() -> Estate {
    Estate::load(&[repo_root().join("examples")]).expect("examples load")
}

fn asset(name: &str) -> Node {
    Node::Asset {
        name: name.to_string(),
    }
}

fn component(engagement: &str, name: &str) -> Node {
    Node::Component {
        engagement: engagement.to_string(),
        name: name.to_string(),
    }
}

const PEOPLE: &str = "person p { name: \"P\" }\n";

fn asset_decl(name: &str, status: &str, requires: &str) -> String {
    format!(
        "asset {name} {{ version: 1.0.0 domain: network kind: module provides: [{name}-cap] owner: @p status: {status} requires: [{requires}] }}\n"
    )
}

#[test]
fn the_examples_graph_has_every_kind_of_edge() {
    let graph = ReuseGraph::of_estate(&examples());
    let edges = graph.edges();
    for kind in [
        EdgeKind::Has,
        EdgeKind::Reuses,
        EdgeKind::Requires,
        EdgeKind::Extends,
        EdgeKind::Produces,
    ] {
        assert!(edges.iter().any(|(_, _, e)| e.kind == kind), "{kind:?}");
    }
    let nodes: Vec<&Node> = graph.nodes().map(|(n, _)| n).collect();
    assert_eq!(nodes.iter().filter(|n| n.kind() == "asset").count(), 20);
    assert_eq!(
        nodes.iter().filter(|n| n.kind() == "engagement").count(),
        10
    );
    assert_eq!(nodes.iter().filter(|n| n.kind() == "component").count(), 22);
    let extends: Vec<(String, String)> = edges
        .iter()
        .filter(|(_, _, e)| e.kind == EdgeKind::Extends)
        .map(|(a, b, _)| (a.label(), b.label()))
        .collect();
    assert_eq!(
        extends,
        [(
            "web-fleet-drift-remediation".to_string(),
            "web-fleet-cis-l1-hardening".to_string()
        )]
    );
    let produced: Vec<(String, String, &str)> = edges
        .iter()
        .filter(|(_, _, e)| e.kind == EdgeKind::Produces)
        .map(|(a, b, e)| (a.label(), b.label(), e.spec.as_str()))
        .collect();
    assert_eq!(produced.len(), 4);
    assert!(produced.contains(&(
        "dc2-edge-bgp-peering/prefix-filter".into(),
        "prefix-list-builder".into(),
        "1.0.0"
    )));
}

#[test]
fn impact_follows_requires_to_every_dependent() {
    let graph = ReuseGraph::of_estate(&examples());
    let impact = graph
        .impact("netbox-sot-client", None)
        .expect("known asset");
    let assets: Vec<String> = impact.assets.iter().map(|d| d.node.label()).collect();
    assert_eq!(
        assets,
        [
            "bgp-neighbor-template",
            "config-remediation-workflow",
            "golden-config-audit",
            "multi-vendor-push",
            "prefix-list-builder",
            "vlan-provisioning-workflow"
        ]
    );
    // golden-config-audit depends on it through multi-vendor-push, with its own constraint.
    let audit = impact
        .assets
        .iter()
        .find(|d| d.node == asset("golden-config-audit"))
        .unwrap();
    assert_eq!(audit.on, "multi-vendor-push");
    assert_eq!(audit.constraint, ">=1.5, <2");
    assert_eq!(audit.path, ["multi-vendor-push", "netbox-sot-client"]);
    let components: Vec<String> = impact.components.iter().map(|d| d.node.label()).collect();
    assert_eq!(
        components,
        [
            "campus-vlan-rollout-bldg4/netbox-sync",
            "campus-vlan-rollout-bldg4/vlan-push",
            "dc2-edge-bgp-peering/peer-config",
            "dc2-edge-bgp-peering/sot-lookup",
            "wan-golden-config-remediation/audit"
        ]
    );
    assert_eq!(
        impact.engagements,
        [
            "campus-vlan-rollout-bldg4",
            "dc2-edge-bgp-peering",
            "wan-golden-config-remediation"
        ]
    );
    assert!(impact.unaffected.is_empty());
    let text = render::impact_text(&impact);
    assert!(
        text.contains("via multi-vendor-push -> netbox-sot-client"),
        "{text}"
    );
}

#[test]
fn impact_of_a_release_leaves_out_constraints_that_exclude_it() {
    let graph = ReuseGraph::of_estate(&examples());
    // 1.5.0 of netbox-sot-client: every `^1.x` constraint admits it.
    let v15 = sdd::reuse_graph::Version::new(1, 5, 0);
    let minor = graph.impact("netbox-sot-client", Some(&v15)).unwrap();
    assert_eq!(minor.assets.len(), 6);
    assert!(minor.unaffected.is_empty());
    // 2.0.0: no direct dependent admits it, so nothing is affected.
    let v2 = sdd::reuse_graph::Version::new(2, 0, 0);
    let major = graph.impact("netbox-sot-client", Some(&v2)).unwrap();
    assert!(major.assets.is_empty() && major.components.is_empty());
    assert_eq!(major.unaffected.len(), 6);
    assert!(graph.impact("no-such-asset", None).is_none());
}

/// A component is judged by its whole design, as the manifest's installed release is: a
/// release its own chain admits leaves it alone when another constraint of its design on the
/// asset excludes it, or when the design installs a newer declared release.
#[test]
fn impact_of_a_release_judges_each_component_by_every_constraint_of_its_design() {
    let graph = ReuseGraph::of_estate(&examples());
    let impact = |major, minor, patch| {
        let v = sdd::reuse_graph::Version::new(major, minor, patch);
        graph.impact("netbox-sot-client", Some(&v)).unwrap()
    };
    // 1.2.0: bgp-neighbor-template's `^1.2` admits it, but peer-config's design also reuses
    // netbox-sot-client "^1.4" (sot-lookup): that design would never install 1.2.0.
    let old = impact(1, 2, 0);
    assert!(old
        .assets
        .iter()
        .any(|d| d.node == asset("bgp-neighbor-template")));
    assert!(
        old.components.is_empty() && old.engagements.is_empty(),
        "{old:?}"
    );
    let peer = (old.unaffected.iter())
        .find(|d| d.node == component("dc2-edge-bgp-peering", "peer-config"))
        .expect("listed as not affected");
    assert_eq!(
        peer.because.as_deref(),
        Some("its design's constraints on netbox-sot-client together exclude 1.2.0")
    );
    // 1.4.0: every design admits it but installs the declared 1.4.2.
    let below = impact(1, 4, 0);
    assert!(below.components.is_empty() && below.engagements.is_empty());
    assert_eq!(below.unaffected.len(), 5);
    assert!(below
        .unaffected
        .iter()
        .all(|d| d.because.as_deref()
            == Some("its design installs the newer netbox-sot-client 1.4.2")));
    // 1.4.2, the release they install, and 1.5.0, newer: every design moves.
    for v in [impact(1, 4, 2), impact(1, 5, 0)] {
        assert_eq!((v.components.len(), v.engagements.len()), (5, 3), "{v:?}");
        assert!(v.unaffected.is_empty());
    }
    let text = render::impact_text(&old);
    assert!(text.contains("not affected by 1.2.0 (6):"), "{text}");
    assert!(
        text.contains("(its design's constraints on netbox-sot-client together exclude 1.2.0)"),
        "{text}"
    );
}

/// Delivered work that ran an asset its design did not name (a deviation) depends on it:
/// the as-built's `uses` is an edge of the graph, and `sdd impact` finds it, directly and
/// through `requires`, for the one release that ran.
#[test]
fn impact_finds_delivered_work_that_used_an_asset_outside_its_design() {
    let estate = examples();
    let sources: Vec<(String, String)> = (estate.file_ids())
        .map(|id| {
            let name = estate.files.name(id).to_string();
            (name, estate.files.text(id).to_string())
        })
        .map(
            |(n, t)| match n.ends_with("wan-golden-config-remediation.sdd") {
                true => {
                    let from = "built remediation { produces: config-remediation-workflow 1.0.0 }";
                    assert!(t.contains(from));
                    let t = t.replace(from, "built remediation { uses: multi-vendor-push 1.6.1 }");
                    (n, t)
                }
                false => (n, t),
            },
        )
        .collect();
    let graph = ReuseGraph::of_estate(&Estate::from_sources(sources));
    let used: Vec<(String, String, &str)> = (graph.edges().iter())
        .filter(|(_, _, e)| e.kind == EdgeKind::Uses)
        .map(|(a, b, e)| (a.label(), b.label(), e.spec.as_str()))
        .collect();
    assert_eq!(
        used,
        [(
            "wan-golden-config-remediation/remediation".to_string(),
            "multi-vendor-push".to_string(),
            "1.6.1"
        )]
    );
    let remediation = component("wan-golden-config-remediation", "remediation");
    let found = |asset: &str, version: Option<sdd::reuse_graph::Version>| {
        let impact = graph.impact(asset, version.as_ref()).unwrap();
        impact
            .components
            .iter()
            .find(|d| d.node == remediation)
            .cloned()
    };
    let direct = found("multi-vendor-push", None).expect("a dependent");
    assert_eq!(
        (direct.via, direct.constraint.as_str()),
        (EdgeKind::Uses, "1.6.1")
    );
    let through = found("netbox-sot-client", None).expect("through requires");
    assert_eq!(through.path, ["multi-vendor-push", "netbox-sot-client"]);
    // The release that ran is affected by a change to it; another release is not its.
    assert!(found(
        "multi-vendor-push",
        Some(sdd::reuse_graph::Version::new(1, 6, 1))
    )
    .is_some());
    assert!(found(
        "multi-vendor-push",
        Some(sdd::reuse_graph::Version::new(1, 7, 0))
    )
    .is_none());
    let text = render::impact_text(&graph.impact("multi-vendor-push", None).unwrap());
    assert!(
        text.contains("used multi-vendor-push 1.6.1 (as built)"),
        "{text}"
    );
}

#[test]
fn a_requires_cycle_is_one_diagnostic_with_a_label_on_every_edge() {
    let estate = Estate::from_sources([(
        "inventory.sdd",
        format!(
            "{PEOPLE}{}{}{}{}",
            asset_decl("a", "active", "b \"^1.0\""),
            asset_decl("b", "active", "c \"^1.0\""),
            asset_decl("c", "active", "a \"^1.0\", d \"^1.0\""),
            asset_decl("d", "active", ""),
        ),
    )]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let cycles: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Sdd404)
        .collect();
    assert_eq!(cycles.len(), 1, "{:?}", analysis.diagnostics);
    let d = cycles[0];
    assert_eq!(d.message, "cycle in `requires`: a -> b -> c -> a");
    assert_eq!(d.secondary.len(), 2);
    assert!(d
        .primary
        .message
        .contains("`c` requires `a`, closing the cycle"));
    assert_eq!(analysis.diagnostics.len(), 1);
}

/// A cycle through hundreds of assets stays a screenful: the message shows its ends and its
/// length, twelve steps are marked and a note counts the rest; assets tangled in the same
/// knot but off the cycle are listed up to twelve.
#[test]
fn a_long_requires_cycle_is_summarised() {
    let n = 300;
    let name = |i: usize| format!("a{i:03}");
    let mut text = PEOPLE.to_string();
    for i in 0..n {
        // Every asset requires the next; each tenth also requires the one after it, which
        // makes no new shortest cycle but ties more assets into the knot.
        let mut requires = format!("{} \"^1.0\"", name((i + 1) % n));
        if i % 10 == 0 {
            requires.push_str(&format!(", {} \"^1.0\"", name((i + 2) % n)));
        }
        text.push_str(&asset_decl(&name(i), "active", &requires));
    }
    let estate = Estate::from_sources([("inventory.sdd", text)]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let cycles: Vec<_> = (analysis.diagnostics.iter())
        .filter(|d| d.code == Code::Sdd404)
        .collect();
    assert_eq!(cycles.len(), 1, "{:?}", analysis.diagnostics);
    let d = cycles[0];
    let steps = d
        .message
        .split(" through ")
        .nth(1)
        .expect("a long cycle's message");
    let length: usize = steps
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .expect("its length");
    assert!(length > 12 && length <= n, "{}", d.message);
    assert!(
        d.message.starts_with("cycle in `requires` through ")
            && d.message.contains(": a000 -> a")
            && d.message
                .contains(&format!(" ... ({} more) ... -> ", length + 1 - 12))
            && d.message.ends_with(" -> a000"),
        "{}",
        d.message
    );
    assert_eq!(d.secondary.len(), 12);
    let unmarked = format!("{} more steps of the cycle are not marked", length - 1 - 12);
    assert!(d.notes.contains(&unmarked), "{:?}", d.notes);
    let tangled = (d.notes.iter())
        .find(|n| n.starts_with("also tangled in the same cycle: "))
        .expect("the assets the shortest cycle skips");
    assert_eq!(tangled.matches('`').count(), 2 * 12, "{tangled}");
    assert!(
        tangled.ends_with(&format!("and {} more", n - length - 12)),
        "{tangled}"
    );
}

#[test]
fn deprecated_reuse_warns_and_retired_reuse_is_an_error() {
    let estate = Estate::from_sources([(
        "inventory.sdd",
        format!(
            "{PEOPLE}{}{}{}",
            asset_decl("old", "deprecated", ""),
            asset_decl("gone", "retired", ""),
            asset_decl("user", "active", "old \"^1.0\", gone \"^1.0\""),
        ),
    )]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let found: Vec<(Code, Severity)> = analysis
        .diagnostics
        .iter()
        .map(|d| (d.code, d.severity))
        .collect();
    assert_eq!(
        found,
        [
            (Code::Sdd403, Severity::Warning),
            (Code::Sdd403, Severity::Error)
        ]
    );
}

#[test]
fn unknown_assets_are_reported_once_by_the_type_checker() {
    let estate = Estate::from_sources([(
        "inventory.sdd",
        format!("{PEOPLE}{}", asset_decl("a", "active", "ghost \"^9.0\"")),
    )]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let codes: Vec<Code> = analysis.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::Sdd401]);
    assert!(ReuseGraph::of_estate(&estate).edges().is_empty());
}

#[test]
fn renderings_are_deterministic_and_complete() {
    let estate = examples();
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let graph = ReuseGraph::of_estate(&estate);
    let ns = sdd::check::names::Namespace::build(&estate, &mut Vec::new());
    let details = render::details(&sdd::reuse_graph::Inventory::new(&ns), &analysis);
    let dot = render::dot(&graph, &details);
    assert!(dot.starts_with("digraph reuse {"));
    assert!(dot.contains(
        "\"asset:golden-config-audit\" -> \"asset:multi-vendor-push\" [label=\"requires >=1.5, <2\"];"
    ));
    assert!(
        dot.contains("\"asset:legacy-acl-pusher\" [label=\"legacy-acl-pusher\\n0.9.4 deprecated\"")
    );
    let mermaid = render::mermaid(&graph, &details);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(
        mermaid.contains("requires #62;=1.5, #60;2"),
        "angle brackets escaped"
    );
    let json = render::json(&graph, &details);
    assert_eq!(json["nodes"].as_array().unwrap().len(), 52);
    assert!(json["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["from"] == "engagement:web-fleet-drift-remediation"
            && e["to"] == "engagement:web-fleet-cis-l1-hardening"
            && e["kind"] == "extends"));

    // The same estate read in reverse file order renders to the same text.
    let mut sources: Vec<(String, String)> = estate
        .file_ids()
        .map(|id| {
            (
                estate.files.name(id).to_string(),
                estate.files.text(id).to_string(),
            )
        })
        .collect();
    sources.reverse();
    let again = Estate::from_sources(sources);
    let again_analysis = analyze(&again, &options_at(CASE_DATE));
    let ns2 = sdd::check::names::Namespace::build(&again, &mut Vec::new());
    let details2 = render::details(&sdd::reuse_graph::Inventory::new(&ns2), &again_analysis);
    assert_eq!(dot, render::dot(&ReuseGraph::of_estate(&again), &details2));
}

#[test]
fn focused_graphs_keep_what_touches_the_focus() {
    let graph = ReuseGraph::of_estate(&examples());
    let around = graph
        .around_engagement("web-fleet-drift-remediation")
        .unwrap();
    let nodes: Vec<Node> = around.nodes().map(|(n, _)| n.clone()).collect();
    assert!(nodes.contains(&component("web-fleet-drift-remediation", "drift-run")));
    assert!(nodes.contains(&asset("drift-remediation-job")));
    assert!(
        nodes.contains(&asset("ansible-baseline-role")),
        "requires followed"
    );
    assert!(nodes.contains(&Node::Engagement {
        name: "web-fleet-cis-l1-hardening".into()
    }));
    assert!(
        !nodes.contains(&component("web-fleet-cis-l1-hardening", "rhel-hardening")),
        "not expanded"
    );
    assert!(!nodes.contains(&asset("netbox-sot-client")));

    let around = graph.around_asset("multi-vendor-push").unwrap();
    let nodes: Vec<Node> = around.nodes().map(|(n, _)| n.clone()).collect();
    assert!(
        nodes.contains(&asset("netbox-sot-client")),
        "what it requires"
    );
    assert!(
        nodes.contains(&asset("golden-config-audit")),
        "what requires it"
    );
    assert!(nodes.contains(&component("dc2-edge-bgp-peering", "peer-config")));
    assert!(!nodes.contains(&asset("terraform-aws-vpc")));
    assert!(graph.around_asset("nope").is_none());
}
