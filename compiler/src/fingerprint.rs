//! Fingerprints: what a gate approves, as canonical JSON hashed with SHA-256.
//!
//! The canonical form is documented in `docs/fingerprints.md`; in short:
//! - a value: string → JSON string (decoded); integer → JSON integer; boolean → JSON boolean;
//!   decimal, date, date-time, duration, version → JSON string as written; `@p` → `"@p"`;
//!   a bare name → JSON string; `name "c"`/`name 1.2.3` → `{"name": …, "spec": …}`;
//!   `list<T>` → `"list<T>"`; a list → array (order kept); an inline record → object;
//! - an item (`requirement R1 "…" { … }`) → object with `kind`, and `name`, `title`, `by` when
//!   present, `fields` (object of its fields) and `items` (array of nested items, in order);
//! - spec content: `{"fields": {profile-declared field: value}, "profile": NAME,
//!   "requirements": ITEM or null}`;
//! - design content: `{"design": ITEM or null, "feasibility": ITEM or null,
//!   "spec_fingerprint": "sha256:…"}`;
//! - serialised with object keys sorted by code point, no white space, JSON's short escapes and
//!   `\u00xx` for other control characters, everything else raw UTF-8 (RFC 8785 for these
//!   value kinds); the fingerprint is `sha256:` and the lowercase hex SHA-256 of those bytes.
//!
//! Comments, layout and field order never reach the canonical form, so `sdd fmt` cannot
//! invalidate an approval.

use serde_json::{Map, Value as Json};
use std::io::Write;

use sha2::{Digest, Sha256};

use crate::syntax::Keyword;
use crate::syntax::{Entry, Item, Value, ValueKind};

/// The canonical JSON of a value.
pub fn value_json(value: &Value) -> Json {
    match &value.kind {
        ValueKind::Str(s) => Json::String(s.clone()),
        ValueKind::Int(n) => Json::from(*n),
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Decimal(s)
        | ValueKind::Date(s)
        | ValueKind::DateTime(s)
        | ValueKind::Duration(s)
        | ValueKind::Version(s)
        | ValueKind::Name(s) => Json::String(s.to_string()),
        ValueKind::Person(p) => Json::String(format!("@{p}")),
        ValueKind::Ref { name, spec } => {
            let mut m = Map::new();
            m.insert("name".into(), Json::String(name.text.to_string()));
            m.insert("spec".into(), value_json(spec));
            Json::Object(m)
        }
        ValueKind::Generic { name, args } => {
            let args: Vec<String> = args.iter().map(type_text).collect();
            Json::String(format!("{}<{}>", name.text, args.join(",")))
        }
        ValueKind::List(items) => Json::Array(items.iter().map(value_json).collect()),
        ValueKind::Record(fields) => Json::Object(
            fields
                .iter()
                .map(|f| (f.name.text.to_string(), value_json(&f.value)))
                .collect(),
        ),
        ValueKind::Error => Json::Null,
    }
}

fn type_text(value: &Value) -> String {
    match value_json(value) {
        Json::String(s) => s,
        other => other.to_string(),
    }
}

/// The canonical JSON of an item and everything inside it.
pub fn item_json(item: &Item) -> Json {
    let mut m = Map::new();
    m.insert("kind".into(), Json::String(item.keyword().to_string()));
    if let Some(name) = &item.name {
        m.insert("name".into(), Json::String(name.text.to_string()));
    }
    if let Some(title) = &item.title {
        m.insert("title".into(), Json::String(title.value.clone()));
    }
    if let Some(by) = &item.by {
        m.insert("by".into(), Json::String(by.text.to_string()));
    }
    let mut fields = Map::new();
    let mut items = Vec::new();
    for entry in item.entries() {
        match entry {
            Entry::Field(f) => {
                // The first value of a repeated field counts, as everywhere else.
                fields
                    .entry(f.name.text.clone())
                    .or_insert_with(|| value_json(&f.value));
            }
            Entry::Item(i) => items.push(item_json(i)),
            Entry::Variant(v) => items.push(Json::String(v.text.to_string())),
        }
    }
    m.insert("fields".into(), Json::Object(fields));
    m.insert("items".into(), Json::Array(items));
    Json::Object(m)
}

