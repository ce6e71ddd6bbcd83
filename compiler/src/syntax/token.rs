//! The lexer: source text to tokens with byte spans (logos).
//!
//! Tokens carry no text; the parser slices the source with each token's span. Comments are
//! not given to the parser: they are returned beside the tokens so the formatter can keep them
//! and doc comments can be attached to the item that follows. A bad character, an unterminated
//! string, text block or block comment becomes exactly one SDD001 diagnostic, and the parser
//! is given a token stream in which the mistake is already repaired (an unterminated string
//! still counts as a string), so one mistake never gives two errors. A string left open or a
//! `#` comment that took the `{` or `[` ending its line, with the next line indented deeper (a
//! block's opening: `feasibil"ity {`, `perso#n kenji {`; a list's, `t"argets: [`), gives it
//! back to the parser; one that took nothing but a `}` (`"}`, `#}`: typed before a block's
//! close), or a `}` ending a line that opened a block before the mistake (`{# verifies: [R4]
//! }`), gives the `}`.

use logos::Logos;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::malformed::malformed_number_message;

/// Why the lexer could not make a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LexError {
    #[default]
    UnexpectedCharacter,
    UnterminatedTextBlock,
    UnterminatedBlockComment,
    /// A date followed by `T` and a time that is not `HH:MM[:SS]` and a zone: the reason.
    BadDateTime(&'static str),
    /// A version with `+` build metadata, which `.sdd` versions do not take.
    BuildMetadata,
    /// A line comment begun with `#`.
    HashComment,
    /// `@` and a name with a space between them.
    SpacedPerson,
    /// A number run into letters or punctuation that makes no literal (`1y`, `1.5e3`,
    /// `2026-1-5`, `10.0.0.1`, `.5`).
    MalformedNumber,
}

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum Token {
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("<")]
    LAngle,
    #[token(">")]
    RAngle,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token("?")]
    Question,

    #[regex(r"///([^/\n][^\n]*)?", allow_greedy = true)]
    DocComment,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    #[token("/*", block_comment)]
    BlockComment,

    #[regex(r"[A-Za-z_][A-Za-z0-9_-]*")]
    Ident,
    #[regex(r"@[A-Za-z_][A-Za-z0-9_-]*")]
    #[regex(r"@[ \t]+[A-Za-z_][A-Za-z0-9_-]*", spaced_person)]
    Person,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    Str,
    /// A string missing its closing quote on the same line.
    #[regex(r#""([^"\\\n]|\\[^\n])*"#)]
    UnterminatedStr,
    #[token(r#"""""#, text_block)]
    TextBlock,
    #[regex(r"-?[0-9]+")]
    Int,
    #[regex(r"-?[0-9]+\.[0-9]+")]
    Decimal,
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    Date,
    /// Everything that looks like a date-time is one token, checked by [`date_time`]: a
    /// missing zone or fractional seconds is one clear error, not a date and stray names.
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9A-Za-z:.+-]*", date_time)]
    DateTime,
    #[regex(r"[0-9]+[smhdw]")]
    Duration,
    #[regex(r"[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z][0-9A-Za-z.-]*)?")]
    Version,
    /// A version with semver build metadata (`1.2.3+build.5`): one error, not a version and
    /// a stray `+` followed by a name.
    #[regex(
        r"[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z][0-9A-Za-z.-]*)?\+[0-9A-Za-z.-]*",
        build_metadata
    )]
    VersionWithBuild,
    /// Never made by logos: what a malformed date-time or version is repaired to, after its
    /// one error, so the parser reads it as an invalid value and no later check reports it
    /// again.
    BadLiteral,
    /// A `#`, as in YAML or a shell, up to the end of its line: one error, then skipped, so
    /// that the words after it are not read as entries.
    #[regex(r"#[^\n]*", hash_comment, allow_greedy = true)]
    HashComment,
    /// A number run into letters or punctuation that make no literal (`1y`, `1.5e3`,
    /// `10GB`, `2026-1-5`, `2026-11-28t02:00Z`, `2026-11-28 02:00Z`, `10.0.0.0/24`, `.5`): one error for the
    /// whole run, not a number followed by a name read as the next field's, or a date read as
    /// three integers. Every valid literal is matched as long by its own rule, which wins.
    #[regex(r"-?[0-9]([0-9A-Za-z_.:+-]|/[0-9])*", malformed_number, priority = 1)]
    #[regex(r"-?\.[0-9]([0-9A-Za-z_.:+-]|/[0-9])*", malformed_number, priority = 1)]
    #[regex(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{1,2}:[0-9A-Za-z:.+-]*",
        malformed_number
    )]
    MalformedNumber,
}

