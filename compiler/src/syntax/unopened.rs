//! Recovery from a missing `[`: a list whose `]` is there but not its `[`.
//!
//! `roles: a,` with `b,` and `c` on the lines below and `]` after them reads, without help, as
//! a field `roles: a`, then one error per line: `,` where a name was expected, `b` a bare name,
//! `c` a field without `:`, `]` closing nothing. The `]` and the `,` show what was meant: a `]`
//! that closes no `[` of its block, after a field's `:` whose value runs to it through a `,`,
//! ends a list begun right after that `:`. [`open_lists`] inserts the `[` there and reports it
//! once (SDD001), at the list's first item.
//!
//! A list of records one per line that lost its `[` (`peers:`, then `{ … },` lines, then `]`)
//! gets it back the same way: going back from the `]` over whole `{…}` items separated by
//! `,` to the field's `:`. A `]` that closes no `[` of its block and ends no list either
//! (`start: 2026]-11-16`, a key hit beside another) closes nothing: it is reported once,
//! "unmatched `]`", and dropped, where the parser would have taken it for the end of the
//! block and read the rest of the block as out of place.
//!
//! It runs only on a file that has more `]` than `[`, and inserts or drops no more than the
//! `]` too many, so a file whose brackets balance is parsed exactly as written. One pass over
//! the tokens: the search back from a `]` stops at the `:`, or at any bracket (and for bare
//! items at any brace), so no token is looked at for two `]`.

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
    let mut missing = super::token::excess(tokens, Token::RBracket, Token::LBracket);
    if missing == 0 {
        return None;
    }
    // Where to insert a `[`: after the token at each of these indices, in order.
    let mut after: Vec<usize> = Vec::new();
    // The `]` that close nothing and end no list: dropped.
    let mut dropped: Vec<usize> = Vec::new();
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
                    match list_start(tokens, floor, i).or_else(|| records_start(tokens, i)) {
                        Some(colon) => after.push(colon),
                        None => dropped.push(i),
                    }
                    missing -= 1;
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
    if after.is_empty() && dropped.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(tokens.len() + after.len());
    let mut next = after.iter().peekable();
    let mut drops = dropped.iter().peekable();
    for (i, &token) in tokens.iter().enumerate() {
        if drops.next_if_eq(&&i).is_some() {
            super::report_repair(diagnostics, || closes_nothing(file, token.1));
            continue;
        }
        out.push(token);
        if next.peek() == Some(&&i) {
            next.next();
            let colon = token.1;
            out.push((
                Token::LBracket,
                Span::new(colon.end as usize, colon.end as usize),
            ));
            super::report_repair(diagnostics, || unopened(file, text, tokens, i));
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

/// A `]` with no `[` before it in its block, which ends no list either: it closes nothing,
/// and is dropped (`start: 2026]-11-16`, a key hit beside another).
fn closes_nothing(file: FileId, close: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Sdd001,
        file,
        close,
        "unmatched `]`: it closes no list",
    )
    .with_label("this `]` has no `[`")
    .with_help("remove this `]`")
}

/// The `:` a list of records ending at the `]` at `close` began after, when its `[` is
/// missing: going back from the `]`, one or more `{…}` separated by `,` (a `,` after the last
/// allowed), then the `:` of a named field. At least one `,` must show a list. The walk stops
/// at any `[` or `]`, so no token is looked at for two `]`.
fn records_start(tokens: &[(Token, Span)], close: usize) -> Option<usize> {
    let mut at = close.checked_sub(1)?;
    let mut commas = 0;
    if tokens[at].0 == Token::Comma {
        commas += 1;
        at = at.checked_sub(1)?;
    }
    loop {
        // A record: from its `}` back to the `{` that opens it.
        if tokens[at].0 != Token::RBrace {
            return None;
        }
        let mut depth = 0usize;
        loop {
            match tokens[at].0 {
                Token::RBrace => depth += 1,
                Token::LBrace => depth -= 1,
                Token::LBracket | Token::RBracket => return None,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            at = at.checked_sub(1)?;
        }
        at = at.checked_sub(1)?;
        match tokens[at].0 {
            Token::Comma => {
                commas += 1;
                at = at.checked_sub(1)?;
            }
            Token::Colon => {
                let named = at > 0 && tokens[at - 1].0 == Token::Ident;
                return (named && commas > 0).then_some(at);
            }
            _ => return None,
        }
    }
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
    fn a_list_of_records_gets_its_missing_open_bracket_back() {
        let text =
            "e {\n  peers:\n    { name: \"a\" asn: 1 },\n    { name: \"b\" asn: 2 },\n  ]\n}\n";
        let (brackets, found) = opened(text);
        assert_eq!(brackets, ":[::::]");
        assert_eq!(
            found,
            ["missing `[`: the list of `peers` has a `]` but no `[`"]
        );
        // One record and no `,`: nothing shows a list.
        let (brackets, found) = opened("e { peer: { name: \"a\" } ] }");
        assert_eq!(brackets, "::");
        assert_eq!(found, ["unmatched `]`: it closes no list"]);
    }

    /// Each `]` of a file of 100,000 that close nothing is dropped, but only the first
    /// `MAX_REPAIRS_REPORTED` are reported (a diagnostic each took 517 MB for 1,000,000).
    #[test]
    fn a_flood_of_close_brackets_is_dropped_with_a_bounded_number_of_reports() {
        let text = "]\n".repeat(100_000);
        let (brackets, found) = opened(&text);
        assert_eq!(brackets, "");
        assert_eq!(found.len(), crate::syntax::MAX_REPAIRS_REPORTED);
        assert_eq!(crate::syntax::syntax_errors(&text).len(), 1);
    }

    #[test]
    fn a_close_bracket_that_closes_nothing_is_dropped() {
        // No `,`: nothing shows a list began after the `:`, so the `]` is the mistake.
        let (brackets, found) = opened("p { name: a ] }");
        assert_eq!(brackets, ":");
        assert_eq!(found, ["unmatched `]`: it closes no list"]);
        // Inside a record value, where no list is open: the `]` alone goes.
        let (brackets, found) = opened("e { window: { start: 2026] length: 2h } }");
        assert_eq!(brackets, ":::");
        assert_eq!(found, ["unmatched `]`: it closes no list"]);
        // Balanced brackets: nothing is inserted or dropped.
        assert_eq!(opened("p { roles: [a, b] }").1, Vec::<String>::new());
        assert_eq!(
            opened("p { roles: [[a], {x: [b]}] }").1,
            Vec::<String>::new()
        );
    }
}
