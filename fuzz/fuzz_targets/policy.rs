//! `cargo fuzz run policy`: estate::fuzzing::policy on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::policy(data));
