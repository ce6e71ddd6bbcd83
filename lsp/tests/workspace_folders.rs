//! Which estate a workspace folder, a buffer and a path belong to, as `sdd check` would read
//! them: a folder inside another is part of its estate only while that one is a folder and
//! its walk reads the inner one; a buffer the walk would not read (by its folder or by its
//! name) stays out of the estate; a file reached by another path (a linked workspace folder,
//! `/.`, `//`) is the estate's file, not a second one.

mod common;

use common::small_estate::{codes, declared_in, publication, PEOPLE, ROLES, USER};
use common::{open, start, start_at, Folder, TIMEOUT};
use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

/// Ask until the files declaring `name` are `wanted` (a folder change is applied on the
/// blocking pool, after the notification returns), then check them.
async fn declared_in_soon(client: &mut WireClient, name: &str, wanted: &[String]) {
    let began = std::time::Instant::now();
    while declared_in(client, name).await != wanted && began.elapsed() < TIMEOUT {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(declared_in(client, name).await, wanted, "`{name}`");
}

async fn change_folders(client: &mut WireClient, added: &[String], removed: &[String]) {
    let folders = |uris: &[String]| -> Vec<Value> {
        (uris.iter())
            .map(|u| json!({"uri": u, "name": "ws"}))
            .collect()
    };
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": folders(added), "removed": folders(removed)}}),
        )
        .await;
}

/// With folders [outer, outer/sub], removing `outer` leaves `sub` a folder, an estate of its
/// own as `sdd check outer/sub` reads it (where `lead` is not declared).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_inside_a_removed_folder_is_an_estate_of_its_own() {
    let outer = Folder::new(
        "nested-removed",
        &[
            ("roles.sdd".into(), ROLES.into()),
            ("sub/user.sdd".into(), USER.into()),
        ],
    );
    let mut client = start(&outer, 0).await;
    let user = outer.uri("sub/user.sdd");
    change_folders(&mut client, &[outer.uri("sub")], &[]).await;
    declared_in_soon(&mut client, "lead", &[outer.uri("roles.sdd")]).await;
    change_folders(&mut client, &[], &[outer.root_uri()]).await;
    declared_in_soon(&mut client, "lead", &[]).await;
    assert_eq!(
        declared_in(&mut client, "carol").await,
        std::slice::from_ref(&user)
    );
    publication(&mut client, &user, &["SDD101"]).await;
    // Added again, `outer` takes `sub` back into its estate.
    client.take_notifications("textDocument/publishDiagnostics");
    change_folders(&mut client, &[outer.root_uri()], &[]).await;
    declared_in_soon(&mut client, "lead", &[outer.uri("roles.sdd")]).await;
    publication(&mut client, &user, &[]).await;
    client.stop(TIMEOUT).await.expect("stop");
}

/// A folder inside another, in a part of it the outer walk skips (a folder holding
/// `.sddignore`, `target`), is an estate of its own: its files are checked and published as
/// `sdd check INNER` checks them, and a buffer opened in a folder below it is checked with
/// the whole inner folder, not only with the files beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_inside_a_part_the_outer_walk_skips_is_an_estate_of_its_own() {
    let outer = Folder::new(
        "nested-skipped",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("broken/.sddignore".into(), String::new()),
            ("broken/case/user.sdd".into(), USER.into()),
            ("target/estate/roles.sdd".into(), ROLES.into()),
            ("target/estate/team/user.sdd".into(), USER.into()),
        ],
    );
    let mut client = start(&outer, 0).await;
    let (case, estate) = (outer.uri("broken/case"), outer.uri("target/estate"));
    change_folders(&mut client, &[case, estate], &[]).await;
    // `broken/case` declares no `lead`: its own check says so, unopened.
    let case_user = outer.uri("broken/case/user.sdd");
    publication(&mut client, &case_user, &["SDD101"]).await;
    let estate_user = outer.uri("target/estate/team/user.sdd");
    let mut carols = vec![case_user, estate_user.clone()];
    carols.sort();
    declared_in_soon(&mut client, "carol", &carols).await;
    // `target/estate` declares `lead`, one folder above the buffer.
    open(&mut client, &estate_user, USER).await;
    publication(&mut client, &estate_user, &[]).await;
    let mut leads = vec![
        outer.uri("people.sdd"),
        outer.uri("target/estate/roles.sdd"),
    ];
    leads.sort();
    assert_eq!(declared_in(&mut client, "lead").await, leads);
    client.stop(TIMEOUT).await.expect("stop");
}

