//! Typing a single value: against a schema type ([`Ty`]) or a declared type expression
//! (`list<cidr>`, an enum, a record). Reports SDD101, SDD103, SDD104, SDD105, SDD106, SDD401.

use crate::codes::Code;
use crate::diagnostic::{with_article, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::{Field, Item, Keyword, Value, ValueKind};

use super::names::{did_you_mean, Locals, NameSet, Namespace};
use super::schema::{Ty, BUILTIN_TYPES};

/// The most names a note lists (the first ones): ids of an unknown short id, enum variants,
/// the roles of an approver without authority.
const LISTED_IDS: usize = 20;

/// Names for a note: all of them when there are at most [`LISTED_IDS`], else the first ones
/// and `…`. None when there are none. Only the names listed are taken from `names`.
pub(crate) fn listed<T: AsRef<str>>(names: impl Iterator<Item = T>) -> Option<String> {
    let first: Vec<T> = names.take(LISTED_IDS + 1).collect();
    let shown: Vec<&str> = first.iter().take(LISTED_IDS).map(T::as_ref).collect();
    match first.len() {
        0 => None,
        n if n > LISTED_IDS => Some(format!("{}, …", shown.join(", "))),
        _ => Some(shown.join(", ")),
    }
}

/// What a value is checked in.
pub struct Scope<'a, 'b> {
    pub ns: &'b Namespace<'a>,
    pub file: FileId,
    pub locals: Option<&'b Locals<'a>>,
    /// Where the parser reported syntax errors in this file.
    pub syntax_errors: &'b [Span],
    /// The lines of those syntax errors.
    pub syntax_lines: &'b [Span],
}

impl Scope<'_, '_> {
    /// Whether the line holding byte `offset` has a syntax error: the mistake there is the
    /// one error for what it left out of the line (a header's part, a bare name).
    pub fn on_a_broken_line(&self, offset: u32) -> bool {
        (self.syntax_lines.iter()).any(|l| l.contains(offset as usize))
    }

    fn err(&self, code: Code, span: Span, message: String) -> Diagnostic {
        Diagnostic::new(code, self.file, span, message)
    }

    fn mismatch(&self, value: &Value, expected: &str) -> Diagnostic {
        self.err(
            Code::Sdd103,
            value.span,
            format!("expected {expected}, found {}", value.describe()),
        )
        .with_label(format!("expected {expected}"))
    }

    /// Check a value against a schema type.
    pub fn check(&self, value: &Value, ty: Ty, out: &mut Vec<Diagnostic>) {
        if matches!(value.kind, ValueKind::Error) || self.holds_syntax_error(value) {
            return;
        }
        match (ty, &value.kind) {
            (Ty::Text, ValueKind::Str(_)) | (Ty::Int, ValueKind::Int(_)) => {}
            (Ty::Date, ValueKind::Date(d)) => self.check_date(value.span, d, out),
            (Ty::Version, ValueKind::Version(v)) => self.check_version(value.span, v, out),
            (Ty::Person, ValueKind::Person(p)) => self.check_person(value.span, p, out),
            (Ty::Ident, ValueKind::Name(_)) => {}
            (Ty::Choice(words), ValueKind::Name(n)) => {
                if !words.contains(&n.as_str()) {
                    let mut d = self
                        .err(
                            Code::Sdd106,
                            value.span,
                            format!("`{n}` is not one of {}", words.join(", ")),
                        )
                        .with_label("unknown variant");
                    if let Some(h) = did_you_mean(n, words.iter().copied()) {
                        d = d.with_help(h);
                    }
                    out.push(d);
                }
            }
            (Ty::List(elem), ValueKind::List(items)) => {
                for v in items {
                    self.check(v, *elem, out);
                }
            }
            (Ty::Persons, ValueKind::Person(_)) => self.check(value, Ty::Person, out),
            (Ty::Persons, ValueKind::List(items)) => {
                for v in items {
                    self.check(v, Ty::Person, out);
                }
            }
            (Ty::Decl(kind), ValueKind::Name(n)) => self.check_decl(value.span, n, kind, out),
            (Ty::Local(kinds), ValueKind::Name(n)) => self.check_local(value.span, n, kinds, out),
            (Ty::AssetConstraint, ValueKind::Name(n)) => self.check_asset(value.span, n, out),
            (Ty::AssetConstraint, ValueKind::Ref { name, spec }) => {
                self.check_asset(name.span, &name.text, out);
                match &spec.kind {
                    ValueKind::Str(c) => self.check_constraint(spec.span, c, out),
                    _ => out
                        .push(self.mismatch(spec, "a version constraint string such as \"^2.1\"")),
                }
            }
            (Ty::AssetVersion, ValueKind::Ref { name, spec }) => {
                self.check_asset(name.span, &name.text, out);
                match &spec.kind {
                    ValueKind::Version(v) => self.check_version(spec.span, v, out),
                    _ => out.push(self.mismatch(spec, "an exact version such as 2.3.0")),
                }
            }
            (Ty::Type, _) => self.check_type_expr(value, out),
            (Ty::Quorum, ValueKind::Record(fields)) => {
                let given: NameSet<'_> = fields.iter().map(|f| f.name.text.as_str()).collect();
                for field in fields {
                    match field.name.text.as_str() {
                        "spec" | "design" => match field.value.kind {
                            ValueKind::Int(n) if n >= 1 => {}
                            ValueKind::Int(n) => out.push(
                                self.err(
                                    Code::Sdd103,
                                    field.value.span,
                                    format!("a quorum is at least 1 approver, not {n}"),
                                )
                                .with_label("expected a positive integer"),
                            ),
                            _ => out.push(self.mismatch(&field.value, "a positive integer")),
                        },
                        other => out.push(self.unknown_field(
                            field,
                            other,
                            ["spec", "design"].into_iter(),
                            |n| given.contains(n),
                            "quorum",
                        )),
                    }
                }
            }
            _ => out.push(self.mismatch(value, &ty.describe())),
        }
    }

    /// A value with a syntax error (or skipped, too-deep content) inside was only partly read:
    /// its syntax error is the one diagnostic for it.
    fn holds_syntax_error(&self, value: &Value) -> bool {
        self.syntax_errors
            .iter()
            .any(|s| value.span.start <= s.start && s.end <= value.span.end)
    }

    /// SDD105 for a field not in `known` (read lazily: at most the suggestion budget and
    /// the first names for the note). A field `given` already is no suggestion: taken, it
    /// would be given twice.
    pub fn unknown_field<'k>(
        &self,
        field: &Field,
        name: &str,
        known: impl Iterator<Item = &'k str> + Clone,
        given: impl Fn(&str) -> bool,
        place: &str,
    ) -> Diagnostic {
        let mut d = self
            .err(
                Code::Sdd105,
                field.name.span,
                format!("unknown field `{name}` in {place}"),
            )
            .with_label("unknown field");
        if let Some(h) = did_you_mean(name, known.clone().filter(|n| !given(n))) {
            d = d.with_help(h);
        } else if let Some(names) = listed(known) {
            d = d.with_note(format!("fields here: {names}"));
        }
        d
    }

    pub fn check_person(&self, span: Span, name: &str, out: &mut Vec<Diagnostic>) {
        self.check_decl(span, name, "person", out)
    }

    pub fn check_decl(&self, span: Span, name: &str, kind: &str, out: &mut Vec<Diagnostic>) {
        match self.ns.get(name) {
            Some(d) if d.kind() == kind => {}
            Some(d) => out.push(
                self.err(
                    Code::Sdd103,
                    span,
                    format!(
                        "`{name}` is {}, not {}",
                        with_article(d.kind()),
                        with_article(kind)
                    ),
                )
                .with_label(format!("expected {}", with_article(kind)))
                .with_secondary(
                    d.file,
                    d.item.name_span(),
                    format!("`{name}` is declared here"),
                ),
            ),
            None => {
                let mut d = self
                    .err(Code::Sdd101, span, format!("unknown {kind} `{name}`"))
                    .with_label(format!("no {kind} of this name in the estate"));
                if let Some(h) = did_you_mean(name, self.ns.names_of(kind)) {
                    d = d.with_help(h);
                }
                out.push(d);
            }
        }
    }

    pub fn check_local(
        &self,
        span: Span,
        name: &str,
        kinds: &[Keyword],
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(locals) = self.locals else { return };
        if locals.get_kind(name, kinds).is_some() {
            return;
        }
        let what = Keyword::join(kinds, " or ");
        let mut d = match locals.names.get(name) {
            Some(item) => self
                .err(
                    Code::Sdd103,
                    span,
                    format!(
                        "`{name}` is {}, not {}",
                        with_article(item.keyword()),
                        with_article(&what)
                    ),
                )
                .with_label(format!("expected {}", with_article(&what))),
            None => self
                .err(
                    Code::Sdd101,
                    span,
                    format!("unknown {what} `{name}` in this engagement"),
                )
                .with_label(format!("no {what} of this name")),
        };
        if name.chars().count() <= 3 {
            // Short ids such as R3 are all one edit apart: list them rather than guess.
            let known: Vec<&str> = locals.names_of(kinds).take(LISTED_IDS + 1).collect();
            if known.len() > LISTED_IDS {
                let first = known[..LISTED_IDS].join(", ");
                d = d.with_note(format!("{what} ids here include {first}, …"));
            } else if !known.is_empty() {
                d = d.with_note(format!("{what} ids here: {}", known.join(", ")));
            }
        } else if let Some(h) = did_you_mean(name, locals.names_of(kinds)) {
            d = d.with_help(h);
        }
        out.push(d);
    }

    fn check_asset(&self, span: Span, name: &str, out: &mut Vec<Diagnostic>) {
        match self.ns.get(name) {
            Some(d) if d.kind() == "asset" => return,
            // Declared as something else (an engagement): SDD103 says what it is.
            Some(_) => return self.check_decl(span, name, "asset", out),
            None => {}
        }
        let mut d = self
            .err(Code::Sdd401, span, format!("unknown asset `{name}`"))
            .with_label("not in the asset inventory");
        if let Some(h) = did_you_mean(name, self.ns.names_of("asset")) {
            d = d.with_help(h);
        }
        out.push(d);
    }

    fn check_date(&self, span: Span, text: &str, out: &mut Vec<Diagnostic>) {
        if parse_date(text).is_none() {
            out.push(
                self.err(
                    Code::Sdd103,
                    span,
                    format!("`{text}` is not a calendar date"),
                )
                .with_label("invalid date"),
            );
        }
    }

    fn check_version(&self, span: Span, text: &str, out: &mut Vec<Diagnostic>) {
        if semver::Version::parse(text).is_err() {
            out.push(
                self.err(
                    Code::Sdd103,
                    span,
                    format!("`{text}` is not a semantic version"),
                )
                .with_label("invalid version"),
            );
        }
    }

    fn check_constraint(&self, span: Span, text: &str, out: &mut Vec<Diagnostic>) {
        if let Err(e) = semver::VersionReq::parse(text) {
            out.push(
                self.err(
                    Code::Sdd103,
                    span,
                    format!(
                        "`{text}` is not a version constraint: {}",
                        semver_problem(&e)
                    ),
                )
                .with_label("invalid constraint")
                .with_help("write a semver constraint such as \"^2.1\" or \">=1.2, <2\""),
            );
        }
    }

    /// A type expression in a `field` or `record` declaration.
    pub fn check_type_expr(&self, value: &Value, out: &mut Vec<Diagnostic>) {
        match &value.kind {
            ValueKind::Name(n) => {
                if BUILTIN_TYPES.contains(&n.as_str()) {
                    return;
                }
                match self.ns.get(n) {
                    Some(d) if matches!(d.kind(), "enum" | "record") => {}
                    Some(d) => out.push(
                        self.err(
                            Code::Sdd103,
                            value.span,
                            format!("`{n}` is a {}, not a type", d.kind()),
                        )
                        .with_label("expected a type"),
                    ),
                    None => {
                        let mut candidates: Vec<&str> = BUILTIN_TYPES.to_vec();
                        candidates.extend(self.ns.names_of("enum"));
                        candidates.extend(self.ns.names_of("record"));
                        let mut d = self
                            .err(Code::Sdd101, value.span, format!("unknown type `{n}`"))
                            .with_label("not a built-in type, enum or record");
                        if let Some(h) = did_you_mean(n, candidates) {
                            d = d.with_help(h);
                        }
                        out.push(d);
                    }
                }
            }
            ValueKind::Generic { name, args } if name.text == "list" && args.len() == 1 => {
                self.check_type_expr(&args[0], out)
            }
            ValueKind::Generic { name, args } if name.text == "list" => out.push(
                self.err(
                    Code::Sdd103,
                    value.span,
                    format!(
                        "`list` takes one type parameter, not {}: write `list<T>`",
                        args.len()
                    ),
                )
                .with_label("invalid type"),
            ),
            ValueKind::Generic { name, .. } => out.push(
                self.err(
                    Code::Sdd103,
                    value.span,
                    format!(
                        "`{}<…>` is not a type: only `list<T>` takes a parameter",
                        name.text
                    ),
                )
                .with_label("invalid type"),
            ),
            _ => out.push(self.mismatch(value, "a type such as `text` or `list<cidr>`")),
        }
    }

    /// Check a value against a (valid) type expression.
    pub fn check_typed(&self, value: &Value, ty: &Value, out: &mut Vec<Diagnostic>) {
        if matches!(value.kind, ValueKind::Error) || self.holds_syntax_error(value) {
            return;
        }
        match &ty.kind {
            ValueKind::Generic { args, .. } if args.len() == 1 => match &value.kind {
                ValueKind::List(items) => {
                    for v in items {
                        self.check_typed(v, &args[0], out);
                    }
                }
                _ => out.push(self.mismatch(value, "a list")),
            },
            ValueKind::Name(t) => self.check_named_type(value, t, out),
            _ => {}
        }
    }

    fn check_named_type(&self, value: &Value, ty: &str, out: &mut Vec<Diagnostic>) {
        let bad = |why: &str| {
            self.err(Code::Sdd103, value.span, format!("not a valid {ty}: {why}"))
                .with_label(format!("expected {ty}"))
        };
        match (ty, &value.kind) {
            // Beyond ±(2^53 − 1) a JSON reader (JavaScript, and RFC 8785's canonical form the
            // fingerprints follow) does not keep an integer exactly.
            ("int" | "decimal", ValueKind::Int(n)) if n.unsigned_abs() > MAX_EXACT_INT => {
                out.push(bad(&format!(
                    "{n} is outside ±{MAX_EXACT_INT}, the integers a JSON reader keeps exactly"
                )))
            }
            ("text", ValueKind::Str(_))
            | ("int", ValueKind::Int(_))
            | ("decimal", ValueKind::Decimal(_) | ValueKind::Int(_))
            | ("bool", ValueKind::Bool(_)) => {}
            ("duration", ValueKind::Duration(d)) => {
                if duration_seconds(d).is_none() {
                    out.push(bad(&format!(
                        "`{d}` is out of range (at most {} seconds)",
                        i64::MAX
                    )));
                }
            }
            ("date", ValueKind::Date(d)) => self.check_date(value.span, d, out),
            ("datetime", ValueKind::DateTime(d)) => {
                if parse_datetime(d).is_none() {
                    out.push(bad(&format!("`{d}` is not a real date and time")));
                }
            }
            ("version", ValueKind::Version(v)) => self.check_version(value.span, v, out),
            ("constraint", ValueKind::Str(c)) => self.check_constraint(value.span, c, out),
            ("person", ValueKind::Person(p)) => self.check_person(value.span, p, out),
            ("ip", ValueKind::Str(s)) => {
                if s.parse::<std::net::IpAddr>().is_err() {
                    out.push(bad(&format!("`{s}` is not an IPv4 or IPv6 address")));
                }
            }
            ("cidr", ValueKind::Str(s)) => {
                if let Err(why) = check_cidr(s) {
                    out.push(bad(&why));
                }
            }
            ("asn", ValueKind::Int(n)) => {
                if !(1..=4_294_967_294).contains(n) {
                    out.push(bad(&format!("{n} is outside 1–4294967294")));
                }
            }
            ("asn", ValueKind::Str(s)) => {
                let digits = s.strip_prefix("AS").unwrap_or(s);
                let only_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                match digits.parse::<u64>() {
                    Ok(n) if only_digits && (1..=4_294_967_294).contains(&n) => {}
                    _ => out.push(bad(&format!("`{s}` is not an AS number"))),
                }
            }
            ("vlan", ValueKind::Int(n)) => {
                if !(1..=4094).contains(n) {
                    out.push(bad(&format!("VLAN {n} is outside 1–4094")));
                }
            }
            (builtin, _) if BUILTIN_TYPES.contains(&builtin) => {
                out.push(self.mismatch(value, &format!("a value of type `{builtin}`")))
            }
            (name, _) => match self.ns.get(name) {
                Some(d) if d.kind() == "enum" => self.check_enum_value(value, d.item, out),
                Some(d) if d.kind() == "record" => self.check_record_value(value, d.item, out),
                _ => {} // the type itself is reported where it is declared
            },
        }
    }

    fn check_enum_value(&self, value: &Value, decl: &Item, out: &mut Vec<Diagnostic>) {
        let variants = decl.entries().iter().filter_map(|e| match e {
            crate::syntax::Entry::Variant(v) => Some(v.text.as_str()),
            _ => None,
        });
        let name = decl.name_text().unwrap_or("?");
        match &value.kind {
            ValueKind::Name(n) if decl.has_variant(n) => {}
            ValueKind::Name(n) => {
                let mut d = self
                    .err(
                        Code::Sdd106,
                        value.span,
                        format!("`{n}` is not a variant of enum `{name}`"),
                    )
                    .with_label("unknown variant");
                if let Some(names) = listed(variants.clone()) {
                    d = d.with_note(format!("variants: {names}"));
                }
                if let Some(h) = did_you_mean(n, variants) {
                    d = d.with_help(h);
                }
                out.push(d);
            }
            _ => out.push(self.mismatch(value, &format!("a variant of enum `{name}`"))),
        }
    }

    fn check_record_value(&self, value: &Value, decl: &Item, out: &mut Vec<Diagnostic>) {
        let name = decl.name_text().unwrap_or("?");
        let ValueKind::Record(fields) = &value.kind else {
            out.push(self.mismatch(value, &format!("a `{name}` record `{{ … }}`")));
            return;
        };
        let known = decl.fields().map(|f| f.name.text.as_str());
        // Built once: asked of each suggestion for each unknown field.
        let given_names: NameSet<'_> = fields.iter().map(|f| f.name.text.as_str()).collect();
        let given = |n: &str| given_names.contains(n);
        for field in fields {
            match decl.field(&field.name.text) {
                Some(d) => self.check_typed(&field.value, &d.value, out),
                None => out.push(self.unknown_field(
                    field,
                    &field.name.text,
                    known.clone(),
                    given,
                    &format!("record `{name}`"),
                )),
            }
        }
        // A large record is looked up by name, a small one scanned.
        let present: Option<NameSet<'_>> =
            (fields.len() > 16).then(|| fields.iter().map(|f| f.name.text.as_str()).collect());
        let has = |n: &str| match &present {
            Some(set) => set.contains(n),
            None => fields.iter().any(|f| f.name.text == n),
        };
        for d in decl.fields() {
            if !has(&d.name.text) {
                out.push(
                    self.err(
                        Code::Sdd104,
                        value.span,
                        format!("missing field `{}` of record `{name}`", d.name.text),
                    )
                    .with_label(format!("`{}` is required", d.name.text)),
                );
            }
        }
    }
}

