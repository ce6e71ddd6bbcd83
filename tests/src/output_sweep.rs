//! The output sweep: every output a user or a pipeline asks of a randomly broken estate is
//! produced without a panic. A round breaks one file of the example estate (as
//! [`crate::ide_sweep`] does), analyses it, and produces the manifest set of `sdd build`, the
//! SARIF of `sdd check --format sarif`, `sdd report` (text and markdown), `sdd graph` (dot,
//! mermaid and JSON, whole and around each engagement and asset), `sdd impact` of each asset
//! (any version and four given ones), `sdd check --ready` of each engagement for both gates,
//! and `sdd approve` of each gate by three persons, with and without `--replace`.
//!
//! Used by `tests/tests/output_sweep.rs`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use sdd::analysis::{analyze, Analysis, Options};
use sdd::check::engagement::Engagement;
use sdd::check::gates;
use sdd::check::names::Namespace;
use sdd::emit::graph as render;
use sdd::estate::Estate;
use sdd::reuse_graph::{Inventory, ReuseGraph};

/// Run `rounds` rounds over the estate of these files, from `seed`; one line per panic.
pub fn run(files: &[(String, String)], seed: u64, rounds: usize) -> Vec<String> {
    let mut random = fastrand::Rng::with_seed(seed);
    let options = crate::options_at(crate::CASE_DATE);
    let mut failures = Vec::new();
    for round in 0..rounds {
        let (which, estate) = crate::ide_sweep::broken_estate(&mut random, files);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| every_output(&estate, &options))) {
            let message = crate::ide_sweep::panic_message(panic.as_ref());
            failures.push(format!(
                "round {round} (edited {}): {message}",
                files[which].0
            ));
        }
    }
    failures
}

fn every_output(estate: &Estate, options: &Options) {
    let analysis = analyze(estate, options);
    std::hint::black_box(sdd::emit::build_set(estate, &analysis));
    let _ = sdd::emit::sarif::render(&analysis.diagnostics, &estate.files);
    let report = sdd::emit::report::report(estate, &analysis, options.as_of);
    let _ = sdd::emit::report_tables::text(&report);
    let _ = sdd::emit::report_tables::markdown(&report);
    let ns = Namespace::build(estate, &mut Vec::new());
    let graph = ReuseGraph::new(&ns);
    let details = render::details(&Inventory::new(&ns), &analysis);
    let draw = |g: &ReuseGraph| {
        let _ = render::dot(g, &details);
        let _ = render::mermaid(g, &details);
        let _ = render::json(g, &details);
    };
    draw(&graph);
    let persons: Vec<&str> = ns.names_of("person").take(3).collect();
    for name in ns.names_of("engagement") {
        graph.around_engagement(name).inspect(draw);
        if let Some(decl) = ns.get_kind(name, "engagement") {
            let engagement = Engagement::new(&ns, decl.file, decl.item);
            let _ = gates::spec_readiness(&engagement, true);
            let _ = gates::design_readiness(&engagement);
        }
        approve_all(estate, &analysis, name, &persons, options);
    }
    let versions: Vec<semver::Version> = ["0.0.0", "1.0.0", "2.3.0", "99.0.0"]
        .iter()
        .filter_map(|v| semver::Version::parse(v).ok())
        .collect();
    for name in ns.names_of("asset") {
        graph.around_asset(name).inspect(draw);
        for version in std::iter::once(None).chain(versions.iter().map(Some)) {
            if let Some(impact) = graph.impact(name, version) {
                let _ = render::impact_text(&impact);
                let _ = serde_json::to_string(&impact);
            }
        }
    }
}

/// `sdd approve` of both gates of an engagement by each person, with and without `--replace`
/// (recorded or refused: either is an answer).
fn approve_all(
    estate: &Estate,
    analysis: &Analysis,
    engagement: &str,
    persons: &[&str],
    options: &Options,
) {
    for gate in ["spec", "design"] {
        for by in persons {
            for replace in [false, true] {
                let request = sdd::approve::Request {
                    engagement: engagement.to_string(),
                    gate: gate.to_string(),
                    by: by.to_string(),
                    on: options.as_of,
                    replace,
                };
                let _ = sdd::approve::approve(estate, analysis, &request);
            }
        }
    }
}
