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
    /// Record steering-group meetings and decisions with their votes.
    RecordDecisions,
    /// Read the meetings and the decision register with every tally and vote (members
    /// read titles, dates, kinds and outcomes only).
    ReadDecisionDetails,
    /// Read the quarterly spend report and the annual project statement (§9.1, §13): every
    /// party's users, in a party's copy (see [`report_scope`]).
    ReadPartyReports,
    /// Read negotiations, their outcomes, lessons and documents, and the published savings
    /// (§3, §5: the network's outputs are for every party).
    ReadNegotiations,
    /// Record or change negotiations and their documents (the working group).
    ManageNegotiations,
    /// Record an organisation's realised saving.
    RecordSaving(OrgId),
    /// See every party's realised savings (confidential like the inventories: logged).
    ReadPartySavings,
    /// Erase a person's contact details everywhere (GDPR).
    ErasePersonalData,
    /// Store a party's signed accession agreement.
    ManageAgreements,
    /// Read a party's signed accession agreements.
    ReadAgreements(OrgId),
    /// Take a party's whole data out as one archive, to return it.
    ExportOrgData(OrgId),
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
    let own_org = who.user.org_id.is_some();
    let allowed = match action {
        ManageOrgs | ManageUsers | ReadAuditLog | ManageReleases | ManageFinance | RecordDecisions
        | ErasePersonalData | ManageAgreements => role == Role::Coordinator,
        ReadOrgDetails(org) | ReadInvoices(org) | ReadAgreements(org) | ExportOrgData(org) => {
            role == Role::Coordinator || own(org)
        }
        ManageDataRequests | ReadDataRequestTracker => role == Role::Coordinator,
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
        ReadCostShares | ReadSpendReports | ReadDecisionDetails => matches!(role, Role::Steering | Role::Coordinator),
        ReadPartyReports => matches!(role, Role::Steering | Role::Coordinator) || (role == Role::Member && own_org),
        ReadNegotiations => true,
        ManageNegotiations => matches!(role, Role::Analyst | Role::Coordinator),
        RecordSaving(org) => role == Role::Coordinator || (role == Role::Member && own(org)),
        // Like another organisation's licence data: analysts and the coordinator, logged.
        ReadPartySavings => {
            return match role {
                Role::Analyst | Role::Coordinator => Ok(Grant::Audited),
                Role::Member | Role::Steering => Err(denied(action)),
            };
        }
    };
    if allowed { Ok(Grant::Allowed) } else { Err(denied(action)) }
}

/// Which copy of the quarterly report and the annual statement `who` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportScope {
    /// The steering group and the coordinator: everything, every party's reimbursements
    /// and the ledger entries paid to them included.
    Full,
    /// A party's users: the network's figures, but of the reimbursements and the entries
    /// paid to parties only this party's own (NETWORK.md, "Reporting to the parties").
    Party(OrgId),
}

/// Decides whether `who` may read the quarterly report and the annual statement, and which
/// copy.
pub fn report_scope(who: &AuthUser) -> Result<ReportScope, ApiError> {
    authorize(who, Action::ReadPartyReports)?;
    if authorize(who, Action::ReadSpendReports).is_ok() {
        return Ok(ReportScope::Full);
    }
    who.user.org_id.map(ReportScope::Party).ok_or_else(|| denied(Action::ReadPartyReports))
}

fn denied(action: Action) -> ApiError {
    let message = match action {
        Action::ReadLicenceData(_)
        | Action::SubmitInventory(_)
        | Action::ReadOrgDetails(_)
        | Action::RecordSaving(_)
        | Action::ReadPartySavings => "you may not see or change another organisation's data",
        Action::ReadOrgSummary(_) | Action::ReadInvoices(_) | Action::ReadAgreements(_) | Action::ExportOrgData(_) => {
            "you may see only your own organisation"
        }
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
    fn savings_are_the_partys_own_and_the_working_group_manages_negotiations() {
        let (mine, theirs) = (OrgId::new(), OrgId::new());
        let member = who(Role::Member, Some(mine));
        assert!(authorize(&member, Action::RecordSaving(mine)).is_ok());
        assert!(authorize(&member, Action::RecordSaving(theirs)).is_err());
        assert!(authorize(&member, Action::ReadPartySavings).is_err());
        assert!(authorize(&member, Action::ManageNegotiations).is_err());
        assert!(authorize(&member, Action::ReadNegotiations).is_ok());
        let steering = who(Role::Steering, None);
        assert!(authorize(&steering, Action::ReadPartySavings).is_err());
        assert!(authorize(&steering, Action::RecordSaving(theirs)).is_err());
        let analyst = who(Role::Analyst, None);
        assert!(authorize(&analyst, Action::ManageNegotiations).is_ok());
        assert!(authorize(&analyst, Action::RecordSaving(theirs)).is_err());
        assert_eq!(authorize(&analyst, Action::ReadPartySavings).unwrap(), Grant::Audited);
        let coordinator = who(Role::Coordinator, None);
        assert!(authorize(&coordinator, Action::RecordSaving(theirs)).is_ok());
        assert_eq!(authorize(&coordinator, Action::ReadPartySavings).unwrap(), Grant::Audited);
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

    #[test]
    fn every_party_reads_its_copy_of_the_reports_and_the_network_roles_the_full_one() {
        let mine = OrgId::new();
        assert_eq!(report_scope(&who(Role::Member, Some(mine))).unwrap(), ReportScope::Party(mine));
        assert_eq!(report_scope(&who(Role::Steering, None)).unwrap(), ReportScope::Full);
        assert_eq!(report_scope(&who(Role::Coordinator, None)).unwrap(), ReportScope::Full);
        assert!(report_scope(&who(Role::Analyst, None)).is_err());
        assert!(report_scope(&who(Role::Member, None)).is_err(), "a member of no party has no copy");
        assert!(authorize(&who(Role::Member, Some(mine)), Action::ReadSpendReports).is_err());
    }
}
