//! An estate: every `.sdd` file under some folders, parsed, in one deterministic order.
//!
//! Files are found by walking the given paths (hidden files and folders, `target` and
//! `node_modules` are skipped, as is any folder below a root that holds a `.sddignore` marker;
//! linked folders are followed, each folder walked once), sorted by path,
//! read and parsed in parallel, and stored by [`FileId`] in that sorted order, so neither the
//! order of the paths on the command line nor the thread count changes any output.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Files, SourceFile, Span};
use crate::syntax::{self, Parsed};

/// Most files in one estate.
pub const MAX_FILES: usize = 100_000;

/// The marker file that keeps a folder out of an enclosing estate.
pub const IGNORE_MARKER: &str = ".sddignore";

#[derive(Debug, Default)]
pub struct Estate {
    pub files: Files,
    /// Indexed by `FileId`.
    pub parsed: Vec<Parsed>,
}

/// Why an estate could not be loaded at all (the CLI's exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a path named on the command line is neither a file nor a folder to read: it does not
/// exist, it is a symbolic link to nothing, or it is (or links to) something else (a pipe, a
/// device, a socket), which is never read: a pipe could block the reader forever.
pub fn not_readable(path: &Path) -> String {
    format!("{}: {}", path.display(), what_is(path))
}

/// What a path is that is neither a readable file nor a folder.
fn what_is(path: &Path) -> &'static str {
    match (std::fs::symlink_metadata(path), std::fs::metadata(path)) {
        // `people.sdd/`: the system says ENOTDIR, which reads as "no such file".
        (Err(e), _) if e.kind() == std::io::ErrorKind::NotADirectory => {
            "a file where a folder is named (a `/` after a file's name)"
        }
        (Err(_), _) => "no such file or folder",
        (Ok(m), Err(_)) if m.file_type().is_symlink() => "a symbolic link to nothing that exists",
        (Ok(m), Ok(_)) if m.file_type().is_symlink() => {
            "a symbolic link to something that is not a regular file or folder (a pipe, a device or a socket is not read)"
        }
        (Ok(_), _) => "not a regular file or folder (a pipe, a device or a socket is not read)",
    }
}

impl Estate {
    /// Load every `.sdd` file under the given paths (files or folders).
    pub fn load(paths: &[PathBuf]) -> Result<Estate, LoadError> {
        let mut found = Vec::new();
        for path in paths {
            if path.is_file() {
                found.push(path.clone());
            } else if path.is_dir() {
                walk(path, &mut found).map_err(|e| LoadError(e.to_string()))?;
            } else {
                return Err(LoadError(not_readable(path)));
            }
            if found.len() > MAX_FILES {
                return Err(LoadError(format!(
                    "more than {MAX_FILES} .sdd files under {} (SDD002 input limit)",
                    path.display()
                )));
            }
        }
        one_path_per_file(&mut found);
        let sources: Vec<Source> = found
            .par_iter()
            .map(|p| {
                read_at_most_the_limit(p)
                    .map(|(bytes, size)| Source {
                        name: display_name(p),
                        bytes,
                        size,
                    })
                    .map_err(|e| LoadError(format!("cannot read {}: {e}", p.display())))
            })
            .collect::<Result<_, _>>()?;
        Ok(Estate::from_bytes(sources))
    }

    /// An estate from in-memory sources (tests, the language server).
    pub fn from_sources<N: Into<String>, T: Into<String>>(
        sources: impl IntoIterator<Item = (N, T)>,
    ) -> Estate {
        Estate::from_bytes(
            sources
                .into_iter()
                .map(|(name, text)| {
                    let bytes = text.into().into_bytes();
                    Source {
                        name: name.into(),
                        size: bytes.len() as u64,
                        bytes,
                    }
                })
                .collect(),
        )
    }

    fn from_bytes(mut sources: Vec<Source>) -> Estate {
        sources.sort_by(|a, b| a.name.cmp(&b.name));
        // Decoded and indexed in parallel, added in name order.
        let decoded: Vec<(SourceFile, Option<Diagnostic>)> = sources
            .into_par_iter()
            .enumerate()
            .map(|(i, source)| {
                let (name, text, problem) = decode(FileId(i as u32), source);
                (SourceFile::new(name, text), problem)
            })
            .collect();
        let mut files = Files::new();
        let mut problems = Vec::with_capacity(decoded.len());
        for (file, problem) in decoded {
            files.push(file);
            problems.push(problem);
        }
        let parsed = problems
            .into_par_iter()
            .enumerate()
            .map(|(i, problem)| match problem {
                Some(d) => Parsed {
                    diagnostics: vec![d],
                    ..Parsed::default()
                },
                None => syntax::parse(FileId(i as u32), files.text(FileId(i as u32))),
            })
            .collect();
        Estate { files, parsed }
    }

