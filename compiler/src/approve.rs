//! The source edit behind `sdd approve`: record an approval in a gate block.
//!
//! The edit touches only the gate block: an existing one is rewritten in place, a new one is
//! inserted after the entry that precedes it in phase order. Every other byte of the file is
//! kept. The new text is re-parsed before it is returned, so a bad edit can never be written.

use chrono::NaiveDate;

use crate::analysis::Analysis;
use crate::check::engagement::{self as eng, Engagement};
use crate::check::gates::{self, lacks_authority, Unmet};
use crate::check::governance::Facts;
use crate::check::names::Namespace;
use crate::diagnostic::Diagnostic;
use crate::estate::Estate;
use crate::fingerprint;
use crate::source::{line_end_of, FileId, Span};
use crate::syntax::{Entry, Item};

/// What to approve.
#[derive(Debug, Clone)]
pub struct Request {
    pub engagement: String,
    /// `spec` or `design`.
    pub gate: String,
    /// The approver, without `@`.
    pub by: String,
    pub on: NaiveDate,
    /// Replace a stale approval instead of refusing.
    pub replace: bool,
}

/// The edit to write.
#[derive(Debug, Clone)]
pub struct Edit {
    pub file: FileId,
    pub text: String,
    pub fingerprint: String,
    pub approvers: Vec<String>,
    /// The gate's date as written: a co-signature keeps the date of a gate that holds.
    pub on: NaiveDate,
    /// The approver had already approved this content: the file is left as it is.
    pub already_recorded: bool,
    /// What the approval leaves for the check to report, to say beside it.
    pub warnings: Vec<String>,
}

/// Why an approval is refused; each entry is one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub Vec<String>);

