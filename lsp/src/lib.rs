//! `sdd-lsp`: the language server for `.sdd` estates.
//!
//! [`server`] holds the protocol handlers, [`workspace`] the estate with the editor's buffers
//! laid over the disk, [`convert`] every conversion between byte offsets and UTF-16
//! positions, file names and URIs, sdd and LSP diagnostics, and [`protocol`] the editor
//! features as protocol types. [`wire_client`] drives a server in-process over an in-memory
//! pipe, speaking the real wire format (the protocol tests and the latency benchmark use it).

pub mod convert;
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
        .finish();
    Server::new(input, output, socket).serve(service).await;
}
