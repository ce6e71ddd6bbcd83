//! Editor features in byte offsets and plain data (hover, definition, references, rename,
//! completion, symbols, …). The language server converts them to LSP; nothing here knows LSP.
