//! The type checker: every block of every file against the schema.
//!
//! Unknown fields and misplaced blocks (SDD105), missing required fields (SDD104), values of
//! the wrong type (SDD103), unknown variants (SDD106) and unknown names (SDD101, SDD401).
//! Engagements are checked against their profile's `field` declarations as well as the
//! built-in engagement fields; records against their declared fields.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::{Entry, Field, Item, Keyword, Value, ValueKind};

use super::engagement::has_content;
use super::names::{did_you_mean, Locals, NameMap, Namespace};
use super::schema::{Block, ItemRule, Need, Ty, BUILTIN_TYPES, FILE, GATES};
use super::values::Scope;

/// Type-check one file. `syntax_errors` are the spans of the file's syntax diagnostics, and
/// `syntax_lines` the spans of the lines they are on.
pub fn check_file(
    ns: &Namespace<'_>,
    file: FileId,
    items: &[Item],
    syntax_errors: &[Span],
    syntax_lines: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    for item in items {
        let Some(rule) = FILE.item(item.kind()) else {
            out.push(misplaced(file, item, &FILE, "the top level"));
            continue;
        };
        if matches!(item.kind(), Keyword::Enum | Keyword::Record) {
            named_like_a_builtin_type(file, item, out);
        }
        let locals = (item.kind() == Keyword::Engagement).then(|| Locals::build(file, item, out));
        let scope = Scope {
            ns,
            file,
            locals: locals.as_ref(),
            syntax_errors,
            syntax_lines,
        };
        check_item(&scope, rule, item, out);
    }
}

/// SDD102 for an enum or record named like a built-in type (`enum text`): a type written
/// `text` is the built-in one, so the declaration could never be used, and renaming an enum to
/// such a name would silently change what every field of that type means.
fn named_like_a_builtin_type(file: FileId, item: &Item, out: &mut Vec<Diagnostic>) {
    let Some(name) = &item.name else { return };
    let text = name.text.as_str();
    if !(BUILTIN_TYPES.contains(&text) || text == "list") {
        return;
    }
    out.push(
        Diagnostic::new(
            Code::Sdd102,
            file,
            name.span,
            format!(
                "`{text}` is a built-in type; {} may not take its name",
                crate::diagnostic::with_article(item.keyword())
            ),
        )
        .with_label("the name of a built-in type")
        .with_note(format!(
            "a field of type `{text}` is of the built-in type, never of this {}",
            item.keyword()
        ))
        .with_help("give it another name"),
    );
}

/// SDD102 for a profile's `field` declared twice or named like a built-in engagement field
/// (which it could never type), and for an enum variant listed twice.
fn declared_twice(file: FileId, item: &Item, out: &mut Vec<Diagnostic>) {
    let place = describe(item);
    let builtin = FILE.item(Keyword::Engagement).map(|e| e.block);
    let mut seen: NameMap<'_, Span> = NameMap::default();
    for entry in item.entries() {
        let (name, span, what) = match entry {
            Entry::Item(field) if field.kind() == Keyword::Field => match &field.name {
                Some(name) => (name.text.as_str(), name.span, "field"),
                None => continue,
            },
            Entry::Variant(v) => (v.text.as_str(), v.span, "variant"),
            _ => continue,
        };
        if let Some(first) = seen.get(name) {
            out.push(
                Diagnostic::new(
                    Code::Sdd102,
                    file,
                    span,
                    format!("{what} `{name}` is declared twice in {place}"),
                )
                .with_label("second declaration")
                .with_secondary(file, *first, "first declared here"),
            );
            continue;
        }
        seen.insert(name, span);
        if what == "field" && builtin.is_some_and(|b| b.field(name).is_some()) {
            out.push(
                Diagnostic::new(
                    Code::Sdd102,
                    file,
                    span,
                    format!("{place} declares `{name}`, a built-in engagement field"),
                )
                .with_label("already a field of every engagement")
                .with_note(format!(
                    "every engagement has `{name}`, with its own type; a profile adds fields beside the built-in ones"
                ))
                .with_help("remove this declaration, or give the field another name"),
            );
        }
    }
}

