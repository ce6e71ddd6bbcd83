//! Large and adversarial estates for the reuse graph and the outputs built on it: `requires`
//! and `extends` chains of tens of thousands of declarations, graphs with one strongly connected
//! component per node, components by the thousand against an inventory of thousands of
//! providers, `sdd build`'s manifests and index, `sdd report` and `sdd impact`. Each must be
//! checked in time linear (or n log n) in its size, print a bounded amount per diagnostic, and
//! never crash, also on the 2 MiB stack of a language-server thread.
//!
//! Each case was quadratic (or recursed once per declaration) before, and is sized so that the
//! earlier code took far longer than its bound, ran out of memory or overflowed its stack,
//! while it now takes under three seconds in a debug build. Each heavy case runs in a child
//! process whose wall time and peak RSS are bounded (`sdd_tests::bounded`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sdd::analysis::Analysis;
use sdd::check::names::Namespace;
use sdd::codes::Code;
use sdd::diagnostic::Diagnostic;
use sdd::estate::Estate;
use sdd::reuse_graph::Inventory;
use sdd_tests::bounded::{bounded, timed};

/// The stack of a language-server analysis thread (tokio's `spawn_blocking`).
const SERVER_STACK: usize = 2 << 20;

/// The declarations every case shares: an owner and a profile without fields.
const COMMON: &str = "person o { name: \"O\" }\nprofile p { domain: network }\n";

/// One asset on one line.
fn asset(out: &mut String, name: &str, provides: &str, requires: &str, status: &str) {
    let requires = if requires.is_empty() {
        String::new()
    } else {
        format!(" requires: [{requires}]")
    };
    let _ = writeln!(
        out,
        "asset {name} {{ version: 1.0.0 domain: network kind: module provides: [{provides}]{requires} owner: @o status: {status} }}"
    );
}

/// The opening of an engagement with every required field; the caller closes it.
fn engagement(out: &mut String, name: &str) {
    let _ = write!(
        out,
        "engagement {name} {{ profile: p title: \"t\" owner: @o opened: 2026-01-01"
    );
}

fn sources(files: Vec<(String, String)>) -> Estate {
    let mut all = vec![("common.sdd".to_string(), COMMON.to_string())];
    all.extend(files);
    Estate::from_sources(all)
}

/// Analyse as `sdd check` and the language server do, on a thread with the language server's
/// stack, within the step bound.
fn analyze(estate: &Estate) -> Analysis {
    timed("the analysis", || {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(SERVER_STACK)
                .spawn_scoped(s, || {
                    sdd::analysis::analyze(estate, &sdd_tests::options_at(sdd_tests::CASE_DATE))
                })
                .expect("a thread")
                .join()
                .expect("the analysis does not panic")
        })
    })
}

/// How many diagnostics of each code.
fn tally(diagnostics: &[Diagnostic]) -> BTreeMap<Code, usize> {
    let mut out = BTreeMap::new();
    for d in diagnostics {
        *out.entry(d.code).or_default() += 1;
    }
    out
}

fn of_code(diagnostics: &[Diagnostic], code: Code) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.code == code).collect()
}

