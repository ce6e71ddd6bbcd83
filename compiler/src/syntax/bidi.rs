//! Bidirectional control characters in strings, text blocks and comments: SDD003.
//!
//! An embedding, override or isolate character (U+202A–U+202E, U+2066–U+2069) makes an editor,
//! a terminal or a code review show the text around it in another order than the one sdd reads
//! ("Trojan Source", CVE-2021-42574). A lead approving a spec reads what is shown, while the
//! fingerprint binds what is there, so such a character is an error, as it is in Rust. Outside
//! strings and comments it is already a bad character (SDD001). A string may still hold one
//! written as an escape (`\u{202E}`), which every reader sees.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::token::{Comment, Token};

/// The name of a bidirectional control character, if `c` is one.
fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

/// The offsets of the bidirectional control characters of `text`. Each is three bytes in
/// UTF-8, the first 0xE2, so a text without that byte (any ASCII file) is passed over at the
/// speed of `memchr`.
fn offsets(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    memchr::memchr_iter(0xE2, text.as_bytes()).filter_map(|at| {
        let c = text.get(at..)?.chars().next()?;
        name(c).map(|_| (at, c))
    })
}

/// A string, text block or comment that holds bidirectional control characters.
struct Holder {
    span: Span,
    /// What it is: "string", "text block" or "comment".
    what: &'static str,
    /// The characters, with their offsets.
    chars: Vec<(usize, char)>,
}

/// One SDD003 for each string, text block or comment that holds a bidirectional control
/// character, at the first of them. `tokens` and `comments` are in source order.
pub(super) fn check(
    file: FileId,
    text: &str,
    tokens: &[(Token, Span)],
    comments: &[Comment],
    out: &mut Vec<Diagnostic>,
) {
    let mut found: Vec<Holder> = Vec::new();
    for (at, c) in offsets(text) {
        match found.last_mut() {
            Some(holder) if holder.span.range().contains(&at) => holder.chars.push((at, c)),
            _ => found.extend(holder(at, tokens, comments).map(|(span, what)| Holder {
                span,
                what,
                chars: vec![(at, c)],
            })),
        }
    }
    for Holder { what, chars, .. } in found {
        let (at, c) = chars[0];
        let mut d = Diagnostic::new(
            Code::Sdd003,
            file,
            Span::new(at, at + c.len_utf8()),
            format!(
                "bidirectional control character U+{:04X} ({}) in a {what}",
                c as u32,
                name(c).unwrap_or_default()
            ),
        )
        .with_label("an editor or a review may show the text around it in another order")
        .with_note(
            "readers, the approvers among them, may see other text than the one that is \
             checked and fingerprinted",
        );
        if chars.len() > 1 {
            let rest: Vec<String> = chars[1..]
                .iter()
                .map(|(_, c)| format!("U+{:04X}", *c as u32))
                .collect();
            d = d.with_note(format!("the {what} also holds {}", rest.join(", ")));
        }
        let escape = format!("`\\u{{{:X}}}`", c as u32);
        d = d.with_help(match what {
            "string" => format!(
                "remove it, or write it as the escape {escape} if the text needs it \
                 (`sdd fmt` does)"
            ),
            "text block" => format!(
                "remove it; a text block has no escapes, so text that needs it is written as a \
                 string with the escape {escape}"
            ),
            _ => "remove it".to_string(),
        });
        out.push(d);
    }
}

/// The string, text block or comment that holds the byte at `at`, and what it is.
fn holder(
    at: usize,
    tokens: &[(Token, Span)],
    comments: &[Comment],
) -> Option<(Span, &'static str)> {
    let inside = |span: &Span| span.range().contains(&at);
    let i = tokens.partition_point(|(_, span)| (span.end as usize) <= at);
    if let Some((kind, span)) = tokens.get(i).filter(|(_, span)| inside(span)) {
        return match kind {
            Token::Str => Some((*span, "string")),
            Token::TextBlock => Some((*span, "text block")),
            _ => None,
        };
    }
    let i = comments.partition_point(|c| (c.span.end as usize) <= at);
    comments
        .get(i)
        .filter(|c| inside(&c.span))
        .map(|c| (c.span, "comment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(String, &'static str)> {
        crate::syntax::parse(FileId(0), text)
            .diagnostics
            .iter()
            .map(|d| (d.message.clone(), d.code.as_str()))
            .collect()
    }

    #[test]
    fn one_error_per_string_or_comment_at_its_first_control_character() {
        let text = "person p {\n  name: \"Z\u{202E}abc\u{202C}\" // x\u{2066}y\u{2069}\n  email: \"a@b\"\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        let d: Vec<_> = parsed.diagnostics.iter().collect();
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].code, Code::Sdd003);
        assert_eq!(
            &text[d[0].primary.span.range()],
            "\u{202E}",
            "the label is on the first character"
        );
        assert!(d[0]
            .message
            .contains("U+202E (RIGHT-TO-LEFT OVERRIDE) in a string"));
        assert!(d[0].notes.iter().any(|n| n.contains("also holds U+202C")));
        assert!(d[1]
            .message
            .contains("U+2066 (LEFT-TO-RIGHT ISOLATE) in a comment"));
        assert_eq!(d[1].help.as_deref(), Some("remove it"));
        // The tree is read as ever: only the diagnostics differ.
        assert_eq!(parsed.ast.items.len(), 1);
    }

    #[test]
    fn escapes_other_non_ascii_text_and_text_blocks() {
        // Written as an escape, the character is visible to every reader.
        assert_eq!(codes("person p { name: \"a\\u{202E}b\" }\n"), vec![]);
        // Other characters that share the first byte: an em dash, an ellipsis, quotes.
        assert_eq!(
            codes("// a — b … “c” \u{2065}\nperson p { name: \"—…\" }\n"),
            vec![]
        );
        let block = codes("person p { name: \"\"\"\n  a\u{202B}b\n  \"\"\" }\n");
        assert_eq!(block.len(), 1, "{block:?}");
        assert!(block[0].0.ends_with("in a text block"), "{block:?}");
    }

    #[test]
    fn the_formatter_writes_a_strings_character_as_its_escape_and_keeps_a_comments() {
        let text = "person p { name: \"a\u{202E}b\" } // c\u{2066}\n";
        let formatted = crate::fmt::format(FileId(0), text).expect("formatted");
        assert!(formatted.contains(r#""a\u{202e}b""#), "{formatted}");
        let left = codes(&formatted);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].0.ends_with("in a comment"), "{left:?}");
    }

    #[test]
    fn outside_a_string_or_comment_it_is_one_bad_character() {
        let found = codes("person p\u{202E} { name: \"a\" }\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "SDD001");
    }
}
