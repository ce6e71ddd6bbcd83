//! One mistake, one error: what recovery still reports twice.
//!
//! Recovery reports each broken entry once, but one mistake can still break two things on
//! one line (a stray `=` inside a date is a malformed value, an unexpected character and a
//! second malformed value), and a file that ends inside open blocks (the state of a file
//! being typed at its end) is reported at its end as well as at the line that was cut off.
//!
//! - [`file_ends_inside`] words the error at the end of a file inside open blocks: it names
//!   the innermost open block and the line it was opened on, and lists the others.
//! - [`one_per_line`] keeps one syntax error (SDD001) per line: the first, or the unexpected
//!   character that most often is the mistake itself. The error at the end of the file is
//!   on the line of the file's last token; when that line already has an error (the file was
//!   cut off in the middle of it), the end of the file becomes a note of that error.
//!
//! - [`close_after_another`] drops a parser error that comes right after another (one token
//!   in between at most): the parser has not read enough since the first to be back in step
//!   (the rule of yacc's error recovery, which waits for three tokens), and a second error so
//!   close is the first one's echo (`acceptance: }` with its string on the next line). An
//!   error of the lexer is never dropped: each is a fact about its own token.
//!
//! - [`drop_opened_on_the_cut_line`] drops the parser's error at a `{` or `[` on the last
//!   line of a file that ends inside it (a file cut off inside a record in a list: chumsky
//!   fails at the record's `{`, and the context would word that as the list not closed):
//!   the end of the file is the mistake, reported once.
//!
//! They are linear in the file (the last sorts the errors, at most one per line).

use chumsky::span::SimpleSpan;

use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The start of the message of the error [`file_ends_inside`] reports.
const ENDS_INSIDE: &str = "the file ends inside ";

/// The error for a file that ends inside open groups, given the tokens the parser read;
/// `None` when no `{` or `[` is open at the end.
pub(super) fn file_ends_inside(
    file: FileId,
    text: &str,
    tokens: &[(Token, SimpleSpan)],
) -> Option<Diagnostic> {
    // The open `{` and `[`, each with the index of its token.
    let mut open: Vec<usize> = Vec::new();
    for (i, (kind, _)) in tokens.iter().enumerate() {
        match kind {
            Token::LBrace | Token::LBracket => open.push(i),
            Token::RBrace | Token::RBracket => {
                open.pop();
            }
            _ => {}
        }
    }
    let (&innermost, outer) = open.split_last()?;
    let end = Span::new(text.len(), text.len());
    let mut diagnostic = Diagnostic::new(
        Code::Sdd001,
        file,
        end,
        format!("{ENDS_INSIDE}{}", describe(text, tokens, innermost)),
    )
    .with_label("the file ends here")
    .with_secondary(file, span_of(tokens, innermost), "not closed");
    for &at in outer.iter().rev() {
        diagnostic = diagnostic.with_secondary(file, span_of(tokens, at), "not closed either");
    }
    let help = match open.len() {
        1 => match tokens[innermost].0 {
            Token::LBracket => "close the list with `]`",
            _ => "close the block with `}`",
        },
        _ => "close each open block with `}` and each open list with `]`",
    };
    Some(diagnostic.with_help(help))
}

fn span_of(tokens: &[(Token, SimpleSpan)], at: usize) -> Span {
    Span::from(tokens[at].1)
}

/// How an open group is named: `` `requirement R1`, opened at line 3 `` (the names that
/// begin the line of its `{`), or `a list, opened at line 5`.
fn describe(text: &str, tokens: &[(Token, SimpleSpan)], at: usize) -> String {
    let (kind, span) = tokens[at];
    let line = text[..span.start].matches('\n').count() + 1;
    let line_start = super::line_start(text, span.start);
    let first = tokens[..at].partition_point(|(_, s)| s.start < line_start);
    let names: Vec<&str> = (tokens[first..at].iter())
        .take_while(|(t, _)| *t == Token::Ident)
        .take(2)
        .map(|(_, s)| &text[s.start..s.end])
        .collect();
    match (kind, names.is_empty()) {
        (Token::LBracket, _) => format!("a list, opened at line {line}"),
        (_, true) => format!("a block, opened at line {line}"),
        (_, false) => format!("`{}`, opened at line {line}", names.join(" ")),
    }
}

/// Drop from `syntax[from..]` each parser error at a `{` or `[` that the end of the file
/// leaves open (as the error [`file_ends_inside`] reported there names it) on the line of the
/// file's last token: chumsky's failure to read a group the end of the file cut off.
pub(super) fn drop_opened_on_the_cut_line(
    text: &str,
    tokens: &[(Token, Span)],
    from: usize,
    syntax: &mut Vec<Diagnostic>,
) {
    let Some(end) = (syntax[from..].iter()).find(|d| d.message.starts_with(ENDS_INSIDE)) else {
        return;
    };
    let last_line_start = tokens
        .last()
        .map_or(0, |(_, s)| super::line_start(text, s.start as usize));
    let cut: Vec<Span> = (end.secondary.iter())
        .map(|label| label.span)
        .filter(|span| span.start as usize >= last_line_start)
        .collect();
    if cut.is_empty() {
        return;
    }
    let mut i = 0;
    syntax.retain(|d| {
        i += 1;
        i <= from || d.message.starts_with(ENDS_INSIDE) || !cut.contains(&d.primary.span)
    });
}

