//! `sdd`: the compiler for the `.sdd` spec-driven development language.
//!
//! Data flows one way: [`source::Files`] → [`syntax`] (tokens, tree) → [`estate`] (all files in
//! one namespace) → checks → outputs. The library never prints and never exits; the `sdd`
//! binary and the language server decide what a user sees.

pub mod analysis;
pub mod approve;
pub mod check;
pub mod codes;
pub mod diagnostic;
pub mod emit;
pub mod estate;
pub mod fingerprint;
pub mod fmt;
pub mod ide;
pub mod render;
pub mod reuse_graph;
pub mod source;
pub mod syntax;
pub mod write;
