//! The broken example estates: every folder `examples/broken/sddNNN-…` is a small estate that
//! shows governance code SDDNNN and nothing else, every governance code has one, and the main
//! example estate (which `.sddignore` keeps the broken ones out of) is clean.

use std::path::{Path, PathBuf};

use sdd::analysis::{analyze, Analysis};
use sdd::codes::Code;
use sdd::estate::Estate;
use sdd_tests::{options_at, repo_root, CASE_DATE};

fn broken_dir() -> PathBuf {
    repo_root().join("examples").join("broken")
}

/// The example folders, sorted.
fn folders() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(broken_dir())
        .expect("examples/broken exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
}

/// `sdd204-stale-spec` → SDD204.
fn code_of(folder: &Path) -> Option<Code> {
    let name = folder.file_name()?.to_str()?;
    let digits = name.strip_prefix("sdd")?.get(..3)?;
    Code::parse(&format!("SDD{digits}"))
}

fn check(path: &Path) -> (Estate, Analysis) {
    let estate = Estate::load(&[path.to_path_buf()]).expect("the estate loads");
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    (estate, analysis)
}

fn shown(analysis: &Analysis) -> String {
    analysis
        .diagnostics
        .iter()
        .map(|d| format!("    {} {}", d.code, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_broken_example_reports_its_code_and_nothing_else() {
    let mut failures = Vec::new();
    for folder in folders() {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let Some(code) = code_of(&folder) else {
            failures.push(format!(
                "{name}: the folder name does not start with a code"
            ));
            continue;
        };
        let (_, analysis) = check(&folder);
        let codes: Vec<Code> = analysis.diagnostics.iter().map(|d| d.code).collect();
        if !codes.contains(&code) {
            failures.push(format!("{name}: no {code}\n{}", shown(&analysis)));
        } else if codes.iter().any(|c| *c != code) {
            failures.push(format!(
                "{name}: more than {code} reported\n{}",
                shown(&analysis)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_governance_code_has_a_broken_example() {
    let shown: Vec<Code> = folders().iter().filter_map(|f| code_of(f)).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| matches!(&c.as_str()[..4], "SDD2" | "SDD3" | "SDD5"))
        .filter(|c| !shown.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "no broken example for {missing:?}");
}

#[test]
fn the_readme_lists_every_broken_example() {
    let readme = std::fs::read_to_string(broken_dir().join("README.md")).expect("a README");
    for folder in folders() {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            readme.contains(&format!("sdd check examples/broken/{name}")),
            "README.md does not show how to check {name}"
        );
    }
}

#[test]
fn the_main_example_estate_is_clean_and_leaves_the_broken_ones_out() {
    let (estate, analysis) = check(&repo_root().join("examples"));
    assert!(
        analysis.diagnostics.is_empty(),
        "examples is not clean:\n{}",
        shown(&analysis)
    );
    assert!(
        broken_dir().join(sdd::estate::IGNORE_MARKER).is_file(),
        "examples/broken has no .sddignore marker"
    );
    let leaked: Vec<&str> = estate
        .file_ids()
        .map(|id| estate.files.name(id))
        .filter(|name| name.contains("/broken/"))
        .collect();
    assert!(leaked.is_empty(), "broken examples loaded: {leaked:?}");
}
