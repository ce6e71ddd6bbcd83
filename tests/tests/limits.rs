//! Hard input limits (SDD002): a file too large, nesting too deep, binary garbage, a string too
//! long and too many files each end in a clean error, in bounded time and memory, through the
//! same path `sdd check` takes (`Estate::load` from disk, then `analysis::check`).
//!
//! `compiler/tests/props.rs` already parses 10,000-deep balanced nesting in memory and loads
//! one 100 kB file of garbage bytes; these tests go further: files on disk, the whole checker,
//! and each heavy case run in a child process whose wall time and peak RSS are measured.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sdd::codes::Code;
use sdd::diagnostic::Diagnostic;
use sdd::estate::Estate;
use sdd_tests::bounded::{bounded, TempDir};

/// Wall time loading and checking one limit case may take: a safety net, not a benchmark.
const TIME_BOUND: Duration = Duration::from_secs(10);

/// Load and check an estate as `sdd check` does, within [`TIME_BOUND`].
fn check(dir: &Path) -> (Estate, Vec<Diagnostic>) {
    let start = Instant::now();
    let estate = Estate::load(&[dir.to_path_buf()]).expect("the estate loads");
    let options = sdd_tests::options_at(sdd_tests::CASE_DATE);
    let diagnostics = sdd::analysis::check(&estate, &options);
    let elapsed = start.elapsed();
    assert!(elapsed < TIME_BOUND, "checking took {elapsed:?}");
    eprintln!("loaded and checked in {elapsed:?}");
    (estate, diagnostics)
}

fn codes_of<'d>(estate: &Estate, diagnostics: &'d [Diagnostic], file: &str) -> Vec<&'d Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| estate.files.name(d.file()).ends_with(file))
        .collect()
}

/// Deterministic pseudo-random bytes (xorshift), so a failure is reproducible.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 32) as u8
        })
        .collect()
}

const PERSON: &str = "person p{n} {\n  name: \"Person {n}\"\n  roles: [network-lead]\n}\n\n";

#[test]
fn a_50_mb_file_gets_one_sdd002_and_is_not_parsed() {
    bounded("a_50_mb_file_gets_one_sdd002_and_is_not_parsed", || {
        let dir = TempDir::new("50mb");
        let mut text = String::with_capacity(50 * 1024 * 1024 + 100);
        let mut n = 0;
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(&PERSON.replace("{n}", &n.to_string()));
            n += 1;
        }
        dir.write("big.sdd", &text);
        drop(text);
        let (estate, diagnostics) = check(&dir.0);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        let d = &diagnostics[0];
        assert_eq!(d.code, Code::Sdd002);
        assert!(d.message.contains("bytes; the limit is"), "{}", d.message);
        assert_eq!(estate.files.text(d.file()), "", "the text is not kept");
    });
}

/// A file far over the limit must be refused from its size, not read whole first: a sparse
/// 1 GiB file costs no disk, but reading it costs 1 GiB of memory (and 2 GiB took 5.6 s).
#[test]
fn a_1_gib_file_is_refused_without_reading_it() {
    bounded("a_1_gib_file_is_refused_without_reading_it", || {
        let dir = TempDir::new("sparse");
        let file = std::fs::File::create(dir.0.join("huge.sdd")).expect("create");
        file.set_len(1 << 30).expect("a sparse file");
        let (_, diagnostics) = check(&dir.0);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(diagnostics[0].code, Code::Sdd002);
        let size = format!("file is {} bytes", 1u64 << 30);
        assert!(
            diagnostics[0].message.contains(&size),
            "{}",
            diagnostics[0].message
        );
    });
}

