//! The integration tests of lyhty-api, in one test binary (as ripgrep does): every binary
//! links polars, HiGHS and the whole server, so one link instead of nine. Each module was
//! a test file of its own; a test is named `module::test`, e.g.
//! `cargo nextest run --workspace -E 'binary_id(lyhty-api::it) and test(authz_matrix::)'`.
//!
//! The shared helpers stay in `tests/common/` so that a new file under `tests/` can still
//! say `mod common;` until it joins this binary.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod authz_matrix;
mod calendar;
mod contract;
mod e2e;
mod finance;
mod governance;
mod harden_auth;
mod negotiations;
mod party_reports;
mod privacy;
mod releases;
mod remind;
mod requests;
mod spend;
mod submissions;
