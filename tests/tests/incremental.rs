//! The language server's incremental analysis (`analysis::analyze_with` and its cache) gives
//! exactly what a fresh `analyze` gives, after every edit of a long random sequence over the
//! bundled examples, and re-checks only the edited file when an edit stays inside an
//! engagement.

use sdd::analysis::{analyze, analyze_with, Analysis, Cache};
use sdd::estate::Estate;
use sdd::source::FileId;
use sdd_tests::{options_at, repo_root, CASE_DATE};

fn examples() -> Estate {
    Estate::load(&[repo_root().join("examples")]).expect("the examples load")
}

fn same(fresh: &Analysis, incremental: &Analysis, step: &str) {
    assert_eq!(
        fresh.diagnostics, incremental.diagnostics,
        "diagnostics differ after {step}"
    );
    assert_eq!(
        fresh.engagements, incremental.engagements,
        "governance facts differ after {step}"
    );
}

/// One random edit of one file's text, described for the failure message.
fn mutate(random: &mut fastrand::Rng, text: &str, donor: &str) -> (String, &'static str) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = random.usize(..lines.len().max(1));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let kind = match random.usize(..6) {
        0 if !out.is_empty() => {
            out.remove(at);
            "deleted a line"
        }
        1 if !out.is_empty() => {
            out.insert(at, lines[at].to_string());
            "duplicated a line"
        }
        2 => {
            out.insert(0, "\n".to_string());
            "inserted a blank line at the top"
        }
        3 => {
            let donor_lines: Vec<&str> = donor.split_inclusive('\n').collect();
            let line = donor_lines[random.usize(..donor_lines.len())].to_string();
            if out.is_empty() {
                out.push(line);
            } else {
                out[at] = line;
            }
            "replaced a line with one from another file"
        }
        4 => {
            let mut joined = out.concat();
            let mut cut = random.usize(..joined.len() + 1);
            while !joined.is_char_boundary(cut) {
                cut -= 1;
            }
            joined.insert(cut, ['x', '"', '}', '{', ' ', 'é'][random.usize(..6)]);
            return (joined, "inserted a character");
        }
        _ => "left the text as it was",
    };
    (out.concat(), kind)
}

#[test]
fn every_edit_gives_the_fresh_analysis() {
    let options = options_at(CASE_DATE);
    let original = examples();
    let names: Vec<String> = (original.file_ids())
        .map(|id| original.files.name(id).to_string())
        .collect();
    let texts: Vec<String> = (original.file_ids())
        .map(|id| original.files.text(id).to_string())
        .collect();
    let mut estate = examples();
    let mut cache = Cache::default();
    same(
        &analyze(&estate, &options),
        &analyze_with(&estate, &options, &mut cache),
        "loading",
    );
    let mut random = fastrand::Rng::with_seed(0x5dd_2026);
    for step in 0..400 {
        let file = random.usize(..names.len());
        let id = FileId(file as u32);
        let (text, kind) = if random.usize(..8) == 0 {
            (texts[file].clone(), "restored the original")
        } else {
            let donor = &texts[random.usize(..texts.len())];
            mutate(&mut random, estate.files.text(id), donor)
        };
        estate.update(id, text);
        let incremental = analyze_with(&estate, &options, &mut cache);
        let fresh = analyze(&estate, &options);
        same(
            &fresh,
            &incremental,
            &format!("step {step}: {kind} in {}", names[file]),
        );
    }
}

#[test]
fn an_edit_inside_an_engagement_rechecks_only_its_file() {
    let options = options_at(CASE_DATE);
    let mut estate = examples();
    let mut cache = Cache::default();
    analyze_with(&estate, &options, &mut cache);
    assert_eq!(
        cache.rechecked(),
        estate.files.len(),
        "the first analysis checks all"
    );
    analyze_with(&estate, &options, &mut cache);
    assert_eq!(cache.rechecked(), 0, "nothing changed");

    let (id, text) = (estate.file_ids())
        .map(|id| (id, estate.files.text(id).to_string()))
        .find(|(_, text)| text.contains("engagement ") && text.contains("title: \""))
        .expect("an engagement with a title");
    let at = text.find("title: \"").expect("a title") + "title: \"".len();
    let mut edited = text.clone();
    edited.insert_str(at, "Revised: ");
    estate.update(id, edited);
    let incremental = analyze_with(&estate, &options, &mut cache);
    assert_eq!(cache.rechecked(), 1);
    same(&analyze(&estate, &options), &incremental, "a title edit");

    // A person's roles are read by every engagement's approvals: all files are checked again.
    let people = (estate.file_ids())
        .find(|&id| estate.files.name(id).ends_with("people.sdd"))
        .expect("examples/people.sdd");
    let text = estate
        .files
        .text(people)
        .replacen("roles:", "roles: [], former:", 1);
    estate.update(people, text);
    let incremental = analyze_with(&estate, &options, &mut cache);
    assert_eq!(cache.rechecked(), estate.files.len());
    same(
        &analyze(&estate, &options),
        &incremental,
        "a person's roles edit",
    );
}

#[test]
fn a_diagnostic_pointing_into_a_moved_declaration_is_recomputed() {
    let options = options_at(CASE_DATE);
    let mut estate = examples();
    let find = |estate: &Estate, suffix: &str| {
        (estate.file_ids())
            .find(|&id| estate.files.name(id).ends_with(suffix))
            .expect("an example file")
    };
    let engagement = find(&estate, "dc2-edge-bgp-peering.sdd");
    let roles = find(&estate, "roles.sdd");
    // `@network-lead` names a role where a person is expected: SDD103, with a secondary label
    // on the role's declaration in roles.sdd.
    let text = estate
        .files
        .text(engagement)
        .replacen("owner: @aisha", "owner: @network-lead", 1);
    estate.update(engagement, text);
    let mut cache = Cache::default();
    let before = analyze_with(&estate, &options, &mut cache);
    assert!(before
        .diagnostics
        .iter()
        .any(|d| d.secondary.iter().any(|l| l.file == roles)));
    // Blank lines above the role move it without changing any declaration.
    let text = format!("\n\n{}", estate.files.text(roles));
    estate.update(roles, text);
    let incremental = analyze_with(&estate, &options, &mut cache);
    same(&analyze(&estate, &options), &incremental, "moving the role");
}
