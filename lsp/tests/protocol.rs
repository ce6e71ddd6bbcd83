//! Protocol behaviour of the server, in-process over the real wire format: diagnostics equal
//! `sdd check`'s, incremental sync in UTF-16, publication for every affected file, files
//! created, changed and deleted on disk, debouncing, robustness (unknown files, positions
//! out of range, a panicking handler) and a prompt shutdown.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{open, position_of, start, uri_of, Folder, TIMEOUT};
use sdd::estate::Estate;
use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

const PEOPLE: &str = "/// The lead — «réseau» 😀\nperson bob { name: \"Bob\" roles: [lead] }\nrole lead { approves: [spec, design] domains: [network] }\n";

/// `(code, message, range)` per file URI, the way `sdd check` sees the estate.
fn expected(root: &Path) -> BTreeMap<String, Vec<(String, String, Value)>> {
    let estate = Estate::load(&[root.to_path_buf()]).expect("load the estate");
    let diagnostics = sdd::analysis::check(&estate, &sdd::analysis::Options::default());
    let mut out: BTreeMap<String, Vec<(String, String, Value)>> = BTreeMap::new();
    for d in diagnostics {
        let file = estate.files.get(d.file());
        let range = json!({
            "start": position_of(file.text(), d.primary.span.start as usize),
            "end": position_of(file.text(), d.primary.span.end as usize),
        });
        out.entry(uri_of(Path::new(&file.name))).or_default().push((
            d.code.as_str().to_string(),
            d.message.clone(),
            range,
        ));
    }
    out
}

fn published(params: &Value) -> Vec<(String, String, Value)> {
    params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
                d["range"].clone(),
            )
        })
        .collect()
}

