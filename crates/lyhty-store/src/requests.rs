//! The values the data-request and mail section of the store takes and returns.

use chrono::{DateTime, Utc};
use lyhty_domain::{Lang, UserId};
use serde::{Deserialize, Serialize};

/// A user's choices about mail: the language messages are written in, and whether the
/// weekly digest is wanted (opt-in). A user who never chose has the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserPreferences {
    pub lang: Lang,
    pub weekly_digest: bool,
}

/// One message that is due to one user: a reminder of a data request (`subject` is the
/// request's id) or a weekly digest (`subject` is the ISO week, `2026-W49`). The database
/// holds each key once, which is what makes a message go out once however many servers
/// run the job.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MailKey {
    pub kind: String,
    pub subject: String,
    pub user_id: UserId,
}

/// How a claimed message ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailOutcome {
    Sent,
    /// The SMTP server refused it or could not be reached; the reason is kept for the
    /// operator (it names no one's data). A failed message is claimed again by a later run,
    /// up to [`MAIL_ATTEMPTS`] times in all.
    Failed(String),
}

/// How many times a message is tried in all (one per run of the job).
pub const MAIL_ATTEMPTS: i32 = 3;

/// A claim as stored, for the operator and the tests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailClaimRecord {
    pub kind: String,
    pub subject: String,
    pub user_id: UserId,
    pub claimed_at: DateTime<Utc>,
    /// `claimed`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
}
