//! Reading one entry of an estate: a file, read no further than the size limit and decoded as
//! UTF-8 text, or kept out whole by an SDD002 (too large, not UTF-8 text, a lone carriage
//! return, or not readable at all); and the place a folder that could not be listed holds.

use std::path::Path;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax;

/// An entry of the estate as read: its name in the files database and what reading it gave.
pub(super) struct Source {
    pub(super) name: String,
    pub(super) content: Content,
}

/// What reading one entry of an estate gave.
pub(super) enum Content {
    /// A file's bytes and its size, which is the number of bytes except for a file over the
    /// size limit, of which only the start is read.
    Bytes { bytes: Vec<u8>, size: u64 },
    /// Nothing: why the file could not be read or the folder listed.
    Unreadable { part: Part, why: String },
}

/// Which part of an estate could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    File,
    Folder,
}

/// One file as the estate reads it from disk.
#[derive(Debug)]
pub struct Read {
    /// The text; for a file kept out, what of it is shown in its report (perhaps nothing).
    pub text: String,
    /// The SDD002 that keeps the file out: too large, not UTF-8 text, or not readable (for a
    /// folder's place, not listable). It names the file [`FileId`]`(0)` until
    /// [`Estate::replace`](super::Estate::replace) gives it the file's id.
    pub problem: Option<Diagnostic>,
}

impl Read {
    /// An editor's buffer, taken as [`Estate::load`](super::Estate::load) takes a file's
    /// text: a NUL byte in its first 8 KiB or a lone carriage return keeps it out with the same
    /// SDD002. The whole text is kept (the editor's next change applies to it), so the report's
    /// line runs on past the `\r`.
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

    /// The place of a folder that could not be listed: no text, and the SDD002 that says why.
    pub(super) fn unlisted_folder(why: &str) -> Read {
        Read {
            text: String::new(),
            problem: Some(cannot_read(FileId(0), Part::Folder, why)),
        }
    }
}

/// Read one file as [`Estate::load`](super::Estate::load) reads each: no more than the size
/// limit, and decoded, with the SDD002 of a file too large, not UTF-8 text or not readable at
/// all (a link to nothing, a pipe, a failed read: the language server, on a file changed on
/// disk, so that it reports what `sdd check` reports; `sdd fmt`).
pub fn read_file(path: &Path) -> Read {
    let source = Source {
        name: String::new(),
        content: read_content(path),
    };
    let (_, text, problem) = decode(FileId(0), source);
    Read { text, problem }
}

/// What reading the file at `path` gives: its bytes, or why it cannot be read. What is no
/// regular file is not opened (a pipe would block the reader forever).
pub(super) fn read_content(path: &Path) -> Content {
    let unreadable = |why: String| Content::Unreadable {
        part: Part::File,
        why,
    };
    if let Some(why) = why_not_a_file(path) {
        return unreadable(why);
    }
    match read_at_most_the_limit(path) {
        Ok((bytes, size)) => Content::Bytes { bytes, size },
        Err(e) => unreadable(e.to_string()),
    }
}

/// Why the entry at `path` is no regular file to read, if it is not: a symbolic link to
/// nothing (or one that cannot be followed), a pipe, a device or a socket, or what the system
/// said when asked.
fn why_not_a_file(path: &Path) -> Option<String> {
    const SPECIAL: &str = "(a pipe, a device or a socket is not read)";
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(_) if link => Some(format!(
            "a symbolic link to something that is not a regular file {SPECIAL}"
        )),
        Ok(_) => Some(format!("not a regular file {SPECIAL}")),
        Err(e) if link && e.kind() == std::io::ErrorKind::NotFound => {
            Some("a symbolic link to nothing that exists".to_string())
        }
        Err(e) if link => Some(format!("a symbolic link that cannot be followed: {e}")),
        Err(e) => Some(e.to_string()),
    }
}

/// A file's bytes, but no more than one past [`syntax::MAX_FILE_BYTES`] (so a file over the
/// limit is reported without being read whole, however large), and its size.
pub(super) fn read_at_most_the_limit(path: &Path) -> std::io::Result<(Vec<u8>, u64)> {
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

/// Text from bytes, or a single SDD002 when the file is too large, is not UTF-8 text or could
/// not be read (or, for a folder's place, listed).
pub(super) fn decode(id: FileId, source: Source) -> (String, String, Option<Diagnostic>) {
    let Source { name, content } = source;
    let (bytes, size) = match content {
        Content::Bytes { bytes, size } => (bytes, size),
        Content::Unreadable { part, why } => {
            return (name, String::new(), Some(cannot_read(id, part, &why)))
        }
    };
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

/// The SDD002 of a file that could not be read or a folder that could not be listed: it is
/// kept out of the estate whole, and the rest is checked without it.
fn cannot_read(id: FileId, part: Part, why: &str) -> Diagnostic {
    let (message, label, help) = match part {
        Part::File => (
            format!("cannot read this file: {why}"),
            "file skipped",
            "what it declares is missing from the estate: make it a readable file, or remove it",
        ),
        Part::Folder => (
            format!("cannot list this folder: {why}"),
            "folder skipped",
            "what its files declare is missing from the estate: make the folder readable, or \
             move it out of the estate",
        ),
    };
    Diagnostic::new(Code::Sdd002, id, Span::default(), message)
        .with_label(label)
        .with_help(help)
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
