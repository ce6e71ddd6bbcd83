//! The engagements an error involves besides the one it is reported in, so that none of them
//! is executable: both producers of a release produced twice (SDD407, reported at the second
//! `produces` with a label at the first), and every engagement on a cycle of `extends`
//! (SDD404, reported once, at the link that closes the cycle).

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
}
