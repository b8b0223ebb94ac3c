//! Who may do what: every role and organisation rule of the API, in one place.
//!
//! Handlers name what they are about to do as an [`Action`] and call [`authorize`]; they
//! never compare roles themselves. A [`Grant::Audited`] answer means the read touches
//! organisation-level licence data on behalf of someone other than that organisation, and
//! the handler must record it with [`record_read`] (§11.1: such data is used only for the
//! study, and every such read is logged).

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;
use lyhty_domain::{OrgId, Role};
use lyhty_store::AuditEvent;

/// Something a signed-in user wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Create, change or terminate parties.
    ManageOrgs,
    /// Create and close user accounts.
    ManageUsers,
    /// Read the audit log.
    ReadAuditLog,
    /// See a party's confidential details (budget, contacts, e-invoice address, share).
    ReadOrgDetails(OrgId),
    /// See the public facts of a party (name, category, status).
    ReadOrgSummary(OrgId),
    /// Read an organisation's licence lines and submissions.
    ReadLicenceData(OrgId),
    /// Upload or restore an organisation's inventory.
    SubmitInventory(OrgId),
    /// Read the published anonymised releases.
    ReadReleases,
    /// Manage the vendor catalogue and publish releases.
    ManageReleases,
    /// See cost shares, coverage and seat weights of all parties.
    ReadCostShares,
    /// Run invoicing, record payments, expenses and plans.
    ManageFinance,
    /// Read one party's invoices.
    ReadInvoices(OrgId),
    /// Read spend reports and the budget plan.
    ReadSpendReports,
    /// Open data requests (NETWORK.md "Data requests").
    ManageDataRequests,
    /// See every party's status on the data requests (the tracker).
    ReadDataRequestTracker,
}

/// A yes, and whether the read must be written to the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    Allowed,
    Audited,
}

/// Decides whether `who` may do `action`.
pub fn authorize(who: &AuthUser, action: Action) -> Result<Grant, ApiError> {
    use Action::*;
    let role = who.role();
    let own = |org: OrgId| who.user.org_id == Some(org);
    let allowed = match action {
        ManageOrgs | ManageUsers | ReadAuditLog | ManageReleases | ManageFinance => role == Role::Coordinator,
        ManageDataRequests | ReadDataRequestTracker => role == Role::Coordinator,
        ReadOrgDetails(org) | ReadInvoices(org) => role == Role::Coordinator || own(org),
        // Members see only their own party; the network-wide roles see every party's
        // public facts (which the list of parties shows anyway).
        ReadOrgSummary(org) => role != Role::Member || own(org),
        ReadLicenceData(org) => {
            if own(org) {
                return Ok(Grant::Allowed);
            }
            // §11.1 and PRODUCT.md: analysts and the coordinator may read organisation-level
            // data for the study, and every such read is logged. Never the steering group.
            return match role {
                Role::Analyst | Role::Coordinator => Ok(Grant::Audited),
                Role::Member | Role::Steering => Err(denied(action)),
            };
        }
        SubmitInventory(org) => role == Role::Coordinator || (role == Role::Member && own(org)),
        ReadReleases => true,
        ReadCostShares | ReadSpendReports => matches!(role, Role::Steering | Role::Coordinator),
    };
    if allowed { Ok(Grant::Allowed) } else { Err(denied(action)) }
}

fn denied(action: Action) -> ApiError {
    let message = match action {
        Action::ReadLicenceData(_) | Action::SubmitInventory(_) | Action::ReadOrgDetails(_) => {
            "you may not see or change another organisation's data"
        }
        Action::ReadOrgSummary(_) | Action::ReadInvoices(_) => "you may see only your own organisation",
        _ => "your role does not allow this",
    };
    ApiError::forbidden(message)
}

/// Writes an audited read to the audit log (see [`Grant::Audited`]); a no-op for
/// [`Grant::Allowed`]. If the log cannot be written the read is refused: an unlogged read of
/// confidential data is worse than no read.
pub async fn record_read(
    state: &AppState,
    who: &AuthUser,
    grant: Grant,
    action: &str,
    org: OrgId,
    subject: Option<String>,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    if grant == Grant::Audited {
        let event = AuditEvent { action: action.to_string(), org_id: Some(org), subject, detail };
        state.store.record_audit(&who.actor(), &event).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use lyhty_domain::UserId;
    use lyhty_store::User;

    fn who(role: Role, org: Option<OrgId>) -> AuthUser {
        AuthUser {
            user: User {
                id: UserId::new(),
                email: "x@example.fi".into(),
                name: "X".into(),
                role,
                org_id: org,
                created_at: Utc::now(),
            },
            org: None,
        }
    }

    #[test]
    fn licence_data_is_own_or_audited_and_never_the_steering_groups() {
        let (mine, theirs) = (OrgId::new(), OrgId::new());
        let member = who(Role::Member, Some(mine));
        assert_eq!(authorize(&member, Action::ReadLicenceData(mine)).unwrap(), Grant::Allowed);
        assert!(authorize(&member, Action::ReadLicenceData(theirs)).is_err());
        assert!(authorize(&who(Role::Steering, None), Action::ReadLicenceData(theirs)).is_err());
        assert_eq!(authorize(&who(Role::Analyst, None), Action::ReadLicenceData(theirs)).unwrap(), Grant::Audited);
        assert_eq!(authorize(&who(Role::Coordinator, None), Action::ReadLicenceData(theirs)).unwrap(), Grant::Audited);
    }

    #[test]
    fn only_the_coordinator_manages() {
        for role in [Role::Member, Role::Steering, Role::Analyst] {
            let u = who(role, (role == Role::Member).then(OrgId::new));
            for action in [
                Action::ManageOrgs,
                Action::ManageUsers,
                Action::ReadAuditLog,
                Action::ManageFinance,
                Action::ManageDataRequests,
                Action::ReadDataRequestTracker,
            ] {
                assert!(authorize(&u, action).is_err(), "{role:?} {action:?}");
            }
        }
        let c = who(Role::Coordinator, None);
        assert!(authorize(&c, Action::ManageUsers).is_ok());
        assert!(authorize(&c, Action::ReadDataRequestTracker).is_ok());
        assert!(authorize(&c, Action::SubmitInventory(OrgId::new())).is_ok());
    }

    #[test]
    fn members_see_only_their_own_party() {
        let (mine, theirs) = (OrgId::new(), OrgId::new());
        let member = who(Role::Member, Some(mine));
        assert!(authorize(&member, Action::ReadOrgDetails(mine)).is_ok());
        assert!(authorize(&member, Action::ReadOrgSummary(theirs)).is_err());
        assert!(authorize(&member, Action::ReadInvoices(theirs)).is_err());
        assert!(authorize(&member, Action::ReadCostShares).is_err());
        assert!(authorize(&who(Role::Steering, None), Action::ReadOrgDetails(theirs)).is_err());
        assert!(authorize(&who(Role::Steering, None), Action::ReadOrgSummary(theirs)).is_ok());
        assert!(authorize(&who(Role::Analyst, None), Action::SubmitInventory(theirs)).is_err());
    }
}
