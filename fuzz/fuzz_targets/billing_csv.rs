//! `cargo fuzz run billing_csv`: estate::fuzzing::billing_csv on libFuzzer's inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate::fuzzing::billing_csv(data));
