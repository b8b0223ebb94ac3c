//! Parties, users and sign-in throttling.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, NewOrg, NewUser, OrgPatch, Result, StoreError, User};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{
    BusinessId, Cents, DecisionId, Org, OrgCategory, OrgId, OrgStatus, Role, Termination, TerminationKind, UserId,
};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    name: String,
    business_id: String,
    category: String,
    annual_budget_cents: Option<i64>,
    budget_year: Option<i32>,
    budget_source: Option<String>,
    joined_on: NaiveDate,
    accession_number: Option<String>,
    represented_by: Option<Uuid>,
    einvoice_address: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    cost_share_cents: Option<i64>,
    status: String,
    status_effective_on: Option<NaiveDate>,
    pending: bool,
    accession_decision_id: Option<Uuid>,
}

const ORG_COLUMNS: &str = "id, name, business_id, category, annual_budget_cents, budget_year, \
    budget_source, joined_on, accession_number, represented_by, einvoice_address, contact_name, \
    contact_email, contact_phone, cost_share_cents, status, status_effective_on, pending, accession_decision_id";

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Org> {
        Ok(Org {
            id: OrgId(r.id),
            business_id: BusinessId::parse(&r.business_id).map_err(|_| corrupt("business ID", &r.business_id))?,
            category: OrgCategory::parse(&r.category).ok_or_else(|| corrupt("category", &r.category))?,
            // A pending party is a flag beside `status` (migration 0007).
            status: if r.pending {
                OrgStatus::Pending
            } else {
                OrgStatus::parse(&r.status).ok_or_else(|| corrupt("status", &r.status))?
            },
            name: r.name,
            annual_budget_cents: r.annual_budget_cents.map(Cents),
            budget_year: r.budget_year,
            budget_source: r.budget_source,
            joined_on: r.joined_on,
            accession_number: r.accession_number,
            represented_by: r.represented_by.map(OrgId),
            einvoice_address: r.einvoice_address,
            contact_name: r.contact_name,
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
            cost_share_cents: r.cost_share_cents.map(Cents),
            status_effective_on: r.status_effective_on,
            accession_decision_id: r.accession_decision_id.map(DecisionId),
        })
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    org_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    password_hash: String,
}

const USER_COLUMNS: &str = "id, email, name, role, org_id, created_at, password_hash";

impl UserRow {
    fn into_user(self) -> Result<(User, String)> {
        let role = Role::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?;
        let user = User {
            id: UserId(self.id),
            email: self.email,
            name: self.name,
            role,
            org_id: self.org_id.map(OrgId),
            created_at: self.created_at,
        };
        Ok((user, self.password_hash))
    }
}

fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

