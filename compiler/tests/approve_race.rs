//! `sdd approve` edits a file in place, and two approvers may run it at the same moment. Each
//! approval that says "recorded" is in the file afterwards: the second edit is made again from
//! the file the first one wrote. A read-only file is never written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ENGAGEMENT: &str = "engagements/network-provisioning/dc2-edge-bgp-peering.sdd";

fn estate(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-race-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    copy(&examples, &dir);
    let _ = std::fs::remove_dir_all(dir.join("broken"));
    // Without its design gate (two approvers: @marcus and @priya).
    let file = dir.join(ENGAGEMENT);
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("  gate design {").expect("a design gate");
    let end = start + text[start..].find("}\n").unwrap() + 2;
    std::fs::write(&file, format!("{}{}", &text[..start], &text[end..])).unwrap();
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        match e.path().is_dir() {
            true => copy(&e.path(), &target),
            false => drop(std::fs::copy(e.path(), target).unwrap()),
        }
    }
}

fn approve(dir: &Path, by: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sdd"));
    command
        .args([
            "approve",
            "dc2-edge-bgp-peering",
            "--gate",
            "design",
            "--by",
            by,
        ])
        .args(["--on", "2026-08-24", "--estate", "."])
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    command
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn two_approvals_at_the_same_moment_are_both_recorded() {
    for round in 0..6 {
        let dir = estate(&format!("both-{round}"));
        let first = approve(&dir, "@marcus").spawn().expect("sdd runs");
        let second = approve(&dir, "@priya").spawn().expect("sdd runs");
        for run in [first, second] {
            let out = run.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", text(&out));
        }
        let written = std::fs::read_to_string(dir.join(ENGAGEMENT)).unwrap();
        let approvers = (written.lines())
            .skip_while(|l| !l.contains("gate design {"))
            .find(|l| l.contains("approved_by:"))
            .unwrap_or_default()
            .to_string();
        assert!(
            approvers.contains("@marcus") && approvers.contains("@priya"),
            "round {round}: {approvers}"
        );
        let check = Command::new(env!("CARGO_BIN_EXE_sdd"))
            .args(["check", "--as-of", "2026-11-24", "."])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(check.status.success(), "round {round}: {}", text(&check));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_read_only_file_is_not_written() {
    let dir = estate("read-only");
    let file = dir.join(ENGAGEMENT);
    let before = std::fs::read(&file).unwrap();
    let mut permissions = std::fs::metadata(&file).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&file, permissions).unwrap();
    let out = approve(&dir, "@marcus").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("is read-only: nothing recorded"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}
