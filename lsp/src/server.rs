//! The protocol handlers: tower-lsp-server's [`LanguageServer`] over the workspace [`Folders`].
//!
//! Notifications that change the estate (open, change, close, watched files, and the
//! server's own [`DiskWatch`] for a client that cannot watch files) apply their
//! change at once, in the order they arrive, and wake the publisher; the publisher waits
//! until edits pause for the debounce interval, analyses once, and publishes the diagnostics
//! of every affected file. Requests run on the blocking pool against the current analysis;
//! a request for an unknown file or a position outside it gets an empty answer, and a panic
//! inside a handler is caught, logged, and answered with an empty result.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use sdd::analysis::Options;
use sdd::source::SourceFile;
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert;
use crate::disk_watch::{self, DiskWatch};
use crate::folders::Folders;
use crate::protocol;
use crate::workspace::At;

/// Set once the client asked for `shutdown`: `exit` then ends the process with status 0
/// (without it, with status 1, as the protocol says).
pub static SHUTDOWN_REQUESTED: AtomicBool = AtomicBool::new(false);

/// How long edits must pause before diagnostics are published, unless configured. Long
/// enough to take a burst of changes (a replace-all, a paste sent in pieces, a branch switch
/// seen by the file watcher) as one; short against the time between keystrokes, so typing
/// sees its diagnostics at once.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(10);

/// What the client and the configuration decided at `initialize`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub debounce: Duration,
    /// The client inserts snippets.
    pub snippets: bool,
    /// Enables the `sdd/testPanic` request (tests only).
    pub test_hooks: bool,
    /// The client lets the server register file watchers.
    pub dynamic_watchers: bool,
    /// The client takes workspace edits as an ordered `documentChanges` list.
    pub document_changes: bool,
    /// The client shows change annotations, and asks the user to confirm edits marked so.
    pub change_annotations: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            debounce: DEFAULT_DEBOUNCE,
            snippets: false,
            test_hooks: false,
            dynamic_watchers: false,
            document_changes: false,
            change_annotations: false,
        }
    }
}

struct Shared {
    workspace: Mutex<Folders>,
    settings: RwLock<Settings>,
    /// Bumped by every change; the publisher waits until it stops moving.
    edits: AtomicU64,
    wake: Notify,
    publisher_started: AtomicBool,
    /// The server's own watch of the folders, when the client cannot watch for it.
    disk_watch: Mutex<Option<DiskWatch>>,
}

impl Shared {
    fn workspace(&self) -> MutexGuard<'_, Folders> {
        self.workspace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Apply a change to the workspace now (in arrival order) and wake the publisher.
    fn change(&self, what: &'static str, f: impl FnOnce(&mut Folders)) {
        let outcome = catch_unwind(AssertUnwindSafe(|| f(&mut self.workspace())));
        if let Err(panic) = outcome {
            eprintln!("sdd-lsp: {what} failed: {}", panic_message(panic.as_ref()));
        }
        self.changed();
    }

    /// Watch the folders as they are now, when the server watches them itself.
    fn rewatch(&self) {
        let roots = self.workspace().given().to_vec();
        let mut watch = self
            .disk_watch
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(watch) = watch.as_mut() {
            watch.watch_roots(&roots);
        }
    }

    /// Count a change and wake the publisher.
    fn changed(&self) {
        self.edits.fetch_add(1, Ordering::SeqCst);
        self.wake.notify_one();
    }

    fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            shared: Arc::new(Shared {
                // As `sdd check` does: stale approvals are explained from git history.
                workspace: Mutex::new(Folders::new(Options {
                    git_history: true,
                    ..Options::default()
                })),
                settings: RwLock::new(Settings::default()),
                edits: AtomicU64::new(0),
                wake: Notify::new(),
                publisher_started: AtomicBool::new(false),
                disk_watch: Mutex::new(None),
            }),
        }
    }

    /// Run a query on the blocking pool; a panic is logged and answered with `T::default()`.
    async fn query<T, F>(&self, what: &'static str, f: F) -> T
    where
        T: Default + Send + serde::Serialize + serde::de::DeserializeOwned + 'static,
        F: FnOnce(&mut Folders, &Settings) -> T + Send + 'static,
    {
        let shared = self.shared.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| {
                let settings = shared.settings();
                let mut workspace = shared.workspace();
                let answer = f(&mut workspace, &settings);
                workspace.in_client_names(answer)
            }))
        })
        .await;
        let why = match outcome {
            Ok(Ok(value)) => return value,
            Ok(Err(panic)) => panic_message(panic.as_ref()),
            Err(e) => e.to_string(),
        };
        let message = format!("sdd-lsp: {what} failed: {why}");
        eprintln!("{message}");
        self.client.log_message(MessageType::ERROR, message).await;
        T::default()
    }

    /// Apply a change to the workspace now (in arrival order) and wake the publisher.
    fn change(&self, what: &'static str, f: impl FnOnce(&mut Folders)) {
        self.shared.change(what, f);
    }

    /// Watch the workspace folders on disk, as a client that cannot register watchers does
    /// not ([`DiskWatch`]); each batch of events is applied as a client's watched-file
    /// changes are.
    async fn start_disk_watch(&self) {
        let (send, mut events) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
        let watch = match DiskWatch::start(move |paths| {
            let _ = send.send(paths);
        }) {
            Ok(watch) => watch,
            Err(e) => {
                let message = format!(
                    "cannot watch the workspace folders ({e}): files changed on disk are seen \
                     when opened"
                );
                self.client.log_message(MessageType::WARNING, message).await;
                return;
            }
        };
        *self
            .shared
            .disk_watch
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(watch);
        self.shared.rewatch();
        let shared = self.shared.clone();
        tokio::spawn(async move {
            while let Some(mut paths) = events.recv().await {
                // A branch switch is a burst of events: taken as one change.
                while let Ok(more) = events.try_recv() {
                    paths.extend(more);
                }
                paths.sort();
                paths.dedup();
                shared.change("watching the folders", |ws| {
                    for path in &paths {
                        ws.disk_path_changed(&convert::name_of_path(path));
                    }
                });
                if paths.iter().any(|p| disk_watch::changes_folders(p)) {
                    shared.rewatch();
                }
            }
        });
    }

    fn start_publisher(&self) {
        if self.shared.publisher_started.swap(true, Ordering::SeqCst) {
            return;
        }
        tokio::spawn(publish_loop(self.client.clone(), self.shared.clone()));
    }

    /// `sdd/invalidRequest`: the answer to a message the framing relay could not pass on as it
    /// was ([`crate::framing::INVALID_REQUEST`]): a "parse error" for a body that is not JSON,
    /// "method not found" for a request of a `$/` method, else an "invalid request" error,
    /// under its id or `null`.
    pub async fn invalid_request(&self, params: InvalidRequest) -> Result<()> {
        use tower_lsp_server::jsonrpc::ErrorCode;
        let (code, what) = match (params.parse_error, params.method_not_found) {
            (true, _) => (ErrorCode::ParseError, "parse error"),
            (false, true) => (ErrorCode::MethodNotFound, "method not found"),
            (false, false) => (ErrorCode::InvalidRequest, "invalid request"),
        };
        Err(Error {
            code,
            message: format!("{what}: {}", params.reason).into(),
            data: None,
        })
    }

    /// `sdd/testPanic`: panics inside a handler, to show the server survives it.
    pub async fn test_panic(&self) -> Result<Option<String>> {
        Ok(self
            .query("sdd/testPanic", |_, settings| {
                if settings.test_hooks {
                    panic!("deliberate panic for a test");
                }
                None
            })
            .await)
    }
}

