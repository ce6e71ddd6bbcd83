//! `sdd-lsp`: the language server for `.sdd` estates (stdio).

fn main() {
    eprintln!("sdd-lsp is being written (issue 5)");
    std::process::exit(2);
}
