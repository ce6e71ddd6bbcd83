//! The fast path of parsing against chumsky's parser, on every `.sdd` file of this repository:
//! the fast path builds the same tree for each file chumsky parses without an error, and gives
//! up on each file it reports one in. The random inputs are in `props.rs`, and the `parse` fuzz
//! target checks the same on its corpus.

use std::path::{Path, PathBuf};

use sdd::syntax::fast_path_disagreement;

fn sdd_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            // Build folders and the fuzzing corpora (not in the repository).
            if !matches!(
                name.to_str(),
                Some("target" | "corpus" | "node_modules" | ".git")
            ) {
                sdd_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "sdd") {
            out.push(path);
        }
    }
}

#[test]
fn the_fast_path_agrees_with_chumsky_on_every_file_of_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    sdd_files(&root, &mut files);
    files.sort();
    // The examples, the broken examples and the test cases: well over a hundred files.
    assert!(files.len() > 100, "only {} .sdd files found", files.len());
    let mut accepted = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(disagreement) = fast_path_disagreement(&text) {
            panic!("{}: {disagreement}", path.display());
        }
        let parsed = sdd::syntax::parse(sdd::source::FileId(0), &text);
        if !parsed
            .diagnostics
            .iter()
            .any(|d| d.code == sdd::codes::Code::Sdd001)
        {
            accepted += 1;
        }
    }
    // Most files have no syntax error, so the comparison above was mostly of trees (the
    // syntax cases, each with one mistake, are a growing share of the others: a floor in
    // files rather than a share).
    assert!(
        accepted >= 150 && accepted * 2 > files.len(),
        "{accepted} of {}",
        files.len()
    );
}

/// Each construct of the grammar, and near misses that chumsky reads differently from what
/// they look like (`by` not followed by a name, type arguments left open, a trailing comma).
#[test]
fn the_fast_path_agrees_on_each_construct_and_near_miss() {
    let cases = [
        "engagement e { }",
        "record r { start: date length?: int tags: list<text> }",
        "field f?: map<text, list<int>> \"title\"",
        "enum e { a, b, c }",
        "enum e { a b }",
        "verified R1 by T1",
        "engagement e { verified R1 by }",
        "engagement e { verified R1 by: x }",
        "engagement e { verified by T1 }",
        "engagement e { x: [1, 2,] y: [] z: [a,] }",
        "engagement e { x: [1 2] }",
        "engagement e { x: [1,, 2] }",
        "engagement e { x: a<b }",
        "engagement e { x: a<b,> }",
        "engagement e { x: a<> }",
        "engagement e { x: list<text> \"spec\" }",
        "engagement e { uses: tpl \"^2.1\" other: tpl 2.3.0 }",
        "engagement e { x: { a: 1 b: { c: @bob } } }",
        "engagement e { x: { a 1 } }",
        "engagement e { x: true y: false z: maybe }",
        "engagement e { x: 99999999999999999999 }",
        "engagement e { x: \"bad \\q escape\" }",
        "engagement e { x: \"\"\"\n  block\n  \"\"\" }",
        "engagement e { d: 2026-11-20 t: 2026-11-28T02:00Z s: 90s v: 1.2.3 n: -4 f: 1.5 }",
        "engagement e { requirement R1 \"t\" { priority: must } }",
        "engagement e { requirement }",
        "engagement e { test: x }",
        "engagement e { test, other }",
        "engagement e { name }",
        "engagement e { name [ }",
        "engagement e {",
        "engagement e } }",
        "engagement e : }",
        "engagement",
        "engagement e\nperson p",
        "person: x",
        "notakeyword x",
        "engagement e { x: y\n",
        "engagement e { x: [a\n}",
    ];
    for text in cases {
        assert_eq!(fast_path_disagreement(text), None, "{text:?}");
    }
}