pub fn approve(estate: &Estate, analysis: &Analysis, request: &Request) -> Result<Edit, Refusal> {
    let refuse = |why: String| Refusal(vec![why]);
    if request.gate != "spec" && request.gate != "design" {
        return Err(refuse(format!(
            "unknown gate `{}`: use spec or design",
            request.gate
        )));
    }
    let mut scratch = Vec::new();
    let ns = Namespace::build(estate, &mut scratch);
    for (name, what) in [
        (&request.engagement, "engagement"),
        (&request.by, "approver"),
    ] {
        if ns.declared_twice(name) {
            return Err(refuse(twice(name, what)));
        }
    }
    if gates::declared_twice_with_roles(&ns, &request.by) {
        return Err(refuse(format!(
            "a role of @{} is declared more than once (SDD102): which declaration grants the \
             authority is unclear; rename one",
            request.by
        )));
    }
    let decl = ns
        .get_kind(&request.engagement, "engagement")
        .ok_or_else(|| {
            refuse(not_in_estate(
                estate,
                &ns,
                "engagement",
                &request.engagement,
            ))
        })?;
    let file = decl.file;
    // Syntax errors of the parse, and those the checker finds (a bare name where an entry
    // should be): an approval is inserted among the entries, so either could make the edited
    // file fail to parse. A bidirectional control character (SDD003) cannot; in the content
    // the gate approves, it is an unmet criterion below.
    let breaks_the_tree = crate::syntax::breaks_the_tree;
    if estate.parsed[file.0 as usize]
        .diagnostics
        .iter()
        .any(breaks_the_tree)
        || (analysis.diagnostics.iter()).any(|d| d.file() == file && breaks_the_tree(d))
    {
        return Err(refuse(format!(
            "{} has syntax errors; fix them before recording an approval",
            estate.files.name(file)
        )));
    }
    let e = Engagement::new(&ns, file, decl.item);
    let facts = analysis
        .facts(&request.engagement)
        .ok_or_else(|| refuse("the engagement could not be analysed".into()))?;

    let mut reasons = Vec::new();
    let unmet = readiness(&ns, &e, facts, &analysis.diagnostics, &request.gate);
    let text = estate.files.text(file);
    let source = estate.files.get(file);
    for u in &unmet {
        let (line, col) = source.line_col(u.span.start as usize);
        reasons.push(format!(
            "not ready: {} ({}:{line}:{col})",
            u.message,
            estate.files.name(file)
        ));
    }
    if Some(request.by.as_str()) == e.owner() {
        reasons.push(format!(
            "@{} owns this engagement and cannot approve it (separation of duties)",
            request.by
        ));
    } else if e.profile_unknown() {
        // Without the profile there is no domain to judge authority in; the unknown profile
        // is already an unmet criterion.
    } else if let Some(why) = lacks_authority(&ns, &request.by, &request.gate, e.domain()) {
        reasons.push(format!("no authority: {why}"));
    }
    if !reasons.is_empty() {
        return Err(Refusal(reasons));
    }

    let current = if request.gate == "spec" {
        facts.spec_fingerprint.clone()
    } else {
        facts.design_fingerprint.clone()
    };
    let existing = e.gate(&request.gate);
    let (approvers, on) = match existing {
        Some(gate) => {
            let recorded = eng::text(gate, "fingerprint");
            let mut approvers: Vec<String> = eng::approvers(gate)
                .iter()
                .map(|(p, _)| p.to_string())
                .collect();
            if recorded == Some(current.as_str()) {
                if approvers.contains(&request.by) {
                    return Ok(Edit {
                        file,
                        text: text.to_string(),
                        fingerprint: current,
                        on: eng::date(gate, "on").unwrap_or(request.on),
                        approvers,
                        already_recorded: true,
                        warnings: Vec::new(),
                    });
                }
                approvers.push(request.by.clone());
                // A gate is passed on the day its quorum is met. A co-signature on a gate that
                // already holds changes neither its content nor that day (moved, a Gate 1
                // would fall after the Gate 2 resting on it); one that completes the quorum
                // dates the gate.
                let held = match request.gate.as_str() {
                    "spec" => facts.spec_holds,
                    _ => facts.design_holds,
                };
                let on = match eng::date(gate, "on") {
                    Some(recorded) if held => recorded,
                    recorded => recorded.map_or(request.on, |d| d.max(request.on)),
                };
                (approvers, on)
            } else if request.replace {
                (vec![request.by.clone()], request.on)
            } else {
                let what = match recorded {
                    Some(r) if fingerprint::is_well_formed(r) => format!(
                        "was approved for {r}, but the {} is now {current}",
                        request.gate
                    ),
                    _ => "records no valid fingerprint".to_string(),
                };
                return Err(refuse(format!(
                    "gate {} {what}; re-approving replaces the earlier approval: add --replace",
                    request.gate
                )));
            }
        }
        None => (vec![request.by.clone()], request.on),
    };
    // SDD208 would fault the approval just written: it cannot predate what it approves. The
    // approver's own date is judged too, when a co-signature takes the gate's date: a
    // signature given before Gate 1 approves nothing that existed.
    let spec_on = (request.gate == "design")
        .then(|| e.gate_spec.and_then(|g| eng::date(g, "on")))
        .flatten();
    let earliest = on.min(request.on);
    for (date, what) in [
        (e.opened(), "the engagement was opened"),
        (spec_on, "Gate 1"),
    ] {
        if let Some(date) = date.filter(|d| earliest < *d) {
            return Err(refuse(format!(
                "an approval on {earliest} would be dated before {what} ({date}): it can be dated {date} or later"
            )));
        }
    }
    // An approval after the build started is recorded (it is how a build run without its
    // gate is brought back under one, SDD203's fix), with a warning: the check faults the
    // build's date (SDD208) until the build is restarted under the approval.
    let mut warnings: Vec<String> = (e.build.and_then(|b| eng::date(b, "started")))
        .filter(|started| *started < on)
        .map(|started| {
            format!(
                "the build started on {started}, before this approval: `sdd check` reports it \
                 (SDD208) until the build, restarted under the approval, records its new `started`"
            )
        })
        .into_iter()
        .collect();
    if on != request.on {
        let why = if on < request.on {
            "it holds since then, and a co-signature does not move the day a gate was passed"
        } else {
            "a gate is dated the day its quorum is met, the later of its approvals"
        };
        warnings.push(format!(
            "the gate keeps the date {on}, not {}: {why}",
            request.on
        ));
    }
    // A quorum of more than one: the gate holds once enough approvers with authority have
    // signed (one listed without it, or the owner, does not count).
    let quorum = e.quorum(&request.gate);
    let counted = (approvers.iter())
        .filter(|p| Some(p.as_str()) != e.owner())
        .filter(|p| lacks_authority(&ns, p, &request.gate, e.domain()).is_none())
        .count();
    if counted < quorum {
        let more = quorum - counted;
        warnings.push(format!(
            "gate {} needs {quorum} approvers with authority and has {counted}: it holds once \
             {more} more sign{}",
            request.gate,
            if more == 1 { "s" } else { "" }
        ));
    }
    // The design fingerprint rests on the spec's: a spec approval of new content leaves the
    // design approval stale (SDD204) until it is given again; a co-signature does not.
    let new_content = existing.and_then(|g| eng::text(g, "fingerprint")) != Some(&current);
    if let (true, true, Some(design)) = (request.gate == "spec", new_content, e.gate_design) {
        let since = eng::date(design, "on").map_or(String::new(), |d| format!(" on {d}"));
        warnings.push(format!(
            "gate design, approved{since}, rests on the spec approval: `sdd check` reports it \
             stale (SDD204) until it is given again with `sdd approve {} --gate design --by \
             @PERSON --replace`",
            e.name()
        ));
    }

    let new_text = match existing {
        Some(gate) => {
            let indent = indent_of(text, gate.span.start as usize);
            let nl = line_end_of(text);
            let mut block = gate_block(&request.gate, &approvers, on, &current, &indent, nl);
            // The block is written anew: the comments inside the old one are kept, at its top.
            let kept: String = (estate.parsed[file.0 as usize].comments.iter())
                .filter(|c| gate.span.start <= c.span.start && c.span.end <= gate.span.end)
                .map(|c| format!("{nl}{indent}  {}", text[c.span.range()].trim_end()))
                .collect();
            if let Some(open) = block.find('{') {
                block.insert_str(open + 1, &kept);
            }
            format!(
                "{}{}{}",
                &text[..gate.span.start as usize],
                block.trim_start(),
                &text[gate.span.end as usize..]
            )
        }
        None => insert_gate(text, decl.item, &request.gate, &approvers, on, &current),
    };
    let reparsed = crate::syntax::parse(file, &new_text);
    // The file had no error but SDD003s outside the approved content (see above), which the
    // edit keeps as they were.
    if reparsed
        .diagnostics
        .iter()
        .any(crate::syntax::breaks_the_tree)
    {
        return Err(refuse(
            "internal error: the edited file would not parse; nothing was written".into(),
        ));
    }
    Ok(Edit {
        file,
        text: new_text,
        fingerprint: current,
        approvers,
        on,
        already_recorded: false,
        warnings,
    })
}

