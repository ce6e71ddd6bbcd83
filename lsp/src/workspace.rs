//! The server's state: every `.sdd` file under the workspace folders, with the editor's
//! unsaved buffers laid over the disk, and the analysis of that estate.
//!
//! Edits re-parse only the file that changed ([`Estate::update`]); a file created or deleted
//! is inserted or removed in place (the estate stays in file-name order, and the file ids of
//! the files after it are renumbered without re-parsing them). The analysis and the name
//! index are recomputed lazily, once per generation of edits, by whoever needs them first:
//! the debounced publisher or a request. The analysis re-checks only the files whose parse
//! changed, unless a declaration other files read changed too ([`analysis::Cache`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sdd::analysis::{self, Analysis, Options};
use sdd::estate::{walk_enters, walk_reads, Estate, Read, UnlistedFolder};
use sdd::ide::{Ide, Index};
use sdd::source::{FileId, Files};
use sdd::syntax::Parsed;
use tower_lsp_server::ls_types as lsp;

use crate::aside::Aside;
use crate::convert;

/// A result computed from one generation of the estate.
struct Computed<T> {
    generation: u64,
    value: T,
}

/// A request's document and what answers it: the analysis it belongs to, its file there, and
/// the open documents' versions (for edits that name them).
pub struct At<'a> {
    pub ide: Ide<'a>,
    pub file: FileId,
    pub versions: &'a BTreeMap<String, i32>,
}

/// What to publish: per file URI, the diagnostics and the document version.
pub type Publication = Vec<(lsp::Uri, Vec<lsp::Diagnostic>, Option<i32>)>;

pub struct Workspace {
    pub roots: Vec<PathBuf>,
    pub estate: Estate,
    /// Open editor buffers: file name → document version.
    open: BTreeMap<String, i32>,
    /// Bumped by every change of the estate.
    generation: u64,
    /// The diagnostics and governance facts; the publisher needs only these.
    analysed: Computed<Analysis>,
    /// Each file's own results, for the next analysis.
    cache: analysis::Cache,
    /// The name index, built when a request first needs it.
    indexed: Computed<Index>,
    options: Options,
    /// The diagnostics last published, per file name.
    published: BTreeMap<String, Vec<lsp::Diagnostic>>,
    /// Files changed since the last publication: they are published even when their
    /// diagnostics did not change, so the editor knows the edit was seen.
    touched: BTreeSet<String>,
    /// Open buffers the walk does not read (by their folder or their name), checked with their
    /// own folder.
    aside: Aside,
    /// Their diagnostics, and the count of their changes those were computed for.
    aside_changes: u64,
    aside_published: Computed<BTreeMap<String, Vec<lsp::Diagnostic>>>,
}

