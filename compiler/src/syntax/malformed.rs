//! What to tell the author of a number that makes no literal.
//!
//! The lexer reads a run that starts like a number and that no literal matches whole
//! (`2026-1-5`, `2026-11-28 02:00Z`, `10.0.0.0/24`, `1.5e3`, `1y`, `.5`) as one malformed
//! value, so one mistake is one error. This module names what the run looks like it was
//! meant to be, and how to write it.

/// The message, label and help of one malformed number.
pub fn malformed_number_message(written: &str) -> (String, &'static str, &'static str) {
    let unsigned = written.trim_start_matches('-');
    let shown = || format!("malformed value `{written}`");
    if let Some(date) = meant_date(unsigned) {
        return date;
    }
    if unsigned.starts_with('.') {
        return (
            shown(),
            "no digit before the point",
            "a decimal has a digit before its point: write `0.5`, not `.5`",
        );
    }
    if unsigned.contains('/') && unsigned.contains('.') {
        return (
            shown(),
            "a prefix is not a number",
            "write an address prefix as a string in quotes (`\"10.0.0.0/24\"`)",
        );
    }
    let dotted = unsigned.split('.').collect::<Vec<_>>();
    if dotted.len() > 3 && dotted.iter().all(|p| is_digits(p)) {
        return (
            shown(),
            "not a version or a number",
            "write an IP address as a string in quotes (`\"10.0.0.1\"`); a version has exactly three numeric parts (`2.3.0`)",
        );
    }
    if exponent(unsigned) {
        return (
            shown(),
            "a number run into letters",
            "a number is written out in full, without an exponent (`1500`, `2.5`)",
        );
    }
    let number_end = unsigned
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(unsigned.len());
    let rest = &unsigned[number_end..];
    if rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return (
            shown(),
            "a number run into letters",
            "a duration is a whole number and one of `s`, `m`, `h`, `d` or `w` (`90d`, `2h`); other text is a string in quotes",
        );
    }
    if rest.starts_with(':') {
        return (
            shown(),
            "a time alone is not a value",
            "a time is written in a date-time: `2026-11-28T02:00Z` or with an offset `2026-11-28T02:00+01:00`",
        );
    }
    (
        shown(),
        "not a value",
        "write a number as `42` or `1.5`, a date as `2026-11-20`, a version as `2.3.0`, a duration as `90d`; other text is a string in quotes",
    )
}

/// A run that starts with three numbers joined by `-` or `/`: a date written another way, or
/// a date-time with a lower-case `t`.
fn meant_date(unsigned: &str) -> Option<(String, &'static str, &'static str)> {
    let head_end = unsigned
        .find(|c: char| !c.is_ascii_digit() && c != '-' && c != '/')
        .unwrap_or(unsigned.len());
    let (head, rest) = unsigned.split_at(head_end);
    let parts: Vec<&str> = head.split(['-', '/']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| is_digits(p)) {
        return None;
    }
    let well_formed =
        !head.contains('/') && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2;
    if well_formed && rest.starts_with(' ') {
        return Some((
            format!("malformed date-time `{unsigned}`"),
            "a space between the date and the time",
            "join the date and the time with `T` (`2026-11-28T02:00Z`)",
        ));
    }
    if well_formed && rest.starts_with('t') {
        return Some((
            format!("malformed date-time `{unsigned}`"),
            "the `T` is lower case",
            "write the `T` between the date and the time in upper case (`2026-11-28T02:00Z`)",
        ));
    }
    if !well_formed && (rest.is_empty() || rest.starts_with(['T', 't'])) {
        return Some((
            format!("malformed date `{head}`"),
            "not a date",
            "write a date as `YYYY-MM-DD`: a four-digit year, then a two-digit month and day, joined by `-` (`2026-01-05`)",
        ));
    }
    None
}

fn is_digits(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

fn exponent(unsigned: &str) -> bool {
    unsigned
        .split_once(['e', 'E'])
        .is_some_and(|(mantissa, power)| {
            !power.is_empty()
                && power.bytes().all(|b| b.is_ascii_digit())
                && !mantissa.is_empty()
                && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
}

#[cfg(test)]
mod tests {
    use super::malformed_number_message;

    fn label(written: &str) -> &'static str {
        malformed_number_message(written).1
    }

    #[test]
    fn each_run_is_told_what_it_looks_like() {
        assert_eq!(label("2026-1-5"), "not a date");
        assert_eq!(label("10000-01-01"), "not a date");
        assert_eq!(label("2026/10/23"), "not a date");
        assert_eq!(label("2026-10-23t10:00Z"), "the `T` is lower case");
        assert_eq!(
            label("2026-10-23 10:00Z"),
            "a space between the date and the time"
        );
        assert_eq!(label(".5"), "no digit before the point");
        assert_eq!(label("10.0.0.0/24"), "a prefix is not a number");
        assert_eq!(label("10.0.0.1"), "not a version or a number");
        assert_eq!(label("1.5e3"), "a number run into letters");
        assert_eq!(label("10GB"), "a number run into letters");
        assert_eq!(label("10:00Z"), "a time alone is not a value");
        assert_eq!(label("1-2"), "not a value");
    }

    #[test]
    fn a_malformed_date_is_named_without_its_time() {
        let (message, _, _) = malformed_number_message("2026-1-5T10:00Z");
        assert_eq!(message, "malformed date `2026-1-5`");
    }
}
