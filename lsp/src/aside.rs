//! Open buffers the workspace's walk does not read: in folders it skips (`.sddignore`, hidden,
//! `target`), or named as it reads no file (`people.sdd.orig`, `README.md` opened as sdd, a
//! hidden `.draft.sdd`). They are kept out of the workspace's estate, since `sdd check` of the
//! workspace never reads them (joined to it, `examples/broken/…` would clash with
//! `examples/`), and checked instead as `sdd check` of their own folder would: the files of
//! that folder on disk, with the open buffers its walk reads laid over them; a buffer that
//! walk would not read either is checked as `sdd check FOLDER FILE` (its folder and itself).
//! A request on such a buffer (hover, completion, rename…) is answered from that analysis,
//! kept until a buffer aside or a file beside one changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sdd::analysis::{self, Analysis, Options};
use sdd::estate::{walk_reads, Estate, Read};
use sdd::ide::Index;
use tower_lsp_server::ls_types as lsp;

use crate::convert;

/// One open buffer kept aside: its text and document version.
struct Buffer {
    text: String,
    version: i32,
}

#[derive(Default)]
pub struct Aside {
    buffers: BTreeMap<String, Buffer>,
    /// The scopes asked about, analysed, for the requests on their buffers.
    analysed: BTreeMap<Scope, FolderAnalysis>,
}

/// What a buffer kept aside is checked with: its folder, as `sdd check FOLDER` reads it, and
/// the buffer itself when that walk does not read it (`sdd check FOLDER FILE`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Scope {
    folder: PathBuf,
    /// The buffer named beside the folder: one its walk does not read.
    lone: Option<String>,
}

impl Scope {
    /// The scope of the buffer `name`; `None` for a name with no folder.
    fn of(name: &str) -> Option<Scope> {
        let path = Path::new(name);
        let folder = path.parent()?;
        let lone = (!walk_reads(folder, path)).then(|| name.to_string());
        Some(Scope {
            folder: folder.to_path_buf(),
            lone,
        })
    }
}

/// One scope of buffers kept aside, analysed as `sdd check` of it would analyse it.
pub struct FolderAnalysis {
    /// The count of changes aside it was made at.
    changes: u64,
    pub estate: Estate,
    pub analysis: Analysis,
    pub index: Index,
    /// The document versions of its open buffers, by file name.
    pub versions: BTreeMap<String, i32>,
}

impl Aside {
    pub fn contains(&self, name: &str) -> bool {
        self.buffers.contains_key(name)
    }

    pub fn version(&self, name: &str) -> Option<i32> {
        self.buffers.get(name).map(|b| b.version)
    }

    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.buffers.keys()
    }

    pub fn open(&mut self, name: &str, text: String, version: i32) {
        self.buffers
            .insert(name.to_string(), Buffer { text, version });
    }

    /// Every buffer kept aside: its name, text and document version.
    pub fn buffers(&self) -> impl Iterator<Item = (String, String, i32)> + '_ {
        (self.buffers.iter()).map(|(name, b)| (name.clone(), b.text.clone(), b.version))
    }

    /// The buffer's text, to apply an editor's changes to.
    pub fn text_mut(&mut self, name: &str) -> Option<&mut String> {
        self.buffers.get_mut(name).map(|b| &mut b.text)
    }

    pub fn set_version(&mut self, name: &str, version: i32) {
        if let Some(b) = self.buffers.get_mut(name) {
            b.version = version;
        }
    }

    /// Take a buffer out (its folder is read by the walk again): its text and version.
    pub fn take(&mut self, name: &str) -> Option<(String, i32)> {
        self.buffers.remove(name).map(|b| (b.text, b.version))
    }

    /// The buffers kept aside whose folder holds `path`: a change there changes what `sdd
    /// check` of that folder reports.
    pub fn beside(&self, path: &Path) -> Vec<String> {
        (self.buffers.keys())
            .filter(|n| Path::new(n).parent().is_some_and(|f| path.starts_with(f)))
            .cloned()
            .collect()
    }

    /// Closed: whether it was kept aside.
    pub fn close(&mut self, name: &str) -> bool {
        self.buffers.remove(name).is_some()
    }

    /// The buffers kept aside that `sdd check` of the scope reads: in its folder, or in a
    /// folder below it that its walk does not skip, and its lone buffer.
    fn read_with<'s>(&'s self, scope: &'s Scope) -> impl Iterator<Item = (&'s String, &'s Buffer)> {
        (self.buffers.iter()).filter(move |(name, _)| {
            walk_reads(&scope.folder, Path::new(name)) || scope.lone.as_ref() == Some(*name)
        })
    }

    /// The files of the scope's folder on disk with the buffers kept aside that its check
    /// reads laid over them.
    fn scope_estate(&self, scope: &Scope) -> Estate {
        let mut estate = Estate::load(std::slice::from_ref(&scope.folder)).unwrap_or_default();
        for (name, buffer) in self.read_with(scope) {
            crate::workspace::set_file(&mut estate, name, Read::buffer(buffer.text.clone()));
        }
        estate
    }

    /// The analysis of the scope of the buffer `name`, kept aside, for a request on it: made
    /// again when the count of changes aside (`changes`) moved since, or another scope was
    /// asked about.
    pub fn analysed(
        &mut self,
        name: &str,
        options: &Options,
        changes: u64,
    ) -> Option<&FolderAnalysis> {
        if !self.buffers.contains_key(name) {
            return None;
        }
        let scope = Scope::of(name)?;
        let fresh = (self.analysed.get(&scope)).is_some_and(|a| a.changes == changes);
        if !fresh {
            let estate = self.scope_estate(&scope);
            let analysis = analysis::analyze(&estate, options);
            let index = Index::build(&estate);
            // The versions of the buffers laid over: the texts the edits are made on.
            let versions = (self.read_with(&scope))
                .map(|(name, b)| (name.clone(), b.version))
                .collect();
            // Analyses made before a change are of no use after it.
            self.analysed.retain(|_, a| a.changes == changes);
            self.analysed.insert(
                scope.clone(),
                FolderAnalysis {
                    changes,
                    estate,
                    analysis,
                    index,
                    versions,
                },
            );
        }
        self.analysed.get(&scope)
    }

    /// The diagnostics of every buffer kept aside, each checked with the files of its own
    /// folder (one analysis per scope), per file name.
    pub fn diagnostics(&self, options: &Options) -> BTreeMap<String, Vec<lsp::Diagnostic>> {
        let mut by_scope: BTreeMap<Scope, Vec<&String>> = BTreeMap::new();
        for name in self.buffers.keys() {
            if let Some(scope) = Scope::of(name) {
                by_scope.entry(scope).or_default().push(name);
            }
        }
        let mut out = BTreeMap::new();
        for (scope, names) in by_scope {
            let estate = self.scope_estate(&scope);
            let analysis = analysis::analyze(&estate, options);
            for name in names {
                out.insert(name.clone(), Vec::new());
            }
            for d in &analysis.diagnostics {
                if let Some(list) = out.get_mut(estate.files.name(d.file())) {
                    list.push(convert::diagnostic(d, &estate.files));
                }
            }
        }
        out
    }
}
