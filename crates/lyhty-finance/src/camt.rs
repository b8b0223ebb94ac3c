//! Reading reference payments from an ISO 20022 camt.054 bank file.
//!
//! Finnish banks deliver incoming reference payments as camt.054 ("Bank to customer debit
//! credit notification"). Each credit entry (`Ntry`) holds one or more transactions
//! (`NtryDtls/TxDtls`); the creditor reference sits in `RmtInf/Strd/CdtrRefInf/Ref`. This
//! module turns a file into plain [`BankPayment`] records for the store to match by
//! reference; it decides nothing about invoices.
//!
//! The file comes from outside, so parsing is defensive: elements are matched by local
//! name (any camt.054 version's namespace), the tree has hard size limits, an entry that
//! cannot be read is reported in `skipped` instead of failing the whole file, and nothing
//! panics on any input.

use crate::payments::normalise_reference;
use chrono::NaiveDate;
use lyhty_domain::Cents;
use lyhty_domain::reference::Reference;
use roxmltree::{Document, Node, ParsingOptions};
use serde::{Deserialize, Serialize};

/// Largest bank file accepted (the API's body limit should be the same or smaller).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// One incoming payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BankPayment {
    pub amount: Cents,
    pub booking_date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    /// The reference as the bank reported it (`RF…` or digits), if any.
    pub raw_reference: Option<String>,
    /// The Finnish reference it stands for, when it is a valid one (in either form).
    pub reference: Option<Reference>,
    pub debtor_name: Option<String>,
    /// The bank's own identifier of the transaction (`AcctSvcrRef`), for deduplication:
    /// importing the same file twice must not record a payment twice.
    pub entry_reference: String,
}

/// An entry that was not turned into a payment, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SkippedEntry {
    /// 1-based position of the entry in the file.
    pub entry: usize,
    pub reason: String,
}

/// What a file contained.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CamtReport {
    pub payments: Vec<BankPayment>,
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CamtError {
    #[error("the bank file is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the bank file is not valid UTF-8 XML: {0}")]
    Xml(String),
    #[error("the file is not an ISO 20022 camt.054 notification (no BkToCstmrDbtCdtNtfctn)")]
    NotCamt054,
}

impl CamtError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "bank_file_too_large",
            Self::Xml(_) => "invalid_bank_file",
            Self::NotCamt054 => "not_camt054",
        }
    }
}