/// The time after a date's `T`: `HH:MM`, optional `:SS`, then `Z` or an offset `±HH:MM`.
fn date_time(lex: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    let time = &lex.slice()["2026-11-28T".len()..];
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let parts: Vec<&str> = clock.split(':').collect();
    let clock_ok = matches!(parts.len(), 2 | 3) && parts.iter().all(|p| digits(p));
    let zone_ok = zone == "Z"
        || (zone.len() == 6
            && zone[1..]
                .split_once(':')
                .is_some_and(|(h, m)| digits(h) && digits(m)));
    match (clock_ok, zone_ok) {
        (true, true) => Ok(()),
        _ if clock.contains('.') => Err(LexError::BadDateTime(
            "fractional seconds are not supported",
        )),
        (true, false) if zone.is_empty() => Err(LexError::BadDateTime("the zone is missing")),
        (true, false) => Err(LexError::BadDateTime("the zone is not `Z` or `±HH:MM`")),
        (false, _) => Err(LexError::BadDateTime(
            "the time is not `HH:MM` or `HH:MM:SS`",
        )),
    }
}

fn build_metadata(_: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    Err(LexError::BuildMetadata)
}

fn malformed_number(_: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    Err(LexError::MalformedNumber)
}

fn spaced_person(_: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    Err(LexError::SpacedPerson)
}

fn hash_comment(_: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    Err(LexError::HashComment)
}

fn block_comment(lex: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    match lex.remainder().find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            Ok(())
        }
        None => {
            lex.bump(lex.remainder().len());
            Err(LexError::UnterminatedBlockComment)
        }
    }
}

fn text_block(lex: &mut logos::Lexer<Token>) -> Result<(), LexError> {
    match lex.remainder().find(r#"""""#) {
        Some(end) => {
            lex.bump(end + 3);
            Ok(())
        }
        None => {
            lex.bump(lex.remainder().len());
            Err(LexError::UnterminatedTextBlock)
        }
    }
}

impl Token {
    /// `{`, `[` or `<`: a token that opens a nested group.
    pub fn opens(self) -> bool {
        matches!(self, Token::LBrace | Token::LBracket | Token::LAngle)
    }

    /// `}`, `]` or `>`: a token that closes a nested group.
    pub fn closes(self) -> bool {
        matches!(self, Token::RBrace | Token::RBracket | Token::RAngle)
    }

    /// How the token is named in "expected …, found …" messages.
    pub fn describe(self) -> &'static str {
        match self {
            Token::LBrace => "`{`",
            Token::RBrace => "`}`",
            Token::LBracket => "`[`",
            Token::RBracket => "`]`",
            Token::LAngle => "`<`",
            Token::RAngle => "`>`",
            Token::Colon => "`:`",
            Token::Comma => "`,`",
            Token::Question => "`?`",
            Token::DocComment => "a doc comment",
            Token::LineComment | Token::BlockComment => "a comment",
            Token::Ident => "a name",
            Token::Person => "a person reference",
            Token::Str | Token::UnterminatedStr => "a string",
            Token::TextBlock => "a text block",
            Token::Int => "an integer",
            Token::Decimal => "a decimal",
            Token::Date => "a date",
            Token::DateTime => "a date-time",
            Token::BadLiteral => "a malformed value",
            Token::HashComment => "a `#` comment",
            Token::VersionWithBuild => "a version",
            Token::MalformedNumber => "a malformed value",
            Token::Duration => "a duration",
            Token::Version => "a version",
        }
    }

    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            Token::DocComment | Token::LineComment | Token::BlockComment
        )
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// How many more `counted` tokens a stream holds than `against` tokens (0 when it holds no
/// more), counted in one pass: what the layout repairs (`unclosed`, `unmatched`, `unopened`,
/// `stray_open`, `commented`) check before they look for a mistake, a `{` or `]` too many
/// or too few.
pub fn excess(tokens: &[(Token, Span)], counted: Token, against: Token) -> usize {
    let (more, fewer) = tokens
        .iter()
        .fold((0usize, 0usize), |(more, fewer), (t, _)| {
            (
                more + usize::from(*t == counted),
                fewer + usize::from(*t == against),
            )
        });
    more.saturating_sub(fewer)
}