    /// Re-parse one file after its text changed (the language server).
    pub fn update(&mut self, id: FileId, text: String) {
        self.replace(id, Read::buffer(text));
    }

    /// Give a file what [`read_file`] read from disk: parsed, or kept out by its SDD002 (given
    /// the file's id here) exactly as [`Estate::load`] keeps it out.
    pub fn replace(&mut self, id: FileId, read: Read) {
        self.parsed[id.0 as usize] = match read.problem {
            Some(mut d) => {
                d.primary.file = id;
                Parsed {
                    diagnostics: vec![d],
                    ..Parsed::default()
                }
            }
            None => syntax::parse(id, &read.text),
        };
        self.files.set_text(id, read.text);
    }

    pub fn file_ids(&self) -> impl Iterator<Item = FileId> + '_ {
        self.files.ids()
    }

    pub fn ast(&self, id: FileId) -> &syntax::Ast {
        &self.parsed[id.0 as usize].ast
    }

    /// The files kept out whole by their SDD002 (too large, not UTF-8 text, a lone carriage
    /// return): never parsed, so nothing they declare is in the estate.
    pub fn skipped(&self) -> impl Iterator<Item = FileId> + '_ {
        self.file_ids()
            .filter(|id| self.parsed[id.0 as usize].revision == 0)
    }

    /// The syntax and input-limit diagnostics of every file.
    pub fn syntax_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.parsed.iter().flat_map(|p| p.diagnostics.iter())
    }
}

/// A file as read: its name, its bytes and its size, which is the number of bytes except for
/// a file over the size limit, of which only the start is read.
struct Source {
    name: String,
    bytes: Vec<u8>,
    size: u64,
}

/// One file as the estate reads it from disk.
#[derive(Debug)]
pub struct Read {
    /// The text; for a file kept out, what of it is shown in its report (perhaps nothing).
    pub text: String,
    /// The SDD002 that keeps the file out: too large, or not UTF-8 text. It names the file
    /// [`FileId`]`(0)` until [`Estate::replace`] gives it the file's id.
    pub problem: Option<Diagnostic>,
}

impl Read {
    /// An editor's buffer, taken as [`Estate::load`] takes a file's text: a NUL byte in its
    /// first 8 KiB or a lone carriage return keeps it out with the same SDD002. The whole text is kept (the editor's next
    /// change applies to it), so the report's line runs on past the `\r`.
    pub fn buffer(text: String) -> Read {
        let problem = match looks_binary(text.as_bytes()) {
            true => Some(not_text(
                FileId(0),
                Span::default(),
                "it contains NUL bytes",
            )),
            false => lone_carriage_return(&text).map(|at| lone_carriage_return_at(FileId(0), at)),
        };
        Read { text, problem }
    }
}

/// Read one file as [`Estate::load`] reads each: no more than the size limit, and decoded,
/// with the SDD002 of a file too large or not UTF-8 text (the language server, on a file
/// changed on disk, so that it reports what `sdd check` reports).
pub fn read_file(path: &Path) -> std::io::Result<Read> {
    let (bytes, size) = read_at_most_the_limit(path)?;
    let source = Source {
        name: String::new(),
        bytes,
        size,
    };
    let (_, text, problem) = decode(FileId(0), source);
    Ok(Read { text, problem })
}

/// A file's bytes, but no more than one past [`syntax::MAX_FILE_BYTES`] (so a file over the
/// limit is reported without being read whole, however large), and its size.
fn read_at_most_the_limit(path: &Path) -> std::io::Result<(Vec<u8>, u64)> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let limit = syntax::MAX_FILE_BYTES as u64 + 1;
    let size = file.metadata()?.len();
    let mut bytes = Vec::with_capacity(size.min(limit) as usize);
    file.take(limit).read_to_end(&mut bytes)?;
    // A file that grew or shrank since its size was read: the bytes are what counts.
    let size = if bytes.len() as u64 == limit {
        size.max(limit)
    } else {
        bytes.len() as u64
    };
    Ok((bytes, size))
}

