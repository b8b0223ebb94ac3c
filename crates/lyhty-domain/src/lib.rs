//! Shared types of the Lyhty platform.
//!
//! Everything the other crates agree on lives here: identifiers ([`OrgId`], [`UserId`], …),
//! money as integer cents ([`Cents`]), calendar quarters ([`Quarter`]), the party model
//! ([`Org`], [`OrgCategory`], [`OrgStatus`]), user roles ([`Role`]), the interface languages
//! ([`Lang`]) and values whose check digits must hold before they enter the system
//! ([`BusinessId`]; IBANs and creditor references in their own modules).
//!
//! The crate does no I/O and knows nothing of HTTP or SQL, so every rule here is tested
//! with plain unit and property tests.
#![forbid(unsafe_code)]

pub mod business_id;
pub mod calendar;
pub mod data_request;
pub mod deadline;
pub mod email;
pub mod feed;
pub mod governance;
pub mod ids;
pub mod lang;
pub mod money;
pub mod negotiation;
pub mod org;
// Personal data, retention and the confidentiality marking (§8.3.3, §14).
pub mod privacy;
pub mod quarter;
pub mod role;
pub mod spend;
pub mod text;
pub mod vocabulary;

pub use business_id::{BusinessId, BusinessIdError};
pub use calendar::{finnish_date, today_in_finland};
pub use iban::{Iban, IbanError};
pub use ids::{InvoiceId, OrgId, PaymentId, RunId, SubmissionId, UserId};
// The spend ledger's entries.
pub use ids::ExpenseId;
// Steering-group meetings and decisions.
pub use governance::{DecisionKind, NoticeGround, Vote};
pub use ids::{DecisionId, MeetingId};
// Data requests and their tracker.
pub use ids::DataRequestId;
pub use lang::Lang;
pub use money::Cents;
pub use org::{Org, OrgCategory, OrgStatus, Termination, TerminationKind};
pub use quarter::Quarter;
pub use reference::{Reference, ReferenceError, RfReference};
pub use role::Role;
pub use vocabulary::{Labelled, Term};

// Filled by the ingestion work: the licence line and its enumerations.
pub mod licence;
// Filled by the invoicing work: IBANs and creditor references with their check digits.
pub mod iban;
pub mod reference;
