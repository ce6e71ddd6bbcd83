//! Reuse and the gates. A design that reuses an unknown or retired asset, or a release that
//! does not exist (SDD401–SDD403), is not ready for Gate 2: `approve` refuses it. Once the
//! work is delivered under a design approval of the current content, the inventory moving on
//! (the asset retired since) is a warning on that history, not an error that stops the build.

use sdd::approve::{approve, Request};
use sdd::estate::Estate;

const CASE: &str = "graph/sdd403-retired-reused-by-delivered-work.sdd";

/// The delivered case, edited by `edit`.
fn estate(edit: impl Fn(&str) -> String) -> Estate {
    let text = std::fs::read_to_string(sdd_tests::cases_dir().join(CASE)).expect("the case");
    Estate::from_sources([("case.sdd", edit(&text))])
}

/// From the design gate on: the engagement as it stood before Gate 2.
fn before_gate_2(text: &str) -> String {
    let at = text.find("  gate design {").expect("a design gate");
    format!("{}}}\n", &text[..at])
}

fn codes(estate: &Estate) -> Vec<(String, String)> {
    let analysis = sdd::analysis::analyze(estate, &sdd_tests::options_at("2026-11-24"));
    (analysis.diagnostics.iter())
        .map(|d| (d.code.as_str().to_string(), d.severity.as_str().to_string()))
        .collect()
}

fn approve_design(estate: &Estate, by: &str) -> Result<String, Vec<String>> {
    let options = sdd_tests::options_at("2026-11-24");
    let analysis = sdd::analysis::analyze(estate, &options);
    let request = Request {
        engagement: "wan-qos-refresh".into(),
        gate: "design".into(),
        by: by.into(),
        on: options.as_of,
        replace: false,
    };
    approve(estate, &analysis, &request)
        .map(|e| e.text)
        .map_err(|r| r.0)
}

#[test]
fn a_design_reusing_a_retired_asset_is_not_approved() {
    let estate = estate(before_gate_2);
    assert_eq!(codes(&estate), [("SDD403".into(), "error".into())]);
    let refusal = approve_design(&estate, "priya").expect_err("refused");
    assert!(
        refusal.iter().any(|r| r.starts_with(
            "not ready: component `push` reuses `config-pusher`, which is retired [SDD403]"
        )),
        "{refusal:?}"
    );
    // An asset that is not in the inventory, and a release that does not exist: the same.
    let unknown =
        self::estate(|t| before_gate_2(t).replace("reuses: config-pusher", "reuses: config-pushr"));
    let refusal = approve_design(&unknown, "priya").expect_err("refused");
    assert!(
        refusal.iter().any(|r| r.contains("[SDD401]")),
        "{refusal:?}"
    );
    let unsatisfiable = self::estate(|t| {
        before_gate_2(t)
            .replace("status: retired", "status: active")
            .replace("config-pusher \"^1.4\"", "config-pusher \"^2.0\"")
    });
    let refusal = approve_design(&unsatisfiable, "priya").expect_err("refused");
    assert!(
        refusal.iter().any(|r| r.contains("[SDD402]")),
        "{refusal:?}"
    );
    // With the asset active, the design is approved.
    let active = self::estate(|t| before_gate_2(t).replace("status: retired", "status: active"));
    assert!(approve_design(&active, "priya").is_ok());
}

#[test]
fn delivered_work_keeps_a_warning_and_a_changed_design_does_not() {
    // Delivered under the approval of its current design: a warning.
    assert_eq!(
        codes(&estate(|t| t.to_string())),
        [("SDD403".into(), "warning".into())]
    );
    // The design changed since its approval: the reuse is no longer history, and the error
    // stands beside the stale approval.
    let changed = estate(|t| t.replace("\"Push the QoS policy\"", "\"Push the new QoS policy\""));
    let found = codes(&changed);
    assert!(
        found.contains(&("SDD403".into(), "error".into())),
        "{found:?}"
    );
    assert!(found.iter().any(|(c, _)| c == "SDD204"), "{found:?}");
}

/// The manifest of engagement `name` built from `estate`.
fn manifest(estate: &Estate, name: &str) -> serde_json::Value {
    let analysis = sdd::analysis::analyze(estate, &sdd_tests::options_at("2026-11-24"));
    let set = sdd::emit::build_set(estate, &analysis);
    let path = sdd::emit::manifest_path(name);
    let (_, bytes) = (set.files.iter())
        .find(|(p, _)| *p == path)
        .expect("the manifest");
    serde_json::from_slice(bytes).expect("JSON")
}

/// Delivered work's reuse of a retired asset is a warning, so the check passes; but the
/// manifest would install that asset if run again, so it may not run. Before, an as-built
/// added to approved work (even one never built) turned the SDD403 error into a warning and
/// left the manifest executable with the retired asset installed.
#[test]
fn delivered_work_that_installs_a_retired_asset_may_not_run_again() {
    let m = manifest(&estate(|t| t.to_string()), "wan-qos-refresh");
    assert_eq!(m["executable"], false, "{m:#}");
    assert_eq!(
        m["not_executable_because"],
        serde_json::json!([
            "it installs `config-pusher`, which the inventory has retired (SDD403)"
        ])
    );
    let active = manifest(
        &estate(|t| t.replace("status: retired", "status: active")),
        "wan-qos-refresh",
    );
    assert_eq!(active["executable"], true, "{active:#}");
}
