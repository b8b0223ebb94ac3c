//! Shared helpers of the integration tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use lyhty_domain::iban::Iban;
use lyhty_domain::{BusinessId, Cents, Lang, Org, OrgCategory, OrgId, OrgStatus};
use lyhty_finance::invoicing::plan_invoice_run;
use lyhty_finance::{CostShareModel, InvoiceDocument, InvoicingConfig, VatTreatment, issue_invoice};
use std::path::PathBuf;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A valid business ID derived from `n` (skipping bodies whose remainder is 1).
pub fn business_id(n: u32) -> BusinessId {
    let mut body = 3_000_000 + n * 7;
    loop {
        let s = format!("{body:07}");
        if let Some(c) = BusinessId::check_digit(&s) {
            return BusinessId::parse(&format!("{s}-{c}")).unwrap();
        }
        body += 1;
    }
}

pub fn org(name: &str, category: OrgCategory, bid: BusinessId, joined_on: NaiveDate) -> Org {
    Org {
        id: OrgId::new(),
        name: name.into(),
        business_id: bid,
        category,
        annual_budget_cents: None,
        budget_year: Some(2025),
        budget_source: Some("TA 2025".into()),
        joined_on,
        accession_number: None,
        represented_by: None,
        einvoice_address: None,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        cost_share_cents: None,
        status: OrgStatus::Active,
        status_effective_on: None,
        accession_decision_id: None,
    }
}

pub fn config() -> InvoicingConfig {
    InvoicingConfig::valtori(Iban::parse("FI21 1234 5600 0007 85").unwrap(), "NDEAFIHH")
}

/// [`config`] with VAT category S at 25.5 % and the seller's VAT identifier.
pub fn vat_s() -> InvoicingConfig {
    let mut c = config();
    c.vat = VatTreatment::Standard { rate_basis_points: 2550 };
    c.seller_vat_id = Some("FI25742617".into());
    c
}

/// [`config`] with VAT category E (exempt, with the reason) and the seller's VAT identifier.
pub fn vat_e() -> InvoicingConfig {
    let mut c = config();
    c.vat = VatTreatment::Exempt { reason: "Exempt under §… of the VAT Act".into() };
    c.seller_vat_id = Some("FI25742617".into());
    c
}

/// Kela's instalment-1 invoice as in the example, in `lang`.
pub fn kela_invoice(config: &InvoicingConfig, lang: Lang) -> InvoiceDocument {
    let mut kela = org("Kansaneläkelaitos", OrgCategory::Kela, BusinessId::parse("0246246-0").unwrap(), d(2025, 8, 20));
    kela.einvoice_address = Some("0216:003702462460".into());
    let plan = plan_invoice_run(&CostShareModel::seeded(), config, &[kela], &[], 1, d(2025, 9, 5), false).unwrap();
    let mut doc = issue_invoice(&plan.invoices[0], config, 1, lang).unwrap();
    assert_eq!(doc.net_total(), Cents::euros(12_500));
    // Parties carry no postal address in the register; the store may add the city.
    doc.buyer.city = Some("Helsinki".into());
    doc
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