/// The parameters of [`Backend::invalid_request`]: why the request could not be decoded.
#[derive(Debug, serde::Deserialize)]
pub struct InvalidRequest {
    reason: String,
    /// The body is not JSON at all.
    #[serde(default)]
    parse_error: bool,
    /// A request of a `$/` method: `reason` is the method.
    #[serde(default)]
    method_not_found: bool,
}

/// Publish diagnostics whenever edits pause for the debounce interval.
async fn publish_loop(client: Client, shared: Arc<Shared>) {
    // The change count the last publication covered: a wake-up left over from a change that
    // publication already covered is ignored instead of restarting the debounce.
    let mut covered = 0u64;
    loop {
        shared.wake.notified().await;
        if shared.edits.load(Ordering::SeqCst) == covered {
            continue;
        }
        let debounce = shared.settings().debounce;
        loop {
            let seen = shared.edits.load(Ordering::SeqCst);
            tokio::time::sleep(debounce).await;
            if shared.edits.load(Ordering::SeqCst) == seen {
                covered = seen;
                break;
            }
        }
        let worker = shared.clone();
        let publication = tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| {
                let mut folders = worker.workspace();
                // Today, as `sdd check` would take it now: the server may run for days.
                folders.new_day(Options::default().as_of);
                folders.publication()
            }))
        })
        .await;
        match publication {
            Ok(Ok(batch)) => {
                for (uri, diagnostics, version) in batch {
                    client.publish_diagnostics(uri, diagnostics, version).await;
                }
            }
            Ok(Err(panic)) => {
                let message = format!(
                    "sdd-lsp: analysis failed: {}",
                    panic_message(panic.as_ref())
                );
                eprintln!("{message}");
                client.log_message(MessageType::ERROR, message).await;
            }
            Err(e) => eprintln!("sdd-lsp: analysis task failed: {e}"),
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".into()
    }
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty() {
        roots.extend(
            params
                .root_uri
                .as_ref()
                .and_then(|u| u.to_file_path())
                .map(|p| p.into_owned()),
        );
    }
    roots
}