/// A comment kept beside the token stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub kind: Token,
    pub span: Span,
}

/// The lexer's output.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Significant tokens only, repaired so the parser never sees a lexical error.
    pub tokens: Vec<(Token, Span)>,
    /// Comments and doc comments, in source order.
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

pub use crate::source::BYTE_ORDER_MARK;

/// Lex a whole file.
pub fn lex(file: FileId, text: &str) -> Lexed {
    let mut out = Lexed {
        // Sized once for the densest usual source (about 12 bytes a token in an estate, more
        // in hand-written files), so a large file's tokens are not copied as the vector grows.
        tokens: Vec::with_capacity(text.len() / 8),
        ..Lexed::default()
    };
    // A run of adjacent bad characters is reported once.
    let mut bad_run: Option<Span> = None;
    let mut lexer = Token::lexer(text);
    // A byte order mark at the very start (Windows editors and PowerShell write one) is not
    // part of the text: it is skipped, and spans stay offsets into the text as given.
    if text.starts_with(BYTE_ORDER_MARK) {
        lexer.bump(BYTE_ORDER_MARK.len_utf8());
    }
    // A lexical mistake: one SDD001 with its label and help.
    let mistake = |at: Span, message: &str, label: &str, help: &str| {
        Diagnostic::new(Code::Sdd001, file, at, message)
            .with_label(label)
            .with_help(help)
    };
    while let Some(result) = lexer.next() {
        let mut span = Span::from(lexer.span());
        // What runs to the end of its line (a comment, a string left open) stops before a
        // `\r\n`'s `\r`: the `\r` is the line break's, and a range ending past it points
        // beyond the line an editor shows.
        let to_line_end = matches!(
            result,
            Ok(Token::LineComment | Token::DocComment | Token::UnterminatedStr)
                | Err(LexError::HashComment)
        );
        if to_line_end && text[span.range()].ends_with('\r') && span.end > span.start + 1 {
            span = Span::new(span.start as usize, span.end as usize - 1);
        }
        match result {
            Err(LexError::UnexpectedCharacter) => {
                bad_run = match bad_run {
                    Some(run) if run.end == span.start => Some(run.to(span)),
                    Some(run) => {
                        out.diagnostics.push(bad_characters(file, text, run));
                        Some(span)
                    }
                    None => Some(span),
                };
                continue;
            }
            Err(LexError::UnterminatedTextBlock) => {
                out.diagnostics.push(mistake(
                    Span::new(span.start as usize, span.start as usize + 3),
                    "unterminated text block",
                    "this text block is never closed",
                    "close it with `\"\"\"`",
                ));
                out.tokens.push((Token::TextBlock, span));
            }
            Err(LexError::UnterminatedBlockComment) => {
                out.diagnostics.push(mistake(
                    Span::new(span.start as usize, span.start as usize + 2),
                    "unterminated block comment",
                    "this comment is never closed",
                    "close it with `*/`",
                ));
                out.comments.push(Comment {
                    kind: Token::BlockComment,
                    span,
                });
            }
            Err(LexError::BadDateTime(why)) => {
                out.diagnostics.push(mistake(
                    span,
                    &format!("malformed date-time: {why}"),
                    "not a date-time",
                    "write a date-time as `2026-11-28T02:00Z`, `2026-11-28T02:00:30Z` or with an offset `2026-11-28T02:00+01:00`",
                ));
                out.tokens.push((Token::BadLiteral, span));
            }
            Err(LexError::BuildMetadata) => {
                let plus = text[span.range()].find('+').unwrap_or(0);
                out.diagnostics.push(mistake(
                    Span::new(span.start as usize + plus, span.end as usize),
                    "a version takes no build metadata",
                    "`+…` is not part of a version here",
                    "write the version as `MAJOR.MINOR.PATCH`, with an optional `-pre-release`; put build details in a string field",
                ));
                out.tokens.push((Token::BadLiteral, span));
            }
            Err(LexError::MalformedNumber) => {
                let written = &text[span.range()];
                let (message, label, help) = malformed_number_message(written);
                out.diagnostics.push(mistake(span, &message, label, help));
                out.tokens.push((Token::BadLiteral, span));
            }
            Err(LexError::SpacedPerson) => {
                let name = text[span.range()][1..].trim_start();
                out.diagnostics.push(mistake(
                    span,
                    "a space between `@` and the person's name",
                    "not a person reference",
                    &format!("write the reference with no space: `@{name}`"),
                ));
                out.tokens.push((Token::BadLiteral, span));
            }
            Err(LexError::HashComment) => {
                let swallowed = swallowed_brace(text, span);
                out.diagnostics.push(mistake(
                    Span::new(span.start as usize, span.start as usize + 1),
                    "`#` does not start a comment",
                    match swallowed {
                        Some((Token::LBrace, _)) => {
                            "the rest of this line is skipped, but for the `{` that ends it"
                        }
                        Some((Token::LBracket, _)) => {
                            "the rest of this line is skipped, but for the `[` that ends it"
                        }
                        Some(_) => "the rest of this line is skipped, but for the `}` that ends it",
                        None => "the rest of this line is skipped",
                    },
                    "write a comment as `// …` (or `/* … */`)",
                ));
                out.tokens.extend(swallowed);
            }
            Ok(Token::UnterminatedStr) => {
                let swallowed = swallowed_brace(text, span);
                if let Some((_, brace)) = swallowed {
                    let before = text[span.start as usize..brace.start as usize].trim_end();
                    span = Span::new(span.start as usize, span.start as usize + before.len());
                }
                out.diagnostics.push(mistake(
                    span,
                    "unterminated string",
                    "this string has no closing `\"` on its line",
                    "add the closing quote, or use a text block `\"\"\"…\"\"\"` for text over several lines",
                ));
                out.tokens.push((Token::Str, span));
                out.tokens.extend(swallowed);
            }
            Ok(kind) if kind.is_trivia() => out.comments.push(Comment { kind, span }),
            Ok(kind) => out.tokens.push((kind, span)),
        }
        if let Some(run) = bad_run.take() {
            out.diagnostics.push(bad_characters(file, text, run));
        }
    }
    if let Some(run) = bad_run {
        out.diagnostics.push(bad_characters(file, text, run));
    }
    out
}

