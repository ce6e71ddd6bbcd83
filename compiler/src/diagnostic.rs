//! The one diagnostic type every stage of the compiler produces.
//!
//! A [`Diagnostic`] has a stable [`Code`], a severity, a message, one primary label and any
//! number of secondary labels, notes and an optional help line. Spans are byte offsets; turning
//! them into lines, columns or UTF-16 positions is the renderers' and the language server's job.
//! The table of codes (severity, title, explanation) lives in [`crate::codes`].

use crate::codes::Code;
use crate::source::{FileId, Files, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a file with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, span: Span, message: impl Into<String>) -> Label {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity; the primary label has no text of its own.
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            primary: Label::new(file, span, ""),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label::new(file, span, message));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn file(&self) -> FileId {
        self.primary.file
    }
}

/// A keyword with its indefinite article, for messages: `a person`, `an engagement`.
pub fn with_article(noun: &str) -> String {
    format!("{} {noun}", article(noun))
}

/// "a" or "an", as the word it comes before is spoken: "an `enum`", "an `as_built`".
pub fn article(word: &str) -> &'static str {
    match word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        true => "an",
        false => "a",
    }
}

/// Sort diagnostics into the order users and pipelines see: file name, span, code, message.
/// Sorting by file *name* (not id) keeps the output independent of the order files were read.
pub fn sort(diagnostics: &mut [Diagnostic], files: &Files) {
    diagnostics.sort_by(|a, b| {
        files
            .name(a.file())
            .cmp(files.name(b.file()))
            .then(a.primary.span.cmp(&b.primary.span))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}

/// Counts of errors and warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Tally {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

#[cfg(test)]
mod tests {
    /// Messages read as English: "`boss` is a person, not an engagement".
    #[test]
    fn keywords_get_the_article_they_take() {
        assert_eq!(super::with_article("engagement"), "an engagement");
        assert_eq!(super::with_article("asset"), "an asset");
        assert_eq!(super::with_article("person"), "a person");
        assert_eq!(
            super::with_article("requirement or test"),
            "a requirement or test"
        );
    }
}
