//! The values the store takes and returns, beyond the domain's own types.

use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{BusinessId, Cents, Org, OrgCategory, OrgId, Role, UserId};
use serde::{Deserialize, Serialize};

/// Who is doing something, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the system itself (the CLI, demo loading).
    pub user_id: Option<UserId>,
    /// A human-readable name kept with the entry: the user's e-mail, or `cli`, `demo`.
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Self { user_id: None, label: label.to_string() }
    }

    pub fn user(user: &User) -> Self {
        Self { user_id: Some(user.id), label: user.email.clone() }
    }
}

/// A party to create. Everything here has already been parsed and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrg {
    pub name: String,
    pub business_id: BusinessId,
    pub category: OrgCategory,
    pub annual_budget_cents: Option<Cents>,
    pub budget_year: Option<i32>,
    pub budget_source: Option<String>,
    pub joined_on: NaiveDate,
    pub accession_number: Option<String>,
    pub represented_by: Option<OrgId>,
    pub einvoice_address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub cost_share_cents: Option<Cents>,
}

/// A change to a party: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgPatch {
    pub name: Option<String>,
    pub business_id: Option<BusinessId>,
    pub category: Option<OrgCategory>,
    pub annual_budget_cents: Option<Option<Cents>>,
    pub budget_year: Option<Option<i32>>,
    pub budget_source: Option<Option<String>>,
    pub joined_on: Option<NaiveDate>,
    pub accession_number: Option<Option<String>>,
    pub represented_by: Option<Option<OrgId>>,
    pub einvoice_address: Option<Option<String>>,
    pub contact_name: Option<Option<String>>,
    pub contact_email: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub cost_share_cents: Option<Option<Cents>>,
}

impl OrgPatch {
    /// Applies the patch to a copy of `org`.
    pub fn apply(&self, org: &Org) -> Org {
        fn set<T: Clone>(target: &mut T, value: &Option<T>) {
            if let Some(v) = value {
                *target = v.clone();
            }
        }
        let mut o = org.clone();
        set(&mut o.name, &self.name);
        set(&mut o.business_id, &self.business_id);
        set(&mut o.category, &self.category);
        set(&mut o.annual_budget_cents, &self.annual_budget_cents);
        set(&mut o.budget_year, &self.budget_year);
        set(&mut o.budget_source, &self.budget_source);
        set(&mut o.joined_on, &self.joined_on);
        set(&mut o.accession_number, &self.accession_number);
        set(&mut o.represented_by, &self.represented_by);
        set(&mut o.einvoice_address, &self.einvoice_address);
        set(&mut o.contact_name, &self.contact_name);
        set(&mut o.contact_email, &self.contact_email);
        set(&mut o.contact_phone, &self.contact_phone);
        set(&mut o.cost_share_cents, &self.cost_share_cents);
        o
    }

    /// The names of the fields the patch touches, for the audit log.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        macro_rules! touched {
            ($($field:ident),*) => { $( if self.$field.is_some() { f.push(stringify!($field)); } )* };
        }
        touched!(
            name,
            business_id,
            category,
            annual_budget_cents,
            budget_year,
            budget_source,
            joined_on,
            accession_number,
            represented_by,
            einvoice_address,
            contact_name,
            contact_email,
            contact_phone,
            cost_share_cents
        );
        f
    }
}

/// A person who signs in. Members belong to exactly one organisation; nobody else does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub created_at: DateTime<Utc>,
}

/// A user to create; `password_hash` is an argon2id PHC string made by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub password_hash: String,
}

/// Something worth recording that is not itself a store write.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    /// Stable dotted name, e.g. `inventory.read`.
    pub action: String,
    pub org_id: Option<OrgId>,
    /// What was touched, e.g. a submission id.
    pub subject: Option<String>,
    pub detail: serde_json::Value,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_label: String,
    pub action: String,
    pub org_id: Option<OrgId>,
    pub subject: Option<String>,
    pub detail: serde_json::Value,
}

/// Which audit entries to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub org_id: Option<OrgId>,
    pub actor_id: Option<UserId>,
    pub action: Option<String>,
    /// Entries with `seq` below this (paging backwards).
    pub before_seq: Option<i64>,
    pub limit: u32,
}
