//! The completion context read from the text before the cursor: what is wanted at the
//! cursor (a new entry, a field's value, a type, a header name, an inline record's field),
//! from the tokens, so that it works on text that does not parse yet; and the blocks the
//! cursor is in, by the layout too when the block being typed is not closed yet.

use crate::ide::{indent_at, items_around};
use crate::source::{FileId, Span};
use crate::syntax::token::{self, Token};
use crate::syntax::Item;

/// The chain of items the cursor is in, outermost first: the items whose span holds it, and
/// then each block the parser's recovery closed before the cursor though the layout shows the
/// cursor inside it. A block not closed yet (`gate spec {⏎    approved_by: @|` with the
/// engagement's `}` next) gets the `}` it lacks where the next line is indented no deeper
/// (`syntax::unclosed`), placed right after its last token: the field being typed after
/// that, still on a line indented deeper than the block's header, is in the block.
pub(super) fn typing_chain<'a>(items: &'a [Item], text: &str, offset: usize) -> Vec<&'a Item> {
    let mut chain = items_around(items, offset);
    loop {
        let level: Vec<&Item> = match chain.last() {
            Some(item) => item.items().collect(),
            None => items.iter().collect(),
        };
        let Some(child) = level.into_iter().rfind(|c| c.span.end as usize <= offset) else {
            break;
        };
        let closed_by_recovery = child
            .body
            .as_ref()
            .is_some_and(|b| !text[..b.span.end as usize].ends_with('}'));
        let header = indent_at(text, child.span.start as usize).len();
        // The cursor's line indented deeper than the block's header, and each line between
        // the block's last and the cursor's blank or indented deeper too.
        let deeper = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len() > header;
        let between = text[child.span.end as usize..offset].split('\n');
        let inside = indent_at(text, offset).len() > header
            && between.skip(1).all(|l| l.trim().is_empty() || deeper(l));
        if !(closed_by_recovery && inside) {
            break;
        }
        chain.push(child);
    }
    chain
}

/// What the cursor is in.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Context {
    /// A new entry of the block the cursor is in.
    Entry,
    /// The value of a field.
    Value(String),
    /// The type of a profile `field` declaration, or of a record field.
    Type,
    /// The name after a header keyword: `verified`, `by`, `built`, `gate`.
    Header(&'static str),
    /// A field of the inline record given as the value of a field: `window: { … }`.
    Record(String),
    /// The value of a field of such a record: (the outer field, the record's field).
    RecordValue(String, String),
    None,
}

/// Where the word being typed starts (a name, or a person reference with its `@`).
pub(super) fn word_start(text: &str, offset: usize) -> usize {
    let before = &text[..offset];
    let word = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .last()
        .map(|(i, _)| i)
        .unwrap_or(offset);
    if before[..word].ends_with('@') {
        word - 1
    } else {
        word
    }
}

/// Read the completion context from the tokens before the word being typed.
pub(super) fn context(file: FileId, text: &str, start: usize, offset: usize) -> Context {
    let lexed = token::lex(file, text);
    let inside = |s: Span| (s.start as usize) < offset && offset < s.end as usize;
    // A line comment runs to the end of its line: the cursor at its end is still in it.
    let in_comment = lexed.comments.iter().any(|c| match c.kind {
        Token::BlockComment => inside(c.span),
        _ => (c.span.start as usize) < offset && offset <= c.span.end as usize,
    });
    // An unterminated string runs to the end of its line too.
    let in_string = lexed.tokens.iter().any(|(k, s)| {
        matches!(k, Token::Str | Token::TextBlock)
            && (inside(*s)
                || (offset == s.end as usize
                    && s.end > s.start + 1
                    && !text[s.range()].ends_with('"')))
    });
    if in_comment || in_string {
        return Context::None;
    }
    let before: Vec<(Token, Span)> = lexed
        .tokens
        .into_iter()
        .filter(|(_, s)| (s.end as usize) <= start)
        .collect();
    let word = |i: usize| text.get(before[i].1.range()).unwrap_or("");
    let Some(last) = before.len().checked_sub(1) else {
        return Context::Entry;
    };
    match before[last].0 {
        // A value goes on the line of its field: after `name:` and a line break, the cursor
        // starts a new entry.
        Token::Colon if text[before[last].1.end as usize..start].contains('\n') => {}
        Token::Colon => return value_context(&before, last, &word),
        Token::Ident => match word(last) {
            "gate" => return Context::Header("gate"),
            "built" => return Context::Header("built"),
            "verified" => return Context::Header("verified"),
            "by" if last >= 2 && word(last - 2) == "verified" => return Context::Header("by"),
            _ => {}
        },
        Token::LAngle => return Context::Type,
        _ => {}
    }
    // The innermost group still open before the cursor.
    let mut depth = 0usize;
    for i in (0..=last).rev() {
        match before[i].0 {
            Token::RBrace | Token::RBracket | Token::RAngle => depth += 1,
            Token::LBrace | Token::LBracket | Token::LAngle if depth > 0 => depth -= 1,
            Token::LBracket => {
                return match i.checked_sub(1).map(|j| before[j].0) {
                    Some(Token::Colon) => value_context(&before, i - 1, &word),
                    _ => Context::None,
                }
            }
            Token::LAngle => return Context::Type,
            Token::LBrace => return value_brace(&before, i, &word).unwrap_or(Context::Entry),
            _ => {}
        }
    }
    Context::Entry
}

