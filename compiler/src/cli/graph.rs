//! `sdd graph` and `sdd impact`: the reuse graph and the blast radius of changing an asset.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use sdd::approve::not_in_estate;
use sdd::check::names::Namespace;
use sdd::emit::graph as render;
use sdd::reuse_graph::{Inventory, ReuseGraph};

use super::{answered, load_estate_to_judge, options, warn_left_out};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// The estate (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
    /// Only this engagement, its components, what they reuse and produce, and its `extends`.
    #[arg(long, conflicts_with = "asset")]
    pub engagement: Option<String>,
    /// Only this asset, what it requires and what depends on it.
    #[arg(long)]
    pub asset: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ImpactFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ImpactArgs {
    /// The asset whose dependents to list.
    pub asset: String,
    /// A release of the asset: dependents whose constraint excludes it are listed apart.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ImpactFormat,
    /// A file or folder of the estate (default: the current folder); give it again for more.
    #[arg(long = "estate", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn graph(args: GraphArgs) -> Result<ExitCode, String> {
    let estate = load_estate_to_judge(&args.paths, "graph")?;
    let left_out = warn_left_out(&estate, "graph");
    let analysis = sdd::analysis::analyze(&estate, &options(None)?);
    let ns = Namespace::build(&estate, &mut Vec::new());
    let full = ReuseGraph::new(&ns);
    let graph = match (&args.engagement, &args.asset) {
        (Some(e), _) => (full.around_engagement(e))
            .ok_or_else(|| not_in_estate(&estate, &ns, "engagement", e))?,
        (None, Some(a)) => {
            (full.around_asset(a)).ok_or_else(|| not_in_estate(&estate, &ns, "asset", a))?
        }
        (None, None) => full,
    };
    let details = render::details(&Inventory::new(&ns), &analysis);
    match args.format {
        GraphFormat::Dot => out!("{}", render::dot(&graph, &details)),
        GraphFormat::Mermaid => out!("{}", render::mermaid(&graph, &details)),
        GraphFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&render::json(&graph, &details)).unwrap_or_default()
        ),
    }
    Ok(answered(left_out))
}

pub fn impact(args: ImpactArgs) -> Result<ExitCode, String> {
    let version = match &args.version {
        Some(text) => Some(sdd::check::values::parse_version(text).map_err(|e| {
            format!("--version expects an exact version such as 2.3.0, not `{text}`: {e}")
        })?),
        None => None,
    };
    let estate = load_estate_to_judge(&args.paths, "trace")?;
    let left_out = warn_left_out(&estate, "impact");
    let ns = Namespace::build(&estate, &mut Vec::new());
    let graph = ReuseGraph::new(&ns);
    let impact = graph
        .impact(&args.asset, version.as_ref())
        .ok_or_else(|| not_in_estate(&estate, &ns, "asset", &args.asset))?;
    match args.format {
        ImpactFormat::Text => out!("{}", render::impact_text(&impact)),
        ImpactFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&impact).unwrap_or_default()
        ),
    }
    Ok(answered(left_out))
}
