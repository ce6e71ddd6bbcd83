//! Names: the estate-wide namespace of declarations and each engagement's local names.
//!
//! Every top-level declaration of every file shares one namespace; a second declaration of a
//! name is SDD102 pointing at both. Inside an engagement, requirement, constraint, finding,
//! risk, component, test and deviation names form the engagement's own scope. Lookups that
//! fail give SDD101 with a "did you mean" suggestion.

use std::cell::Cell;
use std::collections::hash_map::Entry as Slot;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use foldhash::fast::FixedState;

use crate::codes::Code;
use crate::diagnostic::{with_article, Diagnostic};
use crate::estate::Estate;
use crate::source::FileId;
use crate::syntax::{Entry, Item, Keyword};

/// A top-level declaration.
#[derive(Debug, Clone, Copy)]
pub struct Decl<'a> {
    pub file: FileId,
    pub item: &'a Item,
}

impl<'a> Decl<'a> {
    pub fn kind(&self) -> &'a str {
        self.item.keyword()
    }
}

/// The maps of names: hashed with foldhash, several times faster than std's SipHash on short
/// names, with a fixed seed. (No output depends on a map's order: what is listed is sorted.)
pub type NameMap<'a, V> = HashMap<&'a str, V, FixedState>;

/// A set of names, hashed as the maps are.
pub type NameSet<'a> = HashSet<&'a str, FixedState>;

#[derive(Debug, Default)]
pub struct Namespace<'a> {
    pub decls: NameMap<'a, Decl<'a>>,
    /// Each kind's names, sorted, built the first time one is asked for (a did-you-mean).
    /// Owned: a cell holding borrowed names would make the namespace invariant in `'a`.
    sorted: OnceLock<BTreeMap<String, Vec<String>>>,
    /// Why a person may not give an approval in a domain, or `None` when they may, by
    /// (person, approval, domain): `gates::lacks_authority` works each out once, so an
    /// approver of thousands of gates or deviations has their roles read once. Owned, as
    /// `sorted` is.
    pub(crate) authority: Mutex<HashMap<Authority, Option<String>>>,
    /// The names declared more than once (each reported as SDD102).
    duplicated: NameSet<'a>,
}

/// SDD102: an engagement or a person whose name differs from an earlier one's of the same
/// kind only in case. Two engagements would be one manifest file on macOS and Windows; two
/// persons read as one among the approvers (`@Alice` beside the owner `@alice`).
fn differs_in_case(second: Decl<'_>, first: Decl<'_>) -> Diagnostic {
    let (b, a) = (
        second.item.name_text().unwrap_or(""),
        first.item.name_text().unwrap_or(""),
    );
    let d = |message: String, label: &str| {
        Diagnostic::new(Code::Sdd102, second.file, second.item.name_span(), message)
            .with_label(label)
            .with_secondary(
                first.file,
                first.item.name_span(),
                format!("`{a}` declared here"),
            )
    };
    if second.item.kind() == Keyword::Person {
        return d(
            format!("person `{b}` differs from person `{a}` only in case"),
            "read as the same person",
        )
        .with_note("separation of duties and quorums count names: one person under two spellings could approve their own work")
        .with_help("keep one declaration of this person, or rename one of them");
    }
    d(
        format!("engagement `{b}` differs from `{a}` only in case"),
        "its manifest would be the same file as the other's on macOS and Windows",
    )
    .with_note(format!(
        "`sdd build` writes engagements/{b}.json and engagements/{a}.json; a file system that \
         ignores case keeps one of them, and a platform could run one engagement's manifest \
         under the other's name"
    ))
    .with_help("rename one of them")
}

/// The longest engagement name: each engagement's manifest is a file named after it
/// (`NAME.json`), and common file systems allow 255 bytes in a file name.
pub const MAX_ENGAGEMENT_NAME_BYTES: usize = 200;

