//! The reminder and digest job: what is due today, to whom, sent once.
//!
//! Every message has a key in the database (kind, subject, user) and is claimed there before
//! it is sent (`Store::claim_mail`): several servers sharing one PostgreSQL database run the
//! job at the same hours, and the one whose claim lands first sends; the others skip it. A
//! message is at most once in flight: if a server dies between claiming and sending, that
//! message is lost rather than doubled; one the SMTP server refused is tried again by the
//! next runs, a few times (`lyhty_store::MAIL_ATTEMPTS`).
//!
//! - Reminders (`lyhty_domain::data_request::DataRequest::reminder_due`): 14 and 3 days
//!   before the due date and the day after a miss, to the users of every party with access
//!   that has not submitted.
//! - The weekly digest, for users who opted in: the current data requests (with the party's
//!   status) and the party's notice deadlines of the next 60 days, once per ISO week.

use crate::mail::Mailer;
use crate::mail::texts::{self, DigestDeadline, DigestRequest, Text};
use crate::state::AppState;
use crate::tracker;
use chrono::{DateTime, Days, NaiveDate, Utc};
use lyhty_domain::data_request::DataRequest;
use lyhty_domain::{Org, OrgId, UserId};
use lyhty_store::{MailKey, MailOutcome, Store, StoreError, User, UserPreferences};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How far ahead the digest looks for notice deadlines.
pub const DIGEST_HORIZON_DAYS: u64 = 60;

/// The `kind` of a digest's claim.
pub const DIGEST_KIND: &str = "weekly_digest";

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct JobReport {
    /// Whether an SMTP server is configured (without one, nothing is claimed or sent).
    pub configured: bool,
    pub sent: usize,
    pub failed: usize,
    /// Messages that were due but already claimed (by an earlier run or another server).
    pub already_claimed: usize,
}

/// The ISO week of a day, `2026-W49`: the digest's once-a-week key.
pub fn iso_week(day: NaiveDate) -> String {
    day.format("%G-W%V").to_string()
}

/// Runs the job once for `state.clock`'s day.
pub async fn run_once(state: &AppState) -> Result<JobReport, StoreError> {
    let Some(mailer) = state.mailer.as_deref() else {
        tracing::info!("no SMTP server configured (LYHTY_SMTP_URL): no reminders or digests sent");
        return Ok(JobReport::default());
    };
    let run = Run::load(&*state.store, mailer, state.clock.now()).await?;
    let mut report = JobReport { configured: true, ..JobReport::default() };
    run.reminders(&mut report).await?;
    run.digests(&mut report).await?;
    tracing::info!(
        sent = report.sent,
        failed = report.failed,
        already_claimed = report.already_claimed,
        "reminder and digest job done"
    );
    Ok(report)
}

/// Starts the job on its interval (the first run at once), or nothing when no SMTP server
/// is configured or the interval is 0. It stops when `stop` turns true or its sender goes.
pub fn spawn(state: AppState, mut stop: watch::Receiver<bool>) -> Option<JoinHandle<()>> {
    let minutes = state.settings.mail_job_minutes;
    if state.mailer.is_none() || minutes == 0 {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(minutes * 60));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => {
                    if let Err(e) = run_once(&state).await {
                        tracing::error!(error = ?e, "the reminder and digest job failed; it runs again later");
                    }
                }
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
            }
        }
    }))
}

/// The facts one run works from.
struct Run<'a> {
    store: &'a dyn Store,
    mailer: &'a Mailer,
    now: DateTime<Utc>,
    today: NaiveDate,
    users: Vec<User>,
    prefs: HashMap<UserId, UserPreferences>,
    orgs: HashMap<OrgId, Org>,
    requests: Vec<DataRequest>,
}

impl<'a> Run<'a> {
    async fn load(store: &'a dyn Store, mailer: &'a Mailer, now: DateTime<Utc>) -> Result<Self, StoreError> {
        Ok(Self {
            store,
            mailer,
            now,
            today: crate::clock::helsinki_date(now),
            users: store.list_users().await?,
            prefs: store.list_user_preferences().await?.into_iter().collect(),
            orgs: store.list_orgs().await?.into_iter().map(|o| (o.id, o)).collect(),
            requests: store.list_data_requests().await?,
        })
    }

    fn prefs(&self, user: UserId) -> UserPreferences {
        self.prefs.get(&user).copied().unwrap_or_default()
    }

