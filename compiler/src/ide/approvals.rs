//! What an edit the editor is about to make does to the approvals on record: the gates whose
//! recorded fingerprint matches the content today and would not once the edit is applied
//! (each an SDD204 then). A rename of a requirement, a component, an asset a design reuses,
//! a profile or one of its fields changes approved content; the language server asks the
//! client to confirm such an edit instead of applying it silently.

use std::collections::BTreeMap;

use super::{Ide, TextEdit};
use crate::fingerprint::{design_fingerprint, spec_fingerprint};
use crate::source::FileId;
use crate::syntax::{self, Item, Keyword};

/// One approval an edit would make stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleApproval {
    pub engagement: String,
    /// `spec` or `design`.
    pub gate: &'static str,
}

impl Ide<'_> {
    /// The approvals that hold today and that these edits would make stale, in file order.
    pub fn approvals_broken_by(&self, edits: &[TextEdit]) -> Vec<StaleApproval> {
        let mut by_file: BTreeMap<FileId, Vec<&TextEdit>> = BTreeMap::new();
        for e in edits
            .iter()
            .filter(|e| (e.file.0 as usize) < self.estate.files.len())
        {
            by_file.entry(e.file).or_default().push(e);
        }
        let edited: BTreeMap<FileId, syntax::Parsed> = (by_file.into_iter())
            .map(|(file, edits)| {
                (
                    file,
                    syntax::parse(file, &applied(self.text(file).unwrap_or(""), edits)),
                )
            })
            .collect();
        let before = profiles(self.estate.file_ids().map(|f| self.items(f)));
        let after = profiles(self.estate.file_ids().map(|f| match edited.get(&f) {
            Some(parsed) => parsed.ast.items.as_slice(),
            None => self.items(f),
        }));
        let mut stale = Vec::new();
        for (file, parsed) in &edited {
            let (old, new) = (
                engagements(self.items(*file)),
                engagements(&parsed.ast.items),
            );
            // A rename adds and removes no item: the engagements pair up in order.
            if old.len() != new.len() {
                continue;
            }
            for (old, new) in old.into_iter().zip(new) {
                let (old_spec, old_design) = fingerprints(old, &before);
                let (new_spec, new_design) = fingerprints(new, &after);
                for (gate, then, now) in [
                    ("spec", &old_spec, &new_spec),
                    ("design", &old_design, &new_design),
                ] {
                    if recorded(old, gate) == Some(then.as_str()) && then != now {
                        stale.push(StaleApproval {
                            engagement: new.name_text().unwrap_or("?").to_string(),
                            gate,
                        });
                    }
                }
            }
        }
        stale
    }
}

fn engagements(items: &[Item]) -> Vec<&Item> {
    (items.iter().filter(|i| i.kind() == Keyword::Engagement)).collect()
}

/// `text` with the edits applied (edits of a rename never overlap).
fn applied(text: &str, mut edits: Vec<&TextEdit>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        let range = e.span.range();
        if range.end <= out.len()
            && out.is_char_boundary(range.start)
            && out.is_char_boundary(range.end)
        {
            out.replace_range(range, &e.text);
        }
    }
    out
}

/// The first declaration of each profile name.
fn profiles<'i>(files: impl Iterator<Item = &'i [Item]>) -> BTreeMap<&'i str, &'i Item> {
    let mut out = BTreeMap::new();
    for item in files.flatten().filter(|i| i.kind() == Keyword::Profile) {
        if let Some(name) = item.name_text() {
            out.entry(name).or_insert(item);
        }
    }
    out
}

/// An engagement's spec and design fingerprints, with its profile found among `profiles`.
fn fingerprints(engagement: &Item, profiles: &BTreeMap<&str, &Item>) -> (String, String) {
    let phase = |k: Keyword| engagement.items().find(|i| i.kind() == k);
    let profile = (engagement.field("profile").and_then(|f| f.value.as_name()))
        .and_then(|name| profiles.get(name).copied());
    let spec = spec_fingerprint(engagement, profile, phase(Keyword::Requirements));
    let design = design_fingerprint(&spec, phase(Keyword::Feasibility), phase(Keyword::Design));
    (spec, design)
}

/// The fingerprint recorded in the engagement's gate of this name.
fn recorded<'i>(engagement: &'i Item, gate: &str) -> Option<&'i str> {
    (engagement.items())
        .find(|i| i.kind() == Keyword::Gate && i.name_text() == Some(gate))?
        .field("fingerprint")?
        .value
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};
    use crate::codes::Code;
    use crate::estate::Estate;
    use crate::ide::Index;

    /// Rename the declaration named `name` of `kind` in the examples: the approvals the
    /// rename breaks by this module's account, and the engagements where the checker reports
    /// an SDD204 once the edits are applied, sorted. (A stale spec approval makes the design's
    /// stale too; the checker reports the spec's alone.)
    fn renamed(kind: &str, name: &str, to: &str) -> (Vec<StaleApproval>, Vec<String>) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let estate = Estate::load(&[root]).expect("the examples");
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        let decl = (index.decls.iter())
            .find(|d| d.kind == kind && d.name == name)
            .expect("the declaration");
        let edits = ide
            .rename(decl.file, decl.name_span.start as usize, to)
            .expect("a rename");
        assert!(!edits.is_empty());
        let stale = ide.approvals_broken_by(&edits);
        let sources = estate.file_ids().map(|f| {
            let mine: Vec<&TextEdit> = edits.iter().filter(|e| e.file == f).collect();
            (
                estate.files.name(f).to_string(),
                applied(estate.files.text(f), mine),
            )
        });
        let after = Estate::from_sources(sources.collect::<Vec<_>>());
        let mut reported: Vec<String> = (analyze(&after, &Options::default()).diagnostics)
            .iter()
            .filter(|d| d.code == Code::Sdd204)
            .filter_map(|d| {
                let at = d.primary.span;
                (after.ast(d.file()).items.iter())
                    .find(|i| i.span.start <= at.start && at.end <= i.span.end)?
                    .name_text()
                    .map(str::to_string)
            })
            .collect();
        reported.sort();
        reported.dedup();
        (stale, reported)
    }

    fn engagements(stale: &[StaleApproval]) -> Vec<String> {
        let mut names: Vec<String> = stale.iter().map(|s| s.engagement.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn a_rename_inside_approved_content_breaks_its_approvals_and_no_other() {
        let (stale, reported) = renamed("asset", "netbox-sot-client", "netbox-client");
        assert!(!stale.is_empty());
        assert!(stale.iter().all(|s| s.gate == "design"), "{stale:?}");
        assert_eq!(engagements(&stale), reported);
        let (stale, reported) = renamed("profile", "server-compliance", "server-hardening");
        assert!(stale.iter().any(|s| s.gate == "spec"), "{stale:?}");
        assert_eq!(engagements(&stale), reported);
        // An approver or a role is not approved content.
        assert_eq!(
            renamed("person", "priya", "priya-r"),
            (Vec::new(), Vec::new())
        );
        assert_eq!(
            renamed("role", "network-lead", "net-lead"),
            (Vec::new(), Vec::new())
        );
    }
}
