//! Small exact cases of the reuse checks: the caps on providers (SDD403, SDD406) and on the
//! reasons an SDD405 notes, and the cycle search on its own.

use std::fmt::Write as _;

use super::{find_cycles, Link, PROVIDERS_SHOWN, REASONS_SHOWN};
use crate::analysis::{check, Options};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::source::{FileId, Span};

fn link(from: usize, to: usize) -> Link {
    Link {
        from,
        to,
        file: FileId(0),
        span: Span::default(),
    }
}

#[test]
fn cycles_start_at_their_smallest_node_in_order() {
    // 5 -> 1 -> 2 -> 5 and 1 -> 3 -> 1; 4 -> 4; 0 -> 1 is on none.
    let links = [
        link(0, 1),
        link(5, 1),
        link(1, 2),
        link(2, 5),
        link(4, 4),
        link(1, 3),
        link(3, 1),
    ];
    let cycles = find_cycles(6, &links);
    let found: Vec<(Vec<usize>, Vec<usize>)> = (cycles.iter())
        .map(|c| (c.links.clone(), c.knot.clone()))
        .collect();
    // Breadth first from 1: 1 -> 3 -> 1 closes before 1 -> 2 -> 5 -> 1.
    assert_eq!(found, [(vec![5, 6], vec![1, 2, 3, 5]), (vec![4], vec![4])]);
}

#[test]
fn a_chain_of_200_000_needs_no_deep_stack() {
    let n = 200_000;
    let mut links: Vec<Link> = (0..n - 1).map(|i| link(i, i + 1)).collect();
    links.push(link(n - 1, n - 2));
    let cycles = std::thread::Builder::new()
        .stack_size(64 << 10)
        .spawn(move || {
            let cycles = find_cycles(n, &links);
            (cycles.len(), cycles[0].knot.clone())
        })
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert_eq!(cycles, (1, vec![n - 2, n - 1]));
}

const COMMON: &str = "person o { name: \"O\" }\nprofile p { domain: network }\n";

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    let estate = Estate::from_sources([("t.sdd", format!("{COMMON}{text}"))]);
    let options = Options {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date"),
        git_history: false,
    };
    check(&estate, &options)
}

fn asset(out: &mut String, name: &str, provides: &str, status: &str) {
    let _ = writeln!(
        out,
        "asset {name} {{ version: 1.2.0 domain: network kind: module provides: [{provides}] owner: @o status: {status} }}"
    );
}

fn engagement(name: &str, body: &str) -> String {
    format!(
        "engagement {name} {{ profile: p title: \"t\" owner: @o opened: 2026-01-01\n{body}\n}}\n"
    )
}

