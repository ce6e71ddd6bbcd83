//! `sdd build`: manifests and the estate index, swapped into the output folder as a whole.

use std::path::PathBuf;
use std::process::ExitCode;

use sdd::diagnostic::Tally;
use sdd::emit::output::{build, BuildError};

use super::{load_estate_to_judge, options};

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
    /// Date against which expiry is checked (default: today, in UTC); manifests never depend on it.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

pub fn run(args: BuildArgs) -> Result<ExitCode, String> {
    let options = options(args.as_of.as_deref())?;
    let estate = load_estate_to_judge(&args.paths, "build")?;
    let analysis = sdd::analysis::analyze(&estate, &options);
    let tally = Tally::of(&analysis.diagnostics);
    let set = match build(&estate, &analysis, &args.out, args.allow_errors) {
        Ok(set) => set,
        Err(BuildError::Errors(_)) => {
            errln!(
                "error: the estate has {}; nothing written (`sdd check` shows them; `--allow-errors` writes non-executable manifests anyway)",
                sdd::render::summary(tally)
            );
            return Ok(ExitCode::from(1));
        }
        Err(BuildError::Io(e)) => return Err(format!("cannot write {}: {e}", args.out.display())),
    };
    outln!(
        "wrote {} manifest{} and {} to {} ({} executable)",
        set.engagements,
        if set.engagements == 1 { "" } else { "s" },
        sdd::emit::INDEX_FILE,
        args.out.display(),
        set.executable
    );
    if tally.errors > 0 {
        // An expired deviation (SDD306) or a step dated after the day checked (SDD208) stops
        // a build but is no part of a manifest: the same estate builds the same bytes any day.
        let of_the_day = (analysis.diagnostics.iter())
            .filter(|d| d.severity == sdd::diagnostic::Severity::Error)
            .all(sdd::check::gates::depends_on_the_day);
        errln!(
            "warning: written with {}; {}",
            sdd::render::summary(tally),
            match of_the_day {
                true =>
                    "they are about the day checked (SDD306, SDD208), which no manifest depends on",
                false => "the engagements they affect are not executable",
            }
        );
    }
    // The process ends now: freeing every tree node one by one is wasted time.
    std::mem::forget((estate, analysis));
    Ok(ExitCode::SUCCESS)
}
