//! The values of the personal-data section (erasure, accession agreements, export files),
//! beside `model` so the sections' additions do not collide.

use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{OrgId, SubmissionId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whether a stored file mentions the person being erased: the store cannot read
/// workbooks, so the caller says (see `Store::erase_person`).
pub type FileMentions<'a> = &'a (dyn Fn(&[u8]) -> bool + Send + Sync);

/// How many records an erasure changed, by kind. The audit log keeps these counts and
/// nothing about who was erased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErasureCounts {
    /// User accounts renamed to the erased marker and closed.
    pub users: u64,
    /// Parties whose contact person was this person.
    pub org_contacts: u64,
    /// Inventory lines (current and earlier versions) that lost the contact name and e-mail.
    pub inventory_lines: u64,
    /// Submission reports from which the address or name was removed.
    pub submission_reports: u64,
    /// Uploaded files that held the person's details and were erased.
    pub submission_files: u64,
    /// Audit log entries whose actor label or detail named the person.
    pub audit_entries: u64,
    /// Other labels naming the person as the one who uploaded something.
    pub uploader_labels: u64,
}

impl ErasureCounts {
    pub fn total(&self) -> u64 {
        self.users
            + self.org_contacts
            + self.inventory_lines
            + self.submission_reports
            + self.submission_files
            + self.audit_entries
            + self.uploader_labels
    }
}

/// A signed accession agreement to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAgreement {
    pub org_id: OrgId,
    pub file_name: String,
    /// Lower-case hex SHA-256 of `file`.
    pub sha256: String,
    pub signed_on: NaiveDate,
    pub file: Vec<u8>,
}

/// A stored accession agreement without its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgreementMeta {
    pub id: Uuid,
    pub org_id: OrgId,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub signed_on: NaiveDate,
    pub uploaded_by_label: String,
    pub uploaded_at: DateTime<Utc>,
}

/// An uploaded inventory file as stored, for returning a party's data: the bytes as
/// received, or none when they were erased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub submission_id: SubmissionId,
    pub file_name: String,
    pub uploaded_at: DateTime<Utc>,
    pub sha256: String,
    pub accepted: bool,
    pub version: Option<i32>,
    pub erased_at: Option<DateTime<Utc>>,
    /// Empty when `erased_at` is set.
    pub bytes: Vec<u8>,
}