impl Workspace {
    pub fn new(options: Options) -> Workspace {
        Workspace {
            roots: Vec::new(),
            estate: Estate::default(),
            open: BTreeMap::new(),
            generation: 0,
            analysed: Computed {
                generation: u64::MAX,
                value: Analysis::default(),
            },
            cache: analysis::Cache::default(),
            indexed: Computed {
                generation: u64::MAX,
                value: Index::default(),
            },
            options,
            published: BTreeMap::new(),
            touched: BTreeSet::new(),
            aside: Aside::default(),
            aside_changes: 0,
            aside_published: Computed {
                generation: u64::MAX,
                value: BTreeMap::new(),
            },
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Load every `.sdd` file under the roots, keeping the open buffers' text. Returns a
    /// message for each root that could not be read.
    pub fn load(&mut self, roots: Vec<PathBuf>) -> Vec<String> {
        let mut problems = Vec::new();
        let readable: Vec<PathBuf> = roots.iter().filter(|r| r.is_dir()).cloned().collect();
        let mut estate = match Estate::load(&readable) {
            Ok(estate) => estate,
            Err(e) => {
                problems.push(e.to_string());
                Estate::default()
            }
        };
        for name in self.open.keys() {
            if let Some(id) = self.estate.files.find(name) {
                let text = self.estate.files.text(id).to_string();
                set_text(&mut estate, name, text);
            }
        }
        self.estate = estate;
        self.cache = analysis::Cache::default();
        self.roots = roots;
        self.changed();
        problems
    }

    fn changed(&mut self) {
        self.generation += 1;
    }

    /// Every open buffer, kept aside or not: its name, text and document version.
    pub fn open_buffers(&self) -> Vec<(String, String, i32)> {
        let mut out: Vec<(String, String, i32)> = (self.open.iter())
            .filter_map(|(name, &version)| {
                Some((name.clone(), self.text(name)?.to_string(), version))
            })
            .collect();
        out.extend(self.aside.buffers());
        out
    }

    /// The files whose diagnostics were published last, non-empty.
    pub fn published_names(&self) -> impl Iterator<Item = &String> {
        self.published.keys()
    }

    /// The open buffers' document versions, by file name.
    pub fn open_versions(&self) -> &BTreeMap<String, i32> {
        &self.open
    }

    pub fn open(&mut self, name: &str, text: String, version: i32) {
        if self.skipped_by_the_walk(name) {
            self.aside.open(name, text, version);
            self.aside_changed(name);
            return;
        }
        self.open.insert(name.to_string(), version);
        if self.text(name) != Some(text.as_str()) {
            set_text(&mut self.estate, name, text);
            self.changed();
        }
        self.touched.insert(name.to_string());
    }

    /// An editor changed a document: apply the changes in order, then re-parse it once.
    pub fn edit(
        &mut self,
        name: &str,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
        version: i32,
    ) {
        if let Some(text) = self.aside.text_mut(name) {
            apply(name, text, changes);
            self.aside.set_version(name, version);
            self.aside_changed(name);
            return;
        }
        let Some(id) = self.estate.files.find(name) else {
            return;
        };
        let mut text = self.estate.files.text(id).to_string();
        apply(name, &mut text, changes);
        self.open.insert(name.to_string(), version);
        self.estate.update(id, text);
        self.touched.insert(name.to_string());
        self.changed();
    }

    /// A buffer kept aside changed: published again, with its folder checked again.
    fn aside_changed(&mut self, name: &str) {
        self.aside_changes += 1;
        self.touched.insert(name.to_string());
        self.changed();
    }

    /// An editor closed a document: the disk's version takes over, or the file leaves the
    /// estate when it is not on disk under a workspace folder.
    pub fn close(&mut self, name: &str) {
        if self.aside.close(name) {
            self.aside_changed(name);
            return;
        }
        self.open.remove(name);
        match self.disk_file(name) {
            Some(read) => {
                if self.differs(name, &read) {
                    set_file(&mut self.estate, name, read);
                    self.changed();
                }
            }
            None => self.remove(name),
        }
        self.touched.insert(name.to_string());
    }
}

/// Apply an editor's changes to a document's text, in order.
fn apply(name: &str, text: &mut String, changes: Vec<lsp::TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            Some(range) => {
                // The line index is built over the text itself, moved in and out: no copy
                // of the document per keystroke.
                let file = sdd::source::SourceFile::new(name, std::mem::take(text));
                let span = convert::edit_span(&file, range);
                *text = file.into_text();
                text.replace_range(span.range(), &change.text);
            }
            None => *text = change.text,
        }
    }
}

impl Workspace {
    /// Something was created, changed or deleted on disk at `name`: a file, or a folder. A
    /// client reports a folder deleted, renamed or moved in as one event for the folder, none
    /// for the files in it, so the estate's files under a folder that is gone leave it, and the
    /// files of a folder that appeared join it.
    pub fn disk_path_changed(&mut self, name: &str) {
        let path = Path::new(name);
        for beside in self.aside.beside(path) {
            self.aside_changed(&beside);
        }
        // A `.sddignore` created or deleted: the walk now skips its folder, or reads it again.
        if path
            .file_name()
            .is_some_and(|n| n == sdd::estate::IGNORE_MARKER)
        {
            if let Some(folder) = path.parent() {
                self.folder_changed(folder);
            }
            return;
        }
        if path.is_dir() {
            for file in self.walk_again(path) {
                self.disk_changed(&file.to_string_lossy());
            }
        }
        if !path.exists() {
            let under: Vec<String> = (self.estate.files.ids())
                .map(|id| self.estate.files.name(id))
                .filter(|n| n != &name && Path::new(n).starts_with(path))
                .map(str::to_string)
                .collect();
            for file in under {
                self.disk_changed(&file);
            }
        }
        if sdd::estate::is_sdd_name(name) {
            self.disk_changed(name);
        }
    }

