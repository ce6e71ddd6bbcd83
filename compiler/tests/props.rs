//! Property tests: the lexer, parser and checker never panic, whatever they are given, and
//! parsing always returns a tree plus diagnostics.

use proptest::prelude::*;
use sdd::estate::Estate;
use sdd::source::FileId;
use sdd::syntax::parse;

/// Pieces of `.sdd` text, so random sequences look like (broken) source.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    ":",
    ",",
    "?",
    "\n",
    " ",
    "engagement",
    "person",
    "requirement",
    "gate",
    "spec",
    "design",
    "as_built",
    "built",
    "verified",
    "by",
    "field",
    "enum",
    "record",
    "profile",
    "asset",
    "name",
    "x-1",
    "\"text\"",
    "\"unterminated",
    "\"\"\"block\"\"\"",
    "\"\"\"",
    "42",
    "-7",
    "1.5",
    "2.3.0",
    "2026-11-20",
    "2026-11-28T02:00Z",
    "90s",
    "@bob",
    "@",
    "// c\n",
    "/// doc\n",
    "/* b */",
    "/*",
    "§",
    "é",
    "🚀",
    "\\",
    "true",
    "list",
    "\"^2.1\"",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let parsed = parse(FileId(0), &text);
        for d in &parsed.diagnostics {
            prop_assert!(d.primary.span.end as usize <= text.len());
        }
    }

    #[test]
    fn arbitrary_token_sequences_never_panic(pieces in proptest::collection::vec(0..PIECES.len(), 0..120)) {
        let text: String = pieces.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        let parsed = parse(FileId(0), &text);
        for d in &parsed.diagnostics {
            prop_assert!(d.primary.span.start <= d.primary.span.end);
            prop_assert!(text.is_char_boundary(d.primary.span.start as usize));
            prop_assert!(text.is_char_boundary(d.primary.span.end as usize));
        }
        // The whole checker accepts whatever the parser returned.
        let estate = Estate::from_sources([("fuzz.sdd", text.clone())]);
        let _ = sdd::analysis::analyze(&estate, &sdd::analysis::Options::default());
    }

    /// The fast path of parsing and chumsky agree (see `descent.rs`) on random pieces of source.
    #[test]
    fn the_fast_path_agrees_on_token_sequences(pieces in proptest::collection::vec(0..PIECES.len(), 0..60)) {
        let text: String = pieces.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        prop_assert_eq!(sdd::syntax::fast_path_disagreement(&text), None, "{:?}", text);
    }

    /// … and on near misses of a real file: an example with one piece inserted at, or a few
    /// characters deleted from, a random place. About half stay free of syntax errors.
    #[test]
    fn the_fast_path_agrees_on_edited_examples(
        file in 0..3usize,
        at in 0.0..1.0f64,
        piece in 0..PIECES.len(),
        delete in 0..4usize,
    ) {
        let original = [
            include_str!("../../examples/types.sdd"),
            include_str!("../../examples/inventory/network.sdd"),
            include_str!("../../examples/engagements/network-provisioning/dc2-edge-bgp-peering.sdd"),
        ][file];
        let mut at = (original.len() as f64 * at) as usize;
        while !original.is_char_boundary(at) {
            at -= 1;
        }
        let text = if delete == 0 {
            format!("{}{}{}", &original[..at], PIECES[piece], &original[at..])
        } else {
            let end = (at..=original.len().min(at + delete)).rev().find(|&e| original.is_char_boundary(e)).unwrap_or(at);
            format!("{}{}", &original[..at], &original[end..])
        };
        prop_assert_eq!(sdd::syntax::fast_path_disagreement(&text), None, "{:?}", text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let estate = Estate::from_sources([("bytes.sdd", String::from_utf8_lossy(&bytes).into_owned())]);
        let _ = sdd::analysis::analyze(&estate, &sdd::analysis::Options::default());
    }
}

#[test]
fn deep_nesting_is_bounded_not_a_stack_overflow() {
    let depth = 10_000;
    let text = format!(
        "engagement e {{ x: {}{} }}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let parsed = parse(FileId(0), &text);
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.code == sdd::codes::Code::Sdd002));
    let braces = format!("engagement e {}{}", "{".repeat(depth), "}".repeat(depth));
    let parsed = parse(FileId(0), &braces);
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.code == sdd::codes::Code::Sdd002));
}

/// Nesting up to the limit parses on any caller's thread, however small its stack: rayon's,
/// tokio's and the test harness's threads have 2 MiB, which an unoptimised build of the
/// recursive parser used to overflow (abort, not a diagnostic) near 60 levels.
#[test]
fn the_nesting_limit_fits_a_small_callers_stack() {
    let shapes = ["role r {\n  a\n", "role r { x: { a: [", "{"];
    for shape in shapes {
        let text = shape.repeat(sdd::syntax::MAX_DEPTH + 4);
        let errors = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || parse(FileId(0), &text).diagnostics.len())
            .expect("a thread")
            .join()
            .expect("no overflow");
        assert!(errors > 0, "{shape:?}");
    }
}

#[test]
fn binary_files_get_one_clean_error() {
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let dir = std::env::temp_dir().join(format!("sdd-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("garbage.sdd"), &garbage).unwrap();
    let estate = Estate::load(std::slice::from_ref(&dir)).unwrap();
    let diagnostics = sdd::analysis::check(&estate, &sdd::analysis::Options::default());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, sdd::codes::Code::Sdd002);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_mistakes_are_capped() {
    let text = "§ ".repeat(5000) + &"person } ".repeat(500);
    let parsed = parse(FileId(0), &text);
    assert!(
        parsed.diagnostics.len() <= sdd::syntax::MAX_SYNTAX_ERRORS + 1,
        "{}",
        parsed.diagnostics.len()
    );
}
