//! Recovery from a line break deleted after a comment: a declaration's header taken into it.
//!
//! `/// Senior network engineer.` with `person tomasz {` on the next line, the line break
//! between them deleted, leaves the header inside the comment: the body's fields read as
//! entries at the top level (one error each) and its `}` closes nothing. The comment shows
//! what was meant when it ends in a header, `KEYWORD NAME {`, the `{` the file is missing, and
//! the next line is indented deeper than the comment's (the body's content).
//! [`take_headers_out`] puts the header's three tokens back after the comment and reports it
//! once (SDD001), at the keyword.
//!
//! It runs only on a file that has more `}` than `{`, and takes out no more headers than
//! there are `}` too many; one pass over the comments.

use super::keyword::Keyword;
use super::token::{Comment, Token};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The tokens with the header at the end of each comment that took one put back, each
/// reported (SDD001); `None` when there is none.
pub(super) fn take_headers_out(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    comments: &[Comment],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<(Token, Span)>> {
    let mut excess = super::token::excess(tokens, Token::RBrace, Token::LBrace);
    let mut headers: Vec<[(Token, Span); 3]> = Vec::new();
    for comment in comments {
        if excess == 0 {
            break;
        }
        if !matches!(comment.kind, Token::DocComment | Token::LineComment) {
            continue;
        }
        let Some(header) = header_at_end(text, comment.span) else {
            continue;
        };
        if !body_follows(text, tokens, comment.span) {
            continue;
        }
        let [(_, keyword), (_, name), _] = header;
        diagnostics.push(taken_into_comment(file, text, keyword, name, comment.span));
        headers.push(header);
        excess -= 1;
    }
    if headers.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(tokens.len() + 3 * headers.len());
    let mut headers = headers.into_iter().peekable();
    for &(kind, span) in tokens {
        while let Some(header) = headers.next_if(|h| h[2].1.end <= span.start) {
            out.extend(header);
        }
        out.push((kind, span));
    }
    out.extend(headers.flatten());
    Some(out)
}

/// The header `KEYWORD NAME {` a comment ends with, as tokens: the keyword follows a
/// character that cannot be part of a name, and is a keyword of a block.
fn header_at_end(text: &str, comment: Span) -> Option<[(Token, Span); 3]> {
    let start = comment.start as usize;
    let body = text[start..comment.end as usize].trim_end();
    let before_brace = body.strip_suffix('{')?;
    let brace = start + before_brace.len();
    let before_brace = before_brace.trim_end();
    let name_at = after_last_other(before_brace)?;
    let name = &before_brace[name_at..];
    let before_name = &before_brace[..name_at];
    let trimmed = before_name.trim_end_matches([' ', '\t']);
    if name.is_empty() || trimmed.len() == before_name.len() {
        return None;
    }
    let keyword_at = after_last_other(trimmed)?;
    let keyword = &trimmed[keyword_at..];
    Keyword::from_text(keyword)?;
    // The keyword follows the comment's marker or a character no name has (`starts.person`);
    // a comment that is only the header is a header commented out, left as it is.
    if trimmed[..keyword_at]
        .trim_start_matches('/')
        .trim()
        .is_empty()
    {
        return None;
    }
    let first = name.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let span = |at: usize, len: usize| Span::new(start + at, start + at + len);
    Some([
        (Token::Ident, span(keyword_at, keyword.len())),
        (Token::Ident, span(name_at, name.len())),
        (Token::LBrace, Span::new(brace, brace + 1)),
    ])
}

/// Where the name at the end of `text` starts: just after its last character that no name
/// has (a character boundary, whatever that character's width).
fn after_last_other(text: &str) -> Option<usize> {
    let (at, c) = text.char_indices().rev().find(|&(_, c)| !is_name_char(c))?;
    Some(at + c.len_utf8())
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether the first token after the comment starts a later line indented deeper than the
/// comment's line: the content of the body the header opens.
fn body_follows(text: &str, tokens: &[(Token, Span)], comment: Span) -> bool {
    let next = tokens.partition_point(|(_, s)| s.start < comment.end);
    let Some((kind, span)) = tokens.get(next) else {
        return false;
    };
    let indent = |at: usize| at - super::line_start(text, at);
    let comment_line = super::line_start(text, comment.start as usize);
    let comment_indent = text[comment_line..comment.start as usize].len();
    let next_start = span.start as usize;
    *kind != Token::RBrace
        && text[comment.end as usize..next_start].contains('\n')
        && text[super::line_start(text, next_start)..next_start]
            .trim()
            .is_empty()
        && indent(next_start) > comment_indent
}

fn taken_into_comment(
    file: FileId,
    text: &str,
    keyword: Span,
    name: Span,
    comment: Span,
) -> Diagnostic {
    let header = &text[keyword.start as usize..comment.end as usize];
    let keyword_text = &text[keyword.range()];
    let name_text = &text[name.range()];
    Diagnostic::new(
        Code::Sdd001,
        file,
        keyword,
        format!("`{keyword_text} {name_text}` is inside the comment before it"),
    )
    .with_label("a line break is missing before this header")
    .with_secondary(file, comment, "the comment runs to the end of its line")
    .with_help(format!(
        "start `{}` on a line of its own",
        header.trim_end()
    ))
}

#[cfg(test)]
mod tests {
    use crate::codes::Code;
    use crate::source::FileId;

    #[test]
    fn a_header_after_a_doc_comment_on_its_line_is_one_error_at_its_keyword() {
        let text = "/// Senior engineer; reviews specs.person tomasz {\n  name: \"Tomasz\"\n  roles: [lead]\n}\n\nperson ana {\n  name: \"Ana\"\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        let errors: Vec<_> = (parsed.diagnostics.iter())
            .filter(|d| d.code == Code::Sdd001)
            .map(|d| (&text[d.primary.span.range()], &d.message[..]))
            .collect();
        assert_eq!(
            errors,
            [("person", "`person tomasz` is inside the comment before it")]
        );
        // The declaration is read, with its body.
        assert_eq!(parsed.ast.items.len(), 2);
        assert!(parsed.ast.items[0].body.is_some());
    }

    #[test]
    fn a_header_commented_out_or_a_comment_with_no_body_after_it_is_left_alone() {
        // Commented out: the whole comment is the header.
        let text = "// person tomasz {\n  name: \"T\"\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        assert!(!(parsed.diagnostics.iter()).any(|d| d.message.contains("inside the comment")));
        // The next line not indented deeper.
        let text = "/// about person tomasz {\nperson p {\n}\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        assert!(!(parsed.diagnostics.iter()).any(|d| d.message.contains("inside the comment")));
    }

    #[test]
    fn a_comment_with_characters_of_any_width_before_the_header_does_not_panic() {
        for text in [
            "/// é person p {\n  name: \"P\"\n}\n}\n",
            "/// éperson p {\n  n: 1\n}\n}\n",
            "/// 😀 p {\n  n: 1\n}\n}\n",
            "/// x é{\n  n: 1\n}\n}\n",
        ] {
            crate::syntax::parse(FileId(0), text);
        }
        let text = "/// é\u{a0}person p {\n  name: \"P\"\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        assert!(parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("inside the comment")));
    }
}