    /// Every `.sdd` file under `folder`, on disk or in the estate, read again as the walk reads
    /// it now: those it skips leave the estate, those it reads join it.
    fn folder_changed(&mut self, folder: &Path) {
        // The open buffers below it go where the walk now puts them: kept aside, or back in.
        let open_below: Vec<(String, i32)> = (self.open.iter())
            .filter(|(n, _)| Path::new(n).starts_with(folder))
            .map(|(n, v)| (n.clone(), *v))
            .collect();
        for (name, version) in open_below {
            if self.skipped_by_the_walk(&name) {
                let text = self.text(&name).unwrap_or_default().to_string();
                self.open.remove(&name);
                self.remove(&name);
                self.aside.open(&name, text, version);
                self.aside_changed(&name);
            }
        }
        let aside_below: Vec<String> = (self.aside.names())
            .filter(|n| Path::new(n).starts_with(folder))
            .cloned()
            .collect();
        for name in aside_below {
            if !self.skipped_by_the_walk(&name) {
                if let Some((text, version)) = self.aside.take(&name) {
                    self.aside_changed(&name);
                    self.open(&name, text, version);
                }
            }
        }
        let found = self.walk_again(folder);
        // The places of folders that could not be listed are the walk's, just set.
        let mut names: Vec<String> = (self.estate.files.ids())
            .filter(|id| !self.estate.is_folder(*id))
            .map(|id| self.estate.files.name(id))
            .filter(|n| Path::new(n).starts_with(folder))
            .map(str::to_string)
            .collect();
        names.extend(found.iter().map(|f| f.to_string_lossy().into_owned()));
        names.sort();
        names.dedup();
        for name in names {
            self.disk_changed(&name);
        }
    }

    /// Walk `folder` again as `sdd check` of the workspace folder walks it, and return the files
    /// it finds (for the caller to read). Each folder at or below it that could not be listed
    /// holds its SDD002 in the estate, as `sdd check` reports it, and the files the estate held
    /// in it leave it, but for open buffers; a folder listed now loses its SDD002.
    fn walk_again(&mut self, folder: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let unlisted: Vec<UnlistedFolder> = sdd::estate::sdd_files_under(folder, &mut found)
            .into_iter()
            .filter(|f| self.roots.iter().any(|root| walk_enters(root, &f.path)))
            .collect();
        let unlisted_names: BTreeSet<String> = unlisted.iter().map(UnlistedFolder::name).collect();
        let found_names: BTreeSet<String> = (found.iter())
            .map(|f| f.to_string_lossy().into_owned())
            .collect();
        let stale: Vec<String> = (self.estate.files.ids())
            .map(|id| (id, self.estate.files.name(id)))
            .filter(|(_, n)| Path::new(n).starts_with(folder) && !self.open.contains_key(*n))
            .filter(|(id, n)| match self.estate.is_folder(*id) {
                true => !unlisted_names.contains(*n),
                false => {
                    !found_names.contains(*n)
                        && unlisted.iter().any(|f| Path::new(n).starts_with(&f.path))
                }
            })
            .map(|(_, n)| n.to_string())
            .collect();
        for name in stale {
            self.remove(&name);
        }
        for folder in &unlisted {
            let (name, read) = (folder.name(), folder.read());
            if !self.holds_problem(&name, &read) {
                set_file(&mut self.estate, &name, read);
                self.touched.insert(name);
                self.changed();
            }
        }
        found
    }

    /// Does the estate already keep `name` out with the SDD002 `read` has?
    fn holds_problem(&self, name: &str, read: &Read) -> bool {
        let held = (self.estate.files.find(name))
            .and_then(|id| self.estate.parsed[id.0 as usize].diagnostics.first());
        matches!((held, &read.problem), (Some(h), Some(r)) if h.message == r.message)
    }

    /// A file was created, changed or deleted on disk. Open buffers take precedence.
    pub fn disk_changed(&mut self, name: &str) {
        if self.open.contains_key(name) {
            return;
        }
        match self.disk_file(name) {
            Some(read) => {
                if self.differs(name, &read) {
                    set_file(&mut self.estate, name, read);
                    self.touched.insert(name.to_string());
                    self.changed();
                }
            }
            None => self.remove(name),
        }
    }

