//! Shared by the protocol tests: an estate written to a fresh folder, a server started on it
//! through the wire client, and an independent UTF-16 position arithmetic to check the
//! server's answers against the text.

#![allow(dead_code)]

pub mod small_estate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A folder of estate files that is removed when dropped.
pub struct Folder {
    pub path: PathBuf,
}

impl Folder {
    pub fn new(label: &str, files: &[(String, String)]) -> Folder {
        let unique = format!(
            "sdd-lsp-{label}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let path = std::env::temp_dir().join(unique);
        for (name, text) in files {
            let file = path.join(name);
            std::fs::create_dir_all(file.parent().expect("a file has a folder")).expect("mkdir");
            std::fs::write(&file, text).expect("write a fixture file");
        }
        Folder { path }
    }

    pub fn uri(&self, name: &str) -> String {
        uri_of(&self.path.join(name))
    }

    pub fn root_uri(&self) -> String {
        uri_of(&self.path)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// `file://` and the path, percent-encoding what a URI path may not hold.
pub fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Start a server on a folder: `initialize` (snippets on, no debounce unless given) and
/// `initialized`.
pub async fn start(folder: &Folder, debounce_ms: u64) -> WireClient {
    start_with(folder, debounce_ms, true).await
}

/// A server started on `folder` for a client that lets it register file watchers, or not
/// (Neovim on Linux by default): then the server watches the folder itself.
pub async fn start_with(folder: &Folder, debounce_ms: u64, client_watches: bool) -> WireClient {
    start_at(&folder.root_uri(), debounce_ms, client_watches).await
}

/// A server started on the workspace folder this URI names, as it is written (`…/ws//.`, a
/// path through a link).
pub async fn start_at(root_uri: &str, debounce_ms: u64, client_watches: bool) -> WireClient {
    let mut client = WireClient::start();
    let init = client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "ws"}],
                "capabilities": {
                    "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}},
                    "workspace": {
                        "didChangeWatchedFiles": {"dynamicRegistration": client_watches},
                        "workspaceEdit": {"documentChanges": true}
                    }
                },
                "initializationOptions": {"debounceMs": debounce_ms, "testHooks": true}
            }),
            TIMEOUT,
        )
        .await
        .expect("initialize answered");
    assert!(init.get("result").is_some(), "initialize failed: {init}");
    client.notify("initialized", json!({})).await;
    client
}

pub async fn open(client: &mut WireClient, uri: &str, text: &str) {
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "sdd", "version": 1, "text": text}}),
        )
        .await;
}

/// Each line of `text` as the protocol counts lines, a client's way: the byte range of its
/// content, without its line break (`\n`, `\r\n` or a `\r` alone). Computed independently
/// of the server.
pub fn protocol_lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut lines, mut start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push((start, i));
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines.push((start, i));
                i += 1;
                start = i + 1;
            }
            b'\r' => {
                lines.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push((start, text.len()));
    lines
}

/// The byte offset of a UTF-16 position, computed independently of the server.
pub fn offset_of(text: &str, line: u64, character: u64) -> Option<usize> {
    let &(start, end) = protocol_lines(text).get(line as usize)?;
    let mut units = 0u64;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return Some(start + i);
        }
        units += c.len_utf16() as u64;
    }
    Some(end)
}

/// The UTF-16 position of a byte offset, computed independently of the server.
pub fn position_of(text: &str, offset: usize) -> Value {
    let lines = protocol_lines(text);
    let line = lines.partition_point(|&(start, _)| start <= offset) - 1;
    let character: usize = text[lines[line].0..offset].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// The text a protocol range covers.
pub fn text_of<'t>(text: &'t str, range: &Value) -> &'t str {
    let at = |p: &Value| {
        offset_of(
            text,
            p["line"].as_u64().unwrap_or(0),
            p["character"].as_u64().unwrap_or(0),
        )
        .unwrap_or(text.len())
    };
    let (s, e) = (at(&range["start"]), at(&range["end"]));
    text.get(s.min(e)..e.max(s))
        .unwrap_or("<not a character boundary>")
}

/// `l:c-l:c` (one-based lines, zero-based UTF-16 characters as the protocol counts).
pub fn show_range(range: &Value) -> String {
    let p = |v: &Value| {
        format!(
            "{}:{}",
            v["line"].as_u64().unwrap_or(0) + 1,
            v["character"].as_u64().unwrap_or(0)
        )
    };
    format!("{}-{}", p(&range["start"]), p(&range["end"]))
}