/// The field whose value is the inline record after the colon at `colon`.
fn record_context<'t>(
    before: &[(Token, Span)],
    colon: usize,
    word: &impl Fn(usize) -> &'t str,
) -> Context {
    match colon.checked_sub(1) {
        Some(n) if before[n].0 == Token::Ident => Context::Record(word(n).to_string()),
        _ => Context::None,
    }
}

/// The `{` at token `brace`, when it opens a value rather than a block: `{` after `:` opens
/// an inline record, and so does `{` in a list after `:` (the field it is the value of, or
/// `Context::None` when there is no such field). `None` for the `{` of a block.
fn value_brace<'t>(
    before: &[(Token, Span)],
    brace: usize,
    word: &impl Fn(usize) -> &'t str,
) -> Option<Context> {
    match brace.checked_sub(1).map(|j| before[j].0) {
        Some(Token::Colon) => Some(record_context(before, brace - 1, word)),
        Some(Token::LBracket | Token::Comma) => Some(match list_start(before, brace) {
            Some(open) if open > 0 && before[open - 1].0 == Token::Colon => {
                record_context(before, open - 1, word)
            }
            _ => Context::None,
        }),
        _ => None,
    }
}

/// The unmatched `[` before token `at`.
fn list_start(before: &[(Token, Span)], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..at).rev() {
        match before[i].0 {
            Token::RBracket | Token::RBrace => depth += 1,
            Token::LBracket if depth == 0 => return Some(i),
            Token::LBrace if depth == 0 => return None,
            Token::LBracket | Token::LBrace => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The field whose inline record is the innermost group open before token `at`, if it is one.
fn enclosing_record<'t>(
    before: &[(Token, Span)],
    at: usize,
    word: &impl Fn(usize) -> &'t str,
) -> Option<String> {
    let mut depth = 0usize;
    for i in (0..at).rev() {
        match before[i].0 {
            Token::RBrace | Token::RBracket | Token::RAngle => depth += 1,
            Token::LBrace | Token::LBracket | Token::LAngle if depth > 0 => depth -= 1,
            Token::LBrace => {
                return match value_brace(before, i, word) {
                    Some(Context::Record(field)) => Some(field),
                    _ => None,
                };
            }
            Token::LBracket | Token::LAngle => return None,
            _ => {}
        }
    }
    None
}

/// The context after the colon at `colon`: a field's value (of an inline record's field
/// when the colon is inside one), or a declaration's type.
fn value_context<'t>(
    before: &[(Token, Span)],
    colon: usize,
    word: &impl Fn(usize) -> &'t str,
) -> Context {
    let mut name_at = colon.checked_sub(1);
    if let Some(i) = name_at.filter(|&i| before[i].0 == Token::Question) {
        name_at = i.checked_sub(1);
    }
    let Some(n) = name_at.filter(|&i| before[i].0 == Token::Ident) else {
        return Context::None;
    };
    if n >= 1 && before[n - 1].0 == Token::Ident && word(n - 1) == "field" {
        return Context::Type;
    }
    match enclosing_record(before, n, word) {
        Some(outer) => Context::RecordValue(outer, word(n).to_string()),
        None => Context::Value(word(n).to_string()),
    }
}