/// SDD102 for a field given twice in an inline record (`{ length: 2h length: 30d }`), at any
/// depth of a value: which of the two counts would otherwise differ between readers.
fn keys_given_twice(file: FileId, value: &Value, out: &mut Vec<Diagnostic>) {
    match &value.kind {
        ValueKind::Record(fields) => {
            let mut seen: NameMap<'_, Span> = NameMap::default();
            for field in fields {
                let name = field.name.text.as_str();
                match seen.get(name) {
                    Some(first) => out.push(
                        Diagnostic::new(
                            Code::Sdd102,
                            file,
                            field.name.span,
                            format!("field `{name}` is given twice in this record"),
                        )
                        .with_label("second value")
                        .with_secondary(file, *first, "first value here"),
                    ),
                    None => {
                        seen.insert(name, field.name.span);
                    }
                }
                keys_given_twice(file, &field.value, out);
            }
        }
        ValueKind::List(items) => {
            for item in items {
                keys_given_twice(file, item, out);
            }
        }
        _ => {}
    }
}

fn misplaced(file: FileId, item: &Item, parent: &Block, place: &str) -> Diagnostic {
    let allowed: Vec<&str> = parent.items.iter().map(|r| r.keyword.as_str()).collect();
    let mut d = Diagnostic::new(
        Code::Sdd105,
        file,
        item.keyword.span,
        format!(
            "{} `{}` block is not allowed in {place}",
            crate::diagnostic::article(item.keyword()),
            item.keyword()
        ),
    )
    .with_label("misplaced block");
    if allowed.is_empty() {
        d = d.with_note(format!("{place} holds fields only"));
    } else {
        d = d.with_note(format!("blocks allowed here: {}", allowed.join(", ")));
    }
    if let Some(home) = home_of(item.kind()) {
        d = d.with_help(format!("`{}` belongs inside `{home}`", item.keyword()));
    }
    d
}

fn home_of(keyword: Keyword) -> Option<&'static str> {
    fn search(
        block: &'static Block,
        keyword: Keyword,
        parent: Option<&'static str>,
    ) -> Option<&'static str> {
        for rule in block.items {
            if rule.keyword == keyword {
                return parent;
            }
            if let Some(found) = search(rule.block, keyword, Some(rule.keyword.as_str())) {
                return Some(found);
            }
        }
        None
    }
    search(&FILE, keyword, None)
}

fn describe(item: &Item) -> String {
    match item.name_text() {
        Some(n) => format!("{} `{n}`", item.keyword()),
        None => format!("`{}`", item.keyword()),
    }
}

/// Whether `item` lacks a part of its header that `rule` requires.
fn lacks_a_part(rule: &ItemRule, item: &Item) -> bool {
    let parts = [
        (rule.name, item.name.is_some()),
        (rule.title, item.title.is_some()),
        (rule.by, item.by.is_some()),
        (rule.body, item.body.is_some()),
        (rule.ty, item.ty.is_some()),
    ];
    (parts.iter()).any(|&(need, present)| need == Need::Required && !present)
}

