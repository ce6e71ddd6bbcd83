//! Stale approvals explained from git history: the diagnostic names the newest commit whose
//! content had the approved fingerprint and lists what changed since, field by field.

use std::path::Path;
use std::process::Command;

use sdd::analysis::{analyze, analyze_with, Cache};
use sdd::codes::Code;
use sdd::estate::Estate;
use sdd_tests::{options_at, repo_root, CASE_DATE};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=sdd test",
            "-c",
            "user.email=test@sdd.invalid",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_stale_spec_approval_names_the_commit_and_the_changes() {
    let dir = std::env::temp_dir().join(format!("sdd-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo_root().join("examples"), &dir);
    let _ = std::fs::remove_dir_all(dir.join("broken"));
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "approved estate"]);

    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("within 60 s"));
    let edited = text.replacen("within 60 s", "within 90 s", 1).replacen(
        "    constraint C1",
        "    requirement R9 \"Log BGP state changes\" { priority: should acceptance: \"in syslog\" }\n    constraint C1",
        1,
    );
    std::fs::write(&file, edited).unwrap();

    let estate = Estate::load(std::slice::from_ref(&dir)).unwrap();
    let mut options = options_at(CASE_DATE);
    options.git_history = true;
    let analysis = analyze(&estate, &options);
    let stale: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Sdd204)
        .collect();
    assert_eq!(
        stale.len(),
        1,
        "one stale approval, on the spec gate: {:?}",
        analysis.diagnostics
    );
    let notes = stale[0].notes.join("\n");
    assert!(notes.contains("\"approved estate\""), "{notes}");
    assert!(
        notes.contains("requirement R1 `acceptance` changed"),
        "{notes}"
    );
    assert!(notes.contains("60 s") && notes.contains("90 s"), "{notes}");
    assert!(notes.contains("requirement R9 added"), "{notes}");

    // The language server's incremental analysis gives the same notes, and after a further
    // edit (git is searched once; the changes are listed against the new text) still equals
    // a fresh analysis.
    let mut estate = estate;
    let mut cache = Cache::default();
    let incremental = analyze_with(&estate, &options, &mut cache);
    assert_eq!(incremental.diagnostics, analysis.diagnostics);
    let id = (estate.file_ids())
        .find(|&id| estate.files.name(id).ends_with("dc2-edge-bgp-peering.sdd"))
        .unwrap();
    let again = estate
        .files
        .text(id)
        .replacen("in syslog", "in syslog and the SIEM", 1);
    estate.update(id, again);
    let incremental = analyze_with(&estate, &options, &mut cache);
    assert_eq!(
        incremental.diagnostics,
        analyze(&estate, &options).diagnostics
    );
    let notes: Vec<&String> = (incremental.diagnostics.iter())
        .filter(|d| d.code == Code::Sdd204)
        .flat_map(|d| &d.notes)
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("requirement R9 added")),
        "{notes:?}"
    );

    // Without history the diagnostic is the same, minus the notes about commits.
    options.git_history = false;
    let plain = analyze(&estate, &options);
    let plain_stale = plain
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Sdd204)
        .unwrap();
    assert!(!plain_stale.notes.join("\n").contains("commit"));
    let _ = std::fs::remove_dir_all(&dir);
}
