//! `sdd-lsp`: the language server for `.sdd` estates.
//!
//! [`server`] holds the protocol handlers, [`folders`] the workspace folders, each an estate
//! of its own, [`paths`] the paths as they enter made the walk's names of the same files,
//! [`workspace`] one folder's estate with the editor's buffers laid over the disk ([`aside`]
//! the buffers in folders its walk skips), [`disk_watch`] the server's own watch of the
//! folders when the client cannot watch them, [`convert`] every conversion between byte offsets and UTF-16
//! positions, file names and URIs, sdd and LSP diagnostics, and [`protocol`] the editor
//! features as protocol types, and [`framing`] the checks of the wire's framing that keep one
//! bad message from ending the server. [`wire_client`] drives a server in-process over an in-memory
//! pipe, speaking the real wire format (the protocol tests and the latency benchmark use it).

pub mod aside;
pub mod convert;
pub mod disk_watch;
pub mod folders;
pub mod framing;
pub mod paths;
pub mod protocol;
pub mod server;
pub mod wire_client;
pub mod workspace;

use tower_lsp_server::{LspService, Server};

/// Serve the protocol over a reader and a writer until the client sends `exit`.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method("sdd/testPanic", server::Backend::test_panic)
        .custom_method(framing::INVALID_REQUEST, server::Backend::invalid_request)
        .finish();
    // The server reads what the relay passes on; the relay ends at the end of the input (and
    // the server then at the end of the pipe), the server at `exit`.
    let (relayed, server_input) = tokio::io::duplex(1 << 20);
    let server = Server::new(server_input, output, socket).serve(service);
    tokio::pin!(server);
    tokio::select! {
        () = &mut server => {}
        () = framing::relay(input, relayed) => server.await,
    }
}
