//! What a user's calendar feed holds, gathered from every source of events, and the
//! feed's own plumbing: its token, its throttle and Finland's today.
//!
//! Each [`EventSource`] answers for one kind of event and decides itself what concerns the
//! reader (a member's own deadlines, its party's invoices; every invoice for the
//! coordinator), data requests' due dates (everyone: every signed-in user reads the requests)
//! and steering-group meetings (the steering group and the coordinator, who read
//! `/api/meetings`). [`SOURCES`] lists them; a new kind of event is one more function and
//! one more entry there. The feed text is
//! written by [`lyhty_domain::feed::render_feed`].

use crate::error::ApiError;
use crate::state::AppState;
use chrono::{Months, NaiveDate};
use lyhty_domain::deadline::{DateWindow, Deadline, deadlines};
use lyhty_domain::feed::CalendarEvent;
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::{Lang, OrgId, Role};
use lyhty_store::{InvoiceKind, User};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;

/// An organisation's current inventory lines (none before its first accepted upload).
pub async fn current_lines(state: &AppState, org: OrgId) -> Result<Vec<LicenceLine>, ApiError> {
    match state.store.current_submission(org).await? {
        Some(current) => Ok(state.store.submission_lines(current.id).await?),
        None => Ok(Vec::new()),
    }
}

/// SHA-256 in hex, the form a feed token is stored and looked up in.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whose feed is being written, in which language, and on which day.
pub struct FeedReader {
    pub user: User,
    pub lang: Lang,
    pub today: NaiveDate,
}

impl FeedReader {
    /// The member's own party; `None` for the network-wide roles.
    fn own_org(&self) -> Option<OrgId> {
        self.user.org_id.filter(|_| self.user.role == Role::Member)
    }
}

/// The events of one source, or why they could not be read.
pub type SourceEvents<'a> = Pin<Box<dyn Future<Output = Result<Vec<CalendarEvent>, ApiError>> + Send + 'a>>;

/// One kind of event in the feed: the events of that kind that concern the reader.
pub type EventSource = for<'a> fn(&'a AppState, &'a FeedReader) -> SourceEvents<'a>;

/// Every source of the feed, in the order they are read.
pub const SOURCES: &[EventSource] = &[own_deadlines, invoice_due_dates, data_request_due_dates, steering_meetings];

/// Everything in the reader's feed.
pub async fn feed_events(state: &AppState, reader: &FeedReader) -> Result<Vec<CalendarEvent>, ApiError> {
    let mut events = Vec::new();
    for source in SOURCES {
        events.extend(source(state, reader).await?);
    }
    Ok(events)
}

/// A stable UID from what an event is about: the same deadline keeps its UID from one
/// request to the next, so calendar apps update it instead of adding a copy.
pub fn stable_uid(kind: &str, parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let hex: String = hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{kind}-{hex}@lyhty")
}

/// A member's own deadlines, from a year back (a deadline just missed stays visible).
fn own_deadlines<'a>(state: &'a AppState, reader: &'a FeedReader) -> SourceEvents<'a> {
    Box::pin(async move {
        let Some(org) = reader.own_org() else { return Ok(Vec::new()) };
        let lines = current_lines(state, org).await?;
        let window = DateWindow { from: reader.today.checked_sub_months(Months::new(12)), to: None };
        Ok(deadlines(&lines, window).iter().map(|d| deadline_event(org, d, reader.lang)).collect())
    })
}

fn deadline_event(org: OrgId, d: &Deadline, lang: Lang) -> CalendarEvent {
    let date = d.date.to_string();
    CalendarEvent {
        uid: stable_uid(d.kind.key(), &[&org.to_string(), &d.vendor, &d.product, &date]),
        date: d.date,
        summary: format!("{}: {} – {}", d.kind.label(lang), d.vendor, d.product),
        description: None,
        category: "deadline",
    }
}

/// Due dates of live invoices: the member's own party's; every party's for the coordinator.
fn invoice_due_dates<'a>(state: &'a AppState, reader: &'a FeedReader) -> SourceEvents<'a> {
    Box::pin(async move {
        let scope = match (reader.user.role, reader.own_org()) {
            (Role::Coordinator, _) => None,
            (Role::Member, Some(org)) => Some(org),
            _ => return Ok(Vec::new()),
        };
        let invoices = state.store.list_invoices(scope).await?;
        // The coordinator's feed names the party; a member's are all its own.
        let names = if scope.is_none() { state.store.list_orgs().await? } else { Vec::new() };
        let due = match reader.lang {
            Lang::Fi => "Lasku erääntyy",
            Lang::Sv => "Fakturan förfaller",
            Lang::En => "Invoice due",
        };
        Ok(invoices
            .iter()
            .filter(|i| i.kind == InvoiceKind::Invoice && !i.credited)
            .map(|i| {
                let party = names.iter().find(|o| o.id == i.org_id).map(|o| format!(" – {}", o.name));
                CalendarEvent {
                    uid: stable_uid("invoice", &[&i.id.to_string()]),
                    date: i.due_date,
                    summary: format!("{due}: {}{}", i.number, party.unwrap_or_default()),
                    description: Some(i.rf_reference.clone()),
                    category: "invoice",
                }
            })
            .collect())
    })
}

/// Every data request's due date: every signed-in user reads the requests (NETWORK.md).
fn data_request_due_dates<'a>(state: &'a AppState, reader: &'a FeedReader) -> SourceEvents<'a> {
    Box::pin(async move {
        let due = match reader.lang {
            Lang::Fi => "Tiedonkeruu päättyy",
            Lang::Sv => "Datainsamlingen stänger",
            Lang::En => "Data request due",
        };
        Ok(state
            .store
            .list_data_requests()
            .await?
            .iter()
            .map(|r| CalendarEvent {
                uid: stable_uid("data-request", &[&r.id.to_string()]),
                date: r.due_on,
                summary: format!("{due}: {}", r.title),
                description: None,
                category: "data_request",
            })
            .collect())
    })
}

/// Steering-group meetings, for those who read them: the steering group and the coordinator.
fn steering_meetings<'a>(state: &'a AppState, reader: &'a FeedReader) -> SourceEvents<'a> {
    Box::pin(async move {
        if !matches!(reader.user.role, Role::Steering | Role::Coordinator) {
            return Ok(Vec::new());
        }
        let meeting = match reader.lang {
            Lang::Fi => "Ohjausryhmän kokous",
            Lang::Sv => "Styrgruppens möte",
            Lang::En => "Steering group meeting",
        };
        Ok(state
            .store
            .list_meetings()
            .await?
            .iter()
            .map(|m| CalendarEvent {
                uid: stable_uid("meeting", &[&m.id.to_string()]),
                date: m.date,
                summary: format!("{meeting}: {}", m.title),
                description: None,
                category: "meeting",
            })
            .collect())
    })
}
