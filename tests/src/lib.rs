//! Cross-crate and golden tests live in `tests/`; this library is empty.
