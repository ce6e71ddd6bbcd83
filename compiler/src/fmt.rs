//! The formatter: one canonical layout for `.sdd` files that keeps every comment.
