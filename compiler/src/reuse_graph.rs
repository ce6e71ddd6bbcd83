//! The reuse dependency graph over assets, engagements and components (SDD402–SDD407), and
//! impact analysis.
//!
//! [`Inventory`] reads the `asset` declarations (versions, status, capabilities, `requires`);
//! [`ReuseGraph`] is the petgraph model the checks, `sdd graph` and `sdd impact` share: nodes
//! for assets, engagements and components, edges for `reuses`, `requires`, `extends`,
//! `produces` and the engagement → component containment. Names the type checker reported as
//! unknown (SDD101, SDD401) are simply left out of the graph. Nodes are added in sorted order
//! and edges in source order, so everything derived from the graph is deterministic.

mod checks;
mod impact;
pub mod releases;

use std::collections::BTreeMap;
use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use semver::VersionReq;
use serde::Serialize;

use crate::check::engagement::{self as eng, Engagement};
use crate::check::governance::Facts;
use crate::check::names::{Decl, Namespace};
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::source::{FileId, Span};
use crate::syntax::Keyword;
use crate::syntax::{Item, Value, ValueKind};

pub use impact::{Dependent, Impact, Path};
/// Versions as the reuse graph and `impact` take them.
pub use semver::Version;

/// Reuse-graph checks over the whole estate; runs after governance so that `extends` can
/// see whether the extended engagement is reconciled. The checks of each engagement's own
/// components are [`check_engagement`]'s.
pub fn check(
    estate: &Estate,
    ns: &Namespace<'_>,
    inventory: &Inventory<'_>,
    facts: &[(FileId, Arc<Facts>)],
    out: &mut Vec<Diagnostic>,
) {
    checks::run(estate, ns, inventory, facts, out);
}

/// Reuse checks of one engagement's components against the inventory: unsatisfiable or
/// deprecated `reuses` (SDD402, SDD403) and missed reuse (SDD406). `delivered`: the engagement
/// has an as-built record under a design approval of its current content, so its reuse is
/// history, and the inventory moving on since (a release dropped, the asset retired) is a
/// warning on it, not an error.
/// `deps`: the design's [`releases::dependencies`].
pub fn check_engagement(
    inventory: &Inventory<'_>,
    e: &Engagement<'_>,
    deps: &[releases::Dependency<'_>],
    delivered: bool,
    out: &mut Vec<Diagnostic>,
) {
    checks::run_engagement(inventory, e, deps, delivered, out);
}

/// A reference to an asset with a version constraint (`reuses`, `requires`) or an exact
/// version (`uses`, `produces`), as written.
#[derive(Debug, Clone, Copy)]
pub struct AssetRef<'a> {
    pub file: FileId,
    pub asset: &'a str,
    pub name_span: Span,
    /// The constraint or version as written; `*` for a bare name.
    pub spec: &'a str,
    /// The span of the constraint or version, else of the name.
    pub spec_span: Span,
}

impl<'a> AssetRef<'a> {
    /// Read `name "constraint"`, `name 1.2.3`, or a bare `name` (any version).
    pub fn read(file: FileId, value: &'a Value) -> Option<AssetRef<'a>> {
        match &value.kind {
            ValueKind::Ref { name, spec } => {
                let text = match &spec.kind {
                    ValueKind::Str(s) => s.as_str(),
                    ValueKind::Version(s) => s.as_str(),
                    _ => return None,
                };
                Some(AssetRef {
                    file,
                    asset: &name.text,
                    name_span: name.span,
                    spec: text,
                    spec_span: spec.span,
                })
            }
            ValueKind::Name(name) => Some(AssetRef {
                file,
                asset: name,
                name_span: value.span,
                spec: "*",
                spec_span: value.span,
            }),
            _ => None,
        }
    }

    /// The span of the whole reference.
    pub fn span(&self) -> Span {
        self.name_span.to(self.spec_span)
    }

    /// The constraint, when it parses (an invalid one is SDD103's business).
    pub fn requirement(&self) -> Option<VersionReq> {
        VersionReq::parse(self.spec).ok()
    }

    /// The exact version, when it parses.
    pub fn version(&self) -> Option<Version> {
        Version::parse(self.spec).ok()
    }
}

/// One asset declaration of the inventory.
#[derive(Debug, Clone)]
pub struct Asset<'a> {
    pub name: &'a str,
    pub file: FileId,
    pub item: &'a Item,
    /// The current release (`version`), when it parses.
    pub version: Option<Version>,
    /// Every declared release (`version` and `versions`), highest first, without duplicates.
    pub releases: Vec<Version>,
    pub status: Option<&'a str>,
    pub provides: Vec<&'a str>,
    pub requires: Vec<AssetRef<'a>>,
}

