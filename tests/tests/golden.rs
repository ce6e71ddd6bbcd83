//! Golden diagnostic cases: every `cases/<area>/` input's diagnostics must have exactly the
//! codes its `// expect:` header lists, and its rendering must match the reviewed snapshot.

use sdd_tests::{cases, diagnostic_areas, render_all};

#[test]
fn every_case_reports_exactly_the_expected_codes() {
    let mut failures = Vec::new();
    let mut count = 0;
    for area in diagnostic_areas() {
        for case in cases(&area) {
            count += 1;
            let expect = case.header("expect");
            if expect.is_empty() {
                failures.push(format!("{}: no `// expect:` header", case.name));
                continue;
            }
            let mut wanted: Vec<String> = expect
                .iter()
                .flat_map(|e| e.split_whitespace().map(str::to_string))
                .filter(|c| c != "clean")
                .collect();
            wanted.sort();
            let (_, analysis) = case.analyze();
            let mut got: Vec<String> = analysis
                .diagnostics
                .iter()
                .map(|d| d.code.to_string())
                .collect();
            got.sort();
            if got != wanted {
                let messages: Vec<String> = analysis
                    .diagnostics
                    .iter()
                    .map(|d| format!("    {} {}", d.code, d.message))
                    .collect();
                failures.push(format!(
                    "{}: expected {:?}, got {:?}\n{}",
                    case.name,
                    wanted,
                    got,
                    messages.join("\n")
                ));
            }
        }
    }
    assert!(count > 0, "no golden cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_case_renders_as_reviewed() {
    for area in diagnostic_areas() {
        for case in cases(&area) {
            let (estate, analysis) = case.analyze();
            let mut shown = String::new();
            for (name, text) in &case.sources {
                shown.push_str(&format!("--- {name}\n{text}"));
                if !text.ends_with('\n') {
                    shown.push('\n');
                }
            }
            shown.push_str("--- diagnostics\n");
            shown.push_str(&render_all(&estate, &analysis));
            let snapshot = case.name.trim_end_matches(".sdd").replace('/', "__");
            insta::with_settings!({
                snapshot_path => "../cases/snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(snapshot, shown);
            });
        }
    }
}

#[test]
fn every_code_has_a_golden_case() {
    let mut seen = std::collections::BTreeSet::new();
    for area in diagnostic_areas() {
        for case in cases(&area) {
            for e in case.header("expect") {
                seen.extend(e.split_whitespace().map(str::to_string));
            }
        }
    }
    let missing: Vec<&str> = sdd::codes::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a golden case: {missing:?}"
    );
}