/// What keeps a gate from being approved today (`as_of`) for want of time: an approval is
/// dated no earlier than the day the engagement was opened, nor a Gate 2 than Gate 1. `approve`
/// refuses such a date; `check --ready` reports it as unmet, so the two agree.
pub fn not_yet(e: &Engagement<'_>, gate: &str, as_of: NaiveDate) -> Vec<Unmet> {
    let spec = (gate == "design").then_some(e.gate_spec).flatten();
    [
        (Some(e.item), "opened", "the engagement is opened"),
        (spec, "on", "Gate 1 is dated"),
    ]
    .into_iter()
    .filter_map(|(item, field, what)| {
        let item = item?;
        let date = eng::date(item, field).filter(|d| *d > as_of)?;
        Some(Unmet {
            message: format!(
                "{what} {date}, after today ({as_of}): an approval given today would predate it"
            ),
            span: item.field(field).map_or(item.span, |f| f.value.span),
        })
    })
    .collect()
}

/// Why a command that acts on one declaration will not act on a name declared twice: which
/// one is meant is the author's to say, not the tool's.
pub fn twice(name: &str, what: &str) -> String {
    format!(
        "`{name}` is declared more than once (SDD102): rename one before using it as the {what}"
    )
}

/// Why a command that acts on one declaration found none of that name: a did-you-mean, and
/// the files that were skipped whole (SDD002: not text, too large, old Mac line ends), since
/// the declaration may be in one of them.
pub fn not_in_estate(estate: &Estate, ns: &Namespace<'_>, kind: &str, name: &str) -> String {
    let mut text = format!("no {kind} `{name}` in the estate");
    if let Some(other) = ns.get(name).filter(|d| d.kind() != kind) {
        text.push_str(&format!(
            ": `{name}` is {} {}",
            crate::diagnostic::article(other.kind()),
            other.kind()
        ));
    } else if let Some(s) = crate::check::names::did_you_mean(name, ns.names_of(kind)) {
        text.push_str(&format!("; {s}"));
    }
    let skipped: Vec<&str> = estate.skipped().map(|f| estate.files.name(f)).collect();
    if let Some(first) = skipped.first() {
        let others = match skipped.len() {
            1 => String::new(),
            n => format!(" and {} other file{}", n - 1, if n == 2 { "" } else { "s" }),
        };
        text.push_str(&format!(
            " (it may be in {first}{others}, which could not be read: see `sdd check`)"
        ));
    }
    text
}

