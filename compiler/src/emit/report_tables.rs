//! A [`Report`] as aligned text tables for a terminal, or as Markdown.
//!
//! Both renderings come from one list of sections, so they always show the same figures.

use super::report::{DeviationEntry, Ratio, Report};
use crate::render::printable::{escaped, one_line};

/// How many assets "most reused" lists.
pub const TOP_ASSETS: usize = 10;

struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

enum Body {
    Lines(Vec<String>),
    Table(Table),
}

struct Section {
    title: String,
    body: Vec<Body>,
}

fn percent(r: &Ratio) -> String {
    match r.rate {
        // From the counts, rounded half up to one decimal: 9/16 is 56.3 %.
        Some(_) => format!(
            "{:.1} %",
            (r.count as f64 * 1000.0 / r.of as f64).round() / 10.0
        ),
        None => "n/a".into(),
    }
}

fn days(value: Option<f64>) -> String {
    match value {
        Some(v) if v.fract() == 0.0 => format!("{v:.0} days"),
        Some(v) => format!("{v:.1} days"),
        None => "n/a".into(),
    }
}

fn table(headers: &[&str], rows: Vec<Vec<String>>) -> Body {
    Body::Table(Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    })
}

fn deviation_rows(list: &[DeviationEntry], with_expiry: bool) -> Vec<Vec<String>> {
    list.iter()
        .map(|d| {
            let mut row = vec![d.engagement.clone(), d.id.clone(), d.title.clone()];
            if with_expiry {
                row.push(d.expires.clone().unwrap_or_default());
                row.push(d.days_left.map(|n| n.to_string()).unwrap_or_default());
                row.push(d.state.clone());
            } else {
                row.push(d.affects.clone().unwrap_or_default());
            }
            row
        })
        .collect()
}

fn sections(r: &Report) -> Vec<Section> {
    let domains: Vec<&String> = r.by_domain.keys().collect();
    let mut headers = vec!["status", "total"];
    headers.extend(domains.iter().map(|d| d.as_str()));
    let mut rows: Vec<Vec<String>> = r
        .by_status
        .iter()
        .map(|(status, n)| {
            let mut row = vec![status.clone(), n.to_string()];
            row.extend(domains.iter().map(|d| {
                r.by_domain[*d]
                    .get(status)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            }));
            row
        })
        .collect();
    // Show statuses in lifecycle order, not alphabetically.
    let order = crate::check::governance::Status::ALL;
    rows.sort_by_key(|row| order.iter().position(|s| s.as_str() == row[0]));
    let mut total = vec!["all".to_string(), r.engagements.to_string()];
    total.extend(
        domains
            .iter()
            .map(|d| r.by_domain[*d].values().sum::<usize>().to_string()),
    );
    rows.push(total);

    let t = &r.time_to_approved_spec;
    let spec_lines = vec![format!(
        "{} with an approved spec: median {}, p90 {}, mean {}",
        engagements(t.engagements.len()),
        days(t.median_days),
        days(t.p90_days.map(|d| d as f64)),
        days(t.mean_days)
    )];
    let spec_rows = t
        .engagements
        .iter()
        .map(|s| vec![s.engagement.clone(), s.days.to_string()])
        .collect();

    let ratio = |r: &Ratio| format!("{} / {}", r.count, r.of);
    let rates = vec![
        vec![
            "deviation rate (per built component)".into(),
            r.deviation_rate
                .rate
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "n/a".into()),
            ratio(&r.deviation_rate),
        ],
        vec![
            "reuse rate, designed components".into(),
            percent(&r.reuse_rate_designed),
            ratio(&r.reuse_rate_designed),
        ],
        vec![
            "reuse rate, built components".into(),
            percent(&r.reuse_rate_built),
            ratio(&r.reuse_rate_built),
        ],
        vec![
            "reconciliation completeness".into(),
            percent(&r.reconciliation_completeness),
            ratio(&r.reconciliation_completeness),
        ],
    ];

    let open = if r.open_deviations.is_empty() {
        Body::Lines(vec!["none".into()])
    } else {
        table(
            &["engagement", "deviation", "title", "affects"],
            deviation_rows(&r.open_deviations, false),
        )
    };
    let temporary = if r.temporary_deviations.is_empty() {
        Body::Lines(vec!["none".into()])
    } else {
        table(
            &[
                "engagement",
                "deviation",
                "title",
                "expires",
                "days left",
                "state",
            ],
            deviation_rows(&r.temporary_deviations, true),
        )
    };
    let assets = if r.most_reused_assets.is_empty() {
        Body::Lines(vec!["none".into()])
    } else {
        table(
            &["asset", "components", "engagements", "required by"],
            r.most_reused_assets
                .iter()
                .take(TOP_ASSETS)
                .map(|a| {
                    vec![
                        a.asset.clone(),
                        a.components.to_string(),
                        a.engagements.to_string(),
                        a.required_by.to_string(),
                    ]
                })
                .collect(),
        )
    };
    vec![
        Section {
            title: "Engagements by status and domain".into(),
            body: vec![table(&headers, rows)],
        },
        Section {
            title: "Time to approved spec (days from opened to Gate 1)".into(),
            body: vec![
                Body::Lines(spec_lines),
                table(&["engagement", "days"], spec_rows),
            ],
        },
        Section {
            title: "Rates".into(),
            body: vec![table(&["metric", "value", "of"], rates)],
        },
        Section {
            title: "Open deviations".into(),
            body: vec![open],
        },
        Section {
            title: format!(
                "Temporary deviations (expiring: {} days or less)",
                super::report::EXPIRING_DAYS
            ),
            body: vec![temporary],
        },
        Section {
            title: "Most reused assets".into(),
            body: vec![assets],
        },
    ]
}