/// A buffer named as the walk reads no file (a merge's `people.sdd.orig`, a `README.md`
/// opened as sdd) or hidden (`.draft.sdd`) stays out of the estate: the real files keep their
/// declarations once. It is checked as `sdd check FOLDER FILE` checks it, with its folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buffer_the_walk_would_not_read_by_its_name_is_kept_aside() {
    let folder = Folder::new(
        "not-sdd-name",
        &[
            ("people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("team/user.sdd".into(), USER.into()),
        ],
    );
    let mut client = start(&folder, 0).await;
    let (people, orig) = (folder.uri("people.sdd"), folder.uri("people.sdd.orig"));
    open(&mut client, &orig, &format!("{PEOPLE}{ROLES}")).await;
    // `sdd check . people.sdd.orig`: the backup declares both names a second time.
    publication(&mut client, &orig, &["SDD102", "SDD102"]).await;
    assert_eq!(
        declared_in(&mut client, "bob").await,
        std::slice::from_ref(&people)
    );
    // A hidden draft is checked with its folder too, where `nope` is no role.
    let draft = folder.uri("team/.draft.sdd");
    open(
        &mut client,
        &draft,
        "person dan { name: \"D\" roles: [nope] }\n",
    )
    .await;
    publication(&mut client, &draft, &["SDD101"]).await;
    assert_eq!(declared_in(&mut client, "dan").await, Vec::<String>::new());
    // Requests on it are answered from that check.
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": orig}}),
            TIMEOUT,
        )
        .await
        .expect("documentSymbol");
    assert_eq!(symbols["result"][0]["name"], json!("bob"), "{symbols}");
    // Closed, its diagnostics are cleared and the real files were never touched.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": orig}}),
        )
        .await;
    publication(&mut client, &orig, &[]).await;
    let published = client.take_notifications("textDocument/publishDiagnostics");
    assert!(
        (published.iter())
            .filter(|p| p["uri"] != json!(orig) && p["uri"] != json!(draft))
            .all(|p| codes(p).is_empty()),
        "{published:?}"
    );
    client.stop(TIMEOUT).await.expect("stop");
}

/// A workspace folder given as `…/ws//.`, or through a symbolic link while the editor opens a
/// file under its real path: the buffer is the walk's file, not a second one declaring every
/// name again, and its diagnostics, the symbols it declares and the definitions in it are
/// given under the URI the editor opened it by (under the walk's name, going to a definition
/// opened the file a second time beside the buffer); a file not open keeps the walk's name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_reached_by_another_path_is_the_estates_file() {
    let outer = Folder::new(
        "aliased",
        &[
            ("real/people.sdd".into(), format!("{PEOPLE}{ROLES}")),
            ("real/user.sdd".into(), USER.into()),
        ],
    );
    let real = outer.path.join("real");
    let people = outer.uri("real/people.sdd");
    let mut roots = vec![format!("{}//.", outer.uri("real"))];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&real, outer.path.join("link")).expect("a link");
        roots.push(outer.uri("link"));
    }
    for root in roots {
        let mut client = start_at(&root, 0, false).await;
        open(&mut client, &people, &format!("{PEOPLE}{ROLES}")).await;
        publication(&mut client, &people, &[]).await;
        assert_eq!(
            declared_in(&mut client, "bob").await,
            std::slice::from_ref(&people),
            "{root}"
        );
        let lead = PEOPLE.find("lead").expect("a role reference") as u64;
        let definition = client
            .request(
                "textDocument/definition",
                json!({"textDocument": {"uri": people},
                       "position": {"line": 0, "character": lead}}),
                TIMEOUT,
            )
            .await
            .expect("definition");
        assert_eq!(
            definition["result"]["uri"],
            json!(people),
            "{root}: {definition}"
        );
        let walked_user = root.trim_end_matches("//.").to_string() + "/user.sdd";
        assert_eq!(
            declared_in(&mut client, "carol").await,
            std::slice::from_ref(&walked_user)
        );
        // An edit is seen in the estate's file: `lead` gone, `carol` in `user.sdd` has none.
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": people, "version": 2},
                       "contentChanges": [{"text": PEOPLE}]}),
            )
            .await;
        publication(&mut client, &people, &["SDD101"]).await;
        publication(&mut client, &walked_user, &["SDD101"]).await;
        let published = client.take_notifications("textDocument/publishDiagnostics");
        assert!(
            (published.iter()).all(|p| !codes(p).contains(&"SDD102".to_string())),
            "{root}: {published:?}"
        );
        client.stop(TIMEOUT).await.expect("stop");
    }
}
