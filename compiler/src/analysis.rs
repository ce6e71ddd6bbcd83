//! Analysis: the one entry point the CLI and the language server both call.
//!
//! It runs every check over an [`Estate`] and returns the diagnostics sorted by file name,
//! span and code, so what a user or a pipeline sees never depends on file or thread order,
//! together with the governance [`Facts`] of every engagement.
//!
//! [`analyze_with`] keeps each file's own results (its type checks and its engagements'
//! governance) in a [`Cache`] for the next analysis of the same, edited estate, as the language
//! server needs: a file is checked again only when its parse is new, when what its checks
//! read from other files (the [`environment`]) changed, or when a file its diagnostics point
//! into was parsed again (the positions there may have moved). The estate-wide steps (names,
//! the reuse graph, sorting) always run.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::engagement::Engagement;
use crate::check::governance::{self, Facts};
use crate::check::history::{self, HistoryCache};
use crate::check::names::{self, Namespace};
use crate::check::types;
use crate::diagnostic::{self, Diagnostic};
use crate::estate::Estate;
use crate::reuse_graph::{self, Inventory};
use crate::source::FileId;
use crate::syntax::Keyword;

/// What the checks depend on besides the estate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date expiry is checked against (`--as-of`, default today in UTC); manifests never
    /// depend on it.
    pub as_of: chrono::NaiveDate,
    /// Look into git history to explain stale approvals.
    pub git_history: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            // Today is the date in UTC, wherever `sdd` runs: an approval recorded east of
            // UTC must not be "after today" for a pipeline that checks it in UTC.
            as_of: chrono::Utc::now().date_naive(),
            git_history: false,
        }
    }
}

/// The result of analysing an estate.
#[derive(Debug, Default, PartialEq)]
pub struct Analysis {
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per engagement, sorted by name.
    /// Shared with the analysis cache, which keeps them while their file is unchanged.
    pub engagements: Vec<(FileId, Arc<Facts>)>,
}

