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
}
