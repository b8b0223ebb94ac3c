//! Negotiations and the savings they bring: the use cases behind `routes::negotiations`
//! (`NETWORK.md`, "Negotiations and savings"; §3, §5; action plan 1.5, 1.9).
//!
//! - Negotiations are shared with every signed-in user; the working group (coordinator,
//!   analysts) writes them. The rules a negotiation keeps are `lyhty_domain::negotiation`'s;
//!   here the request becomes a negotiation (vendor normalised through the vendor catalogue,
//!   parties checked to exist) and a change is judged against the stored status.
//! - A party's realised saving is its own (confidential like its inventory). It may be
//!   recorded for a **concluded** negotiation the party **took part in**: a saving from a
//!   negotiation one was not part of, or before it concluded, would be a mistake.
//! - Everyone sees the year totals of [`lyhty_aggregate::savings_over_time`] under the
//!   releases' parameters (a published year changes only when the change passes them); a member also its own figures; the coordinator and analysts every
//!   party's (logged, like reads of an inventory). Per-negotiation realised totals are not
//!   shown at all: next to the year totals they would let a suppressed figure be derived.
//!   The network's estimate per concluded negotiation is not party data and is shown.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::policy::{Action, authorize};
use crate::state::AppState;
use chrono::{NaiveDate, Utc};
use lyhty_aggregate::{ReleaseParams, SavingEntry, YearSavings, savings_over_time};
use lyhty_domain::negotiation::{Negotiation, NegotiationError, NegotiationStatus, RealisedSaving};
use lyhty_domain::{Cents, OrgId};
use lyhty_ingest::VendorCatalogue;
use lyhty_store::{Actor, AuditEvent, StoreError};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A new negotiation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NegotiationRequest {
    /// As written; stored normalised through the vendor catalogue.
    pub vendor: String,
    pub title: String,
    pub status: NegotiationStatus,
    pub started_on: Option<NaiveDate>,
    pub concluded_on: Option<NaiveDate>,
    #[serde(default)]
    pub org_ids: Vec<OrgId>,
    pub outcome: Option<String>,
    pub lessons: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub estimated_annual_saving_cents: Option<Cents>,
}

/// `null` clears a field; a missing field leaves it as it is.
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A change to a negotiation: only the fields named change (`null` clears one).
#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NegotiationPatch {
    pub vendor: Option<String>,
    pub title: Option<String>,
    pub status: Option<NegotiationStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub started_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub concluded_on: Option<Option<NaiveDate>>,
    pub org_ids: Option<Vec<OrgId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub outcome: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub lessons: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub estimated_annual_saving_cents: Option<Option<Cents>>,
}

/// A party's realised saving of a negotiation in a year.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavingRequest {
    pub org_id: OrgId,
    pub year: i32,
    #[schema(value_type = i64)]
    pub saving_cents: Cents,
}

/// A member's own realised saving.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OwnSaving {
    #[schema(value_type = String, format = Uuid)]
    pub negotiation_id: Uuid,
    pub year: i32,
    pub saving_cents: i64,
}

/// The network's estimated annual saving of a concluded negotiation (not party data).
#[derive(Serialize, utoipa::ToSchema)]
pub struct EstimatedSaving {
    #[schema(value_type = String, format = Uuid)]
    pub negotiation_id: Uuid,
    pub vendor: String,
    pub title: String,
    pub concluded_on: Option<NaiveDate>,
    pub estimated_annual_saving_cents: i64,
}

/// `GET /api/savings`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SavingsView {
    /// Realised savings by year over every negotiation and party: a figure only where
    /// enough parties contribute and none dominates (the releases' rules); otherwise
    /// `suppressed` with `parties` and `saving_cents` null.
    pub years: Vec<YearSavings>,
    /// The network's estimates, by concluded negotiation.
    pub estimates: Vec<EstimatedSaving>,
    /// A member's own figures (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own: Option<Vec<OwnSaving>>,
    /// Every party's figures (coordinator and analysts only; the read is logged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parties: Option<Vec<RealisedSaving>>,
}

/// A domain refusal with the HTTP status of its code.
pub fn refused(e: NegotiationError) -> ApiError {
    let NegotiationError { code, message } = e;
    match code {
        "file_too_large" => ApiError::PayloadTooLarge { code, message },
        "unsupported_file_type" => ApiError::UnsupportedMediaType { code, message },
        _ => ApiError::Invalid { code, message },
    }
}

async fn normalised_vendor(state: &AppState, vendor: &str) -> Result<String, ApiError> {
    let aliases = state.store.list_vendor_aliases().await?;
    let catalogue = VendorCatalogue::seeded().with_aliases(aliases.into_iter().map(|a| (a.alias, a.canonical)));
    Ok(catalogue.normalise(vendor).canonical)
}

