//! The server's own watch of the workspace folders on disk, for a client that does not let it
//! register file watchers (`workspace/didChangeWatchedFiles` without dynamic registration:
//! Neovim 0.10 and later on Linux by default, editors that have no watcher). Without it, a
//! file changed behind the editor (a branch switched, `sdd fmt` or `sdd approve` run in a
//! terminal) kept the old disk state's diagnostics for the whole session.
//!
//! Each folder the estate's walk enters is watched on its own, not recursively: a recursive
//! watch would also hold one for every folder under `.git`, `target` and `node_modules`, which
//! the walk skips and which can number thousands. A folder left out for its `.sddignore` is
//! watched too, not what is under it, to see the marker go. The paths of each event that can
//! change the estate (a `.sdd` file written, created, deleted or renamed; a folder or a
//! `.sddignore` created, deleted or renamed) go to the same handler as a client's
//! `workspace/didChangeWatchedFiles`; after a folder or a marker changed, the set of watched
//! folders is worked out again.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use sdd::estate::{is_sdd_name, walk_enters, IGNORE_MARKER};

pub struct DiskWatch {
    watcher: RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
}

impl DiskWatch {
    /// A watch whose events' paths, those that can change an estate, are given to `send` on
    /// the watcher's own thread. Watches nothing until [`DiskWatch::watch_roots`].
    pub fn start(send: impl Fn(Vec<PathBuf>) + Send + 'static) -> notify::Result<DiskWatch> {
        let watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            if let Some(paths) = event.ok().and_then(estate_paths) {
                send(paths);
            }
        })?;
        Ok(DiskWatch {
            watcher,
            watched: BTreeSet::new(),
        })
    }

    /// Watch the folders the walk of each root enters (and those it leaves out for their
    /// `.sddignore`), and stop watching every other. Returns how many are watched.
    pub fn watch_roots(&mut self, roots: &[PathBuf]) -> usize {
        let mut wanted = BTreeSet::new();
        for root in roots {
            folders_to_watch(root, &mut wanted);
        }
        for gone in self.watched.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        // A folder that could not be watched (deleted meanwhile, or over the system's limit of
        // watches) is tried again the next time.
        let mut watched = BTreeSet::new();
        for folder in wanted {
            if self.watched.contains(&folder)
                || self
                    .watcher
                    .watch(&folder, RecursiveMode::NonRecursive)
                    .is_ok()
            {
                watched.insert(folder);
            }
        }
        self.watched = watched;
        self.watched.len()
    }
}

/// The paths of an event that can change an estate, or `None`. A `.sdd` file changes with any
/// event but a read; anything else only by being created, deleted or renamed (a folder, a
/// `.sddignore`): a client's watcher reports a folder deleted or moved in as one event for the
/// folder, none for the files in it, and so does this one.
fn estate_paths(event: Event) -> Option<Vec<PathBuf>> {
    let any_path = match event.kind {
        EventKind::Access(_) => return None,
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Name(_)) => true,
        // A rescan request, or a kind the platform could not tell: take every path.
        EventKind::Any | EventKind::Other => true,
        EventKind::Modify(_) => false,
    };
    let paths: Vec<PathBuf> = (event.paths.into_iter())
        .filter(|p| {
            any_path
                || p.file_name()
                    .is_some_and(|n| is_sdd_name(&n.to_string_lossy()))
        })
        .collect();
    (!paths.is_empty()).then_some(paths)
}

/// Does a change at `path` call for working out the watched folders again: a folder or a
/// `.sddignore` marker appeared or went (a path that is not a `.sdd` file)?
pub fn changes_folders(path: &Path) -> bool {
    !path
        .file_name()
        .is_some_and(|n| is_sdd_name(&n.to_string_lossy()))
}

/// The folders under `root` to watch: each one the walk enters (following linked folders, each
/// once), and each one it leaves out for its own `.sddignore`, without what is under it.
fn folders_to_watch(root: &Path, out: &mut BTreeSet<PathBuf>) {
    let mut seen = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let key = std::fs::canonicalize(&folder).unwrap_or_else(|_| folder.clone());
        if !seen.insert(key) {
            continue;
        }
        out.insert(folder.clone());
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if walk_enters(root, &path) {
                stack.push(path);
            } else if path.join(IGNORE_MARKER).exists() {
                out.insert(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, RemoveKind};

    fn scratch(label: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sdd-disk-watch-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The walk's folders are watched, and a folder left out for its `.sddignore` without
    /// what is under it; hidden folders, `target` and `node_modules` are not.
    #[test]
    fn the_folders_watched_are_those_the_walk_enters_and_the_ignored_ones_themselves() {
        let root = scratch("folders");
        for folder in [
            "engagements/network",
            "inventory",
            ".git/objects/ab",
            "target/debug",
            "node_modules/x",
            "broken/case/deeper",
        ] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("broken").join(IGNORE_MARKER), "").unwrap();
        let mut found = BTreeSet::new();
        folders_to_watch(&root, &mut found);
        let relative: Vec<String> = (found.iter())
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            relative,
            [
                "",
                "broken",
                "engagements",
                "engagements/network",
                "inventory"
            ]
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A `.sdd` file counts with every event but a read; another path only when it is
    /// created, removed or renamed (a folder, a marker), never when it is only written.
    #[test]
    fn only_events_that_can_change_an_estate_are_passed_on() {
        let event = |kind: EventKind, path: &str| Event::new(kind).add_path(PathBuf::from(path));
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(estate_paths(event(written, "/w/a.sdd")).is_some());
        assert!(estate_paths(event(written, "/w/notes.txt")).is_none());
        assert!(estate_paths(event(EventKind::Access(AccessKind::Any), "/w/a.sdd")).is_none());
        assert!(estate_paths(event(EventKind::Create(CreateKind::Folder), "/w/new")).is_some());
        assert!(estate_paths(event(EventKind::Remove(RemoveKind::Any), "/w/.sddignore")).is_some());
        assert!(changes_folders(Path::new("/w/.sddignore")));
        assert!(changes_folders(Path::new("/w/engagements")));
        assert!(!changes_folders(Path::new("/w/a.sdd")));
    }
}