/// `a000000 requires a000001 … a099999 requires a050000`: a chain of 50,000 into a cycle of
/// 50,000. The strongly connected components were found by petgraph's recursive Tarjan, one
/// frame per asset: the check aborted with a stack overflow (also as a release binary on its
/// 8 MiB main thread). Every component but one is a single asset, and each of them scanned
/// every link for a self-loop.
#[test]
fn a_requires_chain_of_100_000_assets_is_checked_on_a_server_stack() {
    bounded(
        "a_requires_chain_of_100_000_assets_is_checked_on_a_server_stack",
        || {
            let n = 100_000;
            let mut text = String::new();
            for i in 0..n {
                let next = if i + 1 < n { i + 1 } else { n / 2 };
                asset(
                    &mut text,
                    &format!("a{i:06}"),
                    &format!("c{i}"),
                    &format!("a{next:06}"),
                    "active",
                );
            }
            let estate = sources(vec![("chain.sdd".into(), text)]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(tally(d), BTreeMap::from([(Code::Sdd404, 1)]), "{d:#?}");
            assert_eq!(
                d[0].message,
                "cycle in `requires` through 50000 names: a050000 -> a050001 -> a050002 -> \
                 a050003 -> a050004 -> a050005 -> ... (49989 more) ... -> a099995 -> a099996 -> \
                 a099997 -> a099998 -> a099999 -> a050000"
            );
            assert_eq!(
                d[0].primary.message,
                "`a099999` requires `a050000`, closing the cycle"
            );
        },
    );
}

/// 50,000 assets each requiring one of 50,000 others: no cycle, 100,000 strongly connected
/// components of one asset, and each scanned all 50,000 links for a self-loop.
#[test]
fn a_wide_acyclic_inventory_costs_no_scan_of_the_links_per_asset() {
    bounded(
        "a_wide_acyclic_inventory_costs_no_scan_of_the_links_per_asset",
        || {
            let n = 50_000;
            let mut text = String::new();
            for i in 0..n {
                asset(&mut text, &format!("x{i}"), "c", &format!("y{i}"), "active");
                asset(&mut text, &format!("y{i}"), "c", "", "active");
            }
            // One self-loop, which must still be found.
            asset(&mut text, "z", "c", "z", "active");
            let estate = sources(vec![("wide.sdd".into(), text)]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(tally(d), BTreeMap::from([(Code::Sdd404, 1)]), "{d:#?}");
            assert_eq!(d[0].message, "cycle in `requires`: `z` requires itself");
        },
    );
}

/// 20,000 components, each with the capability of one of 20,000 active assets and neither
/// `reuses` nor `new_because`: each SDD406 looked for its providers through the whole
/// inventory.
#[test]
fn missed_reuse_of_20_000_components_looks_providers_up_by_capability() {
    bounded(
        "missed_reuse_of_20_000_components_looks_providers_up_by_capability",
        || {
            let n = 20_000;
            let mut inventory = String::new();
            let mut text = String::new();
            engagement(&mut text, "e");
            text.push_str(" design {\n");
            for i in 0..n {
                asset(
                    &mut inventory,
                    &format!("s{i}"),
                    &format!("cap{i}"),
                    "",
                    "active",
                );
                let _ = writeln!(text, "component k{i} \"t\" {{ capability: cap{i} }}");
            }
            text.push_str("} }\n");
            let estate = sources(vec![
                ("inventory.sdd".into(), inventory),
                ("e.sdd".into(), text),
            ]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(
                tally(d),
                BTreeMap::from([(Code::Sdd406, n)]),
                "{:#?}",
                &d[..3]
            );
            let last = &d[n - 1];
            assert_eq!(
                last.message,
                format!(
                    "component `k{}` builds `cap{}` anew, but the inventory provides it",
                    n - 1,
                    n - 1
                )
            );
            assert_eq!(
                last.primary.message,
                format!("provided by `s{}` 1.0.0", n - 1)
            );
        },
    );
}

/// 5,000 active assets provide one capability; 1,000 components build it anew (SDD406) and
/// 1,000 reuse a deprecated asset that provides it (SDD403). Each diagnostic listed every
/// provider, and SDD406 marked each with a label: five million labels, which ran out of
/// memory. Each now names the first ten and counts the rest.
#[test]
fn sdd406_and_sdd403_name_the_first_ten_of_5_000_providers() {
    bounded(
        "sdd406_and_sdd403_name_the_first_ten_of_5_000_providers",
        || {
            let (providers, components) = (5_000, 1_000);
            let mut inventory = String::new();
            for i in 0..providers {
                asset(&mut inventory, &format!("p{i:04}"), "shared", "", "active");
            }
            asset(&mut inventory, "old", "shared", "", "deprecated");
            let mut text = String::new();
            engagement(&mut text, "e");
            text.push_str(" design {\n");
            for i in 0..components {
                let _ = writeln!(text, "component new{i} \"t\" {{ capability: shared }}");
                let _ = writeln!(text, "component old{i} \"t\" {{ reuses: old \"^1.0\" }}");
            }
            text.push_str("} }\n");
            let estate = sources(vec![
                ("inventory.sdd".into(), inventory),
                ("e.sdd".into(), text),
            ]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(
                tally(d),
                BTreeMap::from([(Code::Sdd403, components), (Code::Sdd406, components)]),
            );
            let first_ten = (0..10)
                .map(|i| format!("`p{i:04}` 1.0.0"))
                .collect::<Vec<_>>()
                .join(", ");
            for missed in of_code(d, Code::Sdd406) {
                assert_eq!(
                    missed.primary.message,
                    format!("provided by {first_ten}, and 4990 more")
                );
                assert_eq!(missed.secondary.len(), 10);
                assert_eq!(missed.secondary[9].message, "`p0009` provides `shared`");
                assert_eq!(
                    missed.help.as_deref(),
                    Some("reuse it (`reuses: p0000 \"^1.0\"`), or say why not with `new_because: \"…\"`")
                );
            }
            for deprecated in of_code(d, Code::Sdd403) {
                assert_eq!(
                    deprecated.help,
                    Some(format!(
                        "active assets that provide the same: {first_ten}, and 4990 more"
                    ))
                );
            }
        },
    );
}

/// 20,000 active assets provide `shared`; 20,000 deprecated assets each provide `shared` and
/// a capability of their own, and 2,000 components reuse one each (SDD403). The inventory
/// kept each deprecated asset's whole list of replacements, 20,000 names long and different
/// for each: 16 s and 7.5 GB in a release build, for 3.6 MB of declarations, whether any
/// was reused or not. It now keeps the first ten and the count.
#[test]
fn the_replacements_of_20_000_deprecated_assets_are_shortlists() {
    bounded(
        "the_replacements_of_20_000_deprecated_assets_are_shortlists",
        || {
            let (assets, components) = (20_000, 2_000);
            let mut inventory = String::new();
            for i in 0..assets {
                asset(&mut inventory, &format!("p{i:05}"), "shared", "", "active");
                let own = format!("shared, own{i}");
                asset(&mut inventory, &format!("d{i:05}"), &own, "", "deprecated");
            }
            // One replacement that provides only the deprecated asset's own capability.
            asset(&mut inventory, "z", "own0", "", "active");
            let mut text = String::new();
            engagement(&mut text, "e");
            text.push_str(" design {\n");
            for i in 0..components {
                let _ = writeln!(text, "component c{i} \"t\" {{ reuses: d{i:05} \"^1.0\" }}");
            }
            text.push_str("} }\n");
            let estate = sources(vec![
                ("inventory.sdd".into(), inventory),
                ("e.sdd".into(), text),
            ]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(tally(d), BTreeMap::from([(Code::Sdd403, components)]));
            let first_ten = (0..10)
                .map(|i| format!("`p{i:05}` 1.0.0"))
                .collect::<Vec<_>>()
                .join(", ");
            let helps: Vec<&str> = (of_code(d, Code::Sdd403).into_iter())
                .filter_map(|d| d.help.as_deref())
                .collect();
            assert_eq!(helps.len(), components);
            assert_eq!(
                helps[0],
                format!("active assets that provide the same: {first_ten}, and 19991 more")
            );
            for help in &helps[1..] {
                assert_eq!(
                    *help,
                    format!("active assets that provide the same: {first_ten}, and 19990 more")
                );
            }
        },
    );
}

/// 60,000 engagements, each extending the next and with an unknown field: the same recursion
/// in the `extends` cycle search (a release `sdd check` of 100,000 overflowed its 8 MiB main
/// stack), and then for each of the 59,999 SDD405 a linear search of the engagements' facts
/// and a scan of the 60,000 diagnostics found before it for its notes.
#[test]
fn an_extends_chain_of_60_000_engagements_is_checked_on_a_server_stack() {
    bounded(
        "an_extends_chain_of_60_000_engagements_is_checked_on_a_server_stack",
        || {
            let n = 60_000;
            let mut text = String::new();
            for i in 0..n {
                engagement(&mut text, &format!("e{i:06}"));
                if i + 1 < n {
                    let _ = write!(text, " extends: e{:06}", i + 1);
                }
                text.push_str(" x: 1 }\n");
            }
            let estate = sources(vec![("chain.sdd".into(), text)]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(
                tally(d),
                BTreeMap::from([(Code::Sdd105, n), (Code::Sdd405, n - 1)])
            );
            let last = of_code(d, Code::Sdd405)[n - 2];
            assert_eq!(
                last.message,
                "`e059998` extends `e059999`, which is not reconciled (status `drafting`)"
            );
            // SDD105 is not among the reasons an engagement is not reconciled.
            assert!(last.notes.is_empty(), "{:?}", last.notes);
        },
    );
}

/// One delivered-in-name-only engagement with 5,000 unverified requirements (5,000 SDD305)
/// and 2,000 engagements extending it: each SDD405 carried one note per SDD305, ten million
/// notes in all. Each now carries the first ten and a count.
#[test]
fn sdd405_notes_the_first_ten_of_5_000_diagnostics_in_the_extended_engagement() {
    bounded(
        "sdd405_notes_the_first_ten_of_5_000_diagnostics_in_the_extended_engagement",
        || {
            let (requirements, extending) = (5_000, 2_000);
            let mut text = String::new();
            engagement(&mut text, "target");
            text.push_str("\n requirements {\n");
            for i in 0..requirements {
                let _ = writeln!(
                    text,
                    "  requirement R{i} \"r\" {{ priority: must acceptance: \"a\" }}"
                );
            }
            text.push_str(" }\n as_built { recorded: 2026-03-03 }\n}\n");
            for i in 0..extending {
                engagement(&mut text, &format!("x{i:04}"));
                text.push_str(" extends: target }\n");
            }
            let estate = sources(vec![("e.sdd".into(), text)]);
            let analysis = analyze(&estate);
            let d = &analysis.diagnostics;
            assert_eq!(
                tally(d),
                BTreeMap::from([
                    (Code::Sdd202, 1),
                    (Code::Sdd305, requirements),
                    (Code::Sdd405, extending)
                ]),
            );
            for x in of_code(d, Code::Sdd405) {
                assert_eq!(x.notes.len(), 11, "{:#?}", x.notes);
                assert_eq!(
                    x.notes[0],
                    "SDD305 requirement R0 is not verified in the as-built record (e.sdd:3)"
                );
                assert_eq!(x.notes[10], "and 4990 more of SDD301–SDD305 in `target`");
            }
        },
    );
}

/// `sdd build` on 6,000 engagements in one file, each with 25 unknown fields, beside a person
/// with 250,000 (400,000 SDD105 in all): each manifest's diagnostics and its `executable` flag
/// were found by filtering the whole list, twice per engagement.
#[test]
fn build_finds_each_engagements_diagnostics_without_scanning_all() {
    bounded(
        "build_finds_each_engagements_diagnostics_without_scanning_all",
        || {
            let (engagements, fields, elsewhere) = (6_000, 25, 250_000);
            let mut text = String::new();
            for i in 0..engagements {
                engagement(&mut text, &format!("e{i:04}"));
                for f in 0..fields {
                    let _ = write!(text, " f{f}: 1");
                }
                text.push_str(" }\n");
            }
            let mut person = String::from("person z { name: \"Z\"\n");
            for f in 0..elsewhere {
                let _ = writeln!(person, "f{f}: 1");
            }
            person.push_str("}\n");
            let estate = sources(vec![("e.sdd".into(), text), ("z.sdd".into(), person)]);
            let analysis = analyze(&estate);
            assert_eq!(
                tally(&analysis.diagnostics),
                BTreeMap::from([(Code::Sdd105, engagements * fields + elsewhere)])
            );
            let set = timed("build_set", || sdd::emit::build_set(&estate, &analysis));
            assert_eq!(set.engagements, engagements);
            assert_eq!(set.executable, 0);
            let (_, bytes) = (set.files.iter())
                .find(|(path, _)| path == "engagements/e3210.json")
                .expect("a manifest");
            let manifest: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
            let found = manifest["diagnostics"].as_array().expect("a list");
            assert_eq!(found.len(), fields);
            assert_eq!(
                found[0]["message"],
                "unknown field `f0` in engagement `e3210`"
            );
        },
    );
}

/// The estate index (`sdd build`) of an engagement that produced 50,000 assets: it looked for
/// each asset's producers through every `produces` of the estate.
#[test]
fn the_estate_index_finds_the_producers_of_50_000_assets_in_one_pass() {
    bounded(
        "the_estate_index_finds_the_producers_of_50_000_assets_in_one_pass",
        || {
            let n = 50_000;
            let mut inventory = String::new();
            let mut text = String::new();
            engagement(&mut text, "e");
            text.push_str("\nas_built { recorded: 2026-03-03\n");
            for i in 0..n {
                asset(&mut inventory, &format!("r{i:05}"), "c", "", "active");
                let _ = writeln!(text, "built k{i} {{ produces: r{i:05} 1.0.0 }}");
            }
            text.push_str("}\n}\n");
            let estate = sources(vec![
                ("inventory.sdd".into(), inventory),
                ("e.sdd".into(), text),
            ]);
            // The index as `sdd build` makes it (`emit::build_set`), without the manifest of
            // the one engagement, which is not what this case is about.
            let ns = Namespace::build(&estate, &mut Vec::new());
            let inventory = Inventory::new(&ns);
            let index = timed("index", || sdd::emit::index::index(&inventory, &ns, &[]));
            let assets = index["assets"].as_array().expect("a list");
            assert_eq!(assets.len(), n);
            for (i, a) in assets.iter().enumerate().step_by(997) {
                assert_eq!(a["name"], format!("r{i:05}"));
                assert_eq!(
                    a["produced_by"],
                    serde_json::json!([{"engagement": "e", "version": "1.0.0"}])
                );
            }
        },
    );
}

/// `sdd report` of 40,000 assets, each reused by a component, half of them required by the
/// other half: each reused asset's dependents were counted through every asset's `requires`.
#[test]
fn the_report_counts_the_dependents_of_40_000_reused_assets_in_one_pass() {
    bounded(
        "the_report_counts_the_dependents_of_40_000_reused_assets_in_one_pass",
        || {
            let n = 40_000;
            let mut inventory = String::new();
            let mut text = String::new();
            engagement(&mut text, "e");
            text.push_str("\ndesign {\n");
            for i in 0..n {
                // The first half each require one of the second: no cycle, no deep chain.
                let next = if i < n / 2 {
                    format!("r{:05}", i + n / 2)
                } else {
                    String::new()
                };
                asset(&mut inventory, &format!("r{i:05}"), "c", &next, "active");
                let _ = writeln!(text, "component k{i} \"t\" {{ reuses: r{i:05} \"^1.0\" }}");
            }
            text.push_str("}\n}\n");
            let estate = sources(vec![
                ("inventory.sdd".into(), inventory),
                ("e.sdd".into(), text),
            ]);
            let analysis = analyze(&estate);
            let date = sdd::check::values::parse_date(sdd_tests::CASE_DATE).expect("a date");
            let report = timed("report", || {
                sdd::emit::report::report(&estate, &analysis, date)
            });
            assert_eq!(report.most_reused_assets.len(), n);
            for a in &report.most_reused_assets {
                let i: usize = a.asset[1..].parse().expect("a number");
                assert_eq!((a.components, a.engagements), (1, 1));
                assert_eq!(a.required_by, usize::from(i >= n / 2), "{}", a.asset);
            }
        },
    );
}

/// `sdd impact` and `sdd graph --asset` of the last asset of a `requires` chain of 50,000:
/// each dependent copied the whole chain below it, 1.25 billion names in all, and the text
/// printed them all.
#[test]
fn impact_of_the_end_of_a_50_000_asset_chain_is_linear() {
    bounded(
        "impact_of_the_end_of_a_50_000_asset_chain_is_linear",
        || {
            let n = 50_000;
            let mut text = String::new();
            for i in 0..n {
                let next = if i + 1 < n {
                    format!("a{:06}", i + 1)
                } else {
                    String::new()
                };
                asset(&mut text, &format!("a{i:06}"), "c", &next, "active");
            }
            let estate = sources(vec![("chain.sdd".into(), text)]);
            let graph = timed("the graph", || {
                sdd::reuse_graph::ReuseGraph::of_estate(&estate)
            });
            let last = format!("a{:06}", n - 1);
            let impact = timed("impact", || graph.impact(&last, None).expect("the asset"));
            assert_eq!(impact.assets.len(), n - 1);
            let first = &impact.assets[0];
            assert_eq!(first.node.label(), "a000000");
            assert_eq!(first.on, "a000001");
            assert_eq!(first.path.len(), n - 1);
            let path: Vec<&str> = first.path.iter().collect();
            assert_eq!(path[..2], ["a000001", "a000002"]);
            assert_eq!(path[n - 2], last);
            // The text names the first five steps of each chain, then how many more.
            let text = timed("the text", || sdd::emit::graph::impact_text(&impact));
            assert!(text.len() < 200 * n, "{} bytes", text.len());
            let first_line = format!(
                "  a000000  requires a000001 \"*\"  via a000001 -> a000002 -> a000003 -> a000004 -> a000005 -> … {} more -> {last}\n",
                n - 7
            );
            assert!(text.contains(&first_line), "{}", &text[..400]);
            let around = timed("around", || graph.around_asset(&last).expect("the asset"));
            assert_eq!(around.nodes().count(), n);
        },
    );
}
