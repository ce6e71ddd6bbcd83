//! Outputs for pipelines and leads: manifests and the estate index, reports, the reuse graph
//! in DOT, Mermaid and JSON, and SARIF.
//!
//! [`build_set`] turns an analysed estate into the files `sdd build` writes (see
//! `docs/manifests.md`); [`output::replace_folder`] swaps them in as a whole.

pub mod graph;
pub mod index;
pub mod involved;
pub mod manifest;
pub mod output;
pub mod report;
pub mod report_tables;
pub mod sarif;

use rayon::prelude::*;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::analysis::Analysis;
use crate::check::names::Namespace;
use crate::estate::Estate;
use crate::reuse_graph::Inventory;

/// The manifest and index format: MAJOR.MINOR. A consumer accepts any MINOR of a MAJOR it
/// knows; see `docs/manifests.md` for what changes which part.
pub const FORMAT_VERSION: &str = "1.1";

/// The index's file name in the output folder.
pub const INDEX_FILE: &str = "estate.json";

/// The folder of the engagement manifests inside the output folder.
pub const MANIFEST_DIR: &str = "engagements";

/// The bytes of a JSON document as written: pretty-printed (two spaces, keys sorted) with a
/// trailing newline.
pub fn to_bytes(json: &Json) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(json).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `sha256:` and the lowercase hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The files of one build, by path relative to the output folder, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSet {
    pub files: Vec<(String, Vec<u8>)>,
    /// Engagements whose manifest says `executable: true`.
    pub executable: usize,
    pub engagements: usize,
}

/// The manifest path of an engagement, relative to the output folder.
pub fn manifest_path(engagement: &str) -> String {
    format!("{MANIFEST_DIR}/{engagement}.json")
}

/// Every manifest and the estate index of an analysed estate.
pub fn build_set(estate: &Estate, analysis: &Analysis) -> BuildSet {
    let ns = Namespace::build(estate, &mut Vec::new());
    let inventory = Inventory::new(&ns);
    let cx = manifest::Context::new(estate, &ns, &inventory, analysis);
    // In parallel, in the engagements' order: the same estate gives the same set.
    let built: Vec<((String, Vec<u8>), index::Entry)> = (analysis.engagements.par_iter())
        .filter_map(|(_, facts)| {
            let json = manifest::manifest(&cx, facts)?;
            let bytes = to_bytes(&json);
            let path = manifest_path(&facts.name);
            let entry = index::Entry::new(&json, &path, sha256(&bytes));
            Some(((path, bytes), entry))
        })
        .collect();
    let (mut files, entries): (Vec<(String, Vec<u8>)>, Vec<index::Entry>) =
        built.into_iter().unzip();
    let executable = entries.iter().filter(|e| e.executable()).count();
    let engagements = entries.len();
    let index = index::index(&inventory, &ns, &entries);
    files.push((INDEX_FILE.to_string(), to_bytes(&index)));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    BuildSet {
        files,
        executable,
        engagements,
    }
}
