//! Finding the files of an estate: the walk of a folder (what it skips, linked folders, each
//! folder once, the folders it could not list), one path per file, and whether a walk would
//! read a given path.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::{display_name, Read, IGNORE_MARKER, MAX_FILES};

/// Why a path named on the command line is neither a file nor a folder to read: it does not
/// exist, it is a symbolic link to nothing, or it is (or links to) something else (a pipe, a
/// device, a socket), which is never read: a pipe could block the reader forever.
pub fn not_readable(path: &Path) -> String {
    format!("{}: {}", path.display(), what_is(path))
}

/// What a path is that is neither a readable file nor a folder.
fn what_is(path: &Path) -> String {
    use std::io::ErrorKind;
    match (std::fs::symlink_metadata(path), std::fs::metadata(path)) {
        // `people.sdd/`: the system says ENOTDIR, which reads as "no such file".
        (Err(e), _) if e.kind() == ErrorKind::NotADirectory => {
            "a file where a folder is named (a `/` after a file's name)".to_string()
        }
        (Err(e), _) if e.kind() == ErrorKind::NotFound => "no such file or folder".to_string(),
        // A folder on the way that may not be searched: the system's own words.
        (Err(e), _) => e.to_string(),
        (Ok(m), Err(e)) if m.file_type().is_symlink() && e.kind() == ErrorKind::NotFound => {
            "a symbolic link to nothing that exists".to_string()
        }
        (Ok(m), Err(e)) if m.file_type().is_symlink() => {
            format!("a symbolic link that cannot be followed: {e}")
        }
        (Ok(m), _) if m.file_type().is_symlink() => {
            "a symbolic link to something that is not a regular file or folder (a pipe, a device or a socket is not read)".to_string()
        }
        (Ok(_), _) => {
            "not a regular file or folder (a pipe, a device or a socket is not read)".to_string()
        }
    }
}

/// Sort paths and keep one per file: a file reached twice (`sdd check . engagements`, a
/// symbolic link to another `.sdd` file) is read once, so it is not declared twice. It is read
/// under its own name, not a link's, wherever the link sorts (the language server, which sees
/// a link made after the file, keeps the file's name too), else under the first of its paths
/// in sorted order. A path that cannot be resolved (a link to nothing) is kept once however it
/// is spelled (`./x.sdd` and `x.sdd`): its read reports it.
pub fn one_path_per_file(paths: &mut Vec<PathBuf>) {
    paths.sort();
    paths.dedup();
    // One `stat` per path, on every core (an estate may have 100,000 files).
    let keys: Vec<Option<(FileKey, bool)>> = paths
        .par_iter()
        .map(|p| {
            let link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
            file_key(p).map(|key| (key, link))
        })
        .collect();
    // Per file, the path kept: the first that is no link, else the first.
    let mut kept: std::collections::HashMap<&FileKey, (usize, bool)> = Default::default();
    for (i, (key, link)) in keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| Some((i, k.as_ref()?)))
    {
        kept.entry(key)
            .and_modify(|(at, at_link)| {
                if *at_link && !link {
                    (*at, *at_link) = (i, false);
                }
            })
            .or_insert((i, *link));
    }
    let mut unresolved = std::collections::HashSet::new();
    let mut index = 0;
    paths.retain(|path| {
        let i = index;
        index += 1;
        match &keys[i] {
            Some((key, _)) => kept.get(key).is_some_and(|(at, _)| *at == i),
            None => unresolved.insert(spelled_plainly(path)),
        }
    });
}

/// A path without its `.` components: `./x.sdd` and `x.sdd` are one path.
fn spelled_plainly(path: &Path) -> PathBuf {
    (path.components())
        .filter(|c| *c != Component::CurDir)
        .collect()
}

/// What tells files apart whatever the path: the device and inode on Unix, the resolved path
/// elsewhere.
#[cfg(unix)]
type FileKey = (u64, u64);
#[cfg(not(unix))]
type FileKey = PathBuf;