/// Text from bytes, or a single SDD002 when the file is too large or is not UTF-8 text.
fn decode(id: FileId, source: Source) -> (String, String, Option<Diagnostic>) {
    let Source { name, bytes, size } = source;
    if size > syntax::MAX_FILE_BYTES as u64 {
        let d = Diagnostic::new(
            Code::Sdd002,
            id,
            Span::default(),
            format!(
                "file is {size} bytes; the limit is {} bytes",
                syntax::MAX_FILE_BYTES
            ),
        )
        .with_label("file too large to check")
        .with_help("split the estate into smaller files");
        return (name, String::new(), Some(d));
    }
    if let Some(encoding) = wide_encoding(&bytes) {
        let why = format!("it is {encoding} text (it starts with a {encoding} byte order mark)");
        let d = not_text(id, Span::default(), &why)
            .with_help("save it as UTF-8 (in Windows PowerShell 5: `Set-Content -Encoding utf8`)");
        return (name, String::new(), Some(d));
    }
    let binary = looks_binary(&bytes);
    match String::from_utf8(bytes) {
        Ok(text) if !binary => match lone_carriage_return(&text) {
            None => (name, text, None),
            // As for a bad byte, the text before it is kept so that the report shows its line.
            Some(at) => {
                let mut before = text;
                before.truncate(at);
                (name, before, Some(lone_carriage_return_at(id, at)))
            }
        },
        Ok(_) => (
            name,
            String::new(),
            Some(not_text(id, Span::default(), "it contains NUL bytes")),
        ),
        Err(e) => {
            // The text before the bad byte is kept (the file is still not parsed), so that
            // the report shows the line and column of the byte.
            let at = e.utf8_error().valid_up_to();
            let mut valid = e.into_bytes();
            valid.truncate(at);
            let before = String::from_utf8(valid).unwrap_or_default();
            let why = format!("byte {at} is not valid UTF-8");
            let d = not_text(id, Span::new(at, at), &why).with_help(
                "it may be in another encoding (Latin-1, Windows-1252): save it as UTF-8",
            );
            (name, before, Some(d))
        }
    }
}

/// A NUL byte among the first 8 KiB: a binary file, as `git` and `grep` tell one.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// The offset of the first `\r` not followed by `\n`, if any. Such a file (saved with old Mac
/// line ends, or a CRLF file with a stray `\r`) is refused rather than read: an editor shows
/// a line break there, but a `//` comment would run on past it, hiding the lines after it,
/// and every report would be on the wrong line.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find('\r') {
        let at = from + found;
        if bytes.get(at + 1) != Some(&b'\n') {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn lone_carriage_return_at(id: FileId, at: usize) -> Diagnostic {
    Diagnostic::new(
        Code::Sdd002,
        id,
        Span::new(at, at),
        "this line ends with a carriage return alone (an old Mac line end)",
    )
    .with_label("file skipped")
    .with_help("save the file with LF or CRLF line ends: `sdd` reads no other")
}

/// The UTF-16 or UTF-32 encoding a byte order mark at the start names, if any.
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xff, 0xfe, 0, 0, ..] => Some("UTF-32 LE"),
        [0, 0, 0xfe, 0xff, ..] => Some("UTF-32 BE"),
        [0xff, 0xfe, ..] => Some("UTF-16 LE"),
        [0xfe, 0xff, ..] => Some("UTF-16 BE"),
        _ => None,
    }
}

fn not_text(id: FileId, span: Span, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Sdd002,
        id,
        span,
        format!("not a UTF-8 text file: {why}"),
    )
    .with_label("file skipped")
}

/// Sort paths and keep one per file: a file reached twice (`sdd check . engagements`, a
/// symbolic link to another `.sdd` file) is read once, so it is not declared twice. It is read
/// under its own name, not a link's, wherever the link sorts (the language server, which sees
/// a link made after the file, keeps the file's name too), else under the first of its paths
/// in sorted order. A path that cannot be resolved is kept as it is (its read reports it).
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
    let mut index = 0;
    paths.retain(|_| {
        let i = index;
        index += 1;
        keys[i]
            .as_ref()
            .is_none_or(|(key, _)| kept.get(key).is_some_and(|(at, _)| *at == i))
    });
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
/// folder is walked after the folder's own (each folder once, so a loop of links ends); a
/// `.sdd` link to nothing, or a `.sdd` that is a pipe or a device, is an error once the walk
/// is done (`out` holds every other file): a file of the estate would be missing. Stops once more than [`MAX_FILES`] are found (callers report the
/// limit).
pub fn sdd_files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), WalkError> {
    walk(dir, out)
}

/// A folder or entry the walk could not read, named by its own path (not the root's: the
/// unreadable folder may be deep below it).
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

