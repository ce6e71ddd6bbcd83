//! Impact analysis (`sdd impact`): every asset, component and engagement that depends on an
//! asset, directly or through `requires`, with the constraint that ties each to it: a design's
//! `reuses`, or the `uses` of an as-built that ran an asset its design did not name.
//!
//! With a version, a direct dependent whose constraint excludes that version would stay on an
//! older release: it is listed as unaffected and what depends on it only through it is not
//! followed.
//!
//! Each dependent's [`Path`] shares its tail with the path of the asset it goes through, so
//! the dependents of a `requires` chain of depth D hold D names in all, not D²/2 (a chain of
//! 100,000 assets copied five billion names).

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use petgraph::visit::EdgeRef;
use petgraph::Direction;
use semver::{Version, VersionReq};
use serde::Serialize;

use super::{EdgeKind, Node, ReuseGraph};

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
    /// With a version: direct dependents whose constraint excludes it.
    pub unaffected: Vec<Dependent>,
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
                let dependent = Dependent {
                    node: self.graph[from].clone(),
                    on: on.clone(),
                    constraint: e.weight().spec.clone(),
                    via: e.weight().kind,
                    path: path.clone(),
                };
                // A `uses` records the one release that ran: another is not its.
                let excluded = at == start
                    && version.is_some_and(|v| match e.weight().kind {
                        EdgeKind::Uses => Version::parse(&e.weight().spec).is_ok_and(|u| u != *v),
                        _ => VersionReq::parse(&e.weight().spec).is_ok_and(|req| !req.matches(v)),
                    });
                if excluded {
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