fn check_item(scope: &Scope<'_, '_>, rule: &ItemRule, item: &Item, out: &mut Vec<Diagnostic>) {
    let file = scope.file;
    // A syntax error on the header's line is the mistake that left a part out of the header
    // (`verified R1 yb T1 {`, `field x text`, `persn {`): the part is not reported again.
    let header_broken = scope.on_a_broken_line(item.span.start);
    // A `:` typed into the header of an item that takes no type (`role r :{`, `requirement
    // R1 :"T" {`) makes the body or title after it read as a type: one mistake, reported at
    // the `:` alone, not also as the body or title it took.
    let taken_by_a_type = |part: &str| match item.ty.as_deref().map(|t| &t.kind) {
        Some(ValueKind::Record(_)) if rule.ty == Need::Never => part == "a body `{ … }`",
        Some(ValueKind::Str(_)) if rule.ty == Need::Never => part == "a title string",
        _ => false,
    };
    let header =
        |part: &str, need: Need, present: bool, at: crate::source::Span| -> Option<Diagnostic> {
            match (need, present) {
                _ if header_broken || taken_by_a_type(part) => None,
                (Need::Required, false) => Some(
                    Diagnostic::new(
                        Code::Sdd001,
                        file,
                        at,
                        format!("`{}` needs {part}", item.keyword()),
                    )
                    .with_label(format!("{part} expected")),
                ),
                (Need::Never, true) => Some(
                    Diagnostic::new(
                        Code::Sdd001,
                        file,
                        at,
                        format!("`{}` does not take {part}", item.keyword()),
                    )
                    .with_label(format!("unexpected {part}")),
                ),
                _ => None,
            }
        };
    let end = item
        .name
        .as_ref()
        .map(|n| n.span)
        .unwrap_or(item.keyword.span);
    out.extend(header(
        "a name",
        rule.name,
        item.name.is_some(),
        item.name
            .as_ref()
            .map(|n| n.span)
            .unwrap_or(item.keyword.span),
    ));
    out.extend(header(
        "a title string",
        rule.title,
        item.title.is_some(),
        item.title.as_ref().map(|t| t.span).unwrap_or(end),
    ));
    out.extend(header(
        "`by`",
        rule.by,
        item.by.is_some(),
        item.by.as_ref().map(|b| b.span).unwrap_or(end),
    ));
    out.extend(header(
        "a body `{ … }`",
        rule.body,
        item.body.is_some(),
        item.body.as_ref().map(|b| b.span).unwrap_or(end),
    ));
    // A type the item does not take is reported at the `:` before it (from the end of the
    // name, or of the `?`, up to the type), with the block or string after it named.
    let type_at = match (
        &item.ty,
        item.optional.or(item.name.as_ref().map(|n| n.span)),
    ) {
        (Some(ty), Some(before)) if rule.ty == Need::Never && before.end <= ty.span.start => {
            crate::source::Span::new(before.end as usize, ty.span.start as usize)
        }
        (ty, _) => ty.as_ref().map(|t| t.span).unwrap_or(end),
    };
    out.extend(
        header("a type `: TYPE`", rule.ty, item.ty.is_some(), type_at).map(|d| {
            let taken = match item.ty.as_deref().map(|t| &t.kind) {
                Some(ValueKind::Record(_)) => "; the `{ … }` after it is the body",
                Some(ValueKind::Str(_)) => "; the string after it is the title",
                _ => "",
            };
            match rule.ty {
                Need::Never => (d.with_label(format!("`{}` takes no type", item.keyword())))
                    .with_help(format!("remove the `:`{taken}")),
                _ => d,
            }
        }),
    );
    if let Some(opt) = item.optional {
        if rule.ty == Need::Never && !header_broken {
            out.push(
                Diagnostic::new(
                    Code::Sdd001,
                    file,
                    opt,
                    "`?` marks an optional `field` declaration only",
                )
                .with_label("unexpected `?`"),
            );
        }
    }

    // Header references.
    match item.kind() {
        Keyword::Gate => {
            if let Some(name) = &item.name {
                if !GATES.contains(&name.text.as_str()) {
                    let mut d = Diagnostic::new(
                        Code::Sdd106,
                        file,
                        name.span,
                        format!(
                            "unknown gate `{}`: gates are `spec` and `design`",
                            name.text
                        ),
                    )
                    .with_label("unknown gate");
                    if let Some(h) = did_you_mean(&name.text, GATES.iter().copied()) {
                        d = d.with_help(h);
                    }
                    out.push(d);
                }
            }
        }
        // `built NAME` naming no design component is an undeclared deviation (SDD304).
        Keyword::Verified => {
            if let Some(name) = &item.name {
                scope.check_local(name.span, &name.text, &[Keyword::Requirement], out);
            }
            if let Some(by) = &item.by {
                scope.check_local(by.span, &by.text, &[Keyword::Test], out);
            }
        }
        Keyword::Field => match &item.ty {
            // `field x:` with its type missing at the end of a broken line: the next line's
            // first name was read for the type, and is not one.
            Some(ty) if header_broken && !scope.on_a_broken_line(ty.span.start) => {}
            Some(ty) => scope.check_type_expr(ty, out),
            None => {}
        },
        _ => {}
    }

    let Some(body) = &item.body else { return };
    let block = rule.block;
    // Only a diagnostic names the item: nothing is formatted for an item without one.
    let place = || describe(item);
    let profile = if item.kind() == Keyword::Engagement {
        profile_of(scope, item)
    } else {
        None
    };
    let first_fields = FirstFields::of(&body.entries);
    if matches!(item.kind(), Keyword::Profile | Keyword::Enum) {
        declared_twice(file, item, out);
    }
    for (at, entry) in body.entries.iter().enumerate() {
        match entry {
            Entry::Field(field) => {
                let name = field.name.text.as_str();
                let first = first_fields.get(name).filter(|f| !std::ptr::eq(*f, field));
                if let Some(first) = first {
                    out.push(
                        Diagnostic::new(
                            Code::Sdd102,
                            file,
                            field.name.span,
                            format!("field `{name}` is given twice in {}", place()),
                        )
                        .with_label("second value")
                        .with_secondary(
                            file,
                            first.name.span,
                            "first value here",
                        ),
                    );
                    continue;
                }
                keys_given_twice(file, &field.value, out);
                if let Some(frule) = block.field(name) {
                    scope.check(&field.value, frule.ty, out);
                } else if item.kind() == Keyword::Record {
                    scope.check_type_expr(&field.value, out);
                } else if let Some(decl) = profile.and_then(|p| profile_field(p, name)) {
                    if let Some(ty) = &decl.ty {
                        scope.check_typed(&field.value, ty, out);
                    }
                } else if block.open_fields
                    && item.kind() == Keyword::Engagement
                    && profile.is_none()
                {
                    // The profile is unknown (reported at `profile:`); its fields cannot be checked.
                } else {
                    let known = (block.fields.iter().map(|f| f.name)).chain(
                        (profile.into_iter().flat_map(|p| p.items()))
                            .filter(|i| i.kind() == Keyword::Field)
                            .filter_map(|i| i.name_text()),
                    );
                    let given = |n: &str| item.field(n).is_some();
                    // A name on a line with a syntax error may be part of what the mistake
                    // broke (`field x?t :`, the type read as a field): that error is the one.
                    if !scope.on_a_broken_line(field.name.span.start) {
                        out.push(scope.unknown_field(field, name, known, given, &place()));
                    }
                }
            }
            Entry::Item(child) => match block.item(child.kind()) {
                Some(child_rule) => check_item(scope, child_rule, child, out),
                None => out.push(misplaced(file, child, block, &place())),
            },
            Entry::Variant(v) => {
                // `field x text`: the name is the part the header of the item before it (one
                // without a body) lacks, reported there (`field` needs a type), not a bare name
                // besides.
                let header_part = at.checked_sub(1).and_then(|p| match &body.entries[p] {
                    Entry::Item(before) => Some(before),
                    _ => None,
                });
                let header_part = header_part.is_some_and(|before| {
                    before.body.is_none()
                        && (block.item(before.kind())).is_some_and(|r| lacks_a_part(r, before))
                });
                // `requirement` and the `}` after it swapped (`} R2 "T" {` on the next line):
                // the syntax error on the line of the `}` is the one for that mistake.
                let close_broken = at + 1 == body.entries.len()
                    && scope.on_a_broken_line(body.span.end.saturating_sub(1));
                // A syntax error on the name's own line (`durat.ion`, `priority,: must`) is the
                // mistake that left the name bare: it is the one error for it.
                let line_broken = scope.on_a_broken_line(v.span.start);
                if !block.variants && !header_part && !close_broken && !line_broken {
                    out.push(
                        Diagnostic::new(
                            Code::Sdd001,
                            file,
                            v.span,
                            format!("expected `{}: value`, found a bare name", v.text),
                        )
                        .with_label("missing `:` and value"),
                    );
                }
            }
        }
    }

    // Required fields. A body with a syntax error inside may hold the field in the part the
    // parser skipped: the syntax error is the one diagnostic for that mistake.
    if scope
        .syntax_errors
        .iter()
        .any(|s| body.span.start <= s.start && s.end <= body.span.end)
    {
        return;
    }
    for frule in block.fields.iter().filter(|f| f.required) {
        let Some(field) = first_fields.get(frule.name) else {
            out.push(
                Diagnostic::new(
                    Code::Sdd104,
                    file,
                    item.name_span(),
                    format!("{} is missing the required field `{}`", place(), frule.name),
                )
                .with_label(format!("add `{}: …`", frule.name))
                .with_note(format!("`{}`: {}", frule.name, frule.doc)),
            );
            continue;
        };
        // A required text of white space (or invisible characters) only says nothing: a
        // deviation's `cause: " "` is no cause, an engagement's `title: ""` no title.
        if field.value.as_str().is_some_and(|t| !has_content(t)) {
            out.push(
                Diagnostic::new(
                    Code::Sdd104,
                    file,
                    field.value.span,
                    format!("{} has an empty `{}`", place(), frule.name),
                )
                .with_label("no text")
                .with_note(format!("`{}`: {}", frule.name, frule.doc)),
            );
        }
    }
    if let Some(p) = profile {
        for decl in p
            .items()
            .filter(|i| i.kind() == Keyword::Field && i.optional.is_none())
        {
            let Some(name) = decl.name_text() else {
                continue;
            };
            if let Some(field) = first_fields.get(name) {
                // Given, but blank (`permission_boundary: "  "`) or empty (`targets: []`): as
                // missing, as a built-in required text is.
                let empty = match &field.value.kind {
                    ValueKind::List(values) => values.is_empty(),
                    _ => field.value.as_str().is_some_and(|t| !has_content(t)),
                };
                if empty {
                    out.push(
                        Diagnostic::new(
                            Code::Sdd104,
                            file,
                            field.value.span,
                            format!(
                                "{} has an empty `{name}`, required by profile `{}`",
                                place(),
                                p.name_text().unwrap_or("?")
                            ),
                        )
                        .with_label(match &field.value.kind {
                            ValueKind::List(_) => "an empty list",
                            _ => "no text",
                        }),
                    );
                }
            } else {
                out.push(
                    Diagnostic::new(
                        Code::Sdd104,
                        file,
                        item.name_span(),
                        format!(
                            "{} is missing `{name}`, required by profile `{}`",
                            place(),
                            p.name_text().unwrap_or("?")
                        ),
                    )
                    .with_label(format!("add `{name}: …`"))
                    .with_secondary(
                        scope
                            .ns
                            .get(p.name_text().unwrap_or(""))
                            .map(|d| d.file)
                            .unwrap_or(file),
                        decl.name_span(),
                        "declared here",
                    ),
                );
            }
        }
    }
}

