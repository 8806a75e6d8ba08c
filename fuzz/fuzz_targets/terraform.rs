//! `cargo fuzz run terraform`: estate::fuzzing::terraform on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::terraform(data));