/// Canonical bytes of a JSON value (serde_json's map is sorted by key).
pub fn canonical(json: &Json) -> String {
    serde_json::to_string(json).unwrap_or_default()
}

/// `sha256:<hex>` of canonical JSON.
pub fn hash(json: &Json) -> String {
    hex_fingerprint(&Sha256::digest(canonical(json).as_bytes()))
}

/// `sha256:` and the lowercase hex of a digest.
fn hex_fingerprint(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(7 + 2 * digest.len());
    out.push_str("sha256:");
    for byte in digest {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 0xf)] as char);
    }
    out
}

/// Is this a well-formed fingerprint: `sha256:` and 64 lowercase hex digits?
pub fn is_well_formed(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The content Gate 1 approves.
pub fn spec_content(
    engagement: &Item,
    profile: Option<&Item>,
    requirements: Option<&Item>,
) -> Json {
    let profile_name = engagement
        .field("profile")
        .and_then(|f| f.value.as_name())
        .unwrap_or("");
    let mut fields = Map::new();
    if let Some(profile) = profile {
        for decl in profile.items().filter(|i| i.kind() == Keyword::Field) {
            let Some(name) = decl.name_text() else {
                continue;
            };
            if let Some(field) = engagement.field(name) {
                fields.insert(name.to_string(), value_json(&field.value));
            }
        }
    }
    let mut m = Map::new();
    m.insert("profile".into(), Json::String(profile_name.to_string()));
    m.insert("fields".into(), Json::Object(fields));
    m.insert(
        "requirements".into(),
        requirements.map(item_json).unwrap_or(Json::Null),
    );
    Json::Object(m)
}

/// The content Gate 2 approves; it chains the spec fingerprint.
pub fn design_content(
    spec_fingerprint: &str,
    feasibility: Option<&Item>,
    design: Option<&Item>,
) -> Json {
    let mut m = Map::new();
    m.insert(
        "spec_fingerprint".into(),
        Json::String(spec_fingerprint.to_string()),
    );
    m.insert(
        "feasibility".into(),
        feasibility.map(item_json).unwrap_or(Json::Null),
    );
    m.insert("design".into(), design.map(item_json).unwrap_or(Json::Null));
    Json::Object(m)
}

/// The spec fingerprint, streamed: the same bytes as `hash(&spec_content(..))` without
/// building the JSON tree (the checker computes one per engagement on every run).
pub fn spec_fingerprint(
    engagement: &Item,
    profile: Option<&Item>,
    requirements: Option<&Item>,
) -> String {
    let mut h = HashWriter::new();
    let profile_name = engagement
        .field("profile")
        .and_then(|f| f.value.as_name())
        .unwrap_or("");
    let mut fields: Vec<(&str, &Value)> = Vec::new();
    if let Some(profile) = profile {
        for decl in profile.items().filter(|i| i.kind() == Keyword::Field) {
            let Some(name) = decl.name_text() else {
                continue;
            };
            if let Some(field) = engagement.field(name) {
                fields.push((name, &field.value));
            }
        }
    }
    // A field the profile declares twice is written once (both are the same field).
    fields.sort_by(|a, b| a.0.cmp(b.0));
    fields.dedup_by(|a, b| a.0 == b.0);
    h.raw("{\"fields\":{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            h.raw(",");
        }
        h.string(name);
        h.raw(":");
        h.value(value);
    }
    h.raw("},\"profile\":");
    h.string(profile_name);
    h.raw(",\"requirements\":");
    h.optional_item(requirements);
    h.raw("}");
    h.finish()
}

/// The design fingerprint, streamed: the same bytes as `hash(&design_content(..))`.
pub fn design_fingerprint(
    spec_fingerprint: &str,
    feasibility: Option<&Item>,
    design: Option<&Item>,
) -> String {
    let mut h = HashWriter::new();
    h.raw("{\"design\":");
    h.optional_item(design);
    h.raw(",\"feasibility\":");
    h.optional_item(feasibility);
    h.raw(",\"spec_fingerprint\":");
    h.string(spec_fingerprint);
    h.raw("}");
    h.finish()
}

