//! `sdd-lsp`: the language server for `.sdd` estates, over standard input and output.
//!
//! Logs go to standard error; standard output carries the protocol only.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    sdd_lsp::serve(tokio::io::stdin(), tokio::io::stdout()).await;
    // `exit` was received: end now, without waiting for analyses still running.
    let clean = sdd_lsp::server::SHUTDOWN_REQUESTED.load(std::sync::atomic::Ordering::SeqCst);
    std::process::exit(if clean { 0 } else { 1 });
}
