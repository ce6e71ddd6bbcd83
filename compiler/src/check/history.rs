//! Git history for stale approvals (SDD204): the newest commit whose content still had the
//! approved fingerprint, and what changed since, field by field.
//!
//! Only the file that holds the engagement now is searched (the 200 newest commits that
//! touched it), and old content is fingerprinted against the current profile. Outside a git
//! repository, or when git is not installed, the diagnostic simply keeps its plain form.
//!
//! The search is the expensive part (a `git show` per commit); its result is kept in a
//! [`HistoryCache`] by file, engagement, gate, recorded fingerprint and the newest commit of
//! the file, so the language server, which analyses on every edit, asks git once per
//! approval and then one `git log -1` per analysis. The "changed since" list is recomputed
//! against the current text every time.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::fingerprint;
use crate::syntax::Item;

use super::engagement::Engagement;
use super::governance::fingerprints;
use super::names::Namespace;

const MAX_COMMITS: usize = 200;

/// What the search found for one approval: the newest commit whose content had the approved
/// fingerprint, and that content.
#[derive(Debug, Clone)]
struct Approved {
    short: String,
    date: String,
    subject: Option<String>,
    old_text: String,
}

/// (file path, engagement, gate, recorded fingerprint, newest commit of the file, the text of
/// the profile old content is fingerprinted against).
type SearchKey = (String, String, String, String, String, String);

/// Searches already made, kept between analyses of an estate being edited.
#[derive(Debug, Default)]
pub struct HistoryCache {
    searched: HashMap<SearchKey, Option<Approved>>,
}

/// Add history notes to every SDD204 diagnostic, re-using and keeping the git searches in
/// `cache`.
pub fn explain_stale_with(
    estate: &Estate,
    ns: &Namespace<'_>,
    diagnostics: &mut [Diagnostic],
    cache: &mut HistoryCache,
) {
    for d in diagnostics.iter_mut().filter(|d| d.code == Code::Sdd204) {
        let file = d.file();
        let text = estate.files.text(file);
        let recorded = text[d.primary.span.range()].trim_matches('"').to_string();
        let gate = if d.message.contains("gate design") {
            "design"
        } else {
            "spec"
        };
        let Some(item) = estate.ast(file).items.iter().find(|i| {
            i.keyword() == "engagement"
                && i.span.start <= d.primary.span.start
                && d.primary.span.end <= i.span.end
        }) else {
            continue;
        };
        let current = Engagement::new(ns, file, item);
        let path = estate.files.name(file);
        let Some((dir, name)) = split_path(path) else {
            continue;
        };
        let Some(newest) = git(dir, &["log", "-1", "--format=%H", "--", name]) else {
            continue;
        };
        let profile = (current.profile)
            .and_then(|p| p.name_text())
            .and_then(|n| ns.get(n))
            .and_then(|d| estate.files.text(d.file).get(d.item.span.range()))
            .unwrap_or("");
        let key = (
            path.to_string(),
            current.name().to_string(),
            gate.to_string(),
            recorded.clone(),
            newest.trim().to_string(),
            profile.to_string(),
        );
        let approved = cache
            .searched
            .entry(key)
            .or_insert_with(|| search(dir, name, ns, &current, gate, &recorded));
        if let Some(approved) = approved {
            d.notes.push(note(approved, ns, &current, gate));
        }
    }
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

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The newest of the file's commits whose engagement had the recorded fingerprint.
fn search(
    dir: &Path,
    name: &str,
    ns: &Namespace<'_>,
    current: &Engagement<'_>,
    gate: &str,
    recorded: &str,
) -> Option<Approved> {
    let log = git(
        dir,
        &[
            "log",
            "--format=%H %h %as %s",
            "-n",
            &MAX_COMMITS.to_string(),
            "--",
            name,
        ],
    )?;
    for line in log.lines() {
        let mut parts = line.splitn(4, ' ');
        let (Some(full), Some(short), Some(date), subject) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(old_text) = git(dir, &["show", &format!("{full}:./{name}")]) else {
            continue;
        };
        let parsed = crate::syntax::parse(current.file, &old_text);
        let Some(old_item) = parsed
            .ast
            .items
            .iter()
            .find(|i| i.keyword() == "engagement" && i.name_text() == Some(current.name()))
        else {
            continue;
        };
        let old = Engagement::new(ns, current.file, old_item);
        let (spec, design) = fingerprints(&old);
        let matched = if gate == "spec" {
            spec == recorded
        } else {
            design == recorded
        };
        if !matched {
            continue;
        }
        return Some(Approved {
            short: short.to_string(),
            date: date.to_string(),
            subject: subject.map(str::to_string),
            old_text,
        });
    }
    None
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
    let parsed = crate::syntax::parse(current.file, &approved.old_text);
    let Some(old_item) = (parsed.ast.items.iter())
        .find(|i| i.keyword() == "engagement" && i.name_text() == Some(current.name()))
    else {
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
    for c in changes {
        note.push_str(&format!("\n- {c}"));
    }
    note
}

fn show(json: &Json) -> String {
    let text = match json {
        Json::String(s) => format!("\"{s}\""),
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

/// "from A to B", showing where two long texts differ rather than their common start.
fn change(old: &Json, new: &Json) -> String {
    match (old, new) {
        (Json::String(a), Json::String(b)) if a.chars().count() > 60 || b.chars().count() > 60 => {
            let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            let start = prefix.saturating_sub(15);
            let cut = |s: &str| {
                let tail: String = s.chars().skip(start).collect();
                format!(
                    "\"{}{}\"",
                    if start > 0 { "…" } else { "" },
                    shorten(&tail).trim_end_matches('…')
                )
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
    let mut out = Vec::new();
    for (key, json) in &new_c {
        match old_c.iter().find(|(k, _)| k == key) {
            None => out.push(format!("{key} added")),
            Some((_, o)) if o != json => {
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
    for (key, _) in old_c
        .iter()
        .filter(|(k, _)| !new_c.iter().any(|(n, _)| n == k))
    {
        out.push(format!("{key} removed"));
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
