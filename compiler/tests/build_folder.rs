//! `sdd build -o DIR`: which folder is replaced, and what is left beside it. The current
//! folder is refused, a symbolic link is followed to the folder it names, and the staging
//! folders of builds killed half way are cleared away by the next build.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn build_examples(out: &str, cwd: &Path) -> Output {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    Command::new(env!("CARGO_BIN_EXE_sdd"))
        .arg("build")
        .arg(&examples)
        .args(["-o", out])
        .current_dir(cwd)
        .output()
        .expect("sdd runs")
}

/// `sdd ARGS` run in `dir`.
fn sdd_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdd"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("sdd runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-out-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_current_folder_is_refused_and_nothing_is_left_in_it() {
    let root = scratch("here");
    let here = root.join("here");
    std::fs::create_dir_all(&here).unwrap();
    for out in [".", "../here"] {
        let run = build_examples(out, &here);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "-o {out}: {stderr}");
        assert!(stderr.contains("it is the current folder"), "{stderr}");
        assert_eq!(names(&here), Vec::<String>::new(), "-o {out}");
        assert_eq!(names(&root), ["here"], "-o {out}");
    }
    // Named from outside, the same folder is written.
    let run = build_examples("here", &root);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(names(&here), ["engagements", "estate.json"]);
    assert_eq!(names(&root), ["here"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_symbolic_link_to_the_output_stays_and_its_folder_is_replaced() {
    let root = scratch("link");
    assert!(build_examples("real", &root).status.success());
    std::os::unix::fs::symlink("real", root.join("link")).unwrap();
    let manifest = root.join("real/engagements/dc3-evpn-vlan-stretch.json");
    std::fs::remove_file(&manifest).unwrap();
    let run = build_examples("link", &root);
    assert!(run.status.success(), "{run:?}");
    let link = std::fs::symlink_metadata(root.join("link")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert!(manifest.is_file(), "the linked folder was not written");
    assert_eq!(names(&root), ["link", "real"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_staging_folders_of_killed_builds_go_and_those_of_running_builds_stay() {
    let root = scratch("leftovers");
    // The id of a process that has ended.
    let mut ended = Command::new("true").spawn().unwrap();
    ended.wait().unwrap();
    let (dead, live) = (ended.id(), std::process::id());
    for name in [
        format!(".out.new-{dead}/engagements"),
        format!(".out.old-{dead}"),
        format!(".out.new-{live}"),
        format!(".other.new-{dead}"),
        format!("notes.new-{dead}"),
    ] {
        std::fs::create_dir_all(root.join(name)).unwrap();
    }
    std::fs::write(root.join(format!(".out.new-{dead}/estate.json")), "{").unwrap();
    let run = build_examples("out", &root);
    assert!(run.status.success(), "{run:?}");
    let mut expected = vec![
        format!(".other.new-{dead}"),
        format!(".out.new-{live}"),
        format!("notes.new-{dead}"),
        "out".to_string(),
    ];
    expected.sort();
    assert_eq!(names(&root), expected);
    let _ = std::fs::remove_dir_all(&root);
}

/// Two engagements whose names differ only in case (SDD102) would write two manifests that
/// are one file on macOS and Windows: even `--allow-errors` writes nothing.
#[test]
fn manifests_that_differ_only_in_case_are_not_written() {
    let root = scratch("case");
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/cases/names/sdd102-engagement-names-differ-in-case.sdd");
    let run = Command::new(env!("CARGO_BIN_EXE_sdd"))
        .arg("build")
        .arg(&case)
        .args(["--allow-errors", "-o", "out"])
        .current_dir(&root)
        .output()
        .expect("sdd runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "refusing to write engagements/DC2-edge-acl.json and engagements/dc2-edge-acl.json"
        ),
        "{stderr}"
    );
    assert_eq!(names(&root), Vec::<String>::new(), "nothing written");
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_is_kept_and_nothing_is_left_beside_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("read-only");
    assert!(build_examples("out", &dir).status.success());
    let before = std::fs::read(dir.join("out/estate.json")).unwrap();
    std::fs::set_permissions(dir.join("out"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let again = build_examples("out", &dir);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is read-only: nothing written"), "{stderr}");
    assert_eq!(std::fs::read(dir.join("out/estate.json")).unwrap(), before);
    assert_eq!(names(&dir), ["out"], "no staging folder is left");
    std::fs::set_permissions(dir.join("out"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// An engagement name too long for a file name is SDD002; with `--allow-errors` the build is
/// refused before anything is written, naming the file it cannot make, not the output folder.
#[test]
fn an_engagement_name_too_long_for_a_file_name_is_refused_before_writing() {
    let dir = scratch("long-name");
    let name = format!("e{}", "x".repeat(299));
    std::fs::write(
        dir.join("long.sdd"),
        format!(
            "person p {{ name: \"P\" }}\nprofile pr {{ domain: network }}\n\
             engagement {name} {{ profile: pr title: \"t\" owner: @p opened: 2026-10-01 }}\n"
        ),
    )
    .unwrap();
    let run = |args: &[&str]| sdd_in(&dir, args);
    let check = run(&["check", "long.sdd", "--format", "short"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout)
        .contains("error[SDD002]: engagement name of 300 bytes"));
    let build = run(&["build", "long.sdd", "-o", "out", "--allow-errors"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a file name longer than 255 bytes"),
        "{stderr}"
    );
    assert_eq!(names(&dir), ["long.sdd"], "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An engagement named as Windows names a device (`con`, `Com1`) is SDD002, since its
/// manifest `con.json` could not be made or opened there; with `--allow-errors` the build is
/// refused before anything is written. A name that only starts like one is fine.
#[test]
fn an_engagement_named_as_a_windows_device_is_refused_before_writing() {
    let dir = scratch("device-name");
    std::fs::write(
        dir.join("con.sdd"),
        "person p { name: \"P\" }\nprofile pr { domain: network }\n\
         engagement Com1 { profile: pr title: \"t\" owner: @p opened: 2026-10-01 }\n\
         engagement console { profile: pr title: \"t\" owner: @p opened: 2026-10-01 }\n",
    )
    .unwrap();
    let run = |args: &[&str]| sdd_in(&dir, args);
    let check = run(&["check", "con.sdd", "--format", "short"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error[SDD002]: engagement name `Com1` is a device name on Windows"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("SDD002").count(),
        1,
        "`console` is no device: {stdout}"
    );
    let build = run(&["build", "con.sdd", "-o", "out", "--allow-errors"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing to write engagements/Com1.json: a device name on Windows"),
        "{stderr}"
    );
    assert_eq!(names(&dir), ["con.sdd"], "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `-o notes.txt/out`: the output's parent path runs through a file. The build names that
/// file, rather than the system's bare "File exists", and writes nothing.
#[test]
fn an_output_folder_under_a_file_names_the_file() {
    let dir = scratch("under-a-file");
    std::fs::write(dir.join("notes.txt"), "").unwrap();
    let out = build_examples("notes.txt/sub/out", &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("notes.txt is a file, so it cannot hold the folder notes.txt/sub/out"),
        "{stderr}"
    );
    assert_eq!(names(&dir), ["notes.txt"]);
    let _ = std::fs::remove_dir_all(&dir);
}
