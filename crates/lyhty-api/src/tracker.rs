//! The data-request tracker: each party's status on a request, from the store's facts
//! (NETWORK.md "Data requests"). The rules are `lyhty_domain::data_request`'s; this module
//! gathers what they need: the parties with access on the day, and when each party's first
//! accepted inventory since the request opened (Helsinki midnight) was uploaded.

use crate::clock::{helsinki_date, helsinki_start};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::data_request::{DataRequest, PartyStatus};
use lyhty_domain::{Org, OrgId};
use lyhty_store::{Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;

/// One party's standing on one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub org_id: OrgId,
    pub org_name: String,
    pub status: PartyStatus,
    /// When its first accepted inventory since the request opened was uploaded.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether that came after the due date (Helsinki days); the status is `submitted`
    /// all the same, and this keeps the lateness visible to the coordinator.
    pub submitted_late: bool,
}

/// When each party first submitted an accepted inventory since `request` opened.
pub async fn first_submissions(
    store: &dyn Store,
    request: &DataRequest,
) -> Result<HashMap<OrgId, DateTime<Utc>>, StoreError> {
    Ok(store.first_accepted_since(helsinki_start(request.opens_on)).await?.into_iter().collect())
}

/// The standing of `org` given its first submission since the request opened.
pub fn standing(request: &DataRequest, org: &Org, first: Option<DateTime<Utc>>, today: NaiveDate) -> Standing {
    let submitted_on = first.map(helsinki_date);
    Standing {
        org_id: org.id,
        org_name: org.name.clone(),
        status: request.status(submitted_on, today),
        submitted_at: first,
        submitted_late: submitted_on.is_some_and(|d| request.is_late_submission(d)),
    }
}

/// Every party with access on `today`, by name, with its standing.
pub async fn standings(
    store: &dyn Store,
    request: &DataRequest,
    today: NaiveDate,
) -> Result<Vec<Standing>, StoreError> {
    let firsts = first_submissions(store, request).await?;
    let orgs = store.list_orgs().await?;
    Ok(orgs
        .iter()
        .filter(|o| o.has_access_on(today))
        .map(|o| standing(request, o, firsts.get(&o.id).copied(), today))
        .collect())
}

/// Whether `status` still calls for reminders.
pub fn needs_reminder(status: PartyStatus) -> bool {
    status != PartyStatus::Submitted
}
