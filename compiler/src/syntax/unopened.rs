//! Recovery from a missing `[`: a list whose `]` is there but not its `[`.
//!
//! `roles: a,` with `b,` and `c` on the lines below and `]` after them reads, without help, as
//! a field `roles: a`, then one error per line: `,` where a name was expected, `b` a bare name,
//! `c` a field without `:`, `]` closing nothing. The `]` and the `,` show what was meant: a `]`
//! that closes no `[` of its block, after a field's `:` whose value runs to it through a `,`,
//! ends a list begun right after that `:`. [`open_lists`] inserts the `[` there and reports it
//! once (SDD001), at the list's first item.
//!
//! It runs only on a file that has more `]` than `[`, and inserts no more `[` than are
//! missing, so a file whose brackets balance is parsed exactly as written. One pass over the
//! tokens: the search back from a `]` stops at the `:`, or at any bracket or brace, so no
//! token is looked at twice.

use super::token::Token;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The tokens with the `[` a file is missing inserted after the `:` of each list that has a
/// `]` but no `[`, reporting each one (SDD001); `None` when there is none to insert.
pub(super) fn open_lists(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let (opens, closes) = super::token::count_pair(tokens, Token::LBracket, Token::RBracket);
    let mut missing = closes.saturating_sub(opens);
    if missing == 0 {
        return None;
    }
    // Where to insert a `[`: after the token at each of these indices, in order.
    let mut after: Vec<usize> = Vec::new();
    // How many `[` are open in the innermost block.
    let mut open_lists: Vec<usize> = vec![0];
    // Where the search back from a `]` stops: just after the last bracket or brace.
    let mut floor = 0usize;
    for (i, &(kind, _)) in tokens.iter().enumerate() {
        match kind {
            Token::LBrace => open_lists.push(0),
            Token::RBrace => {
                open_lists.pop();
                if open_lists.is_empty() {
                    open_lists.push(0);
                }
            }
            Token::LBracket => {
                if let Some(top) = open_lists.last_mut() {
                    *top += 1;
                }
            }
            Token::RBracket => match open_lists.last_mut() {
                Some(top) if *top > 0 => *top -= 1,
                _ if missing > 0 => {
                    if let Some(colon) = list_start(tokens, floor, i) {
                        after.push(colon);
                        missing -= 1;
                    }
                }
                _ => {}
            },
            _ => {}
        }
        if matches!(
            kind,
            Token::LBrace | Token::RBrace | Token::LBracket | Token::RBracket
        ) {
            floor = i + 1;
        }
    }
    if after.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(tokens.len() + after.len());
    let mut next = after.iter().peekable();
    for (i, &token) in tokens.iter().enumerate() {
        out.push(token);
        if next.peek() == Some(&&i) {
            next.next();
            let colon = token.1;
            out.push((
                Token::LBracket,
                Span::new(colon.end as usize, colon.end as usize),
            ));
            diagnostics.push(unopened(file, text, tokens, i));
        }
    }
    Some(out)
}

/// The `:` a list ending at the `]` at `close` began after: the last `:` after `floor`, when
/// a name precedes it and a `,` lies between it and the `]`.
fn list_start(tokens: &[(Token, Span)], floor: usize, close: usize) -> Option<usize> {
    let colon = (floor..close)
        .rev()
        .find(|&j| tokens[j].0 == Token::Colon)?;
    let named = colon > 0 && tokens[colon - 1].0 == Token::Ident;
    let comma = tokens[colon + 1..close]
        .iter()
        .any(|(t, _)| *t == Token::Comma);
    (named && comma && colon + 1 < close).then_some(colon)
}

fn unopened(file: FileId, text: &str, tokens: &[(Token, Span)], colon: usize) -> Diagnostic {
    let name = &text[tokens[colon - 1].1.range()];
    Diagnostic::new(
        Code::Sdd001,
        file,
        tokens[colon + 1].1,
        format!("missing `[`: the list of `{name}` has a `]` but no `[`"),
    )
    .with_label("the list starts here")
    .with_help(format!("write `{name}: [` before the list's first item"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened(text: &str) -> (String, Vec<String>) {
        let lexed = crate::syntax::token::lex(FileId(0), text);
        let mut found = Vec::new();
        let tokens = open_lists(FileId(0), text, &lexed.tokens, &mut found).unwrap_or(lexed.tokens);
        let brackets = (tokens.iter())
            .filter_map(|(t, _)| match t {
                Token::LBracket => Some('['),
                Token::RBracket => Some(']'),
                Token::Colon => Some(':'),
                _ => None,
            })
            .collect();
        (brackets, found.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn a_multi_line_list_gets_its_missing_open_bracket_back() {
        let (brackets, found) = opened("p {\n  roles: a,\n    b,\n    c\n  ]\n  email: \"e\"\n}\n");
        assert_eq!(brackets, ":[]:");
        assert_eq!(
            found,
            ["missing `[`: the list of `roles` has a `]` but no `[`"]
        );
    }

    #[test]
    fn a_close_bracket_with_no_list_before_it_is_left_alone() {
        // No `,`: nothing shows a list began after the `:`.
        assert_eq!(opened("p { name: a ] }").1, Vec::<String>::new());
        // Balanced brackets: nothing is inserted.
        assert_eq!(opened("p { roles: [a, b] }").1, Vec::<String>::new());
    }
}
