//! The server's estate holds the files `sdd check` of the workspace folder reads, whatever the
//! editor and the disk do: a file in a folder the walk skips (`.sddignore`) stays out of it,
//! open or closed, and is not read on a watcher event (open, it is checked with its own
//! folder); a workspace that itself lies in a hidden
//! folder or under `target` keeps its files; a folder deleted or moved in, which a client
//! reports as one event for the folder, takes its files out or brings them in; so does a
//! `.sddignore` created or deleted; a link to a file already read adds nothing; a file that
//! cannot be read (a link to nothing, a pipe, a failed read) is an SDD002, not the end of the
//! workspace.

mod common;

use common::small_estate::{codes, declared_in, publication, PEOPLE, ROLES, USER};
use common::{open, start, Folder, TIMEOUT};
use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

async fn watched(client: &mut WireClient, uri: &str, kind: u8) {
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": kind}]}),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_an_ignored_folder_stays_out_of_the_estate_open_or_on_disk() {
    let folder = Folder::new(
        "ignored",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("zz-broken/.sddignore".into(), String::new()),
            ("zz-broken/dup.sdd".into(), PEOPLE.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let (people, dup) = (folder.uri("people.sdd"), folder.uri("zz-broken/dup.sdd"));
    assert_eq!(
        declared_in(&mut client, "bob").await,
        std::slice::from_ref(&people)
    );
    // Open, edited, closed or changed on disk, the file stays out of the estate, as
    // `sdd check` never reads it: its `bob` would clash with the real one. Open, it is
    // checked as `sdd check zz-broken` checks it, with its own folder (where `lead` is not
    // declared).
    open(&mut client, &dup, PEOPLE).await;
    publication(&mut client, &dup, &["SDD101"]).await;
    assert_eq!(
        declared_in(&mut client, "bob").await,
        std::slice::from_ref(&people)
    );
    let twice = format!("{PEOPLE}{PEOPLE}");
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": dup, "version": 2}, "contentChanges": [{"text": twice}]}),
        )
        .await;
    publication(&mut client, &dup, &["SDD101", "SDD102", "SDD101"]).await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": dup}}),
        )
        .await;
    publication(&mut client, &dup, &[]).await;
    watched(&mut client, &dup, 2).await;
    assert_eq!(
        declared_in(&mut client, "bob").await,
        std::slice::from_ref(&people)
    );
    // Nothing was published for the real file: the estate never changed.
    let published = client.take_notifications("textDocument/publishDiagnostics");
    assert!(
        (published.iter())
            .filter(|p| p["uri"] == json!(people))
            .all(|p| codes(p).is_empty()),
        "{published:?}"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_in_a_hidden_folder_or_under_target_keeps_its_files() {
    for inside in [".hidden/estate", "target/estate"] {
        let outer = Folder::new(
            "hidden",
            &[
                (format!("{inside}/people.sdd"), format!("{PEOPLE}{ROLES}")),
                (format!("{inside}/draft.sdd"), USER.into()),
            ],
        );
        let folder = Folder {
            path: outer.path.join(inside),
        };
        let mut client = start(&folder, 0).await;
        let people = folder.uri("people.sdd");
        assert_eq!(
            declared_in(&mut client, "lead").await,
            std::slice::from_ref(&people)
        );
        assert_eq!(
            declared_in(&mut client, "carol").await,
            [folder.uri("draft.sdd")],
            "{inside}"
        );
        open(&mut client, &people, &format!("{PEOPLE}{ROLES}")).await;
        client
            .notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": people}}),
            )
            .await;
        assert_eq!(
            declared_in(&mut client, "lead").await,
            [people],
            "{inside}: the closed file left the estate"
        );
        std::fs::write(
            folder.path.join("new.sdd"),
            "person dan { name: \"D\" roles: [nope] }\n",
        )
        .unwrap();
        let new = folder.uri("new.sdd");
        watched(&mut client, &new, 1).await;
        publication(&mut client, &new, &["SDD101"]).await;
        client.stop(TIMEOUT).await.expect("stop");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_deleted_or_moved_in_is_one_event_for_all_its_files() {
    let folder = Folder::new(
        "folders",
        &[
            ("user.sdd".into(), USER.into()),
            ("org/roles.sdd".into(), ROLES.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let user = folder.uri("user.sdd");
    assert_eq!(declared_in(&mut client, "lead").await.len(), 1);
    // `mv org elsewhere`: one event for the folder, none for `org/roles.sdd`.
    let elsewhere = folder.path.with_extension("elsewhere");
    std::fs::rename(folder.path.join("org"), &elsewhere).unwrap();
    watched(&mut client, &folder.uri("org"), 3).await;
    publication(&mut client, &user, &["SDD101"]).await;
    assert_eq!(declared_in(&mut client, "lead").await, Vec::<String>::new());
    // `mv elsewhere team`: the folder comes back under another name.
    std::fs::rename(&elsewhere, folder.path.join("team")).unwrap();
    watched(&mut client, &folder.uri("team"), 1).await;
    publication(&mut client, &user, &[]).await;
    assert_eq!(
        declared_in(&mut client, "lead").await,
        [folder.uri("team/roles.sdd")]
    );
    client.stop(TIMEOUT).await.expect("stop");
}

/// A `.sddignore` created or deleted while the server runs moves its folder out of the estate
/// or back in, as `sdd check` would now read it; a symbolic link created to a file the estate
/// holds adds nothing (the check reads a file once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignore_marker_or_a_link_made_at_run_time_changes_what_sdd_check_changes() {
    let folder = Folder::new(
        "marker",
        &[
            ("user.sdd".into(), USER.into()),
            ("org/roles.sdd".into(), ROLES.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let user = folder.uri("user.sdd");
    assert_eq!(declared_in(&mut client, "lead").await.len(), 1);
    std::fs::write(folder.path.join("org/.sddignore"), "").unwrap();
    watched(&mut client, &folder.uri("org/.sddignore"), 1).await;
    publication(&mut client, &user, &["SDD101"]).await;
    assert_eq!(declared_in(&mut client, "lead").await, Vec::<String>::new());
    std::fs::remove_file(folder.path.join("org/.sddignore")).unwrap();
    watched(&mut client, &folder.uri("org/.sddignore"), 3).await;
    publication(&mut client, &user, &[]).await;
    assert_eq!(
        declared_in(&mut client, "lead").await,
        [folder.uri("org/roles.sdd")]
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            folder.path.join("org/roles.sdd"),
            folder.path.join("zz-link.sdd"),
        )
        .unwrap();
        watched(&mut client, &folder.uri("zz-link.sdd"), 1).await;
        assert_eq!(
            declared_in(&mut client, "lead").await,
            [folder.uri("org/roles.sdd")]
        );
    }
    client.stop(TIMEOUT).await.expect("stop");
}

/// An open buffer whose folder gains a `.sddignore` moves aside (out of the estate, checked
/// with its folder) and comes back when the marker goes; a file changed beside it on disk
/// is seen in its check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_buffer_follows_its_folder_in_and_out_of_the_walk() {
    let folder = Folder::new(
        "follow",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("team/user.sdd".into(), USER.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let user = folder.uri("team/user.sdd");
    open(&mut client, &user, USER).await;
    assert_eq!(
        declared_in(&mut client, "carol").await,
        std::slice::from_ref(&user)
    );
    // Ignored: aside, checked with `team/` alone, where `lead` is not declared.
    std::fs::write(folder.path.join("team/.sddignore"), "").unwrap();
    watched(&mut client, &folder.uri("team/.sddignore"), 1).await;
    publication(&mut client, &user, &["SDD101"]).await;
    assert_eq!(
        declared_in(&mut client, "carol").await,
        Vec::<String>::new()
    );
    // A file declaring `lead` appears beside it.
    std::fs::write(folder.path.join("team/roles.sdd"), ROLES).unwrap();
    watched(&mut client, &folder.uri("team/roles.sdd"), 1).await;
    publication(&mut client, &user, &[]).await;
    std::fs::remove_file(folder.path.join("team/roles.sdd")).unwrap();
    watched(&mut client, &folder.uri("team/roles.sdd"), 3).await;
    publication(&mut client, &user, &["SDD101"]).await;
    // The marker gone: back in the estate, where `lead` is declared.
    std::fs::remove_file(folder.path.join("team/.sddignore")).unwrap();
    watched(&mut client, &folder.uri("team/.sddignore"), 3).await;
    publication(&mut client, &user, &[]).await;
    assert_eq!(declared_in(&mut client, "carol").await, [user]);
    client.stop(TIMEOUT).await.expect("stop");
}

/// A buffer kept aside answers requests as it is checked, from its own folder: a name
/// declared beside it on disk is found there, its outline is its own, and an edit or a close
/// is seen by the next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buffer_kept_aside_answers_requests_from_its_own_folder() {
    let folder = Folder::new(
        "aside-requests",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("zz-broken/.sddignore".into(), String::new()),
            ("zz-broken/roles.sdd".into(), ROLES.into()),
            ("zz-broken/dup.sdd".into(), PEOPLE.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let dup = folder.uri("zz-broken/dup.sdd");
    open(&mut client, &dup, PEOPLE).await;
    publication(&mut client, &dup, &[]).await;
    let lead = PEOPLE.find("lead").unwrap() as u32;
    let at = json!({"textDocument": {"uri": dup}, "position": {"line": 0, "character": lead}});
    let definition = client
        .request("textDocument/definition", at.clone(), TIMEOUT)
        .await
        .expect("definition");
    assert_eq!(
        definition["result"]["uri"],
        json!(folder.uri("zz-broken/roles.sdd")),
        "the role beside it, not the workspace's: {definition}"
    );
    let hover = client
        .request("textDocument/hover", at.clone(), TIMEOUT)
        .await
        .expect("hover");
    assert!(
        hover["result"]["contents"].to_string().contains("lead"),
        "{hover}"
    );
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": dup}}),
            TIMEOUT,
        )
        .await
        .expect("documentSymbol");
    let names: Vec<&Value> = (symbols["result"].as_array().into_iter().flatten())
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&json!("bob")], "{symbols}");
    // Renamed in the buffer, the next outline names the new person.
    let carol = PEOPLE.replace("bob", "carol");
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": dup, "version": 2}, "contentChanges": [{"text": carol}]}),
        )
        .await;
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": dup}}),
            TIMEOUT,
        )
        .await
        .expect("documentSymbol");
    assert_eq!(symbols["result"][0]["name"], json!("carol"), "{symbols}");
    // Closed, it is no document the server knows.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": dup}}),
        )
        .await;
    let hover = client
        .request("textDocument/hover", at, TIMEOUT)
        .await
        .expect("hover");
    assert_eq!(hover["result"], Value::Null, "{hover}");
    client.stop(TIMEOUT).await.expect("stop");
}

/// Each workspace folder is an estate of its own, as `sdd check FOLDER` reads it: a name
/// declared in two folders is no SDD102, and a name declared only in another folder does not
/// resolve. Removing a folder clears what was published for its files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_workspace_folder_is_an_estate_of_its_own() {
    let a = Folder::new(
        "root-a",
        &[("people.sdd".into(), format!("{PEOPLE}{ROLES}"))],
    );
    let b = Folder::new(
        "root-b",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("user.sdd".into(), USER.into()),
        ],
    );
    let c = Folder::new("root-c", &[("user.sdd".into(), USER.into())]);
    let mut client = start(&a, 0).await;
    let folder = |f: &Folder| json!({"uri": f.root_uri(), "name": "ws"});
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [folder(&b), folder(&c)], "removed": []}}),
        )
        .await;
    // Both folders declare `bob` and `lead`: each once in its own estate.
    let (in_a, in_b) = (a.uri("people.sdd"), b.uri("people.sdd"));
    let mut both = vec![in_a.clone(), in_b.clone()];
    both.sort();
    let began = std::time::Instant::now();
    while declared_in(&mut client, "bob").await != both && began.elapsed() < TIMEOUT {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(declared_in(&mut client, "bob").await, both);
    open(&mut client, &in_b, &format!("{PEOPLE}{ROLES}")).await;
    publication(&mut client, &in_b, &[]).await;
    open(&mut client, &in_a, &format!("{PEOPLE}{ROLES}")).await;
    publication(&mut client, &in_a, &[]).await;
    // `c` declares no role `lead`, though `a` and `b` do.
    let user_c = c.uri("user.sdd");
    open(&mut client, &user_c, USER).await;
    publication(&mut client, &user_c, &["SDD101"]).await;
    // Removed, folder `c`'s published problem is cleared.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": user_c}}),
        )
        .await;
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [], "removed": [folder(&c)]}}),
        )
        .await;
    publication(&mut client, &user_c, &[]).await;
    client.stop(TIMEOUT).await.expect("stop");
}

