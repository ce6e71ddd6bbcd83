//! The reuse graph as DOT (Graphviz), Mermaid and JSON, and `sdd impact` as text and JSON.
//!
//! Nodes come out sorted (assets, engagements, components, each by name) and edges sorted by
//! their ends, so the output is the same whatever order the estate's files were read in.
//! Assets show their current version and any status but `active`; engagements their derived
//! status.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::analysis::Analysis;
use crate::reuse_graph::{EdgeKind, Impact, Inventory, Node, ReuseGraph};

/// A one-line detail for each node: an asset's version and status, an engagement's status.
pub type Details = BTreeMap<Node, String>;

/// Details from the inventory and the analysis.
pub fn details(inventory: &Inventory<'_>, analysis: &Analysis) -> Details {
    let mut out = Details::new();
    for a in inventory.assets.values() {
        let mut text = a
            .version
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default();
        if let Some(status) = a.status.filter(|s| *s != "active") {
            text = format!("{text} {status}").trim().to_string();
        }
        out.insert(
            Node::Asset {
                name: a.name.to_string(),
            },
            text,
        );
    }
    for (_, facts) in &analysis.engagements {
        out.insert(
            Node::Engagement {
                name: facts.name.clone(),
            },
            facts.status.as_str().to_string(),
        );
    }
    out
}

fn short_name(node: &Node) -> &str {
    match node {
        Node::Asset { name } | Node::Engagement { name } | Node::Component { name, .. } => name,
    }
}

fn edge_label(kind: EdgeKind, spec: &str) -> String {
    if spec.is_empty() {
        kind.as_str().to_string()
    } else {
        format!("{} {spec}", kind.as_str())
    }
}

fn dot_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz DOT.
pub fn dot(graph: &ReuseGraph, details: &Details) -> String {
    let mut out = String::from("digraph reuse {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (node, _) in graph.nodes() {
        let mut label = short_name(node).to_string();
        if let Some(d) = details.get(node).filter(|d| !d.is_empty()) {
            label = format!("{label}\n{d}");
        }
        let style = match node {
            Node::Asset { .. } => match details.get(node) {
                Some(d) if d.ends_with("deprecated") || d.ends_with("retired") => {
                    "shape=box, style=\"rounded,dashed\""
                }
                _ => "shape=box, style=rounded",
            },
            Node::Engagement { .. } => "shape=folder",
            Node::Component { .. } => "shape=ellipse",
        };
        out.push_str(&format!(
            "  {} [label={}, {style}];\n",
            dot_quote(&node.id()),
            dot_quote(&label)
        ));
    }
    for (from, to, edge) in graph.edges() {
        let style = match edge.kind {
            EdgeKind::Has => ", arrowhead=none, style=dotted".to_string(),
            kind => format!(", label={}", dot_quote(&edge_label(kind, &edge.spec))),
        };
        out.push_str(&format!(
            "  {} -> {} [{}];\n",
            dot_quote(&from.id()),
            dot_quote(&to.id()),
            style.trim_start_matches(", ")
        ));
    }
    out.push_str("}\n");
    out
}

/// Text inside a Mermaid quoted label: quotes and angle brackets as entity codes.
fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("#34;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid flowchart.
pub fn mermaid(graph: &ReuseGraph, details: &Details) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut ids: BTreeMap<&Node, String> = BTreeMap::new();
    for (i, (node, _)) in graph.nodes().enumerate() {
        let id = format!("n{i}");
        let mut label = mermaid_text(short_name(node));
        if let Some(d) = details.get(node).filter(|d| !d.is_empty()) {
            label = format!("{label}<br/>{}", mermaid_text(d));
        }
        let shape = match node {
            Node::Asset { .. } => format!("{id}[\"{label}\"]"),
            Node::Engagement { .. } => format!("{id}[/\"{label}\"/]"),
            Node::Component { .. } => format!("{id}([\"{label}\"])"),
        };
        out.push_str(&format!("  {shape}\n"));
        ids.insert(node, id);
    }
    for (from, to, edge) in graph.edges() {
        let (Some(a), Some(b)) = (ids.get(from), ids.get(to)) else {
            continue;
        };
        match edge.kind {
            EdgeKind::Has => out.push_str(&format!("  {a} -.- {b}\n")),
            kind => out.push_str(&format!(
                "  {a} -->|\"{}\"| {b}\n",
                mermaid_text(&edge_label(kind, &edge.spec))
            )),
        }
    }
    out
}

