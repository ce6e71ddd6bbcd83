//! Recovery from a `{` typed inside a declaration's name (`record bgp-pe{er {`,
//! `profile server{-compliance {`).
//!
//! Without help the `{` opens the declaration's body in the middle of its name: the rest of
//! the name is read as a field missing its `:`, and the block the `{` at the end of the line
//! opens is never closed, so the end of the file is a second error. The header line shows
//! which `{` is the stray: it ends with another `{`, and the first is stuck to the name, with
//! no blank on either side. [`drop_from_names`] leaves that first `{` out of the tokens and
//! reports it once (SDD001), at the `{`.
//!
//! A `{` right after a list's `[` or a `,` before bare names (`approves: [{spec]`, `[spec,
//! {design]`) is taken for a record that is never closed, with the block around it; a record
//! holds `name: value` fields, so a `{` followed by names separated by `,` up to the list's `]`
//! is a stray too: [`drop_from_lists`] leaves it out and reports it once.
//!
//! A `{` typed inside a field's name (`b{enchmarks: [`) opens a block named `b`, never closed.
//! A line that starts with a name that is no keyword, a `{` stuck to it and another name stuck
//! to the `{`, then a `:`, is a field's name split: [`drop_from_names`] leaves that `{` out too.
//!
//! A `{` at the end of a line after a `,`, `]` or `}` (`juniper-junos,{`, `]{`), with the next
//! line indented no deeper and not a `}`, opens nothing either: no header or field comes
//! before it, and no content under it. Without help it is closed at the end of the file, or
//! the layout repair takes the block around it for the one not closed: two errors, neither
//! at it. [`drop_at_line_ends`] leaves it out and reports it once.
//!
//! All run only on a file that has more `{` than `}`, so a file whose braces balance is parsed
//! as written. One pass over the tokens each.

use super::keyword::Keyword;
use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The tokens without each `{` typed inside a declaration's name on a header line that ends
/// with its own `{`, reporting each (SDD001); `None` when there is none.
pub(super) fn drop_from_names(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let excess = super::token::excess(tokens, Token::LBrace, Token::RBrace);
    if excess == 0 {
        return None;
    }
    // Each stray `{` and the `{` that ends its line, by index.
    let mut stray: Vec<usize> = Vec::new();
    let mut body: Vec<usize> = Vec::new();
    let mut line_start = 0;
    while line_start < tokens.len() {
        let line_end = line_start + line_length(text, &tokens[line_start..]);
        if stray_in_header(text, &tokens[line_start..line_end]) {
            stray.push(line_start + 2);
            body.push(line_end - 1);
        } else if stray_in_field_name(text, &tokens[line_start..line_end]) {
            stray.push(line_start + 1);
            body.push(line_start + 1);
        }
        line_start = line_end;
    }
    if stray.is_empty() {
        return None;
    }
    for (&at, &open) in stray.iter().zip(&body) {
        // A field's name (`b{enchmarks`) has no body on its line; a declaration's has.
        let message = match open == at {
            true => "unexpected `{` inside a field's name".to_string(),
            false => {
                let keyword = &text[tokens[at - 2].1.range()];
                format!("unexpected `{{` inside the name of `{keyword}`")
            }
        };
        super::report_repair(diagnostics, || {
            let d = Diagnostic::new(Code::Sdd001, file, tokens[at].1, message)
                .with_label("this `{` splits the name")
                .with_help("remove this `{`");
            match open == at {
                true => d,
                false => d.with_secondary(file, tokens[open].1, "the body is opened here"),
            }
        });
    }
    Some(without(tokens, &stray))
}

/// The tokens without each `{` right after a list's `[` or a `,` and before names separated by
/// `,` up to the list's `]` (`[{spec]`, `[spec, {design]`), reporting each (SDD001); `None`
/// when there is none.
pub(super) fn drop_from_lists(
    file: FileId,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let excess = super::token::excess(tokens, Token::LBrace, Token::RBrace);
    if excess == 0 {
        return None;
    }
    let stray: Vec<usize> = (1..tokens.len())
        .filter(|&at| {
            matches!(tokens[at - 1].0, Token::LBracket | Token::Comma)
                && names_to_close(&tokens[at..])
        })
        .collect();
    dropped(
        file,
        tokens,
        &stray,
        (
            "unexpected `{` in a list of names",
            "a record would hold `name: value` fields; this `{` opens nothing",
        ),
        diagnostics,
    )
}

