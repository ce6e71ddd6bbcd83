//! The reuse checks: unsatisfiable constraints (SDD402), deprecated or retired reuse (SDD403),
//! cycles in `requires` and `extends` (SDD404), `extends` of an unreconciled engagement
//! (SDD405), missed reuse (SDD406) and conflicting or undeclared `produces` (SDD407).
//!
//! Unknown assets and engagements were reported by the type checker (SDD401, SDD101) and are
//! skipped here. Engagements are visited in file-name then source order, so which of two
//! conflicting places gets the primary label never depends on file or thread order.
//!
//! [`run_engagement`] holds the checks that read one engagement and the inventory only (its
//! components' `reuses` and missed reuse), so the analysis runs them with the engagement's
//! file and can keep their results while the file is unchanged; [`run`] holds the rest.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::check::engagement::Engagement;
use crate::check::governance::{Facts, Status};
use crate::check::names::Namespace;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::estate::Estate;
use crate::source::{FileId, Span};

use super::{components, produced, AssetRef, Inventory};

#[cfg(test)]
mod tests;

/// The checks of one engagement's components: SDD402 and SDD403 on `reuses`, SDD406.
pub(super) fn run_engagement(
    inventory: &Inventory<'_>,
    e: &Engagement<'_>,
    deps: &[super::releases::Dependency<'_>],
    delivered: bool,
    out: &mut Vec<Diagnostic>,
) {
    let produced_here: BTreeSet<&str> = produced(e).iter().map(|(_, r)| r.asset).collect();
    let mut providers = BTreeMap::new();
    // Delivered work reused the asset as it was then: the inventory moving on (a release
    // dropped, the asset retired) is a warning on it, not an error that would stop every build
    // of the estate and could only be cleared by editing an approved design.
    for c in components(e) {
        if let Some(r) = &c.reuses {
            let who = format!("component `{}` reuses", c.name());
            let before = out.len();
            check_reference(inventory, r, &who, out);
            if delivered {
                out[before..].iter_mut().for_each(as_history);
            }
        } else if !c.new_because {
            missed_reuse(inventory, e, &c, &produced_here, &mut providers, out);
        }
    }
    super::releases::check_engagement(inventory, e, deps, delivered, out);
}

/// How many providers an SDD403 help or an SDD406 label names, and SDD406 marks with labels:
/// where thousands of assets provide one capability, each diagnostic names the first ones by
/// name and counts the rest, instead of growing with the inventory.
pub const PROVIDERS_SHOWN: usize = 10;

/// `name version`, as diagnostics name an asset.
fn versioned(a: &super::Asset<'_>) -> String {
    match &a.version {
        Some(v) => format!("`{}` {v}", a.name),
        None => format!("`{}`", a.name),
    }
}

/// The first [`PROVIDERS_SHOWN`] of `shown` as `name version`, then how many more of `total`.
fn listing(inventory: &Inventory<'_>, shown: &[&str], total: usize) -> String {
    let mut listed: Vec<String> = (shown.iter().take(PROVIDERS_SHOWN))
        .filter_map(|n| inventory.get(n))
        .map(versioned)
        .collect();
    if total > PROVIDERS_SHOWN {
        listed.push(format!("and {} more", total - PROVIDERS_SHOWN));
    }
    listed.join(", ")
}

/// The estate-wide checks: the inventory's own `requires`, `produces` across engagements,
/// cycles and `extends`.
pub(super) fn run(
    estate: &Estate,
    ns: &Namespace<'_>,
    inventory: &Inventory<'_>,
    facts: &[(FileId, Arc<Facts>)],
    out: &mut Vec<Diagnostic>,
) {
    let engagements: Vec<Engagement<'_>> = ns
        .of_kind("engagement")
        .into_iter()
        .map(|d| Engagement::new(ns, d.file, d.item))
        .collect();

    let mut found = Vec::new();
    for asset in inventory.assets.values() {
        for r in &asset.requires {
            let who = format!("asset `{}` requires", asset.name);
            check_reference(inventory, r, &who, &mut found);
        }
    }
    super::releases::check_release_lists(inventory, &mut found);
    check_produces(inventory, &engagements, &mut found);
    requires_cycles(inventory, &mut found);
    let in_cycle = extends_cycles(ns, &engagements, &mut found);
    unreconciled_extends(estate, ns, &engagements, facts, &in_cycle, out, &mut found);
    out.extend(found);
}

/// An SDD402 or SDD403 on delivered work: a warning, with a note saying why.
pub(super) fn as_history(d: &mut Diagnostic) {
    if d.severity == Severity::Error {
        d.severity = Severity::Warning;
        d.notes.push(
            "a warning, not an error: the engagement is delivered, and reused the asset as the \
             inventory had it then; new work must not"
                .into(),
        );
    }
}

/// SDD402 and SDD403 on one `reuses` or `requires`.
fn check_reference(
    inventory: &Inventory<'_>,
    r: &AssetRef<'_>,
    who: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(asset) = inventory.get(r.asset) else {
        return;
    };
    let status = asset.status.unwrap_or("active");
    if status == "deprecated" || status == "retired" {
        let severity = if status == "retired" {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut d = Diagnostic::new(
            Code::Sdd403,
            r.file,
            r.name_span,
            format!("{who} `{}`, which is {status}", r.asset),
        )
        .with_severity(severity)
        .with_label(format!("reuse of a {status} asset"))
        .with_secondary(
            asset.file,
            asset.field_span("status"),
            format!("`{}` is {status} here", asset.name),
        );
        let replacements = inventory.replacements(asset);
        d = if replacements.total == 0 {
            d.with_help(
                "move to a supported asset, or ask the owner whether it is still maintained",
            )
        } else {
            d.with_help(format!(
                "active assets that provide the same: {}",
                listing(inventory, &replacements.first, replacements.total)
            ))
        };
        out.push(d);
    }
    let Some(req) = r.requirement() else {
        return;
    };
    if asset.releases.is_empty() || asset.resolve(&req).is_some() {
        return;
    }
    let highest = &asset.releases[0];
    out.push(
        asset.with_declared(Diagnostic::new(
            Code::Sdd402,
            r.file,
            r.spec_span,
            format!(
                "no declared version of `{}` satisfies \"{}\"",
                r.asset, r.spec
            ),
        ))
        .with_help(format!(
            "write a constraint a declared release satisfies, such as \"^{}.{}\", or have the asset's owner declare the release",
            highest.major, highest.minor
        )),
    );
}

/// The active providers of one capability, less those one engagement produces: the first
/// [`PROVIDERS_SHOWN`] by name, and how many in all.
struct Providers<'a> {
    shown: Vec<&'a str>,
    total: usize,
}

impl<'a> Providers<'a> {
    fn of(inventory: &Inventory<'a>, cap: &str, produced_here: &BTreeSet<&str>) -> Self {
        let all = inventory.providers(cap);
        let shown: Vec<&'a str> = (all.iter())
            .filter(|a| !produced_here.contains(*a))
            .take(PROVIDERS_SHOWN)
            .copied()
            .collect();
        // Count the produced ones from the shorter side.
        let produced = if produced_here.len() < all.len() {
            (produced_here.iter())
                .filter(|a| all.binary_search(a).is_ok())
                .count()
        } else {
            all.iter().filter(|a| produced_here.contains(*a)).count()
        };
        Providers {
            shown,
            total: all.len() - produced,
        }
    }
}

/// SDD406: a component with a capability an active asset provides, and neither `reuses`
/// nor `new_because`. Assets the same engagement produces do not count: it is building them.
/// `providers` keeps each capability's providers for the engagement's other components.
fn missed_reuse<'a>(
    inventory: &Inventory<'a>,
    e: &Engagement<'_>,
    c: &super::Component<'a>,
    produced_here: &BTreeSet<&str>,
    providers: &mut BTreeMap<&'a str, Providers<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(capability) = c.capability else {
        return;
    };
    let Some(cap) = capability.as_name() else {
        return;
    };
    let found = providers
        .entry(cap)
        .or_insert_with(|| Providers::of(inventory, cap, produced_here));
    let Some(first) = found.shown.first().and_then(|n| inventory.get(n)) else {
        return;
    };
    let suggestion = match &first.version {
        Some(v) => format!("reuses: {} \"^{}.{}\"", first.name, v.major, v.minor),
        None => format!("reuses: {} \"*\"", first.name),
    };
    let mut d = Diagnostic::new(
        Code::Sdd406,
        e.file,
        capability.span,
        format!(
            "component `{}` builds `{cap}` anew, but the inventory provides it",
            c.name()
        ),
    )
    .with_label(format!(
        "provided by {}",
        listing(inventory, &found.shown, found.total)
    ))
    .with_help(format!(
        "reuse it (`{suggestion}`), or say why not with `new_because: \"…\"`"
    ));
    for a in found.shown.iter().filter_map(|n| inventory.get(n)) {
        d = d.with_secondary(
            a.file,
            a.item.name_span(),
            format!("`{}` provides `{cap}`", a.name),
        );
    }
    out.push(d);
}

