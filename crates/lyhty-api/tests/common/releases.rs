//! A small network with inventories, for the release routes' tests.

use super::TestApp;
use chrono::{NaiveDate, Utc};
use lyhty_domain::licence::{Channel, ContractType, LicenceLine, LicenceType, PricePeriod};
use lyhty_domain::{BusinessId, Cents, OrgId};
use lyhty_store::{Actor, NewRelease, NewSubmission, StoredStatus};

/// The `n`-th valid business ID of a series (skipping bodies without a check digit).
pub fn business_id(n: u32) -> String {
    (0..)
        .map(|k| format!("{:07}", 3_100_000 + n * 13 + k))
        .find_map(|body| BusinessId::check_digit(&body).map(|c| format!("{body}-{c}")))
        .unwrap()
}

fn line(vendor: &str, product: &str, licence_type: LicenceType, quantity: u64, cost_cents: i64) -> LicenceLine {
    LicenceLine {
        vendor: vendor.into(),
        vendor_canonical: vendor.into(),
        vendor_known: true,
        product: product.into(),
        sku: None,
        product_category: None,
        licence_type,
        metric: None,
        quantity,
        quantity_approximate: false,
        unit_price_cents: None,
        price_period: PricePeriod::Annual,
        annual_cost_cents: Cents(cost_cents),
        annual_cost_derived: false,
        contract_type: ContractType::EnterpriseAgreement,
        contract_id: None,
        contract_start: None,
        contract_end: NaiveDate::from_ymd_opt(2026, 12, 31),
        review_date: None,
        notice_months: None,
        renewal: None,
        channel: Some(Channel::Framework),
        reseller: None,
        contact_name: None,
        contact_email: None,
        in_use: None,
        notes: None,
        source_row: 2,
    }
}

/// An inventory of organisation number `i` (1-based): three vendors everyone uses, in
/// different sizes, and for the first one a vendor nobody else has.
pub fn inventory(i: u32) -> Vec<LicenceLine> {
    let k = i64::from(i);
    let mut lines = vec![
        line("Microsoft", "Microsoft 365 E3", LicenceType::EndUser, 100 * u64::from(i), 3_000_00 * k + 17_00),
        line("Adobe", "Acrobat Pro", LicenceType::EndUser, 10 + u64::from(i), 1_500_00 + 90_00 * k),
        line("Oracle", "Database EE", LicenceType::Server, 2 + u64::from(i % 3), 20_000_00 + 2_500_00 * (k % 4)),
    ];
    if i == 1 {
        lines.push(line("Tiny Software", "Tiny Pro", LicenceType::EndUser, 5, 4_000_00));
    }
    lines
}

/// Stores `lines` as the organisation's accepted current inventory.
pub async fn submit(app: &TestApp, org: OrgId, lines: Vec<LicenceLine>) {
    let cost = lines.iter().map(|l| l.annual_cost_cents).sum();
    let submission = NewSubmission {
        org_id: org,
        file_name: "inventaario.csv".into(),
        sha256: format!("{:064x}", org.0.as_u128()),
        file: b"test".to_vec(),
        status: StoredStatus::Accepted,
        lines,
        report: serde_json::json!({}),
        annual_cost_cents: cost,
    };
    app.state.store.save_submission(&Actor::system("test"), &submission).await.unwrap();
}

/// Computes a release of the current inventories with the library and stores it as cut
/// off on `as_of`, bypassing the route (so a test can have a release dated in the past).
pub async fn publish_directly(app: &TestApp, as_of: NaiveDate) -> String {
    use lyhty_aggregate::{ContributionLine, Contributor, ReleaseId, ReleaseInput, ReleaseMeta, ReleaseParams};
    let orgs = app.state.store.list_orgs().await.unwrap();
    let mut contributors = Vec::new();
    let mut lines = Vec::new();
    for (org, line) in app.state.store.current_lines_as_of(Utc::now()).await.unwrap() {
        let sector = orgs.iter().find(|o| o.id == org).unwrap().category;
        contributors.push(Contributor { org, sector });
        lines.push(ContributionLine {
            org,
            sector,
            vendor: line.vendor_canonical,
            product: line.product,
            contract_type: line.contract_type.key().into(),
            licence_type: line.licence_type.key().into(),
            channel: line.channel.map(|c| c.key().to_string()).unwrap_or_default(),
            renewal_quarter: line.contract_end.map(lyhty_domain::Quarter::of),
            annual_cost_cents: line.annual_cost_cents.get(),
            quantity: line.quantity as i64,
            in_use: line.in_use.map(|u| u as i64),
        });
    }
    contributors.sort();
    contributors.dedup();
    let input = ReleaseInput { as_of, contributors, lines };
    let meta = ReleaseMeta { id: ReleaseId(uuid::Uuid::now_v7()), created_at: Utc::now() };
    // polars must not run on an async worker thread (as the route, use the blocking pool).
    let outcome = tokio::task::spawn_blocking(move || {
        lyhty_aggregate::build_release(&input, &ReleaseParams::default(), meta, &[]).unwrap()
    })
    .await
    .unwrap();
    let published = outcome.published().unwrap_or_else(|| panic!("refused: {:?}", outcome.audit().violations));
    let new = NewRelease {
        id: published.release.id.0,
        as_of,
        created_at: published.release.created_at,
        release_json: published.release.to_json(),
        audit: serde_json::to_value(&published.audit).unwrap(),
        params: serde_json::to_value(&published.params).unwrap(),
        stats: serde_json::to_value(&published.stats).unwrap(),
        contributions: serde_json::to_string(&published.contributions).unwrap(),
    };
    app.state.store.save_release(&Actor::system("test"), &new).await.unwrap();
    published.release.id.to_string()
}
