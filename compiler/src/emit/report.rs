//! `sdd report`: estate metrics, computed once into [`Report`] and rendered as text, JSON or
//! Markdown.
//!
//! Definitions (also in `docs/manifests.md`):
//! - by status and domain: every engagement's derived status, per profile domain;
//! - time to approved spec: days from `opened` to the Gate 1 date, over engagements whose
//!   Gate 1 holds; median (mean of the two middle values for an even count) and p90 (nearest
//!   rank: the ⌈0.9·n⌉-th smallest);
//! - delivered engagements: status `delivered` or `reconciled`;
//! - deviation rate: deviations recorded in delivered engagements per `built` entry of those;
//! - reuse rate: design components with `reuses` over all design components (designed), and
//!   `built` entries with `uses` over all `built` entries of delivered engagements (built);
//! - reconciliation completeness: reconciled over delivered;
//! - open deviations: status `open`, anywhere; temporary deviations: accepted ones with
//!   `expires`, with the days left at `--as-of` (expired below 0, expiring within 30 days);
//! - most reused assets: by the number of design components that reuse them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::Analysis;
use crate::check::engagement::{self as eng, Engagement};
use crate::check::governance::Status;
use crate::check::names::Namespace;
use crate::estate::Estate;
use crate::reuse_graph::{components, Inventory};
use crate::syntax::Keyword;

/// Days left under which a temporary deviation counts as expiring.
pub const EXPIRING_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ratio {
    pub count: usize,
    pub of: usize,
    /// `count / of`, rounded to four decimals; `None` when `of` is 0.
    pub rate: Option<f64>,
}

