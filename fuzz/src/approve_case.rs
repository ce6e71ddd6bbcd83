//! The `approve` target: an example engagement file, edited by the fuzzer's bytes, then
//! `sdd::approve::approve` on it.
//!
//! Input layout: byte 0 picks the engagement file, byte 1 the request (bit 0 the gate, bit 1
//! splice or overwrite, bit 2 `replace`, bits 3-7 the approver among the example people),
//! bytes 2-3 the offset of the edit (big-endian, modulo the file length + 1), the rest the
//! bytes spliced in. No edit at all (four bytes) asks for an approval of the example itself.
//!
//! Properties: approve never panics and never fires its own "would not parse" safety net;
//! a returned edit parses cleanly, differs from its input only inside a gate block of the
//! requested gate (white space around it aside), records exactly the engagement's current
//! fingerprint for that gate, and changes neither the spec nor the design fingerprint.

use std::sync::{Mutex, OnceLock};

use sdd::approve::{approve, Request};
use sdd::codes::Code;
use sdd::source::FileId;
use sdd::syntax::{parse, Item};

use crate::fixture::{self, Slot, DECLARATIONS, ENGAGEMENTS, INVENTORY};
use sdd::syntax::Keyword;

/// The example people, in file order (approvers the fuzzer picks from).
const PEOPLE: &[&str] = &[
    "priya", "marcus", "tomasz", "aisha", "diego", "hannah", "kenji", "olivia", "samuel", "leah",
    "rahul", "ingrid", "ben", "grace",
];

/// One decoded input.
#[derive(Debug)]
pub struct Case {
    pub text: String,
    pub request: Request,
}

/// Decode an input, or `None` when it is too short to hold the header.
pub fn decode(data: &[u8]) -> Option<Case> {
    let [file, request, hi, lo, splice @ ..] = data else {
        return None;
    };
    let pick = *file as usize % ENGAGEMENTS.len();
    let original = ENGAGEMENTS[pick];
    let engagement = engagement_names()[pick].clone()?;
    let bytes = original.as_bytes();
    let at = usize::from(u16::from_be_bytes([*hi, *lo])) % (bytes.len() + 1);
    let mut edited = bytes[..at].to_vec();
    edited.extend_from_slice(splice);
    let resume = if request & 2 == 0 {
        at
    } else {
        (at + splice.len()).min(bytes.len())
    };
    edited.extend_from_slice(&bytes[resume..]);
    Some(Case {
        text: String::from_utf8_lossy(&edited).into_owned(),
        request: Request {
            engagement,
            gate: if request & 1 == 0 { "spec" } else { "design" }.to_string(),
            by: PEOPLE[usize::from(request >> 3) % PEOPLE.len()].to_string(),
            on: crate::options().as_of,
            replace: request & 4 != 0,
        },
    })
}

/// The name of the engagement each example file declares, parsed once.
fn engagement_names() -> &'static [Option<String>] {
    static NAMES: OnceLock<Vec<Option<String>>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ENGAGEMENTS
            .iter()
            .map(|text| {
                parse(FileId(0), text)
                    .ast
                    .items
                    .iter()
                    .find(|i| i.kind() == Keyword::Engagement)
                    .and_then(|i| i.name_text().map(str::to_string))
            })
            .collect()
    })
}

static APPROVE_SLOT: Mutex<Option<Slot>> = Mutex::new(None);

fn fixed_files() -> Vec<(&'static str, &'static str)> {
    DECLARATIONS.iter().chain(INVENTORY).copied().collect()
}

