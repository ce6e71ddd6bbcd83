//! Stress: thousands of random edits replayed against the server over the real wire format
//! (inserts, deletes and multi-change notifications at random UTF-16 positions, many next to
//! or inside multi-byte characters; whole-file replaces; files opened and closed), with
//! requests of every kind the server offers in between, at random positions and ranges. The
//! server must answer every request without an error, log no failure, and end with exactly the
//! diagnostics `sdd check` gives for the final texts.
//!
//! `SDD_STRESS_STEPS` sets the number of operations (default 3,000) and `SDD_STRESS_SEED` the
//! seed; a failure prints both so it replays.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{start, Folder, TIMEOUT};
use sdd::estate::Estate;
use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

/// One of the items, at random (the callers never pass an empty slice).
fn pick<'a, T>(random: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[random.usize(..items.len())]
}

/// A file full of non-ASCII text: accents, CJK and emoji (surrogate pairs in UTF-16) in
/// strings and comments.
const UNICODE_FILE: &str = "// Zoë's team — 张伟 and 🚀 launches\n\
/// Ingénieure réseau; 负责 the edge 🛰️ fabric.\n\
person zoe {\n  name: \"Zoë Łukasiewicz 张伟 🚀\"\n  email: \"zoe@example.net\"\n  roles: [network-lead]\n}\n\
\n\
person emoji-only {\n  name: \"🚀🚀🚀 é\u{301} 𝄞\"\n  email: \"e@example.net\"\n}\n";

/// What edits insert: plain text, multi-byte characters, structure, line breaks.
const INSERTS: &[&str] = &[
    "",
    "x",
    "é",
    "张",
    "🚀",
    "\n",
    "{",
    "}",
    "\"",
    ": ",
    "requirement R99 \"Ünïcode 🚀 title\" {\n  priority: must\n}\n",
    "  acceptance: \"张伟 checks 🛰️\"\n",
    "// comment 🚀\n",
    "\r\n",
    // A `\r` alone: a line break to the client, an SDD002 to the compiler.
    "\r",
];

fn example_files() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let prefix = sdd_lsp::convert::name_of_path(&root);
    let mut files: Vec<(String, String)> = (estate.file_ids())
        .map(|id| {
            let name = estate.files.name(id);
            let relative = name.strip_prefix(&prefix).unwrap_or(name);
            (
                relative.trim_start_matches('/').to_string(),
                estate.files.text(id).to_string(),
            )
        })
        .collect();
    files.push(("unicode.sdd".to_string(), UNICODE_FILE.to_string()));
    files
}

