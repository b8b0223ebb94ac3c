//! Anonymised releases of the network's licence position.
//!
//! From the current inventories (plain rows in) to a release: per-organisation sums, linked
//! tables with all their margins, primary and secondary suppression over the whole linked
//! system, and two independent audits that gate publication (see `DISCLOSURE.md` in the
//! spec). polars is used here and only here; callers get serde types, never a `DataFrame`.
//!
//! This crate is filled by the releases work (issue 4); until then it holds nothing.
#![forbid(unsafe_code)]
