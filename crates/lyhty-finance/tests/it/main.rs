//! The integration tests of lyhty-finance, in one test binary (as ripgrep does): one link
//! instead of seven. Each module was a test file of its own; a test is named
//! `module::test`, e.g. `cargo nextest run --workspace -E 'binary_id(lyhty-finance::it) and test(ubl::)'`.
//!
//! The shared builders stay in `tests/common/` so that a new file under `tests/` can still
//! say `mod common;` until it joins this binary.

#[path = "../common/mod.rs"]
mod common;
mod schematron;

mod camt;
mod money_bounds;
mod pdf;
mod peppol;
mod scenario;
mod spend;
mod tally;
mod ubl;