/// The first field of each name in a body: found by a scan in a small body (nearly all), and
/// in a map built once in a large one, so that a body of many fields is checked in linear time.
enum FirstFields<'a> {
    Scan(&'a [Entry]),
    Map(NameMap<'a, &'a Field>),
}

impl<'a> FirstFields<'a> {
    /// Bodies up to this many entries are scanned.
    const SCANNED: usize = 16;

    fn of(entries: &'a [Entry]) -> FirstFields<'a> {
        if entries.len() <= Self::SCANNED {
            return FirstFields::Scan(entries);
        }
        let mut map = NameMap::with_capacity_and_hasher(entries.len(), Default::default());
        for entry in entries {
            if let Entry::Field(f) = entry {
                map.entry(f.name.text.as_str()).or_insert(f);
            }
        }
        FirstFields::Map(map)
    }

    fn get(&self, name: &str) -> Option<&'a Field> {
        match self {
            FirstFields::Scan(entries) => entries.iter().find_map(|e| match e {
                Entry::Field(f) if f.name.text == name => Some(f),
                _ => None,
            }),
            FirstFields::Map(map) => map.get(name).copied(),
        }
    }
}

fn profile_of<'a>(scope: &Scope<'a, '_>, engagement: &Item) -> Option<&'a Item> {
    let name = engagement.field("profile")?.value.as_name()?;
    scope.ns.get_kind(name, "profile").map(|d| d.item)
}

fn profile_field<'a>(profile: &'a Item, name: &str) -> Option<&'a Item> {
    profile.child(Keyword::Field, name)
}

/// The schema type of a top-level field (for tools such as completion).
pub fn field_type(path: &[&str], field: &str) -> Option<Ty> {
    super::schema::rule_for(path)?
        .block
        .field(field)
        .map(|f| f.ty)
}
