//! The integration tests of lyhty-ingest, in one test binary (as ripgrep does). Each module
//! was a test file of its own; a test is named `module::test`, e.g.
//! `cargo nextest run --workspace -E 'binary_id(lyhty-ingest::it) and test(samples::)'`.

mod conventions;
mod samples;
