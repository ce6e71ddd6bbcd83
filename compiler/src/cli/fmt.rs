//! `sdd fmt`: format files in place, or list those that would change.
//!
//! Exit codes: 0 all formatted (or, with `--check`, nothing would change); 1 a file was
//! refused (syntax errors, not UTF-8 text, or it could not be read: the SDD002 `sdd check`
//! reports), a folder in the walk could not be listed (the same), or, with `--check`, a file
//! would change; 2 a path named on the command line is no file or folder, or a file could not
//! be written. A refused file is never written; every other file is still formatted.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sdd::fmt::FormatError;
use sdd::source::Files;

use super::estate_paths;

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// List files that would change; exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    Refused,
    Failed,
}

pub fn run(args: FmtArgs) -> Result<ExitCode, String> {
    let mut files = Vec::new();
    let mut unlisted = Vec::new();
    let mut failed = false;
    let paths = estate_paths(&args.paths);
    for path in &paths {
        if path.is_dir() {
            unlisted.extend(sdd::estate::sdd_files_under(path, &mut files));
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            errln!("error: {}", sdd::estate::not_readable(path));
            failed = true;
        }
    }
    sdd::estate::one_path_per_file(&mut files);
    let unlisted = report_unlisted(unlisted);
    if files.is_empty() && !failed && unlisted == 0 {
        return Err(super::nothing_in(&paths, "format"));
    }
    if files.len() > sdd::estate::MAX_FILES {
        return Err(format!(
            "more than {} .sdd files (SDD002 input limit)",
            sdd::estate::MAX_FILES
        ));
    }
    let (mut changed, mut refused) = (0usize, 0usize);
    for path in &files {
        match format_file(path, args.check) {
            Outcome::Unchanged => {}
            Outcome::Changed => {
                changed += 1;
                outln!("{}", shown(path));
            }
            Outcome::Refused => refused += 1,
            Outcome::Failed => failed = true,
        }
    }
    let verb = if args.check {
        "would be reformatted"
    } else {
        "reformatted"
    };
    errln!(
        "{changed} of {} file{} {verb}{}{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        match refused {
            0 => String::new(),
            1 => ", 1 refused".to_string(),
            n => format!(", {n} refused"),
        },
        match unlisted {
            0 => String::new(),
            1 => ", 1 folder not listed".to_string(),
            n => format!(", {n} folders not listed"),
        }
    );
    Ok(if failed {
        ExitCode::from(2)
    } else if refused > 0 || unlisted > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Report each folder the walk could not list with the SDD002 `sdd check` gives it (each once,
/// however many of the paths reach it), and return how many there are.
fn report_unlisted(mut unlisted: Vec<sdd::estate::UnlistedFolder>) -> usize {
    unlisted.sort_by_key(|folder| folder.name());
    unlisted.dedup_by_key(|folder| folder.name());
    for folder in &unlisted {
        let mut db = Files::new();
        let id = db.add(folder.name(), String::new());
        // The problem names FileId(0), the first file of this database: `id`.
        if let Some(problem) = folder.read().problem.filter(|_| id.0 == 0) {
            errln!("{}", sdd::render::short::render(&problem, &db));
        }
    }
    unlisted.len()
}

fn format_file(path: &Path, check: bool) -> Outcome {
    // Read as `check` reads it: a file too large, not UTF-8, binary or not readable at all is
    // the same SDD002.
    let read = sdd::estate::read_file(path);
    let text = read.text;
    let mut db = Files::new();
    let id = db.add(shown(path), text.clone());
    // The problem names FileId(0), the first file of this database: `id`.
    if let Some(problem) = read.problem.filter(|_| id.0 == 0) {
        errln!("{}", sdd::render::short::render(&problem, &db));
        errln!("{}: left unchanged", shown(path));
        return Outcome::Refused;
    }
    let formatted = match sdd::fmt::format(id, &text) {
        Ok(f) => f,
        Err(error) => {
            if let FormatError::Syntax(diagnostics) = &error {
                for d in diagnostics {
                    errln!("{}", sdd::render::short::render(d, &db));
                }
            }
            errln!("{}: {error}; left unchanged", shown(path));
            return Outcome::Refused;
        }
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if !check {
        // Never over a read-only file, nor over an edit made since the file was read (an
        // approval recorded meanwhile would be lost): that file is left for the next run.
        match sdd::write::edit_file(path, text.as_bytes(), formatted.as_bytes()) {
            Ok(()) => {}
            Err(sdd::write::EditError::Changed) => {
                errln!(
                    "{}: changed while it was being formatted; left as it is now (run `sdd fmt` again)",
                    shown(path)
                );
                return Outcome::Refused;
            }
            Err(e) => {
                errln!("error: cannot write {}: {e}", shown(path));
                return Outcome::Failed;
            }
        }
    }
    Outcome::Changed
}

/// A path as printed: `/` between folders, no leading `./`, and a control character or a line
/// break escaped, so a name cannot rewrite the terminal or split the list.
fn shown(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s);
    sdd::render::printable::one_line(s).into_owned()
}
