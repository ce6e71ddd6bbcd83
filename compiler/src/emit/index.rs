//! The estate index (`estate.json`): every engagement with its status, executable flag and
//! manifest hash, and the asset inventory with resolved `requires` and provenance.
//! Schema: `schemas/estate-index.schema.json`.

use serde_json::{json, Value as Json};

use crate::check::engagement::Engagement;
use crate::check::governance::Status;
use crate::check::names::Namespace;
use crate::reuse_graph::{produced, Inventory};

use super::manifest::scalar;
use super::FORMAT_VERSION;

/// One engagement's line in the index: what it reads from the manifest as written (the
/// manifest itself is not kept, so a build holds one manifest tree per thread, not one per
/// engagement).
pub struct Entry {
    pub summary: Json,
}

impl Entry {
    /// The entry of `manifest`, written at `path` (relative to the output folder) with the
    /// bytes whose `sha256:` is `sha256`.
    pub fn new(manifest: &Json, path: &str, sha256: String) -> Entry {
        let m = manifest;
        Entry {
            summary: json!({
                "name": m["engagement"]["name"],
                "title": m["engagement"]["title"],
                "profile": m["engagement"]["profile"],
                "domain": m["engagement"]["domain"],
                "status": m["status"],
                "executable": m["executable"],
                "spec_fingerprint": m["fingerprints"]["spec"]["fingerprint"],
                "design_fingerprint": m["fingerprints"]["design"]["fingerprint"],
                "manifest": path,
                "manifest_sha256": sha256,
            }),
        }
    }

    pub fn executable(&self) -> bool {
        self.summary["executable"] == Json::Bool(true)
    }
}

pub fn index(inventory: &Inventory<'_>, ns: &Namespace<'_>, entries: &[Entry]) -> Json {
    let engagements: Vec<&Json> = entries.iter().map(|e| &e.summary).collect();
    let mut by_status = serde_json::Map::new();
    for status in Status::ALL {
        let n = entries
            .iter()
            .filter(|e| e.summary["status"] == status.as_str())
            .count();
        by_status.insert(status.as_str().into(), json!(n));
    }
    let executable = entries.iter().filter(|e| e.executable()).count();

    // Provenance: which engagement's as-built produced which release.
    let mut producers: Vec<(String, String, String)> = Vec::new();
    for decl in ns.of_kind("engagement") {
        let e = Engagement::new(ns, decl.file, decl.item);
        for (_, r) in produced(&e) {
            producers.push((
                r.asset.to_string(),
                e.name().to_string(),
                r.spec.to_string(),
            ));
        }
    }
    producers.sort();
    let assets: Vec<Json> = inventory
        .assets
        .values()
        .map(|a| {
            let requires: Vec<Json> = a
                .requires
                .iter()
                .map(|r| {
                    json!({
                        "asset": r.asset,
                        "constraint": r.spec,
                        "resolved": inventory.resolve(r.asset, r.spec).map(|v| v.to_string()),
                    })
                })
                .collect();
            // `producers` is sorted by asset: this asset's are one run.
            let from = producers.partition_point(|(asset, _, _)| asset.as_str() < a.name);
            let produced_by: Vec<Json> = producers[from..]
                .iter()
                .take_while(|(asset, _, _)| asset == a.name)
                .map(|(_, e, v)| json!({"engagement": e, "version": v}))
                .collect();
            json!({
                "name": a.name,
                "version": a.version.as_ref().map(|v| v.to_string()),
                "releases": a.releases.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                "status": a.status,
                "domain": scalar(a.item, "domain"),
                "kind": scalar(a.item, "kind"),
                "owner": scalar(a.item, "owner"),
                "source": scalar(a.item, "source"),
                "provides": a.provides,
                "requires": requires,
                "produced_by": produced_by,
            })
        })
        .collect();
    json!({
        "format_version": FORMAT_VERSION,
        "totals": {
            "engagements": entries.len(),
            "executable": executable,
            "by_status": by_status,
        },
        "engagements": engagements,
        "assets": assets,
    })
}