/// The parties, each once, in order; every one must exist (`unknown_org`).
async fn checked_parties(state: &AppState, mut org_ids: Vec<OrgId>) -> Result<Vec<OrgId>, ApiError> {
    org_ids.sort();
    org_ids.dedup();
    let known: Vec<OrgId> = state.store.list_orgs().await?.into_iter().map(|o| o.id).collect();
    if let Some(unknown) = org_ids.iter().find(|o| !known.contains(o)) {
        return Err(ApiError::invalid("unknown_org", format!("no party with id {unknown}")));
    }
    Ok(org_ids)
}

/// Trimmed, or `None` when blank: "" clears an optional text.
fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub async fn create(state: &AppState, who: &AuthUser, req: NegotiationRequest) -> Result<Negotiation, ApiError> {
    authorize(who, Action::ManageNegotiations)?;
    let now = Utc::now();
    let negotiation = Negotiation {
        id: Uuid::now_v7(),
        vendor: normalised_vendor(state, req.vendor.trim()).await?,
        title: req.title.trim().to_string(),
        status: req.status,
        started_on: req.started_on,
        concluded_on: req.concluded_on,
        org_ids: checked_parties(state, req.org_ids).await?,
        outcome: trimmed(req.outcome),
        lessons: trimmed(req.lessons),
        estimated_annual_saving_cents: req.estimated_annual_saving_cents,
        created_at: now,
        updated_at: now,
    };
    negotiation.check().map_err(refused)?;
    Ok(state.store.create_negotiation(&who.actor(), &negotiation).await?)
}

pub async fn get(state: &AppState, id: Uuid) -> Result<Negotiation, ApiError> {
    state.store.get_negotiation(id).await?.ok_or(ApiError::NotFound { what: "negotiation" })
}

pub async fn update(
    state: &AppState,
    who: &AuthUser,
    id: Uuid,
    patch: NegotiationPatch,
) -> Result<Negotiation, ApiError> {
    authorize(who, Action::ManageNegotiations)?;
    let current = get(state, id).await?;
    let mut next = current.clone();
    if let Some(vendor) = patch.vendor {
        next.vendor = normalised_vendor(state, vendor.trim()).await?;
    }
    if let Some(title) = patch.title {
        next.title = title.trim().to_string();
    }
    if let Some(org_ids) = patch.org_ids {
        next.org_ids = checked_parties(state, org_ids).await?;
    }
    next.status = patch.status.unwrap_or(current.status);
    next.started_on = patch.started_on.unwrap_or(current.started_on);
    next.concluded_on = patch.concluded_on.unwrap_or(current.concluded_on);
    next.outcome = patch.outcome.map_or_else(|| current.outcome.clone(), trimmed);
    next.lessons = patch.lessons.map_or_else(|| current.lessons.clone(), trimmed);
    next.estimated_annual_saving_cents =
        patch.estimated_annual_saving_cents.unwrap_or(current.estimated_annual_saving_cents);
    next.updated_at = Utc::now();
    if !current.status.may_become(next.status) {
        return Err(ApiError::invalid(
            "invalid_transition",
            format!("a {} negotiation cannot become {}", current.status.key(), next.status.key()),
        ));
    }
    next.check().map_err(refused)?;
    Ok(state.store.update_negotiation(&who.actor(), &next, current.status).await?)
}

pub async fn record_saving(
    state: &AppState,
    who: &AuthUser,
    negotiation: Uuid,
    req: SavingRequest,
) -> Result<RealisedSaving, ApiError> {
    // Who may record for which party is decided before anything about the party is read.
    authorize(who, Action::RecordSaving(req.org_id))?;
    let n = get(state, negotiation).await?;
    let saving =
        RealisedSaving { negotiation_id: n.id, org_id: req.org_id, year: req.year, saving_cents: req.saving_cents };
    saving.check(&n).map_err(refused)?;
    Ok(state.store.put_saving(&who.actor(), &saving).await?)
}

/// How often the savings are read and published again when another request published in
/// between (each try re-reads everything, so a few are plenty).
const PUBLISH_ATTEMPTS: u32 = 5;

