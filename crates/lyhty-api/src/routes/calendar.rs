//! Deadlines, renewal windows and the calendar feed (NETWORK.md "Deadlines and alerts").
//!
//! - `GET /api/orgs/{id}/deadlines`: a party's own contract ends, notice deadlines and
//!   review dates from its current inventory (that party, and — logged — analysts and the
//!   coordinator);
//! - `GET /api/renewals`: the network's renewal windows, from the published cells of the
//!   latest release only (everyone who reads releases);
//! - `GET /api/me/calendar`, `POST /api/me/calendar/rotate`: the user's secret feed URL;
//! - `GET /api/calendar/{token}.ics`: the feed itself. No sign-in: the token is the secret.
//!   It is looked up by its SHA-256 (what a lookup's timing could tell is about hashes, which
//!   no one can steer towards a valid token's), and every miss — unknown, rotated, a closed
//!   account, a party whose agreement has ended — is the same 404.

use super::LangParams;
use crate::auth::{AuthUser, check_access};
use crate::calendar::{FeedReader, current_lines, feed_events, token_hash};
use crate::client::ClientAddr;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::policy::{Action, authorize, record_read};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_aggregate::{Release, RenewalWindow, renewal_windows};
use lyhty_domain::deadline::{DateWindow, Deadline, deadlines as deadlines_of};
use lyhty_domain::feed::{FeedHeader, render_feed};
use lyhty_domain::{Lang, OrgId, UserId};
use lyhty_store::CalendarFeed;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where feeds are served; logs show this prefix, never the token after it.
pub const FEED_PREFIX: &str = "/api/calendar/";

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DeadlineParams {
    /// First day (inclusive); by default today in Finland.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive); open by default.
    pub to: Option<NaiveDate>,
}

/// A party's deadlines from its current inventory, by date: contract ends, the last day to
/// give notice (the end minus the notice period) and review / true-up dates; upcoming only
/// unless `from` says otherwise. One vendor's product with one date and kind appears once.
#[utoipa::path(get, path = "/api/orgs/{id}/deadlines", tag = "calendar", security(("bearer" = [])),
    params(("id" = OrgId, Path), DeadlineParams),
    responses((status = 200, body = Vec<Deadline>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "`invalid_date_range`: `to` is before `from`", body = ErrorBody)))]
pub async fn deadlines(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org): Path<OrgId>,
    Query(params): Query<DeadlineParams>,
) -> Result<Json<Vec<Deadline>>, ApiError> {
    let grant = authorize(&who, Action::ReadLicenceData(org))?;
    let window = DateWindow { from: Some(params.from.unwrap_or_else(|| state.clock.today())), to: params.to };
    if let (Some(from), Some(to)) = (window.from, window.to)
        && to < from
    {
        return Err(ApiError::invalid("invalid_date_range", "`to` is before `from`"));
    }
    if state.store.get_org(org).await?.is_none() {
        return Err(ApiError::NotFound { what: "organisation" });
    }
    let lines = current_lines(&state, org).await?;
    let list = deadlines_of(&lines, window);
    record_read(&state, &who, grant, "deadlines.read", org, None, serde_json::json!({ "deadlines": list.len() }))
        .await?;
    Ok(Json(list))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Renewals {
    /// The release the windows come from (the latest); absent before the first release.
    pub release_id: Option<Uuid>,
    pub as_of: Option<NaiveDate>,
    pub windows: Vec<RenewalWindow>,
}

/// The network's renewal windows: each vendor's licences renewing per year, from the latest
/// release's published `vendor × renewal_year` cells. A suppressed cell shows its published
/// range or nothing; never a value or a contributor count.
#[utoipa::path(get, path = "/api/renewals", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, body = Renewals), (status = 401, body = ErrorBody)))]
pub async fn renewals(State(state): State<AppState>, who: AuthUser) -> Result<Json<Renewals>, ApiError> {
    authorize(&who, Action::ReadReleases)?;
    let Some(latest) = state.store.list_releases().await?.into_iter().next() else {
        return Ok(Json(Renewals { release_id: None, as_of: None, windows: Vec::new() }));
    };
    let record = state.store.get_release(latest.id).await?.ok_or(ApiError::NotFound { what: "release" })?;
    let windows = state
        .run_blocking(move || serde_json::from_str::<Release>(&record.release_json).map(|r| renewal_windows(&r)))
        .await?
        .map_err(ApiError::internal)?;
    Ok(Json(Renewals { release_id: Some(latest.id), as_of: Some(latest.as_of), windows }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedUrl {
    /// The feed's address: absolute when the request named its host, else from `/api`.
    pub url: String,
    /// The same from `/api`, whatever the host.
    pub path: String,
    /// When this URL was made (rotating makes a new one).
    pub created_at: DateTime<Utc>,
}

/// The address of the user's calendar feed (made on the first call). `lang` sets the
/// language of the events' titles and goes into the URL.
#[utoipa::path(get, path = "/api/me/calendar", tag = "calendar", security(("bearer" = [])),
    params(LangParams),
    responses((status = 200, body = FeedUrl), (status = 401, body = ErrorBody)))]
pub async fn my_feed(
    State(state): State<AppState>,
    who: AuthUser,
    headers: HeaderMap,
    Query(params): Query<LangParams>,
) -> Result<Json<FeedUrl>, ApiError> {
    let existing = state.store.calendar_feed(who.user.id).await?;
    let feed = issue(&state, &who, existing, false).await?;
    Ok(Json(feed_url(&state, &feed, lang_of(&params), &headers)))
}

/// A new feed address; the old one stops working at once.
#[utoipa::path(post, path = "/api/me/calendar/rotate", tag = "calendar", security(("bearer" = [])),
    params(LangParams),
    responses((status = 200, body = FeedUrl), (status = 401, body = ErrorBody)))]