/// Keep one SDD001 per line of `text`: on each line, the first unexpected character if there
/// is one, else the first error. The error at the end of the file counts as on the line of
/// the last token; when it is not kept, what it says becomes a note of the error that is.
pub(super) fn one_per_line(
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let syntax = || (diagnostics.iter()).filter(|d| d.code == Code::Sdd001);
    if syntax().nth(1).is_none() {
        return;
    }
    let last_token_start = tokens.last().map_or(0, |(_, s)| s.start as usize);
    let newlines: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
    let line_of = |d: &Diagnostic| {
        let start = d.primary.span.start as usize;
        let at = match start >= text.len() && d.message.starts_with(ENDS_INSIDE) {
            true => last_token_start,
            false => start,
        };
        newlines.partition_point(|&n| n < at)
    };
    // Per line, the diagnostic kept: its index, ranked by (not an unexpected character, start).
    let mut kept: std::collections::HashMap<usize, (bool, u32, usize)> = Default::default();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.code != Code::Sdd001 {
            continue;
        }
        let rank = (
            !d.message.starts_with("unexpected character"),
            d.primary.span.start,
            i,
        );
        let slot = kept.entry(line_of(d)).or_insert(rank);
        *slot = (*slot).min(rank);
    }
    let mut notes: Vec<(usize, String)> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.code != Code::Sdd001 || !d.message.starts_with(ENDS_INSIDE) {
            continue;
        }
        let keeper = kept[&line_of(d)].2;
        if keeper != i {
            notes.push((keeper, format!("{}: {}", d.message, ends_inside_note(d))));
        }
    }
    for (keeper, note) in notes {
        diagnostics[keeper].notes.push(note);
    }
    let mut i = 0;
    diagnostics.retain(|d| {
        let keep = d.code != Code::Sdd001 || kept[&line_of(d)].2 == i;
        i += 1;
        keep
    });
}

/// What a note says of the groups left open at the end of the file.
fn ends_inside_note(d: &Diagnostic) -> &'static str {
    match d.secondary.len() {
        1 => "it is not closed",
        _ => "none of the blocks open there is closed",
    }
}

/// How many tokens after an error another is still taken for its echo: one token in between.
const QUIET_TOKENS: usize = 2;

/// Drop each parser error (SDD001, not one of the first `lexical` diagnostics, which the
/// lexer reports of tokens one by one) that starts within [`QUIET_TOKENS`] tokens after the
/// SDD001 before it (counted from that one, whether kept or not), as yacc does until it has
/// read tokens in step again. The end of the file is left to [`one_per_line`].
pub(super) fn close_after_another(
    tokens: &[(Token, Span)],
    lexical: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut errors: Vec<(usize, u32, usize)> = (diagnostics.iter().enumerate())
        .filter(|(_, d)| d.code == Code::Sdd001)
        .map(|(i, d)| {
            let start = d.primary.span.start;
            (tokens.partition_point(|(_, s)| s.start < start), start, i)
        })
        .collect();
    if errors.len() < 2 {
        return;
    }
    errors.sort_unstable();
    let mut dropped = vec![false; diagnostics.len()];
    for pair in errors.windows(2) {
        let ((before, _, _), (at, _, i)) = (pair[0], pair[1]);
        let echo = at <= before + QUIET_TOKENS
            && i >= lexical
            && !diagnostics[i].message.starts_with(ENDS_INSIDE);
        dropped[i] = echo;
    }
    let mut i = 0;
    diagnostics.retain(|_| {
        i += 1;
        !dropped[i - 1]
    });
}

#[cfg(test)]
mod tests {
    use crate::syntax::syntax_errors;

    #[test]
    fn a_file_cut_off_inside_a_record_in_a_list_is_one_error_at_its_end() {
        let whole = "engagement e {\n  peers: [\n    { name: \"a\" asn: 1 },\n    { name: \"b\" asn: 2 },\n  ]\n}\n";
        for cut in [
            "    { name: \"b\" asn: ",
            "    { na",
            "    { name: \"b\" as",
        ] {
            let end = whole.find("    { name: \"b\"").unwrap() + cut.len();
            let text = &whole[..end];
            assert_eq!(
                syntax_errors(text),
                [(
                    end,
                    "the file ends inside a block, opened at line 4".to_string()
                )],
                "cut to {text:?}"
            );
        }
    }
}