/// Canonical JSON bytes on their way into SHA-256. They gather in a buffer that is hashed a
/// few kilobytes at a time: the hasher's per-call cost is then paid per chunk, not per piece
/// of punctuation.
struct HashWriter<'t> {
    hasher: Sha256,
    buffer: Vec<u8>,
    /// The fields of the item being written, by name (see [`HashWriter::item`]).
    fields: Vec<(&'t str, &'t Value)>,
}

/// How many bytes gather before they are hashed.
const CHUNK: usize = 8 * 1024;

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'t> HashWriter<'t> {
    fn new() -> HashWriter<'t> {
        HashWriter {
            hasher: Sha256::new(),
            buffer: Vec::with_capacity(CHUNK + 256),
            fields: Vec::new(),
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.hasher.update(&self.buffer);
            self.buffer.clear();
        }
    }

    fn raw(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    /// A JSON string with serde_json's escaping, so the bytes match `canonical`. A string
    /// with nothing to escape (no `"`, `\` or control character, the common case) is copied
    /// as it is; any other goes through serde_json itself.
    fn string(&mut self, text: &str) {
        if needs_escape(text) {
            // Writing into a hasher cannot fail.
            let _ = serde_json::to_writer(&mut *self, text);
        } else {
            self.buffer.push(b'"');
            self.buffer.extend_from_slice(text.as_bytes());
            self.bytes(b"\"");
        }
    }

    fn optional_item(&mut self, item: Option<&'t Item>) {
        match item {
            Some(item) => self.item(item),
            None => self.raw("null"),
        }
    }

    fn item(&mut self, item: &'t Item) {
        // Keys in code point order: by, fields, items, kind, name, title.
        self.raw("{");
        if let Some(by) = &item.by {
            self.raw("\"by\":");
            self.string(&by.text);
            self.raw(",");
        }
        // The fields sorted by name; the sort is stable, so the first value of a repeated
        // field comes first and is the one that counts. They sit on top of `self.fields`
        // until the object is written, before any nested item is.
        let mark = self.fields.len();
        (self.fields).extend(item.fields().map(|f| (f.name.text.as_str(), &f.value)));
        self.fields[mark..].sort_by(|a, b| a.0.cmp(b.0));
        self.raw("\"fields\":{");
        let mut previous = None;
        for i in mark..self.fields.len() {
            let (name, value) = self.fields[i];
            if previous == Some(name) {
                continue;
            }
            if previous.is_some() {
                self.raw(",");
            }
            previous = Some(name);
            self.string(name);
            self.raw(":");
            self.value(value);
        }
        self.fields.truncate(mark);
        self.raw("},\"items\":[");
        let mut first = true;
        for entry in item.entries() {
            let sep = if first { "" } else { "," };
            match entry {
                Entry::Field(_) => continue,
                Entry::Item(i) => {
                    self.raw(sep);
                    self.item(i);
                }
                Entry::Variant(v) => {
                    self.raw(sep);
                    self.string(&v.text);
                }
            }
            first = false;
        }
        self.raw("],\"kind\":");
        self.string(item.keyword());
        if let Some(name) = &item.name {
            self.raw(",\"name\":");
            self.string(&name.text);
        }
        if let Some(title) = &item.title {
            self.raw(",\"title\":");
            self.string(&title.value);
        }
        self.raw("}");
    }

    fn value(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Str(s) => self.string(s),
            ValueKind::Decimal(s)
            | ValueKind::Date(s)
            | ValueKind::DateTime(s)
            | ValueKind::Duration(s)
            | ValueKind::Version(s)
            | ValueKind::Name(s) => self.string(s),
            ValueKind::Int(n) => {
                let _ = write!(self, "{n}");
            }
            ValueKind::Bool(b) => self.raw(if *b { "true" } else { "false" }),
            ValueKind::Person(p) if !needs_escape(p) => {
                self.raw("\"@");
                self.raw(p);
                self.raw("\"");
            }
            ValueKind::Person(p) => self.string(&format!("@{p}")),
            ValueKind::Ref { name, spec } => {
                self.raw("{\"name\":");
                self.string(&name.text);
                self.raw(",\"spec\":");
                self.value(spec);
                self.raw("}");
            }
            ValueKind::Generic { .. } | ValueKind::Record(_) => {
                // Rare in approved content: take the tree path for identical bytes.
                let json = value_json(value);
                let _ = serde_json::to_writer(&mut *self, &json);
            }
            ValueKind::List(items) => {
                self.raw("[");
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.value(v);
                }
                self.raw("]");
            }
            ValueKind::Error => self.raw("null"),
        }
    }

    fn finish(mut self) -> String {
        self.hasher.update(&self.buffer);
        hex_fingerprint(&self.hasher.finalize())
    }
}

