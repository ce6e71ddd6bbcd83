//! The editor-feature sweep: every entry point of `sdd::ide` asked at every offset of a
//! randomly broken example file, and at random offsets of the rest of its estate, must answer
//! without a panic. The language server runs these answers on user input mid-edit, where a
//! panic is logged and the feature silently answers nothing.
//!
//! A round breaks one file of the example estate with one to three random edits (a span of up
//! to 40 bytes replaced by a fragment of syntax, a multi-byte character or nothing), analyses
//! the estate, and asks: hover, completion, definition, references, prepare-rename, rename
//! (to a name and to an `@person`), code actions and inlay hints over a short range, at every
//! byte offset of the broken file (char boundary or not) and two past its end; the whole-file
//! features (semantic tokens, symbols, folding, code lenses, workspace symbols) once per file;
//! and the positional ones at 100 random offsets of every other file.
//!
//! Used by `tests/tests/ide_sweep.rs` (a few rounds, in CI) and by
//! `cargo run --release -p sdd-tests --example ide_sweep -- SEED ROUNDS` (many).

use std::panic::{catch_unwind, AssertUnwindSafe};

use sdd::analysis::analyze;
use sdd::estate::Estate;
use sdd::ide::{Ide, Index};
use sdd::source::{FileId, Span};

/// What the random edits insert.
const FRAGMENTS: &[&str] = &[
    "",
    "x",
    "é",
    "🚀",
    "\n",
    "{",
    "}",
    "\"",
    ": ",
    "[",
    "]",
    "<",
    ">",
    "@",
    "@x",
    "R1",
    "requirement R9 {",
    "\"\"\"",
    "//",
    "///",
];

/// A panic one query raised.
#[derive(Debug)]
pub struct Failure {
    pub round: usize,
    pub edited: String,
    pub file: String,
    pub offset: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self
            .offset
            .map_or("the whole file".into(), |o| format!("offset {o}"));
        write!(
            f,
            "round {} (edited {}): {} at {at}: {}",
            self.round, self.edited, self.file, self.message
        )
    }
}

/// The outcome of a sweep.
#[derive(Debug, Default)]
pub struct Sweep {
    pub rounds: usize,
    pub queries: usize,
    pub failures: Vec<Failure>,
}

/// Run `rounds` rounds over the estate of these files, from `seed`.
pub fn run(files: &[(String, String)], seed: u64, rounds: usize) -> Sweep {
    let mut random = fastrand::Rng::with_seed(seed);
    let options = crate::options_at(crate::CASE_DATE);
    let mut sweep = Sweep::default();
    for round in 0..rounds {
        let (which, estate) = broken_estate(&mut random, files);
        let analysis = analyze(&estate, &options);
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        // `from_sources` orders files by name, as `files` may not be.
        let edited = estate
            .file_ids()
            .find(|&f| estate.files.name(f) == files[which].0)
            .expect("the edited file is in the estate");
        let mut ask = |file: FileId, offset: Option<usize>, query: &dyn Fn()| {
            sweep.queries += 1;
            if let Err(panic) = catch_unwind(AssertUnwindSafe(query)) {
                sweep.failures.push(Failure {
                    round,
                    edited: files[which].0.clone(),
                    file: estate.files.name(file).to_string(),
                    offset,
                    message: panic_message(panic.as_ref()),
                });
                return false;
            }
            true
        };
        for file in estate.file_ids() {
            let len = estate.files.text(file).len();
            ask(file, None, &|| whole_file(&ide, file, len));
            let offsets: Vec<usize> = if file == edited {
                (0..=len + 2).collect()
            } else {
                (0..100).map(|_| random.usize(..=len + 1)).collect()
            };
            for offset in offsets {
                // The first panic in a file is enough: the rest are mostly the same one.
                if !ask(file, Some(offset), &|| at_offset(&ide, file, offset, len)) {
                    break;
                }
            }
        }
        sweep.rounds += 1;
    }
    sweep
}

/// The estate of these files with one of them, at random, broken by [`broken`]: its index in
/// `files`, and the estate (the output sweep uses it too).
pub(crate) fn broken_estate(
    random: &mut fastrand::Rng,
    files: &[(String, String)],
) -> (usize, Estate) {
    let which = random.usize(..files.len());
    let text = broken(random, &files[which].1);
    let sources = (files.iter().enumerate()).map(|(i, (name, original))| {
        let text = if i == which { &text } else { original };
        (name.clone(), text.clone())
    });
    (which, Estate::from_sources(sources))
}

/// What a caught panic said: its first line (a slicing panic quotes the whole text), at most
/// 240 characters.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let message = (panic.downcast_ref::<String>().map(String::as_str))
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(240)
        .collect()
}

/// The text with one to three random edits.
fn broken(random: &mut fastrand::Rng, original: &str) -> String {
    let mut text = original.to_string();
    for _ in 0..1 + random.usize(..3) {
        let start = floor_boundary(&text, random.usize(..=text.len()));
        let end = floor_boundary(&text, (start + random.usize(..40)).min(text.len()));
        let fragment = FRAGMENTS[random.usize(..FRAGMENTS.len())];
        text.replace_range(start..end, fragment);
    }
    text
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn whole_file(ide: &Ide<'_>, file: FileId, len: usize) {
    ide.semantic_tokens(file);
    ide.document_symbols(file);
    ide.folding_ranges(file);
    ide.code_lenses(file);
    ide.inlay_hints(file, Span::new(0, len));
    ide.code_actions(file, Span::new(0, len));
    ide.workspace_symbols("");
    ide.workspace_symbols("a");
}

fn at_offset(ide: &Ide<'_>, file: FileId, offset: usize, len: usize) {
    let range = Span::new(offset, (offset + 5).min(len + 2));
    ide.hover(file, offset);
    ide.completion(file, offset);
    ide.definition(file, offset);
    ide.references(file, offset, true);
    ide.prepare_rename(file, offset);
    let _ = ide.rename(file, offset, "new-name");
    let _ = ide.rename(file, offset, "@bob");
    ide.code_actions(file, range);
    ide.inlay_hints(file, range);
}

/// The files of the bundled example estate (its broken examples are kept out of it by their
/// `.sddignore`), by name.
pub fn example_estate() -> Vec<(String, String)> {
    estate_at(&crate::repo_root().join("examples"))
}

/// The files of the estate under a folder, by name.
pub fn estate_at(root: &std::path::Path) -> Vec<(String, String)> {
    let estate = Estate::load(&[root.to_path_buf()]).expect("the estate loads");
    (estate.file_ids())
        .map(|f| {
            let name = estate.files.name(f).to_string();
            (name, estate.files.text(f).to_string())
        })
        .collect()
}
