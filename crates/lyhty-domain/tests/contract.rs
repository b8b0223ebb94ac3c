//! What the other crates and the API rely on from the domain types, pinned here so that a
//! change shows up in this crate's own tests (and so that `make mutants` finds each of these
//! behaviours guarded): stable error codes, key parsing, `Cents` arithmetic and formats,
//! access dates, labels.

use chrono::NaiveDate;
use lyhty_domain::email::is_valid_email;
use lyhty_domain::{
    BusinessId, Cents, Iban, IbanError, Lang, Org, OrgCategory, OrgId, OrgStatus, Reference, ReferenceError,
    RfReference, Role,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn business_id_forms() {
    let id = BusinessId::parse("2574261-7").unwrap();
    assert_eq!(id.digits(), "25742617", "as in Peppol 0216:0037… addresses");
    assert_eq!(id.to_string(), "2574261-7");
}

#[test]
fn email_boundaries() {
    let local = "a".repeat(64);
    let ok = format!("{local}@{}.fi", "b".repeat(254 - 64 - 1 - 3));
    assert_eq!(ok.len(), 254);
    assert!(is_valid_email(&ok), "254 characters is the limit, inclusive");
    assert!(!is_valid_email(&format!("{local}@{}.fi", "b".repeat(254 - 64 - 3))), "255 is too long");
    assert!(!is_valid_email(&format!("{}@b.fi", "a".repeat(65))), "a local part is at most 64");
    assert!(is_valid_email("kirjaamo@pohjois-savo.fi"), "hyphens inside a domain label");
    assert!(is_valid_email("a.b@c.fi"));
}

#[test]
fn languages_by_code() {
    for (code, lang) in [("fi", Lang::Fi), ("sv", Lang::Sv), ("en", Lang::En)] {
        assert_eq!(Lang::parse(code), Some(lang));
        assert_eq!(Lang::parse(&format!(" {} ", code.to_uppercase())), Some(lang));
        assert_eq!(lang.code(), code);
    }
    assert_eq!(Lang::parse("de"), None);
    assert_eq!(Lang::default(), Lang::Fi);
}

#[test]
fn cents_arithmetic() {
    assert_eq!(Cents::euros(12_500), Cents(1_250_000));
    assert_eq!(Cents(-42).get(), -42);
    assert_eq!(Cents(7).checked_add(Cents(5)), Some(Cents(12)));
    assert_eq!(Cents(i64::MAX).checked_add(Cents(1)), None);
    assert_eq!(Cents(7) + Cents(5), Cents(12));
    assert_eq!(Cents(7) - Cents(5), Cents(2));
    assert_eq!(-Cents(7), Cents(-7));
    let mut c = Cents(10);
    c += Cents(5);
    assert_eq!(c, Cents(15));
    c -= Cents(20);
    assert_eq!(c, Cents(-5));
    assert_eq!([Cents(1), Cents(2), Cents(3)].into_iter().sum::<Cents>(), Cents(6));
    assert_eq!([Cents(1), Cents(2), Cents(3)].iter().sum::<Cents>(), Cents(6));
}

#[test]
fn cents_formats_at_zero_and_below() {
    assert_eq!(Cents(0).to_string(), "0.00");
    assert_eq!(Cents(-1).to_string(), "-0.01");
    assert_eq!(Cents(0).to_finnish_number(), "0,00");
    assert_eq!(Cents(-123_456).to_finnish(), "-1\u{a0}234,56 €");
}

#[test]
fn categories_statuses_and_roles_by_key() {
    for c in OrgCategory::ALL {
        assert_eq!(OrgCategory::parse(&format!(" {} ", c.key())), Some(c));
    }
    assert_eq!(OrgCategory::parse("kunta"), None);
    let tiered: Vec<OrgCategory> = OrgCategory::ALL.into_iter().filter(|c| c.is_tiered()).collect();
    assert_eq!(tiered, [OrgCategory::WellbeingCounty, OrgCategory::LargeCity], "budget tiers, §9.2");
    let overridden: Vec<OrgCategory> = OrgCategory::ALL.into_iter().filter(|c| c.needs_share_override()).collect();
    assert_eq!(overridden, [OrgCategory::Parish, OrgCategory::Other]);
    for s in OrgStatus::ALL {
        assert_eq!(OrgStatus::parse(s.key()), Some(s));
    }
    assert_eq!(OrgStatus::parse("paused"), None);
    for r in Role::ALL {
        assert_eq!(Role::parse(&format!("{} ", r.key())), Some(r));
    }
    assert_eq!(Role::parse("admin"), None);
}

#[test]
fn labels_people_read() {
    assert_eq!(OrgStatus::Terminated.label(Lang::Fi), "Irtisanottu");
    assert_eq!(OrgStatus::Expelled.label(Lang::Sv), "Utesluten");
    assert_eq!(Role::Steering.label(Lang::En), "Steering group");
    assert_eq!(Role::Coordinator.label(Lang::Fi), "Koordinaattori");
}

fn party(status: OrgStatus, effective: Option<NaiveDate>) -> Org {
    Org {
        id: OrgId::new(),
        name: "Kela".into(),
        business_id: BusinessId::parse("0246246-0").unwrap(),
        category: OrgCategory::Kela,
        annual_budget_cents: None,
        budget_year: None,
        budget_source: None,
        joined_on: day(2025, 8, 25),
        accession_number: None,
        represented_by: None,
        einvoice_address: None,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        cost_share_cents: None,
        status,
        status_effective_on: effective,
        accession_decision_id: None,
    }
}

/// §17: access ends on the effective date of a termination, not the day after.
#[test]
fn access_ends_on_the_effective_date() {
    let active = party(OrgStatus::Active, None);
    assert!(active.has_access_on(day(2030, 1, 1)) && !active.has_ended_by(day(2030, 1, 1)));
    let leaving = party(OrgStatus::Terminated, Some(day(2026, 3, 31)));
    assert!(leaving.has_access_on(day(2026, 3, 30)));
    assert!(!leaving.has_access_on(day(2026, 3, 31)));
    assert!(!leaving.has_access_on(day(2026, 4, 1)));
    assert!(!leaving.has_ended_by(day(2026, 3, 30)));
    assert!(leaving.has_ended_by(day(2026, 3, 31)));
    assert!(!party(OrgStatus::Expelled, None).has_access_on(day(2025, 1, 1)));
}

#[test]
fn stable_error_codes() {
    assert_eq!(IbanError::Format.code(), "invalid_iban_format");
    assert_eq!(IbanError::UnknownCountry("US".into()).code(), "unsupported_iban_country");
    assert_eq!(IbanError::CheckDigits.code(), "invalid_iban_check_digits");
    let length = IbanError::Length { country: "FI".into(), expected: 18, found: 17 };
    assert_eq!(length.code(), "invalid_iban_length");
    assert_eq!(ReferenceError::NotDigits.code(), "invalid_reference_format");
    assert_eq!(ReferenceError::Length.code(), "invalid_reference_format");
    assert_eq!(ReferenceError::CheckDigit.code(), "invalid_reference_check_digit");
    assert_eq!(ReferenceError::RfFormat.code(), "invalid_rf_reference_format");
    assert_eq!(ReferenceError::RfCheckDigits.code(), "invalid_rf_reference_check_digits");
    assert_eq!(Reference::parse("12345673").unwrap_err().code(), "invalid_reference_check_digit");
}

#[test]
fn iban_lengths_and_shapes() {
    assert_eq!(Iban::parse("FI21 1234 5600 0007 85").unwrap().to_string(), "FI21 1234 5600 0007 85");
    // Five characters is a shape an IBAN may have; Finland's are longer.
    assert!(matches!(Iban::parse("FI211"), Err(IbanError::Length { found: 5, .. })));
    assert_eq!(Iban::parse("FI21"), Err(IbanError::Format));
    // 34 characters is the longest shape; 35 is not an IBAN at all.
    let long = format!("FI21{}", "1".repeat(30));
    assert!(matches!(Iban::parse(&long), Err(IbanError::Length { found: 34, .. })));
    assert_eq!(Iban::parse(&format!("{long}1")), Err(IbanError::Format));
    assert_eq!(Iban::parse("1221 1234 5600 0007 85"), Err(IbanError::Format), "a country is two letters");
}

/// RF references may carry letters; a long run of them must still check (ISO 7064 in
/// pieces, without overflowing).
#[test]
fn rf_reference_of_letters() {
    assert!(RfReference::parse("RF33 LYHT YLIS ENSS IT").is_ok());
    assert_eq!(RfReference::parse("RF34 LYHT YLIS ENSS IT"), Err(ReferenceError::RfCheckDigits));
}
