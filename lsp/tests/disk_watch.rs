//! A client that cannot register file watchers (Neovim 0.10 and later on Linux, by default)
//! still sees the disk: the server watches the workspace folder itself, so a file changed,
//! created or deleted behind the editor (a branch switched, `sdd approve` in a terminal), or
//! a folder moved in, republishes what `sdd check` would now say, without any notification
//! from the client. A client that watches for the server gets no second watch: a change on
//! disk it does not report changes nothing.

mod common;

use std::time::Duration;

use common::{start_with, Folder, TIMEOUT};
use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

const PEOPLE: &str = "person bob { name: \"Bob\" roles: [lead] }\n";
const ROLES: &str = "role lead { approves: [spec, design] domains: [network] }\n";
/// Wrong from the start: its diagnostics, once published, say the server is ready.
const USES_ZED: &str = "engagement z { profile: p title: \"t\" owner: @zed opened: 2026-01-01 }\n";
const USES_BOB: &str = "engagement e { profile: p title: \"t\" owner: @bob opened: 2026-01-01 }\n\
                        profile p { domain: network }\n";

fn messages(params: &Value) -> Vec<String> {
    (params["diagnostics"].as_array().into_iter().flatten())
        .map(|d| d["message"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The next diagnostics published for `uri` that `wanted` accepts.
async fn published(client: &mut WireClient, uri: &str, wanted: impl Fn(&[String]) -> bool) {
    client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(uri) && wanted(&messages(p)),
            TIMEOUT,
        )
        .await
        .unwrap_or_else(|e| panic!("{uri}: {e}"));
}

fn unknown_bob(found: &[String]) -> bool {
    found.iter().any(|m| m == "unknown person `bob`")
}

/// An estate whose engagement is owned by bob, a server started on it and its first
/// analysis published, then bob renamed on disk (as a branch switch would): the folder, the
/// client and the engagement's URI.
async fn bob_renamed_on_disk(label: &str, client_watches: bool) -> (Folder, WireClient, String) {
    let folder = Folder::new(
        label,
        &[
            ("people.sdd".into(), PEOPLE.into()),
            ("roles.sdd".into(), ROLES.into()),
            ("engagements/e.sdd".into(), USES_BOB.into()),
            ("zed.sdd".into(), USES_ZED.into()),
        ],
    );
    let client = ready(&folder, client_watches).await;
    let engagement = folder.uri("engagements/e.sdd");
    let renamed = PEOPLE.replace("bob", "robert");
    std::fs::write(folder.path.join("people.sdd"), renamed).unwrap();
    (folder, client, engagement)
}

/// Start a server on `folder` and wait for its first analysis.
async fn ready(folder: &Folder, client_watches: bool) -> WireClient {
    let mut client = start_with(folder, 0, client_watches).await;
    let zed = folder.uri("zed.sdd");
    published(&mut client, &zed, |found| {
        found.iter().any(|m| m == "unknown person `zed`")
    })
    .await;
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_clients_watchers_the_server_sees_the_disk_itself() {
    let (folder, mut client, engagement) = bob_renamed_on_disk("own-watch", false).await;
    published(&mut client, &engagement, unknown_bob).await;
    // Put back: cleared.
    std::fs::write(folder.path.join("people.sdd"), PEOPLE).unwrap();
    published(&mut client, &engagement, |found| found.is_empty()).await;
    // A folder made and moved in whole (one event for the folder), declaring bob again.
    let outside = folder.path.with_extension("moved");
    std::fs::create_dir_all(outside.join("more")).unwrap();
    std::fs::write(outside.join("more/bob.sdd"), PEOPLE).unwrap();
    std::fs::rename(&outside, folder.path.join("team")).unwrap();
    // The second declaration is reported on the file read second.
    let second = folder.uri("team/more/bob.sdd");
    published(&mut client, &second, |found| {
        found.iter().any(|m| m.contains("`bob`"))
    })
    .await;
    // A file written in the folder that was moved in is seen too: that folder is watched now.
    std::fs::write(folder.path.join("team/more/bob.sdd"), "").unwrap();
    published(&mut client, &second, |found| found.is_empty()).await;
    client.stop(TIMEOUT).await.expect("stop");
    let _ = std::fs::remove_dir_all(&outside);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_watches_for_the_server_gets_no_second_watch() {
    let (folder, mut client, engagement) = bob_renamed_on_disk("client-watch", true).await;
    // Nothing is published until the client reports the change.
    let early = client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(engagement),
            Duration::from_millis(1500),
        )
        .await;
    assert!(
        early.is_err(),
        "published without a watcher event: {early:?}"
    );
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": folder.uri("people.sdd"), "type": 2}]}),
        )
        .await;
    published(&mut client, &engagement, unknown_bob).await;
    client.stop(TIMEOUT).await.expect("stop");
}
