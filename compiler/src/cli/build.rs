//! `sdd build`: manifests and the estate index.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// The estate (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short = 'o', long = "out", default_value = "target/sdd")]
    pub out: PathBuf,
    /// Write non-executable manifests even when the estate has errors.
    #[arg(long)]
    pub allow_errors: bool,
}

pub fn run(_args: BuildArgs) -> Result<ExitCode, String> {
    Err("`sdd build` is being written (issue 4)".into())
}
