//! Decoding string literals and text blocks.
//!
//! Errors are `(byte offset inside the literal, message)` so the parser can point at the
//! offending escape.

/// Decode `"…"` (quotes included in `raw`).
pub fn string(raw: &str) -> Result<String, (usize, String)> {
    let inner = raw
        .strip_prefix('"')
        .map(|s| s.strip_suffix('"').unwrap_or(s))
        .unwrap_or(raw);
    unescape(inner, 1)
}

/// Decode `"""…"""`: the text between the quotes with its common indentation removed, a line
/// break right after the opening quotes dropped, and a last line holding only the closing
/// quotes' indentation dropped. Escapes are not processed in text blocks.
pub fn text_block(raw: &str) -> Result<String, (usize, String)> {
    let inner = raw
        .strip_prefix(r#"""""#)
        .map(|s| s.strip_suffix(r#"""""#).unwrap_or(s))
        .unwrap_or(raw);
    let mut lines: Vec<&str> = inner.split('\n').collect();
    if lines.len() > 1 && lines[0].trim().is_empty() {
        lines.remove(0);
    }
    if lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let out: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end_matches('\r'))
        .collect();
    Ok(out.join("\n"))
}

fn unescape(inner: &str, base: usize) -> Result<String, (usize, String)> {
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = base + i;
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 'u')) => {
                if chars.next().map(|(_, c)| c) != Some('{') {
                    return Err((at, "expected `{` after `\\u`: write `\\u{1F600}`".into()));
                }
                let mut hex = String::new();
                loop {
                    match chars.next() {
                        Some((_, '}')) => break,
                        Some((_, h)) if h.is_ascii_hexdigit() && hex.len() < 6 => hex.push(h),
                        _ => {
                            return Err((
                                at,
                                "invalid unicode escape: write `\\u{…}` with 1 to 6 hex digits"
                                    .into(),
                            ))
                        }
                    }
                }
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err((at, format!("`\\u{{{hex}}}` is not a Unicode scalar value")))
                    }
                }
            }
            Some((_, other)) => {
                return Err((
                    at,
                    format!("unknown escape `\\{other}`: use \\\" \\\\ \\n \\t \\r or \\u{{…}}"),
                ))
            }
            None => return Err((at, "a string cannot end with a lone `\\`".into())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(string(r#""a\"b\\c\nd\u{e9}""#).unwrap(), "a\"b\\c\nd\u{e9}");
        assert_eq!(string(r#""bad \q""#).unwrap_err().0, 5);
        assert!(string(r#""\u{110000}""#).is_err());
    }

    #[test]
    fn text_blocks_lose_common_indentation() {
        let raw = "\"\"\"\n    first\n      second\n    \"\"\"";
        assert_eq!(text_block(raw).unwrap(), "first\n  second");
        assert_eq!(text_block(r#""""one line""""#).unwrap(), "one line");
    }
}
