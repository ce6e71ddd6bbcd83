//! Analysis: the one entry point the CLI and the language server both call.
//!
//! It runs every check over an [`Estate`] and returns the diagnostics sorted by file name,
//! span and code, so what a user or a pipeline sees never depends on file or thread order,
//! together with the governance [`Facts`] of every engagement.

use rayon::prelude::*;

use crate::check::engagement::Engagement;
use crate::check::governance::{self, Facts};
use crate::check::names::Namespace;
use crate::check::types;
use crate::diagnostic::{self, Diagnostic};
use crate::estate::Estate;
use crate::source::FileId;

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

/// The result of analysing an estate.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per engagement, sorted by name.
    pub engagements: Vec<(FileId, Facts)>,
}

impl Analysis {
    pub fn facts(&self, name: &str) -> Option<&Facts> {
        self.engagements
            .iter()
            .map(|(_, f)| f)
            .find(|f| f.name == name)
    }

    /// Does this engagement's file hold an error inside the engagement?
    pub fn has_errors_in(&self, estate: &Estate, name: &str) -> bool {
        let ns_item = self
            .engagements
            .iter()
            .find(|(_, f)| f.name == name)
            .and_then(|(file, _)| {
                estate
                    .ast(*file)
                    .items
                    .iter()
                    .find(|i| i.keyword() == "engagement" && i.name_text() == Some(name))
                    .map(|i| (*file, i.span))
            });
        let Some((file, span)) = ns_item else {
            return true;
        };
        self.diagnostics.iter().any(|d| {
            d.is_error()
                && d.file() == file
                && span.start <= d.primary.span.start
                && d.primary.span.end <= span.end
        })
    }
}

/// What checking one file yields: its diagnostics and its engagements' facts.
type FileResult = (Vec<Diagnostic>, Vec<(FileId, Facts)>);

/// Analyse an estate.
pub fn analyze(estate: &Estate, options: &Options) -> Analysis {
    let mut out: Vec<Diagnostic> = estate.syntax_diagnostics().cloned().collect();
    let ns = Namespace::build(estate, &mut out);
    let per_file: Vec<FileResult> = estate
        .file_ids()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&file| {
            let mut found = Vec::new();
            let items = &estate.ast(file).items;
            let syntax_errors: Vec<_> = estate.parsed[file.0 as usize]
                .diagnostics
                .iter()
                .map(|d| d.primary.span)
                .collect();
            types::check_file(&ns, file, items, &syntax_errors, &mut found);
            let mut facts = Vec::new();
            for item in items.iter().filter(|i| i.keyword() == "engagement") {
                // A duplicate engagement is reported by SDD102 and not checked twice.
                match (item.name_text(), ns.get(item.name_text().unwrap_or(""))) {
                    (Some(_), Some(decl)) if std::ptr::eq(decl.item, item) => {}
                    _ => continue,
                }
                let e = Engagement::new(&ns, file, item);
                facts.push((
                    file,
                    governance::evaluate(&ns, &e, options.as_of, &mut found),
                ));
            }
            (found, facts)
        })
        .collect();
    let mut engagements = Vec::new();
    for (found, facts) in per_file {
        out.extend(found);
        engagements.extend(facts);
    }
    engagements.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    crate::reuse_graph::check(estate, &ns, &engagements, &mut out);
    if options.git_history {
        crate::check::history::explain_stale(estate, &ns, &mut out);
    }
    diagnostic::sort(&mut out, &estate.files);
    out.dedup();
    Analysis {
        diagnostics: out,
        engagements,
    }
}

/// Every diagnostic of the estate, sorted.
pub fn check(estate: &Estate, options: &Options) -> Vec<Diagnostic> {
    analyze(estate, options).diagnostics
}
