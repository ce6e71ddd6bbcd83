//! The `sdd` command line end to end: exit codes, output formats, `approve` and `--ready`.

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

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn temp_estate(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(&root().join("examples"), &dir);
    let _ = std::fs::remove_dir_all(dir.join("broken"));
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_dir() {
            copy(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn check_exit_codes() {
    let ok = sdd(&["check", "examples"], &root());
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    // The repository root, where an editor's default root (the git root) lands: the test
    // fixtures hold a `.sddignore`, so only the examples are read.
    let repo = sdd(&["check", "."], &root());
    assert_eq!(repo.status.code(), Some(0), "{}", text(&repo));
    assert!(text(&repo).contains("17 files checked"), "{}", text(&repo));
    let missing = sdd(&["check", "no-such-folder"], &root());
    assert_eq!(missing.status.code(), Some(2));
    let usage = sdd(&["check", "--format", "xml"], &root());
    assert_eq!(usage.status.code(), Some(2));

    let dir = std::env::temp_dir().join(format!("sdd-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.sdd"), "person bob {\n  name: 42\n}\n").unwrap();
    let bad = sdd(&["check"], &dir);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "no path checks the current folder: {}",
        text(&bad)
    );
    let short = sdd(&["check", "--format", "short"], &dir);
    assert!(
        String::from_utf8_lossy(&short.stdout).starts_with("bad.sdd:2:9: error[SDD103]:"),
        "{}",
        text(&short)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = std::env::temp_dir().join(format!("sdd-cli-warn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("w.sdd"),
        "person bob { name: \"Bob\" }\nasset old { version: 1.0.0 domain: network kind: template owner: @bob status: deprecated }\nasset new { version: 1.0.0 domain: network kind: template owner: @bob status: active requires: [old \"^1\"] }\n",
    )
    .unwrap();
    let plain = sdd(&["check"], &dir);
    let strict = sdd(&["check", "--deny-warnings"], &dir);
    let out = text(&plain);
    assert!(
        out.contains("SDD403"),
        "requiring a deprecated asset is a warning: {out}"
    );
    assert_eq!(plain.status.code(), Some(0), "warnings alone pass: {out}");
    assert_eq!(
        strict.status.code(),
        Some(1),
        "--deny-warnings fails on them"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_output_is_json_with_ranges() {
    let dir = std::env::temp_dir().join(format!("sdd-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.sdd"),
        "person bob { name: \"Bøb\" roles: [lead] }\n",
    )
    .unwrap();
    let out = sdd(&["check", "--format", "json"], &dir);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let first = &value[0];
    assert_eq!(first["code"], "SDD101");
    assert_eq!(first["file"], "a.sdd");
    assert_eq!(first["range"]["start"]["line"], 1);
    assert_eq!(
        first["range"]["start"]["column"], 34,
        "columns count characters, not bytes"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_knows_every_code() {
    for code in sdd::codes::Code::ALL {
        let out = sdd(&["explain", code.as_str()], &root());
        assert_eq!(out.status.code(), Some(0));
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(
            shown.starts_with(&format!("{}: {}", code, code.title())),
            "{shown}"
        );
        assert!(shown.contains("Example"), "{code} has an example");
    }
    assert_eq!(sdd(&["explain", "SDD999"], &root()).status.code(), Some(2));
}

/// Remove the `gate NAME { … }` block of an engagement text; returns the new text.
fn without_gate(text: &str, gate: &str) -> String {
    let start = text
        .find(&format!("  gate {gate} {{"))
        .expect("gate present");
    let end = start + text[start..].find("}\n").unwrap() + 2;
    let before = text[..start].trim_end_matches([' ', '\n']);
    format!("{before}\n{}", &text[end..])
}

#[test]
fn approve_writes_only_the_gate_block_and_refuses_what_it_must() {
    let dir = temp_estate("approve");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();

    // Without its design gate the engagement is only specified; a lead records it again.
    let stripped = without_gate(&original, "design");
    std::fs::write(&file, &stripped).unwrap();
    let owner = sdd(
        &[
            "approve",
            "dc2-edge-bgp-peering",
            "--gate",
            "design",
            "--by",
            "@aisha",
            "--on",
            "2026-08-24",
            "--estate",
            ".",
        ],
        &dir,
    );
    assert_eq!(owner.status.code(), Some(1), "{}", text(&owner));
    assert!(text(&owner).contains("refused"), "{}", text(&owner));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        stripped,
        "a refusal writes nothing"
    );

    let ok = sdd(
        &[
            "approve",
            "dc2-edge-bgp-peering",
            "--gate",
            "design",
            "--by",
            "@marcus",
            "--on",
            "2026-08-24",
            "--estate",
            ".",
        ],
        &dir,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let after = std::fs::read_to_string(&file).unwrap();
    let start = after.find("  gate design {").unwrap();
    let end = start + after[start..].find("}\n").unwrap() + 2;
    assert_eq!(
        &after[..start].trim_end(),
        &stripped[..start].trim_end(),
        "bytes before the gate are kept"
    );
    assert!(
        stripped.ends_with(&after[end..]),
        "bytes after the gate are kept"
    );
    let second = sdd(
        &[
            "approve",
            "dc2-edge-bgp-peering",
            "--gate",
            "design",
            "--by",
            "@priya",
            "--on",
            "2026-08-24",
            "--estate",
            ".",
        ],
        &dir,
    );
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    assert_eq!(
        sdd(&["check", "."], &dir).status.code(),
        Some(0),
        "quorum of two met again"
    );

    // A comment changes no fingerprint; a design change makes the approval stale, and
    // re-approval then needs --replace and a new quorum.
    let commented = std::fs::read_to_string(&file).unwrap().replacen(
        "  design {\n",
        "  design {\n    // reviewed\n",
        1,
    );
    std::fs::write(&file, &commented).unwrap();
    assert_eq!(sdd(&["check", "."], &dir).status.code(), Some(0));
    let component = commented.find("    component ").expect("a component");
    let title = component + commented[component..].find('"').unwrap() + 1;
    let changed = format!("{}Revised: {}", &commented[..title], &commented[title..]);
    std::fs::write(&file, &changed).unwrap();
    let stale = sdd(&["check", "."], &dir);
    assert_eq!(stale.status.code(), Some(1));
    assert!(text(&stale).contains("SDD204"), "{}", text(&stale));
    let args = [
        "approve",
        "dc2-edge-bgp-peering",
        "--gate",
        "design",
        "--by",
        "@marcus",
        "--on",
        "2026-08-25",
        "--estate",
        ".",
    ];
    let refused = sdd(&args, &dir);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("--replace"), "{}", text(&refused));
    let mut replace = args.to_vec();
    replace.push("--replace");
    assert_eq!(sdd(&replace, &dir).status.code(), Some(0));
    let quorum = sdd(&["check", "."], &dir);
    assert!(
        text(&quorum).contains("SDD209"),
        "one approver of two: {}",
        text(&quorum)
    );
    let second = [
        "approve",
        "dc2-edge-bgp-peering",
        "--gate",
        "design",
        "--by",
        "@priya",
        "--on",
        "2026-08-25",
        "--estate",
        ".",
    ];
    assert_eq!(sdd(&second, &dir).status.code(), Some(0));
    assert_eq!(sdd(&["check", "."], &dir).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ready_reports_unmet_criteria() {
    let dir = temp_estate("ready");
    let ready = sdd(
        &[
            "check",
            ".",
            "--ready",
            "design",
            "campus-vlan-rollout-bldg4",
        ],
        &dir,
    );
    assert_eq!(ready.status.code(), Some(0), "{}", text(&ready));
    let drafting = sdd(
        &["check", ".", "--ready", "design", "dc3-evpn-vlan-stretch"],
        &dir,
    );
    assert_eq!(drafting.status.code(), Some(1), "{}", text(&drafting));
    assert!(
        text(&drafting).contains("Gate 1 (spec) does not hold"),
        "{}",
        text(&drafting)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Run `sdd` with its standard output a pipe whose reader has gone, as `sdd … | head`
/// leaves it once `head` has read its lines.
fn sdd_with_closed_reader(args: &[&str], dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sdd"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sdd runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("sdd ends")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `sdd check | head`: the reader goes long before the report ends (it is far larger than a
/// pipe holds). No panic, and the exit code still says what the check found.
#[test]
fn a_reader_that_goes_is_no_crash_and_keeps_the_exit_code() {
    let dir = scratch("closed-reader");
    let persons: String = (0..2000)
        .map(|i| format!("person p{i} {{\n  name: {i}\n}}\n"))
        .collect();
    std::fs::write(dir.join("people.sdd"), persons).unwrap();
    for format in ["rich", "short", "json", "sarif"] {
        let run = sdd_with_closed_reader(&["check", "--format", format, "."], &dir);
        assert_eq!(run.status.code(), Some(1), "{format}: {}", text(&run));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sdd fmt . | head`: every file is still formatted after the reader of the list of
/// reformatted files has gone.
#[test]
fn fmt_formats_every_file_when_its_reader_goes() {
    let dir = scratch("fmt-closed-reader");
    for i in 0..3000 {
        let name = format!("a-long-file-name-so-the-list-outgrows-a-pipe-{i:04}.sdd");
        std::fs::write(dir.join(name), format!("person p{i} {{name:\"P\"}}\n")).unwrap();
    }
    let run = sdd_with_closed_reader(&["fmt", "."], &dir);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(!String::from_utf8_lossy(&run.stderr).contains("panicked"));
    let check = sdd(&["fmt", "--check", "."], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write that fails for another reason (a full disk behind `> report.json`) is an error:
/// a pipeline must not take a cut-off report for a whole one.
#[test]
fn a_failed_write_of_the_output_is_exit_code_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    let run = Command::new(env!("CARGO_BIN_EXE_sdd"))
        .args(["check", "--format", "json", "examples"])
        .current_dir(root())
        .stdout(full)
        .output()
        .expect("sdd runs");
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("error: cannot write to the standard output"),
        "{stderr}"
    );
}

/// `sdd approve dc2-edge-bgp-peering --gate design --by BY --on 2026-08-24` in `dir`.
fn approve_design(dir: &Path, by: &str) -> Output {
    approve_design_on(dir, by, "2026-08-24")
}

/// `sdd approve dc2-edge-bgp-peering --gate design --by BY --on ON` in `dir`.
fn approve_design_on(dir: &Path, by: &str, on: &str) -> Output {
    let args = [
        "approve",
        "dc2-edge-bgp-peering",
        "--gate",
        "design",
        "--by",
        by,
    ];
    sdd(&[&args[..], &["--on", on, "--estate", "."]].concat(), dir)
}

/// `sdd approve ENGAGEMENT --gate GATE --by BY --on ON [EXTRA…] --estate .` in `dir`.
fn approve_at(
    dir: &Path,
    engagement: &str,
    gate: &str,
    by: &str,
    on: &str,
    extra: &[&str],
) -> Output {
    let args = [
        "approve", engagement, "--gate", gate, "--by", by, "--on", on,
    ];
    sdd(&[&args[..], extra, &["--estate", "."]].concat(), dir)
}

/// In a file with `\r\n` line ends (a Windows checkout), `sdd approve` writes its block with
/// them too, whether it inserts the block or rewrites it: a file never gets mixed line ends.
#[test]
fn approve_keeps_the_files_line_ends() {
    let dir = temp_estate("approve-crlf");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        without_gate(&original, "design").replace('\n', "\r\n"),
    )
    .unwrap();
    for by in ["@marcus", "@priya"] {
        let run = approve_design(&dir, by);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run));
        let after = std::fs::read_to_string(&file).unwrap();
        assert!(after.contains("gate design {\r\n"), "{by}: no block?");
        let lone = after.matches('\n').count() - after.matches("\r\n").count();
        assert_eq!(lone, 0, "{by} left {lone} lines ending in a bare \\n");
    }
    let check = sdd(&["check", "."], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Gate 2 needs Gate 1: with no spec approval, or a stale one, `approve --gate design` is
/// refused as `--ready design` reports, and nothing is written.
#[test]
fn a_design_approval_is_refused_while_gate_1_does_not_hold() {
    let dir = temp_estate("approve-no-gate1");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    let no_design = without_gate(&original, "design");
    let stale_spec = no_design.replacen("priority: must", "priority: should", 1);
    assert_ne!(stale_spec, no_design, "a requirement to edit");
    for (what, content) in [
        ("no gate spec", without_gate(&no_design, "spec")),
        ("a stale gate spec", stale_spec),
    ] {
        std::fs::write(&file, &content).unwrap();
        let ready = sdd(
            &["check", "--ready", "design", "dc2-edge-bgp-peering", "."],
            &dir,
        );
        assert_eq!(ready.status.code(), Some(1), "{what}: {}", text(&ready));
        assert!(
            text(&ready).contains("Gate 1 (spec) does not hold"),
            "{what}"
        );
        let run = approve_design(&dir, "@marcus");
        assert_eq!(run.status.code(), Some(1), "{what}: {}", text(&run));
        assert!(text(&run).contains("Gate 1 (spec) does not hold"), "{what}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), content, "{what}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sdd approve` edits the file in place as an editor would: a symbolic link stays a link
/// (the file it points to gets the approval) and a private file stays private.
#[cfg(unix)]
#[test]
fn approve_follows_a_symbolic_link_and_keeps_the_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_estate("approve-link");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    let real = dir.join("kept-elsewhere.txt");
    std::fs::write(&real, without_gate(&original, "design")).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&real, &file).unwrap();
    let run = approve_design(&dir, "@marcus");
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let link = std::fs::symlink_metadata(&file).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("gate design {"));
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "permissions {mode:o}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file reached by two paths (a folder and one inside it, `./x.sdd` and `x.sdd`) is one
/// file: read once, so it is not declared twice, and formatted once.
#[test]
fn a_file_named_twice_is_read_once() {
    let examples = root().join("examples");
    for args in [
        &["check", ".", "engagements"][..],
        &["check", "./people.sdd", "people.sdd", "."],
        &[
            "build",
            ".",
            "engagements",
            "-o",
            "../target/sdd-named-twice",
        ],
    ] {
        let run = sdd(args, &examples);
        assert_eq!(run.status.code(), Some(0), "{args:?}: {}", text(&run));
    }
    let once = text(&sdd(&["fmt", "--check", "."], &examples));
    let twice = text(&sdd(&["fmt", "--check", ".", "engagements"], &examples));
    assert!(once.contains(" files would be reformatted"), "{once}");
    assert_eq!(twice, once);
    let _ = std::fs::remove_dir_all(root().join("target/sdd-named-twice"));
}

/// A name declared twice (SDD102) is not resolved by picking the first: `approve`,
/// `fingerprint` and `--ready` refuse an engagement or an approver declared twice.
#[test]
fn commands_on_one_declaration_refuse_a_name_declared_twice() {
    let dir = temp_estate("declared-twice");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, without_gate(&original, "design")).unwrap();
    // An approver declared twice: the second `marcus` could hold any role.
    std::fs::write(dir.join("zz.sdd"), "person marcus { name: \"Other\" }\n").unwrap();
    let run = approve_design(&dir, "@marcus");
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("`marcus` is declared more than once"));
    // The engagement declared twice.
    std::fs::remove_file(dir.join("zz.sdd")).unwrap();
    std::fs::write(dir.join("zz.sdd"), &original).unwrap();
    let run = approve_design(&dir, "@marcus");
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("`dc2-edge-bgp-peering` is declared more than once"));
    let fingerprint = sdd(
        &["fingerprint", "dc2-edge-bgp-peering", "--estate", "."],
        &dir,
    );
    assert_eq!(fingerprint.status.code(), Some(2), "{}", text(&fingerprint));
    let ready = sdd(
        &["check", "--ready", "spec", "dc2-edge-bgp-peering", "."],
        &dir,
    );
    // Not ready (exit 1), as `approve` refuses it: not a mistake in the command.
    assert_eq!(ready.status.code(), Some(1), "{}", text(&ready));
    assert!(text(&ready).contains("declared more than once"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An approval cannot predate what it approves: `--on` before the engagement was opened, or
/// a design approval before Gate 1, is refused (the check would fault it as SDD208).
#[test]
fn approve_refuses_a_date_before_the_engagement_or_gate_1() {
    let dir = temp_estate("approve-early");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let stripped = without_gate(&std::fs::read_to_string(&file).unwrap(), "design");
    std::fs::write(&file, &stripped).unwrap();
    // Opened 2026-08-03; Gate 1 approved on 2026-08-10.
    for (on, what) in [
        ("2026-08-01", "the engagement was opened"),
        ("2026-08-05", "Gate 1"),
    ] {
        let run = approve_design_on(&dir, "@marcus", on);
        assert_eq!(run.status.code(), Some(1), "{on}: {}", text(&run));
        assert!(
            text(&run).contains(&format!("dated before {what}")),
            "{}",
            text(&run)
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), stripped, "{on}");
    }
    assert_eq!(approve_design(&dir, "@marcus").status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sdd approve` keeps the author's comments: one at the end of the entry the new gate
/// follows stays on that entry's line, and those inside a gate it rewrites stay in the gate.
#[test]
fn approve_keeps_comments_where_they_were() {
    let dir = temp_estate("approve-comments");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    let stripped = without_gate(&original, "design");
    // The design block is the last entry before where Gate 2 goes.
    let design_end = stripped.find("\n  build {").expect("a build block");
    let close = stripped[..design_end].rfind("  }").unwrap() + 3;
    let commented = format!(
        "{} // reviewed with the NOC{}",
        &stripped[..close],
        &stripped[close..]
    );
    std::fs::write(&file, &commented).unwrap();

    let ok = approve_design(&dir, "@marcus");
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("  } // reviewed with the NOC\n\n  gate design {\n"),
        "{after}"
    );

    // A comment inside the gate survives the gate being written again with a second approver.
    let noted = after.replace("  gate design {\n", "  gate design {\n    // CAB-2291\n");
    std::fs::write(&file, &noted).unwrap();
    let second = approve_design(&dir, "@priya");
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    let after = std::fs::read_to_string(&file).unwrap();
    let gate = &after[after.find("  gate design {").unwrap()..];
    let gate = &gate[..gate.find("\n  }").unwrap()];
    assert!(gate.contains("\n    // CAB-2291\n"), "{gate}");
    assert!(gate.contains("approved_by: [@marcus, @priya]"), "{gate}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A gate inserted into an engagement written on one line is indented one level below it,
/// and the engagement's `}` closes on a line of its own.
#[test]
fn approve_indents_a_gate_in_a_one_line_engagement() {
    let dir = std::env::temp_dir().join(format!("sdd-cli-one-line-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let head = "person priya { name: \"Priya Raman\" roles: [network-lead] }\n\
        person aisha { name: \"Aisha Bello\" }\n\
        role network-lead { approves: [spec] domains: [network] }\n\
        profile p { domain: network }\n";
    let engagement = "engagement e { profile: p title: \"T\" owner: @aisha opened: 2026-09-01 \
        requirements { requirement R1 \"x\" { priority: must acceptance: \"y\" } } }\n";
    std::fs::write(dir.join("e.sdd"), format!("{head}{engagement}")).unwrap();
    let args = ["approve", "e", "--gate", "spec", "--by", "@priya"];
    let out = sdd(
        &[&args[..], &["--on", "2026-09-03", "--estate", "."]].concat(),
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = std::fs::read_to_string(dir.join("e.sdd")).unwrap();
    assert!(
        after.contains("acceptance: \"y\" } }\n\n  gate spec {\n    approved_by: @priya\n"),
        "{after}"
    );
    assert!(after.ends_with("\"\n  }\n}\n"), "{after}");
    let check = sdd(&["check", "."], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A command told of a name it cannot find says when the estate has files it could not read
/// (here one saved with old Mac line ends), since the name may be declared in one of them.
#[test]
fn a_name_not_found_points_at_the_files_that_could_not_be_read() {
    let dir = temp_estate("skipped-file");
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    let mac = original.replace('\n', "\r");
    std::fs::write(&file, &mac).unwrap();
    // A name not found is a mistake in the command: exit 2, as for every command.
    let run = approve_design(&dir, "@marcus");
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(
        text(&run).contains(
            "no engagement `dc2-edge-bgp-peering` in the estate (it may be in \
             engagements/network-provisioning/dc2-edge-bgp-peering.sdd, which could not be read"
        ),
        "{}",
        text(&run)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), mac, "left alone");
    let fingerprint = sdd(
        &["fingerprint", "dc2-edge-bgp-peering", "--estate", "."],
        &dir,
    );
    assert_eq!(fingerprint.status.code(), Some(2), "{}", text(&fingerprint));
    assert!(text(&fingerprint).contains("which could not be read"));
    // With every file readable, a name not found is only that.
    std::fs::write(&file, &original).unwrap();
    let ready = sdd(
        &["check", "--ready", "spec", "no-such-engagement", "."],
        &dir,
    );
    assert_eq!(ready.status.code(), Some(2), "{}", text(&ready));
    assert!(text(&ready).contains("no engagement `no-such-engagement` in the estate"));
    assert!(
        !text(&ready).contains("could not be read"),
        "{}",
        text(&ready)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Content with errors is not ready and gets no fingerprint: `--ready` lists the error,
/// `approve` refuses and leaves the file alone, `fingerprint` prints none (exit 2). Before,
/// an invalid VLAN was "ready", was approved, and then failed the check.
#[test]
fn content_with_errors_is_not_ready_and_gets_no_fingerprint() {
    let dir = temp_estate("content-errors");
    let file = dir.join("engagements/network-provisioning/dc3-evpn-vlan-stretch.sdd");
    let original = std::fs::read_to_string(&file).unwrap();
    let invalid = original.replacen("vlans: [1410, 1411]", "vlans: [1410, 5000]", 1);
    assert_ne!(invalid, original);
    std::fs::write(&file, &invalid).unwrap();
    let ready = sdd(
        &["check", "--ready", "spec", "dc3-evpn-vlan-stretch", "."],
        &dir,
    );
    assert_eq!(ready.status.code(), Some(1), "{}", text(&ready));
    assert!(text(&ready).contains("VLAN 5000 is outside 1–4094 [SDD103]"));
    let approve_spec = || {
        sdd(
            &[
                "approve",
                "dc3-evpn-vlan-stretch",
                "--gate",
                "spec",
                "--by",
                "@priya",
                "--on",
                "2026-11-20",
                "--estate",
                ".",
            ],
            &dir,
        )
    };
    let approve = approve_spec();
    assert_eq!(approve.status.code(), Some(1), "{}", text(&approve));
    assert!(text(&approve).contains("not ready: not a valid vlan"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), invalid);
    let fingerprint = sdd(
        &["fingerprint", "dc3-evpn-vlan-stretch", "--estate", "."],
        &dir,
    );
    assert_eq!(fingerprint.status.code(), Some(2), "{}", text(&fingerprint));
    assert!(text(&fingerprint).contains("cannot fingerprint `dc3-evpn-vlan-stretch`"));
    assert!(!text(&fingerprint).contains("sha256:"));
    // A misspelt profile: one reason, the unknown profile, and no word on authority.
    let misspelt = original.replacen(
        "profile: network-provisioning",
        "profile: network-provisionin",
        1,
    );
    std::fs::write(&file, &misspelt).unwrap();
    let approve = approve_spec();
    assert_eq!(approve.status.code(), Some(1), "{}", text(&approve));
    assert!(
        text(&approve).contains("network-provisionin"),
        "{}",
        text(&approve)
    );
    assert!(!text(&approve).contains("authority"), "{}", text(&approve));
    // With the errors fixed, the engagement is ready again.
    std::fs::write(&file, &original).unwrap();
    let ready = sdd(
        &["check", "--ready", "spec", "dc3-evpn-vlan-stretch", "."],
        &dir,
    );
    assert_eq!(ready.status.code(), Some(0), "{}", text(&ready));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A design approval after the build started (SDD203's fix) is recorded with a warning that
/// the check reports the build's date until the build records its restart.
#[test]
fn an_approval_after_the_build_started_is_recorded_with_a_warning() {
    let dir = scratch("approval-after-build");
    copy(
        &root().join("examples/broken/sdd203-build-without-design-gate"),
        &dir,
    );
    let run = approve_at(
        &dir,
        "aws-payments-sandbox-account",
        "design",
        "@kenji",
        "2026-11-20",
        &[],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("warning: the build started on 2026-11-09, before this approval"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_spec_approved_again_leaves_the_design_approval_stale_once_with_a_warning() {
    let dir = scratch("spec-again-over-design");
    copy(&root().join("examples"), &dir);
    std::fs::remove_dir_all(dir.join("broken")).unwrap();
    let file = dir.join("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let source = std::fs::read_to_string(&file).unwrap();
    let edited = source.replacen("nothing else\"", "nothing else at all\"", 1);
    assert_ne!(source, edited);
    std::fs::write(&file, edited).unwrap();
    let run = approve_at(
        &dir,
        "dc2-edge-bgp-peering",
        "spec",
        "@priya",
        "2026-12-01",
        &["--replace"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("warning: gate design, approved on 2026-08-24, rests on the spec approval"),
        "{stderr}"
    );
    // One error: the design approval is stale. It is not also dated before Gate 1 (SDD208).
    let check = sdd(&["check", ".", "--format", "short", "--no-git"], &dir);
    let out = String::from_utf8_lossy(&check.stdout);
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(errors.len(), 1, "{out}");
    assert!(
        errors[0].contains(
            "error[SDD204]: stale approval: the spec was approved again after gate design"
        ),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_approval_dated_ahead_of_today_is_refused_and_nothing_is_written() {
    let dir = scratch("approval-ahead");
    copy(
        &root().join("examples/broken/sdd203-build-without-design-gate"),
        &dir,
    );
    let contents = || {
        let mut paths: Vec<_> = (std::fs::read_dir(&dir).unwrap())
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        (paths.into_iter())
            .map(|p| std::fs::read(p).unwrap())
            .collect::<Vec<_>>()
    };
    let before = contents();
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let run = approve_at(
        &dir,
        "aws-payments-sandbox-account",
        "design",
        "@kenji",
        &tomorrow,
        &[],
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("--on {tomorrow} is after today")),
        "{stderr}"
    );
    assert_eq!(before, contents());
    let _ = std::fs::remove_dir_all(&dir);
}