/// SDD002 for an engagement name too long to be its manifest's file name.
fn name_too_long(e: Decl<'_>) -> Diagnostic {
    let len = e.item.name_text().map_or(0, str::len);
    Diagnostic::new(
        Code::Sdd002,
        e.file,
        e.item.name_span(),
        format!(
            "engagement name of {len} bytes, over the limit of {MAX_ENGAGEMENT_NAME_BYTES}: its \
             manifest is a file named after it"
        ),
    )
    .with_label("too long to be a file name")
    .with_help("shorten the name; the title says the rest")
}

/// Is `name` one that Windows keeps for a device (`con`, `nul`, `com1`, in any case)? A file
/// named after it, with any extension (`con.json`), cannot be made or opened there.
pub fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    match stem.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', digit] | [b'l', b'p', b't', digit] => digit.is_ascii_digit(),
        _ => false,
    }
}

/// SDD002 for an engagement named as Windows names a device: its manifest `con.json` could not
/// be written or opened on Windows (by an engineer's checkout of the build, or a platform).
fn device_name(e: Decl<'_>) -> Diagnostic {
    let name = e.item.name_text().unwrap_or("");
    Diagnostic::new(
        Code::Sdd002,
        e.file,
        e.item.name_span(),
        format!(
            "engagement name `{name}` is a device name on Windows: its manifest \
             `engagements/{name}.json` could not be written or opened there"
        ),
    )
    .with_label("reserved by Windows")
    .with_help("rename the engagement (`con-change`, `nul-routes`)")
}

/// SDD102 for a person whose email another person already has (the same mailbox, however
/// spelt: [`mailbox`]): one person declared under
/// two names could approve as one and own or build as the other, or count twice towards a
/// quorum, and separation of duties would not see it.
fn same_email<'a>(
    emails: &mut HashMap<String, Decl<'a>>,
    person: Decl<'a>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(email) = crate::check::engagement::text(person.item, "email") else {
        return;
    };
    let Some(key) = mailbox(email) else {
        return;
    };
    let first = match emails.entry(key) {
        Slot::Vacant(slot) => {
            slot.insert(person);
            return;
        }
        Slot::Occupied(slot) => *slot.get(),
    };
    let (a, b) = (
        first.item.name_text().unwrap_or(""),
        person.item.name_text().unwrap_or(""),
    );
    let span = person
        .item
        .field("email")
        .map_or(person.item.name_span(), |f| f.value.span);
    out.push(
        Diagnostic::new(
            Code::Sdd102,
            person.file,
            span,
            format!("person `{b}` has the email of person `{a}`: one person declared twice"),
        )
        .with_label("the same address")
        .with_secondary(
            first.file,
            first.item.name_span(),
            format!("`{a}` declared here"),
        )
        .with_note(
            "one person under two names could approve as one and own or build as the other, \
             or count twice towards a quorum",
        )
        .with_help(format!(
            "keep one declaration of this person and refer to it as `@{a}` everywhere"
        )),
    );
}

/// The mailbox an email address delivers to, as a key that two spellings of one address
/// share: trimmed; a `mailto:` scheme and a display name around `<…>` taken off; a sub-address
/// (`+tag` in the part before the `@`, which delivers to the same mailbox on most mail systems)
/// dropped; a dot that ends the domain (its fully qualified form) dropped; in lower case.
/// `None` for an address with nothing in it.
pub fn mailbox(email: &str) -> Option<String> {
    let mut address = email.trim();
    if let (Some(open), Some(close)) = (address.rfind('<'), address.rfind('>')) {
        if open < close {
            address = address[open + 1..close].trim();
        }
    }
    let lower = address.to_lowercase();
    let mut address = lower.strip_prefix("mailto:").unwrap_or(&lower).trim();
    address = address.trim_end_matches('.');
    let key = match address.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local
                .split_once('+')
                .map_or(local, |(mailbox, _tag)| mailbox);
            format!("{local}@{domain}")
        }
        None => address.to_string(),
    };
    (!key.is_empty()).then_some(key)
}

/// Who gives which approval in which domain.
pub(crate) type Authority = (String, String, Option<String>);