/// A column of figures is right-aligned: every cell starts with a digit (or is `n/a`).
fn numeric_columns(t: &Table) -> Vec<bool> {
    (0..t.headers.len())
        .map(|i| {
            i > 0
                && !t.rows.is_empty()
                && t.rows.iter().all(|row| {
                    row.get(i).is_some_and(|c| {
                        let digits = c.strip_prefix('-').unwrap_or(c);
                        c == "n/a" || digits.chars().next().is_some_and(|x| x.is_ascii_digit())
                    })
                })
        })
        .collect()
}

fn text_table(t: &Table, out: &mut String) {
    let count = t.headers.len();
    let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    // A value is shown on one line, its control characters escaped: a title with a line
    // break or a terminal escape in it never splits or rewrites the table.
    let rows: Vec<Vec<String>> = (t.rows.iter())
        .map(|row| row.iter().map(|c| one_line(c).into_owned()).collect())
        .collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(count) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let numeric = numeric_columns(t);
    let line = |cells: &[String], out: &mut String| {
        let mut text = String::from("  ");
        for (i, cell) in cells.iter().enumerate().take(count) {
            let pad = widths[i] - cell.chars().count();
            if numeric[i] {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
            text.push_str("  ");
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&t.headers, out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule, out);
    for row in &rows {
        line(row, out);
    }
}

/// "1 engagement", "3 engagements".
fn engagements(n: usize) -> String {
    format!("{n} engagement{}", if n == 1 { "" } else { "s" })
}

/// The report for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = format!(
        "Estate report as of {}: {}\n",
        r.as_of,
        engagements(r.engagements)
    );
    for s in sections(r) {
        out.push_str(&format!("\n{}\n", s.title));
        for body in &s.body {
            match body {
                Body::Lines(lines) => {
                    for l in lines {
                        out.push_str(&format!("  {}\n", escaped(l)));
                    }
                }
                Body::Table(t) => text_table(t, &mut out),
            }
        }
    }
    out
}

/// A value in a Markdown table cell: `|` escaped so it stays one cell, and `&`, `<` and `>`
/// as entities, so a title holding HTML (`<details>`, `<img src=…>`) is shown as written, not
/// rendered by the viewer.
fn md_cell(cell: &str) -> String {
    escaped(cell)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut out = format!(
        "# Estate report as of {}\n\n{}.\n",
        r.as_of,
        engagements(r.engagements)
    );
    for s in sections(r) {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&format!("## {}\n\n", s.title));
        for body in &s.body {
            match body {
                Body::Lines(lines) => {
                    for l in lines {
                        out.push_str(&format!("{}\n\n", md_cell(l)));
                    }
                }
                Body::Table(t) => {
                    let cells: Vec<String> = t.headers.iter().map(|h| md_cell(h)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    let align: Vec<&str> = numeric_columns(t)
                        .into_iter()
                        .map(|n| if n { "---:" } else { "---" })
                        .collect();
                    out.push_str(&format!("| {} |\n", align.join(" | ")));
                    for row in &t.rows {
                        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
                        out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    }
                    out.push('\n');
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
