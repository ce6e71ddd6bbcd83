//! Code actions: apply a "did you mean" suggestion, add a stub test that verifies an unverified
//! requirement, add `acceptance` to a requirement that lacks it, record a deviation for an
//! undeclared one (SDD304).
//!
//! An action is a title and the text edits that carry it out, computed from the diagnostics of
//! the analysis and the tree; new entries are written in the indentation of their block.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::Item;

use super::index::{Occurrence, Scope};
use super::{indent_at, items_around, Ide, TextEdit};
use crate::syntax::Keyword;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The diagnostic it fixes: an index into the analysis's diagnostics.
    pub fixes: Option<usize>,
    pub preferred: bool,
}

impl Ide<'_> {
    /// The actions available for a span of a file (the cursor, or a selection).
    pub fn code_actions(&self, file: FileId, range: Span) -> Vec<Action> {
        let Some(items) = self.items_at(file, range.end as usize) else {
            return Vec::new();
        };
        let mut actions = Vec::new();
        for (i, d) in self.analysis.diagnostics.iter().enumerate() {
            let span = d.primary.span;
            if d.file() != file || span.start > range.end || range.start > span.end {
                continue;
            }
            if let Some(action) = self.did_you_mean(file, d) {
                actions.push(Action {
                    fixes: Some(i),
                    ..action
                });
            }
            if d.code == Code::Sdd304 {
                if let Some(action) = self.record_deviation(file, items, d) {
                    actions.push(Action {
                        fixes: Some(i),
                        ..action
                    });
                }
            }
        }
        let chain = items_around(items, range.start as usize);
        // A requirement with a syntax error in it (a title string left open) was only partly
        // read: an entry inserted after what was read would land inside the mistake.
        let misread = |item: &Item| {
            (self.estate.parsed[file.0 as usize].diagnostics.iter())
                .filter(|d| crate::syntax::breaks_the_tree(d))
                .any(|d| {
                    item.span.start <= d.primary.span.end && d.primary.span.start <= item.span.end
                })
        };
        if let Some(requirement) = chain
            .iter()
            .copied()
            .find(|i| i.kind() == Keyword::Requirement)
            .filter(|r| !misread(r))
        {
            let engagement = chain[0];
            // Context actions; a quick fix of the readiness error they settle, if there is one.
            let fixing = |code: Code, what: &str| {
                (self.analysis.diagnostics.iter()).position(|d| {
                    d.code == code
                        && d.file() == file
                        && d.primary.span == requirement.name_span()
                        && d.message.contains(what)
                })
            };
            actions.extend(self.add_acceptance(file, requirement).map(|a| Action {
                fixes: fixing(Code::Sdd210, "`acceptance`"),
                ..a
            }));
            actions.extend(
                self.add_test(file, engagement, requirement)
                    .map(|a| Action {
                        fixes: fixing(Code::Sdd211, "verified by no test"),
                        ..a
                    }),
            );
        }
        actions
    }

    fn did_you_mean(&self, file: FileId, d: &Diagnostic) -> Option<Action> {
        let help = d.help.as_deref()?;
        let suggestion = help.strip_prefix("did you mean `")?.strip_suffix("`?")?;
        let text = self.estate.files.text(file);
        let written = text.get(d.primary.span.range())?;
        let replacement = if written.starts_with('@') {
            format!("@{suggestion}")
        } else {
            suggestion.to_string()
        };
        Some(Action {
            title: format!("Replace `{written}` with `{replacement}`"),
            edits: vec![TextEdit {
                file,
                span: d.primary.span,
                text: replacement,
            }],
            fixes: None,
            preferred: true,
        })
    }

    fn add_acceptance(&self, file: FileId, requirement: &Item) -> Option<Action> {
        if requirement.field("acceptance").is_some() {
            return None;
        }
        let id = requirement.name_text()?;
        let text = self.estate.files.text(file);
        let edit = insert_entry(
            text,
            file,
            requirement,
            &["acceptance: \"describe how the requirement is accepted\""],
        )?;
        Some(Action {
            title: format!("Add `acceptance` to {id}"),
            edits: vec![edit],
            fixes: None,
            preferred: false,
        })
    }

    /// A stub test in the design that verifies a requirement no test verifies yet.
    fn add_test(&self, file: FileId, engagement: &Item, requirement: &Item) -> Option<Action> {
        let name = requirement.name.as_ref()?;
        let decl = match self.index.occurrence_at(file, name.span.start as usize)? {
            Occurrence::Decl(d) => d,
            Occurrence::Ref(_) => return None,
        };
        if self.index.uses_of(decl).any(|r| r.role == "verifies") {
            return None;
        }
        let design = engagement.items().find(|i| i.kind() == Keyword::Design)?;
        let test = self.free_name(self.index.decls[decl].scope, "T");
        let text = self.estate.files.text(file);
        let entry = format!(
            "test {test} \"Verifies {id}\" {{ verifies: [{id}] }}",
            id = name.text
        );
        let edit = insert_entry(text, file, design, &[&entry])?;
        Some(Action {
            title: format!("Add a test that verifies {}", name.text),
            edits: vec![edit],
            fixes: None,
            preferred: false,
        })
    }

    fn record_deviation(&self, file: FileId, items: &[Item], d: &Diagnostic) -> Option<Action> {
        let component = d.message.split('`').nth(1)?;
        let chain = items_around(items, d.primary.span.start as usize);
        let engagement = chain.first().filter(|e| e.kind() == Keyword::Engagement)?;
        let as_built = engagement.items().find(|i| i.kind() == Keyword::AsBuilt)?;
        let owner = self.index.resolve(Scope::Estate, engagement.name_text()?)?;
        let id = self.free_name(Scope::Within(owner), "D");
        let text = self.estate.files.text(file);
        let header = format!("deviation {id} \"describe how the build deviates\" {{");
        let affects = format!("  affects: {component}");
        let edit = insert_entry(
            text,
            file,
            as_built,
            &[
                &header,
                &affects,
                "  cause: \"why the build deviates\"",
                "  status: open",
                "}",
            ],
        )?;
        Some(Action {
            title: format!("Record a deviation affecting `{component}`"),
            edits: vec![edit],
            fixes: None,
            preferred: false,
        })
    }

    /// `T3`: the first prefix-and-number name free in a scope.
    fn free_name(&self, scope: Scope, prefix: &str) -> String {
        (1..)
            .map(|n| format!("{prefix}{n}"))
            .find(|name| self.index.resolve(scope, name).is_none())
            .unwrap_or_else(|| prefix.to_string())
    }
}

