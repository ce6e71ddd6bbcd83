//! The releases a design installs, and the releases the estate names.
//!
//! - [`dependencies`]: every constraint a design puts on an asset, directly (a component's
//!   `reuses`) or through the inventory's `requires`, breadth first in design order.
//! - [`installed`]: the one release of each asset the design installs, the highest declared
//!   release that satisfies every constraint on it. The manifest's `asset_versions` and every
//!   `resolved` in it are this release, so a platform reads one answer.
//! - The checks: constraints that each resolve but no release satisfies together (SDD402), a
//!   `built` entry that `uses` a release the inventory does not declare (SDD402), and an
//!   asset's `versions` newer than its `version` (SDD103).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use semver::{Version, VersionReq};

use crate::check::engagement::Engagement;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::syntax::{Keyword, ValueKind};

use super::{components, AssetRef, Inventory};

/// What brought a constraint into a design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By<'a> {
    /// A component's `reuses`.
    Component(&'a str),
    /// An asset's `requires`.
    Asset(&'a str),
}

/// One constraint a design puts on an asset.
#[derive(Debug, Clone, Copy)]
pub struct Dependency<'a> {
    pub on: AssetRef<'a>,
    pub by: By<'a>,
    /// The component whose `reuses` brought it in, directly or through `requires`, and that
    /// `reuses`.
    pub component: &'a str,
    pub root: AssetRef<'a>,
}

/// Every constraint the design of `e` puts on an asset: each component's `reuses`, then the
/// `requires` of the assets they bring in, breadth first in design order. Each asset's
/// `requires` is followed once, so a cycle (SDD404) ends.
pub fn dependencies<'a>(inventory: &Inventory<'a>, e: &Engagement<'a>) -> Vec<Dependency<'a>> {
    // Most designs reuse nothing, or no design yet: nothing to gather.
    let reuses = |c: &crate::syntax::Item| c.field("reuses").is_some();
    if !Engagement::children(e.design, Keyword::Component).any(reuses) {
        return Vec::new();
    }
    let mut queue: VecDeque<Dependency<'a>> = (components(e).into_iter())
        .filter_map(|c| {
            let r = c.reuses?;
            Some(Dependency {
                on: r,
                by: By::Component(c.name()),
                component: c.name(),
                root: r,
            })
        })
        .collect();
    let mut out = Vec::new();
    let mut expanded = BTreeSet::new();
    while let Some(d) = queue.pop_front() {
        let (asset, component, root) = (inventory.get(d.on.asset), d.component, d.root);
        out.push(d);
        let Some(asset) = asset else {
            continue;
        };
        if expanded.insert(asset.name) {
            queue.extend(asset.requires.iter().map(|r| Dependency {
                on: *r,
                by: By::Asset(asset.name),
                component,
                root,
            }));
        }
    }
    out
}

/// The release of each asset in `dependencies` the design installs: the highest declared
/// release that satisfies every constraint on it, `None` when none does (or the asset is
/// not in the inventory). A constraint that does not parse is SDD103's and is left out.
pub fn installed<'i>(
    inventory: &'i Inventory<'_>,
    dependencies: &[Dependency<'_>],
) -> BTreeMap<String, Option<&'i Version>> {
    releases_of(inventory, dependencies, 1)
}

/// [`installed`] for the assets the design puts two or more constraints on: the only ones
/// whose installed release may differ from what each constraint alone resolves to (and the
/// only ones worth working out while checking, where most designs name an asset once).
pub fn contested<'i>(
    inventory: &'i Inventory<'_>,
    dependencies: &[Dependency<'_>],
) -> BTreeMap<String, Option<&'i Version>> {
    releases_of(inventory, dependencies, 2)
}

/// [`installed`] for the assets the design puts at least `constraints` constraints on.
fn releases_of<'i>(
    inventory: &'i Inventory<'_>,
    dependencies: &[Dependency<'_>],
    constraints: usize,
) -> BTreeMap<String, Option<&'i Version>> {
    (by_asset(dependencies).into_iter())
        .filter(|(_, on)| on.len() >= constraints)
        .map(|(name, on)| (name.to_string(), release(inventory, name, &on)))
        .collect()
}

/// The dependencies on each asset, in their order.
fn by_asset<'d, 'a>(
    dependencies: &'d [Dependency<'a>],
) -> BTreeMap<&'a str, Vec<&'d Dependency<'a>>> {
    let mut out: BTreeMap<&str, Vec<&Dependency<'_>>> = BTreeMap::new();
    for d in dependencies {
        out.entry(d.on.asset).or_default().push(d);
    }
    out
}

