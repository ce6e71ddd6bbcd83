//! `sdd report`: estate metrics.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The estate (default: the current folder).
    pub paths: Vec<PathBuf>,
}

pub fn run(_args: ReportArgs) -> Result<ExitCode, String> {
    Err("`sdd report` is being written (issue 4)".into())
}
