//! Writing a build's output folder as a whole.
//!
//! The set is written into a hidden temporary folder beside the output folder and then swapped
//! in with renames: a reader, or a build killed half way, never sees a partial or mixed set,
//! and manifests of engagements that no longer exist disappear with the old folder. A folder
//! that is not an earlier build's output (it holds anything but an index `sdd build` wrote and
//! `engagements/*.json`) is never replaced.

use std::io;
use std::path::{Path, PathBuf};

use crate::analysis::Analysis;
use crate::diagnostic::Tally;
use crate::estate::Estate;

use super::{build_set, BuildSet, INDEX_FILE};

/// Why `sdd build` wrote nothing.
#[derive(Debug)]
pub enum BuildError {
    /// The estate has errors and `--allow-errors` was not given.
    Errors(Tally),
    /// The output folder could not be written.
    Io(io::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Errors(tally) => write!(
                f,
                "the estate has {}; nothing written",
                crate::render::summary(*tally)
            ),
            BuildError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// `sdd build`: the manifests and index of an analysed estate, swapped into `out`; nothing
/// is written when the estate has errors, unless `allow_errors`.
pub fn build(
    estate: &Estate,
    analysis: &Analysis,
    out: &Path,
    allow_errors: bool,
) -> Result<BuildSet, BuildError> {
    let tally = Tally::of(&analysis.diagnostics);
    if tally.errors > 0 && !allow_errors {
        return Err(BuildError::Errors(tally));
    }
    let set = build_set(estate, analysis);
    replace_folder(out, &set).map_err(BuildError::Io)?;
    Ok(set)
}

/// The folder holding `out` and the start of its hidden siblings' names, `.<name>.`.
fn sibling_prefix(out: &Path) -> (&Path, String) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sdd".to_string());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (parent, format!(".{name}."))
}

/// This process's hidden sibling of `out` for `tag`: `.<name>.<tag>-<pid>`.
fn sibling(out: &Path, tag: &str) -> PathBuf {
    let (parent, prefix) = sibling_prefix(out);
    parent.join(format!("{prefix}{tag}-{}", std::process::id()))
}

/// Replace the folder `out` with exactly the files of `set`.
pub fn replace_folder(out: &Path, set: &BuildSet) -> io::Result<()> {
    if let Some((a, b)) = one_file_ignoring_case(set) {
        return Err(io::Error::other(format!(
            "refusing to write {a} and {b}: a file system that ignores case (macOS, Windows) \
             keeps one of them (SDD102); rename one of the engagements"
        )));
    }
    if let Some(path) = (set.files.iter().map(|(p, _)| p.as_str()))
        .find(|p| p.rsplit('/').next().is_some_and(|name| name.len() > 255))
    {
        return Err(io::Error::other(format!(
            "refusing to write {path}: a file name longer than 255 bytes, which file systems \
             do not allow (SDD002); shorten the engagement's name"
        )));
    }
    if let Some(path) = (set.files.iter().map(|(p, _)| p.as_str())).find(|p| {
        p.rsplit('/')
            .next()
            .is_some_and(crate::check::names::is_windows_device_name)
    }) {
        return Err(io::Error::other(format!(
            "refusing to write {path}: a device name on Windows, where it could not be made \
             or opened (SDD002); rename the engagement"
        )));
    }
    let out = &resolve_output(out)?;
    if out.exists() {
        if !out.is_dir() {
            return Err(io::Error::other(format!(
                "{} exists and is not a folder",
                out.display()
            )));
        }
        // A set someone made read-only is kept, as `approve` and `fmt` keep a read-only file:
        // swapped out, it could not even be removed.
        if std::fs::metadata(out)?.permissions().readonly() {
            return Err(io::Error::other(format!(
                "{} is read-only: nothing written (make it writable to replace the set)",
                out.display()
            )));
        }
        if let Some(why) = not_build_output(out)? {
            return Err(io::Error::other(format!(
                "refusing to replace {}: it is not the output of `sdd build` ({why}); \
                 name an empty or new folder",
                out.display()
            )));
        }
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        // `-o notes.txt/out`: the system's "File exists" would not say which.
        if let Some(file) = parent.ancestors().find(|a| a.is_file()) {
            return Err(io::Error::other(format!(
                "{} is a file, so it cannot hold the folder {}",
                file.display(),
                out.display()
            )));
        }
        std::fs::create_dir_all(parent)?;
    }
    remove_abandoned(out);
    let staging = sibling(out, "new");
    let _ = std::fs::remove_dir_all(&staging);
    let swapped = write_all(&staging, set).and_then(|()| swap_in(&staging, out));
    // Whatever happened, the staging folder goes: after a swap it holds the previous set.
    let _ = std::fs::remove_dir_all(&staging);
    swapped
}

/// The output folder as it will be replaced. An existing folder is named by its real path, so
/// that `.`, `..` or a symbolic link name the folder itself, whose sibling the staging folder
/// must be. The current folder, or one that holds it, is refused: swapping it would leave the
/// shell that ran the build in a deleted folder.
fn resolve_output(out: &Path) -> io::Result<PathBuf> {
    if !out.exists() {
        return Ok(out.to_path_buf());
    }
    let real = std::fs::canonicalize(out)?;
    let here = std::env::current_dir().and_then(std::fs::canonicalize);
    if real.parent().is_none() || here.is_ok_and(|here| here.starts_with(&real)) {
        return Err(io::Error::other(format!(
            "refusing to replace {}: it is the current folder or holds it, and the set is \
             swapped in as a whole; run `sdd build` from outside it",
            out.display()
        )));
    }
    Ok(real)
}

/// Two paths of the set that differ only in case, if any: one file where case is ignored.
fn one_file_ignoring_case(set: &BuildSet) -> Option<(&str, &str)> {
    let mut seen = std::collections::HashMap::new();
    for (path, _) in &set.files {
        if let Some(first) = seen.insert(path.to_lowercase(), path.as_str()) {
            return Some((first, path.as_str()));
        }
    }
    None
}

/// Swap the written `staging` folder in as `out`; afterwards `staging` holds the previous set,
/// if there was one.
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out);
    }
    if crate::write::exchange_folders(staging, out).is_ok() {
        // The two folders swapped places in one step: `out` was never missing.
        return Ok(());
    }
    let old = sibling(out, "old");
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(out, &old)?;
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous set back rather than leave nothing.
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)
}