/// SDD407: a release produced twice, or a `produces` of a version the inventory does not
/// declare.
fn check_produces(
    inventory: &Inventory<'_>,
    engagements: &[Engagement<'_>],
    out: &mut Vec<Diagnostic>,
) {
    let mut first: BTreeMap<(&str, semver::Version), (&str, AssetRef<'_>)> = BTreeMap::new();
    for e in engagements {
        for (component, r) in produced(e) {
            let (Some(asset), Some(version)) = (inventory.get(r.asset), r.version()) else {
                continue;
            };
            if !asset.declares(&version) {
                out.push(
                    asset.with_declared(Diagnostic::new(
                        Code::Sdd407,
                        r.file,
                        r.spec_span,
                        format!(
                            "`{component}` produces `{}` {version}, a version the inventory does not declare",
                            r.asset
                        ),
                    ))
                    .with_help(format!(
                        "have the asset's owner add the release (`version: {version}`), or record the version that was released"
                    )),
                );
                continue;
            }
            match first.get(&(r.asset, version.clone())) {
                Some((by, earlier)) => out.push(
                    Diagnostic::new(
                        Code::Sdd407,
                        r.file,
                        r.span(),
                        format!(
                            "`{}` {version} is produced twice: by `{}` and by `{by}`",
                            r.asset,
                            e.name()
                        ),
                    )
                    .with_label("second `produces` of this release")
                    .with_secondary(earlier.file, earlier.span(), format!("first produced by `{by}`"))
                    .with_help("one engagement produced it; the other `uses` that release, or produces a release of its own"),
                ),
                None => {
                    first.insert((r.asset, version), (e.name(), r));
                }
            }
        }
    }
}

/// One dependency edge for cycle detection: where it is written and what it says.
struct Link {
    from: usize,
    to: usize,
    file: FileId,
    span: Span,
}

/// A cycle: its links in order, starting at its smallest node, and every node of the
/// strongly connected component it lies in.
struct Cycle {
    links: Vec<usize>,
    knot: Vec<usize>,
}

/// One cycle per strongly connected component (or self-loop), found breadth first from the
/// component's first node, so it is the shortest cycle through that node.
///
/// The components come from petgraph's `kosaraju_scc`, which is iterative: its recursive
/// `tarjan_scc` took one stack frame per node of a chain and overflowed the stack on a
/// `requires` chain of 100,000 assets. Their order does not matter: the cycles are sorted by
/// their smallest node.
fn find_cycles(count: usize, links: &[Link]) -> Vec<Cycle> {
    let mut g: DiGraph<usize, usize> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..count).map(|i| g.add_node(i)).collect();
    let mut self_loop = vec![false; count];
    for (i, l) in links.iter().enumerate() {
        g.add_edge(nodes[l.from], nodes[l.to], i);
        if l.from == l.to {
            self_loop[l.from] = true;
        }
    }
    let mut cycles = Vec::new();
    for scc in kosaraju_scc(&g) {
        if let [single] = scc[..] {
            if !self_loop[g[single]] {
                continue;
            }
        }
        let mut knot: Vec<usize> = scc.iter().map(|n| g[*n]).collect();
        knot.sort();
        let start = knot[0];
        let members: BTreeSet<usize> = knot.iter().copied().collect();
        let mut pred: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut closing = None;
        'search: while let Some(u) = queue.pop_front() {
            let mut out: Vec<usize> = g.edges(nodes[u]).map(|e| *e.weight()).collect();
            out.sort();
            for l in out {
                let to = links[l].to;
                if to == start {
                    closing = Some(l);
                    break 'search;
                }
                if members.contains(&to) && !pred.contains_key(&to) {
                    pred.insert(to, l);
                    queue.push_back(to);
                }
            }
        }
        let Some(closing) = closing else { continue };
        let mut chain = vec![closing];
        let mut at = links[closing].from;
        while at != start {
            let Some(&l) = pred.get(&at) else { break };
            chain.push(l);
            at = links[l].from;
        }
        chain.reverse();
        cycles.push(Cycle { links: chain, knot });
    }
    cycles.sort_by_key(|c| links[c.links[0]].from);
    cycles
}