/// The highest declared release of `name` that satisfies every constraint of `on`.
fn release<'i>(
    inventory: &'i Inventory<'_>,
    name: &str,
    on: &[&Dependency<'_>],
) -> Option<&'i Version> {
    let asset = inventory.get(name)?;
    let reqs: Vec<VersionReq> = on.iter().filter_map(|d| d.on.requirement()).collect();
    asset
        .releases
        .iter()
        .find(|v| reqs.iter().all(|r| r.matches(v)))
}

/// SDD402 for the releases one engagement names: constraints on one asset that each resolve
/// but that no declared release satisfies together (a warning on `delivered` work, as in
/// [`super::check_engagement`]), and a `built` entry that `uses` a release the inventory does
/// not declare.
pub(super) fn check_engagement(
    inventory: &Inventory<'_>,
    e: &Engagement<'_>,
    deps: &[Dependency<'_>],
    delivered: bool,
    out: &mut Vec<Diagnostic>,
) {
    let before = out.len();
    for (name, on) in by_asset(deps) {
        let Some(asset) = inventory.get(name) else {
            continue;
        };
        // One constraint alone resolves; one that does not is SDD402 where it is written.
        if on.len() < 2 || asset.releases.is_empty() || release(inventory, name, &on).is_some() {
            continue;
        }
        let each_resolves =
            (on.iter()).all(|d| (d.on.requirement()).is_some_and(|r| asset.resolve(&r).is_some()));
        if !each_resolves {
            continue;
        }
        let first = on[0];
        let mut d = Diagnostic::new(
            Code::Sdd402,
            first.root.file,
            first.root.spec_span,
            format!(
                "no declared release of `{name}` satisfies every constraint this design puts on it"
            ),
        )
        .with_label(match first.by {
            By::Component(c) => format!("component `{c}` reuses `{name}` \"{}\"", first.on.spec),
            By::Asset(a) => format!(
                "component `{}` brings in `{name}` \"{}\" through `{a}`",
                first.component, first.on.spec
            ),
        });
        for other in &on {
            if std::ptr::eq(*other, first) && matches!(first.by, By::Component(_)) {
                continue;
            }
            let by = match other.by {
                By::Component(c) => format!("component `{c}` reuses"),
                By::Asset(a) => format!("`{a}` requires"),
            };
            d = d.with_secondary(
                other.on.file,
                other.on.spec_span,
                format!("{by} `{name}` \"{}\"", other.on.spec),
            );
        }
        out.push(
            d.with_note(format!("`{name}` declares {}", asset.releases_text()))
                .with_help("one release is installed per asset: change a constraint so that one declared release satisfies them all"),
        );
    }
    undeclared_uses(inventory, e, out);
    if delivered {
        out[before..].iter_mut().for_each(super::checks::as_history);
    }
}

/// SDD402: a `built` entry `uses` a release the inventory does not declare.
fn undeclared_uses(inventory: &Inventory<'_>, e: &Engagement<'_>, out: &mut Vec<Diagnostic>) {
    for built in Engagement::children(e.as_built, Keyword::Built) {
        let Some(r) = (built.field("uses")).and_then(|f| AssetRef::read(e.file, &f.value)) else {
            continue;
        };
        let (Some(asset), Some(version)) = (inventory.get(r.asset), r.version()) else {
            continue;
        };
        if asset.releases.is_empty() || asset.declares(&version) {
            continue;
        }
        out.push(
            asset
                .with_declared(Diagnostic::new(
                    Code::Sdd402,
                    e.file,
                    r.spec_span,
                    format!(
                    "`{}` was built with `{}` {version}, a release the inventory does not declare",
                    built.name_text().unwrap_or("?"),
                    r.asset
                ),
                ))
                .with_help(
                    "record the release that was installed, or have the asset's owner declare it",
                ),
        );
    }
}

/// SDD103 on each asset's `versions`: the older releases still available, so each is below
/// `version`. A newer one would be what every constraint resolves to while the inventory
/// calls another release current. (The current release listed again changes nothing.)
pub(super) fn check_release_lists(inventory: &Inventory<'_>, out: &mut Vec<Diagnostic>) {
    for asset in inventory.assets.values() {
        let Some(current) = &asset.version else {
            continue;
        };
        let Some(ValueKind::List(values)) = asset.item.field("versions").map(|f| &f.value.kind)
        else {
            continue;
        };
        for value in values {
            let ValueKind::Version(text) = &value.kind else {
                continue;
            };
            let Ok(v) = Version::parse(text) else {
                continue;
            };
            if v > *current {
                out.push(
                    Diagnostic::new(
                        Code::Sdd103,
                        asset.file,
                        value.span,
                        format!(
                            "`versions` lists the older releases of `{}`, but {v} is newer than its `version` {current}",
                            asset.name
                        ),
                    )
                    .with_label("not an older release")
                    .with_secondary(asset.file, asset.field_span("version"), "the current release")
                    .with_help("make the newest release the `version`, and list the others in `versions`"),
                );
            }
        }
    }
}
