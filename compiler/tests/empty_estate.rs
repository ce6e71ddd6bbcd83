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
            vec!["check", "--format", "json", "specs"],
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
