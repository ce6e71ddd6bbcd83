//! An estate: every `.sdd` file under some folders, parsed, in one deterministic order.
//!
//! Files are found by walking the given paths (hidden files and folders, `target` and
//! `node_modules` are skipped, as is any folder below a root that holds a `.sddignore` marker;
//! linked folders are followed, each folder walked once), sorted by path,
//! read and parsed in parallel, and stored by [`FileId`] in that sorted order, so neither the
//! order of the paths on the command line nor the thread count changes any output.
//!
//! What cannot be read is kept out with an SDD002, and the rest is read: a file that cannot be
//! read (a failed read, a link to nothing, a pipe) keeps its place in the files database with
//! no text, as a file too large or not UTF-8 text does; a folder that cannot be listed gets a
//! place of its own, named after the folder with a `/` after it (`engagements/drafts/`), with
//! no text, for its SDD002 to name: it is no file ([`Estate::is_folder`]), so it is not counted
//! among the files, but it is among those [`Estate::skipped`]. Only a path named on the
//! command line that is no file or folder, or more than [`MAX_FILES`] files, stops the load.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Files, SourceFile};
use crate::syntax::{self, Parsed};

mod read;
mod walk;

use read::{decode, read_content, Content, Source};
pub use read::{read_file, Read};
use walk::walk;
pub use walk::{
    is_sdd_name, not_readable, one_path_per_file, sdd_files_under, walk_enters, walk_reads,
    UnlistedFolder,
};

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

/// Why an estate could not be loaded at all (the CLI's exit code 2): the path named that is
/// neither a file nor a folder, or under which the walk found too many files.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Estate {
    /// Load every `.sdd` file under the given paths (files or folders), each file or folder
    /// that cannot be read kept out by its SDD002.
    pub fn load(paths: &[PathBuf]) -> Result<Estate, LoadError> {
        let mut found = Vec::new();
        let mut unlisted = Vec::new();
        for path in paths {
            if path.is_file() {
                found.push(path.clone());
            } else if path.is_dir() {
                unlisted.extend(walk(path, &mut found));
            } else {
                return Err(LoadError {
                    path: path.clone(),
                    message: not_readable(path),
                });
            }
            if found.len() > MAX_FILES {
                return Err(LoadError {
                    path: path.clone(),
                    message: format!(
                        "more than {MAX_FILES} .sdd files under {} (SDD002 input limit)",
                        path.display()
                    ),
                });
            }
        }
        Ok(Estate::from_found(found, unlisted))
    }

    /// The estate of the files a walk found, read in parallel, and of the folders it could not
    /// list (a folder reached from two paths named once).
    fn from_found(mut found: Vec<PathBuf>, unlisted: Vec<UnlistedFolder>) -> Estate {
        one_path_per_file(&mut found);
        let mut sources: Vec<Source> = found
            .par_iter()
            .map(|p| Source {
                name: display_name(p),
                content: read_content(p),
            })
            .collect();
        let mut folders: Vec<Source> = (unlisted.iter())
            .map(|folder| Source {
                name: folder.name(),
                content: Content::Unreadable {
                    part: read::Part::Folder,
                    why: folder.error.to_string(),
                },
            })
            .collect();
        folders.sort_by(|a, b| a.name.cmp(&b.name));
        folders.dedup_by(|a, b| a.name == b.name);
        sources.extend(folders);
        Estate::from_bytes(sources)
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
                        content: Content::Bytes {
                            size: bytes.len() as u64,
                            bytes,
                        },
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
    /// return, not readable) and the folders that could not be listed: never parsed, so
    /// nothing they declare is in the estate.
    pub fn skipped(&self) -> impl Iterator<Item = FileId> + '_ {
        self.file_ids()
            .filter(|id| self.parsed[id.0 as usize].revision == 0)
    }

    /// Is this entry the place of a folder that could not be listed (its name ends with `/`,
    /// as no file's does), not a file?
    pub fn is_folder(&self, id: FileId) -> bool {
        self.files.name(id).ends_with('/')
    }

    /// How many files the estate holds: every entry but the places of folders that could not
    /// be listed.
    pub fn file_count(&self) -> usize {
        self.file_ids().filter(|id| !self.is_folder(*id)).count()
    }

    /// The syntax and input-limit diagnostics of every file.
    pub fn syntax_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.parsed.iter().flat_map(|p| p.diagnostics.iter())
    }
}

fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A folder that could not be listed (here, an error as the system gives one, which root
    /// cannot be made to get) holds a place named after it with a `/`: its SDD002 names it and
    /// says why, in JSON and SARIF too; it is kept out as a file that cannot be read is, and it
    /// is no file. Reached from two paths (`sdd check . drafts`), it is named once.
    #[test]
    fn a_folder_that_could_not_be_listed_holds_a_place_named_after_it() {
        let dir = std::env::temp_dir().join(format!("sdd-unlisted-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("p.sdd"), "person p { name: 5 }\n").unwrap();
        let denied = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let unlisted = |path: PathBuf| UnlistedFolder {
            path,
            error: denied(),
        };
        let estate = Estate::from_found(
            vec![dir.join("p.sdd")],
            vec![
                unlisted(dir.join("drafts")),
                unlisted(dir.join("./drafts/")),
            ],
        );
        let name = format!("{}/drafts/", display_name(&dir));
        let folder = estate.files.find(&name).expect("the folder's place");
        assert_eq!(estate.files.len(), 2);
        assert_eq!(estate.file_count(), 1);
        assert!(estate.is_folder(folder));
        assert_eq!(estate.skipped().collect::<Vec<_>>(), [folder]);
        let diagnostics = crate::analysis::check(&estate, &Default::default());
        let sdd002: Vec<&Diagnostic> = (diagnostics.iter())
            .filter(|d| d.code == crate::codes::Code::Sdd002)
            .collect();
        assert_eq!(sdd002.len(), 1, "{diagnostics:?}");
        assert_eq!(sdd002[0].file(), folder);
        assert_eq!(
            sdd002[0].message,
            format!("cannot list this folder: {}", denied())
        );
        // The file beside it is still checked.
        assert!(diagnostics
            .iter()
            .any(|d| d.code == crate::codes::Code::Sdd103));
        let json = crate::render::json::render(&diagnostics, &estate.files);
        assert!(json.contains(&format!("\"file\": \"{name}\"")), "{json}");
        let sarif = crate::emit::sarif::render(&diagnostics, &estate.files);
        assert!(sarif.contains(&crate::emit::sarif::uri(&name)), "{sarif}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
