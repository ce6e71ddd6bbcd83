//! Inputs the fuzz targets (`fuzz/`) found, minimised and kept inline, each with the property
//! it broke. A test marked `ignore` documents a finding whose fix is still to come in code
//! outside the fuzzing work; remove the mark with the fix.

use std::time::{Duration, Instant};

use sdd::estate::Estate;
use sdd::source::FileId;
use sdd::syntax::parse;

/// Every label of every diagnostic lies inside its file's text, on character boundaries.
fn assert_spans_on_char_boundaries(estate: &Estate, diagnostics: &[sdd::diagnostic::Diagnostic]) {
    for d in diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let text = estate.files.text(label.file);
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(start <= end && end <= text.len(), "{d:?}");
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{:?} {start}..{end} splits a character of {text:?}",
                d.code
            );
        }
    }
}

/// Found by `parse` (and crashed `sdd check`, whose renderer slices the text with the span):
/// the SDD001 for an unknown escape covered the backslash and one more byte, which splits a
/// multi-byte character after the backslash.
#[test]
fn unknown_escape_before_a_multibyte_character() {
    for text in [
        "person p {\n  name: \"a\\éb\"\n}\n",
        "person p {\n  name: \"\\🚀\"\n}\n",
        // A byte that is not UTF-8 after the backslash, as the language server's lossy decoding
        // and the fuzzer see it.
        "person p {\n  name: \"x\\\u{fffd}\"\n}\n",
    ] {
        let estate = Estate::from_sources([("a.sdd", text)]);
        let diagnostics = sdd::analysis::check(&estate, &sdd_tests::options_at("2026-11-24"));
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code == sdd::codes::Code::Sdd001),
            "{diagnostics:?}"
        );
        assert_spans_on_char_boundaries(&estate, &diagnostics);
        for d in &diagnostics {
            let _ = sdd::render::rich::render(d, &estate.files, false);
        }
    }
}

/// Found by `parse` as timeouts: error recovery inside blocks left open was exponential in
/// their depth (each level roughly tripled the time: 14 levels, 154 bytes, took 8 s in a
/// release build), so a few hundred bytes could hang `sdd check` and the language server. The
/// retry after each skipped token re-parsed the rest of the file; recovery now skips to the
/// next line instead.
#[test]
fn unclosed_blocks_with_a_bad_entry_parse_in_linear_time() {
    // 60 open levels (under the nesting limit, which would stop the parse early): the old
    // recovery needed about 3^60 steps; every shape must now finish at once.
    for unit in [
        "role r { a ",
        "role r {\n  a\n",
        "role { a ",
        "role r { x y ",
        "a role r { ",
        // A name that is not a keyword, before a block: the block was parsed for an item, the
        // item refused, and the block parsed again after recovery.
        "alice {\n",
        "x: y {\n",
        "test: {\n  a {\n",
    ] {
        let text = unit.repeat(60);
        let start = Instant::now();
        let parsed = parse(FileId(0), &text);
        let elapsed = start.elapsed();
        assert!(!parsed.diagnostics.is_empty(), "{text:?}");
        assert!(
            elapsed < Duration::from_millis(500),
            "{:?} × 60 took {elapsed:?}",
            unit
        );
    }
}

/// Found by `parse` as timeouts (after the fix above): these 260 bytes took 0.3 s and twice
/// them over a minute. Names that are not keywords opened blocks (`alice {`) on successive
/// lines; each block was parsed as an item's body, the item refused because its name is not
/// a keyword, and the block parsed again from the next line by the recovery. Minimised from
/// the fuzzer's input (NUL bytes and a broken UTF-8 sequence included).
#[test]
fn blocks_after_names_that_are_not_keywords_parse_in_linear_time() {
    let found: &[u8] =
        b" finding F2 \"cis-\"{ alice {\n ice {\n  name: \"A\x00\x00\"\xbf\x93ice \\u{Ns.\
          \nassetice {\n   F2 \"c.4\" {   rice{\n ik{\n  name: \"Alice \"u{4ileitle:\nasse\
          tice {\naalice{lce {\n  nme{\n  nme:an LAN.\nasseosce {ce {\n  nn\\\" \x00une: \
          \"moji \xf0\x9f\x8e kez\tpt as written\"\n br\"\n  mp\"\"\n _ta\": \"a\tb\"\nu{4\
          4{e";
    let text = String::from_utf8_lossy(found).repeat(8);
    let start = Instant::now();
    let parsed = parse(FileId(0), &text);
    let elapsed = start.elapsed();
    assert!(!parsed.diagnostics.is_empty());
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
}

