//! `sdd fmt` end to end: in-place formatting, `--check`, refused files left untouched, exit
//! codes, and the bundled examples already in the canonical layout.

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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MESSY: &str = "person   bob{name:\"Bob\" // who\n roles:[a,b]}\n";
const TIDY: &str = "person bob {\n  name: \"Bob\" // who\n  roles: [a, b]\n}\n";
const BROKEN: &str = "person carol {\n  name: \n}\n";

fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::write(dir.join("messy.sdd"), MESSY).unwrap();
    std::fs::write(dir.join("nested/tidy.sdd"), TIDY).unwrap();
    std::fs::write(dir.join(".hidden/skipped.sdd"), MESSY).unwrap();
    std::fs::write(dir.join("notes.txt"), MESSY).unwrap();
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn check_lists_what_would_change_and_writes_nothing() {
    let dir = workspace("check");
    let out = sdd(&["fmt", "--check"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "messy.sdd\n");
    assert!(stderr(&out).contains("1 of 2 files would be reformatted"));
    assert_eq!(read(&dir, "messy.sdd"), MESSY);

    let out = sdd(&["fmt"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "messy.sdd\n");
    assert_eq!(read(&dir, "messy.sdd"), TIDY);
    assert_eq!(read(&dir, "nested/tidy.sdd"), TIDY);
    assert_eq!(
        read(&dir, ".hidden/skipped.sdd"),
        MESSY,
        "hidden folders are skipped"
    );
    assert_eq!(read(&dir, "notes.txt"), MESSY);

    let out = sdd(&["fmt", "--check", "."], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn files_with_syntax_errors_are_refused_and_left_untouched() {
    let dir = workspace("refuse");
    std::fs::write(dir.join("broken.sdd"), BROKEN).unwrap();
    let out = sdd(&["fmt"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("broken.sdd:2:") && err.contains("error[SDD001]"),
        "{err}"
    );
    assert!(
        err.contains("broken.sdd: 1 syntax error; fix it before formatting; left unchanged"),
        "{err}"
    );
    assert_eq!(read(&dir, "broken.sdd"), BROKEN);
    // The other files are still formatted.
    assert_eq!(read(&dir, "messy.sdd"), TIDY);

    let out = sdd(&["fmt", "--check", "broken.sdd"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");

    std::fs::write(dir.join("latin1.sdd"), b"person x { name: \"caf\xe9\" }\n").unwrap();
    let out = sdd(&["fmt", "latin1.sdd"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("latin1.sdd: left unchanged"),
        "{}",
        stderr(&out)
    );
    // A file `check` keeps out as not text is the same SDD002 here, where it points.
    std::fs::write(dir.join("nul.sdd"), b"person x {\n  name: \"a\0b\"\n}\n").unwrap();
    for (file, why) in [
        (
            "latin1.sdd",
            "latin1.sdd:1:22: error[SDD002]: not a UTF-8 text file",
        ),
        (
            "nul.sdd",
            "nul.sdd:1:1: error[SDD002]: not a UTF-8 text file: it contains NUL",
        ),
    ] {
        let out = sdd(&["fmt", file], &dir);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
        let check = sdd(&["check", "--format", "short", file], &dir);
        assert!(stdout(&check).contains(why), "{}", stdout(&check));
    }
    assert_eq!(
        std::fs::read(dir.join("nul.sdd")).unwrap(),
        b"person x {\n  name: \"a\0b\"\n}\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_paths_are_io_errors() {
    let dir = workspace("missing");
    let out = sdd(&["fmt", "no-such-folder", "messy.sdd"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-folder: no such file or folder"));
    // What could be read is still formatted.
    assert_eq!(read(&dir, "messy.sdd"), TIDY);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A pipe named on the command line is refused, not opened: opening it would wait for a
/// writer forever. A dangling symbolic link is named as one, and so is a link to a device.
/// Both `fmt` and `check` say so, whether the file is named (a mistake in the command, exit 2)
/// or found in a folder (an SDD002, exit 1).
#[cfg(unix)]
#[test]
fn pipes_and_dangling_links_are_refused_with_what_they_are() {
    let dir = workspace("special");
    let fifo = dir.join("pipe.sdd");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::os::unix::fs::symlink(dir.join("gone.sdd"), dir.join("dangling.sdd")).unwrap();
    std::os::unix::fs::symlink("/dev/null", dir.join("device.sdd")).unwrap();
    let refusals = [
        (
            "pipe.sdd",
            "pipe.sdd: not a regular file or folder (a pipe, a device or a socket is not read)",
        ),
        (
            "dangling.sdd",
            "dangling.sdd: a symbolic link to nothing that exists",
        ),
        (
            "device.sdd",
            "device.sdd: a symbolic link to something that is not a regular file or folder",
        ),
    ];
    for command in ["fmt", "check"] {
        for (file, says) in refusals {
            let out = sdd(&[command, file], &dir);
            assert_eq!(out.status.code(), Some(2), "{command} {file}");
            assert!(stderr(&out).contains(says), "{command}: {}", stderr(&out));
        }
    }
    // Inside a folder, each is a file of the estate that cannot be read, not one left out
    // unsaid: each is named with the SDD002 `sdd check` gives it (exit 1, as for a file that
    // is not text), and `fmt` still formats the rest.
    let out = sdd(&["fmt", "."], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for (file, why) in [
        (
            "pipe.sdd",
            "not a regular file (a pipe, a device or a socket is not read)",
        ),
        ("dangling.sdd", "a symbolic link to nothing that exists"),
        (
            "device.sdd",
            "a symbolic link to something that is not a regular file",
        ),
    ] {
        let line = format!("{file}:1:1: error[SDD002]: cannot read this file: {why}");
        assert!(stderr(&out).contains(&line), "{line}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("{file}: left unchanged")));
    }
    assert!(
        stderr(&out).contains("1 of 5 files reformatted, 3 refused"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir, "messy.sdd"), TIDY);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn permissions_and_symbolic_links_survive() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace("perms");
    let file = dir.join("messy.sdd");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&file, dir.join("nested/link.sdd")).unwrap();
    let out = sdd(&["fmt", "nested/link.sdd"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(dir.join("nested/link.sdd"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read(&dir, "messy.sdd"), TIDY);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_examples_are_in_the_canonical_layout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = sdd(&["fmt", "--check", "examples"], root);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// `sdd fmt` replaces a file by a new one; run as root (a CI job over a developer's checkout)
/// the new file keeps the old one's owner and group, not root's.
#[cfg(unix)]
#[test]
fn a_formatted_file_keeps_its_owner() {
    use std::os::unix::fs::MetadataExt;
    let dir = workspace("owner");
    let file = dir.join("messy.sdd");
    if std::fs::metadata(&file).unwrap().uid() != 0 {
        eprintln!("not root: another user's file cannot be made here");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    let out = sdd(&["fmt", "messy.sdd"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&dir, "messy.sdd"), TIDY);
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!((after.uid(), after.gid()), (65534, 65534));
    let _ = std::fs::remove_dir_all(&dir);
}
