//! Characters that make a string, text block or comment show otherwise than sdd reads it:
//! SDD003.
//!
//! - An embedding, override or isolate character (U+202A–U+202E, U+2066–U+2069) makes an
//!   editor, a terminal or a code review show the text around it in another order than the one
//!   sdd reads ("Trojan Source", CVE-2021-42574).
//! - A line break that sdd does not count as one (VT, FF, NEL, U+2028, U+2029) may be shown as
//!   one: what follows it looks like a line of its own, an `approved_by:` say, while it is still
//!   part of the comment or string.
//!
//! - A tag character (U+E0000–U+E007F) is invisible, yet a run of them spells out ASCII text
//!   that a program reads: an instruction hidden from the approver and given to a language
//!   model that executes the engagement ("ASCII smuggling").
//!
//! A lead approving a spec reads what is shown, while the fingerprint binds what is there, so
//! such a character is an error, as a bidirectional one is in Rust. Outside strings and
//! comments it is a bad character (SDD001), or, for FF, whitespace. A string may still hold one
//! written as an escape (`\u{202E}`), which every reader sees.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::token::{Comment, Token};

/// What a character does to the text shown around it.
#[derive(Clone, Copy, PartialEq)]
enum Effect {
    /// It reorders the text.
    Reorders,
    /// It may be shown as a line break.
    BreaksTheLine,
    /// It is not shown at all, but read.
    Hides,
}

/// The name of a character that shows text otherwise than it is read, and what it does.
fn describe(c: char) -> Option<(&'static str, Effect)> {
    use Effect::*;
    Some(match c {
        '\u{202A}' => ("LEFT-TO-RIGHT EMBEDDING", Reorders),
        '\u{202B}' => ("RIGHT-TO-LEFT EMBEDDING", Reorders),
        '\u{202C}' => ("POP DIRECTIONAL FORMATTING", Reorders),
        '\u{202D}' => ("LEFT-TO-RIGHT OVERRIDE", Reorders),
        '\u{202E}' => ("RIGHT-TO-LEFT OVERRIDE", Reorders),
        '\u{2066}' => ("LEFT-TO-RIGHT ISOLATE", Reorders),
        '\u{2067}' => ("RIGHT-TO-LEFT ISOLATE", Reorders),
        '\u{2068}' => ("FIRST STRONG ISOLATE", Reorders),
        '\u{2069}' => ("POP DIRECTIONAL ISOLATE", Reorders),
        '\u{0B}' => ("LINE TABULATION", BreaksTheLine),
        '\u{0C}' => ("FORM FEED", BreaksTheLine),
        '\u{85}' => ("NEXT LINE", BreaksTheLine),
        '\u{2028}' => ("LINE SEPARATOR", BreaksTheLine),
        '\u{2029}' => ("PARAGRAPH SEPARATOR", BreaksTheLine),
        '\u{E0000}'..='\u{E007F}' => ("TAG", Hides),
        _ => return None,
    })
}

/// The offsets of the characters [`describe`] knows, in order. The bidirectional controls
/// and U+2028/U+2029 are three bytes in UTF-8, the first 0xE2; NEL is two, the first 0xC2; a
/// tag character is four, the first 0xF3; VT and FF are one. An ASCII file (nearly every
/// estate) is passed over by one `memchr3` and the check that it is ASCII.
fn offsets(text: &str) -> Vec<(usize, char)> {
    let bytes = text.as_bytes();
    let ascii = bytes.is_ascii();
    let rest = (!ascii).then(|| memchr::memchr2_iter(0xC2, 0xF3, bytes));
    let mut found: Vec<(usize, char)> = (memchr::memchr3_iter(0x0B, 0x0C, 0xE2, bytes))
        .chain(rest.into_iter().flatten())
        .filter_map(|at| {
            let c = text.get(at..)?.chars().next()?;
            describe(c).map(|_| (at, c))
        })
        .collect();
    found.sort_unstable_by_key(|&(at, _)| at);
    found
}

/// A string, text block or comment that holds such characters.
struct Holder {
    span: Span,
    /// What it is: "string", "text block" or "comment".
    what: &'static str,
    /// The characters, with their offsets.
    chars: Vec<(usize, char)>,
}

/// One SDD003 for each string, text block or comment that holds a character that shows it
/// otherwise than it is read, at the first of them. `tokens` and `comments` are in source
/// order.
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
    out.extend(found.into_iter().map(|holder| diagnostic(file, holder)));
}

