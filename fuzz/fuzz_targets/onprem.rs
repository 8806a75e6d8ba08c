//! `cargo fuzz run onprem`: estate::fuzzing::onprem on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::onprem(data));
