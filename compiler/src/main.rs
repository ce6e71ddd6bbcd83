//! The `sdd` command line. Parses arguments, calls the library, prints, and sets the exit code:
//! 0 clean, 1 errors found (or refused), 2 usage or I/O error.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The checker allocates many small nodes; mimalloc is markedly faster at that than glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
