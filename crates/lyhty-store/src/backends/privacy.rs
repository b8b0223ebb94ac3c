//! Personal data and retention (§8.3.3, §14, GDPR): erasing a person's contact details
//! everywhere in one transaction, signed accession agreements kept as files, and a party's
//! uploaded files as received for returning its data.
//!
//! Erasure finds candidate rows with a case-insensitive `LIKE` on the row's text (JSON
//! included, through `CAST(… AS TEXT)`, which both databases read the same way) and then
//! decides in Rust, on the typed value, what to clear: the `LIKE` only narrows the search.
//! What stays on purpose: invoices, payments, the ledger and releases, whose `created_by`
//! labels are accounting records kept under the Accounting Act and which the tables refuse
//! to change; and the signed agreement files themselves, which §8.3.3 keeps for 10 years.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{
    Actor, AgreementMeta, AuditEvent, ErasureCounts, FileMentions, NewAgreement, Result, StoreError, StoredFile,
};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::privacy::ERASED;
use lyhty_domain::{OrgId, SubmissionId};
use serde_json::{Value, json};
use sqlx::types::Json;
use std::collections::HashSet;
use tracing::instrument;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct AgreementRow {
    id: Uuid,
    org_id: Uuid,
    file_name: String,
    sha256: String,
    size_bytes: i64,
    signed_on: NaiveDate,
    uploaded_by_label: String,
    uploaded_at: DateTime<Utc>,
}

impl From<AgreementRow> for AgreementMeta {
    fn from(r: AgreementRow) -> Self {
        AgreementMeta {
            id: r.id,
            org_id: OrgId(r.org_id),
            file_name: r.file_name,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            signed_on: r.signed_on,
            uploaded_by_label: r.uploaded_by_label,
            uploaded_at: r.uploaded_at,
        }
    }
}

const AGREEMENT_COLUMNS: &str = "id, org_id, file_name, sha256, size_bytes, signed_on, uploaded_by_label, uploaded_at";

#[derive(sqlx::FromRow)]
struct StoredFileRow {
    id: Uuid,
    file_name: String,
    uploaded_at: DateTime<Utc>,
    sha256: String,
    status: String,
    version: Option<i32>,
    file_erased_at: Option<DateTime<Utc>>,
    file: Vec<u8>,
}

impl TryFrom<StoredFileRow> for StoredFile {
    type Error = StoreError;
    fn try_from(r: StoredFileRow) -> Result<Self> {
        let accepted = match r.status.as_str() {
            "accepted" => true,
            "rejected" => false,
            other => return Err(corrupt("submission status", other)),
        };
        Ok(StoredFile {
            submission_id: SubmissionId(r.id),
            file_name: r.file_name,
            uploaded_at: r.uploaded_at,
            sha256: r.sha256,
            accepted,
            version: r.version,
            erased_at: r.file_erased_at,
            bytes: r.file,
        })
    }
}

/// Who is being erased: the address (lower-case), the names found with it, and the
/// parties it was found at (a name alone is matched only there: a namesake elsewhere is
/// someone else).
struct Person {
    email: String,
    names: Vec<String>,
    orgs: HashSet<Uuid>,
}

impl Person {
    fn is_email(&self, value: Option<&str>) -> bool {
        value.is_some_and(|v| v.trim().to_lowercase() == self.email)
    }

    fn is_name(&self, value: Option<&str>) -> bool {
        value.is_some_and(|v| self.names.contains(&v.trim().to_lowercase()))
    }

    /// Adds a name found with the address; blanks and the erased marker are no names.
    fn add_name(&mut self, name: Option<&str>) {
        let Some(name) = name.map(|n| n.trim().to_lowercase()) else { return };
        if name.chars().count() >= 2 && name != ERASED && !self.names.contains(&name) {
            self.names.push(name);
        }
    }

    /// `LIKE` patterns that find every row that may mention the person.
    fn patterns(&self) -> Vec<String> {
        std::iter::once(&self.email).chain(&self.names).map(|n| format!("%{n}%")).collect()
    }

    /// Clears a line of party `org` when its contact is the person: by address, or by name
    /// on a line without an address at a party the person was found at (a line naming the
    /// person beside someone else's address is that other person's contact, and stays).
    fn erase_line(&self, line: &mut LicenceLine, org: &Uuid) -> bool {
        let by_email = self.is_email(line.contact_email.as_deref());
        let by_name =
            line.contact_email.is_none() && self.orgs.contains(org) && self.is_name(line.contact_name.as_deref());
        if by_email || by_name {
            line.contact_email = None;
            line.contact_name = None;
        }
        by_email || by_name
    }