/// Most releases of an asset a diagnostic lists (the highest): an asset of thousands of
/// releases, listed in full twice in each of thousands of diagnostics about it, made the
/// output quadratic (8,000 of each: 9 s and 2.7 GB).
pub const RELEASES_SHOWN: usize = 20;

impl<'a> Asset<'a> {
    fn read(decl: Decl<'a>) -> Asset<'a> {
        let item = decl.item;
        let version = match item.field("version").map(|f| &f.value.kind) {
            Some(ValueKind::Version(v)) => Version::parse(v).ok(),
            _ => None,
        };
        let mut releases: Vec<Version> = version.iter().cloned().collect();
        if let Some(ValueKind::List(values)) = item.field("versions").map(|f| &f.value.kind) {
            releases.extend(values.iter().filter_map(|v| match &v.kind {
                ValueKind::Version(v) => Version::parse(v).ok(),
                _ => None,
            }));
        }
        releases.sort_by(|a, b| b.cmp(a));
        releases.dedup();
        let requires = match item.field("requires").map(|f| &f.value) {
            Some(Value {
                kind: ValueKind::List(values),
                ..
            }) => values
                .iter()
                .filter_map(|v| AssetRef::read(decl.file, v))
                .collect(),
            Some(v) => AssetRef::read(decl.file, v).into_iter().collect(),
            None => Vec::new(),
        };
        Asset {
            name: item.name_text().unwrap_or(""),
            file: decl.file,
            item,
            version,
            releases,
            status: eng::name(item, "status"),
            provides: eng::names(item, "provides"),
            requires,
        }
    }

    /// The highest declared release that satisfies a constraint.
    pub fn resolve(&self, req: &VersionReq) -> Option<&Version> {
        self.releases.iter().find(|v| req.matches(v))
    }

    /// The declared releases as text, highest first: `3.2.0, 3.1.0`; past
    /// [`RELEASES_SHOWN`], the highest ones and how many more.
    pub fn releases_text(&self) -> String {
        let shown: Vec<String> = (self.releases.iter().take(RELEASES_SHOWN))
            .map(|v| v.to_string())
            .collect();
        match self.releases.len() {
            0 => "no valid version".to_string(),
            n if n > RELEASES_SHOWN => {
                format!("{} and {} more", shown.join(", "), n - RELEASES_SHOWN)
            }
            _ => shown.join(", "),
        }
    }

    /// A diagnostic about a release of this asset, labelled with the releases it declares,
    /// there and at the asset's `version`.
    pub fn with_declared(&self, d: Diagnostic) -> Diagnostic {
        d.with_label(format!("declared: {}", self.releases_text()))
            .with_secondary(
                self.file,
                self.field_span("version"),
                format!("`{}` declares {}", self.name, self.releases_text()),
            )
    }

    /// Does the inventory declare this exact release?
    pub fn declares(&self, version: &Version) -> bool {
        // Sorted highest first (and deduplicated) when read.
        (self.releases.binary_search_by(|v| version.cmp(v))).is_ok()
    }

    /// The span of a field's value, else of the asset's name.
    pub fn field_span(&self, field: &str) -> Span {
        self.item
            .field(field)
            .map(|f| f.value.span)
            .unwrap_or_else(|| self.item.name_span())
    }
}

/// The asset inventory: every `asset` declaration, by name, and the active assets by the
/// capabilities they provide, so that a component's missed reuse (SDD406) or a deprecated
/// asset's replacements (SDD403) are looked up, not searched for through every asset.
#[derive(Debug, Default)]
pub struct Inventory<'a> {
    pub assets: BTreeMap<&'a str, Asset<'a>>,
    /// Capability → the active assets that provide it, by name.
    providers: BTreeMap<&'a str, Vec<&'a str>>,
    /// A deprecated or retired asset of more than one capability → the shortlist of the
    /// active assets that provide any of them. Assets of the same capabilities share one.
    replacements: BTreeMap<&'a str, Shortlist<'a>>,
}