/// A buffer kept aside in a folder below another kept aside is laid over that folder's
/// estate too: a rename from the outer folder edits the buffer's text at its own positions,
/// under its own version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_in_a_folder_kept_aside_edits_the_buffers_below_it() {
    let folder = Folder::new(
        "aside-below",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("broken/.sddignore".into(), String::new()),
            ("broken/roles.sdd".into(), ROLES.into()),
            ("broken/sub/user.sdd".into(), USER.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let (roles, user) = (
        folder.uri("broken/roles.sdd"),
        folder.uri("broken/sub/user.sdd"),
    );
    open(&mut client, &roles, ROLES).await;
    let edited = format!("// two lines\n// added\n{USER}");
    open(&mut client, &user, &edited).await;
    let lead = ROLES.find("lead").unwrap() as u32;
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": roles}, "position": {"line": 0, "character": lead},
                   "newName": "chief"}),
            TIMEOUT,
        )
        .await
        .expect("rename");
    let changes = renamed["result"]["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let in_user = (changes.iter())
        .find(|c| c["textDocument"]["uri"] == json!(user))
        .unwrap_or_else(|| panic!("no edit of the buffer below: {renamed}"));
    assert_eq!(in_user["textDocument"]["version"], json!(1), "{renamed}");
    let line = USER.lines().next().unwrap();
    let at = line.find("lead").unwrap() as u64;
    assert_eq!(
        in_user["edits"][0]["range"]["start"],
        json!({"line": 2, "character": at}),
        "the buffer's positions, two lines down: {renamed}"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

/// A workspace folder inside another is part of that one's estate, as `sdd check OUTER`
/// reads it: its files are declared once, not twice, and names resolve across the two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_folder_inside_another_is_part_of_its_estate() {
    let outer = Folder::new(
        "nested",
        &[
            ("roles.sdd".into(), ROLES.into()),
            ("sub/user.sdd".into(), USER.into()),
        ],
    );
    let mut client = start(&outer, 0).await;
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": outer.uri("sub"), "name": "sub"}], "removed": []}}),
        )
        .await;
    let user = outer.uri("sub/user.sdd");
    open(&mut client, &user, USER).await;
    publication(&mut client, &user, &[]).await;
    assert_eq!(
        declared_in(&mut client, "carol").await,
        std::slice::from_ref(&user)
    );
    client.stop(TIMEOUT).await.expect("stop");
}

