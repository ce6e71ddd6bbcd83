//! The command line at its edges: dates only in the source's form, `--ready` alone of its
//! kind, `approve` given again or dated before what it approves, a folder that cannot be
//! listed kept out with an SDD002 named by its own path (the rest still checked, in every
//! format), and every command refusing paths with no `.sdd` file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sdd(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdd"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("sdd runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A scratch copy of one broken example (a design gate with one approver of two).
fn quorum_not_met(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-edges-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let from =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/broken/sdd209-quorum-not-met");
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir
}

const ENGAGEMENT: &str = "dc3-evpn-vlan-stretch.sdd";

fn approve(dir: &Path, by: &str, on: Option<&str>) -> Output {
    let mut args = vec![
        "approve",
        "dc3-evpn-vlan-stretch",
        "--gate",
        "design",
        "--by",
        by,
    ];
    if let Some(on) = on {
        args.extend(["--on", on]);
    }
    sdd(&args, dir)
}

#[test]
fn dates_on_the_command_line_are_written_as_in_the_source() {
    let dir = quorum_not_met("dates");
    for bad in [
        "26-11-20",
        "+2026-11-20",
        "2026-1-5",
        "20261120",
        " 2026-11-20",
    ] {
        let run = approve(&dir, "@samuel", Some(bad));
        assert_eq!(run.status.code(), Some(2), "--on {bad}: {}", text(&run));
        assert!(text(&run).contains("--on expects a date"), "{}", text(&run));
        let check = sdd(&["check", "--as-of", bad, "."], &dir);
        assert_eq!(check.status.code(), Some(2), "--as-of {bad}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--by ""` or `--by @` names no one: said so, not "no person ``, did you mean …".
#[test]
fn approve_by_no_one_is_a_usage_error() {
    let dir = quorum_not_met("by-no-one");
    let before = std::fs::read(dir.join(ENGAGEMENT)).unwrap();
    for by in ["", "@", " "] {
        let run = approve(&dir, by, None);
        assert_eq!(run.status.code(), Some(2), "--by {by:?}: {}", text(&run));
        assert!(
            text(&run).contains("--by expects the person who approves, such as @priya"),
            "{}",
            text(&run)
        );
    }
    assert_eq!(std::fs::read(dir.join(ENGAGEMENT)).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_approval_given_again_or_dated_before_gate_1_writes_nothing() {
    let dir = quorum_not_met("again");
    let file = dir.join(ENGAGEMENT);
    let before = std::fs::read(&file).unwrap();
    // @marcus signed Gate 2 on 2026-11-12: asked again, nothing moves, and it says so.
    let again = approve(&dir, "@marcus", None);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        text(&again).starts_with("nothing to record: @marcus already approved gate design"),
        "{}",
        text(&again)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // Gate 1 is dated 2026-11-05: a co-signature dated the day before is refused, though
    // the gate itself would keep its later date.
    let early = approve(&dir, "@samuel", Some("2026-11-04"));
    assert_eq!(early.status.code(), Some(1), "{}", text(&early));
    assert!(
        text(&early).contains("before Gate 1 (2026-11-05): it can be dated 2026-11-05 or later"),
        "{}",
        text(&early)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // Dated between the two, it completes the quorum on the gate's date, and says so.
    let late = approve(&dir, "@samuel", Some("2026-11-06"));
    assert_eq!(late.status.code(), Some(0), "{}", text(&late));
    assert!(
        text(&late).contains("the gate keeps the date 2026-11-12, not 2026-11-06"),
        "{}",
        text(&late)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ready_takes_one_gate_and_no_output_format() {
    let dir = quorum_not_met("ready");
    for extra in [
        &["--format", "json"][..],
        &["--deny-warnings"],
        &["--ready", "spec", "dc3-evpn-vlan-stretch"],
    ] {
        let mut args = vec!["check", "--ready", "design", "dc3-evpn-vlan-stretch"];
        args.extend_from_slice(extra);
        let run = sdd(&args, &dir);
        assert_eq!(run.status.code(), Some(2), "{extra:?}: {}", text(&run));
        assert!(run.stdout.is_empty(), "{extra:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ready_and_approve_agree_on_an_engagement_opened_after_today() {
    let dir = quorum_not_met("future");
    let file = dir.join(ENGAGEMENT);
    let text_now = std::fs::read_to_string(&file).unwrap();
    let opened = text_now.find("opened: ").expect("an opened date") + "opened: ".len();
    let future = format!(
        "{}2999-01-01{}",
        &text_now[..opened],
        &text_now[opened + 10..]
    );
    std::fs::write(&file, future).unwrap();
    let ready = sdd(&["check", "--ready", "spec", "dc3-evpn-vlan-stretch"], &dir);
    assert_eq!(ready.status.code(), Some(1), "{}", text(&ready));
    assert!(
        text(&ready).contains("the engagement is opened 2999-01-01, after today"),
        "{}",
        text(&ready)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_refuses_paths_without_an_sdd_file() {
    let dir = std::env::temp_dir().join(format!("sdd-edges-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    for args in [
        &["report", "specs"][..],
        &["graph", "specs"],
        &["graph", "--format", "json", "specs"],
        &["impact", "tmpl", "--estate", "specs"],
        &["fingerprint", "e", "--estate", "specs"],
        &[
            "approve", "e", "--gate", "spec", "--by", "@p", "--estate", "specs",
        ],
        &["check", "--ready", "spec", "e", "specs"],
    ] {
        let run = sdd(args, &dir);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", text(&run));
        assert!(
            text(&run).contains("no .sdd file in `specs`"),
            "{args:?}: {}",
            text(&run)
        );
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_listed_is_an_sdd002_named_by_its_own_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = quorum_not_met("unreadable");
    let locked = dir.join("drafts");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any folder: as root, the commands run as `nobody` (with util-linux's
    // `setpriv`), or the case cannot be made.
    let root = std::fs::read_dir(&locked).is_ok();
    let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    if root && Command::new("setpriv").arg("--version").output().is_err() {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    if root {
        let all = std::fs::Permissions::from_mode(0o777);
        std::fs::set_permissions(&dir, all.clone()).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.path() != locked {
                std::fs::set_permissions(entry.path(), all.clone()).unwrap();
            }
        }
    }
    let run = |args: &[&str]| {
        if root {
            Command::new("setpriv")
                .args(setpriv)
                .arg(env!("CARGO_BIN_EXE_sdd"))
                .args(args)
                .current_dir(&dir)
                .env("NO_COLOR", "1")
                .output()
                .expect("setpriv runs")
        } else {
            sdd(args, &dir)
        }
    };
    // Every command goes on without it and exits 1, naming it; `check` reports the rest's
    // errors beside it (SDD209), in each format.
    let says = "cannot list this folder: Permission denied";
    for (args, names) in [
        (&["check", "."][..], "drafts/:1:1"),
        (
            &["check", ".", "--format", "short"],
            "drafts/:1:1: error[SDD002]",
        ),
        (&["fmt", "--check", "."], "drafts/:1:1: error[SDD002]"),
        (&["report", "."], "1 folder could not be read"),
        (&["build", ".", "-o", "out"], "nothing written"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(names), "{args:?}: {}", text(&out));
        if args[0] == "check" {
            assert!(
                text(&out).contains(says) && text(&out).contains("SDD209"),
                "{args:?}: {}",
                text(&out)
            );
        }
    }
    let json = run(&["check", ".", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1), "{}", text(&json));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("a JSON document");
    let codes: Vec<(&str, &str)> = (json.as_array().expect("an array").iter())
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("SDD002", "drafts/")), "{codes:?}");
    assert!(codes.iter().any(|(code, _)| *code == "SDD209"), "{codes:?}");
    let sarif = run(&["check", ".", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(1), "{}", text(&sarif));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("a SARIF log");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(
        results.iter().any(|r| r["ruleId"] == "SDD002"
            && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "drafts/"
            && r["message"]["text"].as_str().unwrap().contains(says)),
        "{results:?}"
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_is_output_like_any_other_and_slips_are_named() {
    let dir = quorum_not_met("help");
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let run = Command::new(env!("CARGO_BIN_EXE_sdd"))
            .arg("--help")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "a help that cannot be written");
    }
    let explain = sdd(&["explain", "204"], &dir);
    assert_eq!(explain.status.code(), Some(2));
    assert!(
        text(&explain).contains("did you mean SDD204?"),
        "{}",
        text(&explain)
    );
    let slash = sdd(&["check", &format!("{ENGAGEMENT}/")], &dir);
    assert_eq!(slash.status.code(), Some(2));
    assert!(
        text(&slash).contains("a file where a folder is named"),
        "{}",
        text(&slash)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_version_on_the_command_line_is_written_as_in_the_source() {
    let dir = quorum_not_met("version");
    let asset = "vlan-provisioning-workflow";
    for (bad, why) in [
        ("1.2.3+build", "a version takes no build metadata"),
        ("v1.2.3", "unexpected character 'v'"),
        (
            "99999999999999999999.0.0",
            "is larger than 18446744073709551615",
        ),
    ] {
        let run = sdd(&["impact", asset, "--version", bad], &dir);
        assert_eq!(run.status.code(), Some(2), "{bad}: {}", text(&run));
        assert!(text(&run).contains(why), "{bad}: {}", text(&run));
        assert!(!text(&run).contains("u64::MAX"), "{}", text(&run));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_approver_not_in_the_estate_is_a_mistake_in_the_command() {
    let dir = quorum_not_met("approver");
    let before = std::fs::read(dir.join(ENGAGEMENT)).unwrap();
    for (by, said) in [
        (
            "@samul",
            "no person `samul` in the estate; did you mean `samuel`?",
        ),
        ("@@samuel", "no person `@samuel` in the estate"),
    ] {
        let run = approve(&dir, by, None);
        assert_eq!(run.status.code(), Some(2), "{by}: {}", text(&run));
        assert!(text(&run).contains(said), "{by}: {}", text(&run));
    }
    assert_eq!(std::fs::read(dir.join(ENGAGEMENT)).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_report_of_an_estate_with_errors_says_so() {
    let dir = quorum_not_met("report");
    let run = sdd(&["report", "."], &dir);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("warning: the estate has 1 error (`sdd check` lists them)"),
        "{stderr}"
    );
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let clean = sdd(&["report", "."], &examples);
    assert!(clean.stderr.is_empty(), "{}", text(&clean));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_name_of_another_kind_is_named_as_such() {
    let dir = quorum_not_met("kinds");
    let asset = sdd(&["fingerprint", "vlan-provisioning-workflow"], &dir);
    assert_eq!(asset.status.code(), Some(2));
    assert!(
        text(&asset).contains(
            "no engagement `vlan-provisioning-workflow` in the estate: \
             `vlan-provisioning-workflow` is an asset"
        ),
        "{}",
        text(&asset)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