/// The first few of a list of asset names sorted by name, and how long the whole list is:
/// what a diagnostic names of a list that may run to thousands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shortlist<'a> {
    /// At most [`SHORTLISTED`] names, sorted.
    pub first: Vec<&'a str>,
    pub total: usize,
}

/// How many names a [`Shortlist`] keeps: as many as a diagnostic names.
const SHORTLISTED: usize = checks::PROVIDERS_SHOWN;

impl<'a> Shortlist<'a> {
    fn of(sorted: &[&'a str]) -> Shortlist<'a> {
        Shortlist {
            first: sorted.iter().take(SHORTLISTED).copied().collect(),
            total: sorted.len(),
        }
    }

    /// The shortlist of the union of sorted, duplicate-free lists of names. Only the lists
    /// other than the longest are gathered and sorted; the longest is searched, so a set of
    /// capabilities of which one is provided by thousands of assets costs what the others do.
    fn of_union(lists: &[&[&'a str]]) -> Shortlist<'a> {
        let Some(longest) = (0..lists.len()).max_by_key(|&i| lists[i].len()) else {
            return Shortlist::default();
        };
        let mut others: Vec<&'a str> = (lists.iter().enumerate())
            .filter(|&(i, _)| i != longest)
            .flat_map(|(_, list)| list.iter().copied())
            .filter(|name| lists[longest].binary_search(name).is_err())
            .collect();
        others.sort_unstable();
        others.dedup();
        let mut first: Vec<&'a str> = (lists[longest].iter().take(SHORTLISTED))
            .chain(others.iter().take(SHORTLISTED))
            .copied()
            .collect();
        first.sort_unstable();
        first.truncate(SHORTLISTED);
        Shortlist {
            first,
            total: lists[longest].len() + others.len(),
        }
    }
}

impl<'a> Inventory<'a> {
    pub fn new(ns: &Namespace<'a>) -> Inventory<'a> {
        let assets: BTreeMap<&'a str, Asset<'a>> = ns
            .of_kind("asset")
            .into_iter()
            .map(Asset::read)
            .map(|a| (a.name, a))
            .collect();
        let mut providers: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for a in assets.values().filter(|a| a.status == Some("active")) {
            for cap in &a.provides {
                let list = providers.entry(cap).or_default();
                // Assets come by name, so a capability listed twice is the last one pushed.
                if list.last() != Some(&a.name) {
                    list.push(a.name);
                }
            }
        }
        let mut replacements = BTreeMap::new();
        let mut by_capabilities: BTreeMap<Vec<&'a str>, Shortlist<'a>> = BTreeMap::new();
        for a in assets.values() {
            if !matches!(a.status, Some("deprecated" | "retired")) {
                continue;
            }
            let mut capabilities = a.provides.clone();
            capabilities.sort_unstable();
            capabilities.dedup();
            if capabilities.len() < 2 {
                continue;
            }
            let list = by_capabilities
                .entry(capabilities)
                .or_insert_with_key(|caps| {
                    let lists: Vec<&[&'a str]> = (caps.iter())
                        .filter_map(|c| providers.get(c))
                        .map(Vec::as_slice)
                        .collect();
                    Shortlist::of_union(&lists)
                });
            replacements.insert(a.name, list.clone());
        }
        Inventory {
            assets,
            providers,
            replacements,
        }
    }

    /// The active assets that provide `capability`, sorted by name.
    pub fn providers(&self, capability: &str) -> &[&'a str] {
        self.providers.get(capability).map_or(&[], Vec::as_slice)
    }

    /// What could replace a deprecated or retired asset: the active assets that provide any
    /// capability it provides, sorted by name, as a shortlist. Empty for an asset of another
    /// status.
    pub fn replacements(&self, asset: &Asset<'a>) -> Shortlist<'a> {
        if !matches!(asset.status, Some("deprecated" | "retired")) {
            return Shortlist::default();
        }
        match self.replacements.get(asset.name) {
            Some(list) => list.clone(),
            // Of one capability: the lists kept above are of two or more.
            None => Shortlist::of(asset.provides.first().map_or(&[], |c| self.providers(c))),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Asset<'a>> {
        self.assets.get(name)
    }

    /// The highest declared release of `asset` satisfying `constraint`.
    pub fn resolve(&self, asset: &str, constraint: &str) -> Option<&Version> {
        let req = VersionReq::parse(constraint).ok()?;
        self.get(asset)?.resolve(&req)
    }
}

/// A component of an engagement's design, with what the reuse checks read.
#[derive(Debug, Clone, Copy)]
pub struct Component<'a> {
    pub item: &'a Item,
    pub reuses: Option<AssetRef<'a>>,
    pub capability: Option<&'a Value>,
    pub new_because: bool,
}

impl<'a> Component<'a> {
    pub fn read(file: FileId, item: &'a Item) -> Component<'a> {
        Component {
            item,
            reuses: item
                .field("reuses")
                .and_then(|f| AssetRef::read(file, &f.value)),
            capability: item
                .field("capability")
                .map(|f| &f.value)
                .filter(|v| v.as_name().is_some()),
            new_because: eng::given(item, "new_because"),
        }
    }

    pub fn name(&self) -> &'a str {
        self.item.name_text().unwrap_or("")
    }
}

/// Every design component of an engagement, in source order.
pub fn components<'a>(e: &Engagement<'a>) -> Vec<Component<'a>> {
    Engagement::children(e.design, Keyword::Component)
        .map(|c| Component::read(e.file, c))
        .collect()
}

/// `built X { produces: ASSET v }` entries: (component name, reference).
pub fn produced<'a>(e: &Engagement<'a>) -> Vec<(&'a str, AssetRef<'a>)> {
    built_with(e, "produces")
}

/// The `built` entries with this field (`produces`, `uses`), by name, with the asset and
/// version the field names.
fn built_with<'a>(e: &Engagement<'a>, field: &str) -> Vec<(&'a str, AssetRef<'a>)> {
    Engagement::children(e.as_built, Keyword::Built)
        .filter_map(|b| {
            let r = AssetRef::read(e.file, &b.field(field)?.value)?;
            Some((b.name_text().unwrap_or(""), r))
        })
        .collect()
}

/// A node of the reuse graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Node {
    Asset { name: String },
    Engagement { name: String },
    Component { engagement: String, name: String },
}

impl Node {
    /// A stable identifier: `asset:NAME`, `engagement:NAME`, `component:ENGAGEMENT/NAME`.
    pub fn id(&self) -> String {
        match self {
            Node::Asset { name } => format!("asset:{name}"),
            Node::Engagement { name } => format!("engagement:{name}"),
            Node::Component { engagement, name } => format!("component:{engagement}/{name}"),
        }
    }

    /// What a person reads: the name, `ENGAGEMENT/COMPONENT` for a component.
    pub fn label(&self) -> String {
        match self {
            Node::Asset { name } | Node::Engagement { name } => name.clone(),
            Node::Component { engagement, name } => format!("{engagement}/{name}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Node::Asset { .. } => "asset",
            Node::Engagement { .. } => "engagement",
            Node::Component { .. } => "component",
        }
    }
}

/// What an edge of the reuse graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// engagement → one of its components
    Has,
    /// component → asset, with a constraint
    Reuses,
    /// asset → asset, with a constraint
    Requires,
    /// engagement → the engagement it extends
    Extends,
    /// component (or engagement, for a `built` entry of no component) → asset, with a version
    Produces,
    /// component (or engagement, for a `built` entry of no component) → an asset the
    /// as-built records it `uses` other than the one the design has it reuse (a deviation),
    /// with the version that ran
    Uses,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Has => "has",
            EdgeKind::Reuses => "reuses",
            EdgeKind::Requires => "requires",
            EdgeKind::Extends => "extends",
            EdgeKind::Produces => "produces",
            EdgeKind::Uses => "uses",
        }
    }
}

/// An edge: its kind, the constraint or version it carries, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    /// The constraint (`reuses`, `requires`) or version (`produces`); empty otherwise.
    pub spec: String,
    pub file: FileId,
    pub span: Span,
}