fn diagnostic(file: FileId, Holder { what, chars, .. }: Holder) -> Diagnostic {
    let (at, c) = chars[0];
    let (name, effect) = describe(c).unwrap_or(("", Effect::Reorders));
    let span = Span::new(at, at + c.len_utf8());
    let mut d = match effect {
        Effect::Reorders => Diagnostic::new(
            Code::Sdd003,
            file,
            span,
            format!(
                "bidirectional control character U+{:04X} ({name}) in a {what}",
                c as u32
            ),
        )
        .with_label("an editor or a review may show the text around it in another order"),
        Effect::BreaksTheLine => Diagnostic::new(
            Code::Sdd003,
            file,
            span,
            format!(
                "line break character U+{:04X} ({name}) in a {what}",
                c as u32
            ),
        )
        .with_label("an editor or a terminal may show a line break here, which sdd does not read")
        .with_note(format!(
            "what follows it is still part of the {what}, though it may look like a line of its \
             own"
        )),
        Effect::Hides => Diagnostic::new(
            Code::Sdd003,
            file,
            span,
            format!("invisible tag character U+{:04X} in a {what}", c as u32),
        )
        .with_label("not shown, but read by programs")
        .with_note(
            "a run of tag characters spells out text no reader sees, while a program (a language \
             model that executes the engagement among them) reads it",
        ),
    }
    .with_note(
        "readers, the approvers among them, may see other text than the one that is checked \
         and fingerprinted",
    );
    if chars.len() > 1 {
        let rest: Vec<String> = chars[1..]
            .iter()
            .map(|(_, c)| format!("U+{:04X}", *c as u32))
            .collect();
        d = d.with_note(format!("the {what} also holds {}", rest.join(", ")));
    }
    let escape = format!("`\\u{{{:X}}}`", c as u32);
    d.with_help(match (what, effect) {
        ("string", _) => format!(
            "remove it, or write it as the escape {escape} if the text needs it (`sdd fmt` \
             does)"
        ),
        (_, Effect::Hides) => "remove it".to_string(),
        ("text block", Effect::BreaksTheLine) => {
            "remove it, or put a line break in its place".to_string()
        }
        ("text block", Effect::Reorders) => format!(
            "remove it; a text block has no escapes, so text that needs it is written as a \
             string with the escape {escape}"
        ),
        (_, Effect::BreaksTheLine) => {
            "remove it, or end the comment there with a line break".to_string()
        }
        _ => "remove it".to_string(),
    })
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
            codes("// a — b … “c” ° © \u{2065}\nperson p { name: \"—…°\u{a0}\" }\n"),
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
    fn a_line_break_sdd_does_not_read_as_one_is_an_error_in_a_comment_string_or_block() {
        // Shown as a line break, the rest of the comment would look like an approval.
        let text = "person p { // ok\u{2028}approved_by: [lead]\n  name: \"a\u{c}b\u{85}\"\n}\n";
        let parsed = crate::syntax::parse(FileId(0), text);
        let d: Vec<_> = parsed.diagnostics.iter().collect();
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d[0]
            .message
            .contains("line break character U+2028 (LINE SEPARATOR) in a comment"));
        assert_eq!(&text[d[0].primary.span.range()], "\u{2028}");
        assert!(d[0].notes[0].contains("still part of the comment"));
        assert!(d[1].message.contains("U+000C (FORM FEED) in a string"));
        assert!(d[1].notes.iter().any(|n| n.contains("also holds U+0085")));
        let block = codes("person p { name: \"\"\"\n  a\u{2029}b\u{b}\n  \"\"\" }\n");
        assert_eq!(block.len(), 1, "{block:?}");
        assert!(block[0]
            .0
            .contains("U+2029 (PARAGRAPH SEPARATOR) in a text block"));
        // A form feed between entries is whitespace, as ever.
        assert_eq!(codes("person p {\u{c}\n  name: \"a\"\n}\n"), vec![]);
        // The formatter writes them in a string as escapes.
        let formatted = crate::fmt::format(FileId(0), "person p { name: \"a\u{2028}\u{b}\" }\n")
            .expect("formatted");
        assert!(formatted.contains(r#""a\u{2028}\u{b}""#), "{formatted}");
        assert_eq!(codes(&formatted), vec![]);
    }

    #[test]
    fn tag_characters_that_spell_a_hidden_text_are_an_error() {
        // "approve" in tag characters: invisible in an editor, read by a language model.
        let hidden: String = "approve"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let text = format!("person p {{ name: \"Ann{hidden}\" }}\n");
        let found = codes(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .0
                .contains("invisible tag character U+E0061 in a string"),
            "{found:?}"
        );
        let formatted = crate::fmt::format(FileId(0), &text).expect("formatted");
        assert!(
            formatted.contains(r#""Ann\u{e0061}\u{e0070}"#),
            "{formatted}"
        );
        assert_eq!(codes(&formatted), vec![]);
    }

    #[test]
    fn it_hides_no_syntax_error_on_its_line() {
        // A lexical mistake's line echoes parser errors, which are dropped; an SDD003 leaves
        // the tokens as they are, so the mistake after it on the line is reported.
        let found = codes("person p {\n  name: \"a\u{202E} \" of \" b\"\n}\n");
        let codes: Vec<&str> = found.iter().map(|(_, c)| *c).collect();
        assert_eq!(codes, ["SDD003", "SDD001"], "{found:?}");
    }

    #[test]
    fn outside_a_string_or_comment_it_is_one_bad_character() {
        for c in ['\u{202E}', '\u{2028}', '\u{b}'] {
            let found = codes(&format!("person p{c} {{ name: \"a\" }}\n"));
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].1, "SDD001");
        }
    }
}