/// Every recorded saving, and the years as they may be shown: each year's total is checked
/// against the state published before (the releases' parameters: one definition of
/// "enough parties" and "dominates"; a change that does not pass is held back), and the new
/// states are stored only if nobody published in between; otherwise everything is read again.
async fn publish_savings(
    state: &AppState,
    negotiations: &[Negotiation],
) -> Result<(Vec<RealisedSaving>, Vec<YearSavings>), ApiError> {
    // Only what the negotiation, as it stands now, still supports counts towards the totals:
    // a party later taken off the negotiation (or a negotiation no longer concluded) keeps
    // its recorded figure, visible to itself and the working group, but it no longer adds to
    // the network's saving.
    let negotiations: BTreeMap<Uuid, &Negotiation> = negotiations.iter().map(|n| (n.id, n)).collect();
    let mut attempt = 1;
    loop {
        let all = state.store.list_savings(None).await?;
        let entries: Vec<SavingEntry> = all
            .iter()
            .filter(|s| negotiations.get(&s.negotiation_id).is_some_and(|n| s.check(n).is_ok()))
            .map(|s| SavingEntry { org: s.org_id, year: s.year, saving_cents: s.saving_cents.get() })
            .collect();
        let read = state.store.published_savings().await?;
        let published = read.iter().cloned().collect();
        let outcome = savings_over_time(&entries, &published, &ReleaseParams::default());
        match state.store.put_published_savings(&Actor::system("savings"), &read, &outcome.publish).await {
            Ok(()) => return Ok((all, outcome.years)),
            Err(StoreError::Conflict { code: "concurrent_savings_publication", .. }) if attempt < PUBLISH_ATTEMPTS => {
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The savings as `who` may see them.
pub async fn savings(state: &AppState, who: &AuthUser) -> Result<SavingsView, ApiError> {
    authorize(who, Action::ReadNegotiations)?;
    let negotiations = state.store.list_negotiations().await?;
    let (all, years) = publish_savings(state, &negotiations).await?;
    let estimates = negotiations
        .into_iter()
        .filter(|n| n.status == NegotiationStatus::Concluded)
        .filter_map(|n| {
            let cents = n.estimated_annual_saving_cents?.get();
            Some(EstimatedSaving {
                negotiation_id: n.id,
                vendor: n.vendor,
                title: n.title,
                concluded_on: n.concluded_on,
                estimated_annual_saving_cents: cents,
            })
        })
        .collect();
    let own = who.user.org_id.map(|org| {
        all.iter()
            .filter(|s| s.org_id == org)
            .map(|s| OwnSaving { negotiation_id: s.negotiation_id, year: s.year, saving_cents: s.saving_cents.get() })
            .collect()
    });
    let parties = match authorize(who, Action::ReadPartySavings) {
        Ok(_) => {
            let event = AuditEvent {
                action: "savings.read".into(),
                org_id: None,
                subject: None,
                detail: serde_json::json!({ "figures": all.len() }),
            };
            state.store.record_audit(&who.actor(), &event).await?;
            Some(all)
        }
        Err(_) => None,
    };
    Ok(SavingsView { years, estimates, own, parties })
}

/// The demo's negotiations: one ongoing, one concluded with an estimate and realised
/// savings of three balanced parties, so that its year is published.
pub async fn load_demo(state: &AppState, parties: &[OrgId]) -> anyhow::Result<usize> {
    let [a, b, c, ..] = parties else { return Ok(0) };
    let actor = Actor::system("demo");
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let now = Utc::now();
    let ongoing = Negotiation {
        id: Uuid::now_v7(),
        vendor: normalised_vendor(state, "Adobe").await?,
        title: "Adobe Acrobat -yhteishankinta 2027".into(),
        status: NegotiationStatus::Ongoing,
        started_on: day(2026, 9, 1),
        concluded_on: None,
        org_ids: parties.iter().take(5).copied().collect(),
        outcome: None,
        lessons: None,
        estimated_annual_saving_cents: None,
        created_at: now,
        updated_at: now,
    };
    let concluded = Negotiation {
        id: Uuid::now_v7(),
        vendor: normalised_vendor(state, "Microsoft").await?,
        title: "Microsoft 365 -sopimuskausi 2026–2028".into(),
        status: NegotiationStatus::Concluded,
        started_on: day(2025, 10, 1),
        concluded_on: day(2026, 2, 27),
        org_ids: vec![*a, *b, *c],
        outcome: Some("Yhteinen hinnasto: E3-lisenssit 9 % edullisemmin, kolmen vuoden hintasuoja.".into()),
        lessons: Some(
            "Kulutustiedot kannatti koota ennen ensimmäistä tapaamista.\nYhteinen neuvotteluryhmä ja yksi yhteyshenkilö nopeuttivat työtä."
                .into(),
        ),
        estimated_annual_saving_cents: Some(Cents::euros(240_000)),
        created_at: now,
        updated_at: now,
    };
    for n in [&concluded, &ongoing] {
        n.check()?;
        state.store.create_negotiation(&actor, n).await?;
    }
    for (org, euros) in [(a, 52_000), (b, 47_500), (c, 44_000)] {
        let saving = RealisedSaving {
            negotiation_id: concluded.id,
            org_id: *org,
            year: 2026,
            saving_cents: Cents::euros(euros),
        };
        saving.check(&concluded)?;
        state.store.put_saving(&actor, &saving).await?;
    }
    Ok(2)
}
