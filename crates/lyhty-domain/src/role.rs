//! Who a signed-in user is to the platform (PRODUCT.md, "Who uses it").

use serde::{Deserialize, Serialize};

/// A user's role. Members are bound to one organisation; the others are network-wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A licence contact at one member organisation.
    Member,
    /// A steering-group member (§8.1): releases, cost shares and reports only.
    Steering,
    /// A member of the study working group (§8.2): may read organisation-level data, audited.
    Analyst,
    /// Valtori as the overall coordinator (§8.3).
    Coordinator,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Member, Role::Steering, Role::Analyst, Role::Coordinator];

    pub fn key(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Steering => "steering",
            Role::Analyst => "analyst",
            Role::Coordinator => "coordinator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s.trim())
    }
}