/// 5,000 unknown names in an engagement of 5,000 requirements: each is reported, a close
/// misspelling gets its suggestion, and the suggestions cost a bounded amount in all (they
/// compared every unknown name with every requirement's, after sorting them, each time).
#[test]
fn thousands_of_unknown_names_in_a_large_engagement_are_reported_in_bounded_time() {
    bounded(
        "thousands_of_unknown_names_in_a_large_engagement_are_reported_in_bounded_time",
        || {
            let dir = TempDir::new("unknown-names");
            let n = 5_000;
            let mut text = String::from("engagement e {\n  requirements {\n");
            for i in 0..n {
                text.push_str(&format!(
                    "    requirement Req{i} \"t\" {{ priority: must }}\n"
                ));
            }
            let unknown: Vec<String> = (0..n).map(|i| format!("Unknown{i}")).collect();
            text.push_str(&format!(
                "  }}\n  design {{\n    test T1 \"t\" {{ verifies: [Req123x, X1, {}] }}\n  }}\n}}\n",
                unknown.join(", ")
            ));
            dir.write("e.sdd", &text);
            let (_, diagnostics) = check(&dir.0);
            let unknown_names: Vec<&Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.code == Code::Sdd101 && d.message.contains("in this engagement"))
                .collect();
            assert_eq!(unknown_names.len(), n + 2);
            assert_eq!(
                unknown_names[0].help.as_deref(),
                Some("did you mean `Req123`?")
            );
            // A short id lists the first ids by name, not all 5,000.
            let note = &unknown_names[1].notes[0];
            assert!(
                note.starts_with("requirement ids here include Req0, Req1, Req10,"),
                "{note}"
            );
            assert!(note.len() < 300, "{note}");
        },
    );
}

/// 20,000 unknown fields on one line of 190 kB: checked, and every diagnostic rendered in
/// both formats, in bounded time and size (a column was counted from the line's start and a
/// rich report quoted the whole line, each once per diagnostic).
#[test]
fn thousands_of_diagnostics_on_one_long_line_render_in_bounded_time() {
    bounded(
        "thousands_of_diagnostics_on_one_long_line_render_in_bounded_time",
        || {
            let dir = TempDir::new("long-line");
            let n = 20_000;
            let fields: Vec<String> = (0..n).map(|i| format!("f{i}: 1")).collect();
            let text = format!(
                "engagement e {{ requirements {{ requirement R1 \"t\" {{ priority: must {} }} }} }}\n",
                fields.join(" ")
            );
            dir.write("e.sdd", &text);
            let (estate, diagnostics) = check(&dir.0);
            let unknown = diagnostics
                .iter()
                .filter(|d| d.code == Code::Sdd105)
                .count();
            assert_eq!(unknown, n);
            let start = Instant::now();
            let mut rich = sdd::render::rich::Renderer::new(&estate.files, false);
            let rich_bytes: usize = diagnostics.iter().map(|d| rich.render(d).len()).sum();
            let short: Vec<String> = (diagnostics.iter())
                .map(|d| sdd::render::short::render(d, &estate.files))
                .collect();
            let elapsed = start.elapsed();
            assert!(elapsed < TIME_BOUND, "rendering took {elapsed:?}");
            assert!(rich_bytes < 1_000 * diagnostics.len(), "{rich_bytes} bytes");
            let last = text.rfind(&format!("f{}:", n - 1)).unwrap();
            assert!(
                short
                    .iter()
                    .any(|s| s.contains(&format!("e.sdd:1:{}:", last + 1))),
                "the last field's column"
            );
        },
    );
}