    /// Whether the user can be written to today: an open account whose party (if any) has
    /// access.
    fn reachable(&self, user: &User) -> bool {
        user.org_id.is_none_or(|o| self.orgs.get(&o).is_some_and(|org| org.has_access_on(self.today)))
    }

    async fn reminders(&self, report: &mut JobReport) -> Result<(), StoreError> {
        for request in &self.requests {
            let Some(kind) = request.reminder_due(self.today) else { continue };
            for standing in tracker::standings(self.store, request, self.today).await? {
                if !tracker::needs_reminder(standing.status) {
                    continue;
                }
                for user in self.users.iter().filter(|u| u.org_id == Some(standing.org_id)) {
                    let text = texts::reminder(self.prefs(user.id).lang, kind, request, &standing.org_name);
                    let key = MailKey { kind: kind.key().into(), subject: request.id.to_string(), user_id: user.id };
                    self.deliver(key, user, &text, report).await?;
                }
            }
        }
        Ok(())
    }

    async fn digests(&self, report: &mut JobReport) -> Result<(), StoreError> {
        let week = iso_week(self.today);
        let current: Vec<&DataRequest> = self.requests.iter().filter(|r| r.is_current(self.today)).collect();
        let mut firsts = Vec::with_capacity(current.len());
        for request in &current {
            firsts.push(tracker::first_submissions(self.store, request).await?);
        }
        for user in self.users.iter().filter(|u| self.prefs(u.id).weekly_digest && self.reachable(u)) {
            let org = user.org_id.and_then(|o| self.orgs.get(&o));
            let requests: Vec<DigestRequest<'_>> = current
                .iter()
                .zip(&firsts)
                .map(|(&request, firsts)| DigestRequest {
                    request,
                    status: org.map(|o| tracker::standing(request, o, firsts.get(&o.id).copied(), self.today).status),
                })
                .collect();
            let deadlines = match org {
                Some(o) => self.notice_deadlines(o.id).await?,
                None => Vec::new(),
            };
            let text = texts::digest(self.prefs(user.id).lang, &week, &requests, &deadlines);
            let key = MailKey { kind: DIGEST_KIND.into(), subject: week.clone(), user_id: user.id };
            self.deliver(key, user, &text, report).await?;
        }
        Ok(())
    }

    /// The party's notice deadlines from today to the horizon, soonest first.
    async fn notice_deadlines(&self, org: OrgId) -> Result<Vec<DigestDeadline>, StoreError> {
        let horizon = self.today.checked_add_days(Days::new(DIGEST_HORIZON_DAYS)).unwrap_or(self.today);
        let mut deadlines: Vec<DigestDeadline> = self
            .store
            .org_lines_as_of(org, self.now)
            .await?
            .into_iter()
            .filter_map(|line| {
                let date = line.notice_deadline()?;
                (self.today <= date && date <= horizon).then_some(DigestDeadline {
                    date,
                    vendor: line.vendor_canonical,
                    product: line.product,
                })
            })
            .collect();
        deadlines.sort_by(|a, b| (a.date, &a.vendor, &a.product).cmp(&(b.date, &b.vendor, &b.product)));
        Ok(deadlines)
    }

    /// Claims the message and, if this run got it, sends it and records how that went.
    async fn deliver(&self, key: MailKey, user: &User, text: &Text, report: &mut JobReport) -> Result<(), StoreError> {
        if !self.store.claim_mail(&key, Utc::now()).await? {
            report.already_claimed += 1;
            return Ok(());
        }
        let outcome = match self.mailer.send(&user.email, text).await {
            Ok(()) => {
                report.sent += 1;
                tracing::info!(kind = %key.kind, subject = %key.subject, user = %user.id, "mail sent");
                MailOutcome::Sent
            }
            Err(reason) => {
                report.failed += 1;
                tracing::warn!(kind = %key.kind, subject = %key.subject, user = %user.id, %reason, "mail not sent");
                MailOutcome::Failed(reason)
            }
        };
        self.store.finish_mail(&key, &outcome, Utc::now()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_week_is_the_iso_week() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(iso_week(d("2026-12-07")), "2026-W50");
        // 1 January 2027 is a Friday: it belongs to the last ISO week of 2026.
        assert_eq!(iso_week(d("2027-01-01")), "2026-W53");
    }
}
