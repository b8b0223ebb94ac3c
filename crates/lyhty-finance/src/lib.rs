//! The network's money: cost shares, instalment invoices, payments and spend reports.
//!
//! The budget-tier cost-share model of §9.2 as versioned data, the two-instalment invoicing
//! of §9.4 with Finnish creditor references, virtual bank barcodes, PDF invoices and Peppol
//! BIS Billing 3.0 UBL documents, and the spend ledger with its quarterly reports (see
//! `FINANCE.md` in the spec). No HTTP or SQL: plain types in and out, all money in cents.
#![forbid(unsafe_code)]
