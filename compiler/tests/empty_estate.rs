//! `sdd check`, `sdd build` and `sdd fmt` given paths that hold no `.sdd` file: a mistake in
//! the command (exit 2, nothing written), not an estate that passes. A pipeline pointed at the
//! wrong folder must fail rather than pass, or swap its manifests for an empty set.

use std::process::Command;

#[test]
fn check_and_build_refuse_paths_without_an_sdd_file() {
    let root = std::env::temp_dir().join(format!("sdd-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("specs")).unwrap();
    std::fs::write(root.join("specs/README.md"), "# not an estate\n").unwrap();
    let sdd = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sdd"))
            .args(args)
            .current_dir(&root)
            .output()
            .expect("sdd runs")
    };
    // An earlier build's manifests, which a build of nothing must not replace.
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    assert!(sdd(&["build", examples, "-o", "out"]).status.success());
    let before = std::fs::read(root.join("out/estate.json")).unwrap();

    for (args, what) in [
        (vec!["check", "specs"], "nothing to check"),
        (
            vec!["check", "--format", "short", "specs"],
            "nothing to check",
        ),
        (vec!["build", "specs", "-o", "out"], "nothing to build"),
        (vec!["fmt", "--check", "specs"], "nothing to format"),
        (vec!["fmt", "specs"], "nothing to format"),
    ] {
        let run = sdd(&args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("no .sdd file in `specs`") && stderr.contains(what),
            "{args:?}: {stderr}"
        );
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(std::fs::read(root.join("out/estate.json")).unwrap(), before);
    // One file is an estate, even an empty one.
    std::fs::write(root.join("specs/empty.sdd"), "").unwrap();
    assert!(sdd(&["check", "specs"]).status.success());
    assert!(sdd(&["fmt", "--check", "specs"]).status.success());
    let _ = std::fs::remove_dir_all(&root);
}

/// A pipeline that reads `check --format json` or `sarif` gets a document when the estate it
/// named cannot be read at all, not an empty output its next step fails to parse: an SDD002
/// at each path at fault (SARIF: and an invocation that did not succeed, with exit code 2),
/// while the exit code stays 2, a mistake in the command.
#[test]
fn check_in_a_machine_format_says_why_the_estate_was_not_read() {
    let root = std::env::temp_dir().join(format!("sdd-not-read-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("specs")).unwrap();
    let check = |args: &[&str]| {
        let run = Command::new(env!("CARGO_BIN_EXE_sdd"))
            .arg("check")
            .args(args)
            .current_dir(&root)
            .output()
            .expect("sdd runs");
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&run.stderr).starts_with("error: "),
            "{args:?}"
        );
        run.stdout
    };
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_slice(&check(args)).expect("a JSON document")
    };
    let at_fault = |diagnostics: &serde_json::Value| -> Vec<(String, String)> {
        (diagnostics.as_array().unwrap().iter())
            .map(|d| {
                assert_eq!(d["code"], "SDD002", "{d}");
                assert_eq!(d["severity"], "error", "{d}");
                let file = d["file"].as_str().unwrap().to_string();
                (file, d["message"].as_str().unwrap().to_string())
            })
            .collect()
    };

    let missing = at_fault(&json(&["--format", "json", "nowhere"]));
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].0, "nowhere");
    assert!(
        missing[0].1.contains("no such file or folder"),
        "{missing:?}"
    );

    // Two paths that hold no .sdd file: one diagnostic each.
    std::fs::create_dir_all(root.join("other")).unwrap();
    let empty = at_fault(&json(&["--format", "json", "specs", "other"]));
    let files: Vec<&str> = empty.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["specs", "other"]);
    assert!(empty.iter().all(|(_, m)| m.contains("no .sdd file in")));

    let sarif = json(&["--format", "sarif", "nowhere"]);
    let run = &sarif["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(run["invocations"][0]["exitCode"], 2);
    assert_eq!(run["results"][0]["ruleId"], "SDD002");
    let uri = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "nowhere");

    // The terminal formats say it on standard error only.
    assert!(check(&["nowhere"]).is_empty());
    assert!(check(&["--format", "short", "nowhere"]).is_empty());
    let _ = std::fs::remove_dir_all(&root);
}
