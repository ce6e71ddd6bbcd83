//! The `sdd` command line. Parses arguments, calls the library, prints, and sets the exit code:
//! 0 clean, 1 errors found (or refused), 2 usage or I/O error (a failed write of the output
//! included; a reader that has gone, as in `sdd check | head`, is none).

#[macro_use]
mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The checker allocates many small nodes; mimalloc is markedly faster at that than glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        // Help and the version are output like any other: a failed write of them is exit 2.
        Err(e) if !e.use_stderr() => {
            out!("{e}");
            return cli::console::finish().map_or(ExitCode::SUCCESS, |failure| {
                errln!("error: {failure}");
                ExitCode::from(2)
            });
        }
        Err(e) => e.exit(),
    };
    let code = match cli::run(args) {
        Ok(code) => code,
        Err(message) => {
            // The message may quote names and paths from the estate.
            errln!("error: {}", sdd::render::printable::escaped(&message));
            ExitCode::from(2)
        }
    };
    // A cut-off output is a failure, whatever the command found.
    match cli::console::finish() {
        Some(failure) => {
            errln!("error: {failure}");
            ExitCode::from(2)
        }
        None => code,
    }
}