impl Analysis {
    /// The facts of the engagement of this name (the first, if it is declared twice).
    pub fn facts(&self, name: &str) -> Option<&Facts> {
        // Sorted by name, stably: the first of a name is the one a scan would find.
        let at = (self.engagements).partition_point(|(_, f)| f.name.as_str() < name);
        (self.engagements.get(at))
            .map(|(_, f)| &**f)
            .filter(|f| f.name == name)
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
                    .find(|i| i.kind() == Keyword::Engagement && i.name_text() == Some(name))
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
type FileResult = (Vec<Diagnostic>, Vec<(FileId, Arc<Facts>)>);

/// Each file's own results from earlier analyses of an estate that is being edited.
#[derive(Debug, Default)]
pub struct Cache {
    /// By file id.
    files: Vec<Option<CachedFile>>,
    rechecked: usize,
    /// Git searches for stale approvals (with [`Options::git_history`]).
    history: HistoryCache,
    /// By file id: the parse revision and the [`exports`] digest computed from it.
    exports: Vec<(u64, u64)>,
}

#[derive(Debug)]
struct CachedFile {
    /// The revision of the parse the result was computed from.
    revision: u64,
    /// The [`environment`] digest it was computed in.
    environment: u64,
    /// The other files its diagnostics point into, with the revisions they had.
    foreign: Vec<(FileId, u64)>,
    result: FileResult,
}

impl Cache {
    /// How many files the last analysis checked again (the rest came from the cache).
    pub fn rechecked(&self) -> usize {
        self.rechecked
    }
}

/// Analyse an estate.
pub fn analyze(estate: &Estate, options: &Options) -> Analysis {
    analyze_with(estate, options, &mut Cache::default())
}

/// Analyse an estate, re-using the results in `cache` of every file whose parse and
/// environment are those they were computed for, and keeping the new ones there. The
/// result is exactly [`analyze`]'s. The cache belongs to one estate and one set of options.
pub fn analyze_with(estate: &Estate, options: &Options, cache: &mut Cache) -> Analysis {
    let mut out: Vec<Diagnostic> = estate.syntax_diagnostics().cloned().collect();
    let ns = Namespace::build(estate, &mut out);
    let inventory = Inventory::new(&ns);
    let digest = environment(estate, &mut cache.exports);
    cache.files.resize_with(estate.files.len(), || None);
    let revision = |file: FileId| estate.parsed[file.0 as usize].revision;
    let stale: Vec<FileId> = estate
        .file_ids()
        .filter(|&file| {
            let fresh = cache.files[file.0 as usize].as_ref().is_some_and(|c| {
                c.revision == revision(file)
                    && c.revision != 0
                    && c.environment == digest
                    && c.foreign.iter().all(|&(f, r)| revision(f) == r)
            });
            !fresh
        })
        .collect();
    cache.rechecked = stale.len();
    for (file, result) in stale
        .iter()
        .zip(check_files(estate, &ns, &inventory, options, &stale))
    {
        let mut foreign: Vec<(FileId, u64)> = (result.0.iter())
            .flat_map(|d| std::iter::once(&d.primary).chain(&d.secondary))
            .filter(|label| label.file != *file)
            .map(|label| (label.file, revision(label.file)))
            .collect();
        foreign.sort_unstable();
        foreign.dedup();
        cache.files[file.0 as usize] = Some(CachedFile {
            revision: revision(*file),
            environment: digest,
            foreign,
            result,
        });
    }
    let results = cache.files.iter().flatten().map(|c| c.result.clone());
    finish(
        estate,
        &ns,
        &inventory,
        options,
        out,
        results,
        &mut cache.history,
    )
}

/// What a file's own checks read from the rest of the estate, as a digest of every file's
/// [`exports`] (each computed again only when its file was parsed again). Positions are not
/// part of it: a result that points into another file is checked again when that file
/// changes. Two estates with the same digest give every unchanged file whose diagnostics
/// point only into unchanged files the same results.
fn environment(estate: &Estate, exports_by_file: &mut Vec<(u64, u64)>) -> u64 {
    exports_by_file.resize(estate.files.len(), (0, 0));
    // SipHash with fixed keys: the same estate gives the same digest in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    estate.files.len().hash(&mut hasher);
    for file in estate.file_ids() {
        let revision = estate.parsed[file.0 as usize].revision;
        let known = &mut exports_by_file[file.0 as usize];
        if known.0 != revision || revision == 0 {
            *known = (revision, exports(estate, file));
        }
        (file.0, known.1).hash(&mut hasher);
    }
    hasher.finish()
}

/// What one file exposes to the others, as a digest: every top-level declaration's keyword
/// and name, and the whole text of every declaration that is not an engagement (persons,
/// roles, profiles, assets, enums and records are read in full; other engagements only by
/// name, so an edit inside an engagement leaves the digest as it was).
fn exports(estate: &Estate, file: FileId) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    let text = estate.files.text(file);
    for item in &estate.ast(file).items {
        (item.keyword(), item.name_text()).hash(&mut hasher);
        if item.kind() != Keyword::Engagement {
            text.get(item.span.range()).hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// Check these files: each one's types, and the governance and component reuse of the
/// engagements it declares.
fn check_files(
    estate: &Estate,
    ns: &Namespace<'_>,
    inventory: &Inventory<'_>,
    options: &Options,
    files: &[FileId],
) -> Vec<FileResult> {
    files
        .par_iter()
        .map(|&file| {
            names::with_suggestion_budget(|| check_file(estate, ns, inventory, options, file))
        })
        .collect()
}

/// One file's own checks: its types, and the governance and component reuse of the
/// engagements it declares.
fn check_file(
    estate: &Estate,
    ns: &Namespace<'_>,
    inventory: &Inventory<'_>,
    options: &Options,
    file: FileId,
) -> FileResult {
    let mut found = Vec::new();
    let items = &estate.ast(file).items;
    // The mistakes that leave part of the tree unread (SDD001, SDD002); an SDD003 leaves it
    // whole, so the content around it is checked and its approvals compared as ever.
    let syntax_errors: Vec<_> = (estate.parsed[file.0 as usize].diagnostics.iter())
        .filter(|d| crate::syntax::breaks_the_tree(d))
        .map(|d| d.primary.span)
        .collect();
    let text = estate.files.text(file);
    let syntax_lines: Vec<_> = (syntax_errors.iter())
        .map(|s| line_around(text, s.start as usize))
        .collect();
    types::check_file(ns, file, items, &syntax_errors, &syntax_lines, &mut found);
    let mut facts = Vec::new();
    for item in items.iter().filter(|i| i.kind() == Keyword::Engagement) {
        // A duplicate engagement is reported by SDD102 and not checked twice.
        match (item.name_text(), ns.get(item.name_text().unwrap_or(""))) {
            (Some(_), Some(decl)) if std::ptr::eq(decl.item, item) => {}
            _ => continue,
        }
        let mut e = Engagement::new(ns, file, item);
        e.partly_read =
            (syntax_errors.iter()).any(|s| item.span.start <= s.start && s.end <= item.span.end);
        let mut evaluated = governance::evaluate(ns, &e, options.as_of, &mut found);
        let dependencies = reuse_graph::releases::dependencies(inventory, &e);
        if !dependencies.is_empty() {
            evaluated.installed = (reuse_graph::releases::contested(inventory, &dependencies))
                .into_iter()
                .map(|(asset, v)| (asset, v.map(ToString::to_string)))
                .collect();
        }
        // Delivered under a design approval of the current content: its reuse is history.
        let delivered = e.as_built.is_some()
            && (e
                .gate_design
                .and_then(|g| crate::check::engagement::text(g, "fingerprint")))
                == Some(evaluated.design_fingerprint.as_str());
        facts.push((file, Arc::new(evaluated)));
        reuse_graph::check_engagement(inventory, &e, &dependencies, delivered, &mut found);
    }
    (found, facts)
}

/// The line of `text` that holds the byte at `at`, without its line break.
fn line_around(text: &str, at: usize) -> crate::source::Span {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    crate::source::Span::new(start, end)
}

/// The estate-wide steps after the per-file checks: the reuse graph, git history, sorting.
fn finish(
    estate: &Estate,
    ns: &Namespace<'_>,
    inventory: &Inventory<'_>,
    options: &Options,
    mut out: Vec<Diagnostic>,
    per_file: impl Iterator<Item = FileResult>,
    history: &mut HistoryCache,
) -> Analysis {
    let mut engagements = Vec::new();
    for (found, facts) in per_file {
        out.extend(found);
        engagements.extend(facts);
    }
    engagements.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    names::with_suggestion_budget(|| {
        reuse_graph::check(estate, ns, inventory, &engagements, &mut out);
    });
    if options.git_history {
        history::explain_stale_with(estate, ns, &mut out, history);
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