/// What keeps an engagement from being ready for a gate (`spec` or `design`): what `sdd check
/// --ready` lists and what `approve` refuses over. Gate 2 needs Gate 1 to hold, besides its
/// own content.
pub fn readiness(
    ns: &Namespace<'_>,
    e: &Engagement<'_>,
    facts: &Facts,
    diagnostics: &[Diagnostic],
    gate: &str,
) -> Vec<Unmet> {
    let profile_twice = (eng::name(e.item, "profile"))
        .filter(|p| ns.declared_twice(p))
        .map(|p| Unmet {
            message: format!(
                "the profile `{p}` is declared more than once (SDD102): which one sets the \
                 domain, the quorum and the fields is unclear"
            ),
            span: e
                .item
                .field("profile")
                .map_or(e.item.name_span(), |f| f.value.span),
        });
    // The profile's own errors: which domain, fields and quorum it sets is unclear.
    let profile_errors: Vec<Unmet> = (eng::name(e.item, "profile"))
        .and_then(|p| ns.get_kind(p, "profile"))
        .map(|decl| {
            let within = |s: Span| decl.item.span.start <= s.start && s.end <= decl.item.span.end;
            (diagnostics.iter())
                .filter(|d| d.is_error() && d.file() == decl.file && d.code.as_str() < "SDD200")
                .filter(|d| within(d.primary.span))
                .map(|d| Unmet {
                    message: format!(
                        "the profile `{}` has an error: {} [{}]",
                        decl.item.name_text().unwrap_or("?"),
                        d.message,
                        d.code.as_str()
                    ),
                    span: e
                        .item
                        .field("profile")
                        .map_or(e.item.name_span(), |f| f.value.span),
                })
                .collect()
        })
        .unwrap_or_default();
    let profile_twice = profile_twice.into_iter().chain(profile_errors);
    if gate == "spec" {
        let mut unmet: Vec<Unmet> = profile_twice.clone().collect();
        unmet.extend(content_errors(e, diagnostics, gate));
        unmet.extend(gates::spec_readiness(e, true));
        return unmet;
    }
    let mut unmet: Vec<Unmet> = profile_twice.collect();
    unmet.extend(content_errors(e, diagnostics, gate));
    unmet.extend(errors_in(e, diagnostics, "design", |code| {
        ("SDD401"..="SDD403").contains(&code)
    }));
    unmet.extend(gates::design_readiness(e));
    if !facts.spec_holds {
        unmet.insert(
            0,
            Unmet {
                message: "Gate 1 (spec) does not hold".into(),
                span: e.item.name_span(),
            },
        );
    }
    unmet
}

/// The errors in what a gate approves (syntax, names and types: SDD001–SDD106), each one
/// unmet criterion: an approval records a fingerprint of that content, and content the
/// checker cannot read or type is not ready, however complete it looks. Gate 1 approves the
/// engagement's own fields and `requirements`; Gate 2 its `feasibility` and `design`. (Nor
/// is a design that reuses an unknown or retired asset or a release that does not exist,
/// SDD401–SDD403, ready: [`readiness`] adds those.)
pub fn content_errors(e: &Engagement<'_>, diagnostics: &[Diagnostic], gate: &str) -> Vec<Unmet> {
    errors_in(e, diagnostics, gate, |code| code < "SDD200")
}

