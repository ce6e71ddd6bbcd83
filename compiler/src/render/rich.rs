//! Rich terminal reports with ariadne, byte-indexed, colour only when asked.

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Files;

/// Render one diagnostic as a rich report.
pub fn render(diagnostic: &Diagnostic, files: &Files, color: bool) -> String {
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let primary_color = match diagnostic.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    let name = |id| files.name(id).to_string();
    let span = |label: &crate::diagnostic::Label| (name(label.file), label.span.range());
    let mut report = Report::build(kind, span(&diagnostic.primary))
        .with_config(
            Config::default()
                .with_index_type(IndexType::Byte)
                .with_color(color),
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
    let mut ids = vec![diagnostic.primary.file];
    ids.extend(diagnostic.secondary.iter().map(|l| l.file));
    ids.sort();
    ids.dedup();
    let cache = ariadne::sources(
        ids.into_iter()
            .map(|id| (name(id), files.text(id).to_string())),
    );
    let mut out = Vec::new();
    // Writing to a Vec cannot fail; a broken span would only lose this one report.
    let _ = report.finish().write(cache, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
