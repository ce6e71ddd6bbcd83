//! Impact analysis (`sdd impact`): every asset, component and engagement that depends on an
//! asset, directly or through `requires`, with the constraint that ties each to it: a design's
//! `reuses`, or the `uses` of an as-built that ran an asset its design did not name.
//!
//! With a version, a direct dependent whose constraint excludes that version would stay on an
//! older release: it is listed as unaffected and what depends on it only through it is not
//! followed. A component is judged by its whole design, as the manifest's installed releases
//! are ([`super::releases`]): with the version declared, its design would install it only if
//! every constraint the design puts on the asset admits it and no newer declared release
//! does; otherwise the component is unaffected too, with the reason ([`Designs`]).
//!
//! Each dependent's [`Path`] shares its tail with the path of the asset it goes through, so
//! the dependents of a `requires` chain of depth D hold D names in all, not D²/2 (a chain of
//! 100,000 assets copied five billion names).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use petgraph::visit::EdgeRef;
use petgraph::Direction;
use semver::{Version, VersionReq};
use serde::Serialize;

use crate::check::engagement::Engagement;

use super::{releases, EdgeKind, Inventory, Node, ReuseGraph};

/// One dependent of an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependent {
    pub node: Node,
    /// The asset it names directly: the changed asset or one that requires it.
    pub on: String,
    /// The constraint that ties it to `on` (for `uses`, the release that ran).
    pub constraint: String,
    /// How: `requires`, `reuses`, or `uses` (an as-built that ran it outside the design).
    pub via: EdgeKind,
    /// The chain from `on` down to the changed asset (`[on]` for a direct dependent).
    pub path: Path,
    /// For a dependent the release asked about leaves alone: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

/// A chain of asset names, first to last; written (JSON) as a list of names. Paths that end
/// alike share their end.
#[derive(Clone, Default)]
pub struct Path(Option<Arc<Step>>);

struct Step {
    name: String,
    /// Names from this one to the end.
    len: usize,
    rest: Path,
}

impl Path {
    /// `name`, then `rest`.
    pub fn then(name: String, rest: &Path) -> Path {
        Path(Some(Arc::new(Step {
            name,
            len: rest.len() + 1,
            rest: rest.clone(),
        })))
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |s| s.len)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The names, first to last.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        std::iter::successors(self.0.as_deref(), |s| s.rest.0.as_deref()).map(|s| s.name.as_str())
    }
}

impl Drop for Path {
    /// One step at a time: the default drop of a long chain recursed once per name.
    fn drop(&mut self) {
        let mut next = self.0.take();
        while let Some(step) = next {
            next = match Arc::try_unwrap(step) {
                Ok(mut step) => step.rest.0.take(),
                // Another path still holds the rest.
                Err(_) => None,
            };
        }
    }
}

impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Path {}

impl<const N: usize> PartialEq<[&str; N]> for Path {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.len() == N && self.iter().eq(other.iter().copied())
    }
}

impl std::fmt::Debug for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// The blast radius of changing an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub asset: String,
    /// The release asked about (`--version`).
    pub version: Option<String>,
    /// Assets that require it, directly or transitively.
    pub assets: Vec<Dependent>,
    /// Components that reuse it or an asset of `assets`, or whose as-built used one outside
    /// the design (an engagement's own node for a `built` entry of no component).
    pub components: Vec<Dependent>,
    /// The engagements of those components, sorted.
    pub engagements: Vec<String>,
    /// With a version: the dependents that would not move to it, each with why: a direct
    /// dependent's constraint excludes it, a component's design would install another release
    /// (its constraints on the asset together exclude the version, or a newer declared
    /// release satisfies them), or an as-built ran another release.
    pub unaffected: Vec<Dependent>,
}

/// The releases each asset declares, and the constraints each design puts on each asset
/// (its components' `reuses` and the `requires` they bring in): what tells which release a
/// design would install were one more declared.
#[derive(Debug, Default)]
pub(super) struct Designs {
    releases: BTreeMap<String, Vec<Version>>,
    /// engagement → asset → constraints; only designs that reuse something.
    constraints: BTreeMap<String, BTreeMap<String, Vec<VersionReq>>>,
}

impl Designs {
    pub(super) fn of(inventory: &Inventory<'_>) -> Designs {
        Designs {
            releases: (inventory.assets.values())
                .map(|a| (a.name.to_string(), a.releases.clone()))
                .collect(),
            constraints: BTreeMap::new(),
        }
    }

    /// Records the constraints the design of `e` puts on each asset.
    pub(super) fn record(
        &mut self,
        engagement: &str,
        inventory: &Inventory<'_>,
        e: &Engagement<'_>,
    ) {
        let dependencies = releases::dependencies(inventory, e);
        if dependencies.is_empty() {
            return;
        }
        let mut on: BTreeMap<String, Vec<VersionReq>> = BTreeMap::new();
        for d in &dependencies {
            let constraints = on.entry(d.on.asset.to_string()).or_default();
            // One that does not parse is SDD103's, and constrains nothing here.
            constraints.extend(d.on.requirement());
        }
        self.constraints.insert(engagement.to_string(), on);
    }

