//! The parties an invoice names and the coordinator's invoicing settings.
//!
//! [`InvoiceParty`] is a seller or buyer as printed, with its Peppol address
//! ([`PeppolId`]); [`InvoicingConfig`] is the seller's own part of every invoice: who it
//! is, the account paid into, the VAT treatment ([`VatTreatment`]) and the payment term.
//! Planning a run ([`invoicing`](crate::invoicing)) names the buyers, issuing one
//! ([`document`](crate::document)) adds the seller, and both renderers print them, so
//! these sit beneath all of them.

use lyhty_domain::iban::Iban;
use lyhty_domain::{BusinessId, Cents, Org};
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
