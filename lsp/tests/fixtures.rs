//! Data-driven protocol tests: each file of `tests/fixtures/` is an estate with cursor markers
//! and the requests to make; every answer is rendered readably and snapshotted.
//!
//! Fixture format: header lines `# request: METHOD ARGS…` (and `# ` comments), then files,
//! each introduced by `--- NAME`. In the files, `$0` … `$9` mark positions and are removed.
//! Requests: `hover M`, `definition M`, `references M`, `prepareRename M`, `rename M NEW`,
//! `completion M`, `codeAction M [M2]`, `documentSymbol FILE`, `workspaceSymbol QUERY`,
//! `codeLens FILE`, `inlayHint FILE`, `foldingRange FILE`, `semanticTokens FILE`,
//! `formatting FILE`, `diagnostics FILE`. Ranges in the snapshots are shown with the text
//! they cover, cut from the fixture with this file's own UTF-16 arithmetic, so a wrong
//! column shows up as wrong text.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{position_of, show_range, text_of, Folder, TIMEOUT};
use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

struct Fixture {
    requests: Vec<Vec<String>>,
    /// File name → text without markers.
    files: Vec<(String, String)>,
    /// Marker → (file name, byte offset).
    markers: BTreeMap<String, (String, usize)>,
}

fn parse_fixture(source: &str) -> Fixture {
    let mut requests = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for line in source.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("--- ") {
            files.push((name.trim().to_string(), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
        } else if let Some(request) = line.strip_prefix("# request:") {
            requests.push(request.split_whitespace().map(String::from).collect());
        }
    }
    let mut markers = BTreeMap::new();
    for (name, text) in &mut files {
        let mut clean = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find('$') {
            let digit = rest[at + 1..].chars().next().filter(char::is_ascii_digit);
            clean.push_str(&rest[..at]);
            match digit {
                Some(d) => {
                    markers.insert(format!("${d}"), (name.clone(), clean.len()));
                    rest = &rest[at + 2..];
                }
                None => {
                    clean.push('$');
                    rest = &rest[at + 1..];
                }
            }
        }
        clean.push_str(rest);
        *text = clean;
    }
    Fixture {
        requests,
        files,
        markers,
    }
}

struct Run<'f> {
    fixture: &'f Fixture,
    folder: &'f Folder,
    client: WireClient,
}

