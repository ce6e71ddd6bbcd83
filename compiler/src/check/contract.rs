//! The execution contract of the build: who or what executes and with how much autonomy
//! (SDD501, SDD502).

use crate::codes::Code;
use crate::diagnostic::Diagnostic;

use super::engagement::{self as eng, Engagement};

/// The autonomy levels in increasing order.
const LEVELS: &[&str] = &["supervised", "autonomous"];

pub fn check(e: &Engagement<'_>, out: &mut Vec<Diagnostic>) {
    let Some(build) = e.build else { return };
    let file = e.file;
    let executor = eng::name(build, "executor");
    let agent = build.field("agent");
    let autonomy = build.field("autonomy");
    match executor {
        Some("agent") => {
            // `agent: " "` names no agent.
            let named = eng::given(build, "agent");
            for (field, present) in [("agent", named), ("autonomy", autonomy.is_some())] {
                if !present {
                    // A blank `agent:` is pointed at; a missing field at the block.
                    let (span, label) = match build.field(field) {
                        Some(f) => (f.value.span, format!("`{field}` is empty")),
                        None => (build.keyword.span, format!("no `{field}:`")),
                    };
                    out.push(
                        Diagnostic::new(
                            Code::Sdd502,
                            file,
                            span,
                            format!("an agent build must name its `{field}`"),
                        )
                        .with_label(label)
                        .with_help(if field == "agent" {
                            "add `agent: \"NAME\"`"
                        } else {
                            "add `autonomy: supervised` or `autonomy: autonomous`"
                        }),
                    );
                }
            }
        }
        Some(other) => {
            for field in [agent, autonomy].into_iter().flatten() {
                out.push(
                    Diagnostic::new(
                        Code::Sdd502,
                        file,
                        field.name.span,
                        format!(
                            "`{}` is given, but the executor is `{other}`",
                            field.name.text
                        ),
                    )
                    .with_label("only agent builds take this")
                    .with_help("remove it, or set `executor: agent`"),
                );
            }
        }
        None => {}
    }
    if executor != Some("agent") {
        return;
    }
    let (Some(autonomy), Some(level)) = (autonomy, autonomy.and_then(|a| a.value.as_name())) else {
        return;
    };
    let limit = e
        .profile
        .and_then(|p| eng::name(p, "autonomy_limit"))
        .unwrap_or("supervised");
    let rank = |l: &str| LEVELS.iter().position(|x| *x == l);
    if let (Some(have), Some(max)) = (rank(level), rank(limit)) {
        if have > max {
            let mut d = Diagnostic::new(
                Code::Sdd501,
                file,
                autonomy.value.span,
                format!("agent autonomy `{level}` is above the profile's limit `{limit}`"),
            )
            .with_label("too much autonomy");
            if let Some(p) = e.profile {
                let how = if p.field("autonomy_limit").is_some() {
                    "sets"
                } else {
                    "defaults to"
                };
                d = d.with_note(format!(
                    "profile `{}` {how} autonomy_limit: {limit}",
                    p.name_text().unwrap_or("?")
                ));
            }
            out.push(d.with_help(format!("run the agent `{limit}`, or have a human execute")));
        }
    }
}