/// The tokens without each `{` that ends a line after a `,`, `]` or `}` (`juniper-junos,{`,
/// `]{`) when the next line is indented no deeper and does not close a block: a `{` that
/// opens nothing, since no header or field comes before it and no content is indented under
/// it. At most as many as the file has `{` too many, each reported (SDD001); `None` when
/// there is none.
pub(super) fn drop_at_line_ends(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let excess = super::token::excess(tokens, Token::LBrace, Token::RBrace);
    if excess == 0 {
        return None;
    }
    let layout = super::layout::Layout::new(text, tokens);
    let stray: Vec<usize> = (1..tokens.len().saturating_sub(1))
        .filter(|&at| {
            let next = at + 1;
            tokens[at].0 == Token::LBrace
                && matches!(
                    tokens[at - 1].0,
                    Token::Comma | Token::RBracket | Token::RBrace
                )
                && layout.same_line(at - 1, at)
                && !layout.same_line(at, next)
                && layout.indent(next) <= layout.indent(at)
                && tokens[next].0 != Token::RBrace
        })
        .take(excess)
        .collect();
    dropped(
        file,
        tokens,
        &stray,
        (
            "unexpected `{` at the end of the line",
            "no header or field comes before it, and nothing is indented under it",
        ),
        diagnostics,
    )
}

/// The tokens without the stray `{` at the indices of `stray` (sorted), each reported with
/// `said` (message, label); `None` when there is none.
fn dropped(
    file: FileId,
    tokens: &[(Token, Span)],
    stray: &[usize],
    said: (&str, &str),
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    if stray.is_empty() {
        return None;
    }
    for &at in stray {
        super::report_repair(diagnostics, || {
            Diagnostic::new(Code::Sdd001, file, tokens[at].1, said.0)
                .with_label(said.1)
                .with_help("remove this `{`")
        });
    }
    Some(without(tokens, stray))
}

/// The tokens but those at the indices of `stray` (sorted).
fn without(tokens: &[(Token, Span)], stray: &[usize]) -> Vec<(Token, Span)> {
    (tokens.iter().enumerate())
        .filter(|(at, _)| stray.binary_search(at).is_err())
        .map(|(_, token)| *token)
        .collect()
}

/// Whether `tokens` are `{ name, name … ]`: a `{`, then names separated by `,`, then a `]`.
fn names_to_close(tokens: &[(Token, Span)]) -> bool {
    let [(Token::LBrace, _), rest @ ..] = tokens else {
        return false;
    };
    let mut name_expected = true;
    for &(kind, _) in rest {
        match (kind, name_expected) {
            (Token::Ident, true) => name_expected = false,
            (Token::Comma, false) => name_expected = true,
            (Token::RBracket, false) => return true,
            _ => return false,
        }
    }
    false
}

/// How many tokens of `tokens` are on the line of the first.
fn line_length(text: &str, tokens: &[(Token, Span)]) -> usize {
    let start = tokens[0].1.start as usize;
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    tokens.partition_point(|(_, s)| (s.start as usize) < end)
}

/// Whether one line's tokens are `KEYWORD name{rest … {` for a declaration's keyword: its
/// third token a `{` stuck to the name, with no blank before or after it, and its last
/// another `{`.
fn stray_in_header(text: &str, line: &[(Token, Span)]) -> bool {
    let [(Token::Ident, keyword), (Token::Ident, name), (Token::LBrace, brace), ..] = line else {
        return false;
    };
    let is_declaration = Keyword::from_text(&text[keyword.range()])
        .is_some_and(|k| Keyword::DECLARATIONS.contains(&k));
    let last = line.last().map(|(kind, _)| *kind);
    let stuck_after = (text[brace.end as usize..].chars().next())
        .is_some_and(|c| !c.is_whitespace() && c != '{' && c != '}');
    let stuck = name.end == brace.start && stuck_after;
    is_declaration && stuck && line.len() > 3 && last == Some(Token::LBrace)
}

/// Whether one line's tokens are `name{rest: …`: a name that is no keyword, a `{` stuck to it
/// and another name stuck to the `{`, then a `:` (a `{` typed inside a field's name).
fn stray_in_field_name(text: &str, line: &[(Token, Span)]) -> bool {
    let [(Token::Ident, name), (Token::LBrace, brace), (Token::Ident, rest), (Token::Colon, _), ..] =
        line
    else {
        return false;
    };
    let keyword = Keyword::from_text(&text[name.range()]).is_some();
    !keyword && name.end == brace.start && brace.end == rest.start
}

