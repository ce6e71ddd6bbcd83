//! Open buffers in folders the workspace's walk skips (`.sddignore`, hidden, `target`): kept
//! out of the workspace's estate, since `sdd check` of the workspace never reads them (joined
//! to it, `examples/broken/…` would clash with `examples/`), and checked instead as `sdd check`
//! of their own folder would: the files of that folder on disk, with the open buffers in it
//! laid over them. Only their diagnostics are served; the other features answer `null` there.

use std::collections::BTreeMap;
use std::path::Path;

use sdd::analysis::{self, Options};
use sdd::estate::{Estate, Read};
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

    /// The diagnostics of every buffer kept aside, each checked with the files of its own
    /// folder (one analysis per folder), per file name.
    pub fn diagnostics(&self, options: &Options) -> BTreeMap<String, Vec<lsp::Diagnostic>> {
        let mut by_folder: BTreeMap<&Path, Vec<&String>> = BTreeMap::new();
        for name in self.buffers.keys() {
            if let Some(folder) = Path::new(name).parent() {
                by_folder.entry(folder).or_default().push(name);
            }
        }
        let mut out = BTreeMap::new();
        for (folder, names) in by_folder {
            let mut estate = Estate::load(&[folder.to_path_buf()]).unwrap_or_default();
            for name in &names {
                crate::workspace::set_file(
                    &mut estate,
                    name,
                    Read::buffer(self.buffers[*name].text.clone()),
                );
            }
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