/// How many names of a cycle its message, its labels and its note show: a cycle through
/// thousands of assets is reported in a screenful, not one label per step.
const CYCLE_SHOWN: usize = 12;

fn cycle_diagnostic(
    code_kind: &str,
    verb: &str,
    names: &[&str],
    links: &[Link],
    cycle: &Cycle,
) -> Diagnostic {
    let start = links[cycle.links[0]].from;
    let mut path: Vec<&str> = vec![names[start]];
    path.extend(cycle.links.iter().map(|l| names[links[*l].to]));
    let closing = &links[*cycle.links.last().unwrap_or(&0)];
    let message = if cycle.links.len() == 1 {
        format!("cycle in `{code_kind}`: `{}` {verb} itself", names[start])
    } else if path.len() > CYCLE_SHOWN + 1 {
        // A long cycle: its first and last steps, with the length.
        let (head, tail) = (
            &path[..CYCLE_SHOWN / 2],
            &path[path.len() - CYCLE_SHOWN / 2..],
        );
        format!(
            "cycle in `{code_kind}` through {} names: {} -> ... ({} more) ... -> {}",
            cycle.links.len(),
            head.join(" -> "),
            path.len() - head.len() - tail.len(),
            tail.join(" -> ")
        )
    } else {
        format!("cycle in `{code_kind}`: {}", path.join(" -> "))
    };
    let mut d =
        Diagnostic::new(Code::Sdd404, closing.file, closing.span, message).with_label(format!(
            "`{}` {verb} `{}`, closing the cycle",
            names[closing.from], names[closing.to]
        ));
    let steps = &cycle.links[..cycle.links.len() - 1];
    for l in steps.iter().take(CYCLE_SHOWN) {
        let l = &links[*l];
        d = d.with_secondary(
            l.file,
            l.span,
            format!("`{}` {verb} `{}`", names[l.from], names[l.to]),
        );
    }
    let on_cycle: BTreeSet<usize> = cycle.links.iter().map(|l| links[*l].from).collect();
    if steps.len() > CYCLE_SHOWN {
        d = d.with_note(format!(
            "{} more steps of the cycle are not marked",
            steps.len() - CYCLE_SHOWN
        ));
    }
    let others: Vec<&usize> = (cycle.knot.iter())
        .filter(|n| !on_cycle.contains(n))
        .collect();
    if !others.is_empty() {
        let mut listed: Vec<String> = (others.iter().take(CYCLE_SHOWN))
            .map(|n| format!("`{}`", names[**n]))
            .collect();
        if others.len() > CYCLE_SHOWN {
            listed.push(format!("and {} more", others.len() - CYCLE_SHOWN));
        }
        d = d.with_note(format!(
            "also tangled in the same cycle: {}",
            listed.join(", ")
        ));
    }
    d
}