/// The brace a string left open or a `#` comment (`span`) took from the end of its line, to
/// be given back to the parser: a `{` that opens a block or a `[` that opens a list written
/// one item per line ([`swallowed_open`]), or a `}` that is all they took
/// ([`swallowed_close`]).
fn swallowed_brace(text: &str, span: Span) -> Option<(Token, Span)> {
    (swallowed_open(text, span, '{').map(|open| (Token::LBrace, open)))
        .or_else(|| swallowed_open(text, span, '[').map(|open| (Token::LBracket, open)))
        .or_else(|| swallowed_close(text, span).map(|close| (Token::RBrace, close)))
}

/// The `}` a string left open or a `#` comment (`span`) took at the end of its line, when it
/// holds nothing else but blanks (`"}`, `#}`, `"   }`: the quote or `#` typed before a
/// block's close) or its line opened a block before it that the `}` would close (`test T4
/// "…" {# verifies: [R4] }`): the close, which the parser is given back so the block ends
/// where it did and the mistake is its only error.
fn swallowed_close(text: &str, span: Span) -> Option<Span> {
    let taken = text[span.range()].trim_end();
    // After the one-byte `"` or `#` that begins the token.
    let inside = taken.get(1..)?;
    let close = span.start as usize + taken.len().checked_sub(1)?;
    if !inside.ends_with('}') {
        return None;
    }
    let line_start = super::line_start(text, span.start as usize);
    let before = &text[line_start..span.start as usize];
    let opened = before.matches('{').count() > before.matches('}').count();
    (inside.trim_start() == "}" || opened).then(|| Span::new(close, close + 1))
}

