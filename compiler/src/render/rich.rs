//! Rich terminal reports with ariadne, colour only when asked. Spans are given to ariadne in
//! characters, converted from the byte spans of diagnostics here.
//!
//! A [`Renderer`] keeps ariadne's index of each file's lines between reports, so rendering
//! every diagnostic of a large file costs the file once, not once per diagnostic.
//!
//! ariadne walks every line between the first and the last label of a snippet. A report whose
//! labels lie far apart in one file (a requirement and the `as_built` record 20,000 lines
//! below it) would cost those lines each time, so labels more than [`MAX_SNIPPET_GAP`] lines
//! apart go into separate snippets of the same file, and a label over more than
//! [`MAX_LABEL_LINES`] lines is shown on its first line only.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use ariadne::{Cache, Color, Config, IndexType, Label, Report, ReportKind, Source};

use super::printable::{self, escaped};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Files};

/// Renders diagnostics over one set of files.
pub struct Renderer<'a> {
    color: bool,
    sources: Sources<'a>,
}

/// ariadne's view of the files: each file's text and line index, built when first needed.
struct Sources<'a> {
    files: &'a Files,
    indexed: HashMap<FileId, Source<Cow<'a, str>>>,
}

impl<'a> Sources<'a> {
    /// A file's text and line index, indexed the first time it is asked for. A leading byte
    /// order mark is left out, so that ariadne's columns on line 1 are an editor's, and
    /// control characters are shown as visible ones, each in its own column.
    fn source(&mut self, id: FileId) -> &Source<Cow<'a, str>> {
        let file = self.files.get(id);
        (self.indexed)
            .entry(id)
            .or_insert_with(|| Source::from(printable::pictured(&file.text()[file.text_start()..])))
    }
}

/// What ariadne knows a label's source by: the file, and which snippet of this report the
/// label is shown in (ariadne puts labels of different sources in different snippets).
type SnippetId = (FileId, u32);

impl<'a> Cache<SnippetId> for Sources<'a> {
    type Storage = Cow<'a, str>;

    fn fetch(&mut self, id: &SnippetId) -> Result<&Source<Cow<'a, str>>, impl fmt::Debug> {
        Ok::<_, ()>(self.source(id.0))
    }

    fn display<'b>(&self, id: &'b SnippetId) -> Option<impl fmt::Display + 'b> {
        Some(printable::one_line(self.files.name(id.0)).into_owned())
    }
}

/// Labels of one report more than this many lines apart in a file are shown in separate
/// snippets (ariadne would otherwise walk every line between them).
pub const MAX_SNIPPET_GAP: usize = 50;
/// A label spanning more lines than this is shown on its first line only.
pub const MAX_LABEL_LINES: usize = 50;

