//! The integration tests of lyhty-aggregate, in one test binary (as ripgrep does): each
//! binary links polars and HiGHS, so one link instead of four. Each module was a test file
//! of its own; a test is named `module::test`, e.g.
//! `cargo nextest run --workspace -E 'binary_id(lyhty-aggregate::it) and test(properties::)'`.
//!
//! The shared builders stay in `tests/common/` so that a new file under `tests/` can still
//! say `mod common;` until it joins this binary.

#[path = "../common/mod.rs"]
mod common;

mod history;
mod properties;
mod ranges;
mod release;