/// SDD404 in `requires`.
fn requires_cycles(inventory: &Inventory<'_>, out: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = inventory.assets.keys().copied().collect();
    let index = |n: &str| names.binary_search(&n).ok();
    let mut links = Vec::new();
    for (from, asset) in inventory.assets.values().enumerate() {
        for r in &asset.requires {
            if let Some(to) = index(r.asset) {
                links.push(Link {
                    from,
                    to,
                    file: r.file,
                    span: r.span(),
                });
            }
        }
    }
    for cycle in find_cycles(names.len(), &links) {
        out.push(
            cycle_diagnostic("requires", "requires", &names, &links, &cycle).with_help(
                "break the cycle at the dependency that is not real; a part both need belongs in a third asset they both require",
            ),
        );
    }
}

/// SDD404 in `extends`; returns the engagements on an `extends` cycle.
fn extends_cycles<'a>(
    ns: &Namespace<'a>,
    engagements: &[Engagement<'a>],
    out: &mut Vec<Diagnostic>,
) -> BTreeSet<&'a str> {
    let mut names: Vec<&str> = engagements.iter().map(|e| e.name()).collect();
    names.sort();
    let index = |n: &str| names.binary_search(&n).ok();
    let mut links = Vec::new();
    for e in engagements {
        let Some(f) = e.item.field("extends") else {
            continue;
        };
        let Some(target) = f.value.as_name() else {
            continue;
        };
        if ns.get_kind(target, "engagement").is_none() {
            continue;
        }
        if let (Some(from), Some(to)) = (index(e.name()), index(target)) {
            links.push(Link {
                from,
                to,
                file: e.file,
                span: f.value.span,
            });
        }
    }
    links.sort_by_key(|l| l.from);
    let mut in_cycle = BTreeSet::new();
    for cycle in find_cycles(names.len(), &links) {
        in_cycle.extend(cycle.knot.iter().map(|n| names[*n]));
        out.push(
            cycle_diagnostic("extends", "extends", &names, &links, &cycle).with_help(
                "Day-2 work starts from an earlier engagement's reconciled as-built: point `extends` at the engagement this work really builds on",
            ),
        );
    }
    in_cycle
}

/// How many of the diagnostics that keep an extended engagement from being reconciled each
/// SDD405 notes; the rest are counted. Every engagement that extends it repeats them.
pub const REASONS_SHOWN: usize = 10;