fn settings_of(params: &InitializeParams) -> Settings {
    let options = params.initialization_options.as_ref();
    let number = |key: &str| options.and_then(|o| o.get(key)).and_then(|v| v.as_u64());
    let debounce = number("debounceMs")
        .or_else(|| std::env::var("SDD_LSP_DEBOUNCE_MS").ok()?.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_DEBOUNCE);
    let caps = &params.capabilities;
    Settings {
        debounce,
        snippets: caps
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false),
        test_hooks: options
            .and_then(|o| o.get("testHooks"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        dynamic_watchers: caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        document_changes: caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        change_annotations: caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|e| e.change_annotation_support.is_some()),
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let settings = settings_of(&params);
        *self
            .shared
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = settings;
        let roots = roots_of(&params);
        let problems = self
            .query("loading the workspace", move |ws, _| ws.load(roots))
            .await;
        for p in problems {
            self.client.log_message(MessageType::WARNING, p).await;
        }
        Ok(InitializeResult {
            capabilities: protocol::capabilities(),
            server_info: Some(ServerInfo {
                name: "sdd-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Watching before the first analysis: a change on disk after it is seen.
        let client_watches = self.shared.settings().dynamic_watchers;
        if !client_watches {
            self.start_disk_watch().await;
        }
        self.start_publisher();
        self.shared.changed();
        if client_watches {
            let client = self.client.clone();
            // Registration waits for the client's answer: do not hold up other messages.
            tokio::spawn(async move {
                let options = DidChangeWatchedFilesRegistrationOptions {
                    watchers: vec![
                        FileSystemWatcher {
                            glob_pattern: GlobPattern::String("**/*.sdd".into()),
                            kind: None,
                        },
                        // A folder deleted, renamed or moved in is one event for the folder,
                        // none for the `.sdd` files in it.
                        FileSystemWatcher {
                            glob_pattern: GlobPattern::String("**/*".into()),
                            kind: Some(WatchKind::Create | WatchKind::Delete),
                        },
                    ],
                };
                let registration = Registration {
                    id: "sdd-watch".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: serde_json::to_value(options).ok(),
                };
                if let Err(e) = client.register_capability(vec![registration]).await {
                    client
                        .log_message(
                            MessageType::WARNING,
                            format!("cannot watch .sdd files: {e}"),
                        )
                        .await;
                }
            });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        SHUTDOWN_REQUESTED.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(name) = convert::file_name(&doc.uri) else {
            return;
        };
        self.change("didOpen", |ws| ws.open(&name, doc.text, doc.version));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(name) = convert::file_name(&params.text_document.uri) else {
            return;
        };
        let version = params.text_document.version;
        self.change("didChange", |ws| {
            ws.edit(&name, params.content_changes, version)
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(name) = convert::file_name(&params.text_document.uri) else {
            return;
        };
        self.change("didClose", |ws| ws.close(&name));
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let names: Vec<String> = params
            .changes
            .iter()
            .filter_map(|c| convert::file_name(&c.uri))
            .collect();
        self.change("didChangeWatchedFiles", |ws| {
            for name in &names {
                ws.disk_path_changed(name);
            }
        });
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        let problems = self
            .query("reloading the workspace", move |ws, _| {
                ws.change_folders(added, &removed)
            })
            .await;
        for p in problems {
            self.client.log_message(MessageType::WARNING, p).await;
        }
        self.shared.rewatch();
        self.shared.changed();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(self
            .query("hover", move |ws, _| {
                let name = convert::file_name(&at.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let offset = convert::offset(ide.estate.files.get(file), at.position)?;
                    let h = ide.hover(file, offset)?;
                    Some(protocol::hover(ide.estate.files.get(file), h))
                })
            })
            .await)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        Ok(self
            .query("definition", move |ws, _| {
                let name = convert::file_name(&at.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let offset = convert::offset(ide.estate.files.get(file), at.position)?;
                    let target = ide.definition(file, offset)?;
                    convert::location(&ide.estate.files, target.file, target.span)
                        .map(GotoDefinitionResponse::Scalar)
                })
            })
            .await)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let include = params.context.include_declaration;
        Ok(self
            .query("references", move |ws, _| {
                let name = convert::file_name(&at.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let offset = convert::offset(ide.estate.files.get(file), at.position)?;
                    let found = ide.references(file, offset, include);
                    Some(
                        found
                            .into_iter()
                            .filter_map(|l| convert::location(&ide.estate.files, l.file, l.span))
                            .collect(),
                    )
                })
            })
            .await)
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        Ok(self
            .query("prepareRename", move |ws, _| {
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let offset = convert::offset(ide.estate.files.get(file), params.position)?;
                    let span = ide.prepare_rename(file, offset)?;
                    Some(PrepareRenameResponse::Range(convert::range(
                        ide.estate.files.get(file),
                        span,
                    )))
                })
            })
            .await)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = params.new_name;
        let outcome = self
            .query("rename", move |ws, settings| {
                let name = convert::file_name(&at.text_document.uri)?;
                let ordered = settings.document_changes;
                let annotated = ordered && settings.change_annotations;
                ws.with_ide_at(&name, |scope| {
                    let At {
                        ide,
                        file,
                        versions,
                    } = scope;
                    let offset = convert::offset(ide.estate.files.get(file), at.position)?;
                    match ide.rename(file, offset, &new_name) {
                        Ok(edits) if edits.is_empty() => None,
                        Ok(edits) => {
                            let mut edit = protocol::workspace_edit(
                                &ide.estate.files,
                                &edits,
                                ordered,
                                versions,
                            );
                            // A rename of approved content is confirmed, not applied silently.
                            if annotated {
                                let stale = ide.approvals_broken_by(&edits);
                                protocol::confirm_stale_approvals(&mut edit, &stale);
                            }
                            Some(Ok(edit))
                        }
                        Err(e) => Some(Err(e.to_string())),
                    }
                })
            })
            .await;
        match outcome {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(Error::invalid_params(message)),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        Ok(self
            .query("completion", move |ws, settings| {
                let name = convert::file_name(&at.text_document.uri)?;
                let snippets = settings.snippets;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let offset = convert::offset(ide.estate.files.get(file), at.position)?;
                    let source = ide.estate.files.get(file);
                    let items = ide
                        .completion(file, offset)
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| protocol::completion(source, i, c, snippets))
                        .collect();
                    Some(CompletionResponse::Array(items))
                })
            })
            .await)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .query("documentSymbol", move |ws, _| {
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let source = ide.estate.files.get(file);
                    let symbols = ide
                        .document_symbols(file)
                        .into_iter()
                        .map(|s| protocol::document_symbol(source, s))
                        .collect();
                    Some(DocumentSymbolResponse::Nested(symbols))
                })
            })
            .await)
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        Ok(self
            .query("workspaceSymbol", move |ws, _| {
                let symbols = ws.with_every_ide(|ide| {
                    (ide.workspace_symbols(&params.query).into_iter())
                        .filter_map(|s| protocol::workspace_symbol(&ide.estate.files, s))
                        .collect()
                });
                Some(WorkspaceSymbolResponse::Nested(symbols))
            })
            .await)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .query("foldingRange", move |ws, _| {
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let source = ide.estate.files.get(file);
                    Some(
                        ide.folding_ranges(file)
                            .into_iter()
                            .map(|f| protocol::folding_range(source, f))
                            .collect(),
                    )
                })
            })
            .await)
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .query("semanticTokens", move |ws, _| {
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let source = ide.estate.files.get(file);
                    let data = protocol::semantic_tokens(source, &ide.semantic_tokens(file));
                    Some(SemanticTokensResult::Tokens(SemanticTokens {
                        result_id: None,
                        data,
                    }))
                })
            })
            .await)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(self
            .query("codeLens", move |ws, _| {
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let source = ide.estate.files.get(file);
                    Some(
                        ide.code_lenses(file)
                            .into_iter()
                            .map(|l| protocol::code_lens(source, l))
                            .collect(),
                    )
                })
            })
            .await)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self
            .query("inlayHint", move |ws, _| {
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |At { ide, file, .. }| {
                    let source: &SourceFile = ide.estate.files.get(file);
                    let range = convert::span(source, params.range)
                        .unwrap_or(sdd::source::Span::new(0, source.text().len()));
                    Some(
                        ide.inlay_hints(file, range)
                            .into_iter()
                            .map(|h| protocol::inlay_hint(source, h))
                            .collect(),
                    )
                })
            })
            .await)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(self
            .query("codeAction", move |ws, settings| {
                let ordered = settings.document_changes;
                let name = convert::file_name(&params.text_document.uri)?;
                ws.with_ide_at(&name, |scope| {
                    let At {
                        ide,
                        file,
                        versions,
                    } = scope;
                    let range = convert::span(ide.estate.files.get(file), params.range)?;
                    let actions = ide.code_actions(file, range);
                    Some(
                        actions
                            .into_iter()
                            .map(|a| protocol::code_action(&ide, a, ordered, versions))
                            .collect(),
                    )
                })
            })
            .await)
    }

    /// The code lenses' command: a label's, which does nothing.
    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        match params.command.as_str() {
            protocol::LENS_COMMAND => Ok(None),
            other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
        }
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .query("formatting", move |ws, _| {
                let name = ws.name_of(&convert::file_name(&params.text_document.uri)?);
                let ws = ws.workspace_for(&name);
                match ws.file(&name) {
                    Some(file) => protocol::formatting(ws.estate.files.get(file), file),
                    None => ws.with_ide_at(&name, |At { ide, file, .. }| {
                        protocol::formatting(ide.estate.files.get(file), file)
                    }),
                }
            })
            .await)
    }
}
