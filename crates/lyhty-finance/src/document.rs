//! An issued invoice or credit note with everything its PDF and UBL forms show.
//!
//! [`InvoiceDocument`] is the one value both renderers read, so the PDF and the e-invoice
//! can never disagree. It is built from a planned invoice once the store has given it a
//! sequence number ([`issue_invoice`]), or from an issued invoice as its credit note
//! ([`credit_note`]); the store keeps it as JSON and renders it again whenever asked.

use crate::barcode;
use crate::invoicing::PlannedInvoice;
use crate::numbering::{NumberingError, format_invoice_number, reference_for};
use chrono::NaiveDate;
use lyhty_domain::iban::Iban;
use lyhty_domain::reference::{Reference, RfReference};
use lyhty_domain::{BusinessId, Cents, Lang, Org};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Peppol participant identifier: scheme (ICD) and value, written `0216:003725742617`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeppolId {
    /// `0216` (OVT code) or `0037` (business ID), …: four digits.
    pub scheme: String,
    pub id: String,
}

impl PeppolId {
    /// Parses `0216:003725742617`. A bare OVT code (`003725742617`) is read as scheme 0216.
    pub fn parse(input: &str) -> Option<Self> {
        let s = input.trim();
        let (scheme, id) = match s.split_once(':') {
            Some((scheme, id)) => (scheme.trim(), id.trim()),
            None if s.starts_with("0037") => ("0216", s),
            None => return None,
        };
        let scheme_ok = scheme.len() == 4 && scheme.bytes().all(|b| b.is_ascii_digit());
        let id_ok =
            !id.is_empty() && id.len() <= 50 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
        (scheme_ok && id_ok).then(|| Self { scheme: scheme.into(), id: id.into() })
    }

    /// The OVT code every Finnish organisation has by default: `0037` + the business ID's
    /// digits, under scheme 0216.
    pub fn from_business_id(id: &BusinessId) -> Self {
        Self { scheme: "0216".into(), id: format!("0037{}", id.digits()) }
    }
}

impl fmt::Display for PeppolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.scheme, self.id)
    }
}

/// Seller or buyer as printed on the invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoiceParty {
    /// Short trading name, e.g. `Valtori`.
    pub name: String,
    /// Registered name, e.g. `Valtion tieto- ja viestintätekniikkakeskus Valtori`.
    pub legal_name: String,
    pub business_id: BusinessId,
    /// Where the e-invoice goes.
    pub endpoint: PeppolId,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    /// ISO 3166 code, `FI`.
    pub country: String,
}

impl InvoiceParty {
    /// A party as buyer. Its e-invoice address is used when it parses; otherwise the OVT
    /// code derived from its business ID (Finnish public bodies all receive on it).
    pub fn from_org(org: &Org) -> Self {
        let endpoint = org
            .einvoice_address
            .as_deref()
            .and_then(PeppolId::parse)
            .unwrap_or_else(|| PeppolId::from_business_id(&org.business_id));
        Self {
            name: org.name.clone(),
            legal_name: org.name.clone(),
            business_id: org.business_id.clone(),
            endpoint,
            street: None,
            postcode: None,
            city: None,
            country: "FI".into(),
        }
    }
}

/// VAT treatment of the cost shares (configuration; FINANCE.md §9.4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "category", rename_all = "snake_case")]
pub enum VatTreatment {
    /// Category O: outside the scope of VAT, no VAT identifiers on the invoice.
    #[default]
    OutsideScope,
    /// Category S at a rate in basis points (25.5 % = 2550).
    Standard { rate_basis_points: u32 },
    /// Category E with the exemption reason printed on the invoice.
    Exempt { reason: String },
}

impl VatTreatment {
    /// The UNCL 5305 code used in UBL.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OutsideScope => "O",
            Self::Standard { .. } => "S",
            Self::Exempt { .. } => "E",
        }
    }

    /// VAT on `net`, rounded half away from zero to the cent (EN 16931 BR-CO-17).
    pub fn tax_on(&self, net: Cents) -> Cents {
        match self {
            Self::Standard { rate_basis_points } => {
                let x = i128::from(net.0) * i128::from(*rate_basis_points);
                let q = (x.abs() + 5_000) / 10_000;
                Cents(i64::try_from(if x < 0 { -q } else { q }).unwrap_or(i64::MAX))
            }
            _ => Cents::ZERO,
        }
    }
}

/// The coordinator's invoicing settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoicingConfig {
    pub seller: InvoiceParty,
    /// Required for VAT categories S and E (BR-S-02, BR-E-02), never shown for O.
    pub seller_vat_id: Option<String>,
    pub iban: Iban,
    pub bic: String,
    pub vat: VatTreatment,
    /// Overrides the model's payment term when set.
    pub payment_term_days: Option<u32>,
    /// Peppol requires a buyer reference (PEPPOL-EN16931-R003); buyers route on it.
    pub buyer_reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("VAT category {0} needs the seller's VAT identifier")]
    VatIdRequired(&'static str),
    #[error("the BIC must be 8 or 11 letters or digits")]
    Bic,
    #[error("a VAT rate must be between 0 and 100 %")]
    VatRate,
    #[error("the buyer reference must not be empty")]
    BuyerReference,
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        "invalid_invoicing_config"
    }
}

