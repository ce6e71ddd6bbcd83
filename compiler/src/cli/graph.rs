//! `sdd graph` and `sdd impact`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// The estate (default: the current folder).
    pub paths: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ImpactArgs {
    /// The asset whose dependents to list.
    pub asset: String,
}

pub fn graph(_args: GraphArgs) -> Result<ExitCode, String> {
    Err("`sdd graph` is being written (issue 4)".into())
}

pub fn impact(_args: ImpactArgs) -> Result<ExitCode, String> {
    Err("`sdd impact` is being written (issue 4)".into())
}
