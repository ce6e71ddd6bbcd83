//! The values offered for a field, ranked by whether the checker would accept them: the
//! persons who may give an approval (`approved_by` of a gate or a deviation) before those it
//! would refuse, and active assets (`reuses`, `requires`) before deprecated and retired ones.
//! What would be refused is still offered, last, with a detail saying why and under which
//! code. The rules are the checker's own: `Engagement::builder` for separation of duties
//! (SDD207, SDD303) and `gates::lacks_authority` for authority (SDD206, SDD303).

use crate::check::engagement::{self as eng, Engagement};
use crate::check::gates::lacks_authority;
use crate::check::names::Namespace;
use crate::source::FileId;
use crate::syntax::{Item, Keyword};

use super::Completion;
use crate::ide::{item_with_span, Ide};

impl Ide<'_> {
    /// Rank the values `found` for `field` of the innermost item of `chain`: a stable sort,
    /// accepted values first; a refused value's detail says why.
    pub(super) fn rank(
        &self,
        file: FileId,
        chain: &[&Item],
        field: &str,
        found: &mut Vec<Completion>,
    ) {
        let Some(holder) = chain.last() else {
            return;
        };
        let refusals: Vec<(u8, Option<String>)> = match (holder.kind(), field) {
            (Keyword::Gate | Keyword::Deviation, "approved_by") => {
                let approval = match holder.kind() {
                    Keyword::Deviation => "deviation",
                    _ => match holder.name_text() {
                        Some(gate @ ("spec" | "design")) => gate,
                        _ => return,
                    },
                };
                let Some(engagement) = chain.first().filter(|e| e.kind() == Keyword::Engagement)
                else {
                    return;
                };
                self.approver_refusals(file, engagement, approval, found)
            }
            (_, "reuses" | "requires") => {
                // An asset does not require itself (SDD404).
                if holder.kind() == Keyword::Asset {
                    found.retain(|c| Some(c.label.as_str()) != holder.name_text());
                }
                self.asset_refusals(found)
            }
            _ => return,
        };
        let mut ranked: Vec<(u8, Completion)> = found
            .drain(..)
            .zip(refusals)
            .map(|(mut c, (rank, why))| {
                if let Some(why) = why {
                    c.detail = format!("{} — {why}", c.detail);
                }
                (rank, c)
            })
            .collect();
        ranked.sort_by_key(|(rank, _)| *rank);
        found.extend(ranked.into_iter().map(|(_, c)| c));
    }

    /// For each person offered: 0 when they may give the approval, else 1 and why not.
    fn approver_refusals(
        &self,
        file: FileId,
        engagement: &Item,
        approval: &str,
        found: &[Completion],
    ) -> Vec<(u8, Option<String>)> {
        let ns = Namespace::build(self.estate, &mut Vec::new());
        let e = Engagement::new(&ns, file, engagement);
        let (duties, authority) = match approval {
            "deviation" => ("SDD303", "SDD303"),
            _ => ("SDD207", "SDD206"),
        };
        found
            .iter()
            .map(|c| {
                let person = c.label.trim_start_matches('@');
                let why = if let Some(who) = e.builder(person, approval) {
                    Some(format!("{who} ({duties})"))
                } else {
                    // With no domain (no profile, or one without a domain) authority is not
                    // judged: the checker reports that instead.
                    e.domain()
                        .filter(|d| lacks_authority(&ns, person, approval, Some(d)).is_some())
                        .map(|d| format!("no role approves {approval} in {d} ({authority})"))
                };
                (u8::from(why.is_some()), why)
            })
            .collect()
    }

    /// For each asset offered: 0 when active, 1 when deprecated, 2 when retired, with why.
    fn asset_refusals(&self, found: &[Completion]) -> Vec<(u8, Option<String>)> {
        found
            .iter()
            .map(|c| {
                let status = self.index.global(&c.label, "asset").and_then(|d| {
                    let item = item_with_span(&self.estate.ast(d.file).items, d.item_span)?;
                    eng::name(item, "status")
                });
                match status {
                    Some("deprecated") => (1, Some("deprecated (SDD403)".to_string())),
                    Some("retired") => (2, Some("retired (SDD403)".to_string())),
                    _ => (0, None),
                }
            })
            .collect()
    }
}
