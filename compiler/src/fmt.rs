//! The formatter: one canonical layout for `.sdd` files that keeps every comment.
//!
//! [`format`] is what `sdd fmt` and the language server's formatting call. It refuses a file
//! with syntax errors (the tree of such a file is a guess). It works from the syntax tree and
//! the comments the lexer set aside: [`layout`] decides the layout (described there) and
//! [`writer`] places the comments and blank lines. Before returning, the result is parsed
//! again and must give the same tree and the same comments ([`equivalence`]), so formatting
//! can never change a value, a fingerprint or a diagnostic.

mod equivalence;
mod layout;
pub mod strings;
mod writer;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use crate::syntax;

/// Why a file was not formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file has syntax errors (or breaks an input limit): these diagnostics, in `file`.
    Syntax(Vec<Diagnostic>),
    /// The canonical layout of this file would not mean the same as the file (a bug in the
    /// formatter, never expected): the file is better left as it is.
    Unstable(String),
}

impl FormatError {
    /// The syntax diagnostics that made the formatter refuse the file (none for `Unstable`).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            FormatError::Syntax(d) => d,
            FormatError::Unstable(_) => &[],
        }
    }
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(d) => write!(
                f,
                "{} syntax error{}; fix {} before formatting",
                d.len(),
                if d.len() == 1 { "" } else { "s" },
                if d.len() == 1 { "it" } else { "them" }
            ),
            FormatError::Unstable(why) => write!(f, "not formatted: {why}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// The text of one file in the canonical layout. Diagnostics carry `file`.
pub fn format(file: FileId, text: &str) -> Result<String, FormatError> {
    let parsed = syntax::parse(file, text);
    // A bidirectional control character (SDD003) is no mistake of syntax: the layout writes
    // one in a string as its escape, which fixes it, and keeps a comment's as it is.
    let syntax: Vec<Diagnostic> = (parsed.diagnostics.iter())
        .filter(|d| syntax::breaks_the_tree(d))
        .cloned()
        .collect();
    if !syntax.is_empty() {
        return Err(FormatError::Syntax(syntax));
    }
    let mut formatted = layout::file(text, &parsed);
    // The line ends and a leading byte order mark are the file's encoding (a Windows checkout
    // has `\r\n`), not its layout: they stay, so `sdd fmt --check` passes the same files on
    // every system.
    if crate::source::line_end_of(text) == "\r\n" {
        formatted = with_crlf(&formatted);
    }
    if text.starts_with(syntax::token::BYTE_ORDER_MARK) {
        formatted.insert(0, syntax::token::BYTE_ORDER_MARK);
    }
    let again = syntax::parse(file, &formatted);
    equivalence::check(text, &parsed, &formatted, &again).map_err(FormatError::Unstable)?;
    Ok(formatted)
}

/// The layout's text (line ends `\n`) with `\r\n` line ends. The carriage returns the layout
/// left before a line end, if any, are dropped first: a line end is one `\r\n`, never more,
/// and what a line end is made of changes no value (a text block's lines lose their `\r`).
fn with_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(line.trim_end_matches('\r'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format(FileId(0), text).unwrap()
    }

    #[test]
    fn lays_out_items_fields_and_lists() {
        let text = "person  bob{name:\"Bob\"   roles:[a,b,]}\nenum e {x,y}";
        assert_eq!(
            fmt(text),
            "person bob {\n  name: \"Bob\"\n  roles: [a, b]\n}\n\nenum e { x, y }\n"
        );
    }

    #[test]
    fn keeps_comments_where_they_were() {
        let text = "// head\n\n/// doc\nperson bob { // open\n  // lead\n  name: \"B\" // tail\n\n  // before close\n}\n// end\n";
        assert_eq!(
            fmt(text),
            "// head\n\n/// doc\nperson bob { // open\n  // lead\n  name: \"B\" // tail\n\n  // before close\n}\n// end\n"
        );
    }

    #[test]
    fn keeps_a_leading_byte_order_mark() {
        assert_eq!(
            fmt("\u{feff}person  bob {name:\"B\"}"),
            "\u{feff}person bob { name: \"B\" }\n"
        );
        let formatted = fmt("\u{feff}// head\nperson bob {}\n");
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn refuses_syntax_errors() {
        let err = format(FileId(3), "person bob { name: }").unwrap_err();
        assert!(!err.diagnostics().is_empty());
        assert!(err.diagnostics().iter().all(|d| d.file() == FileId(3)));
    }

    #[test]
    fn empty_file_stays_empty() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n  \n"), "");
    }
}