impl<'a> Renderer<'a> {
    pub fn new(files: &'a Files, color: bool) -> Renderer<'a> {
        Renderer {
            color,
            sources: Sources {
                files,
                indexed: HashMap::new(),
            },
        }
    }

    /// Render one diagnostic as a rich report.
    pub fn render(&mut self, diagnostic: &Diagnostic) -> String {
        if let Some(long) = self.long_line(diagnostic) {
            return self.render_without_source(diagnostic, long);
        }
        let (kind, primary_color) = match diagnostic.severity {
            Severity::Error => (ReportKind::Error, Color::Red),
            Severity::Warning => (ReportKind::Warning, Color::Yellow),
        };
        let spans = self.snippet_spans(diagnostic);
        let mut report = Report::build(kind, spans[0].clone())
            .with_config(
                Config::default()
                    // Characters: with byte offsets ariadne took a snippet's character
                    // offset for a byte offset when it headed a snippet of another source
                    // (and sliced a character in two).
                    .with_index_type(IndexType::Char)
                    .with_color(self.color),
            )
            .with_code(diagnostic.code)
            .with_message(escaped(&diagnostic.message));
        let mut primary = Label::new(spans[0].clone()).with_color(primary_color);
        if !diagnostic.primary.message.is_empty() {
            primary = primary.with_message(escaped(&diagnostic.primary.message));
        }
        report = report.with_label(primary);
        for (i, (label, span)) in diagnostic.secondary.iter().zip(&spans[1..]).enumerate() {
            report = report.with_label(
                Label::new(span.clone())
                    .with_message(escaped(&label.message))
                    .with_color(Color::Blue)
                    .with_order(i as i32 + 1),
            );
        }
        for note in &diagnostic.notes {
            report = report.with_note(escaped(note));
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(escaped(help));
        }
        let mut out = Vec::new();
        // Writing to a Vec cannot fail; a broken span would only lose this one report.
        let _ = report.finish().write(&mut self.sources, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Lines longer than this (in bytes) are not shown under a report: a report quotes the
/// whole line of each label, so thousands of diagnostics on one line of a minified or
/// generated file would print that line thousands of times.
pub const MAX_SHOWN_LINE: usize = 1_000;

/// A line too long to show: its file, one-based number and length in bytes.
struct LongLine {
    file: FileId,
    line: usize,
    bytes: usize,
}

impl Renderer<'_> {
    /// Each label's span for ariadne, primary first, in the order ariadne groups them: a
    /// label joins the snippet of the one before when it is in the same file, not above it
    /// and at most [`MAX_SNIPPET_GAP`] lines below it; otherwise it starts a new snippet. A
    /// label over more than [`MAX_LABEL_LINES`] lines is cut to the end of its first line.
    /// The spans are in characters, as ariadne is told to count.
    fn snippet_spans(
        &mut self,
        diagnostic: &Diagnostic,
    ) -> Vec<(SnippetId, std::ops::Range<usize>)> {
        let files = self.sources.files;
        let mut snippet = 0;
        let mut previous: Option<(FileId, usize)> = None;
        std::iter::once(&diagnostic.primary)
            .chain(&diagnostic.secondary)
            .map(|label| {
                let file = files.get(label.file);
                let mut range = label.span.range();
                let first = file.line_index(range.start);
                let mut last = file.line_index(range.end.saturating_sub(1).max(range.start));
                if last - first > MAX_LABEL_LINES {
                    let end_of_first = file.line_start(first + 1).saturating_sub(1);
                    range.end = end_of_first.max(range.start);
                    last = first;
                }
                let joins = previous.is_some_and(|(f, line)| {
                    f == label.file && first >= line && first - line <= MAX_SNIPPET_GAP
                });
                if !joins && previous.is_some() {
                    snippet += 1;
                }
                previous = Some((label.file, last));
                (label.file, snippet, range)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(file, snippet, range)| {
                let chars = self.char_offset(file, range.start)..self.char_offset(file, range.end);
                ((file, snippet), chars)
            })
            .collect()
    }

    /// The characters before a byte offset of a file: ariadne's line of it (which knows
    /// its first character's offset) and the characters of that line before it.
    /// Offsets are into the text ariadne has, which starts after a byte order mark.
    fn char_offset(&mut self, id: FileId, byte: usize) -> usize {
        let file = self.sources.files.get(id);
        let start = file.text_start();
        let source = self.sources.source(id);
        let byte = byte.max(start);
        let in_line = source
            .get_byte_line(byte - start)
            .and_then(|(line, _, column)| {
                let text = source.get_line_text(line)?;
                (column <= MAX_SHOWN_LINE).then_some(())?;
                Some(line.offset() + text.get(..column)?.chars().count())
            });
        // Far into a long line (the end of a label), past the end, or (never for a
        // diagnostic's span) inside a character: the file's own count, by 4 KiB blocks (less
        // the byte order mark's one character).
        in_line.unwrap_or_else(|| file.char_offset(byte) - usize::from(start > 0))
    }

    /// The first line a label of the diagnostic is on that is too long to show.
    fn long_line(&self, diagnostic: &Diagnostic) -> Option<LongLine> {
        let files = self.sources.files;
        std::iter::once(&diagnostic.primary)
            .chain(&diagnostic.secondary)
            .find_map(|label| {
                let file = files.get(label.file);
                let line = file.line_index(label.span.start as usize);
                let bytes = file.line_start(line + 1) - file.line_start(line);
                (bytes > MAX_SHOWN_LINE).then_some(LongLine {
                    file: label.file,
                    line: line + 1,
                    bytes,
                })
            })
    }

    /// The report in the same frame without the source: where each label points and what it
    /// says, then the notes.
    fn render_without_source(&self, diagnostic: &Diagnostic, long: LongLine) -> String {
        use std::fmt::Write as _;
        let files = self.sources.files;
        let at = |label: &crate::diagnostic::Label| {
            let (line, column) = files.get(label.file).line_col(label.span.start as usize);
            format!("{}:{line}:{column}", escaped(files.name(label.file)))
        };
        let kind = match diagnostic.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        let mut out = format!(
            "[{}] {kind}: {}\n   ╭─[ {} ]\n   │\n",
            diagnostic.code,
            escaped(&diagnostic.message),
            at(&diagnostic.primary)
        );
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            if !label.message.is_empty() {
                let _ = writeln!(out, "   │ {}: {}", at(label), escaped(&label.message));
            }
        }
        let _ = writeln!(
            out,
            "   │ \n   │ Note: line {} of {} is {} bytes long; it is not shown",
            long.line,
            escaped(files.name(long.file)),
            long.bytes
        );
        for note in &diagnostic.notes {
            let _ = writeln!(out, "   │ Note: {}", escaped(note));
        }
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "   │ Help: {}", escaped(help));
        }
        out.push_str("───╯\n");
        out
    }
}

/// Render one diagnostic as a rich report (indexing its files for this report alone: use a
/// [`Renderer`] for many).
pub fn render(diagnostic: &Diagnostic, files: &Files, color: bool) -> String {
    Renderer::new(files, color).render(diagnostic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use crate::source::Span;

    /// A renderer that has already indexed the files renders each report exactly as a fresh
    /// one does, including reports that point into two files and into a file indexed before.
    #[test]
    fn a_shared_renderer_renders_as_a_fresh_one() {
        let mut files = Files::new();
        let a = files.add("a.sdd", "person alice {\n  name: \"Alice\"\n}\n");
        let b = files.add("b.sdd", "é role lead {\n  members: [alice, bob]\n}\n");
        let diagnostics = [
            Diagnostic::new(Code::Sdd101, b, Span::new(31, 34), "unknown name `bob`")
                .with_label("not declared")
                .with_secondary(a, Span::new(7, 12), "a person declared here")
                .with_note("names are case-sensitive"),
            Diagnostic::new(Code::Sdd001, a, Span::new(17, 21), "expected a value")
                .with_help("write a string"),
            Diagnostic::new(Code::Sdd101, b, Span::new(0, 2), "unexpected character")
                .with_severity(Severity::Warning),
        ];
        for color in [false, true] {
            let mut shared = Renderer::new(&files, color);
            for d in &diagnostics {
                let report = shared.render(d);
                assert!(report.contains(files.name(d.primary.file)), "{report}");
                assert_eq!(report, render(d, &files, color));
            }
        }
    }

    /// In a file saved with a byte order mark, a label on line 1 is in the column an editor
    /// shows, as the short format says, and the quoted line does not carry the mark.
    #[test]
    fn a_byte_order_mark_moves_no_column() {
        let mut files = Files::new();
        let a = files.add("a.sdd", "\u{feff}person bob { nme: \"B\" }\n");
        let bob = files.text(a).find("bob").unwrap();
        let d = Diagnostic::new(Code::Sdd104, a, Span::new(bob, bob + 3), "missing `name`")
            .with_label("add `name: …`");
        let report = render(&d, &files, false);
        assert!(report.contains("a.sdd:1:8 "), "{report}");
        assert!(!report.contains('\u{feff}'), "{report}");
        assert!(crate::render::short::render(&d, &files).starts_with("a.sdd:1:8:"));
    }

    /// Control characters and bidirectional overrides from the estate (in a message, a note
    /// or the quoted line) never reach the terminal raw, and the label stays under its text.
    #[test]
    fn control_characters_are_shown_not_sent() {
        let mut files = Files::new();
        // Found by the `check` fuzz target: a run of NULs before a label shifted it past its
        // end (ariadne panics on a backwards span) while pictures were longer than the bytes.
        let text = format!(
            "person p {{ ip: \"\u{1b}[2J\u{202e}x{}\u{9b}\" zz: 1 }}\n",
            "\u{0}".repeat(40)
        );
        let text = text.as_str();
        let a = files.add("a\u{7}.sdd", text);
        let at = text.find("zz").unwrap();
        let d = Diagnostic::new(Code::Sdd103, a, Span::new(at, at + 2), "`\u{1b}[2J` is bad")
            .with_label("here \u{7}")
            .with_note("was \"\u{202e}x\"")
            .with_help("\u{9b}31m");
        let unsafe_chars = ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'];
        for report in [
            render(&d, &files, false),
            crate::render::short::render(&d, &files),
        ] {
            assert!(!report.contains(unsafe_chars), "{report:?}");
        }
        let report = render(&d, &files, false);
        assert!(report.contains("\\u{1b}[2J` is bad"), "{report}");
        assert!(report.contains("was \"\\u{202e}x\""), "{report}");
        // The quoted line keeps one column per character: the label is under `zz`.
        let quoted = report.lines().find(|l| l.contains("zz: 1")).unwrap();
        let marks = report.lines().find(|l| l.contains("─┬")).unwrap();
        let column = |l: &str, pat: &str| l.find(pat).map(|b| l[..b].chars().count());
        assert_eq!(column(quoted, "zz"), column(marks, "─┬"), "{report}");
        let zz = text[..at].chars().count() + 1;
        assert!(report.contains(&format!(".sdd:1:{zz} ]")), "{report}");
    }

    /// A label on a line too long to show gets the report without the source, and the report
    /// says why: its size does not grow with the line's.
    #[test]
    fn a_label_on_a_very_long_line_is_reported_without_the_line() {
        let mut files = Files::new();
        let long = format!("engagement e {{ {} zzz: 1 }}\n", "a: 1 ".repeat(400));
        let a = files.add("a.sdd", long.as_str());
        let at = long.find("zzz").unwrap();
        let d = Diagnostic::new(
            Code::Sdd105,
            a,
            Span::new(at, at + 3),
            "unknown field `zzz`",
        )
        .with_label("unknown field")
        .with_secondary(a, Span::new(0, 10), "in this engagement")
        .with_help("remove it");
        let report = render(&d, &files, false);
        assert_eq!(
            report,
            format!(
                "[SDD105] Error: unknown field `zzz`\n   ╭─[ a.sdd:1:{} ]\n   │\n\
                 \x20  │ a.sdd:1:{}: unknown field\n   │ a.sdd:1:1: in this engagement\n   │ \n\
                 \x20  │ Note: line 1 of a.sdd is {} bytes long; it is not shown\n\
                 \x20  │ Help: remove it\n───╯\n",
                at + 1,
                at + 1,
                long.len()
            )
        );
        // A line of the limit's length is still shown.
        let mut files = Files::new();
        let line = format!("{}\n", "x".repeat(MAX_SHOWN_LINE - 1));
        let b = files.add("b.sdd", line.as_str());
        let report = render(
            &Diagnostic::new(Code::Sdd001, b, Span::new(0, 1), "m"),
            &files,
            false,
        );
        assert!(report.contains(&line[..MAX_SHOWN_LINE - 1]), "{report}");
    }

    /// A label over more lines than [`MAX_LABEL_LINES`] is shown on its first line: the
    /// report does not quote (or walk) the lines it spans. A shorter one keeps its frame.
    #[test]
    fn a_label_over_many_lines_is_shown_on_its_first_line() {
        let body = |lines: usize| {
            let mut text = String::from("engagement e {\n");
            for i in 0..lines {
                text.push_str(&format!("  f{i}: 1\n"));
            }
            text.push_str("}\n");
            text
        };
        let mut files = Files::new();
        let tall = body(MAX_LABEL_LINES + 10);
        let short = body(3);
        let a = files.add("a.sdd", tall.as_str());
        let b = files.add("b.sdd", short.as_str());
        let report = |file, text: &str| {
            let d = Diagnostic::new(Code::Sdd105, file, Span::new(0, text.len() - 1), "m")
                .with_label("this engagement");
            render(&d, &files, false)
        };
        let tall_report = report(a, &tall);
        assert!(tall_report.contains("engagement e {"), "{tall_report}");
        assert!(tall_report.contains("this engagement"), "{tall_report}");
        assert!(!tall_report.contains("f0: 1"), "{tall_report}");
        assert!(!tall_report.contains("f59: 1"), "{tall_report}");
        let short_report = report(b, &short);
        assert!(short_report.contains("engagement e {"), "{short_report}");
        assert!(short_report.contains("├─▶ }"), "{short_report}");
    }

    /// Labels far apart in one file are shown in two snippets, each headed by its own place;
    /// labels close together share one.
    #[test]
    fn labels_far_apart_get_a_snippet_each() {
        let mut text = String::from("first\n");
        text.push_str(&"filler\n".repeat(MAX_SNIPPET_GAP + 5));
        text.push_str("last\n");
        let mut files = Files::new();
        let a = files.add("a.sdd", text.as_str());
        let last = text.find("last").unwrap();
        let far = Diagnostic::new(Code::Sdd305, a, Span::new(0, 5), "m")
            .with_label("here")
            .with_secondary(a, Span::new(last, last + 4), "and there");
        let report = render(&far, &files, false);
        let line = MAX_SNIPPET_GAP + 7;
        assert!(report.contains("╭─[ a.sdd:1:1 ]"), "{report}");
        assert!(
            report.contains(&format!("├─[ a.sdd:{line}:1 ]")),
            "{report}"
        );
        assert!(!report.contains("filler"), "{report}");
        let near = Diagnostic::new(Code::Sdd305, a, Span::new(0, 5), "m")
            .with_label("here")
            .with_secondary(a, Span::new(6, 12), "and just below");
        let report = render(&near, &files, false);
        assert!(!report.contains("├─["), "{report}");
        assert!(report.contains("and just below"), "{report}");
    }

    /// The character offsets given to ariadne, read off its own lines, are the file's own
    /// count at every character boundary: across lines ariadne alone breaks (U+2028, a lone
    /// carriage return), characters of two to four bytes, and far into a long line.
    #[test]
    fn character_offsets_agree_with_the_files_count() {
        let long = "é".repeat(MAX_SHOWN_LINE);
        let text = format!("a é €\u{2028}🚀 b\r\nc\rd\n{long}x\n\nend");
        let mut files = Files::new();
        let a = files.add("a.sdd", text.as_str());
        let mut renderer = Renderer::new(&files, false);
        for byte in (0..=text.len()).filter(|&b| text.is_char_boundary(b)) {
            assert_eq!(
                renderer.char_offset(a, byte),
                text[..byte].chars().count(),
                "at byte {byte}"
            );
        }
    }
}
