//! Diagnostics as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run whose driver lists a rule for every code (id, a PascalCase name, the title as
//! short description, the `sdd explain` text as full description and help, and the default
//! level). Each result has its rule, level, message (with notes and help), the primary
//! location as an artifact URI (the file name as the estate knows it, percent-encoded) with a
//! one-based region, and every secondary label as a related location. Columns count Unicode
//! code points (`columnKind: unicodeCodePoints`).

use serde_json::{json, Value as Json};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::render::printable::escaped;
use crate::source::Files;

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// `unknown name` → `UnknownName`.
pub fn rule_name(code: Code) -> String {
    code.title()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A file name as a URI: a relative reference for a relative name (as `sdd check` given
/// relative paths names files, and as code scanning wants them), a `file://` URI for an
/// absolute one; unreserved characters and `/` kept, every other byte percent-encoded.
pub fn uri(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 7);
    if name.starts_with('/') {
        out.push_str("file://");
    }
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn location(files: &Files, label: &Label) -> Json {
    let file = files.get(label.file);
    let (start_line, start_column) = file.line_col(label.span.start as usize);
    let (end_line, end_column) = file.line_col(label.span.end as usize);
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(files.name(label.file))},
            "region": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            },
        },
    })
}

/// The result's message: the diagnostic's message, label, notes and help, with the
/// characters a viewer would act on or that show text otherwise escaped, as every renderer
/// for people writes them.
fn message(d: &Diagnostic) -> String {
    escaped(&message_raw(d)).into_owned()
}

fn message_raw(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if !d.primary.message.is_empty() {
        text.push_str(&format!(": {}", d.primary.message));
    }
    for note in &d.notes {
        text.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    text
}

fn rules() -> Vec<Json> {
    Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "name": rule_name(*code),
                "shortDescription": {"text": code.title()},
                "fullDescription": {"text": escaped(code.explanation())},
                "help": {"text": escaped(code.explanation())},
                "defaultConfiguration": {"level": level(code.default_severity())},
            })
        })
        .collect()
}

fn result(d: &Diagnostic, files: &Files) -> Json {
    let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    let related: Vec<Json> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut loc = location(files, label);
            loc["id"] = json!(i + 1);
            loc["message"] = json!({"text": escaped(&label.message)});
            loc
        })
        .collect();
    let mut r = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": message(d)},
        "locations": [location(files, &d.primary)],
    });
    if !related.is_empty() {
        r["relatedLocations"] = Json::Array(related);
    }
    r
}

/// The SARIF log of some diagnostics.
pub fn to_value(diagnostics: &[Diagnostic], files: &Files) -> Json {
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sdd",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules(),
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(|d| result(d, files)).collect::<Vec<_>>(),
        }],
    })
}

/// The SARIF log, pretty-printed.
pub fn render(diagnostics: &[Diagnostic], files: &Files) -> String {
    serde_json::to_string_pretty(&to_value(diagnostics, files)).unwrap_or_default()
}

/// The SARIF log of a check that could not run (the estate named in the command could not be
/// read at all): the diagnostics that say why, and an invocation that did not succeed, with the
/// command's exit code, so a viewer shows the failure rather than a clean run.
pub fn render_not_run(diagnostics: &[Diagnostic], files: &Files, exit_code: u8) -> String {
    let mut log = to_value(diagnostics, files);
    log["runs"][0]["invocations"] = json!([{
        "executionSuccessful": false,
        "exitCode": exit_code,
    }]);
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// A message, note or label that quotes the estate's text is escaped in the machine
    /// formats as in the terminal: a viewer (code scanning) would show a bidirectional override
    /// raw.
    #[test]
    fn messages_are_escaped_in_json_and_sarif() {
        use crate::codes::Code;
        use crate::diagnostic::Diagnostic;
        use crate::source::{FileId, Files, Span};
        let mut files = Files::new();
        let file = files.add("a.sdd".to_string(), "person p {}\n".to_string());
        let d = Diagnostic::new(Code::Sdd204, file, Span::new(0, 6), "stale")
            .with_label("here \u{202E}x")
            .with_note("changed to \"a\u{202E}b\"");
        let _ = FileId(0);
        for out in [
            super::render(std::slice::from_ref(&d), &files),
            crate::render::json::render(std::slice::from_ref(&d), &files),
        ] {
            assert!(!out.contains('\u{202E}'), "{out}");
            assert!(out.contains("\\\\u{202e}"), "{out}");
        }
    }

    #[test]
    fn relative_names_stay_relative_and_absolute_ones_are_file_uris() {
        assert_eq!(super::uri("examples/a b.sdd"), "examples/a%20b.sdd");
        assert_eq!(super::uri("/tmp/e/é.sdd"), "file:///tmp/e/%C3%A9.sdd");
    }
}
