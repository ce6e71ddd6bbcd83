//! Rich terminal reports with ariadne, byte-indexed, colour only when asked.
//!
//! A [`Renderer`] keeps ariadne's index of each file's lines between reports, so rendering
//! every diagnostic of a large file costs the file once, not once per diagnostic.

use std::collections::HashMap;
use std::fmt;

use ariadne::{Cache, Color, Config, IndexType, Label, Report, ReportKind, Source};

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
    indexed: HashMap<FileId, Source<&'a str>>,
}

impl<'a> Cache<FileId> for Sources<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<&'a str>, impl fmt::Debug> {
        let files = self.files;
        Ok::<_, ()>(
            self.indexed
                .entry(*id)
                .or_insert_with(|| Source::from(files.text(*id))),
        )
    }

    fn display<'b>(&self, id: &'b FileId) -> Option<impl fmt::Display + 'b> {
        Some(self.files.name(*id).to_string())
    }
}

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
        let span = |label: &crate::diagnostic::Label| (label.file, label.span.range());
        let mut report = Report::build(kind, span(&diagnostic.primary))
            .with_config(
                Config::default()
                    .with_index_type(IndexType::Byte)
                    .with_color(self.color),
            )
            .with_code(diagnostic.code)
            .with_message(&diagnostic.message);
        let mut primary = Label::new(span(&diagnostic.primary)).with_color(primary_color);
        if !diagnostic.primary.message.is_empty() {
            primary = primary.with_message(&diagnostic.primary.message);
        }
        report = report.with_label(primary);
        for (i, label) in diagnostic.secondary.iter().enumerate() {
            report = report.with_label(
                Label::new(span(label))
                    .with_message(&label.message)
                    .with_color(Color::Blue)
                    .with_order(i as i32 + 1),
            );
        }
        for note in &diagnostic.notes {
            report = report.with_note(note);
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(help);
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
            format!("{}:{line}:{column}", files.name(label.file))
        };
        let kind = match diagnostic.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        let mut out = format!(
            "[{}] {kind}: {}\n   ╭─[ {} ]\n   │\n",
            diagnostic.code,
            diagnostic.message,
            at(&diagnostic.primary)
        );
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            if !label.message.is_empty() {
                let _ = writeln!(out, "   │ {}: {}", at(label), label.message);
            }
        }
        let _ = writeln!(
            out,
            "   │ \n   │ Note: line {} of {} is {} bytes long; it is not shown",
            long.line,
            files.name(long.file),
            long.bytes
        );
        for note in &diagnostic.notes {
            let _ = writeln!(out, "   │ Note: {note}");
        }
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "   │ Help: {help}");
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
}
