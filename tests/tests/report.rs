//! `sdd report` figures against a small estate whose metrics are worked out by hand, and the
//! figures the examples' README promises.
//!
//! The estate is `cases/report/small-estate/`, checked as of 2026-11-24:
//!
//! | engagement   | domain         | status     | opened     | Gate 1     | days | designed (reusing) | built (with `uses`) | deviations |
//! |--------------|----------------|------------|------------|------------|------|--------------------|---------------------|------------|
//! | a-drafting   | network        | drafting   | 2026-01-01 | —          | —    | 2 (1: x-push)      | —                   | —          |
//! | b-specified  | network        | specified  | 2026-01-01 | 2026-01-05 | 4    | 1 (1: x-push)      | —                   | —          |
//! | c-reconciled | infrastructure | reconciled | 2026-02-01 | 2026-02-11 | 10   | 3 (2: y-harden)    | 3 (2)               | D1 accepted, expires 2026-12-10 |
//! | d-delivered  | network        | delivered  | 2026-03-01 | 2026-03-02 | 1    | 2 (1: x-push)      | 2 (1)               | D1 open; D2 accepted, expired 2026-11-01 |
//! | e-approved   | infrastructure | approved   | 2026-04-01 | 2026-04-21 | 20   | 1 (1: y-harden)    | —                   | —          |
//!
//! - by status: drafting 1, specified 1, approved 1, building 0, delivered 1, reconciled 1;
//!   network: drafting, specified, delivered; infrastructure: approved, reconciled.
//! - time to approved spec: sorted 1, 4, 10, 20 → median (4 + 10) / 2 = 7; p90 is the
//!   ⌈0.9 × 4⌉ = 4th value, 20; mean 35 / 4 = 8.75, shown as 8.8.
//! - delivered = c and d (2), reconciled = c (1): completeness 1 / 2 = 0.5.
//! - built entries of c and d: 3 + 2 = 5; with `uses`: 2 + 1 = 3 → built reuse rate 0.6.
//! - deviations of c and d: 1 + 2 = 3 over 5 built → 0.6.
//! - designed components 2 + 1 + 3 + 2 + 1 = 9, reusing 1 + 1 + 2 + 1 + 1 = 6 → 0.6667.
//! - open: d-delivered D1. Temporary, by expiry: d D2 (2026-11-01, −23 days, expired), then c D1
//!   (2026-12-10, 16 days, expiring: within 30).
//! - most reused: x-push by 3 components in 3 engagements, required by z-audit (1); y-harden by
//!   3 components in 2 engagements, required by none. Equal components: more engagements first.

use sdd::analysis::analyze;
use sdd::emit::report::{report, Report};
use sdd::emit::report_tables;
use sdd::estate::Estate;
use sdd_tests::{cases, options_at, repo_root, CASE_DATE};

fn small_estate() -> Report {
    let case = cases("report")
        .into_iter()
        .find(|c| c.name == "report/small-estate")
        .expect("cases/report/small-estate exists");
    let (estate, analysis) = case.analyze();
    report(&estate, &analysis, options_at(&case.as_of()).as_of)
}

#[test]
fn counts_by_status_and_domain() {
    let r = small_estate();
    assert_eq!(r.engagements, 5);
    let by_status: Vec<(&str, usize)> = r.by_status.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        by_status,
        [
            ("approved", 1),
            ("building", 0),
            ("delivered", 1),
            ("drafting", 1),
            ("reconciled", 1),
            ("specified", 1)
        ]
    );
    let network = &r.by_domain["network"];
    assert_eq!(
        (
            network["drafting"],
            network["specified"],
            network["delivered"]
        ),
        (1, 1, 1)
    );
    assert_eq!(network.values().sum::<usize>(), 3);
    let infra = &r.by_domain["infrastructure"];
    assert_eq!((infra["approved"], infra["reconciled"]), (1, 1));
    assert_eq!(infra.values().sum::<usize>(), 2);
}

