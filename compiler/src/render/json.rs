//! Diagnostics as JSON: an array with one object per diagnostic.
//!
//! Each object: `file`, `range` (`start`/`end` with one-based `line` and `column`, columns in
//! Unicode scalar values, plus `byte` offsets), `code`, `severity`, `message`, `labels` (every
//! label with its own file, range, message and whether it is the primary one), `notes`, `help`.
//! Keys are written in alphabetical order (the order of the fields below).

use serde::Serialize;

use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, Label};
use crate::render::printable::escaped;
use crate::source::Files;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    file: &'a str,
    help: Option<Cow<'a, str>>,
    labels: Vec<JsonLabel<'a>>,
    message: Cow<'a, str>,
    notes: Vec<Cow<'a, str>>,
    range: JsonRange,
    severity: &'static str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    message: Cow<'a, str>,
    primary: bool,
    range: JsonRange,
}

#[derive(Serialize, Clone, Copy)]
struct JsonRange {
    end: JsonPosition,
    start: JsonPosition,
}

#[derive(Serialize, Clone, Copy)]
struct JsonPosition {
    byte: u32,
    column: usize,
    line: usize,
}

fn range(files: &Files, label: &Label) -> JsonRange {
    let file = files.get(label.file);
    let position = |byte: u32| {
        let (line, column) = file.line_col(byte as usize);
        JsonPosition { byte, column, line }
    };
    JsonRange {
        end: position(label.span.end),
        start: position(label.span.start),
    }
}

fn label<'a>(files: &'a Files, label: &'a Label, primary: bool, range: JsonRange) -> JsonLabel<'a> {
    JsonLabel {
        file: files.name(label.file),
        message: escaped(&label.message),
        primary,
        range,
    }
}

fn to_json<'a>(diagnostic: &'a Diagnostic, files: &'a Files) -> JsonDiagnostic<'a> {
    // The primary label's range is the diagnostic's own: located once.
    let primary = range(files, &diagnostic.primary);
    let mut labels = vec![label(files, &diagnostic.primary, true, primary)];
    labels.extend((diagnostic.secondary.iter()).map(|l| label(files, l, false, range(files, l))));
    JsonDiagnostic {
        code: diagnostic.code.as_str(),
        file: files.name(diagnostic.file()),
        help: diagnostic.help.as_deref().map(escaped),
        labels,
        message: escaped(&diagnostic.message),
        notes: diagnostic.notes.iter().map(|n| escaped(n)).collect(),
        range: primary,
        severity: diagnostic.severity.as_str(),
    }
}

/// The whole list, pretty-printed.
pub fn render(diagnostics: &[Diagnostic], files: &Files) -> String {
    let values: Vec<JsonDiagnostic> = diagnostics.iter().map(|d| to_json(d, files)).collect();
    serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_string())
}