async fn check_against_sdd_check(root: PathBuf) {
    let root = std::fs::canonicalize(&root).expect("the estate exists");
    let want = expected(&root);
    let mut client = WireClient::start();
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {},
                   "initializationOptions": {"debounceMs": 0}}),
            TIMEOUT,
        )
        .await
        .expect("initialize");
    client.notify("initialized", json!({})).await;
    for (uri, diagnostics) in &want {
        let params = client
            .notification(
                "textDocument/publishDiagnostics",
                |p| p["uri"] == json!(uri),
                TIMEOUT,
            )
            .await
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(&published(&params), diagnostics, "{uri}");
    }
    for extra in client.take_notifications("textDocument/publishDiagnostics") {
        let uri = extra["uri"].as_str().unwrap_or("");
        assert!(
            want.contains_key(uri) || published(&extra).is_empty(),
            "diagnostics published for {uri}, which `sdd check` finds clean"
        );
    }
    assert!(!want.is_empty() || root.ends_with("examples"));
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_equal_sdd_check_on_the_golden_cases() {
    check_against_sdd_check(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_equal_sdd_check_on_the_broken_examples() {
    check_against_sdd_check(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/broken")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_equal_sdd_check_on_the_examples() {
    check_against_sdd_check(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")).await;
}

/// Wait for the diagnostics of `uri` at a document version.
async fn diagnostics_at(
    client: &mut WireClient,
    uri: &str,
    version: i64,
) -> Vec<(String, String, Value)> {
    let params = client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(uri) && p["version"] == json!(version),
            TIMEOUT,
        )
        .await
        .unwrap_or_else(|e| panic!("{uri} v{version}: {e}"));
    published(&params)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_changes_are_applied_in_utf16_positions() {
    let text = "// 東京 😀\nengagement e { title: \"é😀\" owner: @bob }\n";
    let folder = Folder::new(
        "incremental",
        &[
            ("a.sdd".into(), text.into()),
            ("people.sdd".into(), PEOPLE.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let uri = folder.uri("a.sdd");
    open(&mut client, &uri, text).await;
    // `@bob` starts 35 UTF-16 units into line 1 (39 bytes: é is 2 bytes, 😀 4 bytes/2 units).
    let bob = text.find("@bob").unwrap();
    assert_eq!(position_of(text, bob), json!({"line": 1, "character": 35}));
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    // `@bob` → `@bobby`, then `é` → `e` before it: both in UTF-16 columns
                    {"range": {"start": {"line": 1, "character": 39}, "end": {"line": 1, "character": 39}}, "text": "by"},
                    {"range": {"start": {"line": 1, "character": 23}, "end": {"line": 1, "character": 24}}, "text": "e"},
                ],
            }),
        )
        .await;
    let found = diagnostics_at(&mut client, &uri, 2).await;
    let unknown: Vec<_> = found.iter().filter(|d| d.0 == "SDD101").collect();
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert_eq!(unknown[0].1, "unknown person `bobby`");
    // the range is `@bobby` in the edited text (`e` is one byte shorter than `é`, not shorter in UTF-16)
    assert_eq!(
        unknown[0].2,
        json!({"start": {"line": 1, "character": 35}, "end": {"line": 1, "character": 41}})
    );
    client.stop(TIMEOUT).await.expect("stop");
}

/// A change whose range ends on a line the document does not have (a client replacing
/// "everything" as `(0,0)`–`(lineCount + 1, 0)`) runs to the end of the text, as the
/// protocol's reference document sync reads it: it was dropped, the old text's diagnostics
/// were published under the new version, and every later edit went to the wrong text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_past_the_last_line_runs_to_the_end_of_the_text() {
    let text = "engagement e { title: \"t\" owner: @bob }\n";
    let folder = Folder::new(
        "past-end",
        &[
            ("a.sdd".into(), text.into()),
            ("people.sdd".into(), PEOPLE.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let uri = folder.uri("a.sdd");
    open(&mut client, &uri, text).await;
    let change = |version: i64, range: Value, text: &str| {
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": range, "text": text}],
        })
    };
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}});
    let replaced = "engagement e { title: \"t\" owner: @carol }\n";
    client
        .notify("textDocument/didChange", change(2, everything, replaced))
        .await;
    let found = diagnostics_at(&mut client, &uri, 2).await;
    let unknown: Vec<_> = found.iter().map(|d| d.1.as_str()).collect();
    assert!(unknown.contains(&"unknown person `carol`"), "{found:?}");
    assert!(!found.iter().any(|d| d.1.contains("`bob`")), "{found:?}");
    // The next edit lands in the new text: `@carol` becomes `@carolyn`.
    let carol = replaced.find("@carol").unwrap() + "@carol".len();
    let at = json!({"line": 0, "character": carol});
    client
        .notify(
            "textDocument/didChange",
            change(3, json!({"start": at, "end": at}), "yn"),
        )
        .await;
    let found = diagnostics_at(&mut client, &uri, 3).await;
    assert!(
        found.iter().any(|d| d.1 == "unknown person `carolyn`"),
        "{found:?}"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_republishes_every_file_it_affects() {
    let user = "engagement e { profile: p title: \"t\" owner: @bob opened: 2026-01-01 }\n";
    let profile = "profile p { domain: network }\n";
    let folder = Folder::new(
        "affected",
        &[
            ("people.sdd".into(), PEOPLE.into()),
            ("user.sdd".into(), user.into()),
            ("p.sdd".into(), profile.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let people = folder.uri("people.sdd");
    let user_uri = folder.uri("user.sdd");
    open(&mut client, &people, PEOPLE).await;
    // rename bob → rob in people.sdd only: user.sdd now names an unknown person
    let edited = PEOPLE.replace("person bob", "person rob");
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": people, "version": 2}, "contentChanges": [{"text": edited}]}),
        )
        .await;
    let params = client
        .notification(
            "textDocument/publishDiagnostics",
            |p| {
                p["uri"] == json!(user_uri)
                    && !p["diagnostics"].as_array().is_none_or(|d| d.is_empty())
            },
            TIMEOUT,
        )
        .await
        .expect("user.sdd republished");
    let codes: Vec<String> = published(&params).into_iter().map(|d| d.0).collect();
    assert!(codes.contains(&"SDD101".to_string()), "{codes:?}");
    // undo: user.sdd is cleared
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": people, "version": 3}, "contentChanges": [{"text": PEOPLE}]}),
        )
        .await;
    client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(user_uri) && p["diagnostics"] == json!([]),
            TIMEOUT,
        )
        .await
        .expect("user.sdd cleared");
    client.stop(TIMEOUT).await.expect("stop");
}

fn watched(client_uri: &str, kind: u8) -> Value {
    json!({"changes": [{"uri": client_uri, "type": kind}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_created_changed_and_deleted_on_disk_are_picked_up() {
    let folder = Folder::new("disk", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 0).await;
    client
        .notification(
            "client/registerCapability",
            |p| p["registrations"][0]["method"] == json!("workspace/didChangeWatchedFiles"),
            TIMEOUT,
        )
        .await
        .expect("the server registers a watcher for .sdd files");
    let people = folder.uri("people.sdd");
    let extra = folder.uri("sub/extra.sdd");
    // created: a second `bob` → SDD102 in the new file
    std::fs::create_dir_all(folder.path.join("sub")).unwrap();
    std::fs::write(
        folder.path.join("sub/extra.sdd"),
        "person bob { name: \"Other\" }\n",
    )
    .unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", watched(&extra, 1))
        .await;
    let params = client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(extra),
            TIMEOUT,
        )
        .await
        .expect("the new file is checked");
    assert_eq!(published(&params)[0].0, "SDD102");
    // changed: the duplicate is renamed → cleared
    std::fs::write(
        folder.path.join("sub/extra.sdd"),
        "person carol { name: \"Carol\" }\n",
    )
    .unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", watched(&extra, 2))
        .await;
    client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(extra) && p["diagnostics"] == json!([]),
            TIMEOUT,
        )
        .await
        .expect("the changed file is re-checked");
    // deleted: a reference to carol elsewhere becomes unknown
    std::fs::write(
        folder.path.join("ref.sdd"),
        "role r { approves: [spec] domains: [network] }\nperson dave { name: \"D\" roles: [r] }\n",
    )
    .unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            watched(&folder.uri("ref.sdd"), 1),
        )
        .await;
    std::fs::remove_file(folder.path.join("people.sdd")).unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", watched(&people, 3))
        .await;
    // the estate no longer has people.sdd: hovering there answers nothing
    let answer = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": people}, "position": {"line": 1, "character": 8}}),
            TIMEOUT,
        )
        .await
        .expect("hover");
    assert_eq!(answer["result"], Value::Null);
    let symbols = client
        .request("workspace/symbol", json!({"query": ""}), TIMEOUT)
        .await
        .expect("symbols");
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, vec!["carol", "dave", "r"]);
    client.stop(TIMEOUT).await.expect("stop");
}

/// A file that changes on disk into one `sdd check` keeps out (UTF-16 text, as Windows
/// PowerShell 5 writes, or a bad byte) gets the SDD002 `sdd check` gives it, where it gives
/// it, and its declarations leave the estate; it is not dropped without a word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_on_disk_into_one_not_utf8_gets_what_sdd_check_reports() {
    let folder = Folder::new("encoding", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 0).await;
    let people = folder.uri("people.sdd");
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(PEOPLE.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let late: Vec<u8> = (PEOPLE.as_bytes().iter().copied())
        .chain(*b"// caf\xe9\n")
        .collect();
    for bytes in [utf16, late] {
        std::fs::write(folder.path.join("people.sdd"), &bytes).unwrap();
        let want = expected(&folder.path);
        let want = want.get(&people).expect("sdd check reports the file");
        assert_eq!(want.len(), 1);
        assert_eq!(want[0].0, "SDD002");
        client
            .notify("workspace/didChangeWatchedFiles", watched(&people, 2))
            .await;
        client
            .notification(
                "textDocument/publishDiagnostics",
                |p| p["uri"] == json!(people) && published(p) == *want,
                TIMEOUT,
            )
            .await
            .expect("the server publishes what sdd check reports");
        let symbols = client
            .request("workspace/symbol", json!({"query": ""}), TIMEOUT)
            .await
            .expect("symbols");
        assert_eq!(symbols["result"].as_array().map_or(0, Vec::len), 0);
    }
    client.stop(TIMEOUT).await.expect("stop");
}

/// A buffer with old Mac line ends (Neovim sends one for `fileformat=mac`) gets the SDD002 that
/// `sdd check` gives the file, at the same place, and keeps its text: the next change applies
/// to the whole of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buffer_with_old_mac_line_ends_gets_what_sdd_check_reports() {
    let mac = "// people\rperson p {\r  name: \"P\"\r  bogus: 1\r}\r";
    let folder = Folder::new("mac", &[("people.sdd".into(), mac.into())]);
    let mut client = start(&folder, 0).await;
    let uri = folder.uri("people.sdd");
    let want = expected(&folder.path);
    let want = want.get(&uri).expect("sdd check reports the file");
    assert_eq!(want.len(), 1);
    assert_eq!(want[0].0, "SDD002");
    open(&mut client, &uri, mac).await;
    assert_eq!(diagnostics_at(&mut client, &uri, 1).await, *want);
    // The first line end fixed, `\r` → `\n`: the protocol counts a `\r` alone as a line break
    // (as the client does), so the change runs from the end of line 0 to the start of line 1.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {"range": {"start": {"line": 0, "character": 9}, "end": {"line": 1, "character": 0}}, "text": "\n"},
                ],
            }),
        )
        .await;
    let found = diagnostics_at(&mut client, &uri, 2).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "SDD002");
    assert_eq!(found[0].2["start"], json!({"line": 1, "character": 10}));
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 3},
                "contentChanges": [{"text": mac.replace('\r', "\n")}],
            }),
        )
        .await;
    let found = diagnostics_at(&mut client, &uri, 3).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "SDD105");
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_buffer_wins_over_the_disk_until_it_is_closed() {
    let folder = Folder::new("buffer", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 0).await;
    let uri = folder.uri("people.sdd");
    let broken = PEOPLE.replace("roles: [lead]", "roles: [leed]");
    open(&mut client, &uri, &broken).await;
    let found = diagnostics_at(&mut client, &uri, 1).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "SDD101");
    // a disk change of an open file is ignored
    std::fs::write(folder.path.join("people.sdd"), "person x { }\n").unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", watched(&uri, 2))
        .await;
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 8}}),
            TIMEOUT,
        )
        .await
        .expect("hover");
    assert!(hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .contains("person bob"));
    // closing hands the file back to the disk
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let params = client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(uri) && p["version"].is_null(),
            TIMEOUT,
        )
        .await
        .expect("republished after close");
    let codes: Vec<String> = published(&params).into_iter().map(|d| d.0).collect();
    assert_eq!(
        codes,
        vec!["SDD104".to_string()],
        "the disk's `person x {{ }}` lacks a name"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rapid_edits_are_published_once_after_they_pause() {
    let folder = Folder::new("debounce", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 300).await;
    let uri = folder.uri("people.sdd");
    open(&mut client, &uri, PEOPLE).await;
    diagnostics_at(&mut client, &uri, 1).await;
    for version in 2..=6 {
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": " "}]}),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    diagnostics_at(&mut client, &uri, 6).await;
    // Lone edits, each sent as soon as the previous one is published, wait one debounce
    // interval, not two (a wake-up left over from the burst must not restart the wait).
    for version in 7..=9 {
        let sent = Instant::now();
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 1}}, "text": ""}]}),
            )
            .await;
        diagnostics_at(&mut client, &uri, version).await;
        let took = sent.elapsed();
        assert!(
            (Duration::from_millis(300)..Duration::from_millis(550)).contains(&took),
            "version {version} published after {took:?}"
        );
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let more = client.take_notifications("textDocument/publishDiagnostics");
    assert!(
        more.is_empty(),
        "published more than once per pause: {more:?}"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_files_and_positions_out_of_range_get_empty_answers() {
    let folder = Folder::new("robust", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 0).await;
    let known = folder.uri("people.sdd");
    let unknown = folder.uri("nowhere.sdd");
    let far = json!({"line": 9999, "character": 0});
    let wide = json!({"line": 1, "character": 9999});
    let cases = vec![
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": unknown}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": known}, "position": far}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": {"uri": known}, "position": far}),
        ),
        (
            "textDocument/references",
            json!({"textDocument": {"uri": unknown}, "position": far, "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/rename",
            json!({"textDocument": {"uri": known}, "position": far, "newName": "x"}),
        ),
        (
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": unknown}, "position": far}),
        ),
        (
            "textDocument/completion",
            json!({"textDocument": {"uri": unknown}, "position": far}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": unknown}}),
        ),
        (
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": unknown}}),
        ),
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": unknown}}),
        ),
        (
            "textDocument/codeLens",
            json!({"textDocument": {"uri": unknown}}),
        ),
        (
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": unknown}, "range": {"start": far, "end": far}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": known}, "range": {"start": far, "end": far}, "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/formatting",
            json!({"textDocument": {"uri": unknown}, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
    ];
    for (method, params) in cases {
        let answer = client
            .request(method, params.clone(), TIMEOUT)
            .await
            .expect(method);
        assert!(answer.get("error").is_none(), "{method} {params}: {answer}");
        assert_eq!(answer["result"], Value::Null, "{method} {params}");
    }
    // a position past the end of a line is clamped to the line's end
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": known}, "position": wide}),
            TIMEOUT,
        )
        .await
        .expect("hover");
    assert!(hover.get("error").is_none());
    // changes to an unknown document are ignored without complaint
    client
        .notify("textDocument/didChange", json!({"textDocument": {"uri": unknown, "version": 2}, "contentChanges": [{"text": "x"}]}))
        .await;
    let still = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": known}}),
            TIMEOUT,
        )
        .await
        .expect("symbols");
    assert_eq!(still["result"].as_array().map(Vec::len), Some(2));
    assert!(client.take_notifications("window/showMessage").is_empty());
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_handler_is_logged_and_the_server_keeps_serving() {
    let folder = Folder::new("panic", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 0).await;
    let answer = client
        .request("sdd/testPanic", Value::Null, TIMEOUT)
        .await
        .expect("answered");
    assert_eq!(answer["result"], Value::Null, "{answer}");
    let log = client
        .notification("window/logMessage", |p| p["type"] == json!(1), TIMEOUT)
        .await
        .expect("the panic is logged");
    assert!(
        log["message"]
            .as_str()
            .unwrap_or("")
            .contains("deliberate panic"),
        "{log}"
    );
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": folder.uri("people.sdd")}, "position": {"line": 1, "character": 8}}), TIMEOUT)
        .await
        .expect("still serving");
    assert!(hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .contains("person bob"));
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_and_exit_end_the_server_promptly() {
    let folder = Folder::new("exit", &[("people.sdd".into(), PEOPLE.into())]);
    let client = start(&folder, 0).await;
    let began = Instant::now();
    client
        .stop(Duration::from_secs(5))
        .await
        .expect("the server stops");
    assert!(
        began.elapsed() < Duration::from_secs(2),
        "took {:?}",
        began.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_folders_added_and_removed_are_loaded_and_dropped() {
    let first = Folder::new("folder-a", &[("people.sdd".into(), PEOPLE.into())]);
    let second = Folder::new(
        "folder-b",
        &[("more.sdd".into(), "person zoe { name: \"Zoë\" }\n".into())],
    );
    let mut client = start(&first, 0).await;
    let names = |answer: &Value| -> Vec<String> {
        answer["result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["name"].as_str().map(String::from))
            .collect()
    };
    let folder = |f: &Folder| json!({"uri": f.root_uri(), "name": "ws"});
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [folder(&second)], "removed": []}}),
        )
        .await;
    // The server handles a notification and a later request concurrently: wait for the
    // reload to show rather than assume it has happened by the next request.
    let mut both = Value::Null;
    let began = Instant::now();
    while began.elapsed() < TIMEOUT {
        both = client
            .request("workspace/symbol", json!({"query": ""}), TIMEOUT)
            .await
            .expect("symbols");
        if names(&both) == ["bob", "lead", "zoe"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(names(&both), vec!["bob", "lead", "zoe"]);
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [], "removed": [folder(&first)]}}),
        )
        .await;
    let mut one = Value::Null;
    let began = Instant::now();
    while began.elapsed() < TIMEOUT {
        one = client
            .request("workspace/symbol", json!({"query": ""}), TIMEOUT)
            .await
            .expect("symbols");
        if names(&one) == ["zoe"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(names(&one), vec!["zoe"]);
    client.stop(TIMEOUT).await.expect("stop");
}

/// A document not saved yet (`untitled:`, which the VS Code extension registers) is analysed
/// with the estate like any buffer outside the workspace folders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untitled_document_is_analysed_with_the_estate() {
    let folder = Folder::new("untitled", &[("people.sdd".into(), PEOPLE.into())]);
    let mut client = start(&folder, 0).await;
    let uri = "untitled:Untitled-1";
    open(&mut client, uri, "person carol { name: 1 roles: [lead] }\n").await;
    let found = diagnostics_at(&mut client, uri, 1).await;
    let codes: Vec<&str> = found.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(codes, ["SDD103"], "{found:?}");
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 32}}),
            TIMEOUT,
        )
        .await
        .expect("hover");
    assert!(
        hover["result"]["contents"].to_string().contains("lead"),
        "{hover}"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

/// A code lens carries a command the server declares and runs (it does nothing: the lens is
/// a label); Neovim's `codelens.run` on an empty command id was an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_lens_runs_a_command_the_server_knows() {
    // A copy of the examples (a `Folder` is removed when dropped).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let files: Vec<(String, String)> = (estate.file_ids())
        .map(|id| {
            let name = Path::new(estate.files.name(id))
                .strip_prefix(&root)
                .unwrap();
            (
                name.to_string_lossy().into_owned(),
                estate.files.text(id).to_string(),
            )
        })
        .collect();
    let examples = Folder::new("lens", &files);
    let mut client = start(&examples, 0).await;
    let file = examples.uri("engagements/network-provisioning/dc2-edge-bgp-peering.sdd");
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": file}}),
            TIMEOUT,
        )
        .await
        .expect("codeLens");
    let lens = &lenses["result"][0];
    let command = lens["command"]["command"].as_str().unwrap_or("");
    assert!(!command.is_empty(), "{lenses}");
    let ran = client
        .request(
            "workspace/executeCommand",
            json!({"command": command, "arguments": []}),
            TIMEOUT,
        )
        .await
        .expect("executeCommand");
    assert_eq!(ran.get("error"), None, "{ran}");
    assert_eq!(ran["result"], Value::Null);
    let unknown = client
        .request(
            "workspace/executeCommand",
            json!({"command": "sdd.nothing"}),
            TIMEOUT,
        )
        .await
        .expect("executeCommand");
    assert_eq!(unknown["error"]["code"], json!(-32602), "{unknown}");
    client.stop(TIMEOUT).await.expect("stop");
}

