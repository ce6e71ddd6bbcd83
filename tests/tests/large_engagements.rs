//! One engagement of unusual size: tens of thousands of requirements that one test verifies,
//! and completion inside it (a `satisfies` list naming them all, an engagement giving every
//! field of a profile of tens of thousands). Each was quadratic: the reconciliation scanned
//! the test's `verifies` list once per requirement, completion scanned the list (or the
//! engagement's fields) once per candidate, and the editor's index (built on every edit)
//! scanned the profile once per field the engagement gives. Each case is sized so that the quadratic code
//! took far longer than its step's bound in a debug build (`sdd_tests::bounded`), and runs in
//! a child process whose wall time and peak RSS are bounded.

use std::fmt::Write as _;

use sdd::analysis::analyze;
use sdd::codes::Code;
use sdd::estate::Estate;
use sdd::ide::{Ide, Index};
use sdd::source::FileId;
use sdd_tests::bounded::{bounded, timed};

/// Requirements (or profile fields) of each case.
const N: usize = 40_000;

/// The declarations every case shares: the approvers and a profile without fields.
const COMMON: &str = "person o { name: \"O\" }\nprofile p { domain: network }\n";

/// An engagement of `N` requirements, each satisfied by one component and verified in the
/// as-built record by one test `T1` that verifies them all; `extra` goes in the as-built.
fn verified_by_one_test(extra: &str) -> String {
    let ids: Vec<String> = (1..=N).map(|i| format!("R{i}")).collect();
    let mut e = String::from("engagement e {\n  profile: p\n  owner: @o\n  requirements {\n");
    for id in &ids {
        let _ = writeln!(
            e,
            "    requirement {id} \"r\" {{ priority: must acceptance: \"a\" }}"
        );
    }
    let list = ids.join(", ");
    let _ = write!(
        e,
        "  }}\n  design {{\n    component c \"c\" {{ new_because: \"n\" satisfies: [{list}] }}\n    test T1 \"t\" {{ verifies: [{list}] }}\n    test T2 \"t\" {{ verifies: [R1] }}\n  }}\n  as_built {{\n    recorded: 2026-07-01\n    built c {{ notes: \"n\" }}\n"
    );
    for id in &ids {
        let _ = writeln!(
            e,
            "    verified {id} by T1 {{ result: pass on: 2026-07-01 evidence: \"e\" }}"
        );
    }
    e.push_str(extra);
    e.push_str("  }\n}\n");
    e
}

#[test]
fn forty_thousand_requirements_verified_by_one_test_are_reconciled_in_bounded_time() {
    bounded(
        "forty_thousand_requirements_verified_by_one_test_are_reconciled_in_bounded_time",
        || {
            // One more verification of the last requirement, by a test that does not give it:
            // the one reconciliation error, whose label lists the first names of T1's list.
            let wrong = format!(
                "    verified R{N} by T2 {{ result: pass on: 2026-07-01 evidence: \"e\" }}\n"
            );
            let estate = Estate::from_sources(vec![
                ("common.sdd".to_string(), COMMON.to_string()),
                ("e.sdd".to_string(), verified_by_one_test(&wrong)),
            ]);
            let diagnostics = timed("checking", || {
                sdd::analysis::check(&estate, &sdd_tests::options_at(sdd_tests::CASE_DATE))
            });
            let unreconciled: Vec<_> = (diagnostics.iter())
                .filter(|d| (Code::Sdd301..=Code::Sdd305).contains(&d.code))
                .collect();
            assert_eq!(unreconciled.len(), 1, "{unreconciled:?}");
            let d = unreconciled[0];
            assert_eq!(
                d.message,
                format!("requirement R{N} is verified by T2, a test the design does not give it")
            );
            assert_eq!(d.primary.message, "T2 verifies R1");
        },
    );
}

