//! Text files: encoding detection (UTF-8, UTF-16, Windows-1252), delimiter detection, the
//! csv reader, header search and validation of every field.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::parse(data, "inventory.csv"));
