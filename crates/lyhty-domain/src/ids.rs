//! Typed identifiers. Each is a UUID underneath; the newtype keeps an organisation's id
//! from being passed where a user's is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id (UUIDv7), so ids sort in creation order.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

id_type!(
    /// A party (member organisation) of the network.
    OrgId
);
id_type!(
    /// A person who signs in.
    UserId
);
id_type!(
    /// One uploaded inventory file and its report.
    SubmissionId
);
id_type!(
    /// An issued invoice or credit note.
    InvoiceId
);
id_type!(
    /// An invoice run (one instalment, one issue date).
    RunId
);
id_type!(
    /// A payment recorded against an invoice.
    PaymentId
);
id_type!(
    /// An entry of the expenditure ledger (an expense or the reversal of one).
    ExpenseId
);
id_type!(
    /// A steering-group meeting.
    MeetingId
);
id_type!(
    /// A steering-group decision.
    DecisionId
);
id_type!(
    /// A data request: the coordinator's call for the parties' inventories (NETWORK.md).
    DataRequestId
);
