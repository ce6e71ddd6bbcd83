//! One line per diagnostic for CI logs: `file:line:col: error[SDD101]: message`
//! (codespan-reporting's short style, no colour).

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::term::{self, Config, DisplayStyle};

use super::printable::escaped;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Files};

/// Render one diagnostic as a single line (without the trailing newline).
pub fn render(diagnostic: &Diagnostic, files: &Files) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let cs: CsDiagnostic<FileId> = CsDiagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(escaped(&diagnostic.message))
        .with_labels(vec![CsLabel::primary(
            diagnostic.primary.file,
            diagnostic.primary.span.range(),
        )]);
    let config = Config {
        display_style: DisplayStyle::Short,
        ..Config::default()
    };
    match term::emit_into_string(&config, files, &cs) {
        Ok(s) => s.trim_end().to_string(),
        Err(_) => {
            let (line, col) = files
                .get(diagnostic.file())
                .line_col(diagnostic.primary.span.start as usize);
            format!(
                "{}:{line}:{col}: {}[{}]: {}",
                super::printable::one_line(files.name(diagnostic.file())),
                diagnostic.severity.as_str(),
                diagnostic.code,
                escaped(&diagnostic.message)
            )
        }
    }
}
