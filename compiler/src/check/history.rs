//! Git history for stale approvals (SDD204): the newest commit whose content still had the
//! approved fingerprint, and what changed since, field by field (the first 20 changes; the
//! rest are counted).
//!
//! Only the file that holds the engagement now is searched (the 200 newest commits that
//! touched it, following renames), and old content is fingerprinted against the current
//! profile. Outside a git repository, or when git is not installed, the diagnostic simply
//! keeps its plain form.
//!
//! The search is the expensive part (a `git show` per commit). The stale approvals of one
//! file are searched together, so each old version of the file is read and parsed once
//! however many approvals in it are stale. The result is kept in a [`HistoryCache`] by file,
//! engagement, gate, recorded fingerprint and the newest commit of the file, so the language
//! server, which analyses on every edit, searches once per approval and then asks one
//! `git log -1` per file per analysis. The "changed since" list is recomputed against the
//! current text every time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::fingerprint;
use crate::source::{FileId, Span};
use crate::syntax::{Item, Parsed};

use super::engagement::Engagement;
use super::governance::fingerprints;
use super::names::Namespace;
use crate::syntax::Keyword;

const MAX_COMMITS: usize = 200;
/// Most changes one note lists; the rest are counted.
const MAX_CHANGES: usize = 20;

/// What the search found for one approval: the newest commit whose content had the approved
/// fingerprint, and that content (shared by every approval found in the same commit).
#[derive(Debug, Clone)]
struct Approved {
    short: String,
    date: String,
    subject: Option<String>,
    old: Arc<Parsed>,
    /// The engagement's index among the old file's items.
    old_item: usize,
}

/// (file path, engagement, gate, recorded fingerprint, newest commit of the file, the text of
/// the profile old content is fingerprinted against).
type SearchKey = (String, String, String, String, String, String);

/// Searches already made, kept between analyses of an estate being edited.
#[derive(Debug, Default)]
pub struct HistoryCache {
    searched: HashMap<SearchKey, Option<Approved>>,
}

/// One stale approval to explain: its diagnostic, the engagement, the gate and the
/// fingerprint it recorded.
struct Stale<'a> {
    diagnostic: usize,
    current: Engagement<'a>,
    gate: &'static str,
    recorded: String,
    key: SearchKey,
}

/// Add history notes to every SDD204 diagnostic, re-using and keeping the git searches in
/// `cache`. The stale approvals of one file are searched together: one `git log` for the
/// file, and each old version of it read and parsed once for all of them.
pub fn explain_stale_with(
    estate: &Estate,
    ns: &Namespace<'_>,
    diagnostics: &mut [Diagnostic],
    cache: &mut HistoryCache,
) {
    let mut by_file: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.code == Code::Sdd204 {
            by_file.entry(d.file()).or_default().push(i);
        }
    }
    for (file, stale) in by_file {
        let path = estate.files.name(file);
        let Some((dir, name)) = split_path(path) else {
            continue;
        };
        let Some(newest) = git(dir, &["log", "-1", "--format=%H", "--", name]) else {
            continue;
        };
        let items = &estate.ast(file).items;
        let text = estate.files.text(file);
        let stale: Vec<Stale<'_>> = stale
            .into_iter()
            .filter_map(|i| {
                let d = &diagnostics[i];
                let recorded = text.get(d.primary.span.range())?.trim_matches('"');
                let gate = if d.message.contains("gate design") {
                    "design"
                } else {
                    "spec"
                };
                let item = engagement_around(items, d.primary.span)?;
                let current = Engagement::new(ns, file, item);
                let profile = (current.profile)
                    .and_then(|p| p.name_text())
                    .and_then(|n| ns.get(n))
                    .and_then(|d| estate.files.text(d.file).get(d.item.span.range()))
                    .unwrap_or("");
                let key = (
                    path.to_string(),
                    current.name().to_string(),
                    gate.to_string(),
                    recorded.to_string(),
                    newest.trim().to_string(),
                    profile.to_string(),
                );
                Some(Stale {
                    diagnostic: i,
                    current,
                    gate,
                    recorded: recorded.to_string(),
                    key,
                })
            })
            .collect();
        let unsearched: Vec<&Stale<'_>> = (stale.iter())
            .filter(|s| !cache.searched.contains_key(&s.key))
            .collect();
        if !unsearched.is_empty() {
            let found = search(dir, name, ns, &unsearched);
            for (s, approved) in unsearched.iter().zip(found) {
                cache.searched.insert(s.key.clone(), approved);
            }
        }
        for s in &stale {
            if let Some(Some(approved)) = cache.searched.get(&s.key) {
                let note = note(approved, ns, &s.current, s.gate);
                diagnostics[s.diagnostic].notes.push(note);
            }
        }
    }
}