    fn remove(&mut self, name: &str) {
        if let Some(id) = self.estate.files.find(name) {
            remove_file(&mut self.estate, id);
            self.touched.insert(name.to_string());
            self.changed();
        }
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.estate
            .files
            .find(name)
            .map(|id| self.estate.files.text(id))
    }

    /// Is this a file under a workspace folder that its walk does not read: in a folder it
    /// skips (holding `.sddignore`, hidden, `target`, `node_modules`), hidden, or with a name
    /// it reads no file by (`people.sdd.orig`, a `README.md` opened as sdd)? `sdd check` of the
    /// workspace never reads it, so its buffer stays out of the estate: joined to it, its
    /// declarations would clash with the real files' (`examples/broken/…` beside `examples/`,
    /// a merge's backup beside the file). A document outside every folder (`untitled:`) is
    /// not: it is analysed with the estate.
    fn skipped_by_the_walk(&self, name: &str) -> bool {
        let path = Path::new(name);
        let under: Vec<&PathBuf> = (self.roots.iter())
            .filter(|root| path.starts_with(root))
            .collect();
        !under.is_empty() && !under.iter().any(|root| walk_reads(root, path))
    }

    /// A `.sdd` file on disk under a workspace folder, read as `sdd check` reads it: a file
    /// too large, not UTF-8 text or not readable at all (a link to nothing, a pipe, a failed
    /// read) stays in the estate with its SDD002. `None` when nothing is there any more.
    fn disk_file(&self, name: &str) -> Option<Read> {
        let path = Path::new(name);
        if !self.roots.iter().any(|root| walk_reads(root, path)) {
            return None;
        }
        let link = std::fs::symlink_metadata(path)
            .ok()?
            .file_type()
            .is_symlink();
        // A symbolic link to a file the estate holds under another name: `sdd check` reads a
        // file once, so the link adds nothing.
        if let Some(target) = link.then(|| std::fs::canonicalize(path).ok()).flatten() {
            let target = target.to_string_lossy();
            if target != name && self.estate.files.find(&target).is_some() {
                return None;
            }
        }
        Some(sdd::estate::read_file(path))
    }

    /// Is what was read from disk not what the estate holds? A file kept out by an SDD002
    /// always is (its text is only what its report shows).
    fn differs(&self, name: &str, read: &Read) -> bool {
        read.problem.is_some() || self.text(name) != Some(read.text.as_str())
    }

    pub fn file(&self, name: &str) -> Option<FileId> {
        self.estate.files.find(name)
    }

    /// The analysis of the current estate, computed if the estate changed since.
    pub fn analysed(&mut self) -> &Analysis {
        if self.analysed.generation != self.generation {
            self.analysed = Computed {
                generation: self.generation,
                value: analysis::analyze_with(&self.estate, &self.options, &mut self.cache),
            };
        }
        &self.analysed.value
    }

