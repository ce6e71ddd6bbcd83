//! Declarations of unusual size, each used in full: a profile of 20,000 fields given by an
//! engagement, an enum of 20,000 variants and a record of 5,000 fields. They are checked in
//! bounded time and memory (each lookup scanned the declaration: 20,000 × 20,000 string
//! comparisons), and the notes of their diagnostics list the first 20 names, not all. An
//! approver holding 5,000 roles, none of which lets them accept deviations, accepts 5,000. An
//! asset of 10,000 releases is named by 10,000 SDD402, each listing its highest 20.

use sdd::codes::Code;
use sdd::estate::Estate;
use sdd_tests::bounded::{bounded, timed};

fn check(files: Vec<(String, String)>) -> Vec<sdd::diagnostic::Diagnostic> {
    let estate = Estate::from_sources(files);
    timed("checking", || {
        sdd::analysis::check(&estate, &sdd_tests::options_at(sdd_tests::CASE_DATE))
    })
}

#[test]
fn a_profile_of_20_000_fields_given_in_full_is_checked_in_bounded_time() {
    bounded(
        "a_profile_of_20_000_fields_given_in_full_is_checked_in_bounded_time",
        || {
            let n = 20_000;
            let mut profile = String::from("profile p {\n");
            let mut engagement = String::from("engagement e {\n  profile: p\n");
            for i in 0..n {
                profile.push_str(&format!("  field f{i}: text\n"));
                engagement.push_str(&format!("  f{i}: \"x\"\n"));
            }
            // Two mistakes: a misspelt field (of the one optional field not given: a field
            // given already is no suggestion) and one nothing is like.
            engagement.push_str("  f20000x: \"x\"\n  zzzzzzzzzzzz: \"x\"\n}\n");
            profile.push_str("  field f20000?: text\n}\n");
            let diagnostics = check(vec![
                ("p.sdd".into(), profile),
                ("e.sdd".into(), engagement),
            ]);
            let unknown: Vec<_> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd105)
                .collect();
            assert_eq!(unknown.len(), 2, "{unknown:?}");
            assert_eq!(unknown[0].help.as_deref(), Some("did you mean `f20000`?"));
            let note = unknown[1].notes.join("\n");
            assert!(note.starts_with("fields here: "), "{note}");
            assert!(note.ends_with(", …"), "{note}");
            assert!(note.len() < 400, "{note}");
            // Every field the profile declares was found: none is missing or unknown.
            assert!(
                !diagnostics.iter().any(|d| d.message.contains("`f1`")),
                "{diagnostics:?}"
            );
        },
    );
}

#[test]
fn an_enum_of_20_000_variants_and_a_record_of_5_000_fields_are_checked_in_bounded_time() {
    bounded(
        "an_enum_of_20_000_variants_and_a_record_of_5_000_fields_are_checked_in_bounded_time",
        || {
            let variants = 20_000;
            let fields = 5_000;
            let names: Vec<String> = (0..variants).map(|i| format!("v{i}")).collect();
            let record: String = (0..fields).map(|i| format!("  r{i}: text\n")).collect();
            let types = format!(
                "enum big {{ {} }}\nrecord wide {{\n{record}}}\n\
                 profile p {{\n  field bigs: list<big>\n  field wides: list<wide>\n}}\n",
                names.join(", ")
            );
            let value: String = (0..fields).map(|i| format!("r{i}: \"x\" ")).collect();
            let engagement = format!(
                "engagement e {{\n  profile: p\n  bigs: [{}, nope]\n  wides: [{{ {value} }}, {{ {value} extra: \"x\" }}]\n}}\n",
                names.join(", ")
            );
            let diagnostics = check(vec![
                ("types.sdd".into(), types),
                ("e.sdd".into(), engagement),
            ]);
            let not_variant: Vec<_> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd106)
                .collect();
            assert_eq!(not_variant.len(), 1, "{not_variant:?}");
            assert!(not_variant[0].message.contains("`nope`"));
            let note = not_variant[0].notes.join("\n");
            assert!(note.starts_with("variants: v0, v1, v2,"), "{note}");
            assert!(note.ends_with(", …"), "{note}");
            let unknown: Vec<_> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd105)
                .collect();
            assert_eq!(unknown.len(), 1, "{unknown:?}");
            assert!(unknown[0].message.contains("`extra` in record `wide`"));
            // Both records give every declared field.
            assert!(
                !diagnostics
                    .iter()
                    .any(|d| d.code == Code::Sdd104 && d.message.contains("of record `wide`")),
                "{diagnostics:?}"
            );
        },
    );
}