impl<'a> Namespace<'a> {
    /// Collect declarations in file-name order; report duplicates.
    pub fn build(estate: &'a Estate, out: &mut Vec<Diagnostic>) -> Namespace<'a> {
        let mut ns = Namespace::default();
        let mut ids: Vec<FileId> = estate.file_ids().collect();
        ids.sort_by(|a, b| estate.files.name(*a).cmp(estate.files.name(*b)));
        // Engagements by their name in lower case: each one's manifest is a file named after
        // it, and two names that differ only in case are one file on macOS and Windows.
        // Persons by their name in lower case too: `@Alice` beside `@alice` reads as one.
        let mut folded: HashMap<(Keyword, String), Decl<'a>> = HashMap::new();
        // Persons by their mailbox ([`mailbox`]): one address is one person, however spelt.
        let mut emails: HashMap<String, Decl<'a>> = HashMap::new();
        for file in ids {
            for item in &estate.ast(file).items {
                let Some(name) = &item.name else { continue };
                let Some(first) = ns.decls.get(name.text.as_str()) else {
                    ns.decls.insert(&name.text, Decl { file, item });
                    let decl = Decl { file, item };
                    let folded_name = match item.kind() {
                        Keyword::Person => {
                            same_email(&mut emails, decl, out);
                            Some(name.text.as_str().to_lowercase())
                        }
                        Keyword::Engagement => {
                            if name.text.len() > MAX_ENGAGEMENT_NAME_BYTES {
                                out.push(name_too_long(decl));
                            }
                            if is_windows_device_name(&name.text) {
                                out.push(device_name(decl));
                            }
                            Some(name.text.as_str().to_ascii_lowercase())
                        }
                        _ => None,
                    };
                    if let Some(key) = folded_name {
                        match folded.entry((item.kind(), key)) {
                            Slot::Occupied(other) => out.push(differs_in_case(decl, *other.get())),
                            Slot::Vacant(slot) => {
                                slot.insert(decl);
                            }
                        }
                    }
                    continue;
                };
                let second = format!("second declaration, as {}", with_article(item.keyword()));
                let first_here = format!("first declared here, as {}", with_article(first.kind()));
                out.push(
                    Diagnostic::new(
                        Code::Sdd102,
                        file,
                        name.span,
                        format!("`{}` is declared twice", name.text),
                    )
                    .with_label(second)
                    .with_secondary(first.file, first.item.name_span(), first_here)
                    .with_help(
                        "every name in an estate is visible in every file: rename one of them",
                    ),
                );
                ns.duplicated.insert(&name.text);
            }
        }
        ns
    }

    /// Is this name declared more than once? A command that acts on one declaration
    /// (`approve`, `fingerprint`, `--ready`) then refuses rather than pick one.
    pub fn declared_twice(&self, name: &str) -> bool {
        !self.duplicated.is_empty() && self.duplicated.contains(name)
    }

    /// Is any name declared more than once? (Nearly never: the checks that ask of each name
    /// skip the asking.)
    pub fn any_declared_twice(&self) -> bool {
        !self.duplicated.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<Decl<'a>> {
        self.decls.get(name).copied()
    }

    /// The declaration of `name` if it is of this kind.
    pub fn get_kind(&self, name: &str, kind: &str) -> Option<Decl<'a>> {
        self.get(name).filter(|d| d.kind() == kind)
    }

    /// Names of declarations of one kind, sorted (once for all kinds, after the namespace is
    /// built).
    pub fn names_of(&self, kind: &str) -> impl Iterator<Item = &str> + Clone {
        let sorted = self.sorted.get_or_init(|| {
            let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (name, decl) in &self.decls {
                (by_kind.entry(decl.kind().to_string()).or_default()).push(name.to_string());
            }
            by_kind.values_mut().for_each(|names| names.sort_unstable());
            by_kind
        });
        (sorted.get(kind).into_iter().flatten()).map(String::as_str)
    }

    /// All declarations of one kind in file-name then source order.
    pub fn of_kind(&self, kind: &str) -> Vec<Decl<'a>> {
        let mut decls: Vec<Decl<'a>> = self
            .decls
            .values()
            .filter(|d| d.kind() == kind)
            .copied()
            .collect();
        decls.sort_by_key(|d| (d.file, d.item.span.start));
        decls
    }
}

