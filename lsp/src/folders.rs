//! The workspace folders, each checked as its own estate, as `sdd check FOLDER` checks it.
//!
//! An editor's multi-root workspace holds folders that are estates of their own: checked as
//! one, a name declared in two of them was an SDD102 that neither `sdd check a` nor `sdd check
//! b` reports. Each folder has its own [`Workspace`] (estate, analysis, open buffers); a
//! document goes to the folder that holds it, and a document outside every folder
//! (`untitled:`, a file opened from elsewhere) to the first. A folder inside another given
//! folder is part of that one's estate when `sdd check OUTER` reads it, not a second estate
//! holding the same files; one in a part of it the walk skips (`.sddignore`, `target`, hidden)
//! is an estate of its own, as is a folder whose outer folder the client removed.
//! Publications are gathered from every folder; when the folders
//! change, the files no folder publishes any more are cleared once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sdd::analysis::Options;
use sdd::estate::walk_enters;
use sdd::ide::Ide;
use tower_lsp_server::ls_types as lsp;

use crate::convert;
use crate::paths::{self, lexical, Root};
use crate::workspace::{At, Publication, Workspace};

pub struct Folders {
    options: Options,
    /// The folders as the client gave them (a folder inside another among them).
    given: Vec<PathBuf>,
    /// One workspace per folder, in the order the client gave them; one without a folder when
    /// the client gave none.
    list: Vec<Workspace>,
    /// Files published before the folders last changed, to clear if no folder publishes them.
    stale: BTreeSet<String>,
    /// The folders of the estates, to match a document's path with the walk's.
    roots: Vec<Root>,
    /// The open documents the client names by another path than the walk's name of the same
    /// file (its real path, a folder opened through a link): the client's name → the
    /// estate's. Their diagnostics are published under the client's name.
    aliases: BTreeMap<String, String>,
    /// Names whose diagnostics were last published under another name than now: cleared.
    renamed: BTreeSet<String>,
}

impl Folders {
    pub fn new(options: Options) -> Folders {
        Folders {
            given: Vec::new(),
            list: vec![Workspace::new(options.clone())],
            options,
            stale: BTreeSet::new(),
            roots: Vec::new(),
            aliases: BTreeMap::new(),
            renamed: BTreeSet::new(),
        }
    }

    /// The folders as the client gave them, cleaned (`ws/.` is `ws`): what the server watches
    /// on disk when the client cannot.
    pub fn given(&self) -> &[PathBuf] {
        &self.given
    }

    /// The client added and removed folders: check the folders it has now, rebuilt from the
    /// folders it gave (a folder that was part of a removed one's estate is an estate of its
    /// own again). Returns a message for each folder that could not be read.
    pub fn change_folders(&mut self, added: Vec<PathBuf>, removed: &[PathBuf]) -> Vec<String> {
        let removed: Vec<PathBuf> = removed.iter().map(|r| lexical(r)).collect();
        let mut roots: Vec<PathBuf> = (self.given.iter())
            .filter(|r| !removed.contains(r))
            .cloned()
            .collect();
        roots.extend(added);
        self.load(roots)
    }

    /// Check these folders, one estate each, keeping the open buffers. Returns a message for
    /// each folder that could not be read.
    pub fn load(&mut self, roots: Vec<PathBuf>) -> Vec<String> {
        // `ws/.` and `ws//` are `ws`: the walk names its files `ws/…`, as the documents are.
        let roots: Vec<PathBuf> = roots.iter().map(|r| lexical(r)).collect();
        let buffers: Vec<(String, String, i32)> =
            self.list.iter().flat_map(Workspace::open_buffers).collect();
        for w in &self.list {
            self.stale.extend(w.published_names().cloned());
        }
        let mut problems = Vec::new();
        self.list = Vec::new();
        self.given = roots.clone();
        let mut outermost: Vec<PathBuf> = Vec::new();
        for root in &roots {
            // Part of another folder's estate only if that one's walk reads it: one in a
            // folder the outer walk skips (`.sddignore`, `target`…) is an estate of its own.
            let inside = (roots.iter()).any(|o| o != root && walk_enters(o, root));
            if !inside && !outermost.contains(root) {
                outermost.push(root.clone());
            }
        }
        self.roots = outermost.iter().map(|r| Root::new(r)).collect();
        for root in outermost {
            let mut w = Workspace::new(self.options.clone());
            problems.extend(w.load(vec![root]));
            self.list.push(w);
        }
        if self.list.is_empty() {
            self.list.push(Workspace::new(self.options.clone()));
        }
        for (name, text, version) in buffers {
            self.workspace_for(&name).open(&name, text, version);
        }
        problems
    }

