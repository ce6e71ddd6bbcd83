//! The one place that converts between the compiler's world and the protocol's: byte offsets
//! ⇄ UTF-16 line/character positions, URIs ⇄ estate file names, and sdd diagnostics → LSP
//! diagnostics (secondary labels, notes and help become related information).
//!
//! A position past the end of a line is clamped to the line's end (as the protocol asks); a
//! position on a line the file does not have converts to nothing, and the caller answers
//! with an empty result, except in an edit of the document, where it is the text's end
//! ([`edit_span`]).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sdd::diagnostic::{Diagnostic, Severity};
use sdd::render::printable::escaped;
use sdd::source::{FileId, Files, SourceFile, Span};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::{Position, Range, Uri};

/// The UTF-16 position of a byte offset (clamped to the text).
///
/// Lines are counted as the protocol counts them: at `\n`, `\r\n` and a `\r` alone. The
/// compiler counts `\n` only (a `\r` alone is its SDD002), so each lone `\r` before the
/// offset adds a line here.
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let offset = floor_boundary(file.text(), offset);
    let line = file.line_index(offset);
    let lone = file.lone_carriage_returns();
    let before = lone.partition_point(|&cr| (cr as usize) < offset);
    let start = match before.checked_sub(1) {
        Some(last) => file.line_start(line).max(lone[last] as usize + 1),
        None => file.line_start(line),
    };
    // UTF-16 counts a character outside the Basic Multilingual Plane as two units. The core
    // counts both kinds in constant time however long the line (a minified file).
    let count = file.column_counts(start, offset);
    Position::new((line + before) as u32, (count.chars + count.astral) as u32)
}

/// The byte offset of a UTF-16 position; `None` for a line the file does not have.
pub fn offset(file: &SourceFile, position: Position) -> Option<usize> {
    let (start, end) = protocol_line(file, position.line as usize)?;
    // A leading byte order mark is not a character of the first line (editors hide it).
    let start = start.max(file.text_start());
    let text = file.text()[start..end].trim_end_matches(['\n', '\r']);
    let mut units = 0usize;
    for (i, c) in text.char_indices() {
        if units >= position.character as usize {
            return Some(start + i);
        }
        units += c.len_utf16();
        // A position inside a surrogate pair belongs to the character it splits.
        if units > position.character as usize {
            return Some(start + i);
        }
    }
    Some(start + text.len())
}

/// The bytes of a line as the protocol counts lines (see [`position`]), its line break
/// included; `None` for a line the file does not have.
fn protocol_line(file: &SourceFile, line: usize) -> Option<(usize, usize)> {
    let lone = file.lone_carriage_returns();
    if line >= file.line_count() + lone.len() {
        return None;
    }
    if lone.is_empty() {
        return Some((file.line_start(line), file.line_start(line + 1)));
    }
    let lone_before = |at: usize| lone.partition_point(|&cr| (cr as usize) < at);
    // The compiler's line holding it: the last whose first protocol line is at most `line`.
    let (mut low, mut high) = (0, file.line_count());
    while high - low > 1 {
        let mid = (low + high) / 2;
        match mid + lone_before(file.line_start(mid)) <= line {
            true => low = mid,
            false => high = mid,
        }
    }
    let first = lone_before(file.line_start(low));
    let within = line - (low + first);
    let compiler_end = file.line_start(low + 1);
    let breaks = &lone[first..lone_before(compiler_end)];
    if within > breaks.len() {
        return None;
    }
    let start = match within.checked_sub(1) {
        Some(i) => breaks[i] as usize + 1,
        None => file.line_start(low),
    };
    let end = breaks
        .get(within)
        .map_or(compiler_end, |&cr| cr as usize + 1);
    Some((start, end))
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    Range::new(
        position(file, span.start as usize),
        position(file, span.end as usize),
    )
}

/// The byte span of a range; `None` when either end lies on a line the file does not have.
pub fn span(file: &SourceFile, range: Range) -> Option<Span> {
    let start = offset(file, range.start)?;
    let end = offset(file, range.end)?;
    Some(Span::new(start.min(end), end.max(start)))
}

