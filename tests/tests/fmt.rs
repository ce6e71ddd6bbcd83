//! The formatter: golden layouts (`cases/fmt/*.sdd`, reviewed snapshots), and over every
//! example and every test input: idempotence, every comment kept in order, and exactly the
//! same fingerprints and diagnostics after formatting; files with syntax errors refused. A
//! property test formats random re-layouts of the examples (fields reordered inside blocks,
//! tokens re-spaced and re-indented, comments inserted) and checks the same.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sdd::analysis::{analyze, Analysis};
use sdd::estate::Estate;
use sdd::fmt::{format, FormatError};
use sdd::source::{FileId, Span};
use sdd::syntax::token::{lex, Token};
use sdd::syntax::{parse, Entry, Item};
use sdd_tests::{cases, cases_dir, options_at, repo_root, CASE_DATE};

/// Format, and check the result formats to itself.
fn format_twice(name: &str, text: &str) -> Result<String, FormatError> {
    let once = format(FileId(0), text)?;
    let twice = format(FileId(0), &once)
        .unwrap_or_else(|e| panic!("{name}: the formatted text is refused: {e}\n{once}"));
    assert_eq!(twice, once, "{name}: formatting is not idempotent");
    Ok(once)
}

#[test]
fn golden_layouts_as_reviewed() {
    let dir = cases_dir().join("fmt");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("cases/fmt exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sdd"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5, "golden formatter cases are missing");
    for path in inputs {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read_to_string(&path).unwrap();
        let mut shown = format!("--- input\n{input}");
        match format_twice(&name, &input) {
            Ok(output) => shown.push_str(&format!("--- formatted\n{output}")),
            Err(FormatError::Syntax(diagnostics)) => {
                shown.push_str("--- refused\n");
                for d in diagnostics {
                    shown.push_str(&format!("{} {}\n", d.code, d.message));
                }
            }
            Err(e) => panic!("{name}: {e}"),
        }
        insta::with_settings!({
            snapshot_path => "../cases/fmt/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, shown);
        });
    }
}

/// What the checker says about an estate, independent of layout: every diagnostic's file,
/// code, severity and words, and every engagement's fingerprints and derived status.
fn meaning(estate: &Estate, analysis: &Analysis) -> (Vec<String>, Vec<String>) {
    let mut diagnostics: Vec<String> = analysis
        .diagnostics
        .iter()
        // The one diagnostic the formatter changes: it writes a bidirectional control
        // character in a string as its escape, which fixes that SDD003.
        .filter(|d| !(d.code.as_str() == "SDD003" && d.message.ends_with("in a string")))
        .map(|d| {
            format!(
                "{} {} {} {} | {} | {:?} | {:?} | {:?}",
                estate.files.name(d.file()),
                d.code,
                d.severity.as_str(),
                d.message,
                d.primary.message,
                d.secondary.iter().map(|l| &l.message).collect::<Vec<_>>(),
                d.notes
                    .iter()
                    .map(|n| without_line_numbers(n))
                    .collect::<Vec<_>>(),
                d.help
            )
        })
        .collect();
    diagnostics.sort();
    let facts = analysis
        .engagements
        .iter()
        .map(|(file, f)| {
            format!(
                "{} {} {} spec {} {} design {} {} reconciled {}",
                estate.files.name(*file),
                f.name,
                f.status.as_str(),
                f.spec_fingerprint,
                f.spec_holds,
                f.design_fingerprint,
                f.design_holds,
                f.reconciled
            )
        })
        .collect();
    (diagnostics, facts)
}