/// 20,000 unverified requirements in an engagement whose `as_built` record is below them:
/// each SDD305 points at its requirement and at `as_built`, up to 20,000 lines apart. The
/// rich reports render in bounded time (ariadne walked every line between the two labels,
/// once per diagnostic) and show the two places as two snippets of the file.
#[test]
fn reports_whose_labels_are_far_apart_render_in_bounded_time() {
    bounded(
        "reports_whose_labels_are_far_apart_render_in_bounded_time",
        || {
            let dir = TempDir::new("far-labels");
            let n = 20_000;
            let mut text = String::from("engagement e {\n  requirements {\n");
            for i in 0..n {
                text.push_str(&format!(
                    "    requirement R{i} \"t\" {{ priority: must }}\n"
                ));
            }
            text.push_str("  }\n  as_built {\n    recorded: 2026-09-14\n  }\n}\n");
            dir.write("e.sdd", &text);
            let (estate, diagnostics) = check(&dir.0);
            let unverified: Vec<&Diagnostic> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd305)
                .collect();
            assert_eq!(unverified.len(), n);
            let start = Instant::now();
            let mut rich = sdd::render::rich::Renderer::new(&estate.files, false);
            let reports: Vec<String> = unverified.iter().map(|d| rich.render(d)).collect();
            let elapsed = start.elapsed();
            assert!(elapsed < TIME_BOUND, "rendering took {elapsed:?}");
            let as_built = n + 4;
            let first = &reports[0];
            assert!(first.contains("╭─[ "), "{first}");
            assert!(first.contains("e.sdd:3:17 ]"), "{first}");
            assert!(
                first.contains("├─[ ") && first.contains(&format!("e.sdd:{as_built}:3 ]")),
                "{first}"
            );
            assert!(first.contains("requirement R0 \"t\""), "{first}");
            assert!(first.contains("as_built {"), "{first}");
            assert!(!first.contains("requirement R1 \"t\""), "{first}");
        },
    );
}

#[test]
fn a_large_file_under_the_size_limit_is_checked() {
    // Large enough to matter, small enough for a debug build; speed is the benchmark's job.
    bounded("a_large_file_under_the_size_limit_is_checked", || {
        let dir = TempDir::new("under");
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 2 * 1024 * 1024 {
            text.push_str(&PERSON.replace("{n}", &n.to_string()));
            n += 1;
        }
        dir.write("people.sdd", &text);
        dir.write(
            "roles.sdd",
            "role network-lead {\n  approves: [spec]\n  domains: [network]\n}\n",
        );
        let (_, diagnostics) = check(&dir.0);
        assert!(
            diagnostics.is_empty(),
            "{:#?}",
            &diagnostics[..3.min(diagnostics.len())]
        );
    });
}

/// Tens of thousands of blocks, each missing its `}`: the missing braces are found from the
/// layout in one pass over the file (each is an error, the report stops at the limit), on
/// many lines or on one.
#[test]
fn a_file_of_unclosed_blocks_is_checked_in_bounded_time() {
    bounded(
        "a_file_of_unclosed_blocks_is_checked_in_bounded_time",
        || {
            let dir = TempDir::new("unclosed");
            let block = "  requirement R {\n    priority: must\n";
            dir.write(
                "lines.sdd",
                format!("engagement e {{\n{}}}\n", block.repeat(30_000)),
            );
            let one_line = block.replace('\n', " ");
            dir.write(
                "one-line.sdd",
                format!("engagement f {{ {}}}\n", one_line.repeat(30_000)),
            );
            let (estate, diagnostics) = check(&dir.0);
            let unclosed = |file: &str| {
                codes_of(&estate, &diagnostics, file)
                    .iter()
                    .filter(|d| d.message.contains("is not closed"))
                    .count()
            };
            assert_eq!(unclosed("lines.sdd"), sdd::syntax::MAX_SYNTAX_ERRORS);
            // One line has no layout to go by: the braces are left as they are.
            assert_eq!(unclosed("one-line.sdd"), 0);
        },
    );
}

