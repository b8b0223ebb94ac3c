//! The network's money: cost shares, instalment invoices and payments.
//!
//! Start with [`model`]: the budget-tier cost-share model of §9.2 is versioned data
//! ([`CostShareModel`]), seeded from the agreement. From it:
//!
//! - [`shares`] computes each party's share with a human reason, and the cost-share table
//!   with coverage against the budget target; [`seats`] groups the parties into
//!   steering-group seats with vote weights (§8.1) and tallies qualified-majority votes.
//! - [`invoicing`] plans an instalment invoice run (§9.4): who is billed which instalment,
//!   with which due date, and what the coordinator books as its own contribution.
//!   [`numbering`] formats invoice numbers and derives creditor references from them.
//! - [`document`] turns a planned invoice into an issued [`InvoiceDocument`] (or a credit
//!   note), which [`pdf`] renders for people (Finnish, Swedish or English, with the
//!   [`barcode`]) and [`ubl`] as a Peppol BIS Billing 3.0 e-invoice.
//! - [`payments`] computes an invoice's status from its payments and credit notes, and
//!   [`camt`] reads bank files of reference payments (ISO 20022 camt.054) to match by
//!   reference.
//!
//! The spend side (§9, §9.1, §9.3, §13): [`plan`] holds the versioned budget plan per
//! cost category per quarter and the steering group's hourly rate with its history;
//! [`ledger`] books expenses (personnel as hours × rate, paid to the participant's home
//! organisation) and corrects them only with reversing entries; [`spend_report`] computes
//! the quarterly report (plan vs actual, income, funds, burn rate, runway and the term
//! extension) and the annual project statement, which [`report_xlsx`] writes as a workbook
//! with native charts and [`report_pdf`] as a PDF with drawn charts; [`dissolution`]
//! applies the §9 refund rule (20 percentage points, largest-remainder rounding).
//!
//! No HTTP or SQL: plain types in and out, all money integer cents ([`Cents`]). Every
//! error type has a stable `code()` for the API's error body. Check digits (business ID,
//! IBAN, creditor references) live in `lyhty-domain`.
//!
//! # Module order
//!
//! The modules import downward only: each uses only modules listed after it.
//!
//! - `report_pdf`, `report_xlsx`: the spend reports as a PDF and as a workbook;
//! - `report_rows`: the category rows, payee names and chart colours both forms share;
//! - `spend_report`, `dissolution`: the quarterly report, the annual statement, the refund
//!   rule;
//! - `ledger`: expenses and their reversals;
//! - `pdf`, `ubl`: an issued document as a PDF and as Peppol UBL;
//! - `document`: issuing, a planned invoice becomes an invoice (or a credit note);
//! - `invoicing`: planning a run, who is billed which instalment;
//! - `shares`: each party's share and the cost-share table;
//! - `seats`: steering-group seats from the parties' shares, and the tally;
//! - `camt`: bank files of reference payments;
//! - the ground floor, which imports no module of the crate: `model` (the cost-share
//!   model), `plan` (budget plan, hourly rates, expense categories), `payments` (payment
//!   status), `numbering`, `barcode`, `seller` (the parties an invoice names and the
//!   seller's settings), `draw` (PDF fonts, painter and pages) and `format` (Finnish dates
//!   and amounts).
#![forbid(unsafe_code)]

// Reports on spending.
pub mod report_pdf;
pub mod report_xlsx;

mod report_rows;

// Spending.
pub mod dissolution;
pub mod spend_report;

pub mod ledger;

// Invoices.
pub mod pdf;
pub mod ubl;

pub mod document;

pub mod invoicing;

// Cost shares.
pub mod shares;

pub mod seats;

// Payments.
pub mod camt;

// The ground floor: no module of this crate beneath them.
pub mod barcode;
mod draw;
mod format;
pub mod model;
pub mod numbering;
pub mod payments;
pub mod plan;
pub mod seller;

pub use dissolution::{DissolutionPreview, PaidIn, Refund, dissolution_preview};
pub use document::{
    CreditedInvoice, DocumentError, DocumentKind, InvoiceDocument, InvoiceLine, credit_note, issue_invoice,
};
pub use invoicing::{Billed, PlannedInvoice, RunError, RunPlan, SelfContribution, plan_invoice_run};
pub use ledger::{Expense, ExpenseRequest, Hours, LedgerError, prepare_expense, reversal_of};
pub use lyhty_domain::Cents;
pub use model::{CostShareModel, InstalmentWindow, Ratio, Tier, TierSchedule};
pub use numbering::{format_invoice_number, parse_invoice_number, reference_for};
pub use payments::{PaymentStatus, PaymentSummary, payment_status};
pub use plan::{BudgetPlan, ExpenseCategory, HourlyRate, PlanLine, rate_on};
pub use seats::{CountedVote, MajorityBase, Seat, TallyResult, TallyRule, Vote, count_votes, tally};
pub use seller::{InvoiceParty, InvoicingConfig, PeppolId, VatTreatment};
pub use shares::{CostShareTable, PartyShare, Share, ShareError, cost_shares, share_for};
pub use spend_report::{
    AnnualStatement, IncomeInvoice, IncomePayment, QuarterlyReport, ReportInput, annual_statement, quarterly_report,
};