impl Ratio {
    fn new(count: usize, of: usize) -> Ratio {
        let rate = (of > 0).then(|| ((count as f64 / of as f64) * 10_000.0).round() / 10_000.0);
        Ratio { count, of, rate }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecTime {
    pub engagement: String,
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeToSpec {
    /// Per engagement whose Gate 1 holds, sorted by days then name.
    pub engagements: Vec<SpecTime>,
    pub median_days: Option<f64>,
    pub p90_days: Option<i64>,
    pub mean_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviationEntry {
    pub engagement: String,
    pub id: String,
    pub title: String,
    pub affects: Option<String>,
    pub expires: Option<String>,
    /// Days from `--as-of` to `expires` (negative once expired).
    pub days_left: Option<i64>,
    /// `open`, or for a temporary deviation `expired`, `expiring` or `active`.
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetReuse {
    pub asset: String,
    pub components: usize,
    pub engagements: usize,
    /// Assets whose `requires` names it.
    pub required_by: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub as_of: String,
    pub engagements: usize,
    /// Status → count, every status present.
    pub by_status: BTreeMap<String, usize>,
    /// Domain → status → count.
    pub by_domain: BTreeMap<String, BTreeMap<String, usize>>,
    pub time_to_approved_spec: TimeToSpec,
    pub deviation_rate: Ratio,
    pub reuse_rate_designed: Ratio,
    pub reuse_rate_built: Ratio,
    pub reconciliation_completeness: Ratio,
    pub open_deviations: Vec<DeviationEntry>,
    pub temporary_deviations: Vec<DeviationEntry>,
    pub most_reused_assets: Vec<AssetReuse>,
}

fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

fn p90(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (9 * n).div_ceil(10);
    Some(sorted[rank.max(1) - 1])
}

/// Compute the metrics of an analysed estate at a date.
pub fn report(estate: &Estate, analysis: &Analysis, as_of: NaiveDate) -> Report {
    let ns = Namespace::build(estate, &mut Vec::new());
    let inventory = Inventory::new(&ns);
    let mut by_status: BTreeMap<String, usize> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    let mut by_domain: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut spec_times = Vec::new();
    let (mut deviations, mut built, mut built_reusing) = (0, 0, 0);
    let (mut designed, mut designed_reusing) = (0, 0);
    let (mut delivered, mut reconciled) = (0, 0);
    let mut open = Vec::new();
    let mut temporary = Vec::new();
    let mut reuse: BTreeMap<String, (usize, std::collections::BTreeSet<String>)> = BTreeMap::new();

    for (_, facts) in &analysis.engagements {
        let Some(decl) = ns.get_kind(&facts.name, "engagement") else {
            continue;
        };
        let e = Engagement::new(&ns, decl.file, decl.item);
        let status = facts.status.as_str().to_string();
        *by_status.entry(status.clone()).or_default() += 1;
        let domain = e.domain().unwrap_or("unknown").to_string();
        let row = by_domain.entry(domain).or_insert_with(|| {
            Status::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), 0))
                .collect()
        });
        *row.entry(status).or_default() += 1;

        if facts.spec_holds {
            let approved = e.gate_spec.and_then(|g| eng::date(g, "on"));
            // An approval dated before the engagement was opened is an SDD208, not a
            // negative time.
            if let (Some(opened), Some(on)) =
                (e.opened(), approved.filter(|on| Some(*on) >= e.opened()))
            {
                spec_times.push(SpecTime {
                    engagement: facts.name.clone(),
                    days: (on - opened).num_days(),
                });
            }
        }
        for c in components(&e) {
            designed += 1;
            if let Some(r) = c.reuses {
                designed_reusing += 1;
                let entry = reuse.entry(r.asset.to_string()).or_default();
                entry.0 += 1;
                entry.1.insert(facts.name.clone());
            }
        }
        let is_delivered = matches!(facts.status, Status::Delivered | Status::Reconciled);
        if is_delivered {
            delivered += 1;
            reconciled += usize::from(facts.status == Status::Reconciled);
            for b in Engagement::children(e.as_built, Keyword::Built) {
                built += 1;
                built_reusing += usize::from(b.field("uses").is_some());
            }
            deviations += Engagement::children(e.as_built, Keyword::Deviation).count();
        }
        for d in Engagement::children(e.as_built, Keyword::Deviation) {
            let status = eng::name(d, "status");
            let expires = eng::date(d, "expires");
            let mut entry = DeviationEntry {
                engagement: facts.name.clone(),
                id: d.name_text().unwrap_or("").to_string(),
                title: d
                    .title
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                affects: eng::name(d, "affects").map(str::to_string),
                expires: expires.map(|x| x.to_string()),
                days_left: expires.map(|x| (x - as_of).num_days()),
                state: "open".into(),
            };
            match (status, entry.days_left) {
                (Some("open"), _) => open.push(entry),
                (Some("accepted"), Some(days)) => {
                    entry.state = if days < 0 {
                        "expired"
                    } else if days <= EXPIRING_DAYS {
                        "expiring"
                    } else {
                        "active"
                    }
                    .into();
                    temporary.push(entry);
                }
                _ => {}
            }
        }
    }

    spec_times.sort_by(|a, b| (a.days, &a.engagement).cmp(&(b.days, &b.engagement)));
    let days: Vec<i64> = spec_times.iter().map(|s| s.days).collect();
    let mean = (!days.is_empty()).then(|| {
        let m = days.iter().sum::<i64>() as f64 / days.len() as f64;
        (m * 10.0).round() / 10.0
    });
    temporary.sort_by(|a, b| {
        (&a.expires, &a.engagement, &a.id).cmp(&(&b.expires, &b.engagement, &b.id))
    });
    open.sort_by(|a, b| (&a.engagement, &a.id).cmp(&(&b.engagement, &b.id)));

    // How many assets name each asset in `requires` (an asset naming it twice counts once).
    let mut required_by: BTreeMap<&str, usize> = BTreeMap::new();
    for a in inventory.assets.values() {
        let mut names: Vec<&str> = a.requires.iter().map(|r| r.asset).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            *required_by.entry(name).or_default() += 1;
        }
    }
    let mut most: Vec<AssetReuse> = reuse
        .into_iter()
        .map(|(asset, (components, engagements))| AssetReuse {
            required_by: required_by.get(asset.as_str()).copied().unwrap_or(0),
            asset,
            components,
            engagements: engagements.len(),
        })
        .collect();
    most.sort_by(|a, b| {
        (b.components, b.engagements, &a.asset).cmp(&(a.components, a.engagements, &b.asset))
    });

    Report {
        as_of: as_of.to_string(),
        engagements: analysis.engagements.len(),
        by_status,
        by_domain,
        time_to_approved_spec: TimeToSpec {
            median_days: median(&days),
            p90_days: p90(&days),
            mean_days: mean,
            engagements: spec_times,
        },
        deviation_rate: Ratio::new(deviations, built),
        reuse_rate_designed: Ratio::new(designed_reusing, designed),
        reuse_rate_built: Ratio::new(built_reusing, built),
        reconciliation_completeness: Ratio::new(reconciled, delivered),
        open_deviations: open,
        temporary_deviations: temporary,
        most_reused_assets: most,
    }
}
