//! `cargo fuzz run settings`: estate::fuzzing::settings on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::settings(data));