fn walk(root: &Path, out: &mut Vec<PathBuf>) -> Result<(), WalkError> {
    let mut walk = Walk::default();
    walk.folder(root, out)?;
    // Linked folders once every folder of the root's own is walked, so that a file reached
    // both ways is read under its own path; each folder once, so a loop of links ends.
    while let Some(link) = walk.links.pop_front() {
        if out.len() > MAX_FILES {
            break;
        }
        walk.folder(&link, out)?;
    }
    walk.missing.map_or(Ok(()), Err)
}

/// The state of one walk: the folders entered, and the linked folders still to walk.
#[derive(Default)]
struct Walk {
    entered: std::collections::HashSet<FileKey>,
    links: std::collections::VecDeque<PathBuf>,
    /// The first `.sdd` entry that is no file to read.
    missing: Option<WalkError>,
}

impl Walk {
    fn folder(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), WalkError> {
        let at = |path: &Path| {
            let path = path.to_path_buf();
            move |error| WalkError { path, error }
        };
        // A folder reached a second time (through a link) is walked once.
        if let Some(key) = file_key(dir) {
            if !self.entered.insert(key) {
                return Ok(());
            }
        }
        let mut entries: Vec<_> = (std::fs::read_dir(dir).map_err(at(dir))?)
            .collect::<Result<_, _>>()
            .map_err(at(dir))?;
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
            let ty = entry.file_type().map_err(at(&path))?;
            if ty.is_dir() {
                if !skips_folder(&path, &name) {
                    self.folder(&path, out)?;
                }
            } else if ty.is_symlink() && path.is_dir() {
                if !skips_folder(&path, &name) {
                    self.links.push_back(path);
                }
            } else if is_sdd_name(&name) {
                if !ty.is_file() && !path.is_file() {
                    // A link to nothing, or a pipe: a file of the estate is missing. The walk
                    // goes on (the language server keeps what it found) and then fails.
                    let error = std::io::Error::new(std::io::ErrorKind::NotFound, what_is(&path));
                    self.missing.get_or_insert(WalkError { path, error });
                    continue;
                }
                out.push(path);
                if out.len() > MAX_FILES {
                    return Ok(());
                }
            }
        }
        Ok(())
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
/// another: one the outer walk enters is part of its estate, one it skips an estate of its own.
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

fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
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
        walk(&root, &mut read).unwrap();
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

    /// An editor's buffer is kept out as the same file on disk is: the same SDD002, whatever
    /// made it (a NUL byte, a lone carriage return), at the same place.
    #[test]
    fn a_buffer_gets_the_sdd002_its_file_gets() {
        for text in [
            "// a\0b\nperson p { name: \"P\" }\n",
            "// a\rperson p { name: \"P\" }\n",
        ] {
            let from_disk = Estate::from_sources([("a.sdd", text)]);
            let on_disk: Vec<&Diagnostic> = from_disk.syntax_diagnostics().collect();
            let mut buffer = Estate::from_sources([("a.sdd", "")]);
            buffer.update(FileId(0), text.to_string());
            let in_buffer: Vec<&Diagnostic> = buffer.syntax_diagnostics().collect();
            assert_eq!(on_disk.len(), 1, "{text:?}");
            assert_eq!(in_buffer.len(), 1, "{text:?}");
            assert_eq!(
                (
                    on_disk[0].code,
                    &on_disk[0].message,
                    on_disk[0].primary.span
                ),
                (
                    in_buffer[0].code,
                    &in_buffer[0].message,
                    in_buffer[0].primary.span
                ),
                "{text:?}"
            );
            assert_eq!(buffer.skipped().count(), 1, "{text:?}");
        }
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
        walk(&dir, &mut paths).unwrap();
        one_path_per_file(&mut paths);
        assert_eq!(paths, [dir.join("m.sdd"), dir.join("only.sdd")]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A linked folder is read (once, however many links reach it, and under the folder's
    /// own path when the walk reaches it too); hidden files are skipped as hidden folders
    /// are; a `.sdd` link to nothing stops the walk rather than leave a file out unsaid.
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
        walk(&estate, &mut paths).unwrap();
        paths.sort();
        assert_eq!(
            paths,
            [estate.join("engagements/s.sdd"), estate.join("own/o.sdd")]
        );
        assert!(!walk_reads(&estate, &estate.join(".x.sdd")));
        symlink(estate.join("gone"), estate.join("lost.sdd")).unwrap();
        let mut found = Vec::new();
        let error = walk(&estate, &mut found).unwrap_err();
        assert_eq!(error.path, estate.join("lost.sdd"));
        assert_eq!(found.len(), 2, "the rest is still found: {found:?}");
        assert!(
            error
                .to_string()
                .contains("a symbolic link to nothing that exists"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
