//! Argument definitions (clap) and the dispatch to each command.

// First: the other modules print with its macros.
#[macro_use]
pub mod console;
mod build;
mod check;
mod fmt;
mod gate;
mod graph;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sdd::estate::Estate;

#[derive(Parser, Debug)]
#[command(
    name = "sdd",
    version,
    about = "Compiler for .sdd spec-driven development estates"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check an estate: syntax, names, types and governance.
    Check(CheckArgs),
    /// Print an engagement's current spec and design fingerprints.
    Fingerprint {
        /// The engagement whose fingerprints are printed.
        engagement: String,
        /// Only this gate's fingerprint.
        #[arg(long, value_parser = ["spec", "design"])]
        gate: Option<String>,
        /// A file or folder of the estate (default: the current folder); give it again for more.
        #[arg(long = "estate", value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Record an approval in the engagement's gate block (refused when not allowed).
    Approve(gate::ApproveArgs),
    /// Write one manifest per engagement and the estate index.
    Build(build::BuildArgs),
    /// Print the reuse graph as DOT, Mermaid or JSON.
    Graph(graph::GraphArgs),
    /// Every component, engagement and asset that depends on an asset.
    Impact(graph::ImpactArgs),
    /// Estate metrics: status, time to approved spec, deviation and reuse rates.
    Report(report::ReportArgs),
    /// Format .sdd files in the canonical layout.
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with an example.
    Explain {
        /// A code such as SDD204; without one, list every code.
        code: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Rich,
    Short,
    Json,
    Sarif,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders of the estate (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "rich")]
    pub format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Date against which expiry is checked (default: today, in UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Report whether ENGAGEMENT is ready for a gate: `--ready spec ENGAGEMENT`. Its answer is
    /// text and its exit code (0 ready, 1 not), so it takes no `--format` or `--deny-warnings`.
    #[arg(
        long,
        value_names = ["GATE", "ENGAGEMENT"],
        num_args = 2,
        action = clap::ArgAction::Set,
        conflicts_with_all = ["format", "deny_warnings"]
    )]
    pub ready: Option<Vec<String>>,
    /// Do not look into git history to explain stale approvals.
    #[arg(long)]
    pub no_git: bool,
}

pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check(args) => match &args.ready {
            Some(ready) => gate::ready(&args, &ready[0], &ready[1]),
            None => check::run(args),
        },
        Command::Fingerprint {
            engagement,
            gate,
            paths,
        } => gate::fingerprint(&paths, &engagement, gate.as_deref()),
        Command::Approve(args) => gate::approve(args),
        Command::Build(args) => build::run(args),
        Command::Graph(args) => graph::graph(args),
        Command::Impact(args) => graph::impact(args),
        Command::Report(args) => report::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Explain { code } => explain(code),
    }
}

fn explain(code: Option<String>) -> Result<ExitCode, String> {
    match code {
        None => {
            for code in sdd::codes::Code::ALL {
                outln!(
                    "{}  {:<8} {}",
                    code,
                    code.default_severity().as_str(),
                    code.title()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(text) => match sdd::codes::Code::parse(&text) {
            Some(code) => {
                out!("{}", code.explanation());
                Ok(ExitCode::SUCCESS)
            }
            None => {
                // `204` or `sdd 204` for SDD204.
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                let near = sdd::codes::Code::parse(&format!("SDD{digits}"))
                    .filter(|_| !digits.is_empty())
                    .map_or(String::new(), |c| format!(" (did you mean {c}?)"));
                Err(format!(
                    "unknown code `{text}`{near}; `sdd explain` lists every code"
                ))
            }
        },
    }
}

/// The estate a command reads (every command but `fmt`, which reads files). Paths that hold no
/// `.sdd` file are a mistake in the command (exit 2), not an estate without errors: a pipeline
/// pointed at the wrong folder would otherwise pass, or swap its manifests for an empty set.
pub fn load_estate_to_judge(paths: &[PathBuf], what: &str) -> Result<Estate, EstateNotRead> {
    let paths = estate_paths(paths);
    let estate = Estate::load(&paths).map_err(|e| EstateNotRead {
        each: vec![(e.path, e.message.clone())],
        message: e.message,
    })?;
    if estate.files.is_empty() {
        return Err(EstateNotRead {
            each: (paths.iter())
                .map(|p| (p.clone(), nothing_in(std::slice::from_ref(p), what)))
                .collect(),
            message: nothing_in(&paths, what),
        });
    }
    Ok(estate)
}

/// Why the estate named in the command could not be read at all (exit 2): a path that is
/// neither a file nor a folder, too many files under one, or no `.sdd` file in any of them.
pub struct EstateNotRead {
    /// Each path at fault, with why.
    pub each: Vec<(PathBuf, String)>,
    /// The whole reason, for standard error.
    pub message: String,
}

impl From<EstateNotRead> for String {
    fn from(e: EstateNotRead) -> String {
        e.message
    }
}

/// Files the estate could not read (SDD002: not UTF-8, a NUL byte, over a limit, a failed
/// read, a link to nothing) and folders it could not list are left out of what `graph`,
/// `impact` and `report` answer: each names them on standard error and exits 1 after answering
/// from the rest, so that a pipeline does not take an answer that leaves out part of the
/// estate for the whole one. Returns whether any was left out.
pub fn warn_left_out(estate: &Estate, answer: &str) -> bool {
    let skipped: Vec<sdd::source::FileId> = estate.skipped().collect();
    if skipped.is_empty() {
        return false;
    }
    let names: Vec<&str> = skipped.iter().map(|id| estate.files.name(*id)).collect();
    let folders = skipped.iter().filter(|id| estate.is_folder(**id)).count();
    let counted = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let what = match (names.len() - folders, folders) {
        (files, 0) => counted(files, "file"),
        (0, folders) => counted(folders, "folder"),
        (files, folders) => format!(
            "{} and {}",
            counted(files, "file"),
            counted(folders, "folder")
        ),
    };
    let one = names.len() == 1;
    errln!(
        "warning: {what} could not be read (SDD002; `sdd check` says why), and this {answer} \
         leaves out what {} declare{}: {}",
        if one { "it" } else { "they" },
        if one { "s" } else { "" },
        names.join(", ")
    );
    true
}

/// The exit code of a command that answered: 1 when the answer leaves out files
/// ([`warn_left_out`]).
pub fn answered(left_out: bool) -> ExitCode {
    if left_out {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Why a command given paths that hold no `.sdd` file does nothing: a mistake in the command
/// (exit 2), since a pipeline pointed at the wrong folder must fail rather than pass.
pub fn nothing_in(paths: &[PathBuf], what: &str) -> String {
    let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    format!(
        "no .sdd file in {}: nothing to {what}; name the folder that holds the estate (the \
         walk skips hidden files and folders, `target`, `node_modules` and folders holding a \
         `.sddignore`)",
        names.join(", ")
    )
}

/// The estate's paths, defaulting to the current folder.
pub fn estate_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// Parse `--as-of`, defaulting to today.
pub fn options(as_of: Option<&str>) -> Result<sdd::analysis::Options, String> {
    let mut options = sdd::analysis::Options::default();
    if let Some(text) = as_of {
        options.as_of = sdd::check::values::parse_date(text)
            .ok_or_else(|| format!("--as-of expects a date such as 2026-11-24, not `{text}`"))?;
    }
    Ok(options)
}

/// Colour only on a terminal, and never with NO_COLOR.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}