    /// The workspace of the folder that holds the file `name`, or the first when none does.
    pub fn workspace_for(&mut self, name: &str) -> &mut Workspace {
        let at = self.index_for(Path::new(name));
        &mut self.list[at]
    }

    fn index_for(&self, path: &Path) -> usize {
        (self.list.iter().enumerate())
            .filter_map(|(i, w)| {
                let root = w.roots.first()?;
                path.starts_with(root)
                    .then(|| (root.components().count(), i))
            })
            .max()
            .map_or(0, |(_, i)| i)
    }

    /// The estate's name of the document the client names `document`: the walk's name of
    /// the same file ([`paths::document_name`]), kept while the document is open.
    pub fn name_of(&self, document: &str) -> String {
        if let Some(name) = self.aliases.get(document) {
            return name.clone();
        }
        paths::document_name(&self.roots, document, |name| {
            self.list[self.index_for(Path::new(name))]
                .file(name)
                .is_some()
        })
    }

    pub fn open(&mut self, document: &str, text: String, version: i32) {
        let name = self.name_of(document);
        if name != document {
            self.aliases.insert(document.to_string(), name.clone());
            self.renamed.insert(name.clone());
        }
        self.workspace_for(&name).open(&name, text, version);
    }

    pub fn edit(
        &mut self,
        document: &str,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
        version: i32,
    ) {
        let name = self.name_of(document);
        self.workspace_for(&name).edit(&name, changes, version);
    }

    pub fn close(&mut self, document: &str) {
        let name = self.name_of(document);
        if self.aliases.remove(document).is_some() {
            self.renamed.insert(document.to_string());
        }
        self.workspace_for(&name).close(&name);
    }

    /// The client's URI of each open document it named otherwise than the walk (a linked
    /// folder, its real path), by the walk's URI of the same file.
    fn as_opened(&self) -> BTreeMap<String, lsp::Uri> {
        (self.aliases.iter())
            .filter_map(|(document, name)| {
                Some((
                    convert::uri(name)?.as_str().to_string(),
                    convert::uri(document)?,
                ))
            })
            .collect()
    }

    /// An answer to the client (locations, edits, symbols) with every URI of a document it
    /// opened under another name than the walk's given as it opened it, as its diagnostics
    /// are published: a definition or an edit under the walk's name would open the file a
    /// second time in the editor, beside the buffer the client has. Nothing is converted
    /// when no document is open under another name (nearly always).
    pub fn in_client_names<T>(&self, answer: T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        if self.aliases.is_empty() {
            return answer;
        }
        let as_opened = self.as_opened();
        let Ok(mut value) = serde_json::to_value(&answer) else {
            return answer;
        };
        relabel(&mut value, &as_opened);
        serde_json::from_value(value).unwrap_or(answer)
    }

    /// A path changed on disk: every folder it lies in, or that lies in it (a parent folder
    /// deleted or moved), sees the change.
    pub fn disk_path_changed(&mut self, name: &str) {
        let name = &convert::name_of_path(&lexical(Path::new(name)));
        let path = Path::new(name);
        let mut seen = false;
        for w in &mut self.list {
            let concerned = (w.roots.first())
                .is_some_and(|root| path.starts_with(root) || root.starts_with(path));
            if concerned {
                w.disk_path_changed(name);
                seen = true;
            }
        }
        if !seen {
            self.workspace_for(name).disk_path_changed(name);
        }
    }