/// The closest candidate to a misspelt name, if one is close enough.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    // Within a budget, the candidates are compared all or not at all: a suggestion is never
    // made from part of them.
    let budget = SUGGESTION_BUDGET.get();
    let candidates: Vec<&str> = candidates
        .into_iter()
        .take(budget.saturating_add(1))
        .collect();
    if candidates.len() > budget {
        SUGGESTION_BUDGET.set(0);
        return None;
    }
    SUGGESTION_BUDGET.set(budget - candidates.len());
    let chars = name.chars().count();
    let limit = (chars / 3).max(1);
    let misspelt = super::edit_distance::Misspelt::new(name);
    candidates
        .into_iter()
        // No distance over `limit + 2` is accepted.
        .filter_map(|c| Some((misspelt.within(c, limit + 2)?, c)))
        .filter(|(d, c)| {
            *d <= limit
                || (c.len() >= 3 && (c.contains(name) || name.contains(c)) && *d <= limit + 2)
        })
        .min()
        .map(|(_, c)| c)
}

thread_local! {
    /// How many more candidates suggestions may compare on this thread (see
    /// [`with_suggestion_budget`]); unlimited outside one.
    static SUGGESTION_BUDGET: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// The most candidates the suggestions of one file's checks compare: about a tenth of a
/// second (0.08 s for 1,000 unknown names among 1,000 persons, 2026-12-06). A file with thousands of unknown names in a scope of thousands is checked in
/// linear time; its later diagnostics come without a suggestion.
pub const SUGGESTION_BUDGET_PER_FILE: usize = 1_000_000;

/// Run `f` with a fresh budget of [`SUGGESTION_BUDGET_PER_FILE`] candidate comparisons for
/// the suggestions it makes on this thread. The checks of one file run in one call, in a
/// fixed order, so the suggestions they make do not depend on threads or on other files.
pub fn with_suggestion_budget<R>(f: impl FnOnce() -> R) -> R {
    let before = SUGGESTION_BUDGET.replace(SUGGESTION_BUDGET_PER_FILE);
    let result = f();
    SUGGESTION_BUDGET.set(before);
    result
}

/// "; did you mean `x`?" or nothing.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// Item keywords that declare a name in an engagement's own scope.
pub const LOCAL_KINDS: &[Keyword] = &[
    Keyword::Requirement,
    Keyword::Constraint,
    Keyword::Finding,
    Keyword::Risk,
    Keyword::Component,
    Keyword::Test,
    Keyword::Deviation,
];

/// An engagement's local names.
#[derive(Debug, Default)]
pub struct Locals<'a> {
    pub names: NameMap<'a, &'a Item>,
    /// The names sorted, each with its kind, built the first time they are listed. Owned: a
    /// cell holding borrowed names would make the locals invariant in `'a`.
    sorted: OnceLock<Vec<(String, Keyword)>>,
}

impl<'a> Locals<'a> {
    pub fn build(file: FileId, engagement: &'a Item, out: &mut Vec<Diagnostic>) -> Locals<'a> {
        let declared = engagement.items().map(|phase| phase.entries().len()).sum();
        let mut locals = Locals {
            names: NameMap::with_capacity_and_hasher(declared, FixedState::default()),
            sorted: OnceLock::new(),
        };
        for phase in engagement.items() {
            for entry in phase.entries() {
                let Entry::Item(item) = entry else { continue };
                if !LOCAL_KINDS.contains(&item.kind()) {
                    continue;
                }
                let Some(name) = &item.name else { continue };
                // One lookup: the name is hashed once whether it is new or declared twice.
                let first = match locals.names.entry(&name.text) {
                    Slot::Vacant(slot) => {
                        slot.insert(item);
                        continue;
                    }
                    Slot::Occupied(slot) => *slot.get(),
                };
                out.push(
                    Diagnostic::new(
                        Code::Sdd102,
                        file,
                        name.span,
                        format!(
                            "`{}` is declared twice in engagement `{}`",
                            name.text,
                            engagement.name_text().unwrap_or("?")
                        ),
                    )
                    .with_label(format!(
                        "second declaration, as {}",
                        with_article(item.keyword())
                    ))
                    .with_secondary(
                        file,
                        first.name_span(),
                        format!("first declared here, as {}", with_article(first.keyword())),
                    ),
                );
            }
        }
        locals
    }

    pub fn get_kind(&self, name: &str, kinds: &[Keyword]) -> Option<&'a Item> {
        self.names
            .get(name)
            .copied()
            .filter(|i| kinds.contains(&i.kind()))
    }