/// A `.sdd` entry of the workspace that cannot be read (a link to nothing, a regular file whose
/// read fails: the server's own memory, on Linux) gets the SDD002 `sdd check` gives it, and
/// the rest of the workspace is still read; so does a pipe made while the server runs, which
/// is never opened (opening it would wait for a writer forever). Once the link's target
/// exists, the file is read.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_read_is_an_sdd002_and_the_rest_is_still_read() {
    use std::os::unix::fs::symlink;
    let folder = Folder::new(
        "unreadable",
        &[("people.sdd".into(), format!("{PEOPLE}{ROLES}"))],
    );
    let moved = folder.path.with_extension("moved.sdd");
    symlink(&moved, folder.path.join("gone.sdd")).unwrap();
    let memory = std::path::Path::new("/proc/self/mem");
    let with_memory = memory.is_file() && std::fs::read(memory).is_err();
    if with_memory {
        symlink(memory, folder.path.join("memory.sdd")).unwrap();
    }
    let mut client = start(&folder, 0).await;
    let (people, gone) = (folder.uri("people.sdd"), folder.uri("gone.sdd"));
    publication(&mut client, &gone, &["SDD002"]).await;
    if with_memory {
        publication(&mut client, &folder.uri("memory.sdd"), &["SDD002"]).await;
    }
    assert_eq!(
        declared_in(&mut client, "bob").await,
        std::slice::from_ref(&people)
    );
    let fifo = std::process::Command::new("mkfifo")
        .arg(folder.path.join("pipe.sdd"))
        .status();
    if fifo.is_ok_and(|s| s.success()) {
        watched(&mut client, &folder.uri("pipe.sdd"), 1).await;
        publication(&mut client, &folder.uri("pipe.sdd"), &["SDD002"]).await;
        assert_eq!(declared_in(&mut client, "bob").await, [people]);
    }
    std::fs::write(&moved, USER).unwrap();
    watched(&mut client, &gone, 2).await;
    publication(&mut client, &gone, &[]).await;
    assert_eq!(declared_in(&mut client, "carol").await, [gone]);
    client.stop(TIMEOUT).await.expect("stop");
    let _ = std::fs::remove_file(&moved);
}

