//! What a command reads of an estate on disk, and when: a linked folder is part of the estate;
//! a `.sdd` link to nothing stops the command; hidden files are not read; the answer of
//! `graph`, `impact` and `report` says when a file could not be read; "today" is one date
//! wherever `sdd` runs; and a repository's own settings make `sdd check` run nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sdd(args: &[&str], dir: &Path, tz: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdd"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TZ", tz)
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

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-reading-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// The examples' estate without its `broken/` cases, its engagements behind a link.
#[cfg(unix)]
fn estate_with_linked_engagements(dir: &Path) -> PathBuf {
    let estate = dir.join("estate");
    std::fs::create_dir_all(&estate).unwrap();
    for entry in std::fs::read_dir(examples()).unwrap().flatten() {
        let name = entry.file_name();
        if name == "inventory" {
            copy_tree(&entry.path(), &estate.join(&name));
        } else if entry.path().extension().is_some_and(|e| e == "sdd") {
            std::fs::copy(entry.path(), estate.join(&name)).unwrap();
        }
    }
    copy_tree(&examples().join("engagements"), &dir.join("engagements"));
    std::os::unix::fs::symlink(dir.join("engagements"), estate.join("engagements")).unwrap();
    estate
}

#[cfg(unix)]
#[test]
fn a_linked_folder_is_part_of_the_estate_and_a_link_to_nothing_stops_the_command() {
    let dir = scratch("links");
    let estate = estate_with_linked_engagements(&dir);
    let linked = sdd(&["build", "estate", "-o", "out"], &dir, "UTC");
    assert_eq!(linked.status.code(), Some(0), "{}", text(&linked));
    let manifests = std::fs::read_dir(dir.join("out/engagements"))
        .unwrap()
        .count();
    let engagements = (std::fs::read_dir(dir.join("engagements"))
        .unwrap()
        .flatten())
    .flat_map(|domain| std::fs::read_dir(domain.path()).unwrap().flatten())
    .filter(|f| f.path().extension().is_some_and(|e| e == "sdd"))
    .count();
    assert!(engagements >= 9);
    assert_eq!(manifests, engagements, "every engagement behind the link");
    // A lock file an editor leaves (`.#x.sdd`, a link to nothing) is hidden, so not read;
    // another `.sdd` link to nothing is a file of the estate gone missing.
    std::os::unix::fs::symlink("user@host.42", estate.join(".#people.sdd")).unwrap();
    let with_lock = sdd(&["check", "estate"], &dir, "UTC");
    assert_eq!(with_lock.status.code(), Some(0), "{}", text(&with_lock));
    std::os::unix::fs::symlink(dir.join("moved.sdd"), estate.join("gone.sdd")).unwrap();
    let gone = sdd(&["check", "estate"], &dir, "UTC");
    assert_eq!(gone.status.code(), Some(2), "{}", text(&gone));
    assert!(
        text(&gone).contains("gone.sdd: a symbolic link to nothing that exists"),
        "{}",
        text(&gone)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file the estate cannot read (SDD002) holds dependents `impact` would list: the answer
/// names it and exits 1, so a pipeline does not take "no dependents" for the whole truth.
#[test]
fn graph_impact_and_report_say_when_a_file_could_not_be_read() {
    let dir = scratch("skipped");
    copy_tree(&examples(), &dir.join("estate"));
    let dc2 = dir.join("estate/engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let mut bytes = std::fs::read(&dc2).unwrap();
    bytes.extend_from_slice(b"// caf\xe9\n");
    std::fs::write(&dc2, bytes).unwrap();
    let impact = sdd(
        &["impact", "bgp-neighbor-template", "--estate", "estate"],
        &dir,
        "UTC",
    );
    assert_eq!(impact.status.code(), Some(1), "{}", text(&impact));
    let stderr = String::from_utf8_lossy(&impact.stderr);
    assert!(
        stderr.contains("1 file could not be read")
            && stderr.contains("this impact leaves out what it declares")
            && stderr.contains("dc2-edge-bgp-peering.sdd"),
        "{stderr}"
    );
    for args in [&["graph", "estate"][..], &["report", "estate"]] {
        let run = sdd(args, &dir, "UTC");
        assert_eq!(run.status.code(), Some(1), "{args:?}: {}", text(&run));
        assert!(!run.stdout.is_empty(), "{args:?} still answers");
    }
    // Without the bad byte, the same commands exit 0.
    copy_tree(&examples(), &dir.join("estate"));
    let clean = sdd(
        &["impact", "bgp-neighbor-template", "--estate", "estate"],
        &dir,
        "UTC",
    );
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert!(text(&clean).contains("dc2-edge-bgp-peering"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An approval recorded where it is already tomorrow (UTC+14) is not "after today" for a
/// check where it is still yesterday (UTC−12): both days are the date in UTC.
#[test]
fn today_is_the_date_in_utc_wherever_sdd_runs() {
    let dir = scratch("utc");
    copy_tree(&examples().join("broken/sdd209-quorum-not-met"), &dir);
    let file = dir.join("dc3-evpn-vlan-stretch.sdd");
    let source = std::fs::read_to_string(&file).unwrap();
    let start = source.find("  gate design {").unwrap();
    let end = start + source[start..].find("}\n").unwrap() + 2;
    std::fs::write(&file, format!("{}{}", &source[..start], &source[end..])).unwrap();
    let before = chrono::Utc::now().date_naive().to_string();
    let approve = sdd(
        &[
            "approve",
            "dc3-evpn-vlan-stretch",
            "--gate",
            "design",
            "--by",
            "@marcus",
        ],
        &dir,
        "EAST-14",
    );
    let after = chrono::Utc::now().date_naive().to_string();
    assert_eq!(approve.status.code(), Some(0), "{}", text(&approve));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains(&format!("on: {before}")) || written.contains(&format!("on: {after}")),
        "{written}"
    );
    let check = sdd(&["check", ".", "--format", "short"], &dir, "WEST+12");
    assert!(!text(&check).contains("SDD208"), "{}", text(&check));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sdd check` asks git about an estate's history; an estate's repository may come from
/// anyone, and its `core.fsmonitor` setting is a command git would run.
#[cfg(unix)]
#[test]
fn a_repositorys_settings_make_sdd_check_run_no_command() {
    let dir = scratch("fsmonitor");
    copy_tree(&examples().join("broken/sdd209-quorum-not-met"), &dir);
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q"]) {
        eprintln!("no git on PATH: nothing to test");
        return;
    }
    assert!(git(&["add", "."]));
    let commit = [
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "estate",
    ];
    assert!(git(&commit));
    // An approval gone stale is what `sdd check` asks git about.
    let file = dir.join("dc3-evpn-vlan-stretch.sdd");
    let source = std::fs::read_to_string(&file).unwrap();
    assert!(source.contains("acceptance: \""));
    std::fs::write(
        &file,
        source.replacen("acceptance: \"", "acceptance: \"Changed. ", 1),
    )
    .unwrap();
    let marker = dir.join("ran");
    let command = format!("touch '{}'; false", marker.display());
    assert!(git(&["config", "core.fsmonitor", &command]));
    // git itself runs it: the setting is live in this repository.
    git(&["ls-files"]);
    assert!(marker.exists(), "git runs core.fsmonitor here");
    std::fs::remove_file(&marker).unwrap();
    let check = sdd(&["check", "."], &dir, "UTC");
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(text(&check).contains("SDD204"), "{}", text(&check));
    assert!(
        !marker.exists(),
        "sdd check made git run the repository's command"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