/// Each of the 5,000 SDD303 read the approver's 5,000 roles again, and its note listed them
/// all (25 million role lookups, 40 MB of notes). The answer is now worked out once per
/// approver, approval and domain, and the note lists the first 20 roles.
#[test]
fn an_approver_of_5_000_roles_accepting_5_000_deviations_is_checked_in_bounded_time() {
    bounded(
        "an_approver_of_5_000_roles_accepting_5_000_deviations_is_checked_in_bounded_time",
        || {
            let n = 5_000;
            let mut people = String::from("profile p { domain: network }\n");
            people.push_str("person o { name: \"O\" }\nperson m { name: \"M\" roles: [");
            for i in 0..n {
                people.push_str(&format!("{}r{i}", if i > 0 { ", " } else { "" }));
            }
            people.push_str("] }\n");
            for i in 0..n {
                people.push_str(&format!(
                    "role r{i} {{ approves: [spec] domains: [storage] }}\n"
                ));
            }
            let mut engagement = String::from(
                "engagement e {\n  profile: p\n  owner: @o\n  design { component c \"t\" { capability: k new_because: \"n\" } }\n  as_built {\n    recorded: 2026-07-01\n",
            );
            for i in 0..n {
                engagement.push_str(&format!(
                    "    deviation D{i} \"t\" {{ affects: c cause: \"x\" status: accepted approved_by: @m }}\n"
                ));
            }
            engagement.push_str("  }\n}\n");
            let diagnostics = check(vec![
                ("people.sdd".into(), people),
                ("e.sdd".into(), engagement),
            ]);
            let refused: Vec<_> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd303)
                .collect();
            assert_eq!(refused.len(), n, "{:?}", &diagnostics[..3]);
            let first_twenty: Vec<String> = (0..20).map(|i| format!("`r{i}`")).collect();
            let expected = format!(
                "@m holds {}, …, and none approves deviation in the network domain",
                first_twenty.join(", ")
            );
            for d in refused {
                assert!(
                    d.message.starts_with("deviation D")
                        && d.message
                            .ends_with(" is accepted by @m, who may not approve deviations"),
                    "{}",
                    d.message
                );
                assert_eq!(d.notes, std::slice::from_ref(&expected));
            }
        },
    );
}

/// A record value of thousands of unknown fields beside thousands of known ones: each SDD105
/// looks for a suggestion among the fields not given, which asked of each candidate whether
/// the value gives it by scanning the value (3,000 × 3,000 × 6,000 comparisons).
#[test]
fn a_record_value_of_3_000_unknown_fields_is_checked_in_bounded_time() {
    bounded(
        "a_record_value_of_3_000_unknown_fields_is_checked_in_bounded_time",
        || {
            let n = 3_000;
            let record: String = (0..n).map(|i| format!("  r{i}: text\n")).collect();
            let types = format!("record wide {{\n{record}}}\nprofile p {{\n  field w: wide\n}}\n");
            let known: String = (0..n).map(|i| format!("r{i}: \"x\" ")).collect();
            let unknown: String = (0..n).map(|i| format!("u{i}: \"x\" ")).collect();
            let engagement =
                format!("engagement e {{\n  profile: p\n  w: {{ {known}{unknown} }}\n}}\n");
            let diagnostics = check(vec![
                ("types.sdd".into(), types),
                ("e.sdd".into(), engagement),
            ]);
            let unknown = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd105)
                .count();
            assert_eq!(unknown, n);
        },
    );
}

/// An asset of 10,000 releases that 10,000 components reuse with a constraint none satisfies:
/// each SDD402 listed every release twice (its label and the asset's), 10,000 × 10,000
/// versions in all (8,000 of each took 9 s and 2.7 GB). They list the highest 20 and a count.
#[test]
fn an_asset_of_10_000_releases_is_listed_in_twenty_by_each_of_10_000_sdd402() {
    bounded(
        "an_asset_of_10_000_releases_is_listed_in_twenty_by_each_of_10_000_sdd402",
        || {
            let n = 10_000;
            let releases: Vec<String> = (0..n).map(|i| format!("1.{i}.0")).collect();
            let inventory = format!(
                "person o {{ name: \"O\" }}\nprofile p {{ domain: network }}\n\
                 asset big {{ version: 2.0.0 versions: [{}] domain: network kind: module provides: [x] owner: @o status: active }}\n",
                releases.join(", ")
            );
            let components: String = (0..n)
                .map(|i| format!("    component k{i} \"k\" {{ reuses: big \"^9.{i}\" }}\n"))
                .collect();
            let engagement =
                format!("engagement e {{\n  profile: p\n  design {{\n{components}  }}\n}}\n");
            let diagnostics = check(vec![
                ("inventory.sdd".into(), inventory),
                ("e.sdd".into(), engagement),
            ]);
            let unsatisfied: Vec<_> = (diagnostics.iter())
                .filter(|d| d.code == Code::Sdd402)
                .collect();
            assert_eq!(unsatisfied.len(), n);
            let highest: Vec<String> = (0..20).map(|i| format!("1.{}.0", n - 1 - i)).collect();
            let listed = format!(
                "2.0.0, {} and {} more",
                highest[..19].join(", "),
                n + 1 - 20
            );
            for d in unsatisfied {
                assert_eq!(d.primary.message, format!("declared: {listed}"));
                assert_eq!(d.secondary[0].message, format!("`big` declares {listed}"));
            }
        },
    );
}