/// The engagement among a file's items (sorted by position) whose span holds `span`.
fn engagement_around(items: &[Item], span: Span) -> Option<&Item> {
    let after = items.partition_point(|i| i.span.start <= span.start);
    let item = &items[after.checked_sub(1)?];
    (item.kind() == Keyword::Engagement && span.end <= item.span.end).then_some(item)
}

/// The folder and the file name of an estate file's path.
fn split_path(path: &str) -> Option<(&Path, &str)> {
    let path = Path::new(path);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some((dir, path.file_name()?.to_str()?))
}

/// Runs git in `dir`. An estate may come from anywhere (a tarball, a pull request's
/// checkout): settings of its repository that make git run a command (`core.fsmonitor`, a
/// signature check that calls `gpg.program`) are turned off, so checking it runs nothing of its.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "log.showSignature=false",
        ])
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One commit that touched a file, and the file's path (from the repository's top) in it.
struct FileCommit {
    full: String,
    short: String,
    date: String,
    subject: Option<String>,
    path: String,
}

/// The [`MAX_COMMITS`] newest commits that touched `name` in `dir`, newest first, following
/// renames (`git mv`, or a move git detects as one), each with the path the file had then.
fn file_log(dir: &Path, name: &str) -> Vec<FileCommit> {
    const START: &str = "\u{1}";
    let Some(log) = git(
        dir,
        &[
            "-c",
            "core.quotePath=false",
            "log",
            "--follow",
            "--name-only",
            &format!("--format={START}%H %h %as %s"),
            "-n",
            &MAX_COMMITS.to_string(),
            "--",
            name,
        ],
    ) else {
        return Vec::new();
    };
    // The path now, from the repository's top: the newest commit names it too, but a merge
    // lists no path, and then the newer commit's path is the one to read.
    let Some(top) = git(dir, &["ls-files", "--full-name", "--", name]) else {
        return Vec::new();
    };
    let mut path = top.lines().next().unwrap_or(name).to_string();
    let mut commits = Vec::new();
    for entry in log.split(START).filter(|e| !e.is_empty()) {
        let mut lines = entry.lines();
        let mut parts = lines.next().unwrap_or("").splitn(4, ' ');
        let (Some(full), Some(short), Some(date), subject) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        // A path git had to quote (a control character in it) cannot be given back to it.
        if let Some(named) = lines.find(|l| !l.is_empty() && !l.starts_with('"')) {
            path = named.to_string();
        }
        commits.push(FileCommit {
            full: full.to_string(),
            short: short.to_string(),
            date: date.to_string(),
            subject: subject.map(str::to_string),
            path: path.clone(),
        });
    }
    commits
}