/// The errors of the codes `of_code` accepts in what `gate` approves, each one unmet criterion.
fn errors_in(
    e: &Engagement<'_>,
    diagnostics: &[Diagnostic],
    gate: &str,
    of_code: impl Fn(&str) -> bool,
) -> Vec<Unmet> {
    let approved = |keyword: &str| match gate {
        "spec" => keyword == "requirements",
        _ => keyword == "feasibility" || keyword == "design",
    };
    let blocks: Vec<(Span, bool)> = (e.item.items())
        .map(|block| (block.span, approved(block.keyword())))
        .collect();
    let within = |outer: Span, inner: Span| outer.start <= inner.start && inner.end <= outer.end;
    let in_content = |span: Span| match blocks.iter().find(|(b, _)| within(*b, span)) {
        Some((_, approved)) => *approved,
        // Outside every block: the engagement's own fields, which Gate 1 approves.
        None => gate == "spec" && within(e.item.span, span),
    };
    (diagnostics.iter())
        .filter(|d| d.is_error() && d.file() == e.file && of_code(d.code.as_str()))
        .filter(|d| in_content(d.primary.span))
        .map(|d| Unmet {
            message: format!("{} [{}]", d.message, d.code.as_str()),
            span: d.primary.span,
        })
        .collect()
}

fn indent_of(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

fn gate_block(
    gate: &str,
    approvers: &[String],
    on: NaiveDate,
    fingerprint: &str,
    indent: &str,
    // The file's own line end: a block of `\n` lines in a `\r\n` file would mix them.
    nl: &str,
) -> String {
    let by = match approvers {
        [one] => format!("@{one}"),
        many => format!(
            "[{}]",
            many.iter()
                .map(|p| format!("@{p}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "{indent}gate {gate} {{{nl}{indent}  approved_by: {by}{nl}{indent}  on: {on}{nl}{indent}  fingerprint: \"{fingerprint}\"{nl}{indent}}}"
    )
}

/// Insert a new gate block after the last entry that precedes it in phase order.
fn insert_gate(
    text: &str,
    engagement: &Item,
    gate: &str,
    approvers: &[String],
    on: NaiveDate,
    fp: &str,
) -> String {
    let phase = eng::gate_phase(gate).unwrap_or(0);
    let entries = engagement.entries();
    let first_later = entries
        .iter()
        .position(|e| matches!(e, Entry::Item(i) if eng::phase_of(i).is_some_and(|p| p > phase)));
    let before = &entries[..first_later.unwrap_or(entries.len())];
    let body = engagement.body.as_ref().expect("an engagement has a body");
    // The entries' indent, when the first starts its own line; otherwise (a one-line
    // engagement) one level below the engagement.
    let indent = match entries.first() {
        Some(first) if starts_line(text, first.span().start as usize) => {
            indent_of(text, first.span().start as usize)
        }
        _ => format!("{}  ", indent_of(text, engagement.span.start as usize)),
    };
    let nl = line_end_of(text);
    let block = gate_block(gate, approvers, on, fp, &indent, nl);
    let at = match before.last() {
        // After the entry's line, so a comment at the end of it stays with it.
        Some(entry) => after_line_comment(text, entry.span().end as usize),
        None => body.span.start as usize + 1,
    };
    // In a one-line engagement the closing `}` goes on a line of its own after the block.
    let close = (body.span.end as usize).saturating_sub(1);
    let gap = text.get(at..close).unwrap_or("\n");
    if gap.trim().is_empty() && !gap.contains('\n') {
        let outer = indent_of(text, engagement.span.start as usize);
        return format!(
            "{}{nl}{nl}{block}{nl}{outer}{}",
            &text[..at],
            &text[close..]
        );
    }
    format!("{}{nl}{nl}{}{}", &text[..at], block, &text[at..])
}

/// Is only white space before this offset on its line?
fn starts_line(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].trim().is_empty()
}

/// `offset`, or the end of its line when the rest of the line is a `//` comment.
fn after_line_comment(text: &str, offset: usize) -> usize {
    let rest = &text[offset..];
    let line = rest.find('\n').map_or(rest, |i| &rest[..i]);
    let line = line.strip_suffix('\r').unwrap_or(line);
    match line.trim_start().starts_with("//") {
        true => offset + line.len(),
        false => offset,
    }
}