    /// Run a query on the document `name`: against the workspace's analysis when the
    /// workspace holds it, against its own folder's when it is a buffer kept aside. `None` for
    /// a document the server does not know.
    pub fn with_ide_at<T>(&mut self, name: &str, f: impl FnOnce(At<'_>) -> Option<T>) -> Option<T> {
        if let Some(file) = self.file(name) {
            self.analysed();
            self.indexed();
            let ide = Ide::new(&self.estate, &self.analysed.value, &self.indexed.value);
            return f(At {
                ide,
                file,
                versions: &self.open,
            });
        }
        let folder = self
            .aside
            .analysed(name, &self.options, self.aside_changes)?;
        let file = folder.estate.files.find(name)?;
        f(At {
            ide: Ide::new(&folder.estate, &folder.analysis, &folder.index),
            file,
            versions: &folder.versions,
        })
    }

    fn indexed(&mut self) {
        if self.indexed.generation != self.generation {
            self.indexed = Computed {
                generation: self.generation,
                value: Index::build(&self.estate),
            };
        }
    }

    /// Run a query against the current analysis and name index.
    pub fn with_ide<T>(&mut self, f: impl FnOnce(Ide<'_>) -> T) -> T {
        self.analysed();
        self.indexed();
        f(Ide::new(
            &self.estate,
            &self.analysed.value,
            &self.indexed.value,
        ))
    }

    /// Check against another day from now on (a server that runs past midnight: an approval
    /// dated today was "after the day checked" by yesterday's date). Every file is checked
    /// again; nothing happens when the day is the one checked against.
    pub fn new_day(&mut self, day: chrono::NaiveDate) {
        if self.options.as_of == day {
            return;
        }
        self.options.as_of = day;
        // The cached results hold for the options they were computed with.
        self.cache = analysis::Cache::default();
        self.changed();
        self.aside_changes += 1;
    }

    /// The diagnostics to publish now: every touched file, and every file whose diagnostics
    /// differ from the last ones published (including files that are gone).
    pub fn publication(&mut self) -> Publication {
        self.analysed();
        let files: &Files = &self.estate.files;
        let mut now: BTreeMap<String, Vec<lsp::Diagnostic>> = BTreeMap::new();
        for d in &self.analysed.value.diagnostics {
            now.entry(files.name(d.file()).to_string())
                .or_default()
                .push(convert::diagnostic(d, files));
        }
        if self.aside_published.generation != self.aside_changes {
            self.aside_published = Computed {
                generation: self.aside_changes,
                value: self.aside.diagnostics(&self.options),
            };
        }
        for (name, diagnostics) in &self.aside_published.value {
            if self.aside.contains(name) {
                now.insert(name.clone(), diagnostics.clone());
            }
        }
        let touched = std::mem::take(&mut self.touched);
        let mut names: BTreeSet<&String> = touched.iter().collect();
        names.extend(now.keys());
        names.extend(self.published.keys());
        let mut out = Vec::new();
        let mut published = BTreeMap::new();
        for name in names {
            let fresh = now.get(name).cloned().unwrap_or_default();
            let before = self.published.get(name).map(Vec::as_slice).unwrap_or(&[]);
            if touched.contains(name) || before != fresh.as_slice() {
                if let Some(uri) = convert::uri(name) {
                    let version = self.open.get(name).copied();
                    out.push((uri, fresh.clone(), version.or(self.aside.version(name))));
                }
            }
            if !fresh.is_empty() {
                published.insert(name.clone(), fresh);
            }
        }
        self.published = published;
        out
    }
}

/// Set a file's text, adding the file in name order when the estate does not have it.
fn set_text(estate: &mut Estate, name: &str, text: String) {
    set_file(estate, name, Read::buffer(text));
}

/// Set a file to what was read of it, adding the file in name order when the estate does not
/// have it.
pub(crate) fn set_file(estate: &mut Estate, name: &str, read: Read) {
    let id = match estate.files.find(name) {
        Some(id) => id,
        None => insert_file(estate, name),
    };
    estate.replace(id, read);
}

/// Insert an empty file at its place in name order, renumbering the files after it.
fn insert_file(estate: &mut Estate, name: &str) -> FileId {
    let at = estate
        .files
        .ids()
        .position(|id| estate.files.name(id) > name)
        .unwrap_or(estate.files.len());
    let mut sources: Vec<(String, String)> = take_sources(&mut estate.files);
    sources.insert(at, (name.to_string(), String::new()));
    estate.files = files_of(sources);
    estate.parsed.insert(at, Parsed::default());
    renumber(&mut estate.parsed[at + 1..], at + 1);
    FileId(at as u32)
}

/// Remove a file, renumbering the files after it.
fn remove_file(estate: &mut Estate, id: FileId) {
    let at = id.0 as usize;
    let mut sources = take_sources(&mut estate.files);
    sources.remove(at);
    estate.files = files_of(sources);
    estate.parsed.remove(at);
    renumber(&mut estate.parsed[at..], at);
}

fn take_sources(files: &mut Files) -> Vec<(String, String)> {
    let old = std::mem::take(files);
    old.ids()
        .map(|id| (old.name(id).to_string(), old.text(id).to_string()))
        .collect()
}

fn files_of(sources: Vec<(String, String)>) -> Files {
    let mut files = Files::new();
    for (name, text) in sources {
        files.add(name, text);
    }
    files
}

/// Give the syntax diagnostics of parsed files the ids of their new positions.
fn renumber(parsed: &mut [Parsed], first: usize) {
    for (i, p) in parsed.iter_mut().enumerate() {
        let id = FileId((first + i) as u32);
        for d in &mut p.diagnostics {
            d.primary.file = id;
            for label in &mut d.secondary {
                label.file = id;
            }
        }
    }
}