/// For each stale approval of one file, the newest of the file's commits whose engagement
/// had the recorded fingerprint. The commits are read newest first, each once, until every
/// approval is found or [`MAX_COMMITS`] were read.
fn search(
    dir: &Path,
    name: &str,
    ns: &Namespace<'_>,
    stale: &[&Stale<'_>],
) -> Vec<Option<Approved>> {
    let mut found: Vec<Option<Approved>> = vec![None; stale.len()];
    let mut pending: Vec<usize> = (0..stale.len()).collect();
    for commit in file_log(dir, name) {
        if pending.is_empty() {
            break;
        }
        let (short, date, subject) = (&commit.short, &commit.date, &commit.subject);
        let Some(old_text) = git(dir, &["show", &format!("{}:{}", commit.full, commit.path)])
        else {
            continue;
        };
        let file = stale[0].current.file;
        let old = Arc::new(crate::syntax::parse(file, &old_text));
        // The first engagement of each name, as the checks read an estate.
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for (i, item) in old.ast.items.iter().enumerate() {
            if item.kind() == Keyword::Engagement {
                if let Some(n) = item.name_text() {
                    by_name.entry(n).or_insert(i);
                }
            }
        }
        let mut fingerprinted: HashMap<usize, (String, String)> = HashMap::new();
        pending.retain(|&q| {
            let s = stale[q];
            let Some(&index) = by_name.get(s.current.name()) else {
                return true;
            };
            let (spec, design) = fingerprinted
                .entry(index)
                .or_insert_with(|| fingerprints(&Engagement::new(ns, file, &old.ast.items[index])));
            let matched = if s.gate == "spec" {
                *spec == s.recorded
            } else {
                *design == s.recorded
            };
            if matched {
                found[q] = Some(Approved {
                    short: short.to_string(),
                    date: date.to_string(),
                    subject: subject.clone(),
                    old: old.clone(),
                    old_item: index,
                });
            }
            !matched
        });
    }
    found
}

/// The note for an approval found in history: the commit and what changed since.
fn note(approved: &Approved, ns: &Namespace<'_>, current: &Engagement<'_>, gate: &str) -> String {
    let mut note = format!(
        "the approved content is that of commit {} ({}{}); changed since:",
        approved.short,
        approved.date,
        (approved.subject.as_ref())
            .map(|s| format!(", \"{s}\""))
            .unwrap_or_default()
    );
    let Some(old_item) = approved.old.ast.items.get(approved.old_item) else {
        return note;
    };
    let old = Engagement::new(ns, current.file, old_item);
    let (spec, _) = fingerprints(&old);
    let changes = if gate == "spec" {
        let mut c = diff_fields(&old, current);
        c.extend(diff_children(old.requirements, current.requirements));
        c
    } else {
        let mut c = diff_children(old.feasibility, current.feasibility);
        c.extend(diff_children(old.design, current.design));
        if spec != fingerprints(current).0 {
            c.push("the approved spec it chains changed".into());
        }
        c
    };
    if changes.is_empty() {
        note.push_str("\n- the profile, or content outside this file");
    }
    for c in changes.iter().take(MAX_CHANGES) {
        note.push_str(&format!("\n- {c}"));
    }
    if changes.len() > MAX_CHANGES {
        note.push_str(&format!(
            "\n- and {} more changes",
            changes.len() - MAX_CHANGES
        ));
    }
    note
}

/// A value as a change note shows it: a text as a string literal of the language (escaped:
/// its quotes unambiguous, no character that shows it otherwise), cut to 60 characters.
fn show(json: &Json) -> String {
    let text = match json {
        Json::String(s) => crate::fmt::strings::literal(s),
        other => other.to_string(),
    };
    shorten(&text)
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Most list items one change names; a list that changed more is shown whole.
const MAX_ITEMS: usize = 3;

/// How a list changed, when a few items tell it: "in item 8, from A to B" for lists of one
/// length, else "by adding A, removing B". Both lists shortened alike could look the same.
fn list_change(old: &[Json], new: &[Json]) -> Option<String> {
    if old.len() == new.len() {
        let changed: Vec<String> = (old.iter().zip(new).enumerate())
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("in item {}, from {} to {}", i + 1, show(a), show(b)))
            .collect();
        return (changed.len() <= MAX_ITEMS).then(|| changed.join("; "));
    }
    // Each item is looked up in a set of the other list's items (by their JSON text): a scan
    // of the other list per item was quadratic, minutes for a `targets` list of 100,000.
    let texts = |list: &[Json]| -> Vec<String> { list.iter().map(Json::to_string).collect() };
    let (old_texts, new_texts) = (texts(old), texts(new));
    let (in_old, in_new): (HashSet<&str>, HashSet<&str>) = (
        old_texts.iter().map(String::as_str).collect(),
        new_texts.iter().map(String::as_str).collect(),
    );
    let missing_from = |list: &'_ [Json], list_texts: &[String], other: &HashSet<&str>| {
        (list.iter().zip(list_texts))
            .filter(|(_, text)| !other.contains(text.as_str()))
            .map(|(j, _)| show(j))
            .take(MAX_ITEMS + 1)
            .collect::<Vec<String>>()
    };
    let added = missing_from(new, &new_texts, &in_old);
    let removed = missing_from(old, &old_texts, &in_new);
    if added.len() + removed.len() > MAX_ITEMS || added.len() + removed.len() == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("adding {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removing {}", removed.join(", ")));
    }
    Some(format!("by {}", parts.join(", ")))
}

/// "from A to B", showing where two long texts differ rather than their common start.
fn change(old: &Json, new: &Json) -> String {
    if let (Json::Array(a), Json::Array(b)) = (old, new) {
        if let Some(told) = list_change(a, b) {
            return told;
        }
    }
    match (old, new) {
        (Json::String(a), Json::String(b)) if a.chars().count() > 60 || b.chars().count() > 60 => {
            let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            let start = prefix.saturating_sub(15);
            let cut = |s: &str| {
                let tail: String = s.chars().skip(start).take(59).collect();
                let quoted = crate::fmt::strings::literal(&tail);
                match start > 0 {
                    true => format!("\"…{}", &quoted[1..]),
                    false => quoted,
                }
            };
            format!("from {} to {}", cut(a), cut(b))
        }
        _ => format!("from {} to {}", show(old), show(new)),
    }
}

fn diff_fields(old: &Engagement<'_>, new: &Engagement<'_>) -> Vec<String> {
    let fields = |e: &Engagement<'_>| -> BTreeMap<String, Json> {
        match fingerprint::spec_content(e.item, e.profile, None).get("fields") {
            Some(Json::Object(m)) => m.clone().into_iter().collect(),
            _ => BTreeMap::new(),
        }
    };
    diff_maps("", &fields(old), &fields(new))
}

fn diff_maps(
    owner: &str,
    old: &BTreeMap<String, Json>,
    new: &BTreeMap<String, Json>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in new {
        match old.get(k) {
            None => out.push(format!("{owner}`{k}` added: {}", show(v))),
            Some(o) if o != v => out.push(format!("{owner}`{k}` changed {}", change(o, v))),
            _ => {}
        }
    }
    for k in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(format!("{owner}`{k}` removed"));
    }
    out
}

