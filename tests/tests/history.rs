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

/// The examples (without `broken/`) committed to a fresh git repository in a temporary
/// folder, as "approved estate".
fn committed_examples(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-history-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo_root().join("examples"), &dir);
    let _ = std::fs::remove_dir_all(dir.join("broken"));
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "approved estate"]);
    dir
}

#[test]
fn a_stale_spec_approval_names_the_commit_and_the_changes() {
    let dir = committed_examples("stale");

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

/// A fresh git repository in a temporary folder, removed when dropped.
struct Repo(std::path::PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("sdd-history-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q"]);
        Repo(dir)
    }

    fn commit(&self, text: &str, subject: &str) {
        std::fs::write(self.0.join("e.sdd"), text).unwrap();
        git(&self.0, &["add", "."]);
        git(&self.0, &["commit", "-q", "-m", subject]);
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ZEROS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// A file of engagements `e0`…, each with requirement R1 of the given text, extra
/// requirements, and a spec approval recording the given fingerprint.
fn engagements(texts: &[&str], extra: &[usize], recorded: &[String]) -> String {
    let mut out = String::new();
    for (i, text) in texts.iter().enumerate() {
        out.push_str(&format!(
            "engagement e{i} {{\n  requirements {{\n    requirement R1 \"{text}\" {{ priority: must }}\n"
        ));
        for j in 0..extra[i] {
            out.push_str(&format!(
                "    requirement X{j} \"x\" {{ priority: must }}\n"
            ));
        }
        out.push_str(&format!(
            "  }}\n  gate spec {{\n    approved_by: @p\n    on: 2026-01-01\n    fingerprint: \"{}\"\n  }}\n}}\n",
            recorded[i]
        ));
    }
    out
}

/// The current spec fingerprint of each engagement of a text.
fn spec_fingerprints(text: &str, count: usize) -> Vec<String> {
    let estate = Estate::from_sources([("e.sdd", text)]);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    (0..count)
        .map(|i| {
            let facts = analysis.facts(&format!("e{i}")).unwrap();
            facts.spec_fingerprint.clone()
        })
        .collect()
}

/// The stale approvals of one file are searched together, and each still finds its own
/// newest commit with the approved content; a long list of changes is cut at 20.
#[test]
fn the_stale_approvals_of_one_file_each_find_their_own_commit() {
    let repo = Repo::new("batch");
    let zeros = vec![ZEROS.to_string(); 5];
    let first = ["v1"; 5];
    let second = ["v2", "v2", "v2", "v1", "v1"];
    let none = [0; 5];
    repo.commit(&engagements(&first, &none, &zeros), "first");
    let fp1 = spec_fingerprints(&engagements(&first, &none, &zeros), 5);
    repo.commit(&engagements(&second, &none, &zeros), "second");
    let fp2 = spec_fingerprints(&engagements(&second, &none, &zeros), 5);
    let recorded = vec![
        fp1[0].clone(),
        fp2[1].clone(),
        fp2[2].clone(),
        fp1[3].clone(),
        ZEROS.to_string(),
    ];
    repo.commit(
        &engagements(&["v3"; 5], &[0, 0, 25, 0, 0], &recorded),
        "third",
    );

    let estate = Estate::load(std::slice::from_ref(&repo.0)).unwrap();
    let mut options = options_at(CASE_DATE);
    options.git_history = true;
    let analysis = analyze(&estate, &options);
    let notes = |engagement: &str| -> String {
        let d = (analysis.diagnostics.iter())
            .find(|d| {
                d.code == Code::Sdd204
                    && estate.files.text(d.file())[..d.primary.span.start as usize]
                        .rfind("engagement ")
                        .is_some_and(|at| estate.files.text(d.file())[at..].starts_with(engagement))
            })
            .unwrap_or_else(|| panic!("{engagement} is stale: {:?}", analysis.diagnostics));
        d.notes.join("\n")
    };
    assert!(
        notes("engagement e0 ").contains("\"first\""),
        "{}",
        notes("engagement e0 ")
    );
    assert!(
        notes("engagement e1 ").contains("\"second\""),
        "{}",
        notes("engagement e1 ")
    );
    // e3 still had its first content in the second commit: that is the newest with it.
    assert!(
        notes("engagement e3 ").contains("\"second\""),
        "{}",
        notes("engagement e3 ")
    );
    assert!(
        !notes("engagement e4 ").contains("commit"),
        "{}",
        notes("engagement e4 ")
    );
    let e2 = notes("engagement e2 ");
    assert!(e2.contains("\"second\""), "{e2}");
    assert!(
        e2.contains("requirement R1 text changed from \"v2\" to \"v3\""),
        "{e2}"
    );
    // R1 changed and 25 requirements added: 20 listed, 6 counted.
    assert_eq!(
        e2.lines().filter(|l| l.starts_with("- ")).count(),
        21,
        "{e2}"
    );
    assert!(e2.ends_with("\n- and 6 more changes"), "{e2}");
}

/// 200 stale approvals in one file with 40 commits and no match: each commit is read once
/// for all of them (each approval read every commit, 8,000 `git show`s), so the check takes
/// bounded time.
#[test]
fn many_stale_approvals_in_one_file_search_its_history_once() {
    sdd_tests::bounded::bounded(
        "many_stale_approvals_in_one_file_search_its_history_once",
        || {
            let repo = Repo::new("many");
            let n = 200;
            let zeros = vec![ZEROS.to_string(); n];
            let none = vec![0; n];
            for c in 0..40 {
                let text = format!("v{c}");
                repo.commit(
                    &engagements(&vec![text.as_str(); n], &none, &zeros),
                    &format!("c{c}"),
                );
            }
            let estate = Estate::load(std::slice::from_ref(&repo.0)).unwrap();
            let mut options = options_at(CASE_DATE);
            options.git_history = true;
            let start = std::time::Instant::now();
            let analysis = analyze(&estate, &options);
            let elapsed = start.elapsed();
            let stale = (analysis.diagnostics.iter())
                .filter(|d| d.code == Code::Sdd204)
                .count();
            assert_eq!(stale, n);
            eprintln!("{n} stale approvals explained in {elapsed:?}");
            assert!(
                elapsed < std::time::Duration::from_secs(10),
                "took {elapsed:?}"
            );
        },
    );
}

/// A file moved since the approval (`git mv`, here into a sub-folder and edited in the same
/// commit) is followed back through the move to the commit that had the approved content.
#[test]
fn a_file_moved_since_the_approval_is_followed_through_the_move() {
    let repo = Repo::new("moved");
    let zeros = vec![ZEROS.to_string()];
    repo.commit(&engagements(&["v1"], &[0], &zeros), "first");
    let approved = spec_fingerprints(&engagements(&["v1"], &[0], &zeros), 1);
    std::fs::create_dir_all(repo.0.join("network")).unwrap();
    git(&repo.0, &["mv", "e.sdd", "network/renamed.sdd"]);
    let moved = repo.0.join("network/renamed.sdd");
    std::fs::write(&moved, engagements(&["v2"], &[0], &zeros)).unwrap();
    git(&repo.0, &["commit", "-q", "-am", "moved and edited"]);
    std::fs::write(&moved, engagements(&["v3"], &[0], &approved)).unwrap();

    let estate = Estate::load(std::slice::from_ref(&repo.0)).unwrap();
    let mut options = options_at(CASE_DATE);
    options.git_history = true;
    let analysis = analyze(&estate, &options);
    let stale: Vec<_> = (analysis.diagnostics.iter())
        .filter(|d| d.code == Code::Sdd204)
        .collect();
    assert_eq!(stale.len(), 1, "{:?}", analysis.diagnostics);
    let notes = stale[0].notes.join("\n");
    assert!(notes.contains("\"first\""), "{notes}");
    assert!(
        notes.contains("requirement R1 text changed from \"v1\" to \"v3\""),
        "{notes}"
    );
}

/// A reorder inside a block is told as one (it used to send the reviewer to other files, as
/// "the profile, or content outside this file"), and a changed text is shown as a string
/// literal: its quotes unambiguous, a character that shows it otherwise escaped, in every
/// output format alike.
#[test]
fn a_reorder_is_named_and_a_changed_text_is_shown_escaped() {
    let dir = committed_examples("order");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let text = std::fs::read_to_string(&file).unwrap();
    let notes_after = |edited: String| -> String {
        std::fs::write(&file, edited).unwrap();
        let estate = Estate::load(std::slice::from_ref(&dir)).unwrap();
        let mut options = options_at(CASE_DATE);
        options.git_history = true;
        let analysis = analyze(&estate, &options);
        (analysis.diagnostics.iter())
            .filter(|d| d.code == Code::Sdd204)
            .flat_map(|d| d.notes.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let r1_start = text.find("    requirement R1 ").unwrap();
    let r2_start = text.find("    requirement R2 ").unwrap();
    let r3_start = text.find("    requirement R3 ").unwrap();
    let swapped = format!(
        "{}{}{}{}",
        &text[..r1_start],
        &text[r2_start..r3_start],
        &text[r1_start..r2_start],
        &text[r3_start..]
    );
    let notes = notes_after(swapped);
    assert!(
        notes.contains("- `requirements`: entries reordered"),
        "{notes}"
    );
    assert!(!notes.contains("outside this file"), "{notes}");

    // In the source: `within 60 s<U+202E> \"of\" commit`.
    let quoted = text.replacen(
        "within 60 s of commit",
        "within 60 s\u{202E} \\\"of\\\" commit",
        1,
    );
    let notes = notes_after(quoted);
    assert!(notes.contains(r#"\u{202e} \"of\" commit""#), "{notes}");
    assert!(!notes.contains('\u{202E}'), "{notes}");
    let _ = std::fs::remove_dir_all(&dir);
}
