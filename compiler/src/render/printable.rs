//! Text from an estate made safe to print on a terminal.
//!
//! Strings in `.sdd` files may hold control characters (an escape sequence, a bell), and the
//! bidirectional overrides, line separators and invisible characters that make text display
//! otherwise than it is read. Printed raw, the first can rewrite a terminal and the second can make a reviewer read
//! something other than what is there. Every renderer for people passes such text through here: the
//! characters are shown as `\u{…}` escapes (as the formatter writes them in a string), or, in
//! a source snippet where columns must stay where they are, as one visible character each.

use std::borrow::Cow;

/// Characters that are not control characters but show text otherwise than it is read: the
/// bidirectional controls, which reorder it; the line and paragraph separators, which may break
/// its line; and the invisible characters (a zero-width space, a word joiner, the byte order
/// mark, a soft hyphen, the bidirectional marks, the tag characters, which can spell out a
/// whole hidden text, the Hangul fillers, the combining grapheme joiner, the interlinear
/// annotation marks, the shorthand and musical format controls, the ideographic variation
/// selectors). The zero-width joiner and non-joiner and the emoji variation selectors
/// (U+FE00–FE0F) are left out, as scripts and emoji need them; so are the spaces of other
/// widths (a no-break space, an ideographic space), which show as spaces and which
/// typography needs.
pub fn shows_otherwise(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// A character a terminal would act on or that shows text otherwise: every control character
/// but the line feed and the tab, and [`shows_otherwise`].
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || shows_otherwise(c)
}

fn rewrite(
    text: &str,
    unsafe_char: impl Fn(char) -> bool,
    mut write: impl FnMut(&mut String, char),
) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            write(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a message, a note or a table: unsafe characters as `\u{…}` escapes.
pub fn escaped(text: &str) -> Cow<'_, str> {
    rewrite(text, is_unsafe, |out, c| {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    })
}

/// Text for one cell of a table row: as [`escaped`], and a line break as `\n`, so one value
/// never splits its row.
pub fn one_line(text: &str) -> Cow<'_, str> {
    rewrite(
        text,
        |c| c == '\n' || is_unsafe(c),
        |out, c| match c {
            '\n' => out.push_str("\\n"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        },
    )
}

/// Source text for a snippet: each unsafe character (other than a carriage return, which
/// ends lines) becomes one visible character of the same length in bytes, so every byte
/// offset and every column stays where it is: `?` for a one-byte control (ESC, BEL, NUL), `¿`
/// for a two-byte one (a C1 control, a soft hyphen), `�` for a three-byte one (a bidirectional
/// control, a zero-width space), `𝖷` for a tag character.
pub fn pictured(text: &str) -> Cow<'_, str> {
    rewrite(
        text,
        |c| c != '\r' && is_unsafe(c),
        |out, c| {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '\u{BF}',
                3 => '\u{FFFD}',
                _ => '\u{1D5B7}',
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_not_copied() {
        assert!(matches!(escaped("BGP to AS 64901\n\tok"), Cow::Borrowed(_)));
        assert!(matches!(pictured("line\r\nline"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_controls_and_bidi_overrides_are_escaped() {
        assert_eq!(escaped("a\u{1b}[2Jb\u{7}"), "a\\u{1b}[2Jb\\u{7}");
        assert_eq!(escaped("x\u{202e}cba\u{2069}"), "x\\u{202e}cba\\u{2069}");
        assert_eq!(escaped("a\u{2028}b\u{85}"), "a\\u{2028}b\\u{85}");
        assert_eq!(
            escaped("dc2\u{200b}01\u{feff}\u{e0041}"),
            "dc2\\u{200b}01\\u{feff}\\u{e0041}"
        );
        // Emoji and scripts that need the joiners keep them.
        assert_eq!(
            escaped("👩\u{200d}💻 می\u{200c}خواهم"),
            "👩\u{200d}💻 می\u{200c}خواهم"
        );
        assert_eq!(escaped("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(one_line("two\nlines\u{1b}"), "two\\nlines\\u{1b}");
    }

    #[test]
    fn pictures_keep_every_offset() {
        let text = "name: \"a\u{1b}[31m\u{202e}b\u{7f}\u{0}\u{9b}\u{b}\u{e0041}\"";
        let shown = pictured(text);
        assert_eq!(shown, "name: \"a?[31m�b??¿?\u{1D5B7}\"");
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown.chars().count(), text.chars().count());
        for (a, b) in shown.char_indices().zip(text.char_indices()) {
            assert_eq!(a.0, b.0);
        }
    }
}
