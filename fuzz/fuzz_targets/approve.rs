//! Fuzz target `approve`: the property is documented on [`sdd_fuzz::approve_case::approve_bytes`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sdd_fuzz::approve_case::approve_bytes(data));