/// Parses a camt.054 file. Debit entries, reversals and entries in other currencies are
/// skipped with a reason.
pub fn parse_camt054(bytes: &[u8]) -> Result<CamtReport, CamtError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(CamtError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| CamtError::Xml(e.to_string()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // DTDs are refused (no entity expansion games); the node limit bounds memory.
    let options = ParsingOptions { allow_dtd: false, nodes_limit: 2_000_000, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, options).map_err(|e| CamtError::Xml(e.to_string()))?;
    let root = doc.root_element();
    let notification = if root.tag_name().name() == "BkToCstmrDbtCdtNtfctn" {
        root
    } else {
        child(root, "BkToCstmrDbtCdtNtfctn").ok_or(CamtError::NotCamt054)?
    };

    let mut report = CamtReport::default();
    let mut index = 0;
    for ntfctn in children(notification, "Ntfctn") {
        for entry in children(ntfctn, "Ntry") {
            index += 1;
            if let Err(reason) = read_entry(entry, &mut report.payments) {
                report.skipped.push(SkippedEntry { entry: index, reason });
            }
        }
    }
    Ok(report)
}

fn read_entry(entry: Node, out: &mut Vec<BankPayment>) -> Result<(), String> {
    match text(entry, &["CdtDbtInd"]).as_deref() {
        Some("CRDT") => {}
        Some("DBIT") => return Err("a debit, not an incoming payment".into()),
        _ => return Err("no credit/debit indicator".into()),
    }
    if text(entry, &["RvslInd"]).is_some_and(|v| v == "true" || v == "1") {
        return Err("a reversal of an earlier entry".into());
    }
    let entry_amount = amount(entry, &["Amt"])?;
    let booking_date = date(entry, "BookgDt").ok_or("no booking date")?;
    let value_date = date(entry, "ValDt");
    let entry_ref = text(entry, &["AcctSvcrRef"]).or_else(|| text(entry, &["NtryRef"]));

    let txs: Vec<Node> = children(entry, "NtryDtls").flat_map(|d| children(d, "TxDtls")).collect();
    if txs.is_empty() {
        let entry_reference = entry_ref.ok_or("no entry reference (AcctSvcrRef)")?;
        out.push(BankPayment {
            amount: entry_amount,
            booking_date,
            value_date,
            raw_reference: None,
            reference: None,
            debtor_name: None,
            entry_reference,
        });
        return Ok(());
    }
    let single = txs.len() == 1;
    let mut batch = Vec::with_capacity(txs.len());
    for (i, tx) in txs.iter().enumerate() {
        // A transaction's own amount; a lone transaction may leave it to the entry.
        let amount = match amount(*tx, &["AmtDtls", "TxAmt", "Amt"]).or_else(|_| amount(*tx, &["Amt"])) {
            Ok(a) => a,
            Err(_) if single => entry_amount,
            Err(e) => return Err(format!("transaction {}: {e}", i + 1)),
        };
        let raw_reference = txs_reference(*tx);
        let reference = raw_reference.as_deref().and_then(normalise_reference);
        let debtor_name =
            text(*tx, &["RltdPties", "Dbtr", "Nm"]).or_else(|| text(*tx, &["RltdPties", "Dbtr", "Pty", "Nm"]));
        let entry_reference = text(*tx, &["Refs", "AcctSvcrRef"])
            .or_else(|| entry_ref.as_ref().map(|r| if single { r.clone() } else { format!("{r}/{}", i + 1) }))
            .ok_or("no transaction reference (AcctSvcrRef)")?;
        batch.push(BankPayment {
            amount,
            booking_date,
            value_date,
            raw_reference,
            reference,
            debtor_name,
            entry_reference,
        });
    }
    let sum: Cents = batch.iter().map(|p| p.amount).sum();
    if sum != entry_amount {
        return Err(format!("the transactions add up to {sum} but the entry says {entry_amount}"));
    }
    out.extend(batch);
    Ok(())
}

fn txs_reference(tx: Node) -> Option<String> {
    children(tx, "RmtInf")
        .flat_map(|r| children(r, "Strd"))
        .flat_map(|s| children(s, "CdtrRefInf"))
        .find_map(|c| text(c, &["Ref"]))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.is_element() && n.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn descend<'a, 'i>(node: Node<'a, 'i>, path: &[&str]) -> Option<Node<'a, 'i>> {
    path.iter().try_fold(node, |n, name| child(n, name))
}

fn text(node: Node, path: &[&str]) -> Option<String> {
    descend(node, path).and_then(|n| n.text()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// `BookgDt/Dt` or `BookgDt/DtTm` (date part).
fn date(entry: Node, element: &str) -> Option<NaiveDate> {
    let raw = text(entry, &[element, "Dt"]).or_else(|| text(entry, &[element, "DtTm"]))?;
    NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()
}

/// A EUR amount element into cents; other currencies are refused because the network
/// invoices only in euros.
fn amount(node: Node, path: &[&str]) -> Result<Cents, String> {
    let n = descend(node, path).ok_or("no amount")?;
    let currency = n.attribute("Ccy").unwrap_or("");
    if currency != "EUR" {
        return Err(format!("currency {currency:?} is not EUR"));
    }
    let cents = parse_decimal(n.text().unwrap_or("").trim())
        .ok_or_else(|| "the amount is not a number with at most two decimals".to_string())?;
    if !cents.is_within_input_bound() {
        return Err(format!("the amount {cents} is over the largest amount accepted ({})", Cents::MAX_INPUT));
    }
    Ok(cents)
}

/// `1234.5` → 123450 cents. Strict: digits, one optional dot, at most two decimals, no
/// sign (ISO 20022 amounts are unsigned), no more than 15 integer digits.
fn parse_decimal(s: &str) -> Option<Cents> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || whole.len() > 15 || frac.len() > 2 {
        return None;
    }
    if !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    Some(Cents(whole.checked_mul(100)?.checked_add(frac)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("12500.00"), Some(Cents(1_250_000)));
        assert_eq!(parse_decimal("0.5"), Some(Cents(50)));
        assert_eq!(parse_decimal("7"), Some(Cents(700)));
        assert_eq!(parse_decimal("1.234"), None);
        assert_eq!(parse_decimal("-1.00"), None);
        assert_eq!(parse_decimal("1,00"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal(".5"), None);
        assert_eq!(parse_decimal("9999999999999999"), None);
    }

    #[test]
    fn refuses_what_is_not_camt054() {
        assert_eq!(parse_camt054(b"not xml").unwrap_err().code(), "invalid_bank_file");
        assert_eq!(parse_camt054(b"<Document><Other/></Document>").unwrap_err().code(), "not_camt054");
        assert_eq!(parse_camt054(&[0xff, 0xfe]).unwrap_err().code(), "invalid_bank_file");
        let dtd = b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Document/>";
        assert_eq!(parse_camt054(dtd).unwrap_err().code(), "invalid_bank_file");
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_camt054(&bytes);
        }

        #[test]
        fn never_panics_on_mangled_entries(amt in "\\PC{0,12}", ind in "\\PC{0,6}", dt in "\\PC{0,12}", r in "\\PC{0,30}") {
            let xml = format!(
                "<Document><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd>\
                 <BookgDt><Dt>{}</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>{}</Ref></CdtrRefInf></Strd></RmtInf>\
                 </TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>",
                esc(&amt), esc(&ind), esc(&dt), esc(&r)
            );
            let _ = parse_camt054(xml.as_bytes());
        }
    }

    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;")
    }

    // A structured generator: files of well-formed entries of every kind, so that amounts,
    // dates, references and batch sums are exercised, with the expected report computed
    // from the generated values (not from the parser) and compared whole.

    #[derive(Clone, Debug)]
    enum Kind {
        Credit,
        Debit,
        Reversal,
        Usd,
    }

    /// How a transaction's reference is written: digits, grouped in fives, RF, a Finnish
    /// reference with a wrong check digit, or none.
    #[derive(Clone, Debug)]
    struct Tx {
        cents: i64,
        form: u8,
        base: u32,
        debtor: Option<String>,
        own_ref: bool,
    }

    #[derive(Clone, Debug)]
    struct Entry {
        kind: Kind,
        booking: NaiveDate,
        value: Option<NaiveDate>,
        date_time: bool,
        acct_ref: bool,
        /// The entry's amount when it has no transactions.
        amount: i64,
        txs: Vec<Tx>,
        /// Added to the entry amount of a batch: non-zero makes a batch that does not add up.
        skew: i64,
        /// A lone transaction without an amount of its own (it takes the entry's).
        lone_without_amount: bool,
    }

    /// `12.34`, `12.3` or `12`, as banks write amounts.
    fn amount_text(cents: i64) -> String {
        match (cents % 100, cents % 10) {
            (0, _) => format!("{}", cents / 100),
            (c, 0) => format!("{}.{}", cents / 100, c / 10),
            (c, _) => format!("{}.{c:02}", cents / 100),
        }
    }

    fn reference_text(tx: &Tx) -> Option<(String, Option<Reference>)> {
        let r = Reference::new(&tx.base.to_string()).unwrap();
        let mistyped = {
            let d = r.digits();
            let last = (d.as_bytes()[d.len() - 1] - b'0' + 1) % 10;
            format!("{}{last}", &d[..d.len() - 1])
        };
        match tx.form {
            0 => Some((r.digits().to_string(), Some(r))),
            1 => Some((r.grouped(), Some(r))),
            2 => Some((r.to_rf().electronic().to_string(), Some(r))),
            3 => Some((mistyped, None)),
            _ => None,
        }
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (2020i32..2031, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn entry_strategy() -> impl Strategy<Value = Entry> {
        let kind = prop_oneof![6 => Just(Kind::Credit), 1 => Just(Kind::Debit), 1 => Just(Kind::Reversal), 1 => Just(Kind::Usd)];
        let debtor = proptest::option::of("[A-Za-zÅÄÖåäö&<>' ]{1,24}");
        let tx = (0i64..10_000_000_000, 0u8..5, 100u32..10_000_000, debtor, any::<bool>())
            .prop_map(|(cents, form, base, debtor, own_ref)| Tx { cents, form, base, debtor, own_ref });
        let skew = prop_oneof![5 => Just(0i64), 1 => 1i64..100_000];
        (kind, date_strategy(), proptest::option::of(date_strategy()), any::<bool>(), any::<bool>())
            .prop_flat_map(move |head| {
                (
                    Just(head),
                    0i64..10_000_000_000,
                    proptest::collection::vec(tx.clone(), 0..4),
                    skew.clone(),
                    any::<bool>(),
                )
            })
            .prop_map(|((kind, booking, value, date_time, acct_ref), amount, txs, skew, lone_without_amount)| Entry {
                kind,
                booking,
                value,
                date_time,
                acct_ref: acct_ref || (txs.is_empty() && amount % 7 != 0),
                amount,
                txs,
                skew,
                lone_without_amount,
            })
    }

    fn entry_total(e: &Entry) -> i64 {
        if e.txs.is_empty() { e.amount } else { e.txs.iter().map(|t| t.cents).sum::<i64>() + e.skew }
    }

    fn entry_xml(i: usize, e: &Entry) -> String {
        let ccy = if matches!(e.kind, Kind::Usd) { "USD" } else { "EUR" };
        let ind = if matches!(e.kind, Kind::Debit) { "DBIT" } else { "CRDT" };
        let rvsl = if matches!(e.kind, Kind::Reversal) { "<RvslInd>true</RvslInd>" } else { "" };
        let booking = if e.date_time {
            format!("<DtTm>{}T21:05:13+02:00</DtTm>", e.booking)
        } else {
            format!("<Dt>{}</Dt>", e.booking)
        };
        let value = e.value.map(|v| format!("<ValDt><Dt>{v}</Dt></ValDt>")).unwrap_or_default();
        let acct = if e.acct_ref { format!("<AcctSvcrRef>E{i}</AcctSvcrRef>") } else { String::new() };
        let mut txs = String::new();
        for (j, t) in e.txs.iter().enumerate() {
            txs.push_str("<TxDtls>");
            if t.own_ref {
                txs.push_str(&format!("<Refs><AcctSvcrRef>T{i}-{j}</AcctSvcrRef></Refs>"));
            }
            if !(e.txs.len() == 1 && e.lone_without_amount) {
                txs.push_str(&format!(
                    "<AmtDtls><TxAmt><Amt Ccy=\"EUR\">{}</Amt></TxAmt></AmtDtls>",
                    amount_text(t.cents)
                ));
            }
            if let Some(d) = &t.debtor {
                txs.push_str(&format!("<RltdPties><Dbtr><Nm>{}</Nm></Dbtr></RltdPties>", esc(d)));
            }
            if let Some((r, _)) = reference_text(t) {
                txs.push_str(&format!("<RmtInf><Strd><CdtrRefInf><Ref>{r}</Ref></CdtrRefInf></Strd></RmtInf>"));
            }
            txs.push_str("</TxDtls>");
        }
        let details = if txs.is_empty() { txs } else { format!("<NtryDtls>{txs}</NtryDtls>") };
        format!(
            "<Ntry><Amt Ccy=\"{ccy}\">{}</Amt><CdtDbtInd>{ind}</CdtDbtInd>{rvsl}<Sts>BOOK</Sts>\
             <BookgDt>{booking}</BookgDt>{value}{acct}{details}</Ntry>",
            amount_text(entry_total(e))
        )
    }

    /// The payments an entry stands for, or `Err` when it must be skipped: the bank's
    /// rules restated from the generated values.
    fn expected(i: usize, e: &Entry) -> Result<Vec<BankPayment>, ()> {
        if !matches!(e.kind, Kind::Credit) {
            return Err(());
        }
        let payment = |amount, raw_reference, reference, debtor_name, entry_reference| BankPayment {
            amount: Cents(amount),
            booking_date: e.booking,
            value_date: e.value,
            raw_reference,
            reference,
            debtor_name,
            entry_reference,
        };
        if e.txs.is_empty() {
            return if e.acct_ref { Ok(vec![payment(e.amount, None, None, None, format!("E{i}"))]) } else { Err(()) };
        }
        let single = e.txs.len() == 1;
        let mut out = Vec::new();
        for (j, t) in e.txs.iter().enumerate() {
            let amount = if single && e.lone_without_amount { entry_total(e) } else { t.cents };
            let entry_reference = match (t.own_ref, e.acct_ref, single) {
                (true, _, _) => format!("T{i}-{j}"),
                (false, true, true) => format!("E{i}"),
                (false, true, false) => format!("E{i}/{}", j + 1),
                (false, false, _) => return Err(()),
            };
            let (raw, reference) = reference_text(t).map_or((None, None), |(raw, r)| (Some(raw), r));
            let debtor = t.debtor.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
            out.push(payment(amount, raw, reference, debtor, entry_reference));
        }
        if out.iter().map(|p| p.amount.0).sum::<i64>() != entry_total(e) {
            return Err(());
        }
        Ok(out)
    }

    proptest! {
        #[test]
        fn reads_every_generated_entry_as_the_bank_meant_it(entries in proptest::collection::vec(entry_strategy(), 1..6)) {
            let body: String = entries.iter().enumerate().map(|(i, e)| entry_xml(i + 1, e)).collect();
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">\
                 <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId></GrpHdr><Ntfctn><Id>N</Id>{body}</Ntfctn>\
                 </BkToCstmrDbtCdtNtfctn></Document>"
            );
            let report = parse_camt054(xml.as_bytes()).unwrap();
            let mut payments = Vec::new();
            let mut skipped = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                match expected(i + 1, e) {
                    Ok(p) => payments.extend(p),
                    Err(()) => skipped.push(i + 1),
                }
            }
            prop_assert_eq!(&report.payments, &payments);
            prop_assert_eq!(report.skipped.iter().map(|s| s.entry).collect::<Vec<_>>(), skipped);
        }
    }
}