/// The byte offset of a position by the rule the server documents: a character past the end
/// of its line is the end of the line, and a position inside a surrogate pair is the start of
/// the character it splits. Written independently of `sdd_lsp::convert`.
fn model_offset(text: &str, line: usize, character: usize) -> usize {
    let Some(&(start, end)) = common::protocol_lines(text).get(line) else {
        return text.len();
    };
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units + c.len_utf16() > character {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

/// A random position in the text: usually a character boundary, often next to a multi-byte
/// character, sometimes one UTF-16 unit further (inside a surrogate pair) or past the line end.
fn random_position(random: &mut fastrand::Rng, text: &str) -> (usize, usize) {
    let mut at = random.usize(..text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if random.usize(..3) == 0 {
        // Move to the nearest non-ASCII character, before or after it.
        if let Some(i) = text[at..].find(|c: char| !c.is_ascii()) {
            at += i;
            if random.usize(..2) == 0 {
                at += text[at..].chars().next().map_or(0, char::len_utf8);
            }
        }
    }
    let lines = common::protocol_lines(text);
    // A position between a `\r\n`'s two bytes is the end of its line.
    let line = lines.partition_point(|&(start, _)| start <= at) - 1;
    let (line_start, line_end) = lines[line];
    let mut character: usize = text[line_start..at.min(line_end)].encode_utf16().count();
    match random.usize(..8) {
        0 => character += 1,
        1 => character += 40,
        _ => {}
    }
    (line, character)
}

struct Document {
    text: String,
    version: i64,
}

struct Session {
    client: WireClient,
    folder: Folder,
    random: fastrand::Rng,
    /// Every file: name → text on disk.
    disk: BTreeMap<String, String>,
    open: BTreeMap<String, Document>,
    version: i64,
    /// The diagnostics last published for each URI.
    published: BTreeMap<String, Value>,
    requests: usize,
}

impl Session {
    fn collect(&mut self) {
        for p in self
            .client
            .take_notifications("textDocument/publishDiagnostics")
        {
            let uri = p["uri"].as_str().unwrap_or_default().to_string();
            self.published.insert(uri, p["diagnostics"].clone());
        }
        let failures: Vec<Value> = (self.client.take_notifications("window/logMessage"))
            .into_iter()
            .filter(|m| m["type"] == json!(1))
            .collect();
        assert!(
            failures.is_empty(),
            "the server logged failures: {failures:?}"
        );
    }

    fn next_version(&mut self) -> i64 {
        self.version += 1;
        self.version
    }

    async fn open_one(&mut self, name: &str) {
        let text = self.disk[name].clone();
        let version = self.next_version();
        let uri = self.folder.uri(name);
        self.client
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "sdd", "version": version, "text": text}}),
            )
            .await;
        self.open
            .insert(name.to_string(), Document { text, version });
    }

    async fn close_one(&mut self, name: &str) {
        self.open.remove(name);
        let uri = self.folder.uri(name);
        self.client
            .notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
    }

    /// One `didChange` with one to three random changes, or a whole-file replace.
    async fn change_one(&mut self, name: &str) {
        let mut text = self.open[name].text.clone();
        let mut changes = Vec::new();
        if self.random.usize(..12) == 0 {
            text = match self.random.usize(..3) {
                0 => String::new(),
                1 => self.disk[name].clone(),
                _ => {
                    let other: Vec<&String> = self.disk.values().collect();
                    pick(&mut self.random, &other).to_string()
                }
            };
            changes.push(json!({"text": text}));
        } else {
            for _ in 0..1 + self.random.usize(..3) {
                let (l1, c1) = random_position(&mut self.random, &text);
                let (l2, c2) = if self.random.usize(..2) == 0 {
                    (l1, c1)
                } else {
                    random_position(&mut self.random, &text)
                };
                let insert = pick(&mut self.random, INSERTS).to_string();
                let (a, b) = (model_offset(&text, l1, c1), model_offset(&text, l2, c2));
                text.replace_range(a.min(b)..a.max(b), &insert);
                changes.push(json!({
                    "range": {"start": {"line": l1, "character": c1},
                              "end": {"line": l2, "character": c2}},
                    "text": insert,
                }));
            }
        }
        let version = self.next_version();
        let uri = self.folder.uri(name);
        self.client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
            )
            .await;
        self.open
            .insert(name.to_string(), Document { text, version });
    }

    /// One request of any kind the server offers, at a random position or over a random
    /// range where it takes one: any answer is fine, no answer or an error is not.
    async fn ask(&mut self, name: &str) {
        let text = &self.open[name].text;
        let (line, character) = random_position(&mut self.random, text);
        let (end_line, end_character) = random_position(&mut self.random, text);
        let (start, end) = if (end_line, end_character) < (line, character) {
            ((end_line, end_character), (line, character))
        } else {
            ((line, character), (end_line, end_character))
        };
        let uri = self.folder.uri(name);
        let document = json!({"uri": uri});
        let position = json!({"line": line, "character": character});
        let range = json!({"start": {"line": start.0, "character": start.1},
                           "end": {"line": end.0, "character": end.1}});
        let at = json!({"textDocument": document, "position": position});
        let whole = json!({"textDocument": document});
        let (method, params) = match self.random.usize(..14) {
            0 => ("textDocument/hover", at),
            1 => ("textDocument/completion", at),
            2 => ("textDocument/definition", at),
            3 => (
                "textDocument/references",
                json!({"textDocument": document, "position": position,
                       "context": {"includeDeclaration": true}}),
            ),
            4 => ("textDocument/prepareRename", at),
            // A name nothing declares: the rename is never refused for a collision.
            5 => (
                "textDocument/rename",
                json!({"textDocument": document, "position": position,
                       "newName": "stress-renamed"}),
            ),
            6 => (
                "textDocument/codeAction",
                json!({"textDocument": document, "range": range,
                       "context": {"diagnostics": []}}),
            ),
            7 => (
                "textDocument/inlayHint",
                json!({"textDocument": document, "range": range}),
            ),
            8 => ("textDocument/documentSymbol", whole),
            9 => ("textDocument/semanticTokens/full", whole),
            10 => ("textDocument/foldingRange", whole),
            11 => ("textDocument/codeLens", whole),
            12 => (
                "workspace/symbol",
                json!({"query": pick(&mut self.random, INSERTS)}),
            ),
            _ => (
                "textDocument/formatting",
                json!({"textDocument": document,
                       "options": {"tabSize": 2, "insertSpaces": true}}),
            ),
        };
        let answer = self
            .client
            .request(method, params, TIMEOUT)
            .await
            .expect("the server answers");
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        self.requests += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_edits_end_with_the_diagnostics_of_sdd_check() {
    let steps: usize = std::env::var("SDD_STRESS_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3_000);
    let seed: u64 = std::env::var("SDD_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5dd_57e55);
    let files = example_files();
    let folder = Folder::new("stress", &files);
    let client = start(&folder, 5).await;
    let mut s = Session {
        client,
        folder,
        random: fastrand::Rng::with_seed(seed),
        disk: files.into_iter().collect(),
        open: BTreeMap::new(),
        version: 0,
        published: BTreeMap::new(),
        requests: 0,
    };
    let names: Vec<String> = s.disk.keys().cloned().collect();
    for step in 0..steps {
        let open: Vec<String> = s.open.keys().cloned().collect();
        match s.random.usize(..40) {
            0 | 1 => {
                let closed: Vec<&String> = names.iter().filter(|n| !open.contains(n)).collect();
                if !closed.is_empty() {
                    let name = pick(&mut s.random, &closed).to_string();
                    s.open_one(&name).await;
                }
            }
            2 if open.len() > 1 => {
                let name = pick(&mut s.random, &open).clone();
                s.close_one(&name).await;
            }
            3..=5 if !open.is_empty() => {
                let name = pick(&mut s.random, &open).clone();
                s.ask(&name).await;
            }
            _ if !open.is_empty() => {
                let name = pick(&mut s.random, &open).clone();
                s.change_one(&name).await;
            }
            _ => {
                let name = pick(&mut s.random, &names).clone();
                s.open_one(&name).await;
            }
        }
        if step % 100 == 0 {
            s.collect();
        }
    }

    // A last change to one document, then wait for its diagnostics and for the batch they
    // came in to end: every earlier edit is covered by that analysis.
    let last = match s.open.keys().next() {
        Some(name) => name.clone(),
        None => {
            let name = names[0].clone();
            s.open_one(&name).await;
            name
        }
    };
    s.change_one(&last).await;
    let (uri, version) = (s.folder.uri(&last), s.open[&last].version);
    let mut quiet_since = None;
    for _ in 0..400 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let before = s.published.clone();
        let seen_before = s
            .client
            .take_notifications("textDocument/publishDiagnostics");
        let seen_final = seen_before
            .iter()
            .any(|p| p["uri"] == json!(uri) && p["version"] == json!(version));
        for p in seen_before {
            let uri = p["uri"].as_str().unwrap_or_default().to_string();
            s.published.insert(uri, p["diagnostics"].clone());
        }
        if seen_final {
            quiet_since = Some(0);
        } else if let Some(n) = quiet_since.as_mut() {
            *n += if before == s.published { 1 } else { 0 };
            if *n >= 12 {
                break;
            }
        }
    }
    assert!(
        quiet_since.is_some(),
        "no diagnostics for the final version {version} of {last}"
    );
    s.collect();

    // `sdd check` on the final texts: the open buffers over the disk.
    let sources: Vec<(String, String)> = (s.disk.iter())
        .map(|(name, disk)| {
            let text = s.open.get(name).map_or(disk, |d| &d.text);
            let path = sdd_lsp::convert::name_of_path(&s.folder.path.join(name));
            (path, text.clone())
        })
        .collect();
    let estate = Estate::from_sources(sources);
    let mut expected: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let options = sdd::analysis::Options {
        git_history: true,
        ..sdd::analysis::Options::default()
    };
    for d in sdd::analysis::check(&estate, &options) {
        let name = estate.files.name(d.file());
        let uri = sdd_lsp::convert::uri(name).expect("a file URI");
        let lsp = sdd_lsp::convert::diagnostic(&d, &estate.files);
        (expected.entry(uri.as_str().to_string()).or_default())
            .push(serde_json::to_value(lsp).expect("serialisable"));
    }
    let context = format!("seed {seed}, {steps} steps");
    for (uri, published) in &s.published {
        let want = expected.remove(uri).unwrap_or_default();
        assert_eq!(
            published,
            &json!(want),
            "{context}: the last diagnostics published for {uri} are not `sdd check`'s"
        );
    }
    assert!(
        expected.is_empty(),
        "{context}: never published for {:?}",
        expected.keys().collect::<Vec<_>>()
    );
    let diagnostics: usize = (s.published.values())
        .map(|d| d.as_array().map_or(0, Vec::len))
        .sum();
    eprintln!(
        "{context}: {} notifications and {} requests; final: {} open documents, {diagnostics} diagnostics in {} files",
        s.version,
        s.requests,
        s.open.len(),
        s.published.values().filter(|d| d != &&json!([])).count()
    );
    assert!(s.requests > 0);
    s.client.stop(TIMEOUT).await.expect("the server stops");
}