/// Remove what builds killed half way left beside `out`: their staging folders
/// (`.<name>.new-<pid>`, `.<name>.old-<pid>`) whose process no longer runs. The folders of a
/// build still running, another `sdd build` into the same folder, are left alone.
fn remove_abandoned(out: &Path) {
    let (parent, prefix) = sibling_prefix(out);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_string_lossy()
            .strip_prefix(&prefix)
            .and_then(|tail| {
                let pid = tail
                    .strip_prefix("new-")
                    .or_else(|| tail.strip_prefix("old-"))?;
                pid.parse::<u32>().ok()
            });
        let abandoned = pid.is_some_and(|pid| pid != std::process::id() && !process_runs(pid));
        if abandoned && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process of this id runs on this machine (where that cannot be told: yes, so
/// that nothing is removed).
fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Why a folder is not one `replace_folder` may replace, if it is not: it holds something
/// other than an earlier build's output. An empty folder may be replaced; otherwise it must
/// hold an index that `sdd build` wrote and nothing but `engagements/*.json` beside it, so
/// that no source file, note or other tool's output is ever deleted.
fn not_build_output(out: &Path) -> io::Result<Option<String>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(out)? {
        entries.push(entry?);
    }
    if entries.is_empty() {
        return Ok(None);
    }
    let index = out.join(INDEX_FILE);
    let is_index = std::fs::read(&index)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|json| {
            ["format_version", "engagements", "assets", "totals"]
                .iter()
                .all(|key| json.get(key).is_some())
        });
    if !is_index {
        return Ok(Some(format!("no {INDEX_FILE} that `sdd build` wrote")));
    }
    for entry in entries {
        let name = entry.file_name();
        let kind = entry.file_type()?;
        if name == INDEX_FILE && kind.is_file() {
            continue;
        }
        if name != "engagements" || !kind.is_dir() {
            return Ok(Some(format!("it holds {}", name.to_string_lossy())));
        }
        for manifest in std::fs::read_dir(entry.path())? {
            let manifest = manifest?;
            let path = manifest.path();
            if !manifest.file_type()?.is_file() || path.extension().is_none_or(|e| e != "json") {
                return Ok(Some(format!(
                    "it holds engagements/{}",
                    manifest.file_name().to_string_lossy()
                )));
            }
        }
    }
    Ok(None)
}

fn write_all(folder: &Path, set: &BuildSet) -> io::Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(folder)?;
    let mut dirs: Vec<PathBuf> = set
        .files
        .iter()
        .filter_map(|(path, _)| folder.join(path).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        std::fs::create_dir_all(dir)?;
    }
    // The staging folder is invisible until the swap, so its files need no rename of their
    // own; one sync of the file system before the swap makes the whole set durable at once
    // (a sync per file costs milliseconds each: 40 s for 5,000 manifests).
    set.files
        .par_iter()
        .try_for_each(|(path, bytes)| std::fs::write(folder.join(path), bytes))?;
    crate::write::sync_file_system(folder)
}
