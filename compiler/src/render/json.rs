//! Diagnostics as JSON: an array with one object per diagnostic.
//!
//! Each object: `file`, `range` (`start`/`end` with one-based `line` and `column`, columns in
//! Unicode scalar values, plus `byte` offsets), `code`, `severity`, `message`, `labels` (every
//! label with its own file, range, message and whether it is the primary one), `notes`, `help`.

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Label};
use crate::source::Files;

fn range(files: &Files, label: &Label) -> Value {
    let file = files.get(label.file);
    let (sl, sc) = file.line_col(label.span.start as usize);
    let (el, ec) = file.line_col(label.span.end as usize);
    json!({
        "start": { "line": sl, "column": sc, "byte": label.span.start },
        "end": { "line": el, "column": ec, "byte": label.span.end },
    })
}

pub fn to_value(diagnostic: &Diagnostic, files: &Files) -> Value {
    let mut labels = vec![json!({
        "file": files.name(diagnostic.primary.file),
        "range": range(files, &diagnostic.primary),
        "message": diagnostic.primary.message,
        "primary": true,
    })];
    labels.extend(diagnostic.secondary.iter().map(|l| {
        json!({
            "file": files.name(l.file),
            "range": range(files, l),
            "message": l.message,
            "primary": false,
        })
    }));
    json!({
        "file": files.name(diagnostic.file()),
        "range": range(files, &diagnostic.primary),
        "code": diagnostic.code.as_str(),
        "severity": diagnostic.severity.as_str(),
        "message": diagnostic.message,
        "labels": labels,
        "notes": diagnostic.notes,
        "help": diagnostic.help,
    })
}

/// The whole list, pretty-printed.
pub fn render(diagnostics: &[Diagnostic], files: &Files) -> String {
    let values: Vec<Value> = diagnostics.iter().map(|d| to_value(d, files)).collect();
    serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_string())
}
