//! The Finnish virtual bank barcode (pankkiviivakoodi) and its Code 128 rendering.
//!
//! Finance Finland's barcode guide defines 54 digits that a payer's online bank reads
//! (typed or scanned) to fill in the payment:
//!
//! | version 4 (Finnish reference) | digits |
//! |---|---|
//! | version `4` | 1 |
//! | IBAN without `FI` | 16 |
//! | euros, cents | 6 + 2 |
//! | reserve `000` | 3 |
//! | reference, zero-padded left | 20 |
//! | due date `YYMMDD` (or `000000`) | 6 |
//!
//! Version 5 carries an RF reference instead: after the amount come the RF check digits (2)
//! and the RF body zero-padded to 21 digits. Only Finnish accounts and amounts under one
//! million euros fit; then there is no barcode and the invoice says so by omission.
//!
//! The digits are printed as Code 128, code set C (two digits per symbol).

use chrono::{Datelike, NaiveDate};
use lyhty_domain::Cents;
use lyhty_domain::iban::Iban;
use lyhty_domain::reference::{Reference, RfReference};

/// Version 4: IBAN + Finnish reference. `None` if the account is not Finnish or the amount
/// is negative or one million euros or more.
pub fn virtual_barcode_v4(iban: &Iban, amount: Cents, reference: &Reference, due: Option<NaiveDate>) -> Option<String> {
    let (account, money) = common(iban, amount)?;
    let reference = reference.digits();
    if reference.len() > 20 {
        return None;
    }
    Some(format!("4{account}{money}000{reference:0>20}{}", due_digits(due)?))
}

/// Version 5: IBAN + RF reference. `None` in the cases of version 4, and when the RF body
/// is not all digits or longer than 21.
pub fn virtual_barcode_v5(iban: &Iban, amount: Cents, rf: &RfReference, due: Option<NaiveDate>) -> Option<String> {
    let (account, money) = common(iban, amount)?;
    let body = rf.body();
    if body.len() > 21 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("5{account}{money}{}{body:0>21}{}", rf.check_digits(), due_digits(due)?))
}

fn common(iban: &Iban, amount: Cents) -> Option<(String, String)> {
    if !iban.is_finnish() || amount.0 < 0 || amount.0 >= 100_000_000 {
        return None;
    }
    let account = &iban.electronic()[2..];
    if account.len() != 16 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((account.to_string(), format!("{:06}{:02}", amount.0 / 100, amount.0 % 100)))
}

fn due_digits(due: Option<NaiveDate>) -> Option<String> {
    match due {
        None => Some("000000".into()),
        // Two-digit years cover 2000–2099; outside that the date cannot be encoded.
        Some(d) if (2000..2100).contains(&d.year()) => {
            Some(format!("{:02}{:02}{:02}", d.year() % 100, d.month(), d.day()))
        }
        Some(_) => None,
    }
}

/// Bar and space widths (in modules, starting with a bar) of Code 128 symbol values
/// 0–106, ISO/IEC 15417. 105 is Start C; 106 is Stop, whose last bar is the 2-module
/// termination bar.
const PATTERNS: [&str; 107] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213", "221312",
    "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132", "221231", "213212",
    "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321", "232121",
    "111323", "131123", "131321", "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331",
    "132131", "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131", "311123",
    "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224", "111422", "121124",
    "121421", "141122", "141221", "112214", "112412", "122114", "122411", "142112", "142211", "241211", "221114",
    "413111", "241112", "134111", "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
];

const START_C: usize = 105;
const STOP: usize = 106;

/// Symbol values of `digits` in Code 128 code set C: Start C, one value per digit pair,
/// the mod-103 check symbol, Stop. `None` unless the input is an even number of digits.
pub fn code128c_values(digits: &str) -> Option<Vec<usize>> {
    if digits.is_empty() || !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut values = vec![START_C];
    for pair in digits.as_bytes().chunks(2) {
        values.push(usize::from(pair[0] - b'0') * 10 + usize::from(pair[1] - b'0'));
    }
    let checksum = values.iter().enumerate().map(|(i, v)| i.max(1) * v).sum::<usize>() % 103;
    values.push(checksum);
    values.push(STOP);
    Some(values)
}

