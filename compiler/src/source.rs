//! The files database: every source text the compiler has seen, addressed by [`FileId`].
//!
//! `Files` owns the text and the line starts of each file. It is the one place that turns byte
//! offsets into lines and columns for the renderers (it implements codespan-reporting's `Files`
//! trait), so the rest of the compiler works in byte [`Span`]s only.

use std::ops::Range;
use std::sync::OnceLock;

/// U+FEFF, accepted only as a file's first character (Windows editors and PowerShell write
/// one). The lexer skips it, and no column counts it: an editor does not show it.
pub const BYTE_ORDER_MARK: char = '\u{feff}';

/// The line end a text uses: `\r\n` when its first line ends so (a Windows checkout), else
/// `\n`. The formatter and `sdd approve` write it, so that an edit never mixes line ends.
pub fn line_end_of(text: &str) -> &'static str {
    match text.find('\n').is_some_and(|at| text[..at].ends_with('\r')) {
        true => "\r\n",
        false => "\n",
    }
}

/// Index of a file in [`Files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range inside one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= self.end as usize
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// One source file: its display name, text and line starts.
///
/// The line starts are found the first time a position is asked for: a check that reports
/// nothing never needs them, and on a large estate they are a sizeable index to build.
/// The text is read-only once the file exists, so the index never goes stale.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    text: String,
    line_starts: OnceLock<Vec<u32>>,
    /// The offset of every `\r` not followed by `\n`, built on first use (see
    /// [`SourceFile::lone_carriage_returns`]).
    lone_carriage_returns: OnceLock<Vec<u32>>,
    /// The characters before each [`CHAR_BLOCK`]-byte block of the text, built the first time a
    /// column is asked for more than a block into a line (a minified or generated file).
    char_blocks: OnceLock<Vec<CharCount>>,
}

/// Columns more than this many bytes into a line are counted from the block index: a column
/// costs at most two blocks' count, however long the line, so a report of thousands of
/// diagnostics on one long line stays linear.
const CHAR_BLOCK: usize = 4096;

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            lone_carriage_returns: OnceLock::new(),
            char_blocks: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the text proper starts: after a leading [`BYTE_ORDER_MARK`], else at 0. Spans
    /// count the mark's bytes; columns on the first line start after it.
    pub fn text_start(&self) -> usize {
        match self.text.starts_with(BYTE_ORDER_MARK) {
            true => BYTE_ORDER_MARK.len_utf8(),
            false => 0,
        }
    }

    /// The text, given back (the language server edits it in place between parses).
    pub fn into_text(self) -> String {
        self.text
    }

    /// The byte offset of the start of every line, built on first use. Offsets fit in `u32`
    /// as spans do: the input limits keep a file far below 4 GiB.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// Zero-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts().binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where a zero-based line starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line)
            .map_or(self.text.len(), |&start| start as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The byte offset of every `\r` that no `\n` follows, in order. The compiler counts lines
    /// at `\n` only and reports such a `\r` (SDD002); a client of the language server counts
    /// it as a line break, so positions sent there count these too. Empty for almost every
    /// file, and found the first time it is asked for.
    pub fn lone_carriage_returns(&self) -> &[u32] {
        self.lone_carriage_returns.get_or_init(|| {
            let bytes = self.text.as_bytes();
            (self.text.match_indices('\r'))
                .map(|(i, _)| i)
                .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i as u32)
                .collect()
        })
    }

    /// One-based line and one-based column in Unicode scalar values.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        (line + 1, self.column(self.line_start(line), offset) + 1)
    }

    /// Zero-based column of `offset` in the line starting at `line_start`, in Unicode scalar
    /// values (an offset inside a character counts that character).
    pub fn column(&self, line_start: usize, offset: usize) -> usize {
        self.column_counts(line_start, offset).chars
    }

    /// The characters between `line_start` and `offset`, and how many of them lie outside the
    /// Basic Multilingual Plane (the language server counts those twice, in UTF-16). A
    /// leading byte order mark is not counted.
    pub fn column_counts(&self, line_start: usize, offset: usize) -> CharCount {
        let offset = offset.min(self.text.len());
        let line_start = line_start.max(self.text_start()).min(offset);
        if offset - line_start <= CHAR_BLOCK {
            return CharCount::of(&self.text.as_bytes()[line_start..offset]);
        }
        self.chars_before(offset)
            .minus(self.chars_before(line_start))
    }

    /// The characters before a byte offset of the text.
    /// The characters (Unicode scalar values) before a byte offset, from the start of the
    /// text: the offset rich reports give ariadne, which counts in characters.
    pub fn char_offset(&self, offset: usize) -> usize {
        self.chars_before(offset.min(self.text.len())).chars
    }

    fn chars_before(&self, offset: usize) -> CharCount {
        let bytes = self.text.as_bytes();
        let blocks = self.char_blocks.get_or_init(|| {
            let mut total = CharCount::default();
            let mut blocks = vec![total];
            for block in bytes.chunks(CHAR_BLOCK) {
                total = total.plus(CharCount::of(block));
                blocks.push(total);
            }
            blocks
        });
        let block = offset / CHAR_BLOCK;
        blocks[block].plus(CharCount::of(&bytes[block * CHAR_BLOCK..offset]))
    }
}

