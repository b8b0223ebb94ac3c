//! A licence line of an inventory and its enumerations (INGEST.md).