pub async fn rotate(
    State(state): State<AppState>,
    who: AuthUser,
    headers: HeaderMap,
    Query(params): Query<LangParams>,
) -> Result<Json<FeedUrl>, ApiError> {
    let feed = issue(&state, &who, None, true).await?;
    Ok(Json(feed_url(&state, &feed, lang_of(&params), &headers)))
}

/// The user's feed: `existing` as it is when its stored hash still matches the server's key,
/// else a new nonce (first call, rotation) or the same nonce re-hashed (a new server key).
async fn issue(
    state: &AppState,
    who: &AuthUser,
    existing: Option<CalendarFeed>,
    rotated: bool,
) -> Result<CalendarFeed, ApiError> {
    let nonce = existing.as_ref().map(|f| f.nonce.clone()).unwrap_or_else(new_nonce);
    let hash = token_hash(&state.keys.feed_token(who.user.id, &nonce));
    if let Some(feed) = existing.filter(|f| f.token_hash == hash) {
        return Ok(feed);
    }
    let feed = CalendarFeed { user_id: who.user.id, nonce, token_hash: hash, created_at: Utc::now() };
    state.store.put_calendar_feed(&who.actor(), &feed, rotated).await?;
    Ok(feed)
}

/// 256 random bits from the operating system, in hex: what makes a feed's token unguessable
/// even to someone who knows the server's key (the token is an HMAC of it).
fn new_nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn lang_of(params: &LangParams) -> Lang {
    params.lang.as_deref().and_then(Lang::parse).unwrap_or_default()
}

fn feed_url(state: &AppState, feed: &CalendarFeed, lang: Lang, headers: &HeaderMap) -> FeedUrl {
    let token = state.keys.feed_token(feed.user_id, &feed.nonce);
    let path = format!("{FEED_PREFIX}{token}.ics?lang={}", lang.code());
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| !h.is_empty());
    let url = match host {
        // Sign-in cookies are `Secure`, so the platform is served over https, except locally.
        Some(h) if h.starts_with("localhost") || h.starts_with("127.0.0.1") || h.starts_with("[::1]") => {
            format!("http://{h}{path}")
        }
        Some(h) => format!("https://{h}{path}"),
        None => path.clone(),
    };
    FeedUrl { url, path, created_at: feed.created_at }
}

/// The user's calendar (RFC 5545, all-day events): a member's own deadlines and its
/// party's invoice due dates; every party's invoice due dates for the coordinator. No
/// sign-in: the token in the address is the secret. Throttled per client address.
#[utoipa::path(get, path = "/api/calendar/{token}.ics", tag = "calendar",
    params(("token" = String, Path, description = "the secret of the feed's address"), LangParams),
    responses((status = 200, content_type = "text/calendar", body = String),
        (status = 404, description = "unknown or revoked address, or access has ended", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn feed(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(file): Path<String>,
    Query(params): Query<LangParams>,
) -> Result<Response, ApiError> {
    state.calendar_feed.attempt(addr)?;
    let user = feed_owner(&state, &file).await?.ok_or(ApiError::NotFound { what: "calendar" })?;
    // Access ends with the account or the party's agreement; the feed says no more than 404.
    let org = check_access(&state, &user).await.map_err(|_| ApiError::NotFound { what: "calendar" })?;
    let lang = lang_of(&params);
    let name = match &org {
        Some(org) => format!("Lyhty – {}", org.name),
        None => format!("Lyhty – {}", user.role.label(lang)),
    };
    let reader = FeedReader { user, lang, today: state.clock.today() };
    let events = feed_events(&state, &reader).await?;
    let text = render_feed(&FeedHeader { name: &name, stamp: Utc::now() }, &events);
    let mut response = (StatusCode::OK, text).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    Ok(response)
}

/// The open account a feed file name (`{token}.ics`) belongs to, if any.
async fn feed_owner(state: &AppState, file: &str) -> Result<Option<lyhty_store::User>, ApiError> {
    let Some(token) = file.strip_suffix(".ics") else { return Ok(None) };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let owner: Option<UserId> = state.store.calendar_feed_user(&token_hash(&token.to_ascii_lowercase())).await?;
    match owner {
        Some(user) => Ok(state.store.get_user(user).await?),
        None => Ok(None),
    }
}