/// A count of characters in some text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CharCount {
    /// Unicode scalar values.
    pub chars: usize,
    /// Those of them outside the Basic Multilingual Plane (U+10000 and above).
    pub astral: usize,
}

impl CharCount {
    /// The characters that start in these bytes: every byte that is not a UTF-8 continuation
    /// byte (`0b10xx_xxxx`) starts one, and a lead byte of four (`0b1111_0xxx`) an astral one.
    /// Written as plain counts so that they compile to vector loops.
    fn of(bytes: &[u8]) -> CharCount {
        CharCount {
            chars: bytes.iter().filter(|&&b| (b as i8) >= -0x40).count(),
            astral: bytes.iter().filter(|&&b| b >= 0xF0).count(),
        }
    }

    fn plus(self, other: CharCount) -> CharCount {
        CharCount {
            chars: self.chars + other.chars,
            astral: self.astral + other.astral,
        }
    }

    fn minus(self, other: CharCount) -> CharCount {
        CharCount {
            chars: self.chars - other.chars,
            astral: self.astral - other.astral,
        }
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
        .collect()
}

/// The files database.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn new() -> Files {
        Files::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.push(SourceFile::new(name, text))
    }

    /// Add a file already indexed (as files read in parallel are).
    pub fn push(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Replace a file's text, keeping its id (used by the language server).
    pub fn set_text(&mut self, id: FileId, text: impl Into<String>) {
        let name = std::mem::take(&mut self.files[id.0 as usize].name);
        self.files[id.0 as usize] = SourceFile::new(name, text);
    }

    pub fn name(&self, id: FileId) -> &str {
        &self.get(id).name
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.get(id).text
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len() as u32).map(FileId)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn find(&self, name: &str) -> Option<FileId> {
        self.ids().find(|&id| self.name(id) == name)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Files {
    type FileId = FileId;
    type Name = std::borrow::Cow<'a, str>;
    type Source = &'a str;

    /// The name as printed: a control character or a line break in a path is shown escaped,
    /// so one diagnostic stays on its lines.
    fn name(&'a self, id: FileId) -> Result<Self::Name, codespan_reporting::files::Error> {
        Ok(crate::render::printable::one_line(&self.get(id).name))
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.get(id).text)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.get(id).line_index(byte_index))
    }

    /// The column in characters, counted as [`SourceFile::column`] counts it (codespan's
    /// default walks the line byte by byte for every diagnostic).
    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let file = self.get(id);
        let end = file.line_start(line_index + 1);
        Ok(file.column(file.line_start(line_index), byte_index.min(end)) + 1)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self.get(id);
        if line_index >= file.line_count() {
            return Err(codespan_reporting::files::Error::LineTooLarge {
                given: line_index,
                max: file.line_count() - 1,
            });
        }
        Ok(file.line_start(line_index)..file.line_start(line_index + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a.sdd", "ab\nçé x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'x' is after two two-byte characters and a space
        assert_eq!(f.line_col(3 + 5), (2, 4));
        assert_eq!(f.line_col(100), (3, 1));
    }

    /// A leading byte order mark is no column: `b` is in column 2 of line 1, as an editor
    /// shows it, in a short line and far into a long one alike.
    #[test]
    fn a_byte_order_mark_is_not_counted_in_columns() {
        let f = SourceFile::new("a.sdd", "\u{feff}ab\nc");
        assert_eq!(f.text_start(), 3);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(4), (1, 2));
        assert_eq!(f.line_col(6), (2, 1));
        let long = format!("\u{feff}{}b", "é".repeat(5000));
        let f = SourceFile::new("b.sdd", long.as_str());
        assert_eq!(f.line_col(long.len() - 1), (1, 5001));
        assert_eq!(SourceFile::new("c.sdd", "ab").text_start(), 0);
    }

    /// Columns far into a long line come from the block index and agree with a plain count of
    /// characters, whatever the blocks cut through (multi-byte characters straddle them here).
    #[test]
    fn columns_in_a_long_line_count_characters() {
        let line: String = (0..20_000).map(|i| ["a", "é", "中", "😀"][i % 4]).collect();
        let text = format!("first\n{line}\nlast");
        let f = SourceFile::new("a.sdd", text.as_str());
        let start = 6;
        for (chars, (offset, _)) in text[start..].char_indices().enumerate().step_by(997) {
            assert_eq!(
                f.line_col(start + offset),
                (2, chars + 1),
                "at byte {offset}"
            );
        }
        let last = text.rfind("last").unwrap();
        assert_eq!(f.line_col(last + 2), (3, 3));
        // The index is built only for a column more than a block into its line.
        assert!(f.char_blocks.get().is_some());
        // codespan's columns (the short report) agree with its own default count.
        let mut files = Files::new();
        let id = files.add("a.sdd", text.as_str());
        use codespan_reporting::files::Files as _;
        for offset in (start..text.len()).step_by(1_009) {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let line = files.line_index(id, offset).unwrap();
            let range = files.line_range(id, line).unwrap();
            assert_eq!(
                files.column_number(id, line, offset).unwrap(),
                codespan_reporting::files::column_index(&text, range, offset) + 1
            );
        }
        let short = SourceFile::new("b.sdd", "ab\ncd");
        assert_eq!(short.line_col(4), (2, 2));
        assert!(short.char_blocks.get().is_none());
    }
}