#[cfg(unix)]
fn file_key(path: &Path) -> Option<FileKey> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_key(path: &Path) -> Option<FileKey> {
    std::fs::canonicalize(path).ok()
}

/// Every `.sdd` file under a folder, sorted, skipping what an estate skips: hidden files and
/// folders, `target`, `node_modules` and folders holding a `.sddignore` marker. A linked
/// folder is walked after the folder's own (each folder once, so a loop of links ends). A
/// `.sdd` entry that is no regular file (a link to nothing, a pipe) is in `out` like any
/// other: reading it ([`read_file`](super::read_file)) says what it is, without opening it.
/// Returns the folders that could not be listed, which the walk goes past (`out` holds every
/// file it could find). Stops once more than [`MAX_FILES`] are found (callers report the
/// limit).
#[must_use = "a folder that could not be listed is part of the estate left out"]
pub fn sdd_files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Vec<UnlistedFolder> {
    walk(dir, out)
}

/// A folder of an estate the walk could not list (or, rarer, an entry it could not tell is no
/// folder), named by its own path, not the root's: it may be deep below it. Nothing under it
/// is read.
#[derive(Debug)]
pub struct UnlistedFolder {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl UnlistedFolder {
    /// Its name in an estate's files database: its path with a `/` after it, which no file's
    /// name has ([`Estate::is_folder`](super::Estate::is_folder)).
    pub fn name(&self) -> String {
        folder_name(&self.path)
    }

    /// What holds its place in an estate: no text, and the SDD002 that says why.
    pub fn read(&self) -> Read {
        Read::unlisted_folder(&self.error.to_string())
    }
}

impl std::fmt::Display for UnlistedFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot list {}: {}", self.path.display(), self.error)
    }
}

/// A folder's name in an estate's files database: as a file's ([`display_name`]), without `.`
/// components (the walk of `.` and of `drafts` reach `./drafts` and `drafts`: one name), with
/// one `/` after it (`./` for the current folder).
fn folder_name(path: &Path) -> String {
    let name = display_name(&spelled_plainly(path));
    match name.trim_end_matches('/') {
        "" | "." if !name.starts_with('/') => "./".to_string(),
        trimmed => format!("{trimmed}/"),
    }
}

pub(super) fn walk(root: &Path, out: &mut Vec<PathBuf>) -> Vec<UnlistedFolder> {
    let mut walk = Walk::default();
    walk.folder(root, out);
    // Linked folders once every folder of the root's own is walked, so that a file reached
    // both ways is read under its own path; each folder once, so a loop of links ends.
    while let Some(link) = walk.links.pop_front() {
        if out.len() > MAX_FILES {
            break;
        }
        walk.folder(&link, out);
    }
    walk.unlisted
}

/// The state of one walk: the folders entered, the linked folders still to walk, and the
/// folders that could not be listed.
#[derive(Default)]
struct Walk {
    entered: std::collections::HashSet<FileKey>,
    links: std::collections::VecDeque<PathBuf>,
    unlisted: Vec<UnlistedFolder>,
}