#[test]
fn time_to_approved_spec() {
    let t = small_estate().time_to_approved_spec;
    let days: Vec<(&str, i64)> = t
        .engagements
        .iter()
        .map(|s| (s.engagement.as_str(), s.days))
        .collect();
    assert_eq!(
        days,
        [
            ("d-delivered", 1),
            ("b-specified", 4),
            ("c-reconciled", 10),
            ("e-approved", 20)
        ]
    );
    assert_eq!(t.median_days, Some(7.0));
    assert_eq!(t.p90_days, Some(20));
    assert_eq!(t.mean_days, Some(8.8));
}

#[test]
fn an_approval_dated_before_the_engagement_opened_is_no_time() {
    // b-specified's Gate 1 dated 2025-12-20, before it was opened on 2026-01-01: an SDD208,
    // not a time of -12 days.
    let case = cases("report")
        .into_iter()
        .find(|c| c.name == "report/small-estate")
        .expect("cases/report/small-estate exists");
    let mut estate = case.estate();
    let b = (estate.file_ids())
        .find(|&f| estate.files.name(f).ends_with("b.sdd"))
        .expect("b.sdd");
    let edited = estate
        .files
        .text(b)
        .replacen("on: 2026-01-05", "on: 2025-12-20", 1);
    estate.update(b, edited);
    let options = options_at(&case.as_of());
    let analysis = analyze(&estate, &options);
    assert!(analysis
        .diagnostics
        .iter()
        .any(|d| d.code.as_str() == "SDD208"));
    let t = report(&estate, &analysis, options.as_of).time_to_approved_spec;
    let days: Vec<i64> = t.engagements.iter().map(|s| s.days).collect();
    assert_eq!(days, [1, 10, 20]);
    assert_eq!(t.median_days, Some(10.0));
}

#[test]
fn rates() {
    let r = small_estate();
    let pair = |x: &sdd::emit::report::Ratio| (x.count, x.of, x.rate);
    assert_eq!(pair(&r.deviation_rate), (3, 5, Some(0.6)));
    assert_eq!(pair(&r.reuse_rate_designed), (6, 9, Some(0.6667)));
    assert_eq!(pair(&r.reuse_rate_built), (3, 5, Some(0.6)));
    assert_eq!(pair(&r.reconciliation_completeness), (1, 2, Some(0.5)));
}

#[test]
fn open_and_temporary_deviations() {
    let r = small_estate();
    let open: Vec<(&str, &str)> = r
        .open_deviations
        .iter()
        .map(|d| (d.engagement.as_str(), d.id.as_str()))
        .collect();
    assert_eq!(open, [("d-delivered", "D1")]);
    let temporary: Vec<(&str, &str, Option<i64>, &str)> = r
        .temporary_deviations
        .iter()
        .map(|d| {
            (
                d.engagement.as_str(),
                d.id.as_str(),
                d.days_left,
                d.state.as_str(),
            )
        })
        .collect();
    assert_eq!(
        temporary,
        [
            ("d-delivered", "D2", Some(-23), "expired"),
            ("c-reconciled", "D1", Some(16), "expiring")
        ]
    );
}

#[test]
fn most_reused_assets() {
    let r = small_estate();
    let most: Vec<(&str, usize, usize, usize)> = r
        .most_reused_assets
        .iter()
        .map(|a| (a.asset.as_str(), a.components, a.engagements, a.required_by))
        .collect();
    assert_eq!(most, [("x-push", 3, 3, 1), ("y-harden", 3, 2, 0)]);
}

#[test]
fn text_and_markdown_show_the_same_figures() {
    let r = small_estate();
    let text = report_tables::text(&r);
    let markdown = report_tables::markdown(&r);
    for shown in [&text, &markdown] {
        assert!(
            shown.contains("median 7 days, p90 20 days, mean 8.8 days"),
            "{shown}"
        );
        assert!(shown.contains("66.7 %"), "{shown}");
        assert!(shown.contains("50.0 %"), "{shown}");
        assert!(shown.contains("0.60"), "{shown}");
        assert!(shown.contains("expiring"), "{shown}");
    }
    assert!(
        text.contains("  reuse rate, designed components       66.7 %  6 / 9"),
        "{text}"
    );
    assert!(
        markdown.contains("| reconciled | 1 | 1 | 0 |"),
        "{markdown}"
    );
    let json = serde_json::to_value(&r).expect("a report serialises");
    assert_eq!(
        json["reuse_rate_designed"]["rate"],
        serde_json::json!(0.6667)
    );
}