#[test]
fn ten_thousand_unclosed_levels_of_mixed_nesting_get_sdd002() {
    bounded(
        "ten_thousand_unclosed_levels_of_mixed_nesting_get_sdd002",
        || {
            let dir = TempDir::new("deep");
            // `{`, `[` and `<` interleaved and never closed, inside a real declaration.
            let mut text = String::from("engagement deep {\n  profile: p\n  x: ");
            for level in 0..10_000 {
                text.push_str(["{ a: ", "[", "list<"][level % 3]);
            }
            dir.write("deep.sdd", &text);
            let (_, diagnostics) = check(&dir.0);
            let limit: Vec<_> = diagnostics
                .iter()
                .filter(|d| d.code == Code::Sdd002)
                .collect();
            assert_eq!(limit.len(), 1, "{diagnostics:#?}");
            assert!(limit[0].message.contains("nesting deeper than"));
            assert!(
                diagnostics.len() <= sdd::syntax::MAX_SYNTAX_ERRORS + 5,
                "{} diagnostics",
                diagnostics.len()
            );
        },
    );
}

#[test]
fn every_kind_of_binary_garbage_gets_one_sdd002_beside_a_good_file() {
    bounded(
        "every_kind_of_binary_garbage_gets_one_sdd002_beside_a_good_file",
        || {
            let dir = TempDir::new("garbage");
            // A compiled binary's header: NUL bytes at once.
            let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
            elf.extend(noise(64 * 1024, 1));
            dir.write("a-elf.sdd", elf);
            // Valid text for a megabyte, then a byte that is not UTF-8.
            let mut late = PERSON
                .replace("{n}", "0")
                .repeat(1024 * 1024 / PERSON.len());
            late.push_str("// and then ");
            let mut late = late.into_bytes();
            late.extend([0xff, 0xfe, b'\n']);
            dir.write("b-late-invalid-utf8.sdd", late);
            // UTF-16 with a byte order mark, as some editors save.
            let utf16: Vec<u8> = [0xff, 0xfe]
                .into_iter()
                .chain("person p {}\n".encode_utf16().flat_map(u16::to_le_bytes))
                .collect();
            dir.write("c-utf16.sdd", utf16);
            // Fifteen megabytes of noise: just under the size limit, so it is read and decoded.
            dir.write("d-noise.sdd", noise(15 * 1024 * 1024, 7));
            dir.write(
                "e-good.sdd",
                "role network-lead {\n  approves: [spec]\n  domains: [network]\n}\n",
            );
            let (estate, diagnostics) = check(&dir.0);
            for file in [
                "a-elf.sdd",
                "b-late-invalid-utf8.sdd",
                "c-utf16.sdd",
                "d-noise.sdd",
            ] {
                let found = codes_of(&estate, &diagnostics, file);
                assert_eq!(found.len(), 1, "{file}: {found:#?}");
                assert_eq!(found[0].code, Code::Sdd002, "{file}");
                assert!(
                    found[0].message.starts_with("not a UTF-8 text file"),
                    "{file}"
                );
            }
            assert!(codes_of(&estate, &diagnostics, "e-good.sdd").is_empty());
            assert_eq!(diagnostics.len(), 4, "{diagnostics:#?}");
            // The encoding is named, with what to do about it.
            let utf16 = &codes_of(&estate, &diagnostics, "c-utf16.sdd")[0];
            assert!(
                utf16.message.contains("UTF-16 LE text"),
                "{}",
                utf16.message
            );
            assert!(utf16.help.as_deref().is_some_and(|h| h.contains("UTF-8")));
            // A bad byte after good text is reported where it is: the last line, after the
            // comment's words.
            let late = &codes_of(&estate, &diagnostics, "b-late-invalid-utf8.sdd")[0];
            let file = estate.files.get(late.primary.file);
            let (line, column) = file.line_col(late.primary.span.start as usize);
            assert_eq!(line, file.line_count(), "{}", late.message);
            assert_eq!(column, "// and then ".len() + 1);
        },
    );
}

