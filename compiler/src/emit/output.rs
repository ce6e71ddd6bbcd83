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

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sdd".to_string());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Replace the folder `out` with exactly the files of `set`.
pub fn replace_folder(out: &Path, set: &BuildSet) -> io::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            return Err(io::Error::other(format!(
                "{} exists and is not a folder",
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
        std::fs::create_dir_all(parent)?;
    }
    let staging = sibling(out, "new");
    let _ = std::fs::remove_dir_all(&staging);
    let written = write_all(&staging, set);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() && crate::write::exchange_folders(&staging, out).is_ok() {
        // The two folders swapped places in one step: `out` was never missing.
        std::fs::remove_dir_all(&staging)?;
    } else if out.exists() {
        let old = sibling(out, "old");
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(&staging, out) {
            // Put the previous set back rather than leave nothing.
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&staging, out)?;
    }
    Ok(())
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
