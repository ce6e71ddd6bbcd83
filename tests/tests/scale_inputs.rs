//! Large and adversarial estates for the reuse graph: a `requires` chain of 100,000 assets and
//! an inventory with one strongly connected component per asset. Each must be checked in time
//! linear (or n log n) in its size and never crash, also on the 2 MiB stack of a
//! language-server thread.
//!
//! Each case was quadratic (or recursed once per declaration) before, and is sized so that the
//! earlier code took far longer than its bound, ran out of memory or overflowed its stack,
//! while it now takes under three seconds in a debug build. Each heavy case runs in a child
//! process whose wall time and peak RSS are bounded (`sdd_tests::bounded`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use sdd::analysis::Analysis;
use sdd::codes::Code;
use sdd::diagnostic::Diagnostic;
use sdd::estate::Estate;
use sdd_tests::bounded::bounded;

/// Wall time one case's analysis may take (a debug build): a safety net, not a benchmark.
const TIME_BOUND: Duration = Duration::from_secs(10);

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

fn sources(files: Vec<(String, String)>) -> Estate {
    let mut all = vec![("common.sdd".to_string(), COMMON.to_string())];
    all.extend(files);
    Estate::from_sources(all)
}

/// Analyse as `sdd check` and the language server do, on a thread with the language server's
/// stack, within [`TIME_BOUND`].
fn analyze(estate: &Estate) -> Analysis {
    let start = Instant::now();
    let analysis = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(SERVER_STACK)
            .spawn_scoped(s, || {
                sdd::analysis::analyze(estate, &sdd_tests::options_at(sdd_tests::CASE_DATE))
            })
            .expect("a thread")
            .join()
            .expect("the analysis does not panic")
    });
    let elapsed = start.elapsed();
    eprintln!("analysed in {elapsed:?}");
    assert!(elapsed < TIME_BOUND, "the analysis took {elapsed:?}");
    analysis
}

/// How many diagnostics of each code.
fn tally(diagnostics: &[Diagnostic]) -> BTreeMap<Code, usize> {
    let mut out = BTreeMap::new();
    for d in diagnostics {
        *out.entry(d.code).or_default() += 1;
    }
    out
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
