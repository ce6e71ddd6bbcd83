//! Shared support for the cross-crate tests: loading data-driven cases and rendering an
//! estate's diagnostics the way a user sees them.

use std::path::{Path, PathBuf};

use sdd::analysis::{analyze, Analysis, Options};
use sdd::estate::Estate;

/// The folder holding the data-driven cases.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The date every case is checked at unless its header says otherwise.
pub const CASE_DATE: &str = "2026-12-01";

/// The environment variable `name` parsed as a `T`, or `default` when it is unset or does not
/// parse (the sweeps' seed and round count).
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    (std::env::var(name).ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Options with a fixed date, so no test depends on today.
pub fn options_at(date: &str) -> Options {
    Options {
        as_of: sdd::check::values::parse_date(date).expect("a valid date"),
        git_history: false,
    }
}

/// One data-driven case: a single file or a folder of files.
pub struct Case {
    /// Path relative to the cases folder, e.g. `names/sdd101.sdd`.
    pub name: String,
    /// (file name relative to the cases folder, text)
    pub sources: Vec<(String, String)>,
}

impl Case {
    /// Every `// key: value` header value in the case's files.
    pub fn header(&self, key: &str) -> Vec<String> {
        let prefix = format!("// {key}:");
        self.sources
            .iter()
            .flat_map(|(_, text)| text.lines())
            .filter_map(|l| l.trim().strip_prefix(&prefix).map(|v| v.trim().to_string()))
            .collect()
    }

    pub fn estate(&self) -> Estate {
        Estate::from_sources(self.sources.clone())
    }

    /// The date the case is checked at: its `// as-of:` header, or [`CASE_DATE`].
    pub fn as_of(&self) -> String {
        (self.header("as-of").pop()).unwrap_or_else(|| CASE_DATE.to_string())
    }

    pub fn analyze(&self) -> (Estate, Analysis) {
        let estate = self.estate();
        let analysis = analyze(&estate, &options_at(&self.as_of()));
        (estate, analysis)
    }
}

/// Every case under `cases/<area>/`: `*.sdd` files and sub-folders, sorted.
pub fn cases(area: &str) -> Vec<Case> {
    let dir = cases_dir().join(area);
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => return Vec::new(),
    };
    entries.sort();
    let root = cases_dir();
    let rel = |p: &Path| {
        p.strip_prefix(&root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut out = Vec::new();
    for path in entries {
        if path.is_dir() {
            let mut files = Vec::new();
            collect_sdd(&path, &mut files);
            files.sort();
            let sources = files
                .iter()
                .map(|f| {
                    (
                        rel(f),
                        std::fs::read_to_string(f).expect("readable case file"),
                    )
                })
                .collect();
            out.push(Case {
                name: rel(&path),
                sources,
            });
        } else if path.extension().is_some_and(|e| e == "sdd") {
            let text = std::fs::read_to_string(&path).expect("readable case file");
            out.push(Case {
                name: rel(&path),
                sources: vec![(rel(&path), text)],
            });
        }
    }
    out
}

fn collect_sdd(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect_sdd(&p, out);
            } else if p.extension().is_some_and(|x| x == "sdd") {
                out.push(p);
            }
        }
    }
}

/// The areas (sub-folders of `cases/`) that hold diagnostic cases.
pub fn diagnostic_areas() -> Vec<String> {
    let mut areas: Vec<String> = std::fs::read_dir(cases_dir())
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|a| a != "fmt")
                .collect()
        })
        .unwrap_or_default();
    areas.sort();
    areas
}

/// What a user sees: the short lines, then each rich report (no colour).
pub fn render_all(estate: &Estate, analysis: &Analysis) -> String {
    let mut out = String::new();
    for d in &analysis.diagnostics {
        out.push_str(&sdd::render::short::render(d, &estate.files));
        out.push('\n');
    }
    let mut rich = sdd::render::rich::Renderer::new(&estate.files, false);
    for d in &analysis.diagnostics {
        out.push('\n');
        out.push_str(&rich.render(d));
    }
    out
}
pub mod bounded;
pub mod generate;
pub mod ide_sweep;
pub mod output_sweep;
pub mod shapes;