    /// Why the design of `engagement` would not install `version` of `asset` were it declared
    /// (`None` when it would).
    fn passes_over(&self, engagement: &str, asset: &str, version: &Version) -> Option<String> {
        let constraints = self.constraints.get(engagement)?.get(asset)?;
        let admits = |v: &Version| constraints.iter().all(|r| r.matches(v));
        if !admits(version) {
            return Some(format!(
                "its design's constraints on {asset} together exclude {version}"
            ));
        }
        let newer = (self.releases.get(asset)?.iter()).find(|v| *v > version && admits(v))?;
        Some(format!("its design installs the newer {asset} {newer}"))
    }
}

impl ReuseGraph {
    /// What depends on `asset`; `None` when the graph has no such asset.
    pub fn impact(&self, asset: &str, version: Option<&Version>) -> Option<Impact> {
        let start = self.find(&Node::Asset {
            name: asset.to_string(),
        })?;
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([(start, Path::then(asset.to_string(), &Path::default()))]);
        let mut impact = Impact {
            asset: asset.to_string(),
            version: version.map(|v| v.to_string()),
            assets: Vec::new(),
            components: Vec::new(),
            engagements: Vec::new(),
            unaffected: Vec::new(),
        };
        while let Some((at, path)) = queue.pop_front() {
            let on = self.graph[at].label();
            let mut incoming: Vec<_> = self
                .graph
                .edges_directed(at, Direction::Incoming)
                .filter(|e| {
                    matches!(
                        e.weight().kind,
                        EdgeKind::Requires | EdgeKind::Reuses | EdgeKind::Uses
                    )
                })
                .collect();
            incoming.sort_by(|a, b| {
                (&self.graph[a.source()], &a.weight().spec)
                    .cmp(&(&self.graph[b.source()], &b.weight().spec))
            });
            for e in incoming {
                let from = e.source();
                if !seen.insert(from) {
                    continue;
                }
                let mut dependent = Dependent {
                    node: self.graph[from].clone(),
                    on: on.clone(),
                    constraint: e.weight().spec.clone(),
                    via: e.weight().kind,
                    path: path.clone(),
                    because: None,
                };
                if let Some(v) = version {
                    dependent.because = self.passes_over(&dependent, at == start, asset, v);
                }
                if dependent.because.is_some() {
                    impact.unaffected.push(dependent);
                    continue;
                }
                match e.weight().kind {
                    EdgeKind::Requires => {
                        let next = Path::then(self.graph[from].label(), &path);
                        impact.assets.push(dependent);
                        queue.push_back((from, next));
                    }
                    _ => impact.components.push(dependent),
                }
            }
        }
        let mut engagements: Vec<String> = impact
            .components
            .iter()
            .filter_map(|d| match &d.node {
                Node::Component { engagement, .. } => Some(engagement.clone()),
                // A `built` entry of no component that used the asset.
                Node::Engagement { name } => Some(name.clone()),
                Node::Asset { .. } => None,
            })
            .collect();
        engagements.sort();
        engagements.dedup();
        impact.engagements = engagements;
        for list in [
            &mut impact.assets,
            &mut impact.components,
            &mut impact.unaffected,
        ] {
            list.sort_by(|a, b| a.node.cmp(&b.node));
        }
        Some(impact)
    }

    /// Why `version` of `asset` would leave `d` alone, if it would: `direct` when `d` names
    /// the asset itself.
    fn passes_over(
        &self,
        d: &Dependent,
        direct: bool,
        asset: &str,
        version: &Version,
    ) -> Option<String> {
        match (d.via, &d.node) {
            // A `uses` records the one release that ran: another is not its.
            (EdgeKind::Uses, _) => (direct
                && Version::parse(&d.constraint).is_ok_and(|u| u != *version))
            .then(|| format!("it ran {}", d.constraint)),
            _ if direct
                && VersionReq::parse(&d.constraint).is_ok_and(|req| !req.matches(version)) =>
            {
                Some(format!("its constraint excludes {version}"))
            }
            (EdgeKind::Reuses, Node::Component { engagement, .. }) => {
                self.designs.passes_over(engagement, asset, version)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn a_path_shares_its_end_and_is_written_as_a_list() {
        let end = Path::then("c".into(), &Path::default());
        let b = Path::then("b".into(), &end);
        let a = Path::then("a".into(), &b);
        assert_eq!((a.len(), b.len(), end.len()), (3, 2, 1));
        assert_eq!(a, ["a", "b", "c"]);
        assert_eq!(
            b.clone(),
            Path::then("b".into(), &Path::then("c".into(), &Path::default()))
        );
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), r#"["a", "b", "c"]"#);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"["a","b","c"]"#);
        drop(b);
        assert_eq!(a.iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn a_long_path_is_dropped_without_a_deep_stack() {
        std::thread::Builder::new()
            .stack_size(64 << 10)
            .spawn(|| {
                let mut path = Path::default();
                for i in 0..1_000_000 {
                    path = Path::then(i.to_string(), &path);
                }
                assert_eq!(path.len(), 1_000_000);
            })
            .expect("a thread")
            .join()
            .expect("no overflow");
    }
}