impl Run<'_> {
    fn text(&self, name: &str) -> &str {
        self.fixture
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    }

    fn name_of_uri(&self, uri: &str) -> String {
        let root = format!("{}/", self.folder.root_uri());
        uri.strip_prefix(&root).unwrap_or(uri).to_string()
    }

    /// `params` for a position request at a marker.
    fn at(&self, marker: &str) -> Value {
        let (name, offset) = self
            .fixture
            .markers
            .get(marker)
            .unwrap_or_else(|| panic!("no marker {marker}"));
        json!({
            "textDocument": {"uri": self.folder.uri(name)},
            "position": position_of(self.text(name), *offset),
        })
    }

    async fn call(&mut self, method: &str, params: Value) -> Value {
        let answer = self
            .client
            .request(method, params, TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        match answer.get("error") {
            Some(error) => json!({"error": error["message"]}),
            None => answer["result"].clone(),
        }
    }

    /// `file l:c-l:c `text``.
    fn location(&self, uri: &str, range: &Value) -> String {
        let name = self.name_of_uri(uri);
        format!(
            "{name} {} `{}`",
            show_range(range),
            text_of(self.text(&name), range)
        )
    }

    async fn request(&mut self, request: &[String]) -> String {
        let arg = |i: usize| request.get(i).cloned().unwrap_or_default();
        let doc =
            |name: String, folder: &Folder| json!({"textDocument": {"uri": folder.uri(&name)}});
        match request[0].as_str() {
            "hover" => {
                let r = self.call("textDocument/hover", self.at(&arg(1))).await;
                if r.is_null() {
                    return "null".into();
                }
                let (name, _) = &self.fixture.markers[&arg(1)];
                format!(
                    "range {} `{}`\n{}",
                    show_range(&r["range"]),
                    text_of(self.text(name), &r["range"]),
                    r["contents"]["value"].as_str().unwrap_or("")
                )
            }
            "definition" => {
                let r = self.call("textDocument/definition", self.at(&arg(1))).await;
                match r.get("uri") {
                    Some(uri) => self.location(uri.as_str().unwrap_or(""), &r["range"]),
                    None => r.to_string(),
                }
            }
            "references" => {
                let mut params = self.at(&arg(1));
                params["context"] = json!({"includeDeclaration": true});
                let r = self.call("textDocument/references", params).await;
                self.locations(&r)
            }
            "prepareRename" => {
                let r = self
                    .call("textDocument/prepareRename", self.at(&arg(1)))
                    .await;
                let (name, _) = &self.fixture.markers[&arg(1)];
                match r.get("start") {
                    Some(_) => format!("{} `{}`", show_range(&r), text_of(self.text(name), &r)),
                    None => r.to_string(),
                }
            }
            "rename" => {
                let mut params = self.at(&arg(1));
                params["newName"] = json!(arg(2));
                let r = self.call("textDocument/rename", params).await;
                self.workspace_edit(&r)
            }
            "completion" => {
                let r = self.call("textDocument/completion", self.at(&arg(1))).await;
                let items = r.as_array().cloned().unwrap_or_default();
                items
                    .iter()
                    .map(|i| {
                        format!(
                            "{} [{}] {} → {}",
                            i["label"].as_str().unwrap_or(""),
                            i["kind"],
                            i["detail"].as_str().unwrap_or(""),
                            i["textEdit"]["newText"]
                                .as_str()
                                .unwrap_or("")
                                .replace('\n', "⏎")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            "codeAction" => {
                let (name, start) = self.fixture.markers[&arg(1)].clone();
                let end = request
                    .get(2)
                    .map(|m| self.fixture.markers[m].1)
                    .unwrap_or(start);
                let text = self.text(&name).to_string();
                let params = json!({
                    "textDocument": {"uri": self.folder.uri(&name)},
                    "range": {"start": position_of(&text, start), "end": position_of(&text, end)},
                    "context": {"diagnostics": []},
                });
                let r = self.call("textDocument/codeAction", params).await;
                let mut out = Vec::new();
                for a in r.as_array().cloned().unwrap_or_default() {
                    let fixes: Vec<String> = a["diagnostics"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|d| d["code"].as_str().unwrap_or("").to_string())
                        .collect();
                    out.push(format!(
                        "{}{}{}\n{}",
                        a["title"].as_str().unwrap_or(""),
                        if fixes.is_empty() {
                            String::new()
                        } else {
                            format!(" (fixes {})", fixes.join(", "))
                        },
                        if a["isPreferred"] == json!(true) {
                            " [preferred]"
                        } else {
                            ""
                        },
                        self.workspace_edit(&a["edit"])
                    ));
                }
                out.join("\n")
            }
            "documentSymbol" => {
                let r = self
                    .call("textDocument/documentSymbol", doc(arg(1), self.folder))
                    .await;
                let mut out = String::new();
                show_symbols(&r, 0, self.text(&arg(1)), &mut out);
                out
            }
            "workspaceSymbol" => {
                let r = self
                    .call("workspace/symbol", json!({"query": arg(1)}))
                    .await;
                r.as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        format!(
                            "{} kind={} in={} at {}",
                            s["name"].as_str().unwrap_or(""),
                            s["kind"],
                            s["containerName"].as_str().unwrap_or("-"),
                            self.location(
                                s["location"]["uri"].as_str().unwrap_or(""),
                                &s["location"]["range"]
                            )
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            "codeLens" => {
                let r = self
                    .call("textDocument/codeLens", doc(arg(1), self.folder))
                    .await;
                let text = self.text(&arg(1));
                r.as_array()
                    .into_iter()
                    .flatten()
                    .map(|l| {
                        format!(
                            "{} `{}`: {}",
                            show_range(&l["range"]),
                            text_of(text, &l["range"]),
                            l["command"]["title"].as_str().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            "inlayHint" => {
                let text = self.text(&arg(1)).to_string();
                let mut params = doc(arg(1), self.folder);
                params["range"] = json!({"start": {"line": 0, "character": 0}, "end": position_of(&text, text.len())});
                let r = self.call("textDocument/inlayHint", params).await;
                r.as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| {
                        let p = &h["position"];
                        let at = common::offset_of(
                            &text,
                            p["line"].as_u64().unwrap_or(0),
                            p["character"].as_u64().unwrap_or(0),
                        )
                        .unwrap_or(0);
                        let before: String = text[..at]
                            .chars()
                            .rev()
                            .take(12)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect();
                        format!(
                            "{}:{} after `{}`: {} ({})",
                            p["line"].as_u64().unwrap_or(0) + 1,
                            p["character"],
                            before.trim_start(),
                            h["label"].as_str().unwrap_or(""),
                            h["tooltip"].as_str().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            "foldingRange" => {
                let r = self
                    .call("textDocument/foldingRange", doc(arg(1), self.folder))
                    .await;
                r.as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        format!(
                            "lines {}-{} {}",
                            f["startLine"].as_u64().unwrap_or(0) + 1,
                            f["endLine"].as_u64().unwrap_or(0) + 1,
                            f["kind"].as_str().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            "semanticTokens" => {
                let r = self
                    .call("textDocument/semanticTokens/full", doc(arg(1), self.folder))
                    .await;
                show_tokens(self.text(&arg(1)), &r["data"])
            }
            "formatting" => {
                let mut params = doc(arg(1), self.folder);
                params["options"] = json!({"tabSize": 2, "insertSpaces": true});
                let r = self.call("textDocument/formatting", params).await;
                let mut text = self.text(&arg(1)).to_string();
                apply_edits(&mut text, r.as_array().cloned().unwrap_or_default());
                if r.as_array().is_some_and(|a| a.is_empty()) {
                    "(already formatted)".into()
                } else if r.is_null() {
                    "null".into()
                } else {
                    text
                }
            }
            "diagnostics" => {
                let uri = self.folder.uri(&arg(1));
                let params = self
                    .client
                    .notification(
                        "textDocument/publishDiagnostics",
                        |p| p["uri"] == json!(uri),
                        TIMEOUT,
                    )
                    .await
                    .unwrap_or_else(|e| panic!("diagnostics: {e}"));
                let text = self.text(&arg(1)).to_string();
                params["diagnostics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|d| {
                        let mut s = format!(
                            "{} `{}` {} {}: {}",
                            show_range(&d["range"]),
                            text_of(&text, &d["range"]),
                            d["code"].as_str().unwrap_or(""),
                            d["severity"],
                            d["message"].as_str().unwrap_or("")
                        );
                        for r in d["relatedInformation"].as_array().into_iter().flatten() {
                            s.push_str(&format!(
                                "\n    {}: {}",
                                self.location(
                                    r["location"]["uri"].as_str().unwrap_or(""),
                                    &r["location"]["range"]
                                ),
                                r["message"].as_str().unwrap_or("")
                            ));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            other => panic!("unknown request `{other}`"),
        }
    }

    fn locations(&self, r: &Value) -> String {
        r.as_array()
            .into_iter()
            .flatten()
            .map(|l| self.location(l["uri"].as_str().unwrap_or(""), &l["range"]))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Edits per file, with the text each replaces.
    fn workspace_edit(&self, edit: &Value) -> String {
        if edit.get("error").is_some() || edit.is_null() {
            return edit.to_string();
        }
        // documentChanges: files in the server's order, each file's edits in source order
        let mut lines = Vec::new();
        for change in edit["documentChanges"].as_array().into_iter().flatten() {
            let uri = change["textDocument"]["uri"].as_str().unwrap_or("");
            for e in change["edits"].as_array().into_iter().flatten() {
                lines.push(format!(
                    "  {} → {:?}",
                    self.location(uri, &e["range"]),
                    e["newText"].as_str().unwrap_or("")
                ));
            }
        }
        lines.join("\n")
    }
}

fn show_symbols(symbols: &Value, depth: usize, text: &str, out: &mut String) {
    for s in symbols.as_array().into_iter().flatten() {
        out.push_str(&format!(
            "{}{} kind={}{} {} sel `{}`\n",
            "  ".repeat(depth),
            s["name"].as_str().unwrap_or(""),
            s["kind"],
            s["detail"]
                .as_str()
                .map(|d| format!(" \"{d}\""))
                .unwrap_or_default(),
            show_range(&s["range"]),
            text_of(text, &s["selectionRange"])
        ));
        show_symbols(&s["children"], depth + 1, text, out);
    }
}

const TOKEN_TYPES: &[&str] = &[
    "keyword",
    "property",
    "type",
    "enumMember",
    "variable",
    "class",
    "namespace",
    "string",
    "number",
    "comment",
];

fn show_tokens(text: &str, data: &Value) -> String {
    let numbers: Vec<u64> = data
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect();
    let (mut line, mut start) = (0u64, 0u64);
    let mut out = Vec::new();
    for t in numbers.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            start = t[1];
        } else {
            start += t[1];
        }
        let range = json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": start + t[2]}});
        let mods = match t[4] {
            0 => "",
            1 => " +declaration",
            2 => " +documentation",
            _ => " +both",
        };
        out.push(format!(
            "{}:{} {}{} `{}`",
            line + 1,
            start,
            TOKEN_TYPES.get(t[3] as usize).unwrap_or(&"?"),
            mods,
            text_of(text, &range)
        ));
    }
    out.join("\n")
}

/// Apply protocol edits (non-overlapping) to a text.
fn apply_edits(text: &mut String, edits: Vec<Value>) {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let at = |p: &Value| {
                common::offset_of(
                    text,
                    p["line"].as_u64().unwrap_or(0),
                    p["character"].as_u64().unwrap_or(0),
                )
                .unwrap_or(text.len())
            };
            (
                at(&e["range"]["start"]),
                at(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (s, e, t) in spans {
        text.replace_range(s..e, &t);
    }
}

async fn run_fixture(path: &Path) -> String {
    let source = std::fs::read_to_string(path).expect("read fixture");
    let fixture = parse_fixture(&source);
    let label = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("fixture");
    let folder = Folder::new(label, &fixture.files);
    let client = common::start(&folder, 0).await;
    let mut run = Run {
        fixture: &fixture,
        folder: &folder,
        client,
    };
    for (name, text) in &fixture.files {
        common::open(&mut run.client, &folder.uri(name), text).await;
    }
    let mut out = String::new();
    for request in &fixture.requests {
        let answer = run.request(request).await;
        out.push_str(&format!(
            "== {}\n{}\n\n",
            request.join(" "),
            answer.trim_end()
        ));
    }
    let _ = run.client.stop(TIMEOUT).await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", dir.display());
    let mut failed = Vec::new();
    for path in &paths {
        let output = run_fixture(path).await;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_string();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir.join("../snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(path);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.clone(), output.clone()))
        }));
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {failed:?}");
}
