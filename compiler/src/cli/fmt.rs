//! `sdd fmt`: format files in place, or list those that would change.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// List files that would change; exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

pub fn run(_args: FmtArgs) -> Result<ExitCode, String> {
    Err("`sdd fmt` is being written (issue 5)".into())
}