/// The publication, with these codes, for a folder far below `top` (its URI longer than
/// `PATH_MAX`).
async fn published_below(client: &mut WireClient, top: &str, wanted: &[&str]) -> Value {
    let below = format!("{top}/");
    let wanted: Vec<String> = wanted.iter().map(|c| c.to_string()).collect();
    let far_below = |p: &Value| {
        let uri = p["uri"].as_str().unwrap_or("");
        uri.starts_with(&below) && uri.len() > 4096
    };
    client
        .notification(
            "textDocument/publishDiagnostics",
            |p| far_below(p) && codes(p) == wanted,
            TIMEOUT,
        )
        .await
        .unwrap_or_else(|e| panic!("no publication of {wanted:?}: {e:?}"))
}

/// A folder of the workspace that cannot be listed (too deep for the system: `PATH_MAX`,
/// 4,096 bytes on Linux, stops root too) gets the SDD002 `sdd check` gives it, on the folder,
/// and the rest of the workspace is still read: whether it was there at the start or appears
/// while the server runs, and again when a `.sddignore` above it that kept it out goes;
/// kept out, or deleted, it takes its SDD002 with it.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_that_cannot_be_listed_is_an_sdd002_and_the_rest_is_still_read() {
    let folder = Folder::new("deep", &[("people.sdd".into(), format!("{PEOPLE}{ROLES}"))]);
    let name = "d".repeat(250);
    let too_deep = || {
        let levels = format!(
            "i=0; while [ $i -lt 20 ]; do mkdir {name} && cd {name} 2>/dev/null || exit 0; i=$((i+1)); done"
        );
        let made = std::process::Command::new("sh")
            .args(["-c", &levels])
            .current_dir(&folder.path)
            .status();
        assert!(made.is_ok(), "sh runs");
    };
    too_deep();
    let mut client = start(&folder, 0).await;
    let top = folder.uri(&name);
    let first = published_below(&mut client, &top, &["SDD002"]).await;
    let message = first["diagnostics"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("cannot list this folder: "),
        "{message}"
    );
    assert_eq!(
        declared_in(&mut client, "bob").await,
        [folder.uri("people.sdd")]
    );
    let deleted = || std::fs::remove_dir_all(folder.path.join(&name)).unwrap();
    deleted();
    watched(&mut client, &top, 3).await;
    published_below(&mut client, &top, &[]).await;
    // Made while the server runs: one event for the folder at the top.
    too_deep();
    watched(&mut client, &top, 1).await;
    published_below(&mut client, &top, &["SDD002"]).await;
    let marker = folder.path.join(&name).join(".sddignore");
    std::fs::write(&marker, "").unwrap();
    watched(&mut client, &format!("{top}/.sddignore"), 1).await;
    published_below(&mut client, &top, &[]).await;
    std::fs::remove_file(&marker).unwrap();
    watched(&mut client, &format!("{top}/.sddignore"), 3).await;
    published_below(&mut client, &top, &["SDD002"]).await;
    assert_eq!(
        declared_in(&mut client, "bob").await,
        [folder.uri("people.sdd")]
    );
    deleted();
    client.stop(TIMEOUT).await.expect("stop");
}