/// The `opener` (`{` or `[`) that ends the line of a string left open or a `#` comment
/// (`span`, which runs to the end of that line), when the next line that holds anything is
/// indented deeper than this one: the `{` that opens a block or the `[` that opens a list,
/// taken by the mistake, which the parser is given back so the block or list is read as one
/// and the mistake is its only error.
fn swallowed_open(text: &str, span: Span, opener: char) -> Option<Span> {
    let taken = text[span.range()].trim_end();
    let open = span.start as usize + taken.len().checked_sub(1)?;
    if !taken.ends_with(opener) || open == span.start as usize {
        return None;
    }
    let line_start = super::line_start(text, span.start as usize);
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let this = indent(&text[line_start..]);
    let next =
        (text[span.end as usize..].split('\n').skip(1)).find(|line| !line.trim().is_empty())?;
    (indent(next) > this).then(|| Span::new(open, open + 1))
}

fn bad_characters(file: FileId, text: &str, run: Span) -> Diagnostic {
    let shown: String = text[run.range()].chars().take(8).collect();
    let message = if text[run.range()].chars().count() == 1 {
        format!("unexpected character `{}`", shown.escape_debug())
    } else {
        format!("unexpected characters `{}`", shown.escape_debug())
    };
    Diagnostic::new(Code::Sdd001, file, run, message).with_label("not part of the .sdd language")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        lex(FileId(0), text).tokens.iter().map(|t| t.0).collect()
    }

    #[test]
    fn literals_are_told_apart_by_longest_match() {
        use Token::*;
        assert_eq!(
            kinds("42 1.5 2.3.0 2.3.0-rc.1 2026-11-20 2026-11-28T02:00Z 2026-11-28T02:00+01:00 90s 2h"),
            vec![Int, Decimal, Version, Version, Date, DateTime, DateTime, Duration, Duration]
        );
        assert_eq!(
            kinds("1y 1.5e3 10GB -3x 4w 4w2"),
            vec![BadLiteral, BadLiteral, BadLiteral, BadLiteral, Duration, BadLiteral]
        );
        assert_eq!(
            kinds("dc2-edge @bob level-1 _x"),
            vec![Ident, Person, Ident, Ident]
        );
    }

    #[test]
    fn comments_are_kept_aside() {
        let lexed = lex(FileId(0), "/// doc\n// line\n/* block */ x //// rule\n");
        let kinds: Vec<Token> = lexed.comments.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Token::DocComment,
                Token::LineComment,
                Token::BlockComment,
                Token::LineComment
            ]
        );
        assert_eq!(lexed.tokens.len(), 1);
    }

    #[test]
    fn one_diagnostic_per_lexical_mistake() {
        let lexed = lex(FileId(0), "a §§§ b \"open\nc ```");
        assert_eq!(lexed.diagnostics.len(), 3, "{:?}", lexed.diagnostics);
        // the unterminated string is still a string for the parser
        assert_eq!(lexed.tokens.iter().filter(|t| t.0 == Token::Str).count(), 1);
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped_and_only_there() {
        let lexed = lex(FileId(0), "\u{feff}person a {}");
        assert!(lexed.diagnostics.is_empty(), "{:?}", lexed.diagnostics);
        // Spans are offsets into the text as given, the mark's three bytes included.
        assert_eq!(lexed.tokens[0], (Token::Ident, Span::new(3, 9)));
        let inside = lex(FileId(0), "person \u{feff}a {}");
        assert_eq!(inside.diagnostics.len(), 1, "{:?}", inside.diagnostics);
    }

    #[test]
    fn what_runs_to_the_end_of_a_crlf_line_stops_before_its_cr() {
        let text = "\"open\r\n// c\r\n/// d\r\n# e\r\n";
        let lexed = lex(FileId(0), text);
        let ends: Vec<&str> = (lexed.tokens.iter().map(|t| t.1))
            .chain(lexed.comments.iter().map(|c| c.span))
            .map(|s| &text[s.range()])
            .collect();
        assert_eq!(ends, ["\"open", "// c", "/// d"]);
        let hash = lexed.diagnostics.last().expect("the `#` comment's error");
        assert_eq!(
            hash.primary.span.end as usize,
            text.find("# e").unwrap() + 1
        );
    }

    #[test]
    fn a_block_opening_taken_by_a_string_left_open_or_a_hash_comment_is_given_back() {
        use Token::*;
        let text = "  feasibil\"ity {\n    decision: x\n  }\n";
        let lexed = lex(FileId(0), text);
        assert_eq!(lexed.diagnostics.len(), 1, "{:?}", lexed.diagnostics);
        let tokens: Vec<(Token, &str)> = (lexed.tokens.iter())
            .map(|(t, s)| (*t, &text[s.range()]))
            .collect();
        assert_eq!(
            tokens[..3],
            [(Ident, "feasibil"), (Str, "\"ity"), (LBrace, "{")]
        );
        assert_eq!(
            kinds("perso#n kenji {\n  name: x\n}\n")[..2],
            [Ident, LBrace]
        );
        // Not when the next line is not indented deeper: the `{` may be the string's own.
        assert_eq!(
            kinds("a: \"see {\nb: 1\n"),
            [Ident, Colon, Str, Ident, Colon, Int]
        );
    }

    #[test]
    fn a_block_close_taken_by_a_quote_or_hash_typed_before_it_is_given_back() {
        let cases = [
            (
                "person p {\n  e: \"x\"\n#}\n\nperson q {\n  e: \"y\"\n}\n",
                "#}",
                "`#` does not start a comment",
            ),
            (
                "role p {\n  e: [x]\n\"}\n\nrole q {\n  e: [y]\n}\n",
                "\"}",
                "unterminated string",
            ),
            (
                "person p {\n  x: { a: 1\n    b: 2\n \"   }\n  e: \"y\"\n}\n",
                " \"",
                "unterminated string",
            ),
            // The close of a block its own line opened, with content between.
            (
                "engagement e {\n  design {\n    test T4 \"x\" {# verifies: [R4] }\n    test T5 \"y\" { verifies: [R5] }\n  }\n}\n",
                "{#",
                "`#` does not start a comment",
            ),
        ];
        for (text, mistake, message) in cases {
            let at = text.find(mistake).unwrap() + mistake.find(['"', '#']).unwrap();
            let parsed = crate::syntax::parse(FileId(0), text);
            let errors: Vec<(usize, &str)> = (parsed.diagnostics.iter())
                .filter(|d| d.code == Code::Sdd001)
                .map(|d| (d.primary.span.start as usize, d.message.as_str()))
                .collect();
            assert_eq!(errors, [(at, message)], "{text:?}");
        }
        // A string that holds more than the `}` keeps it, unless its line opened a block.
        assert_eq!(
            kinds("a: \"x }\n"),
            [Token::Ident, Token::Colon, Token::Str]
        );
    }

    #[test]
    fn unterminated_text_block_and_comment() {
        assert_eq!(lex(FileId(0), "x \"\"\" never").diagnostics.len(), 1);
        assert_eq!(lex(FileId(0), "x /* never").diagnostics.len(), 1);
    }
}