/// A date written as the source writes one, `YYYY-MM-DD` and nothing else: the command line's
/// `--on` and `--as-of` take the same form (`26-11-20` is not the year 26, `+2026-11-20` no date).
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    // Read directly: chrono's format-string parser was 2% of a large check.
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// A version given on the command line, as the source writes one: `MAJOR.MINOR.PATCH` with an
/// optional pre-release, no build metadata (which the source refuses) and no `v`.
pub fn parse_version(text: &str) -> Result<semver::Version, String> {
    let version = semver::Version::parse(text).map_err(|e| semver_problem(&e))?;
    if !version.build.is_empty() {
        return Err("a version takes no build metadata (`+…`)".to_string());
    }
    Ok(version)
}

/// The semver crate's reason, in the words of this tool: its limit is named as a number.
pub fn semver_problem(e: &semver::Error) -> String {
    e.to_string()
        .replace("exceeds u64::MAX", &format!("is larger than {}", u64::MAX))
}

/// The largest integer a manifest holds: 2^53 − 1, the last a JSON number read as a double
/// (JavaScript, RFC 8785) keeps exactly.
pub const MAX_EXACT_INT: u64 = (1 << 53) - 1;

pub fn parse_datetime(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    // A leap second (`:60`) is refused: few readers parse one (Python's `datetime` does not),
    // and a change window or a build time has no need of it.
    if text.get(17..19) == Some("60") {
        return None;
    }
    let normalised = text.replace('Z', "+00:00");
    let with_seconds = if normalised.len() == "2026-11-28T02:00+00:00".len() {
        format!("{}:00{}", &normalised[..16], &normalised[16..])
    } else {
        normalised
    };
    chrono::DateTime::parse_from_rfc3339(&with_seconds).ok()
}

