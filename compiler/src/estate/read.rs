//! Reading one file of an estate: no more than the size limit, decoded as UTF-8 text, or kept
//! out whole by an SDD002 (too large, not UTF-8 text, a lone carriage return).

use std::path::Path;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax;

/// A file as read: its name, its bytes and its size, which is the number of bytes except for
/// a file over the size limit, of which only the start is read.
pub(super) struct Source {
    pub(super) name: String,
    pub(super) bytes: Vec<u8>,
    pub(super) size: u64,
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

/// Text from bytes, or a single SDD002 when the file is too large or is not UTF-8 text.
pub(super) fn decode(id: FileId, source: Source) -> (String, String, Option<Diagnostic>) {
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