/// The byte span of a range in a document edit (`didChange`): a position on a line the file
/// does not have stands for the end of the text, as the protocol's reference implementation of
/// document sync reads it (`vscode-languageserver-textdocument`): a client that replaces
/// "everything" as `(0,0)`–`(lineCount + 1, 0)` must not see its edit dropped and every later
/// edit applied to the wrong text.
pub fn edit_span(file: &SourceFile, range: Range) -> Span {
    let at = |p: Position| offset(file, p).unwrap_or(file.text().len());
    let (start, end) = (at(range.start), at(range.end));
    Span::new(start.min(end), end.max(start))
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The estate file name for a `file:` URI (the file's path, as the estate loader names it), or
/// for an `untitled:` one (the URI).
pub fn file_name(uri: &Uri) -> Option<String> {
    // A document not saved yet (`untitled:Untitled-1`) is named by its URI: a buffer outside
    // every workspace folder, analysed with the estate.
    if uri.scheme().as_str() == UNTITLED {
        return Some(uri.as_str().to_string());
    }
    if uri.scheme().as_str() != "file" {
        return None;
    }
    let path = uri.to_file_path()?;
    Some(name_of_path(&path))
}

/// The estate name of a path: forward slashes.
pub fn name_of_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The scheme of a document not saved yet.
const UNTITLED: &str = "untitled";

/// The URI of an estate file name: `file:`, or the `untitled:` URI an unsaved document is
/// named by.
pub fn uri(name: &str) -> Option<Uri> {
    if name.starts_with("untitled:") {
        return Uri::from_str(name).ok();
    }
    let path = PathBuf::from(name);
    Uri::from_file_path(&path).or_else(|| Uri::from_str(&format!("file://{name}")).ok())
}

/// An sdd diagnostic as the protocol's: same code, message and range; secondary labels,
/// notes and help as related information.
pub fn diagnostic(d: &Diagnostic, files: &Files) -> lsp::Diagnostic {
    let file = files.get(d.file());
    let here = uri(files.name(d.file()));
    let mut related: Vec<lsp::DiagnosticRelatedInformation> = Vec::new();
    for label in &d.secondary {
        if let Some(u) = uri(files.name(label.file)) {
            related.push(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(u, range(files.get(label.file), label.span)),
                message: escaped(&label.message).into_owned(),
            });
        }
    }
    if let Some(u) = &here {
        let at = lsp::Location::new(u.clone(), range(file, d.primary.span));
        for note in &d.notes {
            related.push(lsp::DiagnosticRelatedInformation {
                location: at.clone(),
                message: format!("note: {}", escaped(note)),
            });
        }
        if let Some(help) = &d.help {
            related.push(lsp::DiagnosticRelatedInformation {
                location: at,
                message: format!("help: {}", escaped(help)),
            });
        }
    }
    lsp::Diagnostic {
        range: range(file, d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("sdd".into()),
        // Escaped as the command line escapes it: an invisible or bidirectional character the
        // message quotes from the estate is shown, not hidden in the editor's problem list.
        message: escaped(&d.message).into_owned(),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

/// A compiler location as the protocol's.
pub fn location(files: &Files, file: FileId, span: Span) -> Option<lsp::Location> {
    Some(lsp::Location::new(
        uri(files.name(file))?,
        range(files.get(file), span),
    ))
}

/// A snippet with its placeholders replaced by their default text, for clients without
/// snippet support.
pub fn plain_snippet(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut rest = snippet;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            let close = inner.find('}').unwrap_or(inner.len());
            let body = &inner[..close];
            let default = match body.split_once(':') {
                Some((_, text)) => text,
                None => body
                    .split_once('|')
                    .and_then(|(_, choices)| choices.split([',', '|']).next())
                    .unwrap_or(""),
            };
            out.push_str(default);
            rest = inner.get(close + 1..).unwrap_or("");
        } else {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(text: &str) -> Position {
        position(&SourceFile::new("a.sdd", text), text.len())
    }

    /// The end of a document as the protocol counts lines: `\r\n`, `\n` and a `\r` alone.
    /// A whole-document edit ending there replaces the whole text in any client.
    #[test]
    fn a_documents_end_counts_a_lone_cr_as_a_line_break() {
        assert_eq!(end(""), Position::new(0, 0));
        assert_eq!(end("a😀"), Position::new(0, 3));
        assert_eq!(end("a\r\nb\n"), Position::new(2, 0));
        assert_eq!(end("person a {}\rperson b {}\n"), Position::new(2, 0));
        assert_eq!(end("a {\r}\r"), Position::new(2, 0));
        assert_eq!(end("\u{feff}a\rbc"), Position::new(1, 2));
    }

    /// Every position after a lone `\r` is on the protocol's next line (the client's), and
    /// converts back to the same byte.
    #[test]
    fn positions_after_a_lone_cr_count_it_as_a_line_break() {
        let text = "person a {}\rperson b {\r\n  x: 1\r\r}\nz";
        let file = SourceFile::new("a.sdd", text);
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(position(&file, at("person b")), Position::new(1, 0));
        assert_eq!(position(&file, at("b {")), Position::new(1, 7));
        assert_eq!(position(&file, at("x:")), Position::new(2, 2));
        assert_eq!(position(&file, at("}\nz")), Position::new(4, 0));
        assert_eq!(position(&file, at("z")), Position::new(5, 0));
        // The `\r` itself ends the line it is on.
        assert_eq!(position(&file, at("\r")), Position::new(0, 11));
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let back = super::offset(&file, position(&file, offset)).unwrap();
            let line_break = matches!(text.as_bytes().get(offset), Some(b'\n'))
                && text.as_bytes().get(offset.wrapping_sub(1)) == Some(&b'\r');
            // The `\n` of a `\r\n` is no position of its own: it converts to the line's end.
            let expected = if line_break { offset - 1 } else { offset };
            assert_eq!(back, expected, "offset {offset}");
        }
        // The empty line between the two lone `\r`s, and lines the file does not have.
        assert_eq!(super::offset(&file, Position::new(3, 5)), Some(at("\r}")));
        assert_eq!(super::offset(&file, Position::new(6, 0)), None);
        assert_eq!(file.lone_carriage_returns().len(), 3);
    }

    /// In an edit, a position on a line the file does not have is the text's end; one past a
    /// line's end is that line's end, as everywhere.
    #[test]
    fn an_edit_past_the_last_line_runs_to_the_end_of_the_text() {
        let file = SourceFile::new("a.sdd", "ab\ncd\n");
        let range = |a: (u32, u32), b: (u32, u32)| {
            Range::new(Position::new(a.0, a.1), Position::new(b.0, b.1))
        };
        assert_eq!(edit_span(&file, range((0, 0), (3, 0))), Span::new(0, 6));
        assert_eq!(edit_span(&file, range((1, 1), (9, 4))), Span::new(4, 6));
        assert_eq!(edit_span(&file, range((0, 9), (1, 0))), Span::new(2, 3));
        assert_eq!(span(&file, range((0, 0), (3, 0))), None);
    }

    #[test]
    fn utf16_positions_round_trip_through_accents_cjk_and_emoji() {
        // é is 2 bytes/1 unit, 中 3 bytes/1 unit, 😀 4 bytes/2 units.
        let file = SourceFile::new("a.sdd", "x \"é中😀\" y\n// 😀z\n");
        let y = file.text().find('y').unwrap();
        assert_eq!(position(&file, y), Position::new(0, 9));
        assert_eq!(offset(&file, Position::new(0, 9)), Some(y));
        let z = file.text().find('z').unwrap();
        assert_eq!(position(&file, z), Position::new(1, 5));
        assert_eq!(offset(&file, Position::new(1, 5)), Some(z));
        // inside the emoji's surrogate pair: the emoji's start
        let emoji = file.text().find('😀').unwrap();
        assert_eq!(offset(&file, Position::new(0, 6)), Some(emoji));
        // past the end of a line: the line's end; past the last line: nothing
        assert_eq!(
            offset(&file, Position::new(0, 99)),
            Some(file.text().find('\n').unwrap())
        );
        assert_eq!(offset(&file, Position::new(2, 0)), Some(file.text().len()));
        assert_eq!(offset(&file, Position::new(3, 0)), None);
    }

    /// A file read from disk with a byte order mark: the mark is no character of line 0, as
    /// in the editor, which strips it from the buffer.
    #[test]
    fn a_byte_order_mark_is_no_utf16_unit() {
        let file = SourceFile::new("a.sdd", "\u{feff}ab\nc");
        assert_eq!(position(&file, 4), Position::new(0, 1));
        assert_eq!(offset(&file, Position::new(0, 1)), Some(4));
        assert_eq!(offset(&file, Position::new(0, 0)), Some(3));
        assert_eq!(position(&file, 0), Position::new(0, 0));
        assert_eq!(offset(&file, Position::new(1, 0)), Some(6));
    }

    /// Far into a long line (past the core's 4 KiB blocks, which cut through characters
    /// here) the position is still the plain UTF-16 count, and converts back.
    #[test]
    fn utf16_positions_far_into_a_long_line() {
        let line: String = (0..30_000).map(|i| ["a", "é", "中", "😀"][i % 4]).collect();
        let text = format!("first\n{line}\n");
        let file = SourceFile::new("a.sdd", text.as_str());
        for (at, _) in text.char_indices().skip(6).step_by(1_013) {
            let units: usize = text[6..at].chars().map(char::len_utf16).sum();
            assert_eq!(position(&file, at), Position::new(1, units as u32));
            assert_eq!(offset(&file, position(&file, at)), Some(at));
        }
    }

    #[test]
    fn crlf_line_ends_are_not_part_of_a_line() {
        let file = SourceFile::new("a.sdd", "ab\r\ncd");
        assert_eq!(offset(&file, Position::new(0, 10)), Some(2));
        assert_eq!(position(&file, 4), Position::new(1, 0));
    }

    #[test]
    fn snippets_degrade_to_their_defaults() {
        assert_eq!(
            plain_snippet(
                "requirement ${1:R1} \"${2:title}\" {\n\tpriority: ${3|must,should|}\n\t$0\n}"
            ),
            "requirement R1 \"title\" {\n\tpriority: must\n\t\n}"
        );
    }
}
