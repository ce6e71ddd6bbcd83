//! The engagements an error involves besides the one it is reported in, so that none of them
//! is executable: both producers of a release produced twice (SDD407, reported at the second
//! `produces` with a label at the first), every engagement on a cycle of `extends` (SDD404,
//! reported once, at the link that closes the cycle), and every engagement that extends,
//! directly or through others, one that may not run for an error of its own ([`baselines`]):
//! Day-2 work starts from what its baseline delivered.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Each file's engagements: their spans, in order, and their names.
pub type EngagementSpans<'a> = BTreeMap<FileId, Vec<(Span, &'a str)>>;

/// The engagement whose span holds this span, if any.
pub fn engagement_at<'a>(spans: &EngagementSpans<'a>, file: FileId, at: Span) -> Option<&'a str> {
    let spans = spans.get(&file).map_or(&[][..], Vec::as_slice);
    let i = spans.partition_point(|(s, _)| s.end < at.start);
    (spans.get(i)).and_then(|(s, name)| (s.start <= at.start && at.end <= s.end).then_some(*name))
}

/// For each engagement an error involves, the codes of those errors. `extends` holds each
/// engagement's `extends` target (an engagement of the estate).
pub fn involved<'a>(
    spans: &EngagementSpans<'a>,
    extends: &HashMap<&'a str, &'a str>,
    diagnostics: &[Diagnostic],
) -> BTreeMap<&'a str, BTreeSet<&'static str>> {
    let mut out: BTreeMap<&'a str, BTreeSet<&'static str>> = BTreeMap::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code == Code::Sdd407)
    {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            if let Some(name) = engagement_at(spans, label.file, label.span) {
                out.entry(name).or_default().insert(d.code.as_str());
            }
        }
    }
    for name in extends_cycles(extends) {
        out.entry(name).or_default().insert(Code::Sdd404.as_str());
    }
    out
}

/// The engagements on a cycle of `extends`. Each engagement extends at most one other, so a
/// walk from each one along `extends` either ends or comes back onto its own path.
fn extends_cycles<'a>(extends: &HashMap<&'a str, &'a str>) -> BTreeSet<&'a str> {
    let mut on_cycle = BTreeSet::new();
    let mut done: HashSet<&str> = HashSet::new();
    let mut starts: Vec<&str> = extends.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        // The walk's names, and where each stands on it (a long chain stays linear).
        let (mut path, mut place): (Vec<&str>, HashMap<&str, usize>) = Default::default();
        let mut at = Some(start);
        while let Some(name) = at.filter(|n| !done.contains(n)) {
            if let Some(&i) = place.get(name) {
                on_cycle.extend(&path[i..]);
                break;
            }
            place.insert(name, path.len());
            path.push(name);
            at = extends.get(name).copied();
        }
        done.extend(path);
    }
    on_cycle
}

/// For each engagement that extends, directly or through others, a `blocked` one (an error of
/// its own, declared twice, or involved in another's error), the nearest such baseline and
/// its codes. Each chain is walked once (a name settled on one walk is not walked again), and
/// a cycle ends the walk.
pub fn baselines<'a>(
    extends: &HashMap<&'a str, &'a str>,
    blocked: &BTreeMap<&'a str, BTreeSet<&'static str>>,
) -> BTreeMap<&'a str, (&'a str, BTreeSet<&'static str>)> {
    // The nearest blocked baseline of each name walked, `None` when there is none.
    let mut settled: HashMap<&str, Option<&str>> = HashMap::new();
    let mut starts: Vec<&str> = extends.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        let mut path: Vec<&str> = Vec::new();
        let mut on_path: HashSet<&str> = HashSet::new();
        let mut at = start;
        let found = loop {
            if let Some(known) = settled.get(at) {
                break *known;
            }
            if !on_path.insert(at) {
                break None;
            }
            path.push(at);
            match extends.get(at) {
                Some(&base) if blocked.contains_key(base) => break Some(base),
                Some(&base) => at = base,
                None => break None,
            }
        };
        // Each name on the path reaches the same baseline, unless it is that baseline (on a
        // cycle), which is blocked of its own.
        for name in path {
            settled.insert(name, found.filter(|b| *b != name));
        }
    }
    let mut out = BTreeMap::new();
    for (name, base) in settled {
        if let Some(base) = base {
            out.insert(name, (base, blocked[base].clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engagement_on_a_cycle_of_extends_and_no_other() {
        let extends: HashMap<&str, &str> = [
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("d", "a"),
            ("e", "e"),
            ("f", "g"),
        ]
        .into_iter()
        .collect();
        let found: Vec<&str> = extends_cycles(&extends).into_iter().collect();
        assert_eq!(found, ["a", "b", "c", "e"]);
    }

    #[test]
    fn every_engagement_downstream_of_a_blocked_baseline_and_no_other() {
        let extends: HashMap<&str, &str> = [
            ("day2", "base"),
            ("day3", "day2"),
            ("day4", "day3"),
            ("other", "fine"),
            ("x", "y"),
            ("y", "x"),
        ]
        .into_iter()
        .collect();
        let blocked: BTreeMap<&str, BTreeSet<&'static str>> = [
            ("base", BTreeSet::from(["SDD208"])),
            ("x", BTreeSet::from(["SDD404"])),
        ]
        .into_iter()
        .collect();
        let found = baselines(&extends, &blocked);
        let names: Vec<(&str, &str)> = found.iter().map(|(n, (b, _))| (*n, *b)).collect();
        // x is on a cycle with y: y extends the blocked x; x itself is blocked of its own.
        assert_eq!(
            names,
            [
                ("day2", "base"),
                ("day3", "base"),
                ("day4", "base"),
                ("y", "x")
            ]
        );
        assert_eq!(found["day4"].1, BTreeSet::from(["SDD208"]));
    }
}