/// The reuse dependency graph of an estate.
#[derive(Debug, Default)]
pub struct ReuseGraph {
    pub graph: DiGraph<Node, Edge>,
    index: BTreeMap<Node, NodeIndex>,
    /// What `impact --version` needs to tell which release each design would install.
    designs: impact::Designs,
}

impl ReuseGraph {
    /// The graph of an estate, read through its namespace.
    pub fn new(ns: &Namespace<'_>) -> ReuseGraph {
        let mut g = ReuseGraph::default();
        let inventory = Inventory::new(ns);
        g.designs = impact::Designs::of(&inventory);
        for name in inventory.assets.keys() {
            g.add(Node::Asset {
                name: name.to_string(),
            });
        }
        let engagements = ns.of_kind("engagement");
        let mut names: Vec<&str> = engagements
            .iter()
            .filter_map(|d| d.item.name_text())
            .collect();
        names.sort();
        for name in &names {
            g.add(Node::Engagement {
                name: name.to_string(),
            });
        }
        for asset in inventory.assets.values() {
            let from = g.asset(asset.name);
            for r in &asset.requires {
                if inventory.get(r.asset).is_some() {
                    let to = g.asset(r.asset);
                    g.link(from, to, EdgeKind::Requires, r.spec, r.file, r.span());
                }
            }
        }
        for name in &names {
            let Some(decl) = ns.get_kind(name, "engagement") else {
                continue;
            };
            let e = Engagement::new(ns, decl.file, decl.item);
            g.designs.record(name, &inventory, &e);
            let me = g.engagement(name);
            let mut designed: BTreeMap<&str, &str> = BTreeMap::new();
            for c in components(&e) {
                if let Some(r) = &c.reuses {
                    designed.insert(c.name(), r.asset);
                }
                let node = g.add(Node::Component {
                    engagement: name.to_string(),
                    name: c.name().to_string(),
                });
                g.link(me, node, EdgeKind::Has, "", e.file, c.item.name_span());
                if let Some(r) = c.reuses.filter(|r| inventory.get(r.asset).is_some()) {
                    let to = g.asset(r.asset);
                    g.link(node, to, EdgeKind::Reuses, r.spec, r.file, r.span());
                }
            }
            // What the as-built produced, and what it used other than the designed reuse:
            // the delivered work that ran an asset the design did not name depends on it too.
            let used = (built_with(&e, "uses").into_iter())
                .filter(|(component, r)| designed.get(component) != Some(&r.asset));
            let built = (produced(&e).into_iter().map(|p| (EdgeKind::Produces, p)))
                .chain(used.map(|u| (EdgeKind::Uses, u)));
            for (kind, (component, r)) in built {
                if inventory.get(r.asset).is_none() {
                    continue;
                }
                let key = Node::Component {
                    engagement: name.to_string(),
                    name: component.to_string(),
                };
                let from = g.index.get(&key).copied().unwrap_or(me);
                let to = g.asset(r.asset);
                g.link(from, to, kind, r.spec, r.file, r.span());
            }
            if let Some(f) = decl.item.field("extends") {
                if let Some(target) = f
                    .value
                    .as_name()
                    .filter(|t| ns.get_kind(t, "engagement").is_some())
                {
                    let to = g.engagement(target);
                    g.link(me, to, EdgeKind::Extends, "", decl.file, f.value.span);
                }
            }
        }
        g
    }