/// Found by `approve`: a bare name left in an engagement (`Ysn` before a comment, then `}`)
/// parses as an enum variant, which the checker reports as SDD001, not the parser. `approve`
/// looked only at the parser's errors, inserted the gate after the bare name, and its own
/// safety net refused the result as "internal error: would not parse". It now refuses the
/// file as having syntax errors, as it does for the parser's.
#[test]
fn approve_refuses_a_bare_name_in_the_engagement_as_a_syntax_error() {
    let root = sdd_tests::repo_root().join("examples");
    let estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let id = (estate.file_ids())
        .find(|&id| estate.files.name(id).ends_with("dc3-evpn-vlan-stretch.sdd"))
        .expect("the drafting example");
    let text = estate.files.text(id);
    let at = text.rfind("\n}").expect("the engagement's closing brace");
    let edited = format!("{}\n  Ysn  // a stray word{}", &text[..at], &text[at..]);
    let mut estate = estate;
    estate.update(id, edited);
    let options = sdd_tests::options_at("2026-11-24");
    let analysis = sdd::analysis::analyze(&estate, &options);
    let request = sdd::approve::Request {
        engagement: "dc3-evpn-vlan-stretch".to_string(),
        gate: "spec".to_string(),
        by: "priya".to_string(),
        on: options.as_of,
        replace: false,
    };
    let refusal = sdd::approve::approve(&estate, &analysis, &request).expect_err("refused");
    assert!(
        refusal.0.iter().any(|r| r.contains("has syntax errors")),
        "{refusal:?}"
    );
    assert!(!refusal.0.iter().any(|r| r.contains("internal error")));
}

/// Found by `approve` once a form feed in a comment became an SDD003: a comment inside a gate
/// that `approve` rewrites is kept at the gate's top without its trailing white space, of
/// which a form feed is part, so the edited file had one SDD003 fewer than the input and the
/// fuzz property (as many as before) failed. The edit is right: it adds no such character.
#[test]
fn approve_keeps_a_gate_comment_without_its_trailing_form_feed() {
    let root = sdd_tests::repo_root().join("examples");
    let mut estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let id = (estate.file_ids())
        .find(|&id| estate.files.name(id).ends_with("dc2-edge-bgp-peering.sdd"))
        .expect("the example");
    let text = estate.files.text(id);
    let edited = text.replacen("  gate spec {\n", "  gate spec { // reviewed\u{c}\n", 1);
    assert_ne!(edited, text);
    let before = sdd::syntax::parse(id, &edited)
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "SDD003")
        .count();
    assert_eq!(before, 1);
    estate.update(id, edited);
    let options = sdd_tests::options_at("2026-11-24");
    let analysis = sdd::analysis::analyze(&estate, &options);
    let request = sdd::approve::Request {
        engagement: "dc2-edge-bgp-peering".to_string(),
        gate: "spec".to_string(),
        by: "tomasz".to_string(),
        on: options.as_of,
        replace: false,
    };
    let edit = sdd::approve::approve(&estate, &analysis, &request).expect("recorded");
    assert!(edit.text.contains("  // reviewed\n"), "{}", edit.text);
    let after = sdd::syntax::parse(id, &edit.text);
    assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
}

/// Found by `fmt`: a block comment whose line ends in two carriage returns (`/*\r\r\n*/`)
/// parses cleanly, but the formatter refused it (its safety net found the comment changed):
/// it wrote `\r\r\n` as `\r\n`, which reads back as `\n`. Line ends of any number of carriage
/// returns are now written as one line end, the file's (`\r\n` when its first line ends so);
/// a carriage return inside a line is kept.
#[test]
fn block_comment_line_ends_with_several_carriage_returns_format() {
    for text in [
        "/*\r\r\n*/\n",
        "/* a\r\r\r\nb\r\n*/\nperson p { name: \"P\" }\n",
        "/* a\rb\r\r\n*/\n",
        "person p { name: \"P\" }\n/*\r\r\n*/\n",
    ] {
        assert!(parse(FileId(0), text).diagnostics.is_empty(), "{text:?}");
        let formatted = sdd::fmt::format(FileId(0), text)
            .unwrap_or_else(|e| panic!("{text:?} was refused: {e}"));
        assert!(!formatted.contains("\r\r\n"), "{formatted:?}");
        let crlf = formatted.matches("\r\n").count();
        let lines = formatted.matches('\n').count();
        assert!(crlf == 0 || crlf == lines, "mixed line ends: {formatted:?}");
        let again = sdd::fmt::format(FileId(0), &formatted)
            .unwrap_or_else(|e| panic!("the output of {text:?} was refused: {e}"));
        assert_eq!(again, formatted, "not idempotent for {text:?}");
    }
    let kept = sdd::fmt::format(FileId(0), "/* a\rb */\n").expect("formats");
    assert!(kept.contains("a\rb"), "{kept:?}");
}

