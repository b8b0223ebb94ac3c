//! Personal data, retention and confidentiality (agreement §8.3.3, §14, §17 and the GDPR).
//!
//! The rules that decide dates and words, with no I/O: when an accession agreement ends,
//! how long it is kept and how long it stays confidential, and the one marking that every
//! view and export of one organisation's data carries.
//!
//! When the agreement ends: the agreement period is 1.9.2025–31.12.2026 (§6). An accession
//! agreement "on voimassa Pääsopimuksen voimassaolon ajan, tai kunnes liittyvä sopijapuoli
//! irtisanoo liittymisen …, taikka koordinaattori purkaa sen" (accession form), so a party
//! that gives notice or is expelled has its agreement end on the termination's effective
//! date when that is earlier; otherwise the agreement period's end applies. §8.3.3 keeps
//! signed agreements 10 years after that end, and §14's confidentiality lasts 5 years after
//! it. A continuation after 2026 is a new signing round (§6), so a new agreement file.

use crate::{Lang, Org, OrgStatus, Term};
use chrono::{Months, NaiveDate};

/// The last day of the agreement period (§6: "toimikausi on 1.9.2025 – 31.12.2026").
pub const AGREEMENT_PERIOD_ENDS_ON: NaiveDate = match NaiveDate::from_ymd_opt(2026, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// §8.3.3: "Sopimuksia säilytetään 10 vuotta sopimuksen päättymisen jälkeen."
pub const RETENTION_YEARS: u32 = 10;
/// §14: "… voimassa viisi vuotta sopimuksen päättymisen jälkeen."
pub const CONFIDENTIALITY_YEARS: u32 = 5;

/// The day a party's accession agreement ends: its termination's effective date when it
/// left before the agreement period ended, else the period's end.
pub fn agreement_ends_on(org: &Org) -> NaiveDate {
    match (org.status, org.status_effective_on) {
        (OrgStatus::Terminated | OrgStatus::Expelled, Some(day)) if day < AGREEMENT_PERIOD_ENDS_ON => day,
        _ => AGREEMENT_PERIOD_ENDS_ON,
    }
}

fn years_after(day: NaiveDate, years: u32) -> NaiveDate {
    // Whole months, so 29 February becomes 28 February in a common year.
    day.checked_add_months(Months::new(years * 12)).unwrap_or(NaiveDate::MAX)
}

/// How long a signed agreement is kept and stays confidential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub ends_on: NaiveDate,
    /// §8.3.3: 10 years after the end.
    pub retain_until: NaiveDate,
    /// §14: 5 years after the end.
    pub confidential_until: NaiveDate,
}

impl Retention {
    pub fn from_end(ends_on: NaiveDate) -> Self {
        Self {
            ends_on,
            retain_until: years_after(ends_on, RETENTION_YEARS),
            confidential_until: years_after(ends_on, CONFIDENTIALITY_YEARS),
        }
    }

    pub fn of(org: &Org) -> Self {
        Self::from_end(agreement_ends_on(org))
    }
}

/// The marking of one organisation's data (§14: "Salassa pidettävä aineisto merkitään
/// salassa pidettäväksi. Sopijapuolen lisenssiomaisuutta koskevat tiedot ovat salassa
/// pidettäviä."). In Swedish, "sekretessbelagd" is the adjective Finnish authorities use for
/// "salassa pidettävä".
pub const CONFIDENTIALITY_KEY: &str = "agreement_14";
const CONFIDENTIALITY_LABELS: [&str; 3] =
    ["Salassa pidettävä, sopimuksen 14 §", "Sekretessbelagd enligt avtalets 14 §", "Confidential (agreement §14)"];

/// The marking in `lang`.
pub fn confidentiality_label(lang: Lang) -> &'static str {
    crate::vocabulary::pick(lang, CONFIDENTIALITY_LABELS)
}

/// The marking in all three languages, for `GET /api/vocabulary`.
pub fn confidentiality_term() -> Term {
    Term::new(CONFIDENTIALITY_KEY, CONFIDENTIALITY_LABELS)
}

/// The marking in all three languages on one line each, for files without a language
/// (archives, CSV headers).
pub fn confidentiality_all_languages() -> String {
    CONFIDENTIALITY_LABELS.join("\n")
}

/// What an erased name or address is replaced with where a value must stay (a user's
/// name, a log entry's actor).
pub const ERASED: &str = "[erased]";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BusinessId, OrgCategory, OrgId};

    fn org(status: OrgStatus, effective: Option<NaiveDate>) -> Org {
        Org {
            id: OrgId::new(),
            name: "Kela".into(),
            business_id: BusinessId::parse("0246246-0").unwrap(),
            category: OrgCategory::Kela,
            annual_budget_cents: None,
            budget_year: None,
            budget_source: None,
            joined_on: NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            accession_number: None,
            accession_decision_id: None,
            represented_by: None,
            einvoice_address: None,
            contact_name: None,
            contact_email: None,
            contact_phone: None,
            cost_share_cents: None,
            status,
            status_effective_on: effective,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_active_party_keeps_its_agreement_until_2036_and_confidential_until_2031() {
        let r = Retention::of(&org(OrgStatus::Active, None));
        assert_eq!(r.ends_on, d(2026, 12, 31));
        assert_eq!(r.retain_until, d(2036, 12, 31));
        assert_eq!(r.confidential_until, d(2031, 12, 31));
    }

    #[test]
    fn a_party_that_left_early_counts_from_its_own_end() {
        let r = Retention::of(&org(OrgStatus::Terminated, Some(d(2026, 6, 30))));
        assert_eq!((r.ends_on, r.retain_until, r.confidential_until), (d(2026, 6, 30), d(2036, 6, 30), d(2031, 6, 30)));
        // A termination effective after the period changes nothing: the period ends first.
        let late = Retention::of(&org(OrgStatus::Expelled, Some(d(2027, 3, 1))));
        assert_eq!(late.retain_until, d(2036, 12, 31));
    }

    #[test]
    fn a_leap_day_end_is_kept_to_the_end_of_february() {
        assert_eq!(Retention::from_end(d(2028, 2, 29)).retain_until, d(2038, 2, 28));
    }

    #[test]
    fn the_marking_is_in_three_languages() {
        assert_eq!(confidentiality_label(Lang::Fi), "Salassa pidettävä, sopimuksen 14 §");
        assert_eq!(confidentiality_label(Lang::Sv), "Sekretessbelagd enligt avtalets 14 §");
        assert_eq!(confidentiality_label(Lang::En), "Confidential (agreement §14)");
        assert_eq!(confidentiality_all_languages().lines().count(), 3);
    }
}
