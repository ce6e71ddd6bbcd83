//! The reuse dependency graph over assets, engagements and components (SDD402–SDD407), and
//! impact analysis.

use crate::check::governance::Facts;
use crate::check::names::Namespace;
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::source::FileId;

/// Reuse-graph checks over the whole estate; runs after governance so that `extends` can
/// see whether the extended engagement is reconciled.
pub fn check(
    _estate: &Estate,
    _ns: &Namespace<'_>,
    _facts: &[(FileId, Facts)],
    _out: &mut Vec<Diagnostic>,
) {
}
