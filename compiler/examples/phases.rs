//! Where `sdd check`'s time goes: each phase of the check over an estate's files, timed on one
//! thread in this process (best of N runs), so a change to one phase shows in its own line.
//!
//! `cargo run --release -p sdd-compiler --example phases -- DIR [RUNS] [PHASE]`
//! With PHASE, only that phase runs (for a profiler: `perf record … phases DIR 50 types`).

use std::time::{Duration, Instant};

use sdd::check::engagement::Engagement;
use sdd::check::governance;
use sdd::check::names::Namespace;
use sdd::estate::Estate;
use sdd::source::FileId;

/// The allocator `sdd` itself uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Timer {
    runs: usize,
    only: Option<String>,
    bytes: usize,
}

impl Timer {
    /// Time `pass` (best of the runs) and print it, unless another phase was asked for.
    fn phase<R>(&self, name: &str, mut pass: impl FnMut() -> R) {
        if self.only.as_deref().is_some_and(|o| o != name) {
            return;
        }
        let best = (0..self.runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(pass());
                start.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO);
        println!(
            "{name:>14} {:>8.1} ms {:>8.0} MB/s",
            best.as_secs_f64() * 1e3,
            self.bytes as f64 / 1e6 / best.as_secs_f64()
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: phases DIR [RUNS] [PHASE]"));
    let runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let only = args.next();
    let mut paths = Vec::new();
    let unlisted = sdd::estate::sdd_files_under(&dir, &mut paths);
    assert!(
        unlisted.is_empty(),
        "folders that could not be listed: {unlisted:?}"
    );
    paths.sort();
    let texts: Vec<String> = (paths.iter())
        .map(|p| std::fs::read_to_string(p).expect("a readable file"))
        .collect();
    let bytes = texts.iter().map(String::len).sum();
    let t = Timer { runs, only, bytes };

    t.phase("lex", || {
        (texts.iter())
            .map(|t| sdd::syntax::token::lex(FileId(0), t).tokens.len())
            .sum::<usize>()
    });
    t.phase("parse", || {
        (texts.iter())
            .map(|t| sdd::syntax::parse(FileId(0), t).ast.items.len())
            .sum::<usize>()
    });
    let estate = Estate::from_sources(
        (paths.iter().zip(&texts)).map(|(p, t)| (p.display().to_string(), t.clone())),
    );
    let options = sdd::analysis::Options {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date"),
        git_history: false,
    };
    t.phase("analysis", || sdd::analysis::check(&estate, &options).len());
    let mut sink = Vec::new();
    let ns = Namespace::build(&estate, &mut sink);
    t.phase("namespace", || {
        Namespace::build(&estate, &mut Vec::new()).get("").is_some()
    });
    t.phase("types", || {
        let mut out = Vec::new();
        for f in estate.file_ids() {
            sdd::check::types::check_file(&ns, f, &estate.ast(f).items, &[], &[], &mut out);
        }
        out.len()
    });
    let items: Vec<(FileId, &sdd::syntax::Item)> = (estate.file_ids())
        .flat_map(|f| {
            (estate.ast(f).items.iter())
                .filter(|i| i.keyword() == "engagement")
                .map(move |i| (f, i))
        })
        .collect();
    t.phase("engagements", || {
        (items.iter())
            .map(|(f, i)| Engagement::new(&ns, *f, i).name().len())
            .sum::<usize>()
    });
    let engagements: Vec<Engagement> = (items.iter())
        .map(|(f, i)| Engagement::new(&ns, *f, i))
        .collect();
    t.phase("fingerprints", || {
        (engagements.iter())
            .map(|e| governance::fingerprints(e).0.len())
            .sum::<usize>()
    });
    t.phase("governance", || {
        let mut out = Vec::new();
        (engagements.iter())
            .map(|e| {
                governance::evaluate(&ns, e, options.as_of, &mut out)
                    .name
                    .len()
            })
            .sum::<usize>()
    });
    let inventory = sdd::reuse_graph::Inventory::new(&ns);
    t.phase("reuse", || {
        let mut out = Vec::new();
        for e in &engagements {
            let deps = sdd::reuse_graph::releases::dependencies(&inventory, e);
            sdd::reuse_graph::check_engagement(
                &inventory,
                e,
                &deps,
                e.as_built.is_some(),
                &mut out,
            );
        }
        out.len()
    });
    println!(
        "{} files, {} bytes, {} engagements, {} diagnostics",
        estate.files.len(),
        bytes,
        engagements.len(),
        sdd::analysis::check(&estate, &options).len()
    );
}
