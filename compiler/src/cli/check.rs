//! `sdd check`: print the estate's diagnostics in the chosen format.

use std::process::ExitCode;

use sdd::diagnostic::Tally;
use sdd::render;

use super::{load_estate_to_judge, options, use_color, CheckArgs, Format};

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let mut options = options(args.as_of.as_deref())?;
    options.git_history = !args.no_git;
    let estate = load_estate_to_judge(&args.paths, "check")?;
    let diagnostics = sdd::analysis::check(&estate, &options);
    let tally = Tally::of(&diagnostics);
    match args.format {
        Format::Json => outln!("{}", render::json::render(&diagnostics, &estate.files)),
        Format::Sarif => outln!("{}", sdd::emit::sarif::render(&diagnostics, &estate.files)),
        Format::Short => {
            for d in &diagnostics {
                outln!("{}", render::short::render(d, &estate.files));
            }
            errln!("{}", render::summary(tally));
        }
        Format::Rich => {
            let mut renderer = render::rich::Renderer::new(&estate.files, use_color());
            for d in &diagnostics {
                out!("{}", renderer.render(d));
            }
            // The place of a folder that could not be listed is no file checked.
            let files = estate.file_count();
            outln!(
                "{} file{} checked: {}",
                files,
                if files == 1 { "" } else { "s" },
                render::summary(tally)
            );
        }
    }
    let failed = tally.errors > 0 || (args.deny_warnings && tally.warnings > 0);
    // The process ends now: freeing every tree node one by one took 5% of a large check.
    std::mem::forget((estate, diagnostics));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