#[test]
fn the_examples_show_what_their_readme_promises() {
    let estate = Estate::load(&[repo_root().join("examples")]).expect("examples load");
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let r = report(&estate, &analysis, options_at(CASE_DATE).as_of);
    let statuses: Vec<usize> = [
        "drafting",
        "specified",
        "approved",
        "building",
        "delivered",
        "reconciled",
    ]
    .iter()
    .map(|s| r.by_status[*s])
    .collect();
    assert_eq!(statuses, [2, 2, 1, 1, 0, 4]);
    let days: Vec<i64> = r
        .time_to_approved_spec
        .engagements
        .iter()
        .map(|s| s.days)
        .collect();
    assert_eq!(days, [3, 4, 7, 7, 7, 7, 8, 14]);
    assert_eq!(r.time_to_approved_spec.median_days, Some(7.0));
    assert_eq!(r.time_to_approved_spec.mean_days, Some(7.1));
    assert_eq!(
        (r.reuse_rate_designed.count, r.reuse_rate_designed.of),
        (12, 22)
    );
    assert_eq!((r.reuse_rate_built.count, r.reuse_rate_built.of), (9, 16));
    assert_eq!((r.deviation_rate.count, r.deviation_rate.of), (4, 16));
    assert_eq!(r.deviation_rate.rate, Some(0.25));
    assert_eq!(
        (
            r.reconciliation_completeness.count,
            r.reconciliation_completeness.of
        ),
        (4, 4)
    );
}

/// A deviation title with a line break, a terminal escape and a bidirectional override: the
/// text report keeps its row on one line and shows the characters escaped, never raw.
#[test]
fn titles_cannot_split_rows_or_reach_the_terminal() {
    let dir = repo_root().join("tests/cases/report/small-estate");
    let mut sources: Vec<(String, String)> = ["a", "b", "c", "d", "e", "shared"]
        .iter()
        .map(|n| {
            let name = format!("{n}.sdd");
            let text = std::fs::read_to_string(dir.join(&name)).expect("case file");
            (name, text)
        })
        .collect();
    let d = &mut sources[3].1;
    assert!(d.contains("\"Check run by hand\""));
    *d = d.replace(
        "\"Check run by hand\"",
        r#""Check run\nby hand \u{1b}[2J\u{7} \u{202e}dnah <img src=x> a|b""#,
    );
    let estate = Estate::from_sources(sources);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    let r = report(&estate, &analysis, options_at(CASE_DATE).as_of);
    let text = report_tables::text(&r);
    let markdown = report_tables::markdown(&r);
    for shown in [&text, &markdown] {
        assert!(
            !shown.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "raw control characters: {shown:?}"
        );
        assert!(shown.contains("\\u{1b}[2J\\u{7} \\u{202e}dnah"), "{shown}");
    }
    let row = text
        .lines()
        .find(|l| l.contains("Check run"))
        .expect("the deviation's row");
    assert!(
        row.contains("d-delivered") && row.contains("Check run\\nby hand"),
        "{text}"
    );
    // Markdown shows HTML in a title as written, and a `|` stays inside its cell.
    assert!(
        markdown.contains("dnah &lt;img src=x&gt; a\\|b"),
        "{markdown}"
    );
}

#[test]
fn one_engagement_is_one_engagement() {
    let estate = Estate::from_sources([(
        "a.sdd",
        "person o { name: \"O\" }\nprofile p { domain: network }\nengagement e { profile: p title: \"t\" owner: @o opened: 2026-01-01 }\n",
    )]);
    let options = options_at(CASE_DATE);
    let analysis = analyze(&estate, &options);
    let r = report(&estate, &analysis, options.as_of);
    let text = report_tables::text(&r);
    assert!(
        text.starts_with(&format!("Estate report as of {CASE_DATE}: 1 engagement\n")),
        "{text}"
    );
    assert!(report_tables::markdown(&r).contains("\n1 engagement.\n"));
    assert!(
        text.contains("0 engagements with an approved spec"),
        "{text}"
    );
}
