//! Manifests and the estate index (`sdd build`): valid against the published schemas,
//! fingerprints recomputable from a manifest alone, byte-for-byte deterministic whatever the
//! file order, thread count or date, and written as a whole.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use sdd::analysis::{analyze, Analysis};
use sdd::emit::output::{build, BuildError};
use sdd::emit::{build_set, BuildSet};
use sdd::estate::Estate;
use sdd_tests::{cases, diagnostic_areas, options_at, repo_root, CASE_DATE};

/// Every `.sdd` file of the examples as (name, text), in path order.
fn example_sources() -> Vec<(String, String)> {
    let estate = Estate::load(&[repo_root().join("examples")]).expect("examples load");
    estate
        .file_ids()
        .map(|id| {
            (
                estate.files.name(id).to_string(),
                estate.files.text(id).to_string(),
            )
        })
        .collect()
}

fn build_at(sources: Vec<(String, String)>, date: &str) -> BuildSet {
    let estate = Estate::from_sources(sources);
    let analysis = analyze(&estate, &options_at(date));
    build_set(&estate, &analysis)
}

fn examples_set() -> BuildSet {
    build_at(example_sources(), CASE_DATE)
}

/// The examples' build set with the file whose name ends in `file` edited.
fn examples_with(file: &str, edit: impl Fn(&str) -> String) -> BuildSet {
    let sources: Vec<(String, String)> = (example_sources().into_iter())
        .map(|(n, t)| match n.ends_with(file) {
            true => {
                let t = edit(&t);
                (n, t)
            }
            false => (n, t),
        })
        .collect();
    build_at(sources, CASE_DATE)
}

/// The examples' build set with the first `from` in `file` replaced by `to` (which must be
/// there).
fn examples_edited(file: &str, from: &str, to: &str) -> BuildSet {
    examples_with(file, |t| {
        assert!(t.contains(from), "{file} holds {from}");
        t.replacen(from, to, 1)
    })
}

fn parse(bytes: &[u8]) -> Json {
    serde_json::from_slice(bytes).expect("valid JSON")
}

fn schema(name: &str) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(repo_root().join("schemas").join(name)).expect("schema readable");
    let schema: Json = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid draft 2020-12 schema")
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Json) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Validate every file of a set; returns the failures.
fn validate(set: &BuildSet, label: &str) -> Vec<String> {
    let manifest = schema("manifest.schema.json");
    let index = schema("estate-index.schema.json");
    let mut failures = Vec::new();
    for (path, bytes) in &set.files {
        let validator = if path == "estate.json" {
            &index
        } else {
            &manifest
        };
        for e in schema_errors(validator, &parse(bytes)) {
            failures.push(format!("{label}: {path}: {e}"));
        }
    }
    failures
}

