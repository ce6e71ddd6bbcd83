//! Fuzz target `check`: the property is documented on [`sdd_fuzz::targets::check_bytes`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sdd_fuzz::targets::check_bytes(data));