/// An edit adding an entry (one or more lines) at the end of an item's body, in the body's
/// indentation; gives the item a body when it has none.
fn insert_entry(text: &str, file: FileId, item: &Item, lines: &[&str]) -> Option<TextEdit> {
    // The file's own line ends: `\n` lines in a `\r\n` file would mix them.
    let nl = crate::source::line_end_of(text);
    // And its own indentation: the `lines` are written indented by two spaces a level.
    let unit = indent_unit(text);
    let reindented: Vec<String> = (lines.iter())
        .map(|line| {
            let levels = (line.len() - line.trim_start_matches(' ').len()) / 2;
            format!("{}{}", unit.repeat(levels), &line[levels * 2..])
        })
        .collect();
    let lines: Vec<&str> = reindented.iter().map(String::as_str).collect();
    let outer = indent_at(text, item.span.start as usize).to_string();
    let Some(body) = &item.body else {
        let inner = format!("{outer}{unit}");
        let mut s = String::from(" {");
        for line in lines {
            s.push_str(nl);
            s.push_str(&inner);
            s.push_str(line);
        }
        s.push_str(nl);
        s.push_str(&outer);
        s.push('}');
        return Some(TextEdit {
            file,
            span: Span::new(item.span.end as usize, item.span.end as usize),
            text: s,
        });
    };
    let inside = text.get(body.span.range())?;
    let after_last = item
        .body
        .as_ref()
        .and_then(|b| b.entries.last())
        .map(|e| after_comment(text, e.span().end as usize))
        .unwrap_or(body.span.start as usize + 1);
    if !inside.contains('\n') && lines.len() == 1 {
        let at = if item.entries().is_empty() {
            body.span.start as usize + 1
        } else {
            after_last
        };
        return Some(TextEdit {
            file,
            span: Span::new(at, at),
            text: format!(" {}", lines[0]),
        });
    }
    let inner = match item.entries().first() {
        Some(e) if text[body.span.start as usize..e.span().start as usize].contains('\n') => {
            indent_at(text, e.span().start as usize).to_string()
        }
        _ => format!("{outer}{unit}"),
    };
    let mut s = String::new();
    for line in lines {
        s.push_str(nl);
        s.push_str(&inner);
        s.push_str(line);
    }
    // A body closed on the line of its last entry gets its `}` on a line of its own. A body
    // the parser closed for want of a `}` (a syntax error) gets no edit.
    let close = (body.span.end as usize).checked_sub(1)?;
    if text.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let mut end = after_last;
    if !text.get(after_last..close)?.contains('\n') {
        s.push_str(nl);
        s.push_str(&outer);
        end = close;
    }
    Some(TextEdit {
        file,
        span: Span::new(after_last, end),
        text: s,
    })
}