impl Walk {
    fn folder(&mut self, dir: &Path, out: &mut Vec<PathBuf>) {
        // A folder reached a second time (through a link) is walked once.
        if let Some(key) = file_key(dir) {
            if !self.entered.insert(key) {
                return;
            }
        }
        let listing = match std::fs::read_dir(dir) {
            Ok(listing) => listing,
            Err(error) => return self.cannot_list(dir, error),
        };
        let mut entries = Vec::new();
        for entry in listing {
            match entry {
                Ok(entry) => entries.push(entry),
                // Listed in part: the folder is reported, and what was listed is read.
                Err(error) => {
                    self.cannot_list(dir, error);
                    break;
                }
            }
        }
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Hidden files are skipped as hidden folders are: an editor's lock file (Emacs
            // makes `.#x.sdd`, a link to nothing) or macOS's `._x.sdd` is no part of an estate.
            if name.starts_with('.') {
                continue;
            }
            let ty = match entry.file_type() {
                Ok(ty) => Some(ty),
                // Gone since the folder was listed.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                // A `.sdd` entry's read says what went wrong; anything else may be a folder.
                Err(_) if is_sdd_name(&name) => None,
                Err(error) => {
                    self.cannot_list(&path, error);
                    continue;
                }
            };
            if ty.is_some_and(|ty| ty.is_dir()) {
                if !skips_folder(&path, &name) {
                    self.folder(&path, out);
                }
            } else if ty.is_some_and(|ty| ty.is_symlink()) && path.is_dir() {
                if !skips_folder(&path, &name) {
                    self.links.push_back(path);
                }
            } else if is_sdd_name(&name) {
                // A link to nothing or a pipe too: a file of the estate is missing, which its
                // read reports, and the rest of the estate is still read.
                out.push(path);
                if out.len() > MAX_FILES {
                    return;
                }
            }
        }
    }

    fn cannot_list(&mut self, path: &Path, error: std::io::Error) {
        self.unlisted.push(UnlistedFolder {
            path: path.to_path_buf(),
            error,
        });
    }
}

/// Does the walk skip this folder below a root, named `name`?
fn skips_folder(path: &Path, name: &str) -> bool {
    name.starts_with('.')
        || name == "target"
        || name == "node_modules"
        || path.join(IGNORE_MARKER).exists()
}

/// Is this the name of a `.sdd` file, as the walk reads them?
pub fn is_sdd_name(name: &str) -> bool {
    name.ends_with(".sdd")
}

/// Would walking `root` read the file `path`, as `sdd check ROOT` does: a `.sdd` file below
/// `root`, inside no folder the walk skips, and no hidden file? What lies above `root` does
/// not count (an estate may itself live in a hidden folder or under `target`). The language
/// server asks this of a file the editor closed or
/// the disk changed, so that its estate is the one `sdd check` reads.
pub fn walk_reads(root: &Path, path: &Path) -> bool {
    let (Some(folder), Some(file)) = (path.parent(), path.file_name()) else {
        return false;
    };
    let file = file.to_string_lossy();
    is_sdd_name(&file) && !file.starts_with('.') && walk_enters(root, folder)
}