    /// The graph of an estate (builds the namespace; duplicate names keep the first).
    pub fn of_estate(estate: &Estate) -> ReuseGraph {
        let ns = Namespace::build(estate, &mut Vec::new());
        ReuseGraph::new(&ns)
    }

    fn add(&mut self, node: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&node) {
            return *i;
        }
        let i = self.graph.add_node(node.clone());
        self.index.insert(node, i);
        i
    }

    fn asset(&mut self, name: &str) -> NodeIndex {
        self.add(Node::Asset {
            name: name.to_string(),
        })
    }

    fn engagement(&mut self, name: &str) -> NodeIndex {
        self.add(Node::Engagement {
            name: name.to_string(),
        })
    }

    fn link(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        kind: EdgeKind,
        spec: &str,
        file: FileId,
        span: Span,
    ) {
        self.graph.add_edge(
            from,
            to,
            Edge {
                kind,
                spec: spec.to_string(),
                file,
                span,
            },
        );
    }

    /// The node of this name, if the graph has it.
    pub fn find(&self, node: &Node) -> Option<NodeIndex> {
        self.index.get(node).copied()
    }

    pub fn node(&self, i: NodeIndex) -> &Node {
        &self.graph[i]
    }

    /// Every node, sorted (assets, then engagements, then components, each by name).
    pub fn nodes(&self) -> impl Iterator<Item = (&Node, NodeIndex)> {
        self.index.iter().map(|(n, i)| (n, *i))
    }

    /// Every edge as (from, to, edge), in a stable order: by source node, then target, then
    /// kind and spec.
    pub fn edges(&self) -> Vec<(&Node, &Node, &Edge)> {
        let mut edges: Vec<(&Node, &Node, &Edge)> = self
            .graph
            .edge_references()
            .map(|e| (&self.graph[e.source()], &self.graph[e.target()], e.weight()))
            .collect();
        edges.sort_by(|a, b| (a.0, a.1, a.2.kind, &a.2.spec).cmp(&(b.0, b.1, b.2.kind, &b.2.spec)));
        edges.dedup_by(|a, b| {
            a.0 == b.0 && a.1 == b.1 && a.2.kind == b.2.kind && a.2.spec == b.2.spec
        });
        edges
    }

    /// The part of the graph around one engagement: the engagement, the engagements it
    /// extends or that extend it, its components, every asset they reuse or produce and
    /// those assets' `requires`, transitively.
    pub fn around_engagement(&self, name: &str) -> Option<ReuseGraph> {
        let start = self.find(&Node::Engagement {
            name: name.to_string(),
        })?;
        let mut keep = std::collections::BTreeSet::new();
        keep.insert(start);
        let mut todo = vec![start];
        while let Some(n) = todo.pop() {
            for e in self.graph.edges(n) {
                let follow = match self.graph[n] {
                    // A `built` entry of no component links from its engagement.
                    Node::Engagement { .. } => !matches!(e.weight().kind, EdgeKind::Reuses),
                    _ => true,
                };
                // Other engagements are shown, not expanded.
                let expand = !matches!(e.weight().kind, EdgeKind::Extends);
                if follow && keep.insert(e.target()) && expand {
                    todo.push(e.target());
                }
            }
        }
        for e in self
            .graph
            .edges_directed(start, petgraph::Direction::Incoming)
        {
            if e.weight().kind == EdgeKind::Extends {
                keep.insert(e.source());
            }
        }
        Some(self.subgraph(&keep))
    }

    /// The part of the graph around one asset: what it requires, transitively, and every
    /// dependent that `sdd impact` lists, with the engagements of those components.
    pub fn around_asset(&self, name: &str) -> Option<ReuseGraph> {
        let start = self.find(&Node::Asset {
            name: name.to_string(),
        })?;
        let mut keep = std::collections::BTreeSet::new();
        keep.insert(start);
        let mut todo = vec![start];
        while let Some(n) = todo.pop() {
            for e in self.graph.edges(n) {
                if e.weight().kind == EdgeKind::Requires && keep.insert(e.target()) {
                    todo.push(e.target());
                }
            }
        }
        let impact = self.impact(name, None)?;
        for d in impact.assets.iter().chain(&impact.components) {
            if let Some(i) = self.find(&d.node) {
                keep.insert(i);
            }
        }
        for e in &impact.engagements {
            if let Some(i) = self.find(&Node::Engagement { name: e.clone() }) {
                keep.insert(i);
            }
        }
        Some(self.subgraph(&keep))
    }

    fn subgraph(&self, keep: &std::collections::BTreeSet<NodeIndex>) -> ReuseGraph {
        let mut g = ReuseGraph::default();
        let mut nodes: Vec<&Node> = keep.iter().map(|i| &self.graph[*i]).collect();
        nodes.sort();
        for n in nodes {
            g.add(n.clone());
        }
        for e in self.graph.edge_references() {
            if keep.contains(&e.source()) && keep.contains(&e.target()) {
                let from = g.add(self.graph[e.source()].clone());
                let to = g.add(self.graph[e.target()].clone());
                g.graph.add_edge(from, to, e.weight().clone());
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAMES: [&str; 24] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x",
    ];

    proptest! {
        /// The shortlist of a union is the first names and the length of the union itself,
        /// whichever list is longest and however the lists overlap.
        #[test]
        fn the_shortlist_of_a_union_is_that_of_the_union(
            picks in prop::collection::vec(prop::collection::btree_set(0..NAMES.len(), 0..20), 0..5)
        ) {
            let lists: Vec<Vec<&str>> = (picks.iter())
                .map(|set| set.iter().map(|&i| NAMES[i]).collect())
                .collect();
            let slices: Vec<&[&str]> = lists.iter().map(Vec::as_slice).collect();
            let union: Vec<&str> = (lists.iter().flatten().copied())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            prop_assert_eq!(Shortlist::of_union(&slices), Shortlist::of(&union));
        }
    }
}
