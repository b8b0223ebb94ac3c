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
use lyhty_domain::{Cents, Lang};
use serde::{Deserialize, Serialize};

// A document carries the seller's settings and both parties; they are defined beneath it,
// in `seller`, and named here too because callers reach them through the document.
pub use crate::seller::{ConfigError, InvoiceParty, InvoicingConfig, PeppolId, VatTreatment};

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