/// JSON: `{"nodes": [...], "edges": [...]}` with stable ids (`asset:NAME`, …).
pub fn json(graph: &ReuseGraph, details: &Details) -> Json {
    let nodes: Vec<Json> = graph
        .nodes()
        .map(|(node, _)| {
            let mut v = serde_json::to_value(node).unwrap_or(Json::Null);
            v["id"] = json!(node.id());
            v["detail"] = json!(details.get(node));
            v
        })
        .collect();
    let edges: Vec<Json> = graph
        .edges()
        .into_iter()
        .map(|(from, to, edge)| {
            json!({
                "from": from.id(),
                "to": to.id(),
                "kind": edge.kind.as_str(),
                "spec": if edge.spec.is_empty() { Json::Null } else { json!(edge.spec) },
            })
        })
        .collect();
    json!({"nodes": nodes, "edges": edges})
}

/// How many names of a longer `via` chain the text names: the first ones, then how many
/// more (two or more), then the changed asset it ends at. A chain of depth D otherwise printed
/// D²/2 names.
const VIA_SHOWN: usize = 6;

fn dependent_lines(list: &[crate::reuse_graph::Dependent], asset: &str, out: &mut String) {
    if list.is_empty() {
        out.push_str("  none\n");
    }
    let width = list
        .iter()
        .map(|d| d.node.label().chars().count())
        .max()
        .unwrap_or(0);
    for d in list {
        let label = d.node.label();
        let pad = " ".repeat(width - label.chars().count());
        out.push_str(&match d.via {
            EdgeKind::Uses => format!("  {label}{pad}  used {} {} (as built)", d.on, d.constraint),
            via => format!(
                "  {label}{pad}  {} {} \"{}\"",
                via.as_str(),
                d.on,
                d.constraint
            ),
        });
        if d.path.len() > VIA_SHOWN + 1 {
            // The chain ends at the changed asset: only its first names are walked.
            let first: Vec<&str> = d.path.iter().take(VIA_SHOWN - 1).collect();
            let more = d.path.len() - VIA_SHOWN;
            out.push_str(&format!(
                "  via {} -> … {more} more -> {asset}",
                first.join(" -> ")
            ));
        } else if d.path.len() > 1 {
            let path: Vec<&str> = d.path.iter().collect();
            out.push_str(&format!("  via {}", path.join(" -> ")));
        }
        if let Some(because) = &d.because {
            out.push_str(&format!("  ({because})"));
        }
        out.push('\n');
    }
}

/// `sdd impact` for a person.
pub fn impact_text(impact: &Impact) -> String {
    let mut out = match &impact.version {
        Some(v) => format!("impact of releasing {} {v}\n", impact.asset),
        None => format!("impact of changing {}\n", impact.asset),
    };
    let sections = [
        ("assets that require it", &impact.assets),
        ("components that reuse it", &impact.components),
    ];
    for (title, list) in sections {
        out.push_str(&format!("\n{title} ({}):\n", list.len()));
        dependent_lines(list, &impact.asset, &mut out);
    }
    out.push_str(&format!("\nengagements ({}):\n", impact.engagements.len()));
    if impact.engagements.is_empty() {
        out.push_str("  none\n");
    }
    for e in &impact.engagements {
        out.push_str(&format!("  {e}\n"));
    }
    if let Some(v) = &impact.version {
        out.push_str(&format!(
            "\nnot affected by {v} ({}):\n",
            impact.unaffected.len()
        ));
        dependent_lines(&impact.unaffected, &impact.asset, &mut out);
    }
    // A constraint is a string from the estate: its control characters are shown escaped.
    crate::render::printable::escaped(&out).into_owned()
}
