//! From the stored inventories to the input of a release: who contributes at a cut-off,
//! and each stored licence line as the release reads it (`DISCLOSURE.md`, microdata).
//!
//! The caller reads the rows (organisations, the lines current at [`cut_off`]) and hands
//! them over; the rules of what counts are here, beside the release that applies them.

use crate::input::{ContributionLine, Contributor};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::{Org, OrgCategory, OrgId, Quarter};
use std::collections::BTreeMap;

/// The last instant of the cut-off day `as_of` in Finland (23:59:59.999999 Helsinki time,
/// summer time included): what was current then is in a release cut off on that day.
pub fn cut_off(as_of: NaiveDate) -> DateTime<Utc> {
    lyhty_domain::calendar::end_of_finnish_day(as_of)
}

impl ContributionLine {
    /// A stored licence line of `org`, whose party category is `sector`, as the release
    /// reads it.
    pub fn from_licence_line(org: OrgId, sector: OrgCategory, line: &LicenceLine) -> Self {
        Self {
            org,
            sector,
            vendor: line.vendor_canonical.clone(),
            product: line.product.clone(),
            contract_type: line.contract_type.key().to_string(),
            licence_type: line.licence_type.key().to_string(),
            channel: line.channel.map(|c| c.key().to_string()).unwrap_or_default(),
            renewal_quarter: line.contract_end.map(Quarter::of),
            annual_cost_cents: line.annual_cost_cents.get(),
            quantity: i64::try_from(line.quantity).unwrap_or(i64::MAX),
            in_use: line.in_use.map(|u| i64::try_from(u).unwrap_or(i64::MAX)),
        }
    }
}

/// The contributors of a release cut off on `as_of` and their lines, from the lines current
/// at the cut-off: an organisation with an accepted inventory then whose agreement had not
/// ended by then and whose accession the steering group has decided (a pending party's data
/// enters releases only once its accession passes, NETWORK.md §1.1). Lines of an
/// organisation not in `orgs` are left out.
pub fn contributions(
    orgs: &BTreeMap<OrgId, Org>,
    current: impl IntoIterator<Item = (OrgId, LicenceLine)>,
    as_of: NaiveDate,
) -> (BTreeMap<OrgId, Contributor>, Vec<ContributionLine>) {
    let mut contributors = BTreeMap::new();
    let mut lines = Vec::new();
    for (org_id, line) in current {
        let Some(org) = orgs.get(&org_id) else { continue };
        if org.has_ended_by(as_of) || org.is_pending() {
            continue;
        }
        contributors.insert(org_id, Contributor { org: org_id, sector: org.category });
        lines.push(ContributionLine::from_licence_line(org_id, org.category, &line));
    }
    (contributors, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_off_is_the_last_microsecond_of_the_finnish_day() {
        // Summer time (EEST, UTC+3): Finnish midnight is 21:00 UTC.
        let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(cut_off(day).to_rfc3339(), "2026-03-31T20:59:59.999999+00:00");
        // Winter time (EET, UTC+2): 22:00 UTC.
        let new_year = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(cut_off(new_year).to_rfc3339(), "2025-12-31T21:59:59.999999+00:00");
    }
}