/// A rename that changes approved content (an asset a design reuses) reaches a client that
/// shows change annotations as edits it must confirm, saying which approvals go stale; a
/// rename that changes none (an approver) is a plain edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_of_approved_content_asks_the_user_to_confirm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let estate = Estate::load(std::slice::from_ref(&root)).expect("the examples load");
    let prefix = sdd_lsp::convert::name_of_path(&root);
    let files: Vec<(String, String)> = (estate.file_ids())
        .map(|id| {
            let name = estate.files.name(id);
            let relative = name.strip_prefix(&prefix).unwrap_or(name);
            let relative = relative.trim_start_matches('/').to_string();
            (relative, estate.files.text(id).to_string())
        })
        .collect();
    let text_of = |name: &str| &files.iter().find(|(n, _)| n == name).expect(name).1;
    let folder = Folder::new("annotated", &files);
    let mut client = WireClient::start();
    let caps = json!({"workspace": {"workspaceEdit": {
        "documentChanges": true, "changeAnnotationSupport": {"groupsOnLabel": true}}}});
    let init = json!({"processId": null, "rootUri": folder.root_uri(),
        "workspaceFolders": [{"uri": folder.root_uri(), "name": "ws"}], "capabilities": caps});
    let answer = client.request("initialize", init, TIMEOUT).await;
    assert!(answer.expect("initialize")["result"].is_object());
    client.notify("initialized", json!({})).await;
    let mut rename = async |file: &str, declared: &str, to: &str| -> Value {
        let text = text_of(file);
        let at = text.find(declared).expect(declared) + declared.find(' ').unwrap() + 1;
        let params = json!({"textDocument": {"uri": folder.uri(file)},
            "position": position_of(text, at), "newName": to});
        let answer = client.request("textDocument/rename", params, TIMEOUT).await;
        answer.expect("rename")["result"].clone()
    };
    let asset = rename(
        "inventory/network.sdd",
        "asset netbox-sot-client",
        "netbox-client",
    )
    .await;
    let annotation = &asset["changeAnnotations"]["sdd.staleApprovals"];
    assert_eq!(annotation["needsConfirmation"], true, "{asset}");
    let label = annotation["label"].as_str().unwrap_or("");
    assert!(label.starts_with("Changes approved content"), "{label}");
    let description = annotation["description"].as_str().unwrap_or("");
    assert!(
        description.contains("gate design of `dc2-edge-bgp-peering`"),
        "{description}"
    );
    let edits: Vec<&Value> = (asset["documentChanges"].as_array().unwrap().iter())
        .flat_map(|change| change["edits"].as_array().unwrap())
        .collect();
    assert!(edits.len() > 1);
    assert!(
        edits
            .iter()
            .all(|e| e["annotationId"] == "sdd.staleApprovals"),
        "{asset}"
    );
    let person = rename("people.sdd", "person priya", "priya-r").await;
    assert!(
        person.get("changeAnnotations").is_none_or(Value::is_null),
        "{person}"
    );
    assert!(person["documentChanges"][0]["edits"][0]
        .get("annotationId")
        .is_none());
    client.stop(TIMEOUT).await.expect("stop");
}
