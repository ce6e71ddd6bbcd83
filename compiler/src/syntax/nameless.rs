//! Recovery from a field whose name is missing: a line that starts with `:`.
//!
//! `autonomy_limit: autonomous` with its name deleted (or swapped with the `:`,
//! `:autonomy_limit autonomous`) leaves a line that starts with `:` after a complete entry.
//! Without help the parser takes the last token of the line before for the field's name
//! (`field ticket?: text` / `: autonomous` reads as a field `text` inside a broken `field`
//! header) and gives up on the rest of the file: two errors, neither at the mistake.
//!
//! A `:` that starts a line after a complete entry (a `}`, `]` or a value, or a name that ends
//! a line already holding a `:`, which is that line's value or type) has no name before it:
//! [`drop_nameless_fields`] drops the rest of its line and reports it once (SDD001), at the
//! `:`. A name alone on the line before (`autonomy_limit` / `: autonomous`) is the field's
//! name written over two lines, which the grammar allows: that is left as written. A line
//! whose brackets and braces do not balance is left to the other recoveries.
//!
//! When the line is `:name value`, the help says the name and its `:` are swapped.
//!
//! It runs only on a file with syntax errors, in one pass over the tokens.

use super::layout::Layout;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The tokens without the lines that are a field missing its name, each reported (SDD001);
/// `None` when there is no such line.
pub(super) fn drop_nameless_fields(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    // Only a file with a `:` starting a line is looked at further (one cheap pass).
    let starts_a_line = |i: usize| {
        let before = tokens[i - 1].1.end as usize;
        text[before..tokens[i].1.start as usize].contains('\n')
    };
    if !(1..tokens.len()).any(|i| tokens[i].0 == Token::Colon && starts_a_line(i)) {
        return None;
    }
    let layout = Layout::new(text, tokens);
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let (kind, span) = tokens[i];
        if kind == Token::Colon && i > 0 && layout.first_on_line(i) {
            let end = line_end(&layout, tokens, i);
            if after_a_complete_entry(&layout, tokens, i) && balanced(&tokens[i..end]) {
                diagnostics.push(nameless(file, text, span, &tokens[i + 1..end]));
                i = end;
                continue;
            }
        }
        out.push((kind, span));
        i += 1;
    }
    (out.len() < tokens.len()).then_some(out)
}

/// The index after the last token on the line of token `at`.
fn line_end(layout: &Layout, tokens: &[(Token, Span)], at: usize) -> usize {
    (at + 1..tokens.len())
        .find(|&j| layout.first_on_line(j))
        .unwrap_or(tokens.len())
}

/// Whether the token before `colon` (on an earlier line) ends a complete entry.
fn after_a_complete_entry(layout: &Layout, tokens: &[(Token, Span)], colon: usize) -> bool {
    let before = colon - 1;
    match tokens[before].0 {
        Token::RBrace
        | Token::RBracket
        | Token::RAngle
        | Token::Str
        | Token::TextBlock
        | Token::Person
        | Token::Int
        | Token::Decimal
        | Token::Date
        | Token::DateTime
        | Token::Duration
        | Token::Version => true,
        // A name is a value or a type when its line already has a `:` before it.
        Token::Ident => {
            let first = layout.first(before);
            (tokens[first..before].iter()).any(|(t, _)| *t == Token::Colon)
        }
        _ => false,
    }
}

/// Whether the brackets and braces among `tokens` balance.
fn balanced(tokens: &[(Token, Span)]) -> bool {
    let mut depth = 0i32;
    for (kind, _) in tokens {
        if kind.opens() {
            depth += 1;
        } else if kind.closes() {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
    }
    depth == 0
}

fn nameless(file: FileId, text: &str, colon: Span, value: &[(Token, Span)]) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::Sdd001,
        file,
        colon,
        "expected a field name before `:`",
    )
    .with_label("the field's name is missing");
    match (value.first(), value.last()) {
        // `:name value`: the name and its `:` swapped.
        (Some((Token::Ident, name)), Some((_, last)))
            if value.len() == 2 && name.start == colon.end =>
        {
            let value = &text[value[1].1.start as usize..last.end as usize];
            let name = &text[name.range()];
            diagnostic.with_help(format!("the name comes before its `:`: `{name}: {value}`"))
        }
        (Some((_, first)), Some((_, last))) => {
            let value = &text[first.start as usize..last.end as usize];
            diagnostic.with_help(format!("a field is written `name: {value}`"))
        }
        _ => diagnostic.with_help("a field is written `name: value`"),
    }
}

#[cfg(test)]
mod tests {
    use crate::codes::Code;
    use crate::source::FileId;

    /// The syntax errors of `text`: what each covers, where it starts, and its message.
    fn errors(text: &str) -> Vec<(String, usize, String)> {
        let parsed = crate::syntax::parse(FileId(0), text);
        (parsed.diagnostics.into_iter())
            .filter(|d| d.code == Code::Sdd001)
            .map(|d| {
                let span = d.primary.span.range();
                (text[span.clone()].to_string(), span.start, d.message)
            })
            .collect()
    }

    #[test]
    fn a_line_starting_with_a_colon_after_a_typed_field_is_one_error_at_it() {
        let text = "profile p {\n  field ticket?: text\n  : autonomous\n  quorum: { spec: 1 }\n}\n";
        let at = text.find(": autonomous").unwrap();
        let expected = ":".to_string();
        assert_eq!(
            errors(text),
            [(expected, at, "expected a field name before `:`".to_string())]
        );
        // The name swapped with the `:`.
        let text = "profile p {\n  field ticket?: text\n  :autonomy_limit autonomous\n}\n";
        assert_eq!(errors(text).len(), 1, "{:?}", errors(text));
        let parsed = crate::syntax::parse(FileId(0), text);
        assert_eq!(
            parsed.diagnostics[0].help.as_deref(),
            Some("the name comes before its `:`: `autonomy_limit: autonomous`")
        );
    }

    #[test]
    fn a_name_alone_on_the_line_before_the_colon_is_the_fields_name() {
        let text = "profile p {\n  autonomy_limit\n  : autonomous\n}\n";
        assert_eq!(errors(text), []);
        let text = "profile p {\n  field ticket?\n  : text\n}\n";
        assert_eq!(errors(text), []);
    }
}