#[test]
fn a_lone_carriage_return_gets_one_sdd002_on_its_line() {
    let dir = TempDir::new("carriage-return");
    // Old Mac line ends: before the fix, the comment ran on to the end of the file and the
    // file was checked as empty, with no error.
    dir.write(
        "a-mac.sdd",
        "// people\rperson p {\r  name: \"P\"\r  bogus: 1\r}\r",
    );
    // A CRLF file with one stray `\r` on its third line.
    dir.write(
        "b-stray.sdd",
        "person q {\r\n  name: \"Q\"\r\n  roles: []\r\r\n}\r\n",
    );
    dir.write("c-crlf.sdd", "person r {\r\n  name: \"R\"\r\n}\r\n");
    let (estate, diagnostics) = check(&dir.0);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    for (file, line, column) in [("a-mac.sdd", 1, 10), ("b-stray.sdd", 3, 12)] {
        let found = codes_of(&estate, &diagnostics, file);
        assert_eq!(found.len(), 1, "{file}: {found:#?}");
        assert_eq!(found[0].code, Code::Sdd002, "{file}");
        assert!(found[0].message.contains("carriage return"), "{file}");
        let source = estate.files.get(found[0].primary.file);
        let at = source.line_col(found[0].primary.span.start as usize);
        assert_eq!(at, (line, column), "{file}");
    }
}

#[test]
fn a_string_over_one_mib_gets_sdd002() {
    bounded("a_string_over_one_mib_gets_sdd002", || {
        let dir = TempDir::new("string");
        let long = "x".repeat(sdd::syntax::MAX_STRING_BYTES + 10);
        dir.write(
            "string.sdd",
            format!(
                "role r {{\n  approves: [spec]\n  domains: [network]\n  note: \"{long}\"\n}}\n"
            ),
        );
        dir.write(
            "block.sdd",
            format!("role s {{\n  approves: [spec]\n  domains: [network]\n  note: \"\"\"\n{long}\n\"\"\"\n}}\n"),
        );
        // Exactly at the limit is still fine: the quotes do not count. One byte more is not.
        let fits = "y".repeat(sdd::syntax::MAX_STRING_BYTES);
        dir.write("fits.sdd", format!("person p {{\n  name: \"{fits}\"\n}}\n"));
        dir.write(
            "block-fits.sdd",
            format!("person q {{\n  name: \"\"\"{fits}\"\"\"\n}}\n"),
        );
        dir.write(
            "one-over.sdd",
            format!("person o {{\n  name: \"{fits}z\"\n}}\n"),
        );
        let (estate, diagnostics) = check(&dir.0);
        for file in ["string.sdd", "block.sdd", "one-over.sdd"] {
            let limit: Vec<_> = codes_of(&estate, &diagnostics, file)
                .into_iter()
                .filter(|d| d.code == Code::Sdd002)
                .collect();
            assert_eq!(limit.len(), 1, "{file}: {diagnostics:#?}");
            assert!(
                limit[0].message.starts_with("string of"),
                "{}",
                limit[0].message
            );
        }
        for file in ["fits.sdd", "block-fits.sdd"] {
            assert!(
                !codes_of(&estate, &diagnostics, file)
                    .iter()
                    .any(|d| d.code == Code::Sdd002),
                "{file}: {diagnostics:#?}"
            );
        }
    });
}

#[test]
fn more_than_100_000_files_is_a_load_error() {
    bounded("more_than_100_000_files_is_a_load_error", || {
        let dir = TempDir::new("files");
        // Hard links: a directory entry each and one inode per 50,000 (under every file
        // system's link limit), cheap to make and to remove.
        let mut target = PathBuf::new();
        for i in 0..=sdd::estate::MAX_FILES {
            let name = format!("f{i}.sdd");
            if i % 50_000 == 0 {
                target = dir.write(&name, "");
            } else {
                std::fs::hard_link(&target, dir.0.join(name)).expect("hard link");
            }
        }
        let start = Instant::now();
        let error = Estate::load(std::slice::from_ref(&dir.0)).expect_err("too many files");
        assert!(
            start.elapsed() < TIME_BOUND,
            "loading took {:?}",
            start.elapsed()
        );
        assert!(
            error.message.contains("more than 100000 .sdd files")
                && error.message.contains("SDD002"),
            "{error}"
        );
    });
}