impl InvoicingConfig {
    /// Valtori as coordinator (§1.1) with the given account; VAT category O.
    pub fn valtori(iban: Iban, bic: &str) -> Self {
        Self {
            seller: InvoiceParty {
                name: "Valtori".into(),
                legal_name: "Valtion tieto- ja viestintätekniikkakeskus Valtori".into(),
                business_id: BusinessId::parse("2574261-7").expect("Valtori's business ID is valid"),
                endpoint: PeppolId { scheme: "0216".into(), id: "003725742617".into() },
                street: Some("Vapaudenkatu 58".into()),
                postcode: Some("40100".into()),
                city: Some("Jyväskylä".into()),
                country: "FI".into(),
            },
            seller_vat_id: None,
            iban,
            bic: bic.into(),
            vat: VatTreatment::OutsideScope,
            payment_term_days: None,
            buyer_reference: "LYHTY".into(),
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let bic_ok = matches!(self.bic.len(), 8 | 11) && self.bic.bytes().all(|b| b.is_ascii_alphanumeric());
        if !bic_ok {
            return Err(ConfigError::Bic);
        }
        if self.buyer_reference.trim().is_empty() {
            return Err(ConfigError::BuyerReference);
        }
        match &self.vat {
            VatTreatment::OutsideScope => Ok(()),
            VatTreatment::Standard { rate_basis_points } if *rate_basis_points > 10_000 => Err(ConfigError::VatRate),
            v if self.seller_vat_id.as_deref().is_none_or(|s| s.trim().is_empty()) => {
                Err(ConfigError::VatIdRequired(v.code()))
            }
            _ => Ok(()),
        }
    }
}

/// Invoice or credit note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

/// The invoice a credit note corrects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditedInvoice {
    pub number: String,
    pub issue_date: NaiveDate,
}

/// One line: one instalment of the share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoiceLine {
    /// Which instalment (1-based), of how many.
    pub instalment: u8,
    pub of: u8,
    pub description: String,
    /// Net amount, positive on credit notes too (the document kind says which way).
    pub net: Cents,
}

/// An issued invoice or credit note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoiceDocument {
    pub kind: DocumentKind,
    pub number: String,
    pub credited_invoice: Option<CreditedInvoice>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub payment_term_days: u32,
    /// The agreement's term, shown as the invoicing period.
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub seller: InvoiceParty,
    pub seller_vat_id: Option<String>,
    pub buyer: InvoiceParty,
    pub lines: Vec<InvoiceLine>,
    pub vat: VatTreatment,
    pub iban: Iban,
    pub bic: String,
    pub reference: Reference,
    pub rf_reference: RfReference,
    pub buyer_reference: String,
    pub lang: Lang,
}

impl InvoiceDocument {
    /// Sum of the lines (EN 16931 BT-106).
    pub fn net_total(&self) -> Cents {
        self.lines.iter().map(|l| l.net).sum()
    }

    /// VAT of the one VAT category the document uses (BT-110).
    pub fn vat_total(&self) -> Cents {
        self.vat.tax_on(self.net_total())
    }

    /// What the buyer pays (BT-115).
    pub fn payable(&self) -> Cents {
        self.net_total() + self.vat_total()
    }

    /// The 54-digit virtual bank barcode (version 4), when the amount and account allow it.
    /// Credit notes have none: nothing is paid with them.
    pub fn barcode(&self) -> Option<String> {
        match self.kind {
            DocumentKind::Invoice => {
                barcode::virtual_barcode_v4(&self.iban, self.payable(), &self.reference, Some(self.due_date))
            }
            DocumentKind::CreditNote => None,
        }
    }

    /// Instalment numbers on the document, e.g. `[1, 2]`.
    pub fn instalments(&self) -> Vec<u8> {
        self.lines.iter().map(|l| l.instalment).collect()
    }
}

/// Line text in the buyer's language.
pub fn line_description(lang: Lang, instalment: u8, of: u8, term_start: NaiveDate, term_end: NaiveDate) -> String {
    use chrono::Datelike;
    let (a, b) = (term_start.year(), term_end.year());
    let years = if a == b { a.to_string() } else { format!("{a}–{b}") };
    match lang {
        Lang::Fi => format!("Lyhty-yhteistyön kustannusosuus {years}, erä {instalment}/{of}"),
        Lang::Sv => format!("Lyhty-samarbetets kostnadsandel {years}, rat {instalment}/{of}"),
        Lang::En => format!("Lyhty cost share {years}, instalment {instalment}/{of}"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Numbering(#[from] NumberingError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("only an invoice can be credited")]
    NotAnInvoice,
    #[error("a credit note must credit a positive amount no larger than the invoice")]
    CreditAmount,
    #[error("a credit note cannot be dated before the invoice it corrects")]
    CreditDate,
}

impl DocumentError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Numbering(e) => e.code(),
            Self::Config(e) => e.code(),
            Self::NotAnInvoice => "not_an_invoice",
            Self::CreditAmount => "invalid_credit_amount",
            Self::CreditDate => "invalid_credit_date",
        }
    }
}

