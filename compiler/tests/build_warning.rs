//! What `sdd build --allow-errors` says it wrote: errors that keep engagements from running,
//! or only errors about the day checked (an expired deviation), which no manifest depends on.

use std::path::Path;
use std::process::Command;

fn build(estate: &Path, as_of: &str, out: &Path) -> String {
    let run = Command::new(env!("CARGO_BIN_EXE_sdd"))
        .arg("build")
        .arg(estate)
        .args(["--allow-errors", "--as-of", as_of, "-o"])
        .arg(out)
        .output()
        .expect("sdd runs");
    assert!(run.status.success(), "{run:?}");
    String::from_utf8_lossy(&run.stderr).into_owned()
}

#[test]
fn the_warning_says_whether_the_errors_touch_a_manifest() {
    let root = std::env::temp_dir().join(format!("sdd-build-warning-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The examples on 2028-01-01: one deviation has expired (SDD306), nothing else.
    let expired = build(&repo.join("examples"), "2028-01-01", &root.join("a"));
    assert!(
        expired
            .contains("warning: written with 1 error, 0 warnings; they are about the day checked"),
        "{expired}"
    );
    // An estate with an error in an engagement.
    let broken = repo.join("examples/broken/sdd202-design-without-spec-gate");
    let stderr = build(&broken, "2026-11-24", &root.join("b"));
    assert!(
        stderr.contains("; the engagements they affect are not executable"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