/// Would walking `root` enter the folder `folder` (`root` itself included): a folder below
/// `root` with no folder the walk skips on the way, the folder itself included? What lies
/// above `root` does not count. The language server asks this of a workspace folder inside
/// another: one the outer walk enters is part of its estate, one it skips an estate of its own;
/// and of a folder that could not be listed, to hold its SDD002 as `sdd check ROOT` would.
pub fn walk_enters(root: &Path, folder: &Path) -> bool {
    use std::path::Component;
    let Ok(relative) = folder.strip_prefix(root) else {
        return false;
    };
    let mut at = root.to_path_buf();
    relative.components().all(|c| match c {
        Component::Normal(name) => {
            at.push(name);
            !skips_folder(&at, &name.to_string_lossy())
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.sdd` file under `dir`, skipped folders included.
    fn every_sdd_file(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                every_sdd_file(&path, out);
            } else if is_sdd_name(&entry.file_name().to_string_lossy()) {
                out.push(path);
            }
        }
    }

    #[test]
    fn walk_reads_exactly_the_files_the_walk_reads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut read = Vec::new();
        assert!(walk(&root, &mut read).is_empty());
        let mut all = Vec::new();
        every_sdd_file(&root, &mut all);
        assert!(all.len() > read.len(), "examples/broken is skipped");
        for path in &all {
            assert_eq!(walk_reads(&root, path), read.contains(path), "{path:?}");
        }
        // Above the root nothing counts; a path outside it is not read.
        let broken = root.join("broken/sdd207-owner-approves-own-work");
        assert!(walk_reads(&broken, &broken.join("people.sdd")));
        assert!(!walk_reads(
            &root.join("engagements"),
            &root.join("people.sdd")
        ));
    }

    #[test]
    fn walk_enters_the_folders_the_walk_reads_files_in() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        assert!(walk_enters(&root, &root));
        assert!(walk_enters(&root, &root.join("engagements")));
        // `broken/` holds a `.sddignore`: skipped, and everything below it.
        assert!(!walk_enters(&root, &root.join("broken")));
        let broken = root.join("broken/sdd207-owner-approves-own-work");
        assert!(!walk_enters(&root, &broken));
        assert!(walk_enters(&broken, &broken));
        assert!(!walk_enters(&root, &root.join("target/examples")));
        assert!(!walk_enters(&root, &root.join(".hidden")));
        assert!(!walk_enters(&root.join("engagements"), &root));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_by_a_link_is_read_under_its_own_name_wherever_the_link_sorts() {
        let dir = std::env::temp_dir().join(format!("sdd-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("m.sdd"), "person p { name: \"P\" }\n").unwrap();
        std::os::unix::fs::symlink(dir.join("m.sdd"), dir.join("a-link.sdd")).unwrap();
        std::os::unix::fs::symlink(dir.join("m.sdd"), dir.join("z-link.sdd")).unwrap();
        // A link to a file no other path reaches is read under the link's name.
        std::fs::write(dir.join("outside.txt"), "").unwrap();
        std::os::unix::fs::symlink(dir.join("outside.txt"), dir.join("only.sdd")).unwrap();
        let mut paths = Vec::new();
        assert!(walk(&dir, &mut paths).is_empty());
        one_path_per_file(&mut paths);
        assert_eq!(paths, [dir.join("m.sdd"), dir.join("only.sdd")]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A linked folder is read (once, however many links reach it, and under the folder's
    /// own path when the walk reaches it too); hidden files are skipped as hidden folders
    /// are; a `.sdd` link to nothing is found, so that its read reports it rather than leave
    /// a file out unsaid.
    #[cfg(unix)]
    #[test]
    fn the_walk_follows_linked_folders_once_and_skips_hidden_files() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("sdd-walk-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (estate, shared) = (dir.join("estate"), dir.join("shared"));
        std::fs::create_dir_all(estate.join("own")).unwrap();
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::write(estate.join("own/o.sdd"), "").unwrap();
        std::fs::write(shared.join("s.sdd"), "").unwrap();
        symlink(&shared, estate.join("engagements")).unwrap();
        // A second link to the same folder, one to a folder already walked, and a loop.
        symlink(&shared, estate.join("more")).unwrap();
        symlink(estate.join("own"), estate.join("a-own")).unwrap();
        symlink(&estate, shared.join("back")).unwrap();
        std::fs::write(estate.join(".x.sdd"), "").unwrap();
        std::fs::write(estate.join("._y.sdd"), [0u8, 5, 22]).unwrap();
        symlink(estate.join("gone"), estate.join(".#lock.sdd")).unwrap();
        let mut paths = Vec::new();
        assert!(walk(&estate, &mut paths).is_empty());
        paths.sort();
        assert_eq!(
            paths,
            [estate.join("engagements/s.sdd"), estate.join("own/o.sdd")]
        );
        assert!(!walk_reads(&estate, &estate.join(".x.sdd")));
        symlink(estate.join("gone"), estate.join("lost.sdd")).unwrap();
        let mut found = Vec::new();
        assert!(walk(&estate, &mut found).is_empty());
        found.sort();
        assert_eq!(found.len(), 3, "the rest is still found: {found:?}");
        assert_eq!(found[1], estate.join("lost.sdd"));
        let read = super::super::read_file(&found[1]);
        let problem = read.problem.expect("an SDD002");
        assert_eq!(
            problem.message,
            "cannot read this file: a symbolic link to nothing that exists"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_is_named_with_one_slash_after_it() {
        for (path, name) in [
            ("drafts", "drafts/"),
            ("./drafts/", "drafts/"),
            ("estate/./drafts", "estate/drafts/"),
            (".", "./"),
            ("./", "./"),
            ("/", "/"),
            ("/srv/estate", "/srv/estate/"),
        ] {
            assert_eq!(folder_name(Path::new(path)), name, "{path}");
        }
    }
}
