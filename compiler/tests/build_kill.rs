//! Crash safety of `sdd build`: killed at any moment, it never leaves a partial or mixed
//! manifest set. After every kill the output folder holds one complete set — the previous one
//! or the new one — whose index lists exactly the manifests present, each with its hash.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy(from: &Path, to: &Path, rename: &dyn Fn(&str) -> String) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_dir() {
            copy(&e.path(), &to.join(e.file_name()), rename);
        } else if e.path().extension().is_some_and(|x| x == "sdd") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            std::fs::write(to.join(e.file_name()), rename(&text)).unwrap();
        }
    }
}

/// An estate of the examples' declarations and 20 copies of their engagements.
fn estate(dir: &Path, title_suffix: &str) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let examples = root().join("examples");
    for e in std::fs::read_dir(&examples).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "sdd") || p.file_name().unwrap() == "inventory" {
            copy_entry(&p, &dir.join(e.file_name()));
        }
    }
    for n in 0..20 {
        let rename = move |text: &str| {
            text.lines()
                .map(|l| match l.strip_prefix("engagement ") {
                    Some(rest) => format!("engagement c{n}-{rest}"),
                    None if l.trim_start().starts_with("title:") && l.ends_with('"') => {
                        format!("{}{title_suffix}\"", &l[..l.len() - 1])
                    }
                    None => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        copy(
            &examples.join("engagements"),
            &dir.join(format!("copy-{n}")),
            &rename,
        );
    }
}

fn copy_entry(from: &Path, to: &Path) {
    if from.is_dir() {
        copy(from, to, &|t| t.to_string());
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

fn build(estate: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_sdd"))
        .args(["build", "--allow-errors", "--as-of", "2026-11-24"])
        .arg(estate)
        .arg("-o")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The set in `out` is complete: the index lists exactly the manifests present, hashes match.
/// Returns the index's engagement titles, to tell the old set from the new.
fn assert_complete(out: &Path) -> Vec<String> {
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("estate.json")).expect("estate.json present"),
    )
    .expect("a whole index");
    let listed = index["engagements"].as_array().unwrap();
    let mut present: Vec<String> = std::fs::read_dir(out.join("engagements"))
        .unwrap()
        .flatten()
        .map(|e| format!("engagements/{}", e.file_name().to_string_lossy()))
        .collect();
    present.sort();
    let mut names: Vec<String> = listed
        .iter()
        .map(|e| e["manifest"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(
        present, names,
        "the index lists exactly the manifests present"
    );
    for e in listed {
        let bytes = std::fs::read(out.join(e["manifest"].as_str().unwrap())).unwrap();
        let hash = format!("sha256:{:x}", Sha256::digest(&bytes));
        assert_eq!(
            e["manifest_sha256"].as_str().unwrap(),
            hash,
            "manifest matches its index entry"
        );
    }
    listed
        .iter()
        .map(|e| e["title"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_killed_build_leaves_the_old_set_or_the_new_one() {
    let base = std::env::temp_dir().join(format!("sdd-kill-{}", std::process::id()));
    let (old_estate, new_estate, out) = (base.join("old"), base.join("new"), base.join("out"));
    estate(&old_estate, "");
    estate(&new_estate, " (revised)");
    assert!(build(&old_estate, &out).wait().unwrap().success());
    assert_complete(&out);

    let start = Instant::now();
    assert!(build(&new_estate, &out).wait().unwrap().success());
    let full = start.elapsed();
    assert!(build(&old_estate, &out).wait().unwrap().success());

    let mut rng = fastrand::Rng::with_seed(7);
    let (mut saw_old, mut saw_new) = (0, 0);
    let micros = full.as_micros() as u64;
    for round in 0..12 {
        let estate = if round % 2 == 0 {
            &new_estate
        } else {
            &old_estate
        };
        let mut child = build(estate, &out);
        // Kill late, around the moment the new set is swapped in (or just after it finished).
        std::thread::sleep(Duration::from_micros(
            rng.u64(micros * 6 / 10..micros * 13 / 10 + 1),
        ));
        let _ = child.kill();
        let _ = child.wait();
        let titles = assert_complete(&out);
        let revised = titles.iter().filter(|t| t.ends_with("(revised)")).count();
        assert!(
            revised == 0 || revised == titles.len(),
            "round {round}: a mixed set of old and new manifests"
        );
        if revised == 0 {
            saw_old += 1;
        } else {
            saw_new += 1;
        }
    }
    eprintln!(
        "12 kills around a {full:?} build: {saw_old} left the old set, {saw_new} the new one"
    );
    // A build that is not killed swaps the new set in completely.
    assert!(build(&new_estate, &out).wait().unwrap().success());
    let titles = assert_complete(&out);
    assert!(
        titles.iter().all(|t| t.ends_with("(revised)")),
        "{titles:?}"
    );
    // … and clears away the staging folders the killed builds left beside the output.
    let beside: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert!(beside.is_empty(), "left beside the output: {beside:?}");
    let _ = std::fs::remove_dir_all(&base);
}