    /// Replaces every string of `value` that holds the address, or is one of the names,
    /// with the erased marker.
    fn redact(&self, value: &mut Value) -> bool {
        match value {
            Value::String(s) => {
                let lower = s.to_lowercase();
                let hit = lower.contains(&self.email) || self.names.contains(&lower.trim().to_string());
                if hit {
                    *s = ERASED.to_string();
                }
                hit
            }
            Value::Array(items) => items.iter_mut().fold(false, |hit, v| self.redact(v) | hit),
            Value::Object(map) => map.values_mut().fold(false, |hit, v| self.redact(v) | hit),
            _ => false,
        }
    }
}

macro_rules! privacy_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Inventory lines of every version that may name the person, cleared where
            /// they do; the address pass runs first and collects the names it finds.
            async fn erase_lines(
                tx: &mut sqlx::Transaction<'_, $db>,
                person: &mut Person,
                touched: &mut HashSet<Uuid>,
            ) -> Result<u64> {
                let mut erased = 0;
                let mut pass = 0;
                while pass < person.patterns().len() {
                    let pattern = person.patterns()[pass].clone();
                    pass += 1;
                    let rows: Vec<(Uuid, i32, Json<LicenceLine>, Uuid)> = sqlx::query_as(
                        "SELECT l.submission_id, l.line_no, l.line, s.org_id FROM submission_lines l \
                         JOIN submissions s ON s.id = l.submission_id WHERE lower(CAST(l.line AS TEXT)) LIKE $1",
                    )
                    .bind(&pattern)
                    .fetch_all(&mut **tx)
                    .await?;
                    for (submission, line_no, Json(mut line), org) in rows {
                        if person.is_email(line.contact_email.as_deref()) {
                            person.add_name(line.contact_name.as_deref());
                            person.orgs.insert(org);
                        }
                        if !person.erase_line(&mut line, &org) {
                            continue;
                        }
                        sqlx::query("UPDATE submission_lines SET line = $1 WHERE submission_id = $2 AND line_no = $3")
                            .bind(Json(&line))
                            .bind(submission)
                            .bind(line_no)
                            .execute(&mut **tx)
                            .await?;
                        touched.insert(submission);
                        erased += 1;
                    }
                }
                Ok(erased)
            }

            /// Accounts with the address: renamed to the marker, given an address no one
            /// can sign in with, and closed. Their names are collected first.
            async fn erase_users(tx: &mut sqlx::Transaction<'_, $db>, person: &mut Person) -> Result<u64> {
                let users: Vec<(Uuid, String, Option<Uuid>)> =
                    sqlx::query_as("SELECT id, name, org_id FROM users WHERE lower(email) = $1")
                        .bind(&person.email)
                        .fetch_all(&mut **tx)
                        .await?;
                for (id, name, org) in &users {
                    person.add_name(Some(name));
                    person.orgs.extend(*org);
                    sqlx::query(
                        "UPDATE users SET email = $1, name = $2, password_hash = '!erased', \
                         deleted_at = COALESCE(deleted_at, $3) WHERE id = $4",
                    )
                    .bind(format!("erased-{id}@erased.invalid"))
                    .bind(ERASED)
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                }
                sqlx::query("DELETE FROM login_failures WHERE lower(email) = $1")
                    .bind(&person.email)
                    .execute(&mut **tx)
                    .await?;
                Ok(users.len() as u64)
            }

            async fn erase_org_contacts(tx: &mut sqlx::Transaction<'_, $db>, person: &mut Person) -> Result<u64> {
                let orgs: Vec<(Uuid, Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT id, contact_name, contact_email FROM orgs \
                     WHERE contact_name IS NOT NULL OR contact_email IS NOT NULL",
                )
                .fetch_all(&mut **tx)
                .await?;
                let mut erased = 0;
                for (id, name, email) in orgs {
                    let by_name = email.is_none() && person.orgs.contains(&id) && person.is_name(name.as_deref());
                    if !(person.is_email(email.as_deref()) || by_name) {
                        continue;
                    }
                    person.orgs.insert(id);
                    sqlx::query(
                        "UPDATE orgs SET contact_name = NULL, contact_email = NULL, contact_phone = NULL, \
                         updated_at = $1 WHERE id = $2",
                    )
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                    erased += 1;
                }
                Ok(erased)
            }

            async fn redact_reports(
                tx: &mut sqlx::Transaction<'_, $db>,
                person: &Person,
                touched: &mut HashSet<Uuid>,
            ) -> Result<u64> {
                let mut redacted = HashSet::new();
                for pattern in person.patterns() {
                    let rows: Vec<(Uuid, Json<Value>)> =
                        sqlx::query_as("SELECT id, report FROM submissions WHERE lower(CAST(report AS TEXT)) LIKE $1")
                            .bind(&pattern)
                            .fetch_all(&mut **tx)
                            .await?;
                    for (id, Json(mut report)) in rows {
                        if person.redact(&mut report) {
                            sqlx::query("UPDATE submissions SET report = $1 WHERE id = $2")
                                .bind(Json(&report))
                                .bind(id)
                                .execute(&mut **tx)
                                .await?;
                            redacted.insert(id);
                            touched.insert(id);
                        }
                    }
                }
                Ok(redacted.len() as u64)
            }

            /// Files whose lines or report named the person, or that `mentions` finds the
            /// address in, lose their bytes.
            async fn erase_files(
                tx: &mut sqlx::Transaction<'_, $db>,
                touched: &HashSet<Uuid>,
                mentions: FileMentions<'_>,
            ) -> Result<u64> {
                let ids: Vec<(Uuid,)> = sqlx::query_as("SELECT id FROM submissions WHERE file_erased_at IS NULL")
                    .fetch_all(&mut **tx)
                    .await?;
                let mut erased = 0;
                for (id,) in ids {
                    if !touched.contains(&id) {
                        let (file,): (Vec<u8>,) = sqlx::query_as("SELECT file FROM submissions WHERE id = $1")
                            .bind(id)
                            .fetch_one(&mut **tx)
                            .await?;
                        if !mentions(file.as_slice()) {
                            continue;
                        }
                    }
                    sqlx::query("UPDATE submissions SET file = $1, file_erased_at = $2 WHERE id = $3")
                        .bind(Vec::<u8>::new())
                        .bind(Utc::now())
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    erased += 1;
                }
                Ok(erased)
            }

            async fn redact_audit(tx: &mut sqlx::Transaction<'_, $db>, person: &Person) -> Result<u64> {
                let mut redacted = HashSet::new();
                for pattern in person.patterns() {
                    let rows: Vec<(i64, String, Option<String>, Option<Json<Value>>)> = sqlx::query_as(
                        "SELECT seq, actor_label, subject, detail FROM audit_log WHERE lower(actor_label) LIKE $1 \
                         OR lower(subject) LIKE $1 OR lower(CAST(detail AS TEXT)) LIKE $1",
                    )
                    .bind(&pattern)
                    .fetch_all(&mut **tx)
                    .await?;
                    for (seq, label, subject, detail) in rows {
                        let mut label = Value::String(label);
                        let mut subject = subject.map(Value::String).unwrap_or(Value::Null);
                        let mut detail = detail.map(|d| d.0).unwrap_or(Value::Null);
                        let hit = person.redact(&mut label) | person.redact(&mut subject) | person.redact(&mut detail);
                        if !hit {
                            continue;
                        }
                        sqlx::query("UPDATE audit_log SET actor_label = $1, subject = $2, detail = $3 WHERE seq = $4")
                            .bind(label.as_str().unwrap_or(ERASED))
                            .bind(subject.as_str())
                            .bind((!detail.is_null()).then_some(Json(&detail)))
                            .bind(seq)
                            .execute(&mut **tx)
                            .await?;
                        redacted.insert(seq);
                    }
                }
                Ok(redacted.len() as u64)
            }

            #[instrument(skip_all)]
            pub(super) async fn erase_person(
                &self,
                actor: &Actor,
                email: &str,
                file_mentions: FileMentions<'_>,
            ) -> Result<ErasureCounts> {
                retrying(move || async move {
                    let mut person =
                        Person { email: email.trim().to_lowercase(), names: Vec::new(), orgs: HashSet::new() };
                    let mut tx = self.begin_write().await?;
                    let mut touched = HashSet::new();
                    let mut counts = ErasureCounts { users: Self::erase_users(&mut tx, &mut person).await?, ..Default::default() };
                    // Contacts first: the parties the address is found at bound the name matches.
                    counts.org_contacts = Self::erase_org_contacts(&mut tx, &mut person).await?;
                    counts.inventory_lines = Self::erase_lines(&mut tx, &mut person, &mut touched).await?;
                    counts.submission_reports = Self::redact_reports(&mut tx, &person, &mut touched).await?;
                    counts.submission_files = Self::erase_files(&mut tx, &touched, file_mentions).await?;
                    for table in ["submissions", "accession_agreements"] {
                        let done = sqlx::query(&format!(
                            "UPDATE {table} SET uploaded_by_label = $1 WHERE lower(uploaded_by_label) = $2"
                        ))
                        .bind(ERASED)
                        .bind(&person.email)
                        .execute(&mut *tx)
                        .await?;
                        counts.uploader_labels += done.rows_affected();
                    }
                    counts.audit_entries = Self::redact_audit(&mut tx, &person).await?;
                    // That an erasure happened and how much it changed; never whom.
                    let event = AuditEvent {
                        action: "person.erase".into(),
                        org_id: None,
                        subject: None,
                        detail: json!({ "records": counts.total(), "counts": counts }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(counts)
                })
                .await
            }

            #[instrument(skip_all, fields(org = %agreement.org_id))]
            pub(super) async fn add_agreement(&self, actor: &Actor, agreement: &NewAgreement) -> Result<AgreementMeta> {
                retrying(move || async move {
                    let id = Uuid::now_v7();
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "INSERT INTO accession_agreements (id, org_id, file_name, sha256, size_bytes, signed_on, \
                         uploaded_by, uploaded_by_label, uploaded_at, file) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(id)
                    .bind(agreement.org_id.0)
                    .bind(&agreement.file_name)
                    .bind(&agreement.sha256)
                    .bind(agreement.file.len() as i64)
                    .bind(agreement.signed_on)
                    .bind(actor.user_id.map(|u| u.0))
                    .bind(&actor.label)
                    .bind(Utc::now())
                    .bind(&agreement.file)
                    .execute(&mut *tx)
                    .await
                    .on_foreign_key("unknown_org", || "no such organisation".into())
                    .map_err(|e| match e {
                        StoreError::Invalid { code: "unknown_org", .. } => StoreError::NotFound,
                        other => other,
                    })?;
                    let event = AuditEvent {
                        action: "agreement.add".into(),
                        org_id: Some(agreement.org_id),
                        subject: Some(id.to_string()),
                        detail: json!({ "file_name": agreement.file_name, "signed_on": agreement.signed_on,
                                        "size_bytes": agreement.file.len() }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    let row: AgreementRow =
                        sqlx::query_as(&format!("SELECT {AGREEMENT_COLUMNS} FROM accession_agreements WHERE id = $1"))
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                    tx.commit().await?;
                    Ok(row.into())
                })
                .await
            }

            pub(super) async fn list_agreements(&self, org: OrgId) -> Result<Vec<AgreementMeta>> {
                let rows: Vec<AgreementRow> = sqlx::query_as(&format!(
                    "SELECT {AGREEMENT_COLUMNS} FROM accession_agreements WHERE org_id = $1 ORDER BY signed_on, uploaded_at"
                ))
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(AgreementMeta::from).collect())
            }

            pub(super) async fn agreement_file(&self, org: OrgId, id: Uuid) -> Result<Option<(AgreementMeta, Vec<u8>)>> {
                let row: Option<AgreementRow> = sqlx::query_as(&format!(
                    "SELECT {AGREEMENT_COLUMNS} FROM accession_agreements WHERE org_id = $1 AND id = $2"
                ))
                .bind(org.0)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let (file,): (Vec<u8>,) = sqlx::query_as("SELECT file FROM accession_agreements WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Some((row.into(), file)))
            }

            pub(super) async fn submission_files(&self, org: OrgId) -> Result<Vec<StoredFile>> {
                let rows: Vec<StoredFileRow> = sqlx::query_as(
                    "SELECT id, file_name, uploaded_at, sha256, status, version, file_erased_at, file \
                     FROM submissions WHERE org_id = $1 ORDER BY uploaded_at, id",
                )
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(StoredFile::try_from).collect()
            }
        }
    };
}

privacy_impl!(SqliteStore, sqlx::Sqlite);
privacy_impl!(PgStore, sqlx::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Person {
        Person { email: "liisa.k@example.fi".into(), names: vec!["liisa koskinen".into()], orgs: HashSet::new() }
    }

    #[test]
    fn strings_holding_the_address_or_equal_to_a_name_are_redacted() {
        let mut report = json!({ "errors": [{ "value": "Liisa.K@example.fi", "row": 3 },
                                            { "value": " Liisa Koskinen ", "row": 4 },
                                            { "value": "Liisa Koskinen-Virtanen", "row": 5 }] });
        assert!(person().redact(&mut report));
        assert_eq!(report["errors"][0]["value"], ERASED);
        assert_eq!(report["errors"][1]["value"], ERASED);
        // Another person whose name merely contains the name stays.
        assert_eq!(report["errors"][2]["value"], "Liisa Koskinen-Virtanen");
        assert_eq!(report["errors"][0]["row"], 3);
        assert!(!person().redact(&mut json!({ "value": "someone@example.fi" })));
    }

    #[test]
    fn names_need_two_letters_and_are_not_the_marker() {
        let mut p = Person { email: "a@b.fi".into(), names: vec![], orgs: HashSet::new() };
        p.add_name(Some(" "));
        p.add_name(Some("X"));
        p.add_name(Some(ERASED));
        p.add_name(Some("Matti"));
        p.add_name(Some("matti "));
        assert_eq!(p.names, ["matti"]);
        assert_eq!(p.patterns(), ["%a@b.fi%", "%matti%"]);
    }
}
