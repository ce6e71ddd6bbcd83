//! `sdd check`: print the estate's diagnostics in the chosen format.

use std::process::ExitCode;

use sdd::diagnostic::Tally;
use sdd::render;

use super::{load_estate_to_judge, options, use_color, CheckArgs, EstateNotRead, Format};

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let mut options = options(args.as_of.as_deref())?;
    options.git_history = !args.no_git;
    let estate = match load_estate_to_judge(&args.paths, "check") {
        Ok(estate) => estate,
        Err(not_read) => {
            print_not_read(args.format, &not_read);
            return Err(not_read.message);
        }
    };
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

/// A pipeline that reads `--format json` or `sarif` gets a document when the estate named
/// could not be read at all, as when part of it could not: an SDD002 for each path at fault
/// (SARIF: and an invocation that did not succeed). The exit code stays 2, a mistake in the
/// command; the other formats say it on standard error only.
fn print_not_read(format: Format, not_read: &EstateNotRead) {
    if !matches!(format, Format::Json | Format::Sarif) {
        return;
    }
    let mut files = sdd::source::Files::new();
    let diagnostics: Vec<_> = (not_read.each.iter())
        .map(|(path, why)| {
            let file = files.add(path.display().to_string(), String::new());
            let span = sdd::source::Span::new(0, 0);
            sdd::diagnostic::Diagnostic::new(sdd::codes::Code::Sdd002, file, span, why.clone())
                .with_label("named in the command")
        })
        .collect();
    match format {
        Format::Json => outln!("{}", render::json::render(&diagnostics, &files)),
        _ => outln!(
            "{}",
            sdd::emit::sarif::render_not_run(&diagnostics, &files, 2)
        ),
    }
}
