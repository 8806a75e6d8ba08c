//! `cargo fuzz run inventory`: estate::fuzzing::inventory on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::inventory(data));