/// Turns a planned invoice into an issued one with sequence number `seq` of its issue year.
pub fn issue_invoice(
    plan: &PlannedInvoice,
    config: &InvoicingConfig,
    seq: u32,
    lang: Lang,
) -> Result<InvoiceDocument, DocumentError> {
    use chrono::Datelike;
    config.validate()?;
    let year = plan.issue_date.year();
    let number = format_invoice_number(year, seq)?;
    let reference = reference_for(year, seq)?;
    let lines = plan
        .lines
        .iter()
        .map(|l| InvoiceLine {
            instalment: l.instalment,
            of: plan.instalment_count,
            description: line_description(
                lang,
                l.instalment,
                plan.instalment_count,
                plan.period_start,
                plan.period_end,
            ),
            net: l.amount,
        })
        .collect();
    Ok(InvoiceDocument {
        kind: DocumentKind::Invoice,
        number,
        credited_invoice: None,
        issue_date: plan.issue_date,
        due_date: plan.due_date,
        payment_term_days: plan.payment_term_days,
        period_start: plan.period_start,
        period_end: plan.period_end,
        seller: config.seller.clone(),
        seller_vat_id: config.seller_vat_id.clone(),
        buyer: plan.buyer.clone(),
        lines,
        vat: config.vat.clone(),
        iban: config.iban.clone(),
        bic: config.bic.clone(),
        rf_reference: reference.to_rf(),
        reference,
        buyer_reference: config.buyer_reference.clone(),
        lang,
    })
}

/// A credit note for `original`, numbered `seq` in the year of `issue_date`. With `amount`
/// `None` the whole invoice is credited line by line; otherwise one line credits `amount`
/// (net), which may not exceed the invoice.
pub fn credit_note(
    original: &InvoiceDocument,
    seq: u32,
    issue_date: NaiveDate,
    amount: Option<Cents>,
) -> Result<InvoiceDocument, DocumentError> {
    use chrono::Datelike;
    if original.kind != DocumentKind::Invoice {
        return Err(DocumentError::NotAnInvoice);
    }
    if issue_date < original.issue_date {
        return Err(DocumentError::CreditDate);
    }
    let lines = match amount {
        None => original.lines.clone(),
        Some(a) if a.0 > 0 && a <= original.net_total() => {
            let first = original.lines.first().ok_or(DocumentError::CreditAmount)?;
            let text = match original.lang {
                Lang::Fi => format!("Hyvitys laskusta {}", original.number),
                Lang::Sv => format!("Gottgörelse för faktura {}", original.number),
                Lang::En => format!("Credit for invoice {}", original.number),
            };
            vec![InvoiceLine { instalment: first.instalment, of: first.of, description: text, net: a }]
        }
        Some(_) => return Err(DocumentError::CreditAmount),
    };
    let year = issue_date.year();
    let reference = reference_for(year, seq)?;
    Ok(InvoiceDocument {
        kind: DocumentKind::CreditNote,
        number: format_invoice_number(year, seq)?,
        credited_invoice: Some(CreditedInvoice { number: original.number.clone(), issue_date: original.issue_date }),
        issue_date,
        due_date: issue_date,
        lines,
        rf_reference: reference.to_rf(),
        reference,
        ..original.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peppol_ids() {
        assert_eq!(PeppolId::parse("0216:003725742617").unwrap().to_string(), "0216:003725742617");
        assert_eq!(PeppolId::parse("003702462460").unwrap().scheme, "0216");
        assert_eq!(PeppolId::parse("0037:02462460").unwrap().scheme, "0037");
        assert!(PeppolId::parse("abc").is_none());
        assert!(PeppolId::parse("216:1").is_none());
        assert!(PeppolId::parse("0216:").is_none());
        let b = BusinessId::parse("0246246-0").unwrap();
        assert_eq!(PeppolId::from_business_id(&b).to_string(), "0216:003702462460");
    }

    #[test]
    fn vat_rounding() {
        let s = VatTreatment::Standard { rate_basis_points: 2550 };
        assert_eq!(s.tax_on(Cents(1_250_000)), Cents(318_750));
        assert_eq!(s.tax_on(Cents(1)), Cents(0)); // 0.255 cents
        assert_eq!(s.tax_on(Cents(2)), Cents(1)); // 0.51 cents
        assert_eq!(VatTreatment::OutsideScope.tax_on(Cents(100)), Cents::ZERO);
    }

    #[test]
    fn config_validation() {
        let mut c = InvoicingConfig::valtori(Iban::parse("FI2112345600000785").unwrap(), "NDEAFIHH");
        c.validate().unwrap();
        c.vat = VatTreatment::Standard { rate_basis_points: 2550 };
        assert_eq!(c.validate(), Err(ConfigError::VatIdRequired("S")));
        c.seller_vat_id = Some("FI25742617".into());
        c.validate().unwrap();
        c.bic = "NDEA".into();
        assert_eq!(c.validate(), Err(ConfigError::Bic));
    }
}