    /// The names of these kinds, sorted (once for all kinds).
    pub fn names_of<'s>(&'s self, kinds: &'s [Keyword]) -> impl Iterator<Item = &'s str> {
        let sorted = self.sorted.get_or_init(|| {
            // Every local's keyword is one of LOCAL_KINDS (`build` keeps no other).
            let mut all: Vec<(String, Keyword)> = (self.names.iter())
                .map(|(n, i)| (n.to_string(), i.kind()))
                .collect();
            all.sort_unstable();
            all
        });
        (sorted.iter())
            .filter(|(_, kind)| kinds.contains(kind))
            .map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{mailbox, suggest};
    use proptest::prelude::*;

    /// `suggest` as it was before candidates were skipped by length.
    fn suggest_every_candidate<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
        let limit = (name.chars().count() / 3).max(1);
        (candidates.iter())
            .map(|&c| (strsim::osa_distance(name, c), c))
            .filter(|(d, c)| {
                *d <= limit
                    || (c.len() >= 3 && (c.contains(name) || name.contains(c)) && *d <= limit + 2)
            })
            .min()
            .map(|(_, c)| c)
    }

    /// The names Windows keeps for devices, in any case and with any extension, and the names
    /// that only look like them.
    #[test]
    fn windows_device_names() {
        use super::is_windows_device_name as device;
        for name in [
            "con", "NUL", "Aux", "prn", "com1", "COM9", "lpt0", "con.json",
        ] {
            assert!(device(name), "{name}");
        }
        for name in [
            "console",
            "com",
            "com10",
            "lpt",
            "nul-routes",
            "conn",
            "acon",
            "comx",
        ] {
            assert!(!device(name), "{name}");
        }
    }

    /// Every spelling of Diego's address is his mailbox; other mailboxes stay apart.
    #[test]
    fn spellings_of_one_address_are_one_mailbox() {
        let diego = Some("diego.alvarez@example.net".to_string());
        for spelling in [
            "diego.alvarez@example.net",
            " Diego.Alvarez@Example.NET ",
            "mailto:diego.alvarez@example.net",
            "MAILTO:Diego.Alvarez@example.net",
            "Diego Alvarez <diego.alvarez@example.net>",
            "<Diego.Alvarez+cab@example.net>",
            "diego.alvarez+review@example.net",
            "diego.alvarez@example.net.",
        ] {
            assert_eq!(mailbox(spelling), diego, "{spelling:?}");
        }
        for other in [
            "diego.alvarez@example.org",
            "diego@example.net",
            "diego.alvarez2@example.net",
        ] {
            assert_ne!(mailbox(other), diego, "{other:?}");
        }
        assert_eq!(mailbox("  "), None);
        assert_eq!(mailbox("mailto:"), None);
    }

    #[test]
    fn suggests_the_closest_name() {
        let known = ["must", "should", "may"];
        assert_eq!(suggest("shuold", known), Some("should"));
        assert_eq!(suggest("mst", known), Some("must"));
        assert_eq!(suggest("wont", known), None);
    }

    proptest! {
        #[test]
        fn skipping_by_length_changes_no_suggestion(
            name in "[a-cé_-]{0,14}",
            candidates in proptest::collection::vec("[a-cé_-]{0,16}", 0..12),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            prop_assert_eq!(
                suggest(&name, candidates.iter().copied()),
                suggest_every_candidate(&name, &candidates)
            );
        }
    }
}