    /// Run a query on the document `document`, in the workspace of its folder.
    pub fn with_ide_at<T>(
        &mut self,
        document: &str,
        f: impl FnOnce(At<'_>) -> Option<T>,
    ) -> Option<T> {
        let name = self.name_of(document);
        self.workspace_for(&name).with_ide_at(&name, f)
    }

    /// Run a query on every folder's analysis, gathering the answers in folder order.
    pub fn with_every_ide<T>(&mut self, mut f: impl FnMut(Ide<'_>) -> Vec<T>) -> Vec<T> {
        (self.list.iter_mut())
            .flat_map(|w| w.with_ide(&mut f))
            .collect()
    }

    /// Check every folder against `day` from now on ([`Workspace::new_day`]).
    pub fn new_day(&mut self, day: chrono::NaiveDate) {
        self.options.as_of = day;
        for w in &mut self.list {
            w.new_day(day);
        }
    }

    /// The diagnostics to publish now, from every folder, under the client's names of its
    /// open documents, and an empty list for each file published before the folders changed
    /// that no folder publishes now, and for each name a document's diagnostics were
    /// published under before it was opened or closed under another.
    pub fn publication(&mut self) -> Publication {
        let mut out: Publication = Vec::new();
        for w in &mut self.list {
            out.extend(w.publication());
        }
        let stale = std::mem::take(&mut self.stale);
        let published: BTreeSet<&String> = self
            .list
            .iter()
            .flat_map(Workspace::published_names)
            .collect();
        for name in stale.iter().filter(|n| !published.contains(n)) {
            if let Some(uri) = convert::uri(name) {
                if !out.iter().any(|(u, _, _)| *u == uri) {
                    out.push((uri, Vec::new(), None));
                }
            }
        }
        let as_opened = self.as_opened();
        for (uri, _, _) in &mut out {
            if let Some(document) = as_opened.get(uri.as_str()) {
                *uri = document.clone();
            }
        }
        for name in std::mem::take(&mut self.renamed) {
            if let Some(uri) = convert::uri(&name) {
                if !out.iter().any(|(u, _, _)| *u == uri) {
                    out.push((uri, Vec::new(), None));
                }
            }
        }
        out
    }
}

/// Every string of `value` that is a URI in `as_opened` (a `uri` field, or the key of a
/// workspace edit's `changes`) replaced by the client's URI.
fn relabel(value: &mut serde_json::Value, as_opened: &BTreeMap<String, lsp::Uri>) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            if let Some(uri) = as_opened.get(text.as_str()) {
                *text = uri.as_str().to_string();
            }
        }
        Value::Array(values) => values.iter_mut().for_each(|v| relabel(v, as_opened)),
        Value::Object(fields) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            for key in keys {
                let Some(mut v) = fields.remove(&key) else {
                    continue;
                };
                relabel(&mut v, as_opened);
                let key = (as_opened.get(key.as_str())).map_or(key, |u| u.as_str().to_string());
                fields.insert(key, v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rename's edits under the walk's name of an open document are keyed by the client's
    /// URI instead, in `changes` (an object keyed by URI) as in `documentChanges`.
    #[test]
    fn an_edit_of_a_document_opened_under_another_name_is_given_under_it() {
        let walked = "file:///ws/link/people.sdd";
        let opened: lsp::Uri = "file:///ws/real/people.sdd".parse().unwrap();
        let as_opened = BTreeMap::from([(walked.to_string(), opened.clone())]);
        let mut edit = serde_json::json!({
            "changes": {walked: [{"newText": "x"}], "file:///ws/link/other.sdd": []},
            "documentChanges": [{"textDocument": {"uri": walked, "version": 3}}],
        });
        relabel(&mut edit, &as_opened);
        assert_eq!(
            edit,
            serde_json::json!({
                "changes": {opened.as_str(): [{"newText": "x"}], "file:///ws/link/other.sdd": []},
                "documentChanges": [{"textDocument": {"uri": opened.as_str(), "version": 3}}],
            })
        );
    }

    fn codes(folders: &mut Folders) -> Vec<String> {
        (folders.publication().into_iter())
            .flat_map(|(_, diagnostics, _)| diagnostics)
            .filter_map(|d| match d.code {
                Some(lsp::NumberOrString::String(code)) => Some(code),
                _ => None,
            })
            .collect()
    }

    /// A server that runs past midnight checks against the new day: a gate dated "after the
    /// day checked" by yesterday's date is not, once the day has come.
    #[test]
    fn a_new_day_checks_every_file_again_against_it() {
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let mut folders = Folders::new(Options {
            as_of: day("2026-11-04"),
            ..Options::default()
        });
        let text = "person p { name: \"P\" }\nprofile pr { domain: network }\n\
                    engagement e { profile: pr title: \"t\" owner: @p opened: 2026-11-01\n\
                    gate spec { approved_by: @p on: 2026-11-05 } }\n";
        folders.open("/sdd-new-day/a.sdd", text.to_string(), 1);
        let before = codes(&mut folders);
        assert!(before.contains(&"SDD208".to_string()), "{before:?}");
        folders.new_day(day("2026-11-04"));
        assert_eq!(
            codes(&mut folders),
            Vec::<String>::new(),
            "nothing new to publish"
        );
        folders.new_day(day("2026-11-05"));
        let after = codes(&mut folders);
        assert!(
            !after.is_empty() && !after.contains(&"SDD208".to_string()),
            "{after:?}"
        );
    }
}
