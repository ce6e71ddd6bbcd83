//! Renderers: the only code that turns diagnostics into text for people and pipelines.
//!
//! `rich` (ariadne) for terminals, `short` (codespan-reporting) for CI logs, `json` for tools.
//! Each takes diagnostics already sorted by [`crate::diagnostic::sort`].

pub mod json;
pub mod printable;
pub mod rich;
pub mod short;

use crate::diagnostic::Tally;

/// The closing summary line: `2 errors, 1 warning`.
pub fn summary(tally: Tally) -> String {
    fn plural(n: usize, word: &str) -> String {
        format!("{n} {word}{}", if n == 1 { "" } else { "s" })
    }
    format!(
        "{}, {}",
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning")
    )
}