fn check_cidr(s: &str) -> Result<(), String> {
    let (addr, len) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` has no prefix length (`/24`)"))?;
    let addr: std::net::IpAddr = addr
        .parse()
        .map_err(|_| format!("`{addr}` is not an IP address"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    // Digits only: `parse` would take `+8`, which other readers refuse.
    let digits = !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit());
    let n = match len.parse::<u8>() {
        Ok(n) if n <= max && digits => n,
        Ok(_) if digits => return Err(format!("prefix length `/{len}` is outside 0–{max}")),
        _ => {
            return Err(format!(
                "prefix length `/{len}` is not a number from 0 to {max}"
            ))
        }
    };
    // A network has no host bits: `10.0.0.1/24` is an address in `10.0.0.0/24`.
    let network = match addr {
        std::net::IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(n)).unwrap_or(0);
            std::net::IpAddr::V4((u32::from(a) & mask).into())
        }
        std::net::IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(n)).unwrap_or(0);
            std::net::IpAddr::V6((u128::from(a) & mask).into())
        }
    };
    if network != addr {
        return Err(format!(
            "`{s}` has host bits set: the network is `{network}/{n}`"
        ));
    }
    Ok(())
}

/// A duration literal (`90s`, `15m`, `4h`, `2d`, `1w`) in seconds, when it fits an `i64`.
pub fn duration_seconds(text: &str) -> Option<i64> {
    let (number, unit) = text.split_at(text.len().checked_sub(1)?);
    let per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    number.parse::<i64>().ok()?.checked_mul(per_unit)
}
