//! The command line's two output streams, written through [`outln!`], [`out!`], [`errln!`].
//!
//! A reader that has gone (`sdd check | head`, a pager quit early) is not an error: the rest
//! of that stream is dropped, and the command still finishes its work (every file `sdd fmt`
//! was asked to format is formatted) and sets its exit code. Any other failed write (a full
//! disk behind `> report.json`) is kept: the command then ends with exit code 2 and says why,
//! so that a pipeline never takes a cut-off output for a whole one.

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

/// The first failed write of the run, other than to a reader that has gone.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

#[derive(Clone, Copy)]
pub enum Stream {
    Out,
    Err,
}

/// Write to a stream, keeping a failure for [`finish`].
pub fn write(stream: Stream, args: fmt::Arguments<'_>) {
    let written = match stream {
        Stream::Out => io::stdout().lock().write_fmt(args),
        Stream::Err => io::stderr().lock().write_fmt(args),
    };
    if let Err(e) = written {
        keep(stream, &e);
    }
}

fn keep(stream: Stream, error: &io::Error) {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return;
    }
    let name = match stream {
        Stream::Out => "the standard output",
        Stream::Err => "the standard error",
    };
    let mut failed = FAILED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    failed.get_or_insert_with(|| format!("cannot write to {name}: {error}"));
}

/// Flush the standard output and give the first failed write of the run, if any.
pub fn finish() -> Option<String> {
    if let Err(e) = io::stdout().lock().flush() {
        keep(Stream::Out, &e);
    }
    let mut failed = FAILED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    failed.take()
}

/// `println!` through [`write`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::console::write(
            $crate::cli::console::Stream::Out,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}

/// `print!` through [`write`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::console::write($crate::cli::console::Stream::Out, format_args!($($arg)*))
    };
}

/// `eprintln!` through [`write`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::console::write(
            $crate::cli::console::Stream::Err,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}
