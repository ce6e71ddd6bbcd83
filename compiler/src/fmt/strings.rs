//! Canonical spellings of strings and text blocks.
//!
//! Every spelling is built from the decoded value and then decoded again with the parser's own
//! decoder ([`crate::syntax::literal`]); when that does not give back the same value (which
//! the rules below are meant to make impossible), the source spelling is kept, so formatting
//! never changes a value.

use std::fmt::Write as _;

use crate::render::printable::shows_otherwise;
use crate::syntax::literal;

const FENCE: &str = r#"""""#;

/// `"…"` with the canonical escapes: `\"` `\\` `\n` `\t` `\r`, `\u{…}` for other control
/// characters, the bidirectional overrides and the line separators, every other character as itself.
pub(super) fn string(raw: &str, value: &str) -> String {
    let s = literal(value);
    if literal::string(&s).as_deref() == Ok(value) {
        s
    } else {
        raw.to_string()
    }
}

/// A value written as a string literal of the language, with the canonical escapes: how a
/// value is shown wherever a person reads it (a change note), with every character that a
/// terminal would act on or that would show the text otherwise escaped, and its quotes
/// unambiguous.
pub fn literal(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('"');
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if c.is_control() || shows_otherwise(c) => {
                let _ = write!(s, "\\u{{{:x}}}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// Is this source spelling a text block?
pub(super) fn is_text_block(raw: &str) -> bool {
    raw.starts_with(FENCE)
}

/// A text block written on one line, `"""…"""`, when the author wrote it on one line and the
/// value can be written so.
pub(super) fn text_block_one_line(raw: &str, value: &str) -> Option<String> {
    if raw.contains('\n') || value.contains('\n') {
        return None;
    }
    let s = format!("{FENCE}{value}{FENCE}");
    closes_at_end(&s).then_some(())?;
    (literal::text_block(&s).as_deref() == Ok(value)).then_some(s)
}

/// A text block over several lines: the opening quotes, each line of the value indented by
/// `pad` (empty lines stay empty), and the closing quotes on a line of their own, indented by
/// `pad` too; right after the last line when it ends in white space, which on a line of its
/// own would trail it, where an editor that trims trailing white space would take it from the
/// value.
pub(super) fn text_block_lines(value: &str, pad: &str) -> Option<String> {
    let mut s = String::with_capacity(value.len() + 16);
    s.push_str(FENCE);
    for line in value.split('\n') {
        s.push('\n');
        if !line.is_empty() {
            s.push_str(pad);
            s.push_str(line);
        }
    }
    let last = value.rsplit('\n').next().unwrap_or("");
    let ends_in_space = last.ends_with([' ', '\t']) && !last.trim().is_empty();
    if !ends_in_space {
        s.push('\n');
        s.push_str(pad);
    }
    s.push_str(FENCE);
    closes_at_end(&s).then_some(())?;
    (literal::text_block(&s).as_deref() == Ok(value)).then_some(s)
}

/// The lexer ends a text block at the first `"""` after the opening one: it must be ours.
fn closes_at_end(s: &str) -> bool {
    s[FENCE.len()..].find(FENCE) == Some(s.len() - 2 * FENCE.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_get_canonical_escapes() {
        assert_eq!(string("", "plain é 日本"), "\"plain é 日本\"");
        assert_eq!(string("", "a\"b\\c\nd\te\u{7}"), r#""a\"b\\c\nd\te\u{7}""#);
        assert_eq!(string("", "\u{202E}"), r#""\u{202e}""#);
        // Invisible characters stay visible: written as escapes, they are not turned into
        // themselves (a zero-width space in a host name, a byte order mark).
        assert_eq!(
            string(
                r#""dc2-edge\u{200B}01\u{FEFF}""#,
                "dc2-edge\u{200B}01\u{FEFF}"
            ),
            r#""dc2-edge\u{200b}01\u{feff}""#
        );
        // So do the Hangul fillers and the other invisible ones (a combining grapheme joiner,
        // an interlinear annotation mark, an ideographic variation selector).
        for hidden in [
            '\u{3164}',
            '\u{115F}',
            '\u{34F}',
            '\u{2065}',
            '\u{FFF9}',
            '\u{E0100}',
        ] {
            let written = format!("\"a\\u{{{:x}}}b\"", hidden as u32);
            assert_eq!(string(&written, &format!("a{hidden}b")), written);
        }
        // The joiners emoji and scripts need are written as themselves, as are the emoji's
        // variation selector and spaces of other widths.
        assert_eq!(string("", "👩\u{200D}💻"), "\"👩\u{200D}💻\"");
        assert_eq!(string("", "❤\u{FE0F} a\u{A0}b"), "\"❤\u{FE0F} a\u{A0}b\"");
    }

    /// A last line that ends in a space keeps the closing quotes on its line: on a line of
    /// their own the space would trail the line.
    #[test]
    fn a_text_block_ending_in_a_space_closes_on_its_last_line() {
        let value = "first\nends with a space ";
        let written = text_block_lines(value, "    ").expect("a text block");
        assert_eq!(written, "\"\"\"\n    first\n    ends with a space \"\"\"");
        assert!(!written.lines().any(|l| l.ends_with(' ')), "{written}");
        let plain = text_block_lines("first\nlast", "  ").expect("a text block");
        assert!(plain.ends_with("\n  \"\"\""), "{plain}");
    }

    #[test]
    fn text_blocks_keep_their_value() {
        let value = "first\n  second\n\n   \nlast \"quoted\"";
        let s = text_block_lines(value, "    ").unwrap();
        assert_eq!(literal::text_block(&s).unwrap(), value);
        assert_eq!(
            text_block_one_line("\"\"\"x\"\"\"", "x").unwrap(),
            "\"\"\"x\"\"\""
        );
        // A value ending in a quote cannot be closed on the same line.
        assert_eq!(text_block_one_line("", "say \"hi\""), None);
        assert!(text_block_lines("say \"hi\"", "  ").is_some());
        assert_eq!(
            literal::text_block(&text_block_lines("", "  ").unwrap()).unwrap(),
            ""
        );
    }
}
