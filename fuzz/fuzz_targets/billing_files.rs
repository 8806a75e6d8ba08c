//! `cargo fuzz run billing_files`: estate::fuzzing::billing_files on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::billing_files(data));