macro_rules! orgs_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            pub(super) async fn org_in(tx: &mut sqlx::Transaction<'_, $db>, id: OrgId) -> Result<Option<Org>> {
                let row: Option<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&mut **tx)
                        .await?;
                row.map(Org::try_from).transpose()
            }

            /// A representative must exist, must not be the party itself and must not be
            /// represented in turn (representation is one level deep: Valtori, Kuntaliitto).
            /// A party that represents others cannot itself become represented.
            async fn check_representation(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: Option<OrgId>,
                represented_by: Option<OrgId>,
            ) -> Result<()> {
                let Some(rep_id) = represented_by else { return Ok(()) };
                let invalid = |message: &str| StoreError::Invalid {
                    code: "invalid_represented_by",
                    message: message.to_string(),
                };
                if Some(rep_id) == org {
                    return Err(invalid("a party cannot represent itself"));
                }
                let rep = Self::org_in(tx, rep_id)
                    .await?
                    .ok_or_else(|| invalid("the representing party does not exist"))?;
                if rep.represented_by.is_some() {
                    return Err(invalid("the representing party is itself represented by another party"));
                }
                if let Some(org) = org {
                    let (represents,): (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE represented_by = $1")
                            .bind(org.0)
                            .fetch_one(&mut **tx)
                            .await?;
                    if represents > 0 {
                        return Err(invalid("a party that represents others cannot itself be represented"));
                    }
                }
                Ok(())
            }

            #[instrument(skip_all, fields(business_id = %org.business_id))]
            pub(super) async fn create_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org> {
                self.insert_org(actor, org, false).await
            }

            /// Creates a party, `pending` until the steering group decides its accession
            /// (§1.1) or active directly; the audit entry says which.
            pub(super) async fn insert_org(&self, actor: &Actor, org: &NewOrg, pending: bool) -> Result<Org> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    Self::check_representation(&mut tx, None, org.represented_by).await?;
                    let id = OrgId::new();
                    let now = Utc::now();
                    sqlx::query(
                        "INSERT INTO orgs (id, name, business_id, category, annual_budget_cents, budget_year, \
                         budget_source, joined_on, accession_number, represented_by, einvoice_address, \
                         contact_name, contact_email, contact_phone, cost_share_cents, status, created_at, updated_at, pending) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'active', $16, $16, $17)",
                    )
                    .bind(id.0)
                    .bind(&org.name)
                    .bind(org.business_id.as_str())
                    .bind(org.category.key())
                    .bind(org.annual_budget_cents.map(Cents::get))
                    .bind(org.budget_year)
                    .bind(&org.budget_source)
                    .bind(org.joined_on)
                    .bind(&org.accession_number)
                    .bind(org.represented_by.map(|o| o.0))
                    .bind(&org.einvoice_address)
                    .bind(&org.contact_name)
                    .bind(&org.contact_email)
                    .bind(&org.contact_phone)
                    .bind(org.cost_share_cents.map(Cents::get))
                    .bind(now)
                    .bind(pending)
                    .execute(&mut *tx)
                    .await
                    .on_unique("duplicate_business_id", || format!("a party with business ID {} already exists", org.business_id))?;
                    let event = AuditEvent {
                        action: "org.create".into(),
                        org_id: Some(id),
                        subject: Some(id.to_string()),
                        detail: json!({
                            "name": org.name, "business_id": org.business_id, "category": org.category,
                            // §1.1: a pending party waits for the steering group; an active one
                            // was accepted before the platform recorded decisions.
                            "status": if pending { "pending" } else { "active" },
                            "accession": if pending { "awaiting the steering group's decision" } else { "created active directly" },
                        }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    let created = Self::org_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                    tx.commit().await?;
                    Ok(created)
                })
                .await
            }

            pub(super) async fn get_org(&self, id: OrgId) -> Result<Option<Org>> {
                let row: Option<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(Org::try_from).transpose()
            }

            pub(super) async fn find_org_by_business_id(&self, business_id: &BusinessId) -> Result<Option<Org>> {
                let row: Option<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE business_id = $1"))
                        .bind(business_id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(Org::try_from).transpose()
            }

            pub(super) async fn list_orgs(&self) -> Result<Vec<Org>> {
                let rows: Vec<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs ORDER BY name, business_id"))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(Org::try_from).collect()
            }

            #[instrument(skip_all, fields(org = %id))]
            pub(super) async fn update_org(&self, actor: &Actor, id: OrgId, patch: &OrgPatch) -> Result<Org> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let current = Self::org_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                    let next = patch.apply(&current);
                    if patch.represented_by.is_some() {
                        Self::check_representation(&mut tx, Some(id), next.represented_by).await?;
                    }
                    sqlx::query(
                        "UPDATE orgs SET name = $2, business_id = $3, category = $4, annual_budget_cents = $5, \
                         budget_year = $6, budget_source = $7, joined_on = $8, accession_number = $9, \
                         represented_by = $10, einvoice_address = $11, contact_name = $12, contact_email = $13, \
                         contact_phone = $14, cost_share_cents = $15, updated_at = $16 WHERE id = $1",
                    )
                    .bind(id.0)
                    .bind(&next.name)
                    .bind(next.business_id.as_str())
                    .bind(next.category.key())
                    .bind(next.annual_budget_cents.map(Cents::get))
                    .bind(next.budget_year)
                    .bind(&next.budget_source)
                    .bind(next.joined_on)
                    .bind(&next.accession_number)
                    .bind(next.represented_by.map(|o| o.0))
                    .bind(&next.einvoice_address)
                    .bind(&next.contact_name)
                    .bind(&next.contact_email)
                    .bind(&next.contact_phone)
                    .bind(next.cost_share_cents.map(Cents::get))
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await
                    .on_unique("duplicate_business_id", || format!("a party with business ID {} already exists", next.business_id))?;
                    let event = AuditEvent {
                        action: "org.update".into(),
                        org_id: Some(id),
                        subject: Some(id.to_string()),
                        detail: json!({ "fields": patch.fields() }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(next)
                })
                .await
            }

            #[instrument(skip_all, fields(org = %id))]
            pub(super) async fn terminate_org(&self, actor: &Actor, id: OrgId, termination: Termination) -> Result<Org> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let current = Self::org_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                    if current.status == OrgStatus::Pending {
                        return Err(StoreError::Conflict {
                            code: "accession_pending",
                            message: format!("{} has not joined yet: its accession is pending", current.name),
                        });
                    }
                    if current.status != OrgStatus::Active {
                        return Err(StoreError::Conflict {
                            code: "already_terminated",
                            message: format!(
                                "the agreement of {} has already ended ({})",
                                current.name,
                                current.status.key()
                            ),
                        });
                    }
                    let status = match termination.kind {
                        TerminationKind::Notice => OrgStatus::Terminated,
                        TerminationKind::Expelled => OrgStatus::Expelled,
                    };
                    sqlx::query("UPDATE orgs SET status = $2, status_effective_on = $3, updated_at = $4 WHERE id = $1")
                        .bind(id.0)
                        .bind(status.key())
                        .bind(termination.effective_on)
                        .bind(Utc::now())
                        .execute(&mut *tx)
                        .await?;
                    let event = AuditEvent {
                        action: "org.terminate".into(),
                        org_id: Some(id),
                        subject: Some(id.to_string()),
                        detail: json!({
                            "kind": termination.kind, "effective_on": termination.effective_on,
                            "notice_on": termination.notice_on, "ground": termination.ground,
                            "decision_id": termination.decision_id, "breach_notice_on": termination.breach_notice_on,
                        }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(Org { status, status_effective_on: Some(termination.effective_on), ..current })
                })
                .await
            }

            #[instrument(skip_all, fields(role = user.role.key()))]
            pub(super) async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<User> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    if let Some(org) = user.org_id {
                        if Self::org_in(&mut tx, org).await?.is_none() {
                            return Err(StoreError::Invalid {
                                code: "unknown_org",
                                message: "the user's organisation does not exist".into(),
                            });
                        }
                    }
                    let id = UserId::new();
                    let email = normalise_email(&user.email);
                    sqlx::query(
                        "INSERT INTO users (id, email, name, role, org_id, password_hash, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id.0)
                    .bind(&email)
                    .bind(&user.name)
                    .bind(user.role.key())
                    .bind(user.org_id.map(|o| o.0))
                    .bind(&user.password_hash)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await
                    .on_unique("duplicate_email", || format!("a user with e-mail {email} already exists"))?;
                    let event = AuditEvent {
                        action: "user.create".into(),
                        org_id: user.org_id,
                        subject: Some(id.to_string()),
                        detail: json!({ "email": email, "role": user.role }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    let row: UserRow =
                        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                            .bind(id.0)
                            .fetch_one(&mut *tx)
                            .await?;
                    tx.commit().await?;
                    Ok(row.into_user()?.0)
                })
                .await
            }

            pub(super) async fn get_user(&self, id: UserId) -> Result<Option<User>> {
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(UserRow::into_user).transpose()?.map(|(u, _)| u))
            }

            pub(super) async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL"
                ))
                .bind(normalise_email(email))
                .fetch_optional(&self.pool)
                .await?;
                row.map(UserRow::into_user).transpose()
            }

            pub(super) async fn list_users(&self) -> Result<Vec<User>> {
                let rows: Vec<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY email"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_user().map(|(u, _)| u)).collect()
            }

            #[instrument(skip_all, fields(user = %id))]
            pub(super) async fn delete_user(&self, actor: &Actor, id: UserId) -> Result<()> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let closed = sqlx::query("UPDATE users SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL")
                        .bind(id.0)
                        .bind(Utc::now())
                        .execute(&mut *tx)
                        .await?;
                    if closed.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let event = AuditEvent {
                        action: "user.delete".into(),
                        org_id: None,
                        subject: Some(id.to_string()),
                        detail: serde_json::Value::Null,
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            pub(super) async fn count_users(&self) -> Result<u64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE deleted_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n.max(0) as u64)
            }

            pub(super) async fn record_login_failure(&self, email: &str, at: DateTime<Utc>) -> Result<()> {
                let email = &normalise_email(email);
                retrying(move || async move {
                    sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
                        .bind(email)
                        .bind(at)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                })
                .await
            }

            pub(super) async fn count_login_failures(&self, email: &str, since: DateTime<Utc>) -> Result<u64> {
                let (n,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $2")
                        .bind(normalise_email(email))
                        .bind(since)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(n.max(0) as u64)
            }

            pub(super) async fn prune_login_failures(&self, before: DateTime<Utc>, email: Option<&str>) -> Result<()> {
                let email = &email.map(normalise_email);
                retrying(move || async move {
                    sqlx::query("DELETE FROM login_failures WHERE at < $1 OR email = $2")
                        .bind(before)
                        .bind(email)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                })
                .await
            }
        }
    };
}

orgs_impl!(SqliteStore, sqlx::Sqlite);
orgs_impl!(PgStore, sqlx::Postgres);