/// Does JSON need an escape anywhere in this text: a `"`, a `\` or a control character?
/// (Written without an early exit so that it compiles to a vector loop.)
fn needs_escape(text: &str) -> bool {
    text.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_and_has_no_spaces() {
        let json = serde_json::json!({"b": [1, "x"], "a": {"d": true, "c": "é\n"}});
        assert_eq!(
            canonical(&json),
            r#"{"a":{"c":"é\n","d":true},"b":[1,"x"]}"#
        );
    }

    /// The streamed writer's bytes are serde_json's for every kind of string, including the
    /// ones it copies without looking at serde_json, and across chunk boundaries.
    #[test]
    fn streamed_strings_hash_as_serde_json_writes_them() {
        let long = "x".repeat(3 * CHUNK + 7);
        let strings = [
            "",
            "plain text",
            "a \"quote\"",
            "back\\slash",
            "tab\tnew\nline\r",
            "bell\u{7} del\u{7f} nul\u{0}",
            "é中😀 and \u{2028}",
            long.as_str(),
        ];
        for text in strings {
            let mut h = HashWriter::new();
            h.string(text);
            assert_eq!(h.finish(), hash(&Json::String(text.into())), "{text:?}");
        }
        let mut h = HashWriter::new();
        h.raw("[");
        for (i, text) in strings.iter().cycle().take(5_000).enumerate() {
            if i > 0 {
                h.raw(",");
            }
            h.string(text);
        }
        h.raw("]");
        let json = Json::Array(
            (strings.iter().cycle().take(5_000))
                .map(|t| Json::String((*t).into()))
                .collect(),
        );
        assert_eq!(h.finish(), hash(&json));
    }

    /// Items with repeated, unordered and nested fields stream to the bytes of the JSON tree:
    /// the first value of a repeated field counts in both.
    #[test]
    fn streamed_items_hash_as_their_json_tree() {
        let source = r#"
            engagement e {
              profile: p
              requirements {
                requirement R1 "t" { priority: must acceptance: "a" priority: should z: [1, "x"] }
                requirement R2 "u" { b: 2 a: 1 b: 3 }
                constraint C1 "c" { test T1 { y: @p x: 1.5 y: @q } }
              }
            }
            "#;
        let parsed = crate::syntax::parse(crate::source::FileId(0), source);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let engagement = &parsed.ast.items[0];
        let requirements = engagement.items().next();
        assert_eq!(
            spec_fingerprint(engagement, None, requirements),
            hash(&spec_content(engagement, None, requirements))
        );
        let spec = spec_fingerprint(engagement, None, requirements);
        assert_eq!(
            design_fingerprint(&spec, requirements, requirements),
            hash(&design_content(&spec, requirements, requirements))
        );
    }

    #[test]
    fn hash_matches_a_known_sha256_vector() {
        // sha256("\"abc\"") computed independently: printf '"abc"' | sha256sum
        assert_eq!(
            hash(&Json::String("abc".into())),
            "sha256:6cc43f858fbb763301637b5af970e2a46b46f461f27e5a0f41e009c59b827b25"
        );
        assert!(is_well_formed(&hash(&Json::Null)));
        assert!(!is_well_formed("sha256:ABC"));
    }
}
