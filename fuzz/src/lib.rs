//! The properties the fuzz targets assert, one public function per target.
//!
//! The targets in `fuzz_targets/` are one-line wrappers around [`targets`] and [`approve_case`],
//! so every property lives here, in plain Rust that `cargo test` also builds. A property that
//! does not hold panics, which libFuzzer reports as a crash with the input that caused it.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod approve_case;
pub mod fixture;
pub mod spans;
pub mod targets;

/// The date every fuzzed analysis runs as of, so a run never depends on the day.
pub fn options() -> sdd::analysis::Options {
    sdd::analysis::Options {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
        git_history: false,
    }
}