#[test]
fn every_manifest_and_the_index_of_the_examples_validate() {
    let set = examples_set();
    assert_eq!(set.engagements, 10);
    assert_eq!(set.files.len(), 11);
    let failures = validate(&set, "examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schemas_reject_what_they_do_not_describe() {
    let set = examples_set();
    let manifest = schema("manifest.schema.json");
    let (_, bytes) = &set.files[0];
    let good = parse(bytes);
    assert!(schema_errors(&manifest, &good).is_empty());
    let mut wrong_type = good.clone();
    wrong_type["executable"] = Json::String("yes".into());
    assert!(!schema_errors(&manifest, &wrong_type).is_empty());
    let mut unknown_key = good.clone();
    unknown_key["contract"]["shell"] = Json::String("rm -rf /".into());
    assert!(!schema_errors(&manifest, &unknown_key).is_empty());
    let mut bad_fingerprint = good;
    bad_fingerprint["fingerprints"]["spec"]["fingerprint"] = Json::String("sha256:ABC".into());
    assert!(!schema_errors(&manifest, &bad_fingerprint).is_empty());
    let index = schema("estate-index.schema.json");
    let mut no_hash = parse(&set.files.last().unwrap().1);
    assert!(schema_errors(&index, &no_hash).is_empty());
    no_hash["engagements"][0]
        .as_object_mut()
        .unwrap()
        .remove("manifest_sha256");
    assert!(!schema_errors(&index, &no_hash).is_empty());
}

#[test]
fn manifests_of_broken_estates_still_validate() {
    // What `--allow-errors` writes must keep the published shape, whatever the errors.
    let mut failures = Vec::new();
    let mut count = 0;
    for area in diagnostic_areas() {
        for case in cases(&area) {
            let (estate, analysis) = case.analyze();
            let set = build_set(&estate, &analysis);
            count += set.engagements;
            failures.extend(validate(&set, &case.name));
        }
    }
    let broken = repo_root().join("examples/broken");
    for entry in std::fs::read_dir(&broken)
        .expect("examples/broken")
        .flatten()
    {
        if entry.path().is_dir() {
            let estate = Estate::load(&[entry.path()]).expect("loads");
            let analysis = analyze(&estate, &options_at(CASE_DATE));
            let set = build_set(&estate, &analysis);
            count += set.engagements;
            failures.extend(validate(&set, &entry.path().display().to_string()));
        }
    }
    assert!(count > 40, "only {count} manifests checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Canonical JSON as `docs/fingerprints.md` defines it, written here independently of the
/// compiler: keys sorted by code point, no white space, short escapes, raw UTF-8.
fn canonical(json: &Json, out: &mut String) {
    match json {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(&Json::String((*k).clone()), out);
                out.push(':');
                canonical(&map[*k], out);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Json::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn recompute(content: &Json) -> String {
    let mut text = String::new();
    canonical(content, &mut text);
    sha256_hex(text.as_bytes())
}

#[test]
fn every_fingerprint_recomputes_from_the_manifest_alone() {
    let set = examples_set();
    let mut checked = 0;
    for (path, bytes) in set.files.iter().filter(|(p, _)| p != "estate.json") {
        let m = parse(bytes);
        let fp = &m["fingerprints"];
        let spec = recompute(&fp["spec"]["content"]);
        let design = recompute(&fp["design"]["content"]);
        assert_eq!(spec, fp["spec"]["fingerprint"], "{path}: spec");
        assert_eq!(design, fp["design"]["fingerprint"], "{path}: design");
        // The design content chains the spec fingerprint.
        assert_eq!(fp["design"]["content"]["spec_fingerprint"], spec, "{path}");
        // A gate that holds approved exactly the recomputed content.
        for (gate, current) in [("spec", &spec), ("design", &design)] {
            let g = &m["gates"][gate];
            if g["holds"] == true {
                assert_eq!(&g["fingerprint"], current, "{path}: gate {gate}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 10);
}

#[test]
fn the_index_lists_every_manifest_with_its_hash() {
    let set = examples_set();
    let index = parse(
        &set.files
            .iter()
            .find(|(p, _)| p == "estate.json")
            .unwrap()
            .1,
    );
    let entries = index["engagements"].as_array().unwrap();
    assert_eq!(entries.len(), 10);
    for e in entries {
        let path = e["manifest"].as_str().unwrap();
        let (_, bytes) = set.files.iter().find(|(p, _)| p == path).unwrap();
        assert_eq!(e["manifest_sha256"], sha256_hex(bytes), "{path}");
        let m = parse(bytes);
        assert_eq!(e["status"], m["status"]);
        assert_eq!(e["executable"], m["executable"]);
    }
    assert_eq!(index["totals"]["executable"], 6);
}

#[test]
fn executable_means_gate_2_holds_and_no_error() {
    let set = examples_set();
    let mut executable: Vec<String> = Vec::new();
    for (_, bytes) in set.files.iter().filter(|(p, _)| p != "estate.json") {
        let m = parse(bytes);
        let gate2 = m["gates"]["design"]["holds"] == true;
        assert_eq!(m["executable"], gate2, "{}", m["engagement"]["name"]);
        // The reasons are empty exactly when it may run; each example that may not run
        // lacks Gate 2.
        let why = m["not_executable_because"].as_array().expect("reasons");
        assert_eq!(why.is_empty(), gate2, "{}", m["engagement"]["name"]);
        if !gate2 {
            let first = why[0].as_str().unwrap();
            assert!(first.starts_with("Gate 2 (gate design)"), "{first}");
        }
        if m["executable"] == true {
            executable.push(m["engagement"]["name"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        executable,
        [
            "aws-payments-sandbox-account",
            "campus-vlan-rollout-bldg4",
            "dc2-edge-bgp-peering",
            "wan-golden-config-remediation",
            "web-fleet-cis-l1-hardening",
            "web-fleet-drift-remediation"
        ]
    );
    // An engagement whose Gate 2 holds but which has an error is not executable.
    let case = cases("deviations")
        .into_iter()
        .find(|c| c.name.contains("sdd304-version-outside-constraint"))
        .expect("the SDD304 case");
    let (estate, analysis) = case.analyze();
    let set = build_set(&estate, &analysis);
    let m = parse(&set.files[0].1);
    assert_eq!(m["gates"]["design"]["holds"], true);
    assert_eq!(m["executable"], false);
    assert_eq!(m["diagnostics"][0]["code"], "SDD304");
    assert_eq!(
        m["not_executable_because"],
        json!(["1 error in the engagement (see `diagnostics`)"])
    );
}

#[test]
fn assets_resolve_to_the_highest_satisfying_release() {
    let set = examples_set();
    let (_, bytes) = set
        .files
        .iter()
        .find(|(p, _)| p == "engagements/dc2-edge-bgp-peering.json")
        .unwrap();
    let m = parse(bytes);
    let versions = &m["asset_versions"];
    // ^2.1 over 2.3.0, 2.2.0, 2.1.4; ^1.4 over 1.4.2, 1.3.0, 1.2.1; ^1.5 over 1.6.1, 1.5.0.
    assert_eq!(versions["bgp-neighbor-template"], "2.3.0");
    assert_eq!(versions["netbox-sot-client"], "1.4.2");
    assert_eq!(versions["multi-vendor-push"], "1.6.1");
    let first = &m["assets"][0];
    assert_eq!(first["asset"], "netbox-sot-client");
    assert_eq!(first["required_by"]["component"], "sot-lookup");
    assert_eq!(first["resolved"], "1.4.2");
    let component = &m["contract"]["components"][1];
    assert_eq!(component["reuses"]["resolved"], "2.3.0");
    assert_eq!(
        m["as_built"]["built"][2]["produces"]["asset"],
        "prefix-list-builder"
    );
}

#[test]
fn building_twice_gives_identical_bytes() {
    assert_eq!(examples_set(), examples_set());
}

#[test]
fn file_order_does_not_change_the_bytes() {
    let forward = example_sources();
    let mut reverse = forward.clone();
    reverse.reverse();
    assert_eq!(build_at(forward, CASE_DATE), build_at(reverse, CASE_DATE));
}

/// Files saved with a UTF-8 byte order mark (as Windows editors write them) are the same
/// estate: clean, with the same fingerprints and manifests.
#[test]
fn a_byte_order_mark_on_every_file_changes_nothing() {
    let marked: Vec<(String, String)> = (example_sources().into_iter())
        .map(|(name, text)| (name, format!("\u{feff}{text}")))
        .collect();
    let estate = Estate::from_sources(marked.clone());
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
    assert_eq!(build_at(marked, CASE_DATE), examples_set());
}

/// A Windows checkout (`core.autocrlf`: every line ends `\r\n`) is the same estate: clean,
/// with the same fingerprints, so its approvals hold, and the same manifests; and `sdd fmt`
/// leaves every file as it is.
#[test]
fn crlf_line_ends_on_every_file_change_nothing() {
    let crlf: Vec<(String, String)> = (example_sources().into_iter())
        .map(|(name, text)| (name, text.replace('\n', "\r\n")))
        .collect();
    let estate = Estate::from_sources(crlf.clone());
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
    for (id, (name, text)) in estate.file_ids().zip(&crlf) {
        let formatted = sdd::fmt::format(id, text).expect("formats");
        assert!(formatted == *text, "sdd fmt would change {name}");
    }
    assert_eq!(build_at(crlf, CASE_DATE), examples_set());
}

#[test]
fn thread_count_does_not_change_the_bytes() {
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
            .install(|| build_at(example_sources(), CASE_DATE))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(7));
}

#[test]
fn manifests_do_not_depend_on_the_date() {
    // After 2027-06-30 dc2-edge-bgp-peering's temporary deviation has expired (SDD306): the
    // check fails, but the manifests stay the same bytes.
    let later = build_at(example_sources(), "2030-01-01");
    assert_eq!(examples_set(), later);
    // A step dated after the day checked (SDD208) is the same: an error of the check, but no
    // part of a manifest, which reads the same whatever `--as-of`.
    let ahead: Vec<(String, String)> = (example_sources().into_iter())
        .map(|(n, t)| (n, t.replace("recorded: 2026-09-14", "recorded: 2026-12-20")))
        .collect();
    assert_ne!(ahead, example_sources(), "the edit applies");
    let (now, later) = (
        build_at(ahead.clone(), CASE_DATE),
        build_at(ahead, "2030-01-01"),
    );
    assert_eq!(now, later);
    assert_eq!(now.executable, examples_set().executable);
}

/// The manifest of one engagement in a set.
fn manifest_of(set: &BuildSet, name: &str) -> Json {
    let path = sdd::emit::manifest_path(name);
    let (_, bytes) = (set.files.iter())
        .find(|(p, _)| *p == path)
        .expect("the manifest");
    parse(bytes)
}

#[test]
fn an_error_an_engagement_depends_on_or_a_second_declaration_keeps_it_from_running() {
    let edited = |file: &str, edit: &dyn Fn(&str) -> String| examples_with(file, edit);
    // The approver declared again in the people file: which `priya` approved is unclear, and
    // an error outside every engagement keeps all of them from running.
    let set = edited("people.sdd", &|t| {
        format!("{t}\nperson priya {{ name: \"Imposter\" }}\n")
    });
    assert_eq!(set.executable, 0);
    // The gates @priya approved do not hold either; the manifest says why, without a path:
    // the count and the codes of the errors outside every engagement.
    let m = manifest_of(&set, "dc2-edge-bgp-peering");
    assert_eq!(m["gates"]["design"]["holds"], false);
    assert_eq!(
        m["not_executable_because"],
        json!([
            "Gate 2 (gate design) does not hold",
            "1 error outside every engagement, which any engagement may depend on (SDD102; `sdd check` lists them)"
        ])
    );
    // An engagement whose gates rest on no one declared twice still holds its gates, and
    // does not run for the shared error alone.
    let m = manifest_of(&set, "aws-payments-sandbox-account");
    assert_eq!(m["gates"]["design"]["holds"], true);
    assert_eq!(
        m["not_executable_because"].as_array().map(Vec::len),
        Some(1)
    );
    // A profile's quorum with a key given twice: the same.
    let set = edited("profiles.sdd", &|t| {
        t.replacen("quorum: {", "quorum: { spec: 1", 1)
    });
    assert_eq!(set.executable, 0);
    // The engagement declared a second time, in a file of its own: which one the manifest
    // describes is a matter of file order, so it does not run; the others still do.
    let second = "engagement dc2-edge-bgp-peering {\n  title: \"Another\"\n}\n";
    let mut sources = example_sources();
    sources.push(("zz-second.sdd".into(), second.into()));
    let set = build_at(sources, CASE_DATE);
    let m = manifest_of(&set, "dc2-edge-bgp-peering");
    assert_eq!(m["executable"], false);
    let why = m["not_executable_because"][0].as_str().unwrap();
    assert!(why.contains("is declared more than once"), "{why}");
    assert_eq!(set.executable, examples_set().executable - 1);
}

/// An error reported in one engagement that involves others keeps them all from running: a
/// release produced by two engagements (SDD407, reported at one `produces`), and a cycle of
/// `extends` (SDD404, reported at the link that closes it).
#[test]
fn an_error_reported_in_one_engagement_blocks_every_engagement_it_involves() {
    let edited = examples_edited;
    let before = examples_set();
    for name in ["dc2-edge-bgp-peering", "wan-golden-config-remediation"] {
        assert_eq!(manifest_of(&before, name)["executable"], true, "{name}");
    }
    let set = edited(
        "wan-golden-config-remediation.sdd",
        "produces: config-remediation-workflow 1.0.0",
        "produces: prefix-list-builder 1.0.0",
    );
    for name in ["dc2-edge-bgp-peering", "wan-golden-config-remediation"] {
        let m = manifest_of(&set, name);
        assert_eq!(m["executable"], false, "{name}: {m}");
    }
    assert_eq!(set.executable, before.executable - 2);
    // The delivered hardening made to extend the drift remediation that extends it.
    let set = edited(
        "web-fleet-cis-l1-hardening.sdd",
        "  owner: @",
        "  extends: web-fleet-drift-remediation\n  owner: @",
    );
    for name in ["web-fleet-cis-l1-hardening", "web-fleet-drift-remediation"] {
        let m = manifest_of(&set, name);
        assert_eq!(m["executable"], false, "{name}: {m}");
    }
    assert_eq!(set.executable, before.executable - 2);
    // The baseline's as-built dated before its build (SDD208): its reconciled status does not
    // make it a baseline to start Day-2 work from while its record is in error.
    let set = edited(
        "web-fleet-cis-l1-hardening.sdd",
        "    recorded: 2026-06-20",
        "    recorded: 2026-06-01",
    );
    let base = manifest_of(&set, "web-fleet-cis-l1-hardening");
    assert_eq!(base["executable"], false, "{base}");
    let day2 = manifest_of(&set, "web-fleet-drift-remediation");
    assert_eq!(day2["executable"], false, "{day2}");
    assert_eq!(
        day2["diagnostics"],
        Json::Array(vec![]),
        "no error of its own"
    );
    let why = day2["not_executable_because"][0].as_str().unwrap_or("");
    assert!(
        why.starts_with("it extends `web-fleet-cis-l1-hardening`") && why.contains("SDD208"),
        "{why}"
    );
    assert_eq!(set.executable, before.executable - 2);
}

/// An as-built whose deviation is accepted by a person the estate does not declare, or whose
/// requirement is verified by a test the design does not have, is not reconciled: SDD101
/// reports the name, and the status must not say the record holds.
#[test]
fn an_unknown_name_in_the_as_built_leaves_it_unreconciled() {
    let before = examples_set();
    assert_eq!(
        manifest_of(&before, "dc2-edge-bgp-peering")["status"],
        "reconciled"
    );
    for (from, to) in [
        ("      approved_by: @priya", "      approved_by: @carol"),
        ("    verified R1 by T1 {", "    verified R1 by T9 {"),
    ] {
        let set = examples_edited("dc2-edge-bgp-peering.sdd", from, to);
        let m = manifest_of(&set, "dc2-edge-bgp-peering");
        assert_eq!(m["status"], "delivered", "{to}: {m}");
        assert_eq!(m["executable"], false);
        assert_eq!(m["diagnostics"][0]["code"], "SDD101", "{to}");
    }
}

#[test]
fn a_gate_without_its_date_does_not_hold() {
    // SDD104 reports the missing `on:`, and the gate is no approval on record: the manifest
    // must not say it holds.
    let set = examples_edited("dc2-edge-bgp-peering.sdd", "    on: 2026-08-24\n", "");
    let m = manifest_of(&set, "dc2-edge-bgp-peering");
    assert_eq!(m["gates"]["design"]["on"], Json::Null);
    assert_eq!(m["gates"]["design"]["holds"], false);
    assert_eq!(m["gates"]["spec"]["holds"], true);
    assert_eq!(m["executable"], false);
    assert_eq!(m["diagnostics"][0]["code"], "SDD104");
}

/// Each asset reference in a manifest (in `assets` and the contract's components) says which
/// release the design installs, `installed`, and it is the release of `asset_versions`: one
/// answer per asset. Returns how many references it checked.
fn installed_releases_agree(m: &Json) -> usize {
    let installed = &m["asset_versions"];
    let mut seen = 0;
    let assets = m["assets"].as_array().into_iter().flatten();
    let components = (m["contract"]["components"].as_array().into_iter().flatten())
        .map(|c| &c["reuses"])
        .filter(|r| !r.is_null());
    for r in assets.chain(components) {
        let asset = r["asset"].as_str().expect("an asset name");
        assert_eq!(
            r["installed"], installed[asset],
            "{asset} in {}",
            m["engagement"]["name"]
        );
        seen += 1;
    }
    seen
}

#[test]
fn every_reference_names_the_release_the_design_installs() {
    let set = examples_set();
    let checked: usize = (set.files.iter())
        .filter(|(p, _)| p != "estate.json")
        .map(|(_, bytes)| installed_releases_agree(&parse(bytes)))
        .sum();
    assert!(checked > 10, "{checked}");
    // `render` reuses config-renderer "^1.2" (alone, 1.2.0); config-pusher, reused too,
    // requires "~1.1" (alone, 1.1.0). No release satisfies both: none is installed, and
    // the SDD402 keeps the engagement from running.
    let case = cases("graph")
        .into_iter()
        .find(|c| {
            c.name
                .contains("sdd402-constraints-no-release-satisfies-together")
        })
        .expect("the case");
    let (estate, analysis) = case.analyze();
    let m = parse(&build_set(&estate, &analysis).files[0].1);
    assert_eq!(installed_releases_agree(&m), 5);
    assert_eq!(m["asset_versions"]["config-renderer"], Json::Null);
    assert_eq!(m["asset_versions"]["config-pusher"], "2.0.0");
    let render = &m["contract"]["components"][0]["reuses"];
    assert_eq!(
        (&render["resolved"], &render["installed"]),
        (&json!("1.2.0"), &Json::Null)
    );
    assert_eq!(m["executable"], false);
    assert_eq!(m["diagnostics"][0]["code"], "SDD402");
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdd-manifests-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn analysed(sources: Vec<(String, String)>) -> (Estate, Analysis) {
    let estate = Estate::from_sources(sources);
    let analysis = analyze(&estate, &options_at(CASE_DATE));
    (estate, analysis)
}

#[test]
fn a_build_replaces_the_whole_set_and_drops_stale_manifests() {
    let root = temp_dir("swap");
    let out = root.join("sdd");
    let (estate, analysis) = analysed(example_sources());
    build(&estate, &analysis, &out, false).expect("first build");
    assert_eq!(files_under(&out).len(), 11);
    // A build killed half way leaves only its hidden staging folder behind.
    std::fs::create_dir_all(root.join(".sdd.new-1")).unwrap();
    // Remove one engagement: its manifest must disappear.
    let fewer: Vec<(String, String)> = example_sources()
        .into_iter()
        .filter(|(n, _)| !n.ends_with("dc3-evpn-vlan-stretch.sdd"))
        .collect();
    let (estate, analysis) = analysed(fewer);
    build(&estate, &analysis, &out, false).expect("second build");
    let files = files_under(&out);
    assert_eq!(files.len(), 10);
    assert!(!files.iter().any(|f| f.contains("dc3-evpn-vlan-stretch")));
    let leftovers: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".sdd.") && n != ".sdd.new-1")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_estate_with_errors_writes_nothing_unless_allowed() {
    let root = temp_dir("errors");
    let out = root.join("sdd");
    let case = cases("deviations")
        .into_iter()
        .find(|c| c.name.contains("sdd304-version-outside-constraint"))
        .expect("the SDD304 case");
    let (estate, analysis) = case.analyze();
    match build(&estate, &analysis, &out, false) {
        Err(BuildError::Errors(tally)) => assert_eq!(tally.errors, 1),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(!out.exists());
    let set = build(&estate, &analysis, &out, true).expect("allowed");
    assert_eq!(set.executable, 0);
    assert_eq!(files_under(&out).len(), 2);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_folder_that_is_not_a_build_output_is_never_replaced() {
    let root = temp_dir("foreign");
    std::fs::write(root.join("notes.txt"), "mine").unwrap();
    let (estate, analysis) = analysed(example_sources());
    let err = build(&estate, &analysis, &root, false).expect_err("refused");
    assert!(
        err.to_string().contains("not the output of `sdd build`"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("notes.txt")).unwrap(),
        "mine"
    );
    // A file named like the index does not make a folder of sources a build output: it held
    // the estate itself, and replacing it deleted every `.sdd` file.
    let sources = temp_dir("sources-with-an-index");
    std::fs::write(sources.join("estate.json"), "{}").unwrap();
    std::fs::write(sources.join("people.sdd"), "person p { name: \"P\" }\n").unwrap();
    let err = build(&estate, &analysis, &sources, false).expect_err("refused");
    assert!(
        err.to_string()
            .contains("no estate.json that `sdd build` wrote"),
        "{err}"
    );
    assert!(sources.join("people.sdd").is_file());
    // A real build output with anything else beside it is refused too.
    let out = temp_dir("build-and-more");
    let out = out.join("sdd");
    build(&estate, &analysis, &out, false).expect("a new folder is written");
    std::fs::write(out.join("people.sdd"), "person p { name: \"P\" }\n").unwrap();
    let err = build(&estate, &analysis, &out, false).expect_err("refused");
    assert!(err.to_string().contains("it holds people.sdd"), "{err}");
    std::fs::remove_file(out.join("people.sdd")).unwrap();
    std::fs::write(out.join("engagements/notes.md"), "mine").unwrap();
    let err = build(&estate, &analysis, &out, false).expect_err("refused");
    assert!(err.to_string().contains("engagements/notes.md"), "{err}");
    std::fs::remove_file(out.join("engagements/notes.md")).unwrap();
    build(&estate, &analysis, &out, false).expect("its own output is replaced");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&sources);
}