#[cfg(test)]
mod tests {
    use crate::source::FileId;
    use crate::syntax::syntax_errors;

    #[test]
    fn a_brace_inside_a_declarations_name_is_one_error_at_it() {
        let text = "record bgp-pe{er {\n  name: text\n  asn: int\n}\n\nrecord b {\n  x: text\n}\n";
        let at = text.find("{er").unwrap();
        let message = "unexpected `{` inside the name of `record`".to_string();
        assert_eq!(syntax_errors(text), [(at, message)]);
        let parsed = crate::syntax::parse(FileId(0), text);
        assert_eq!(parsed.ast.items.len(), 2);
    }

    #[test]
    fn a_brace_before_a_character_that_starts_no_name_leaves_that_characters_error() {
        // `-` starts no token: the lexer's error at it is the one error of the line.
        let text = "profile server{-compliance {\n  domain: x\n}\n\nrole r {\n}\n";
        let errors = syntax_errors(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, text.find("-compliance").unwrap());
        // The `{` is still the one left out, its error that of the lexer's seen again.
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        let dropped = super::drop_from_names(FileId(0), text, &lexed.tokens, &mut found);
        assert_eq!(dropped.map(|t| t.len()), Some(lexed.tokens.len() - 1));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_brace_before_the_names_of_a_list_is_one_error_at_it() {
        let text = "role r {\n  approves: [{spec]\n  domains: [network, x]\n}\n\nrole s {\n  approves: [spec]\n}\n";
        let at = text.find("{spec").unwrap();
        let message = "unexpected `{` in a list of names".to_string();
        assert_eq!(syntax_errors(text), [(at, message)]);
        // A record in a list is left as it is.
        let text = "engagement e {\n  peers: [{ name: x }, {name: y]\n}\n";
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        assert!(super::drop_from_lists(FileId(0), &lexed.tokens, &mut found).is_none());
    }

    #[test]
    fn a_brace_ending_a_line_after_a_comma_or_a_list_is_one_error_at_it() {
        let message = "unexpected `{` at the end of the line".to_string();
        let text = "enum vendor {\n  cisco-nxos,\n  juniper-junos,{ // MX204\n  arista-eos,\n}\n\nrole r {\n}\n";
        assert_eq!(
            syntax_errors(text),
            [(text.find(",{").unwrap() + 1, message.clone())]
        );
        let text = "engagement e {\n  targets: [\n    \"a\",\n  ]{\n  vendors: [x]\n}\n";
        assert_eq!(
            syntax_errors(text),
            [(text.find("]{").unwrap() + 1, message)]
        );
        // An empty block closed on the next line, and a block whose content is indented under
        // it, are left as they are (here the `{` too many is elsewhere).
        for text in [
            "engagement e {\n  peers: [{ a: 1 },{\n  }]\n",
            "engagement e {\n  peers: [{ a: 1 },{\n    b: 2 }]\n",
        ] {
            let lexed = crate::syntax::token::lex(FileId(0), text);
            let mut found = Vec::new();
            let dropped = super::drop_at_line_ends(FileId(0), text, &lexed.tokens, &mut found);
            assert!(dropped.is_none() && found.is_empty(), "{text}");
        }
    }

    #[test]
    fn a_brace_inside_a_field_name_or_after_a_comma_in_a_list_is_one_error_at_it() {
        let text = "engagement e {\n  b{enchmarks: [\n    \"x\",\n  ]\n  ticket: \"T\"\n}\n";
        let message = "unexpected `{` inside a field's name".to_string();
        assert_eq!(
            syntax_errors(text),
            [(text.find("{ench").unwrap(), message)]
        );
        let text = "role r {\n  approves: [spec, {design]\n  domains: [network]\n}\n";
        let message = "unexpected `{` in a list of names".to_string();
        assert_eq!(
            syntax_errors(text),
            [(text.find("{design").unwrap(), message)]
        );
        // A block keyword stuck to its `{` is a block, not a split name.
        let text = "engagement e {\n  design{component: x\n}\n";
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        assert!(super::drop_from_names(FileId(0), text, &lexed.tokens, &mut found).is_none());
    }

    #[test]
    fn a_brace_with_a_blank_after_it_is_not_taken_for_a_stray() {
        let text = "record r{ x: text }\nrecord s {\n";
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        let dropped = super::drop_from_names(FileId(0), text, &lexed.tokens, &mut found);
        assert!(dropped.is_none() && found.is_empty());
    }
}
