//! The properties of the `parse`, `check` and `fmt` targets.

use std::sync::Mutex;

use sdd::analysis::{Analysis, Cache};
use sdd::source::FileId;
use sdd::syntax::parse;

use crate::fixture::{self, Slot, DECLARATIONS};
use crate::spans;

/// `parse`: any bytes (as lossy UTF-8) parse without a panic, every diagnostic and tree span
/// lies inside the text on character boundaries, and the fast path of parsing agrees with
/// chumsky (`sdd::syntax::fast_path_disagreement`).
pub fn parse_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(disagreement) = sdd::syntax::fast_path_disagreement(&text) {
        panic!("{disagreement}");
    }
    let parsed = parse(FileId(0), &text);
    for d in &parsed.diagnostics {
        assert_eq!(d.primary.file, FileId(0), "{:?} names another file", d.code);
        spans::assert_inside(d.primary.span, &text, &format!("{:?}", d.code));
        for label in &d.secondary {
            spans::assert_inside(label.span, &text, &format!("{:?} secondary", d.code));
        }
    }
    spans::assert_items(&parsed.ast.items, &text);
    for c in &parsed.comments {
        spans::assert_inside(c.span, &text, "comment");
    }
}

static CHECK_SLOT: Mutex<Option<Slot>> = Mutex::new(None);

/// `check`: the fuzzed file beside the example declarations is analysed without a panic,
/// every diagnostic points inside its file, and every diagnostic renders (as JSON, and the
/// first of each code in the terminal formats). The incremental analysis of the language
/// server stays exact across edits of any file of the estate: one the input picks is emptied
/// and written back, each edit analysed from the cache of the one before, and the result must
/// equal the fresh analysis the cache started from.
pub fn check_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut slot = fixture::lock(&CHECK_SLOT, DECLARATIONS);
    let mut cache = Cache::default();
    let analysis = slot.analyze_into(&text, &mut cache);
    let files: Vec<FileId> = slot.estate.file_ids().collect();
    // FNV-1a of the input: which file the edit is in depends on the input alone.
    let hash = (data.iter()).fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let edited = files[(hash % files.len() as u64) as usize];
    let incremental = slot.analyze_after_edits(edited, &mut cache);
    assert!(
        analysis == incremental,
        "the incremental analysis differs from the fresh one"
    );
    let files = &slot.estate.files;
    spans::assert_diagnostics(&analysis.diagnostics, files);
    // The terminal formats render the first diagnostic of each code: more of one code repeat
    // its layout, and rendering them took half the target's time.
    let mut rich = sdd::render::rich::Renderer::new(files, false);
    let mut codes = std::collections::HashSet::new();
    for d in (analysis.diagnostics.iter()).filter(|d| codes.insert(d.code)) {
        let _ = rich.render(d);
        let _ = sdd::render::short::render(d, files);
    }
    let _ = sdd::render::json::render(&analysis.diagnostics, files);
}

static FMT_SLOT: Mutex<Option<Slot>> = Mutex::new(None);

/// `fmt`: a file that parses cleanly is formatted; the result parses cleanly, formats to
/// itself, and gives the same fingerprints and the same diagnostic codes as the original.
pub fn fmt_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if !parse(FileId(0), &text).diagnostics.is_empty() {
        return;
    }
    // A file the estate keeps out (a lone carriage return: SDD002) is one `sdd fmt` refuses
    // before formatting; formatting it would make it readable, and so change its diagnostics.
    if sdd::estate::Read::buffer(text.to_string()).problem.is_some() {
        return;
    }
    let formatted = match sdd::fmt::format(FileId(0), &text) {
        Ok(formatted) => formatted,
        Err(e) => panic!("the formatter refused a file that parses cleanly: {e}"),
    };
    let reparsed = parse(FileId(0), &formatted);
    assert!(
        reparsed.diagnostics.is_empty(),
        "the formatted text does not parse: {:?}\n--- formatted ---\n{formatted}",
        reparsed.diagnostics
    );
    match sdd::fmt::format(FileId(0), &formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
        Err(e) => panic!("the formatter refused its own output: {e}\n{formatted}"),
    }
    let mut slot = fixture::lock(&FMT_SLOT, DECLARATIONS);
    let before = governance(&slot.analyze(&text));
    let after = governance(&slot.analyze(&formatted));
    assert_eq!(
        before, after,
        "formatting changed a fingerprint or a diagnostic\n--- formatted ---\n{formatted}"
    );
}

/// What formatting must not change: every engagement's fingerprints and the diagnostic codes.
fn governance(analysis: &Analysis) -> (Vec<(String, String, String)>, Vec<String>) {
    let fingerprints = analysis
        .engagements
        .iter()
        .map(|(_, f)| {
            (
                f.name.clone(),
                f.spec_fingerprint.clone(),
                f.design_fingerprint.clone(),
            )
        })
        .collect();
    let mut codes: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|d| format!("{:?}", d.code))
        .collect();
    codes.sort();
    (fingerprints, codes)
}