/// Element widths (modules) of the whole symbol, bar first, without quiet zones.
pub fn code128c_modules(digits: &str) -> Option<Vec<u8>> {
    let values = code128c_values(digits)?;
    Some(values.iter().flat_map(|v| PATTERNS[*v].bytes().map(|b| b - b'0')).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn version_4_test_vector() {
        let iban = Iban::parse("FI79 4405 2020 0360 82").unwrap();
        let reference = Reference::parse("86851 62596 19897").unwrap();
        let code = virtual_barcode_v4(&iban, Cents(488_315), &reference, Some(d(2010, 6, 12))).unwrap();
        assert_eq!(code, "479440520200360820048831500000000868516259619897100612");
        assert_eq!(code.len(), 54);
    }

    #[test]
    fn version_5_layout() {
        let iban = Iban::parse("FI79 4405 2020 0360 82").unwrap();
        let rf = Reference::parse("86851 62596 19897").unwrap().to_rf();
        let code = virtual_barcode_v5(&iban, Cents(488_315), &rf, Some(d(2010, 6, 12))).unwrap();
        // Finance Finland's version 5 example for RF09 8685 1625 9619 897.
        assert_eq!(code, "579440520200360820048831509000000868516259619897100612");
        assert_eq!(code.len(), 54);
    }

    #[test]
    fn none_when_it_does_not_fit() {
        let fi = Iban::parse("FI79 4405 2020 0360 82").unwrap();
        let r = Reference::parse("12345672").unwrap();
        assert!(virtual_barcode_v4(&fi, Cents(99_999_999), &r, None).is_some());
        assert!(virtual_barcode_v4(&fi, Cents(100_000_000), &r, None).is_none());
        assert!(virtual_barcode_v4(&fi, Cents(-1), &r, None).is_none());
        let de = Iban::parse("DE89 3704 0044 0532 0130 00").unwrap();
        assert!(virtual_barcode_v4(&de, Cents(100), &r, None).is_none());
        assert!(virtual_barcode_v4(&fi, Cents(100), &r, Some(d(2100, 1, 1))).is_none());
        let alnum = RfReference::parse("RF47 ABC123").unwrap();
        assert!(virtual_barcode_v5(&fi, Cents(100), &alnum, None).is_none());
        assert!(virtual_barcode_v4(&fi, Cents(100), &r, None).unwrap().ends_with("000000"));
    }

    #[test]
    fn the_longest_references_and_a_zero_amount_still_fit() {
        let fi = Iban::parse("FI79 4405 2020 0360 82").unwrap();
        // 20 digits is the longest Finnish reference; it fills the field with no padding.
        let longest = Reference::new("1234567890123456789").unwrap();
        assert_eq!(longest.digits().len(), 20);
        let v4 = virtual_barcode_v4(&fi, Cents(100), &longest, None).unwrap();
        assert_eq!(&v4[28..48], longest.digits());
        // 21 digits is the longest RF body.
        let body = "123456789012345678901";
        let rf = (0..100).find_map(|c| RfReference::parse(&format!("RF{c:02}{body}")).ok()).unwrap();
        let v5 = virtual_barcode_v5(&fi, Cents(100), &rf, None).unwrap();
        assert_eq!(&v5[27..48], body);
        // Zero euros: the payer types the amount in.
        let zero = virtual_barcode_v4(&fi, Cents(0), &longest, None).unwrap();
        assert_eq!(&zero[17..25], "00000000");
    }

    #[test]
    fn a_finnish_iban_with_letters_in_the_account_has_no_barcode() {
        // The IBAN check allows letters after the country code; the barcode's 16 account
        // digits do not.
        let iban = (2..99).find_map(|c| Iban::parse(&format!("FI{c:02}1234560000078A")).ok()).unwrap();
        assert!(iban.is_finnish());
        let r = Reference::parse("12345672").unwrap();
        assert!(virtual_barcode_v4(&iban, Cents(100), &r, None).is_none());
    }

    #[test]
    fn code128_table_is_well_formed() {
        for (i, p) in PATTERNS.iter().enumerate() {
            let sum: u32 = p.bytes().map(|b| u32::from(b - b'0')).sum();
            assert_eq!(sum, if i == STOP { 13 } else { 11 }, "pattern {i}");
        }
        let mut unique: Vec<&str> = PATTERNS.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), PATTERNS.len());
    }

    #[test]
    fn code128c_checksum() {
        // Start C (105) + 12·1 + 34·2 = 185 → 185 mod 103 = 82.
        assert_eq!(code128c_values("1234").unwrap(), vec![105, 12, 34, 82, 106]);
        assert!(code128c_values("123").is_none());
        assert!(code128c_values("12a4").is_none());
        assert!(code128c_values("").is_none());
    }

    proptest! {
        #[test]
        fn barcode_is_always_54_digits(amount in 0i64..100_000_000, base in "[1-9][0-9]{2,18}", days in 0u64..30_000) {
            let iban = Iban::parse("FI21 1234 5600 0007 85").unwrap();
            let r = Reference::new(&base).unwrap();
            let due = d(2000, 1, 1).checked_add_days(chrono::Days::new(days)).unwrap();
            let v4 = virtual_barcode_v4(&iban, Cents(amount), &r, Some(due)).unwrap();
            prop_assert_eq!(v4.len(), 54);
            let v5 = virtual_barcode_v5(&iban, Cents(amount), &r.to_rf(), Some(due)).unwrap();
            prop_assert_eq!(v5.len(), 54);
            let modules = code128c_modules(&v4).unwrap();
            // 27 data symbols + start + check = 29 symbols of 11 modules, stop of 13.
            prop_assert_eq!(modules.iter().map(|m| u32::from(*m)).sum::<u32>(), 29 * 11 + 13);
        }
    }
}
