//! Impact analysis (`sdd impact`): every asset, component and engagement that depends on an
//! asset, directly or through `requires`, with the constraint that ties each to it.
//!
//! With a version, a direct dependent whose constraint excludes that version would stay on an
//! older release: it is listed as unaffected and what depends on it only through it is not
//! followed.

use std::collections::{BTreeSet, VecDeque};

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
    /// The constraint that ties it to `on`.
    pub constraint: String,
    /// The chain from `on` down to the changed asset (`[on]` for a direct dependent).
    pub path: Vec<String>,
}

/// The blast radius of changing an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub asset: String,
    /// The release asked about (`--version`).
    pub version: Option<String>,
    /// Assets that require it, directly or transitively.
    pub assets: Vec<Dependent>,
    /// Components that reuse it or an asset of `assets`.
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
        let mut queue = VecDeque::from([(start, vec![asset.to_string()])]);
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
                .filter(|e| matches!(e.weight().kind, EdgeKind::Requires | EdgeKind::Reuses))
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
                    path: path.clone(),
                };
                let excluded = at == start
                    && version.is_some_and(|v| {
                        VersionReq::parse(&e.weight().spec).is_ok_and(|req| !req.matches(v))
                    });
                if excluded {
                    impact.unaffected.push(dependent);
                    continue;
                }
                match e.weight().kind {
                    EdgeKind::Requires => {
                        let mut next = vec![self.graph[from].label()];
                        next.extend(path.iter().cloned());
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
                _ => None,
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