/// Past a `//` comment that ends the line at `at` (what follows an entry on its line is its
/// comment, which stays with it); `at` when none does.
fn after_comment(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match line.trim_start().starts_with("//") {
        true => at + line.trim_end_matches('\r').len(),
        false => at,
    }
}

/// One level of the file's indentation: a tab when its first indented line starts with one,
/// else as many spaces as the least indented line has; two spaces when no line is indented.
fn indent_unit(text: &str) -> String {
    let indents = text.lines().map(|l| &l[..l.len() - l.trim_start().len()]);
    let indents: Vec<&str> = indents.filter(|i| !i.is_empty()).collect();
    match indents.first() {
        Some(first) if first.starts_with('\t') => "\t".to_string(),
        Some(_) => {
            let spaces = indents
                .iter()
                .map(|i| i.len() - i.trim_start_matches(' ').len());
            " ".repeat(spaces.filter(|n| *n > 0).min().unwrap_or(2))
        }
        None => "  ".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::estate::Estate;
    use crate::ide::{Ide, Index};
    use crate::source::{FileId, Span};

    /// The actions offered with the cursor at `marker` (removed from the text).
    fn actions_at(text: &str, marker: &str) -> Vec<crate::ide::Action> {
        let at = text.find(marker).expect("the marker");
        let text = text.replace(marker, "");
        let estate = Estate::from_sources([("eng.sdd", text)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        ide.code_actions(FileId(0), Span::new(at, at))
    }

    /// Their titles.
    fn titles_at(text: &str, marker: &str) -> Vec<String> {
        (actions_at(text, marker).into_iter())
            .map(|a| a.title)
            .collect()
    }

    /// In a CRLF file an inserted entry has CRLF line ends too: a file never gets mixed ones.
    #[test]
    fn an_inserted_entry_keeps_the_files_line_ends() {
        let text = "engagement e1 {\r\n  requirements {\r\n    requirement R|1 \"one\" {\r\n      priority: must\r\n    }\r\n  }\r\n}\r\n";
        let actions = actions_at(text, "|");
        let add = (actions.iter())
            .find(|a| a.title.contains("acceptance"))
            .expect("the acceptance action");
        let inserted = &add.edits[0].text;
        assert!(inserted.contains("\r\n"), "{inserted:?}");
        assert_eq!(
            inserted.matches('\n').count(),
            inserted.matches("\r\n").count(),
            "{inserted:?}"
        );
    }

    /// The text of the file after the action titled with `title` at `marker`.
    fn applied(text: &str, marker: &str, title: &str) -> String {
        let actions = actions_at(text, marker);
        let action = (actions.iter())
            .find(|a| a.title.contains(title))
            .unwrap_or_else(|| panic!("no `{title}` action"));
        let mut out = text.replace(marker, "");
        let edit = &action.edits[0];
        out.replace_range(edit.span.range(), &edit.text);
        out
    }

    /// An inserted entry is indented as the file is: by four spaces, or by a tab.
    #[test]
    fn an_inserted_entry_takes_the_files_indentation() {
        let four =
            "engagement e1 {\n    requirements {\n        requirement R|1 \"one\"\n    }\n}\n";
        let added = applied(four, "|", "acceptance");
        let want = "        requirement R1 \"one\" {\n            acceptance: ";
        assert!(added.contains(want), "{added}");
        let tabs = four.replace("    ", "\t");
        let added = applied(&tabs, "|", "acceptance");
        assert!(
            added.contains("\t\trequirement R1 \"one\" {\n\t\t\tacceptance: "),
            "{added}"
        );
    }

    /// A comment after the last entry stays on that entry's line; the new one goes below.
    #[test]
    fn an_inserted_entry_leaves_a_trailing_comment_where_it_is() {
        let text = "engagement e1 {\n  requirements {\n    requirement R|1 \"one\" {\n      priority: must // must-have\n    }\n  }\n}\n";
        let added = applied(text, "|", "acceptance");
        assert!(
            added.contains("priority: must // must-have\n      acceptance: "),
            "{added}"
        );
    }

    /// "Add `acceptance`" fixes the readiness error of a requirement without one once the
    /// spec is approved, and fixes nothing while nothing is (a context action then).
    #[test]
    fn adding_acceptance_is_the_fix_of_its_readiness_error() {
        let draft = "engagement e1 {\n  requirements {\n    requirement R|1 \"one\" { priority: must }\n  }\n}\n";
        let add = |text: &str| {
            (actions_at(text, "|").into_iter())
                .find(|a| a.title.contains("acceptance"))
                .expect("the action")
        };
        assert_eq!(add(draft).fixes, None);
        // The spec approved over its current content (the fingerprint of the draft's).
        let fingerprint = "sha256:fa5b8c15852a3ff1f0ac565bf4d1016e9e5eedb59d9b51c1209482bf77d26257";
        let approved = draft.replace(
            "  }\n}",
            &format!("  }}\n  gate spec {{ approved_by: @p on: 2026-11-02 fingerprint: \"{fingerprint}\" }}\n}}"),
        );
        assert!(add(&approved).fixes.is_some());
    }

    /// A misspelt field beside the field it resembles is not offered that name: taken, it
    /// would be given twice (SDD102).
    #[test]
    fn no_fix_names_a_field_already_given() {
        let text = "engagement e1 {\n  design {\n    test T1 \"t\" {\n      verifies: [R1]\n      verif|iez: [R1]\n    }\n  }\n}\n";
        let titles = titles_at(text, "|");
        assert!(
            !titles.iter().any(|t| t.contains("with `verifies`")),
            "{titles:?}"
        );
        let alone = text.replace("      verifies: [R1]\n", "");
        let titles = titles_at(&alone, "|");
        assert!(
            titles
                .iter()
                .any(|t| t == "Replace `verifiez` with `verifies`"),
            "{titles:?}"
        );
    }

    /// A requirement whose title string is left open gets no entry inserted: it would land
    /// inside the string (`requirement R1 "abc {…`), one error more, not one fewer.
    #[test]
    fn a_requirement_with_a_syntax_error_in_it_gets_no_inserted_entry() {
        let open = "engagement e {\n  requirements {\n    requirement R1 \"ab|c\n  }\n}\n";
        let titles = titles_at(open, "|");
        assert!(
            !titles
                .iter()
                .any(|t| t.contains("acceptance") || t.contains("test")),
            "{titles:?}"
        );
        let closed = open.replace("\"ab|c\n", "\"ab|c\"\n");
        let titles = titles_at(&closed, "|");
        assert!(
            titles.iter().any(|t| t.contains("acceptance")),
            "{titles:?}"
        );
    }

    /// A body the parser closed at the end of the file, for want of a `}`, gets no entry
    /// inserted (it used to panic slicing past the body's end), while a closed one does.
    #[test]
    fn a_body_without_its_closing_brace_gets_no_inserted_entry() {
        let unclosed = "engagement e1 {\n  requirements {\n    requirement R1 \"one\" {\n      pri|ority: must";
        let titles = titles_at(unclosed, "|");
        assert!(
            !titles.iter().any(|t| t.contains("acceptance")),
            "{titles:?}"
        );
        let closed = format!("{unclosed}\n    }}\n  }}\n}}\n");
        let titles = titles_at(&closed, "|");
        assert!(
            titles.iter().any(|t| t.contains("acceptance")),
            "{titles:?}"
        );
    }
}