/// A note may point at another place as `file.sdd:LINE`; formatting moves lines.
fn without_line_numbers(note: &str) -> String {
    let mut out = String::with_capacity(note.len());
    let mut rest = note;
    while let Some(at) = rest.find(".sdd:") {
        let (head, tail) = rest.split_at(at + ".sdd:".len());
        out.push_str(head);
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str("LINE");
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// The comments of a text, as the formatter must keep them: a line comment without trailing
/// white space; a block comment with `\n` line ends, and its later lines without their
/// indentation, which changes when the layout moves the comment as a whole.
fn comments(text: &str) -> Vec<String> {
    parse(FileId(0), text)
        .comments
        .iter()
        .map(|c| {
            let raw = &text[c.span.range()];
            match c.kind {
                Token::BlockComment => (raw.replace("\r\n", "\n").split('\n'))
                    .map(|line| line.trim_start_matches([' ', '\t']))
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => raw.trim_end().to_string(),
            }
        })
        .collect()
}

/// Format every file of an estate and check nothing a user or a gate sees changes. Returns
/// (files formatted, files refused).
fn assert_meaning_kept(
    estate_name: &str,
    sources: &[(String, String)],
    date: &str,
) -> (usize, usize) {
    let before = Estate::from_sources(sources.to_vec());
    let expected = meaning(&before, &analyze(&before, &options_at(date)));
    let (mut formatted, mut refused) = (0, 0);
    let mut after_sources = Vec::new();
    for (name, text) in sources {
        let has_syntax_errors =
            (parse(FileId(0), text).diagnostics.iter()).any(|d| d.code.as_str() != "SDD003");
        match format_twice(name, text) {
            Ok(out) => {
                assert!(
                    !has_syntax_errors,
                    "{name}: formatted despite syntax errors"
                );
                assert_eq!(comments(&out), comments(text), "{name}: comments changed");
                formatted += 1;
                after_sources.push((name.clone(), out));
            }
            Err(FormatError::Syntax(d)) => {
                assert!(
                    has_syntax_errors && !d.is_empty(),
                    "{name}: refused without cause"
                );
                refused += 1;
                after_sources.push((name.clone(), text.clone()));
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    let after = Estate::from_sources(after_sources);
    let got = meaning(&after, &analyze(&after, &options_at(date)));
    assert_eq!(
        got.1, expected.1,
        "{estate_name}: fingerprints or status changed"
    );
    assert_eq!(got.0, expected.0, "{estate_name}: diagnostics changed");
    (formatted, refused)
}

/// Every `.sdd` file under a folder, sorted, as (path relative to the repository, text).
fn sdd_files(dir: &Path, skip: &[&str]) -> Vec<(String, String)> {
    fn walk(dir: &Path, skip: &[&str], out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !skip.contains(&name.as_str()) {
                walk(&p, skip, out);
            } else if p.extension().is_some_and(|x| x == "sdd") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, skip, &mut paths);
    paths.sort();
    let root = repo_root();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn example_estate() -> Vec<(String, String)> {
    sdd_files(&repo_root().join("examples"), &["broken"])
}

#[test]
fn examples_keep_their_meaning() {
    let sources = example_estate();
    assert!(sources.len() >= 10);
    let (formatted, refused) = assert_meaning_kept("examples", &sources, CASE_DATE);
    assert_eq!((formatted, refused), (sources.len(), 0));
    // examples/broken/ holds one estate per governance code, each checked on its own.
    let broken = repo_root().join("examples/broken");
    let mut estates: Vec<PathBuf> = std::fs::read_dir(&broken)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    estates.sort();
    for path in estates {
        let sources = if path.is_dir() {
            sdd_files(&path, &[])
        } else if path.extension().is_some_and(|x| x == "sdd") {
            let text = std::fs::read_to_string(&path).unwrap();
            vec![(path.display().to_string(), text)]
        } else {
            continue;
        };
        assert_meaning_kept(&path.display().to_string(), &sources, CASE_DATE);
    }
}

#[test]
fn examples_are_formatted() {
    for (name, text) in example_estate() {
        let formatted = format(FileId(0), &text).unwrap();
        assert!(
            formatted == text,
            "{name} is not formatted: run `sdd fmt examples`"
        );
    }
}

#[test]
fn every_test_input_keeps_its_meaning() {
    let mut areas: Vec<String> = std::fs::read_dir(cases_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    areas.sort();
    let (mut formatted, mut refused) = (0, 0);
    for area in areas {
        for case in cases(&area) {
            let date = case
                .header("as-of")
                .pop()
                .unwrap_or_else(|| CASE_DATE.to_string());
            let (f, r) = assert_meaning_kept(&case.name, &case.sources, &date);
            formatted += f;
            refused += r;
        }
    }
    assert!(formatted >= 5, "only {formatted} test inputs formatted");
    assert!(refused >= 1, "no test input with syntax errors was refused");
}

/// A file keeps its line ends (a Windows checkout's `\r\n`), so `sdd fmt --check` passes
/// the same files on every system; the layout, the final newline included, is the same.
#[test]
fn line_ends_are_kept_and_the_final_newline_is_canonical() {
    let crlf = "person bob {\r\n  name: \"Bob\" // trailing  \r\n  /* a\r\n  block */\r\n  note: \"\"\"\r\n    one\r\n    two\r\n    \"\"\"\r\n}";
    let lf = "person bob {\n  name: \"Bob\" // trailing\n  /* a\n  block */\n  note: \"\"\"\n    one\n    two\n    \"\"\"\n}\n";
    let out = format(FileId(0), crlf).unwrap();
    assert_eq!(out, lf.replace('\n', "\r\n"));
    assert_eq!(format(FileId(0), &out).unwrap(), out, "not idempotent");
    assert_eq!(format(FileId(0), &crlf.replace("\r\n", "\n")).unwrap(), lf);
    // The same values either way: the text block's lines do not keep a `\r`.
    let note = |text: &str| {
        let parsed = parse(FileId(0), text);
        let field = parsed.ast.items[0].field("note").map(|f| f.value.clone());
        field.and_then(|v| v.as_str().map(str::to_string))
    };
    assert_eq!(note(&out), Some("one\ntwo".to_string()));
    assert_eq!(note(&out), note(lf));
    // Mixed line ends: the first one is the file's.
    let mixed = "person bob {\r\n  name: \"Bob\"\n  roles: [a]\n}\n";
    assert_eq!(
        format(FileId(0), mixed).unwrap(),
        "person bob {\r\n  name: \"Bob\"\r\n  roles: [a]\r\n}\r\n"
    );
    let mixed = "person bob {\n  name: \"Bob\"\r\n  roles: [a]\r\n}\r\n";
    assert_eq!(
        format(FileId(0), mixed).unwrap(),
        "person bob {\n  name: \"Bob\"\n  roles: [a]\n}\n"
    );
    assert_eq!(format(FileId(0), "").unwrap(), "");
    assert_eq!(
        format(FileId(0), "// only a comment").unwrap(),
        "// only a comment\n"
    );
}

#[test]
fn syntax_errors_are_refused_with_their_diagnostics() {
    for text in [
        "person bob {",
        "person bob { name: \"x }",
        "person { name: 1 } }",
        "§",
    ] {
        match format(FileId(7), text) {
            Err(FormatError::Syntax(d)) => {
                assert!(!d.is_empty());
                assert!(d.iter().all(|d| d.file() == FileId(7)));
            }
            other => panic!("{text:?} gave {other:?}"),
        }
    }
}

/// The deterministic generator of the re-layouts (the property test supplies the seed).
type Rng = fastrand::Rng;

fn reorder_fields(text: &str, rng: &mut Rng) -> String {
    fn collect(items: &[Item], rng: &mut Rng, out: &mut Vec<(Span, Span)>) {
        for item in items {
            let slots: Vec<Span> = item
                .entries()
                .iter()
                .filter_map(|e| match e {
                    Entry::Field(f) => Some(f.span),
                    _ => None,
                })
                .collect();
            let mut sources = slots.clone();
            rng.shuffle(&mut sources);
            out.extend(slots.into_iter().zip(sources));
            collect(&item.items().cloned().collect::<Vec<_>>(), rng, out);
        }
    }
    let parsed = parse(FileId(0), text);
    let mut moves = Vec::new();
    collect(&parsed.ast.items, rng, &mut moves);
    moves.sort_by_key(|(slot, _)| slot.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (slot, source) in moves {
        out.push_str(&text[at..slot.start as usize]);
        out.push_str(&text[source.range()]);
        at = slot.end as usize;
    }
    out.push_str(&text[at..]);
    out
}

/// Re-space every token: random spaces, line breaks and indentation, and random comments.
fn respace(text: &str, rng: &mut Rng) -> String {
    let lexed = lex(FileId(0), text);
    let mut pieces: Vec<(Span, bool)> = lexed.tokens.iter().map(|&(_, s)| (s, false)).collect();
    pieces.extend(
        lexed
            .comments
            .iter()
            .map(|c| (c.span, c.kind != Token::BlockComment)),
    );
    pieces.sort_by_key(|(s, _)| s.start);
    const GAPS: &[&str] = &[
        " ",
        " ",
        "  ",
        "\n",
        "\n  ",
        "\n\t\t",
        "\n\n",
        "\n\n\n    ",
        "\t",
    ];
    let mut out = String::with_capacity(text.len() * 2);
    for (span, ends_line) in pieces {
        out.push_str(&text[span.range()]);
        let is_doc = text[span.range()].starts_with("///");
        if !is_doc && rng.usize(..12) == 0 {
            out.push_str(if rng.usize(..2) == 0 {
                " /* inserted */ "
            } else {
                " // inserted\n"
            });
        }
        let gap = GAPS[rng.usize(..GAPS.len())];
        out.push_str(if ends_line && !gap.contains('\n') {
            "\n"
        } else {
            gap
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_relayouts_of_an_example_format_alike(pick in 0usize..1000, seed in 1u64..u64::MAX) {
        let sources = example_estate();
        let which = pick % sources.len();
        let (name, original) = &sources[which];
        let mut rng = Rng::with_seed(seed);
        let mangled = respace(&reorder_fields(original, &mut rng), &mut rng);
        prop_assert!(parse(FileId(0), &mangled).diagnostics.is_empty(), "{name}: mangled text does not parse:\n{mangled}");
        let with = |text: &str| {
            let mut s = sources.clone();
            s[which].1 = text.to_string();
            s
        };
        let out = format_twice(name, &mangled).unwrap();
        prop_assert_eq!(comments(&out), comments(&mangled));
        let mangled_estate = Estate::from_sources(with(&mangled));
        let formatted_estate = Estate::from_sources(with(&out));
        let original_estate = Estate::from_sources(sources.clone());
        let options = options_at(CASE_DATE);
        let m = meaning(&mangled_estate, &analyze(&mangled_estate, &options));
        let f = meaning(&formatted_estate, &analyze(&formatted_estate, &options));
        let o = meaning(&original_estate, &analyze(&original_estate, &options));
        prop_assert_eq!(&f, &m);
        // Neither field order nor layout counts: the example's own fingerprints hold.
        prop_assert_eq!(&f.1, &o.1);
    }
}

/// Pieces of the language, for token soup.
const SOUP: &[&str] = &[
    "person",
    "enum",
    "record",
    "field",
    "engagement",
    "requirement",
    "verified",
    "by",
    "x",
    "y-1",
    "name",
    ":",
    ",",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    "?",
    "\"s\"",
    "\"a\\\"b\"",
    "\"\"\"\n  t\n  \"\"\"",
    "\"\"\"one\"\"\"",
    "42",
    "-1",
    "1.5",
    "2.3.0",
    "2026-11-20",
    "2026-11-28T02:00Z",
    "2h",
    "@bob",
    "true",
    "list",
    "// c\n",
    "/* b */",
    "/// d\n",
    "\n",
    "\n\n",
    " ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the input, the formatter either refuses it (syntax errors) or formats it to a
    /// text that formats to itself; it never panics.
    #[test]
    fn token_soup_is_refused_or_formatted_stably(picks in proptest::collection::vec(0usize..SOUP.len(), 0..60)) {
        let text: String = picks.iter().map(|&i| SOUP[i]).collect::<Vec<_>>().join(" ");
        let has_errors = !parse(FileId(0), &text).diagnostics.is_empty();
        match format(FileId(0), &text) {
            Ok(out) => {
                prop_assert!(!has_errors);
                prop_assert_eq!(format(FileId(0), &out).ok(), Some(out.clone()), "input:\n{}", text);
            }
            Err(FormatError::Syntax(_)) => prop_assert!(has_errors),
            Err(e) => prop_assert!(false, "{}\ninput:\n{}", e, text),
        }
    }
}

/// A random well-formed file: nested items, fields, lists, records, strings and text blocks,
/// with random white space and comments between any two tokens.
struct Soup {
    rng: Rng,
    out: String,
}

impl Soup {
    fn sep(&mut self) {
        const GAPS: &[&str] = &[" ", " ", " ", "\n  ", "\n", "\n\n", "  ", "\t"];
        self.out.push_str(GAPS[self.rng.usize(..GAPS.len())]);
        match self.rng.usize(..16) {
            0 => self.out.push_str("// c\n"),
            1 => self.out.push_str("/* b */ "),
            2 => self.out.push_str("/* multi\n   line */\n"),
            _ => {}
        }
    }

    fn tok(&mut self, t: &str) {
        self.out.push_str(t);
        self.sep();
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.usize(..from.len())]
    }

    fn value(&mut self, depth: usize) {
        let kind = self.rng.usize(..if depth > 2 { 6 } else { 9 });
        match kind {
            0..=2 => {
                let t = self.pick(&[
                    "42",
                    "-7",
                    "1.5",
                    "true",
                    "2026-11-20",
                    "2026-11-28T02:00Z",
                    "2h",
                    "2.3.0",
                    "@bob",
                    "level-1",
                ]);
                self.tok(t);
            }
            3 => {
                let t = self.pick(&[
                    "\"plain\"",
                    "\"esc \\\" \\\\ \\n \\u{e9} 日本\"",
                    "\"\"\"one line\"\"\"",
                    "\"\"\"\n      block\n        indented\n\n      \"\"\"",
                    "\"\"\"\nzero\n\t tab\n\"\"\"",
                ]);
                self.tok(t);
            }
            4 => {
                let name = self.pick(&["tmpl", "netbox-lookup"]);
                self.tok(name);
                let spec = self.pick(&["\"^1.2\"", "\">=1, <2\"", "1.2.3"]);
                self.tok(spec);
            }
            5 => {
                self.tok("list");
                self.tok("<");
                let t = self.pick(&["text", "vlan"]);
                self.tok(t);
                self.tok(">");
            }
            6 | 7 => {
                self.tok("[");
                let n = self.rng.usize(..12);
                for i in 0..n {
                    self.value(depth + 1);
                    if i + 1 < n || self.rng.usize(..2) == 0 {
                        self.tok(",");
                    }
                }
                self.tok("]");
            }
            _ => {
                self.tok("{");
                for _ in 0..self.rng.usize(..5) {
                    self.field(depth + 1);
                }
                self.tok("}");
            }
        }
    }

    fn field(&mut self, depth: usize) {
        let name = self.pick(&[
            "name",
            "roles",
            "start",
            "length",
            "evidence_for_a_long_name",
        ]);
        self.tok(name);
        self.tok(":");
        self.value(depth);
    }

    fn item(&mut self, depth: usize) {
        let keyword = self.pick(&[
            "person",
            "engagement",
            "requirement",
            "design",
            "field",
            "enum",
        ]);
        self.tok(keyword);
        let name = self.pick(&["alice", "R1", "dc2-edge", "x_y"]);
        self.tok(name);
        if keyword == "field" {
            if self.rng.usize(..2) == 0 {
                self.tok("?");
            }
            self.tok(":");
            self.value(3);
            return;
        }
        if self.rng.usize(..2) == 0 {
            let title = self.pick(&["\"A title\"", "\"\"\"\n  A block title\n  \"\"\""]);
            self.tok(title);
        }
        if self.rng.usize(..3) == 0 {
            self.tok("by");
            self.tok("T1");
        }
        self.tok("{");
        if keyword == "enum" {
            let n = self.rng.usize(..8);
            for i in 0..n {
                let v = self.pick(&["a", "level-1", "a-long-variant-name"]);
                self.tok(v);
                if i + 1 < n || self.rng.usize(..2) == 0 {
                    self.tok(",");
                }
            }
        } else {
            for _ in 0..self.rng.usize(..6) {
                if depth < 3 && self.rng.usize(..3) == 0 {
                    self.item(depth + 1);
                } else {
                    self.field(depth);
                }
            }
        }
        self.tok("}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random well-formed files format to a fixed point that keeps every comment.
    #[test]
    fn random_files_format_stably(seed in 1u64..u64::MAX) {
        let mut soup = Soup { rng: Rng::with_seed(seed), out: String::new() };
        soup.sep();
        for _ in 0..soup.rng.usize(..4) + 1 {
            soup.item(0);
        }
        let text = soup.out;
        prop_assert!(parse(FileId(0), &text).diagnostics.is_empty(), "generated text does not parse:\n{}", text);
        let out = format(FileId(0), &text);
        prop_assert!(out.is_ok(), "{:?}\ninput:\n{}", out.err(), text);
        let out = out.unwrap();
        prop_assert_eq!(format(FileId(0), &out).ok(), Some(out.clone()), "input:\n{}", text);
        prop_assert_eq!(comments(&out), comments(&text));
    }
}