#[test]
fn a_test_verifying_forty_thousand_requirements_is_listed_in_twenty_names() {
    bounded(
        "a_test_verifying_forty_thousand_requirements_is_listed_in_twenty_names",
        || {
            // R1 verified by T1 again is fine; the last requirement by T2, whose list is R1
            // only; and T3, whose list is all but the last, says so in its first twenty.
            let estate = Estate::from_sources(vec![
                ("common.sdd".to_string(), COMMON.to_string()),
                (
                    "e.sdd".to_string(),
                    verified_by_one_test("").replacen(
                        "test T2 \"t\" { verifies: [R1] }",
                        &format!(
                            "test T2 \"t\" {{ verifies: [R1] }}\n    test T3 \"t\" {{ verifies: [{}] }}",
                            (1..N).map(|i| format!("R{i}")).collect::<Vec<_>>().join(", ")
                        ),
                        1,
                    ) .replacen(
                        &format!("verified R{N} by T1"),
                        &format!("verified R{N} by T3"),
                        1,
                    ),
                ),
            ]);
            let diagnostics = timed("checking", || {
                sdd::analysis::check(&estate, &sdd_tests::options_at(sdd_tests::CASE_DATE))
            });
            let wrong: Vec<_> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd305)
                .collect();
            assert_eq!(wrong.len(), 1, "{wrong:?}");
            let first: Vec<String> = (1..=20).map(|i| format!("R{i}")).collect();
            assert_eq!(
                wrong[0].primary.message,
                format!("T3 verifies {}, …", first.join(", "))
            );
        },
    );
}

/// The completions at the first `|` of `text` (which is removed), in an estate of that file
/// and the common declarations.
fn complete(text: &str, common: &str) -> Vec<String> {
    let at = text.find('|').expect("a cursor");
    let text = text.replacen('|', "", 1);
    let estate = Estate::from_sources(vec![
        ("common.sdd".to_string(), common.to_string()),
        ("e.sdd".to_string(), text),
    ]);
    let analysis = timed("checking", || {
        analyze(&estate, &sdd_tests::options_at(sdd_tests::CASE_DATE))
    });
    let index = timed("indexing", || Index::build(&estate));
    let ide = Ide::new(&estate, &analysis, &index);
    let file = (estate.files.ids())
        .find(|f| estate.files.get(*f).name == "e.sdd")
        .unwrap_or(FileId(1));
    timed("completing", || ide.completion(file, at))
        .into_iter()
        .map(|c| c.label)
        .collect()
}

#[test]
fn completion_in_a_list_of_forty_thousand_names_offers_the_one_not_listed() {
    bounded(
        "completion_in_a_list_of_forty_thousand_names_offers_the_one_not_listed",
        || {
            let mut e = String::from("engagement e {\n  profile: p\n  requirements {\n");
            for i in 1..=N + 1 {
                let _ = writeln!(e, "    requirement R{i} \"r\" {{ priority: must }}");
            }
            let listed: Vec<String> = (1..=N).map(|i| format!("R{i}")).collect();
            let _ = write!(
                e,
                "  }}\n  design {{\n    component c \"c\" {{ satisfies: [{}, |] }}\n  }}\n}}\n",
                listed.join(", ")
            );
            let found = complete(&e, COMMON);
            assert_eq!(found, [format!("R{}", N + 1)]);
        },
    );
}

#[test]
fn completion_in_an_engagement_giving_forty_thousand_profile_fields_offers_the_one_not_given() {
    bounded(
        "completion_in_an_engagement_giving_forty_thousand_profile_fields_offers_the_one_not_given",
        || {
            let mut profile = String::from("person o { name: \"O\" }\nprofile q {\n");
            let mut e = String::from("engagement e {\n  profile: q\n");
            for i in 0..N {
                let _ = writeln!(profile, "  field f{i}: text");
                let _ = writeln!(e, "  f{i}: \"x\"");
            }
            profile.push_str("  field last_one: text\n}\n");
            e.push_str("  |\n}\n");
            let found = complete(&e, &profile);
            assert!(found.contains(&"last_one".to_string()), "{found:?}");
            assert!(!found.contains(&"f0".to_string()), "{found:?}");
            assert!(!found.contains(&format!("f{}", N - 1)), "{found:?}");
        },
    );
}
