//! Estates of unusual shape for `sdd-bench --shapes`: what the size benchmark does not cover.
//! Many small files, one large file, one large engagement, thousands of diagnostics and a long
//! dependency cycle, each built from [`crate::generate`]'s estate, so the same arguments give
//! the same bytes.

use std::fmt::Write as _;

/// One estate of a given shape.
pub struct Shape {
    pub name: &'static str,
    /// What it holds, for the benchmark's table.
    pub what: String,
    pub files: Vec<(String, String)>,
}

/// Every shape, at the sizes the benchmark uses.
pub fn all() -> Vec<Shape> {
    vec![
        many_files(100_000),
        one_file(40_000),
        one_engagement(20_000),
        diagnostics(10_000),
        one_line(10_000),
        long_cycle(20_000),
    ]
}

/// The generated estate of `requirements` with one engagement per file.
pub fn many_files(requirements: usize) -> Shape {
    let mut files = Vec::new();
    for (name, text) in crate::generate::estate(requirements, 1) {
        if !name.starts_with("engagements/") {
            files.push((name, text));
            continue;
        }
        for engagement in engagements(&text) {
            let name = format!("engagements/e-{:06}.sdd", files.len());
            files.push((name, engagement.to_string()));
        }
    }
    Shape {
        name: "many-files",
        what: format!("{requirements} requirements, one engagement per file"),
        files,
    }
}

/// The generated estate of `requirements` with every engagement in one file.
pub fn one_file(requirements: usize) -> Shape {
    let mut common = Vec::new();
    let mut all = String::new();
    for (name, text) in crate::generate::estate(requirements, 1) {
        if name.starts_with("engagements/") {
            all.push_str(&text);
        } else {
            common.push((name, text));
        }
    }
    common.push(("engagements/all.sdd".to_string(), all));
    Shape {
        name: "one-file",
        what: format!("{requirements} requirements in one file"),
        files: common,
    }
}

/// One engagement of `requirements` requirements, delivered and reconciled: every check that
/// relates an engagement's requirements to its design, tests and as-built record runs over
/// thousands of them at once.
pub fn one_engagement(requirements: usize) -> Shape {
    Shape {
        name: "one-engagement",
        what: format!("one reconciled engagement of {requirements} requirements"),
        files: crate::generate::one_engagement(requirements, 1),
    }
}

/// The generated estate of `requirements` where every requirement's priority is misspelt: one
/// type error per requirement, and every approval recorded over the old text goes stale.
pub fn diagnostics(requirements: usize) -> Shape {
    let files = crate::generate::estate(requirements, 1)
        .into_iter()
        .map(|(name, text)| (name, text.replace("priority: must\n", "priority: mustt\n")))
        .collect();
    Shape {
        name: "diagnostics",
        what: format!("{requirements} requirements, each with a misspelt priority"),
        files,
    }
}

/// [`diagnostics`]'s estate with each file on one line (its comments dropped): thousands of
/// diagnostics on one line of hundreds of kilobytes, as in a minified or generated file.
pub fn one_line(requirements: usize) -> Shape {
    let files = diagnostics(requirements)
        .files
        .into_iter()
        .map(|(name, text)| {
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (name, code.join(" ") + "\n")
        })
        .collect();
    Shape {
        name: "one-line",
        what: "the diagnostics shape with each file on one line".to_string(),
        files,
    }
}

/// The generated estate's declarations plus `assets` assets that require each other in one
/// cycle.
pub fn long_cycle(assets: usize) -> Shape {
    let mut files: Vec<(String, String)> = crate::generate::estate(1, 1)
        .into_iter()
        .filter(|(name, _)| !name.starts_with("engagements/"))
        .collect();
    let mut inventory = String::new();
    for a in 0..assets {
        let _ = writeln!(
            inventory,
            "asset ring-{a} {{\n  version: 1.0.0\n  domain: network\n  kind: module\n  provides: [ring-capability-{a}]\n  requires: [ring-{} \"^1.0\"]\n  owner: @lead-0\n  status: active\n}}\n",
            (a + 1) % assets
        );
    }
    files.push(("inventory/ring.sdd".to_string(), inventory));
    Shape {
        name: "long-cycle",
        what: format!("{assets} assets in one `requires` cycle"),
        files,
    }
}

/// The engagements of a generated file, each with its doc comment.
fn engagements(text: &str) -> impl Iterator<Item = &str> {
    const START: &str = "/// Synthetic engagement ";
    let starts: Vec<usize> = text.match_indices(START).map(|(i, _)| i).collect();
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([text.len()]).collect();
    starts.into_iter().zip(ends).map(|(s, e)| &text[s..e])
}

#[cfg(test)]
mod tests {
    use super::*;
    use sdd::codes::Code;
    use sdd::estate::Estate;

    fn codes(files: &[(String, String)]) -> Vec<Code> {
        let estate = Estate::from_sources(files.iter().cloned());
        let mut codes: Vec<Code> = sdd::analysis::check(&estate, &crate::options_at("2026-11-24"))
            .into_iter()
            .map(|d| d.code)
            .collect();
        codes.dedup();
        codes
    }

    /// Splitting and joining keep the estate clean: the shapes measure the same checks as the
    /// size benchmark, on differently cut files.
    #[test]
    fn reshaped_estates_stay_clean() {
        let split = many_files(2_000);
        assert_eq!(split.files.len(), 1 + 2_000 / 20);
        assert_eq!(codes(&split.files), []);
        let joined = one_file(2_000);
        assert_eq!(joined.files.len(), 2);
        assert_eq!(codes(&joined.files), []);
        let large = one_engagement(2_000);
        assert_eq!(large.files.len(), 2);
        assert_eq!(codes(&large.files), []);
    }

    /// The benchmarked estate measures the fast path of parsing: each file of it parses
    /// without a syntax error, and the fast path builds chumsky's tree for it.
    #[test]
    fn the_benchmarked_estate_takes_the_fast_path() {
        for (name, text) in crate::generate::estate(2_000, 1) {
            let parsed = sdd::syntax::parse(sdd::source::FileId(0), &text);
            assert_eq!(parsed.diagnostics.len(), 0, "{name}");
            assert_eq!(sdd::syntax::fast_path_disagreement(&text), None, "{name}");
        }
    }

    #[test]
    fn the_broken_shapes_report_what_they_break() {
        let broken = diagnostics(200);
        let estate = Estate::from_sources(broken.files.iter().cloned());
        let found = sdd::analysis::check(&estate, &crate::options_at("2026-11-24"));
        let unknown = found.iter().filter(|d| d.code == Code::Sdd106).count();
        assert_eq!(unknown, 200, "{:?}", found.first());
        // On one line, the same mistakes are reported.
        let one_line = one_line(200);
        assert!(one_line.files.iter().all(|(_, t)| t.lines().count() == 1));
        let estate = Estate::from_sources(one_line.files.iter().cloned());
        let on_one_line = sdd::analysis::check(&estate, &crate::options_at("2026-11-24"));
        let kinds = |ds: &[sdd::diagnostic::Diagnostic]| {
            let mut k: Vec<(Code, String)> =
                ds.iter().map(|d| (d.code, d.message.clone())).collect();
            k.sort();
            k
        };
        assert_eq!(kinds(&on_one_line), kinds(&found));
        assert_eq!(codes(&long_cycle(50).files), [Code::Sdd404]);
    }
}
