//! `cargo fuzz run cloud`: estate::fuzzing::cloud on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::cloud(data));
