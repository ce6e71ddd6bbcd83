//! `sdd fingerprint`, `sdd approve` and `sdd check --ready`: the commands around gates.

use std::path::PathBuf;
use std::process::ExitCode;

use sdd::analysis::{analyze, Options};
use sdd::check::engagement::Engagement;
use sdd::check::names::Namespace;
use sdd::render::printable::escaped;

use super::{load_estate_to_judge, options, CheckArgs};

#[derive(clap::Args, Debug)]
pub struct ApproveArgs {
    /// The engagement to approve.
    pub engagement: String,
    /// The gate: spec (Gate 1) or design (Gate 2).
    #[arg(long, value_parser = ["spec", "design"])]
    pub gate: String,
    /// The approver: `@person`.
    #[arg(long)]
    pub by: String,
    /// The approval date (default: today, in UTC).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Replace an approval of content that has since changed.
    #[arg(long)]
    pub replace: bool,
    /// A file or folder of the estate (default: the current folder); give it again for more.
    #[arg(long = "estate", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn fingerprint(
    paths: &[PathBuf],
    engagement: &str,
    gate: Option<&str>,
) -> Result<ExitCode, String> {
    let estate = load_estate_to_judge(paths, "fingerprint")?;
    let ns = Namespace::build(&estate, &mut Vec::new());
    if ns.declared_twice(engagement) {
        return Err(sdd::approve::twice(engagement, "engagement"));
    }
    let analysis = analyze(&estate, &Options::default());
    let facts = analysis
        .facts(engagement)
        .ok_or_else(|| sdd::approve::not_in_estate(&estate, &ns, "engagement", engagement))?;
    // A fingerprint of content the checker could not read or type is not the one an
    // approval would record once the errors are fixed: none is printed. The design
    // fingerprint chains the spec's, so both contents count for it.
    let decl = ns.get_kind(engagement, "engagement").expect("analysed");
    let e = Engagement::new(&ns, decl.file, decl.item);
    let mut errors = sdd::approve::content_errors(&e, &analysis.diagnostics, "spec");
    if gate != Some("spec") {
        errors.extend(sdd::approve::content_errors(
            &e,
            &analysis.diagnostics,
            "design",
        ));
    }
    if let Some(first) = errors.first() {
        let file = estate.files.get(decl.file);
        let (line, col) = file.line_col(first.span.start as usize);
        return Err(format!(
            "cannot fingerprint `{engagement}`: its content has {} error{} (the first at {}:{line}:{col}: {}); run `sdd check`",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            file.name,
            first.message
        ));
    }
    match gate {
        Some("spec") => outln!("{}", facts.spec_fingerprint),
        Some(_) => outln!("{}", facts.design_fingerprint),
        None => {
            outln!("spec   {}", facts.spec_fingerprint);
            outln!("design {}", facts.design_fingerprint);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How many times `approve` makes its edit again when another edit of the file came first.
const APPROVE_ATTEMPTS: usize = 5;

pub fn approve(args: ApproveArgs) -> Result<ExitCode, String> {
    let mut opts = options(None)?;
    let on = match &args.on {
        Some(text) => sdd::check::values::parse_date(text)
            .ok_or_else(|| format!("--on expects a date such as 2026-11-24, not `{text}`"))?,
        None => opts.as_of,
    };
    if on > opts.as_of {
        return Err(format!(
            "--on {on} is after today ({}): an approval is dated the day it is given",
            opts.as_of
        ));
    }
    opts.git_history = false;
    let by = args.by.strip_prefix('@').unwrap_or(&args.by);
    if by.trim().is_empty() {
        return Err("--by expects the person who approves, such as @priya".to_string());
    }
    let request = sdd::approve::Request {
        engagement: args.engagement.clone(),
        gate: args.gate.clone(),
        by: by.to_string(),
        on,
        replace: args.replace,
    };
    // The names as printed: the command line's text may hold control characters.
    let (name, by) = (escaped(&args.engagement), escaped(&request.by));
    // Another `approve` of the same file at the same time (a second approver) may come
    // first: the approval is then judged and made again from the file as it is now.
    for _ in 0..APPROVE_ATTEMPTS {
        let estate = load_estate_to_judge(&args.paths, "approve")?;
        // A name that is not in the estate is a mistake in the command (exit 2), as for
        // `check --ready`, `fingerprint` and `impact`; a refusal (exit 1) is about the
        // engagement.
        {
            let ns = Namespace::build(&estate, &mut Vec::new());
            for (name, kind) in [(&args.engagement, "engagement"), (&request.by, "person")] {
                if ns.get_kind(name, kind).is_none() {
                    return Err(sdd::approve::not_in_estate(&estate, &ns, kind, name));
                }
            }
        }
        let analysis = analyze(&estate, &opts);
        let edit = match sdd::approve::approve(&estate, &analysis, &request) {
            Ok(edit) => edit,
            Err(refusal) => {
                errln!(
                    "refused: gate {} of {name} cannot be approved by @{by}:",
                    args.gate,
                );
                for reason in refusal.0 {
                    errln!("  - {}", escaped(&reason.to_string()));
                }
                return Ok(ExitCode::from(1));
            }
        };
        if edit.already_recorded {
            let date = match args.on.is_some() && edit.on != on {
                true => format!(" (the gate is dated {}, not {on})", edit.on),
                false => String::new(),
            };
            outln!(
                "nothing to record: @{by} already approved gate {} of {name} for {}{date}",
                args.gate,
                edit.fingerprint
            );
            return Ok(ExitCode::SUCCESS);
        }
        let path = PathBuf::from(estate.files.name(edit.file));
        let read = estate.files.text(edit.file).as_bytes();
        match sdd::write::edit_file(&path, read, edit.text.as_bytes()) {
            Ok(()) => {}
            Err(sdd::write::EditError::Changed) => continue,
            Err(sdd::write::EditError::ReadOnly) => {
                return Err(format!(
                    "{} is read-only: nothing recorded (make it writable to record the approval)",
                    path.display()
                ))
            }
            Err(e) => return Err(format!("cannot write {}: {e}", path.display())),
        }
        outln!(
            "recorded gate {} of {name} approved by {} on {}: {}",
            args.gate,
            edit.approvers
                .iter()
                .map(|p| format!("@{p}"))
                .collect::<Vec<_>>()
                .join(", "),
            edit.on,
            edit.fingerprint
        );
        for warning in &edit.warnings {
            errln!("warning: {}", escaped(warning));
        }
        return Ok(ExitCode::SUCCESS);
    }
    Err(format!(
        "nothing recorded: the file changed {APPROVE_ATTEMPTS} times while the approval was \
         being made (other edits of it are running); run the command again"
    ))
}

pub fn ready(args: &CheckArgs, gate: &str, engagement: &str) -> Result<ExitCode, String> {
    if gate != "spec" && gate != "design" {
        return Err(format!("--ready takes spec or design, not `{gate}`"));
    }
    let estate = load_estate_to_judge(&args.paths, "judge")?;
    let mut scratch = Vec::new();
    let ns = Namespace::build(&estate, &mut scratch);
    // Declared twice, it cannot be approved (`approve` refuses, exit 1): not ready, as
    // `approve` says, rather than a mistake in the command.
    if ns.declared_twice(engagement) {
        outln!("{engagement} is not ready for gate {gate}: 1 unmet criterion");
        outln!(
            "  {}",
            escaped(&sdd::approve::twice(engagement, "engagement"))
        );
        return Ok(ExitCode::from(1));
    }
    let decl = ns
        .get_kind(engagement, "engagement")
        .ok_or_else(|| sdd::approve::not_in_estate(&estate, &ns, "engagement", engagement))?;
    let e = Engagement::new(&ns, decl.file, decl.item);
    let options = options(args.as_of.as_deref())?;
    let analysis = analyze(&estate, &options);
    let facts = (analysis.facts(engagement))
        .ok_or_else(|| format!("{engagement} could not be analysed"))?;
    let mut unmet = sdd::approve::readiness(&ns, &e, facts, &analysis.diagnostics, gate);
    unmet.extend(sdd::approve::not_yet(&e, gate, options.as_of));
    let file = estate.files.get(decl.file);
    if unmet.is_empty() {
        outln!("{engagement} is ready for gate {gate}");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{engagement} is not ready for gate {gate}: {} unmet {}",
        unmet.len(),
        if unmet.len() == 1 {
            "criterion"
        } else {
            "criteria"
        }
    );
    for u in &unmet {
        let (line, col) = file.line_col(u.span.start as usize);
        outln!(
            "  {}:{line}:{col}: {}",
            escaped(&file.name),
            escaped(&u.message)
        );
    }
    Ok(ExitCode::from(1))
}