fn diff_children(old: Option<&Item>, new: Option<&Item>) -> Vec<String> {
    let children = |b: Option<&Item>| -> Vec<(String, Json)> {
        b.map(|b| {
            b.items()
                .map(|i| {
                    (
                        format!("{} {}", i.keyword(), i.name_text().unwrap_or("")),
                        fingerprint::item_json(i),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let (old_c, new_c) = (children(old), children(new));
    // The first child of each key, as a search from the start would find it.
    let mut old_by_key: HashMap<&str, &Json> = HashMap::new();
    for (k, json) in &old_c {
        old_by_key.entry(k.as_str()).or_insert(json);
    }
    let new_keys: HashSet<&str> = new_c.iter().map(|(k, _)| k.as_str()).collect();
    let mut out = Vec::new();
    for (key, json) in &new_c {
        match old_by_key.get(key.as_str()).copied() {
            None => out.push(format!("{key} added")),
            Some(o) if o != json => {
                if o.get("title") != json.get("title") {
                    out.push(format!(
                        "{key} text changed {}",
                        change(
                            o.get("title").unwrap_or(&Json::Null),
                            json.get("title").unwrap_or(&Json::Null)
                        )
                    ));
                }
                let map = |j: &Json| -> BTreeMap<String, Json> {
                    j.get("fields")
                        .and_then(|f| f.as_object())
                        .map(|m| m.clone().into_iter().collect())
                        .unwrap_or_default()
                };
                out.extend(diff_maps(&format!("{key} "), &map(o), &map(json)));
                if o.get("items") != json.get("items") {
                    out.push(format!("{key}: nested entries changed"));
                }
            }
            _ => {}
        }
    }
    for (key, _) in old_c.iter().filter(|(k, _)| !new_keys.contains(k.as_str())) {
        out.push(format!("{key} removed"));
    }
    // The same entries, each unchanged, in another order: the order counts too.
    if out.is_empty() && old_c.len() == new_c.len() && old_c != new_c {
        if let Some(block) = new.or(old) {
            out.push(format!("`{}`: entries reordered", block.keyword()));
        }
    }
    if let (Some(o), Some(n)) = (old, new) {
        let own = |b: &Item| -> BTreeMap<String, Json> {
            fingerprint::item_json(b)
                .get("fields")
                .and_then(|f| f.as_object())
                .map(|m| m.clone().into_iter().collect())
                .unwrap_or_default()
        };
        out.extend(diff_maps(&format!("{} ", n.keyword()), &own(o), &own(n)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{change, list_change};
    use serde_json::{json, Value as Json};

    /// A list of 200,000 items that gained one is told by that item, each item looked up in
    /// a set of the other list's (a scan of the other list per item took minutes here).
    #[test]
    fn a_list_of_200_000_items_that_gained_one_is_compared_in_linear_time() {
        let old: Vec<Json> = (0..200_000).map(|i| json!(format!("t{i}"))).collect();
        let mut new = old.clone();
        new.insert(7, json!("new"));
        assert_eq!(
            list_change(&old, &new).as_deref(),
            Some("by adding \"new\"")
        );
        new.remove(100);
        new.remove(200);
        assert_eq!(
            list_change(&old, &new).as_deref(),
            Some("by adding \"new\", removing \"t99\", \"t200\"")
        );
    }

    /// A long list that changed in one item is told by that item: cut to 60 characters, both
    /// sides of `targets` used to show the same unchanged start.
    #[test]
    fn a_list_change_names_the_items_that_changed() {
        let old = json!([
            "bldg4-dist-sw01",
            "bldg4-dist-sw02",
            "bldg4-acc-sw01",
            "bldg4-acc-sw06"
        ]);
        let new = json!([
            "bldg4-dist-sw01",
            "bldg4-dist-sw02",
            "bldg4-acc-sw01",
            "bldg4-acc-sw07"
        ]);
        assert_eq!(
            change(&old, &new),
            "in item 4, from \"bldg4-acc-sw06\" to \"bldg4-acc-sw07\""
        );
        let longer = json!([
            "bldg4-dist-sw01",
            "bldg4-dist-sw02",
            "bldg4-acc-sw01",
            "bldg4-acc-sw07",
            "x"
        ]);
        assert_eq!(
            change(&old, &longer),
            "by adding \"bldg4-acc-sw07\", \"x\", removing \"bldg4-acc-sw06\""
        );
        // Many changes: the lists themselves, as before.
        let all = json!(["a", "b", "c", "d"]);
        assert!(
            change(&old, &all).starts_with("from ["),
            "{}",
            change(&old, &all)
        );
    }
}
