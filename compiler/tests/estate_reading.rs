//! What a command reads of an estate on disk, and when: a linked folder is part of the estate;
//! a `.sdd` entry that cannot be read (a link to nothing or in a loop, a socket, a pipe, a
//! failed read) or a folder that cannot be listed is an SDD002 and the rest is still checked,
//! in every format; hidden files are
//! not read; the answer of `graph`, `impact` and `report` says when a file could not be read;
//! "today" is one date wherever `sdd` runs; and a repository's own settings make `sdd check`
//! run nothing.

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
fn a_linked_folder_is_part_of_the_estate_and_a_link_to_nothing_is_an_sdd002() {
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
    // another `.sdd` link to nothing is a file of the estate gone missing: an error (SDD002),
    // and no build.
    std::os::unix::fs::symlink("user@host.42", estate.join(".#people.sdd")).unwrap();
    let with_lock = sdd(&["check", "estate"], &dir, "UTC");
    assert_eq!(with_lock.status.code(), Some(0), "{}", text(&with_lock));
    std::os::unix::fs::symlink(dir.join("moved.sdd"), estate.join("gone.sdd")).unwrap();
    let gone = sdd(&["check", "estate", "--format", "short"], &dir, "UTC");
    assert_eq!(gone.status.code(), Some(1), "{}", text(&gone));
    assert!(
        text(&gone).contains(
            "estate/gone.sdd:1:1: error[SDD002]: cannot read this file: a symbolic link to \
             nothing that exists"
        ),
        "{}",
        text(&gone)
    );
    let build = sdd(&["build", "estate", "-o", "again"], &dir, "UTC");
    assert_eq!(build.status.code(), Some(1), "{}", text(&build));
    assert!(!dir.join("again").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every `.sdd` entry of an estate that cannot be read, for root too (a link to nothing, a
/// link in a loop, a socket, a pipe, and a regular file whose read fails: the memory of the
/// process reading it, at its unmapped first page, on Linux), is an SDD002 naming the file and
/// why, and the rest of the estate is still checked (the example's SDD209): exit 1, in every
/// format, JSON and SARIF a whole document; `build` writes nothing and `graph` says what it
/// leaves out. A regular file named on the command line whose read fails is the same.
#[cfg(unix)]
#[test]
fn every_file_that_cannot_be_read_is_an_sdd002_and_the_rest_is_still_checked() {
    use std::os::unix::fs::symlink;
    let dir = scratch("unreadable");
    let estate = dir.join("estate");
    copy_tree(&examples().join("broken/sdd209-quorum-not-met"), &estate);
    let readable = std::fs::read_dir(&estate).unwrap().count();
    symlink(dir.join("moved.sdd"), estate.join("gone.sdd")).unwrap();
    symlink("loop.sdd", estate.join("loop.sdd")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(estate.join("socket.sdd")).unwrap();
    let special = "not a regular file (a pipe, a device or a socket is not read)".to_string();
    let mut unreadable = vec![
        (
            "gone.sdd",
            "a symbolic link to nothing that exists".to_string(),
        ),
        (
            "loop.sdd",
            "a symbolic link that cannot be followed: ".to_string(),
        ),
        ("socket.sdd", special.clone()),
    ];
    let memory = Path::new("/proc/self/mem");
    if let (true, Err(e)) = (memory.is_file(), std::fs::read(memory)) {
        symlink(memory, estate.join("memory.sdd")).unwrap();
        unreadable.push(("memory.sdd", e.to_string()));
    }
    let fifo = Command::new("mkfifo").arg(estate.join("pipe.sdd")).status();
    if fifo.is_ok_and(|s| s.success()) {
        unreadable.push(("pipe.sdd", special));
    }
    let says = |why: &str| format!("cannot read this file: {why}");
    let rich = sdd(&["check", "estate"], &dir, "UTC");
    assert_eq!(rich.status.code(), Some(1), "{}", text(&rich));
    let files = readable + unreadable.len();
    assert!(
        text(&rich).contains(&format!("{files} files checked")) && text(&rich).contains("SDD209"),
        "{}",
        text(&rich)
    );
    let short = sdd(&["check", "estate", "--format", "short"], &dir, "UTC");
    assert_eq!(short.status.code(), Some(1), "{}", text(&short));
    for (file, why) in &unreadable {
        let line = format!("estate/{file}:1:1: error[SDD002]: {}", says(why));
        assert!(
            text(&rich).contains(&format!("estate/{file}:1:1")),
            "{file}"
        );
        assert!(text(&rich).contains(&says(why)), "{file}: {}", text(&rich));
        assert!(text(&short).contains(&line), "{line}: {}", text(&short));
    }
    assert!(text(&short).contains("error[SDD209]"), "{}", text(&short));
    let json = sdd(&["check", "estate", "--format", "json"], &dir, "UTC");
    assert_eq!(json.status.code(), Some(1), "{}", text(&json));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("a JSON document");
    let json = json.as_array().expect("an array of diagnostics");
    let sarif = sdd(&["check", "estate", "--format", "sarif"], &dir, "UTC");
    assert_eq!(sarif.status.code(), Some(1), "{}", text(&sarif));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("a SARIF log");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    for (file, why) in &unreadable {
        let name = format!("estate/{file}");
        assert!(
            json.iter().any(|d| d["code"] == "SDD002"
                && d["file"] == name.as_str()
                && d["message"].as_str().unwrap().contains(&says(why))),
            "{name}: {json:?}"
        );
        assert!(
            results.iter().any(|r| r["ruleId"] == "SDD002"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == name.as_str()
                && r["message"]["text"].as_str().unwrap().contains(&says(why))),
            "{name}: {results:?}"
        );
    }
    assert!(json.iter().any(|d| d["code"] == "SDD209"));
    assert!(results.iter().any(|r| r["ruleId"] == "SDD209"));
    let build = sdd(&["build", "estate", "-o", "out"], &dir, "UTC");
    assert_eq!(build.status.code(), Some(1), "{}", text(&build));
    assert!(text(&build).contains("nothing written") && !dir.join("out").exists());
    let graph = sdd(&["graph", "estate"], &dir, "UTC");
    assert_eq!(graph.status.code(), Some(1), "{}", text(&graph));
    let warning = String::from_utf8_lossy(&graph.stderr);
    assert!(
        warning.contains(&format!("{} files could not be read", unreadable.len()))
            && unreadable.iter().all(|(file, _)| warning.contains(file)),
        "{warning}"
    );
    if let Some((file, why)) = unreadable.iter().find(|(file, _)| *file == "memory.sdd") {
        let named = sdd(
            &["check", "estate/memory.sdd", "--format", "short"],
            &dir,
            "UTC",
        );
        assert_eq!(named.status.code(), Some(1), "{}", text(&named));
        let line = format!("estate/{file}:1:1: error[SDD002]: {}", says(why));
        assert!(text(&named).contains(&line), "{}", text(&named));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Make, below `dir`, a folder whose path is longer than the system takes (`PATH_MAX`: 4,096
/// bytes on Linux): each level made from the one above, the deepest cannot be listed, by root
/// either. Returns the first level.
#[cfg(unix)]
fn folder_too_deep_to_list(dir: &Path) -> PathBuf {
    let name = "d".repeat(250);
    let levels = format!(
        "i=0; while [ $i -lt 20 ]; do mkdir {name} && cd {name} 2>/dev/null || exit 0; i=$((i+1)); done"
    );
    let made = Command::new("sh")
        .args(["-c", &levels])
        .current_dir(dir)
        .status();
    assert!(made.is_ok(), "sh runs");
    dir.join(name)
}

/// A folder of the estate that cannot be listed (too deep for the system) is an SDD002 named
/// after the folder with a `/`, saying why, and the rest is still checked: exit 1, in every
/// format; the folder's place is no file checked.
#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_listed_is_an_sdd002_and_the_rest_is_still_checked() {
    let dir = scratch("deep");
    let estate = dir.join("estate");
    copy_tree(&examples().join("broken/sdd209-quorum-not-met"), &estate);
    let files = std::fs::read_dir(&estate).unwrap().count();
    let top = folder_too_deep_to_list(&estate);
    let json = sdd(&["check", "estate", "--format", "json"], &dir, "UTC");
    assert_eq!(json.status.code(), Some(1), "{}", text(&json));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("a JSON document");
    let json = json.as_array().expect("an array of diagnostics");
    let sdd002: Vec<&serde_json::Value> = json.iter().filter(|d| d["code"] == "SDD002").collect();
    assert_eq!(sdd002.len(), 1, "{json:?}");
    let folder = sdd002[0]["file"].as_str().unwrap();
    assert!(
        folder.starts_with("estate/ddd") && folder.ends_with("d/"),
        "{folder}"
    );
    let why = std::fs::read_dir(dir.join(folder)).expect_err("too deep to list");
    assert_eq!(
        sdd002[0]["message"],
        format!("cannot list this folder: {why}").as_str()
    );
    assert!(json.iter().any(|d| d["code"] == "SDD209"), "{json:?}");
    let sarif = sdd(&["check", "estate", "--format", "sarif"], &dir, "UTC");
    assert_eq!(sarif.status.code(), Some(1), "{}", text(&sarif));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("a SARIF log");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "SDD002"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == folder));
    let short = sdd(&["check", "estate", "--format", "short"], &dir, "UTC");
    assert_eq!(short.status.code(), Some(1), "{}", text(&short));
    let line = format!("{folder}:1:1: error[SDD002]: cannot list this folder: {why}");
    assert!(text(&short).contains(&line), "{}", text(&short));
    let rich = sdd(&["check", "estate"], &dir, "UTC");
    assert_eq!(rich.status.code(), Some(1), "{}", text(&rich));
    assert!(
        text(&rich).contains(&format!("{files} files checked: 2 errors")),
        "{}",
        text(&rich)
    );
    std::fs::remove_dir_all(&top).unwrap();
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