/// SDD405: `extends` of an engagement that is not reconciled. `governance` holds the
/// diagnostics found so far, to show what keeps a delivered engagement from being reconciled.
fn unreconciled_extends(
    estate: &Estate,
    ns: &Namespace<'_>,
    engagements: &[Engagement<'_>],
    facts: &[(FileId, Arc<Facts>)],
    in_cycle: &BTreeSet<&str>,
    governance: &[Diagnostic],
    out: &mut Vec<Diagnostic>,
) {
    // Each extending engagement's target, when SDD405 applies to it.
    let mut found = Vec::new();
    for e in engagements {
        let Some(f) = e.item.field("extends") else {
            continue;
        };
        let Some(target) = f.value.as_name() else {
            continue;
        };
        if in_cycle.contains(e.name()) && in_cycle.contains(target) {
            continue;
        }
        // `facts` is sorted by name.
        let at = facts.partition_point(|(_, x)| x.name.as_str() < target);
        let (Some(decl), Some((_, facts))) = (
            ns.get_kind(target, "engagement"),
            facts.get(at).filter(|(_, x)| x.name == target),
        ) else {
            continue;
        };
        if !facts.reconciled {
            found.push((e, f, target, decl, facts));
        }
    }
    let reasons = Reasons::of(
        governance,
        found
            .iter()
            .map(|(_, _, _, decl, _)| (decl.file, decl.item.span)),
    );
    for (e, f, target, decl, facts) in found {
        let status = facts.status.as_str();
        let why = match facts.status {
            Status::Drafting => "its spec is not approved (Gate 1 does not hold)",
            Status::Specified => "its design is not approved (Gate 2 does not hold)",
            Status::Approved => "nothing is built yet",
            Status::Building => "it has no as-built record yet",
            Status::Delivered | Status::Reconciled => "its as-built is not reconciled",
        };
        let mut d = Diagnostic::new(
            Code::Sdd405,
            e.file,
            f.value.span,
            format!(
                "`{}` extends `{target}`, which is not reconciled (status `{status}`)",
                e.name()
            ),
        )
        .with_label(format!("`{target}` is {status}: {why}"))
        .with_secondary(
            decl.file,
            decl.item.name_span(),
            format!("`{target}` is {status}"),
        )
        .with_help(format!(
            "reconcile `{target}` first, or remove `extends` if this work does not build on it"
        ));
        let inside = reasons.inside(decl.file, decl.item.span);
        for g in inside.iter().take(REASONS_SHOWN) {
            let (line, _) = estate
                .files
                .get(g.file())
                .line_col(g.primary.span.start as usize);
            d = d.with_note(format!(
                "{} {} ({}:{line})",
                g.code,
                g.message,
                estate.files.name(g.file())
            ));
        }
        if inside.len() > REASONS_SHOWN {
            d = d.with_note(format!(
                "and {} more of SDD301–SDD305 in `{target}`",
                inside.len() - REASONS_SHOWN
            ));
        }
        out.push(d);
    }
}

/// The diagnostics SDD301–SDD305 inside each extended engagement, in the order found, so
/// that each SDD405 looks its engagement's up instead of scanning every diagnostic.
struct Reasons<'d> {
    /// (file, span) of each extended engagement, sorted; top-level items do not overlap.
    targets: Vec<(FileId, Span)>,
    inside: Vec<Vec<&'d Diagnostic>>,
}

impl<'d> Reasons<'d> {
    fn of(governance: &'d [Diagnostic], targets: impl Iterator<Item = (FileId, Span)>) -> Self {
        let mut targets: Vec<(FileId, Span)> = targets.collect();
        targets.sort_unstable();
        targets.dedup();
        let mut inside = vec![Vec::new(); targets.len()];
        for g in governance {
            if !(Code::Sdd301..=Code::Sdd305).contains(&g.code) {
                continue;
            }
            let at = g.primary.span;
            // The last target that starts at or before the diagnostic, in its file.
            let i =
                targets.partition_point(|(file, span)| (*file, span.start) <= (g.file(), at.start));
            let Some(i) = i.checked_sub(1) else {
                continue;
            };
            let (file, span) = targets[i];
            if file == g.file() && span.start <= at.start && at.end <= span.end {
                inside[i].push(g);
            }
        }
        Reasons { targets, inside }
    }

    fn inside(&self, file: FileId, span: Span) -> &[&'d Diagnostic] {
        match self.targets.binary_search(&(file, span)) {
            Ok(i) => &self.inside[i],
            Err(_) => &[],
        }
    }
}