pub fn approve_bytes(data: &[u8]) {
    let Some(case) = decode(data) else {
        return;
    };
    let mut slot = fixture::lock(&APPROVE_SLOT, &fixed_files());
    let analysis = slot.analyze(&case.text);
    let before = analysis
        .facts(&case.request.engagement)
        .map(|f| (f.spec_fingerprint.clone(), f.design_fingerprint.clone()));
    let edit = match approve(&slot.estate, &analysis, &case.request) {
        Ok(edit) => edit,
        Err(refusal) => {
            assert!(
                !refusal.0.iter().any(|r| r.contains("internal error")),
                "approve's safety net fired: {refusal:?}\n--- input ---\n{}",
                case.text
            );
            return;
        }
    };
    assert_eq!(edit.file, slot.file, "the edit is for another file");
    let new = &edit.text;
    let reparsed = parse(slot.file, new);
    // A character that shows text otherwise (SDD003) outside the approved content stays as it
    // was; the edit adds none. (One that ends a comment the rewritten gate keeps may go: a
    // kept comment loses its trailing white space, and FF, VT, NEL and U+2028 are white space.)
    let deceptive = |p: &sdd::syntax::Parsed| {
        p.diagnostics
            .iter()
            .filter(|d| d.code == Code::Sdd003)
            .count()
    };
    assert!(
        !reparsed.diagnostics.iter().any(sdd::syntax::breaks_the_tree)
            && deceptive(&reparsed) <= deceptive(&parse(slot.file, &case.text)),
        "the approved file does not parse: {:?}\n--- edited ---\n{new}",
        reparsed.diagnostics
    );
    let old_gates = gate_spans(&slot.estate.ast(slot.file).items, &case.request);
    let new_gates = gate_spans(&reparsed.ast.items, &case.request);
    let (old_region, new_region) = changed(&case.text, new);
    assert!(
        inside_a_gate(&case.text, old_region, &old_gates),
        "approve changed {old_region:?} of the input, outside the gate block\n--- edited ---\n{new}"
    );
    assert!(
        inside_a_gate(new, new_region, &new_gates),
        "approve wrote {new_region:?} outside the gate block\n--- edited ---\n{new}"
    );

    let after = slot.analyze(new);
    let facts = after
        .facts(&case.request.engagement)
        .expect("the approved engagement is still there");
    assert_eq!(
        before,
        Some((
            facts.spec_fingerprint.clone(),
            facts.design_fingerprint.clone()
        )),
        "recording the approval changed a fingerprint\n--- edited ---\n{new}"
    );
    let current = if case.request.gate == "spec" {
        &facts.spec_fingerprint
    } else {
        &facts.design_fingerprint
    };
    assert_eq!(
        &edit.fingerprint, current,
        "the edit reports a stale fingerprint"
    );
    let recorded: Vec<&str> = reparsed
        .ast
        .items
        .iter()
        .filter(|i| is_engagement(i, &case.request))
        .flat_map(Item::items)
        .filter(|i| i.kind() == Keyword::Gate && i.name_text() == Some(case.request.gate.as_str()))
        .filter_map(|g| sdd::check::engagement::text(g, "fingerprint"))
        .collect();
    assert!(
        recorded.contains(&current.as_str()),
        "the gate does not record the current fingerprint {current}: {recorded:?}\n{new}"
    );
}

fn is_engagement(item: &Item, request: &Request) -> bool {
    item.kind() == Keyword::Engagement && item.name_text() == Some(request.engagement.as_str())
}

/// The spans of the requested engagement's gate blocks for the requested gate.
fn gate_spans(items: &[Item], request: &Request) -> Vec<(usize, usize)> {
    items
        .iter()
        .filter(|i| is_engagement(i, request))
        .flat_map(Item::items)
        .filter(|i| i.kind() == Keyword::Gate && i.name_text() == Some(request.gate.as_str()))
        .map(|g| (g.span.start as usize, g.span.end as usize))
        .collect()
}

/// The byte ranges of `old` and `new` that differ, outside their common prefix and suffix,
/// on character boundaries of both.
pub fn changed(old: &str, new: &str) -> ((usize, usize), (usize, usize)) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    ((prefix, a.len() - suffix), (prefix, b.len() - suffix))
}

/// Is the region, white space at its ends aside, empty or inside one of the gate spans?
fn inside_a_gate(text: &str, (start, end): (usize, usize), gates: &[(usize, usize)]) -> bool {
    let region = &text[start..end];
    let trimmed = region.trim();
    if trimmed.is_empty() {
        return true;
    }
    let lo = start + (region.len() - region.trim_start().len());
    let hi = lo + trimmed.len();
    gates.iter().any(|&(s, e)| s <= lo && hi <= e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds `run.sh` writes (no edit) must reach the success path for some requests,
    /// or the fuzzer would only ever see refusals.
    #[test]
    fn unedited_examples_can_be_approved() {
        let mut approved = 0;
        for file in 0..ENGAGEMENTS.len() as u8 {
            for request in 0..=u8::MAX {
                let case = decode(&[file, request, 0, 0]).expect("a header decodes");
                let mut slot = fixture::lock(&APPROVE_SLOT, &fixed_files());
                let analysis = slot.analyze(&case.text);
                if approve(&slot.estate, &analysis, &case.request).is_ok() {
                    approved += 1;
                }
                drop(slot);
                approve_bytes(&[file, request, 0, 0]);
            }
        }
        assert!(approved > 0, "no request of the examples was approved");
    }

    #[test]
    fn changed_regions_exclude_the_common_ends() {
        assert_eq!(changed("abcXYdef", "abcZdef"), ((3, 5), (3, 4)));
        assert_eq!(changed("same", "same"), ((4, 4), (4, 4)));
        assert_eq!(changed("aé", "aè"), ((1, 3), (1, 3)));
    }
}
