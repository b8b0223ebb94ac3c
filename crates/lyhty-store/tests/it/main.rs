//! The store's integration tests, in one test binary (as ripgrep does; one link instead of
//! five): the conformance suite every backend must pass, run against SQLite and, when
//! `LYHTY_TEST_POSTGRES_URL` is set (CI requires it), PostgreSQL. Each module was a test
//! file of its own and keeps its own `conformance!` macro; a test is named `module::test`,
//! e.g. `cargo nextest run --workspace -E 'binary_id(lyhty-store::it) and test(conformance_privacy::)'`.

mod conformance;
mod conformance_governance;
mod conformance_privacy;
mod finnish_cut_off;
mod requests_conformance;
