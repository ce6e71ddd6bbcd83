//! `sdd report`: estate metrics as a table, JSON or Markdown.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use sdd::emit::{report, report_tables};

use super::{answered, load_estate_to_judge, options, warn_left_out};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The estate (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// The date days left and expiry are counted from (default: today, in UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

pub fn run(args: ReportArgs) -> Result<ExitCode, String> {
    let options = options(args.as_of.as_deref())?;
    let estate = load_estate_to_judge(&args.paths, "report on")?;
    let left_out = warn_left_out(&estate, "report");
    let analysis = sdd::analysis::analyze(&estate, &options);
    // The figures count what could be read: a lead is told when that is not the whole estate.
    let tally = sdd::diagnostic::Tally::of(&analysis.diagnostics);
    if tally.errors > 0 {
        errln!(
            "warning: the estate has {} error{} (`sdd check` lists them): these figures count \
             what could be read",
            tally.errors,
            if tally.errors == 1 { "" } else { "s" }
        );
    }
    let r = report::report(&estate, &analysis, options.as_of);
    match args.format {
        ReportFormat::Text => out!("{}", report_tables::text(&r)),
        ReportFormat::Markdown => out!("{}", report_tables::markdown(&r)),
        ReportFormat::Json => outln!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
    }
    Ok(answered(left_out))
}
