//! Any bytes as an uploaded file: format detection, then whichever reader it picks (xlsx,
//! xlsm, ods, xls, CSV). Seeded with the demo inventories and the bad files.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::parse(data, "upload.xlsx"));