/// Found by `fmt` (refused: "the formatted text parses to a different tree"): a doc comment
/// between an enum variant and its comma documents nothing; written after the comma, it
/// documented the item that followed.
#[test]
fn a_doc_comment_before_a_variant_comma_stays_unattached() {
    for text in [
        "asset i{o//\n///\n,asset x{}}",
        "enum e {\n  a /// not a doc\n  , b,\n  requirement r \"t\" {}\n}\n",
    ] {
        assert!(parse(FileId(0), text).diagnostics.is_empty(), "{text}");
        let formatted = sdd::fmt::format(FileId(0), text)
            .unwrap_or_else(|e| panic!("{text:?} was not formatted: {e}"));
        assert_eq!(
            sdd::fmt::format(FileId(0), &formatted).expect("formats again"),
            formatted
        );
    }
    // A variant and its comma with nothing between them are written as before.
    assert_eq!(
        sdd::fmt::format(FileId(0), "enum e { a , b }").unwrap(),
        "enum e { a, b }\n"
    );
}

/// Found by `fmt` (2026-12-06, refused: "the formatted text parses to a different tree"): a
/// version or a string after type arguments (`list<text> 1.2.3`) was read as part of the value
/// and dropped from the tree. No check saw it, no fingerprint covered it, and where the spans
/// happened to agree `sdd fmt` deleted it without a word. A name takes type arguments or a
/// version, not both (`grammar/sdd.ebnf`'s `named`): what follows the `>` is read as what
/// comes next, here one SDD001 at it, and the formatter refuses the file, leaving it as it is.
#[test]
fn a_version_after_type_arguments_is_an_error_not_dropped() {
    for (text, at) in [
        (
            "profile p {\n  domain: network\n  field t: list<text> 1.2.3\n}\n",
            "1.2.3",
        ),
        ("person p {\n  name: list<text> \"^1.0\"\n}\n", "\"^1.0\""),
        ("person p {\n  name: m<a, b> 2.0.0 // c\n}\n", "2.0.0"),
    ] {
        let diagnostics = parse(FileId(0), text).diagnostics;
        assert_eq!(diagnostics.len(), 1, "{text:?}: {diagnostics:?}");
        assert_eq!(diagnostics[0].code, sdd::codes::Code::Sdd001, "{text:?}");
        let start = text.find(at).expect("the case holds its spec") as u32;
        assert_eq!(diagnostics[0].primary.span.start, start, "{text:?}");
        assert!(sdd::fmt::format(FileId(0), text).is_err(), "{text:?}");
    }
    // A name with a version, and a type without one, are read as before.
    for text in [
        "profile p {\n  domain: network\n  field t: list<text>\n}\n",
        "person p {\n  name: tmpl \"^2.1\"\n}\n",
    ] {
        assert!(parse(FileId(0), text).diagnostics.is_empty(), "{text:?}");
    }
}

/// Found by `check` (a rich report panicked in ariadne): a snippet of a file other than the
/// primary label's is headed by its first label's place, which ariadne took as a byte offset
/// when it was a character offset, so characters of several bytes before it moved the header
/// and could cut a character in two. Reports now give ariadne character offsets throughout.
#[test]
fn a_snippet_in_another_file_after_multibyte_characters() {
    let first = "// €€€€€€€€€€x\nperson alice { name: \"A\" }\n";
    let second = "person alice { name: \"B\" }\n";
    let estate = Estate::from_sources([("a.sdd", first), ("b.sdd", second)]);
    let diagnostics = sdd::analysis::check(&estate, &sdd_tests::options_at("2026-11-24"));
    let twice = (diagnostics.iter())
        .find(|d| d.code == sdd::codes::Code::Sdd102)
        .expect("alice is declared twice");
    let report = sdd::render::rich::render(twice, &estate.files, false);
    assert!(report.contains("╭─[ b.sdd:1:8 ]"), "{report}");
    assert!(report.contains("├─[ a.sdd:2:8 ]"), "{report}");
    assert!(report.contains("person alice { name: \"A\" }"), "{report}");
}

/// Found by `fmt` ("formatting changed a diagnostic"): a lone carriage return among the tabs
/// before a declaration parses, but the estate keeps the file out with SDD002, and formatting
/// drops it, so the formatted file was read and checked. `sdd fmt` refuses such a file before
/// formatting (it reads it as `sdd check` does), and the fuzz target now does too. Here: the
/// estate, from disk or from an editor's buffer, keeps the input out with one SDD002.
#[test]
fn a_lone_carriage_return_in_the_layout_keeps_the_file_out() {
    let text = format!("{}\r{}engagement dec3", "\t".repeat(29), "\t".repeat(18));
    assert!(parse(FileId(0), &text).diagnostics.is_empty());
    let buffer = sdd::estate::Read::buffer(text.clone());
    let problem = buffer.problem.expect("an editor's buffer is kept out");
    assert_eq!(problem.code, sdd::codes::Code::Sdd002);
    assert_eq!(buffer.text, text, "the buffer keeps its whole text");
    let estate = Estate::from_sources([("a.sdd", text.as_str())]);
    let found: Vec<_> = estate.syntax_diagnostics().collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, sdd::codes::Code::Sdd002);
}
