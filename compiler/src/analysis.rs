//! Analysis: the one entry point the CLI and the language server both call.
//!
//! It runs every check over an [`Estate`] and returns the diagnostics sorted by file name,
//! span and code, so what a user or a pipeline sees never depends on file or thread order.

use rayon::prelude::*;

use crate::check::names::Namespace;
use crate::check::types;
use crate::diagnostic::{self, Diagnostic};
use crate::estate::Estate;

/// What the checks depend on besides the estate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date expiry is checked against (`--as-of`); manifests never depend on it.
    pub as_of: chrono::NaiveDate,
    /// Look into git history to explain stale approvals.
    pub git_history: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            as_of: chrono::Local::now().date_naive(),
            git_history: false,
        }
    }
}

/// Every diagnostic of the estate, sorted.
pub fn check(estate: &Estate, _options: &Options) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = estate.syntax_diagnostics().cloned().collect();
    let ns = Namespace::build(estate, &mut out);
    let per_file: Vec<Vec<Diagnostic>> = estate
        .file_ids()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&file| {
            let mut found = Vec::new();
            types::check_file(&ns, file, &estate.ast(file).items, &mut found);
            found
        })
        .collect();
    out.extend(per_file.into_iter().flatten());
    diagnostic::sort(&mut out, &estate.files);
    out.dedup();
    out
}