fn named(names: impl Iterator<Item = String>) -> String {
    names
        .map(|n| format!("`{n}` 1.2.0"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn sdd406_names_the_first_ten_providers_and_counts_the_rest() {
    assert_eq!(PROVIDERS_SHOWN, 10);
    let mut text = String::new();
    for i in 0..12 {
        asset(&mut text, &format!("p{i:02}"), "x", "active");
    }
    asset(&mut text, "retired-one", "x", "retired");
    let component = "design { component c \"t\" { capability: x } }";
    text.push_str(&engagement("all", component));
    // Producing an asset takes it out of the list: one left over, then none.
    let produces = |n: usize| {
        (0..n)
            .map(|i| format!("built b{i} {{ produces: p{i:02} 1.2.0 }}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let body = |n| {
        format!(
            "{component}\nas_built {{ recorded: 2026-03-03\n{} }}",
            produces(n)
        )
    };
    text.push_str(&engagement("one-produced", &body(1)));
    text.push_str(&engagement("two-produced", &body(2)));
    let found = diagnostics(&text);
    let missed: Vec<&Diagnostic> = found.iter().filter(|d| d.code == Code::Sdd406).collect();
    assert_eq!(missed.len(), 3, "{found:#?}");
    let labels: Vec<&str> = missed.iter().map(|d| d.primary.message.as_str()).collect();
    let first = |from: usize| named((from..from + 10).map(|i| format!("p{i:02}")));
    assert_eq!(
        labels,
        [
            format!("provided by {}, and 2 more", first(0)),
            format!("provided by {}, and 1 more", first(1)),
            format!("provided by {}", first(2)),
        ]
    );
    for d in &missed {
        assert_eq!(d.secondary.len(), 10);
    }
    assert_eq!(missed[1].secondary[0].message, "`p01` provides `x`");
    assert_eq!(
        missed[2].help.as_deref(),
        Some("reuse it (`reuses: p02 \"^1.2\"`), or say why not with `new_because: \"…\"`")
    );
}

#[test]
fn sdd403_names_the_first_ten_replacements_of_every_capability() {
    let mut text = String::new();
    asset(&mut text, "old", "x, y", "deprecated");
    asset(&mut text, "gone", "y", "retired");
    for i in 0..11 {
        asset(&mut text, &format!("q{i:02}"), "x", "active");
    }
    // Providing both, it is listed once.
    asset(&mut text, "r", "x, y", "active");
    asset(&mut text, "s", "y", "active");
    text.push_str(&engagement(
        "e",
        "design { component c \"t\" { reuses: old \"^1.0\" } component d \"t\" { reuses: gone \"^1.0\" } }",
    ));
    let found = diagnostics(&text);
    let helps: Vec<&str> = (found.iter())
        .filter(|d| d.code == Code::Sdd403)
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [
            format!(
                "active assets that provide the same: {}, and 3 more",
                named((0..10).map(|i| format!("q{i:02}")))
            ),
            "active assets that provide the same: `r` 1.2.0, `s` 1.2.0".to_string(),
        ],
        "{found:#?}"
    );
}

#[test]
fn sdd405_notes_the_first_ten_reasons_and_counts_the_rest() {
    assert_eq!(REASONS_SHOWN, 10);
    let unverified = |n: usize| {
        let mut body = String::from("requirements {\n");
        for i in 0..n {
            let _ = writeln!(
                body,
                "requirement R{i} \"r\" {{ priority: must acceptance: \"a\" }}"
            );
        }
        body.push_str("}\nas_built { recorded: 2026-03-03 }");
        body
    };
    let mut text = engagement("big", &unverified(12));
    text.push_str(&engagement("small", &unverified(1)));
    text.push_str(&engagement("x", "extends: big"));
    text.push_str(&engagement("y", "extends: small"));
    let found = diagnostics(&text);
    let extends: Vec<&Diagnostic> = found.iter().filter(|d| d.code == Code::Sdd405).collect();
    assert_eq!(extends.len(), 2, "{found:#?}");
    let notes = &extends[0].notes;
    assert_eq!(notes.len(), 11, "{notes:#?}");
    assert_eq!(
        notes[0],
        "SDD305 requirement R0 is not verified in the as-built record (t.sdd:5)"
    );
    assert_eq!(notes[10], "and 2 more of SDD301–SDD305 in `big`");
    // Each extended engagement's own reasons.
    assert_eq!(
        extends[1].notes,
        ["SDD305 requirement R0 is not verified in the as-built record (t.sdd:22)"]
    );
}

#[test]
fn a_blank_new_because_is_no_reason_and_an_engagement_is_no_asset() {
    let mut text = String::new();
    asset(&mut text, "prov", "x", "active");
    text.push_str(&engagement(
        "e",
        "design { component c \"t\" { capability: x new_because: \"   \" } component d \"t\" { reuses: other \"^1.0\" } }",
    ));
    text.push_str(&engagement("other", ""));
    let found = diagnostics(&text);
    let summary: Vec<(&str, &str)> = (found.iter())
        .filter(|d| d.code != Code::Sdd104)
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "SDD406",
                "component `c` builds `x` anew, but the inventory provides it"
            ),
            ("SDD103", "`other` is an engagement, not an asset"),
        ],
        "{found:#?}"
    );
}
