//! The words people see for the platform's enumerations, in Finnish, Swedish and English.
//!
//! Every enumeration a person picks from or reads (a party's category, a role, a contract
//! type, …) is [`Labelled`]: its values in the order lists show them, each with the stable
//! key the API and the database use and a label per language. The submission template,
//! the reports and the web UI (through `GET /api/vocabulary`, as [`Term`]s) all take their
//! words from these, so they cannot say different things.
//!
//! The licence enumerations define their labels beside them (`licence`); the party model's
//! and the roles' are here, because those types are about more than their names;
//! `lyhty-finance` and `lyhty-ingest` label their own enumerations the same way.

use crate::licence::{Channel, ContractType, LicenceType, Metric, PricePeriod, ProductCategory, Renewal};
use crate::{Lang, OrgCategory, OrgStatus, Role};
use serde::Serialize;

/// An enumeration with a stable key and a label in each interface language.
pub trait Labelled: Copy + 'static {
    /// Every value, in the order lists show them.
    fn all() -> &'static [Self];
    /// The stable key used in the API, the database and releases (the serde form).
    fn key(self) -> &'static str;
    /// The label shown to people in `lang`.
    fn label(self, lang: Lang) -> &'static str;
}

/// One value of an enumeration with its labels, as `GET /api/vocabulary` serves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Term {
    /// The stable key, as the API's other routes give the value.
    pub key: &'static str,
    pub fi: &'static str,
    pub sv: &'static str,
    pub en: &'static str,
}

impl Term {
    /// `key` with its labels in Finnish, Swedish and English.
    pub fn new(key: &'static str, [fi, sv, en]: [&'static str; 3]) -> Self {
        Self { key, fi, sv, en }
    }
}

/// The one of `[fi, sv, en]` in `lang`: how enumerations that keep their labels as such an
/// array answer [`Labelled::label`].
pub fn pick(lang: Lang, [fi, sv, en]: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::Fi => fi,
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// Every value of `T` as a term, in `T`'s order.
pub fn terms<T: Labelled>() -> Vec<Term> {
    T::all().iter().map(|&v| Term::new(v.key(), [v.label(Lang::Fi), v.label(Lang::Sv), v.label(Lang::En)])).collect()
}

/// Implements [`Labelled`] for enumerations that have an inherent `ALL`, `key` and
/// `label(lang)`, as every labelled enumeration of the platform does (its labels then sit
/// beside its other methods).
#[macro_export]
macro_rules! labelled {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::vocabulary::Labelled for $t {
            fn all() -> &'static [Self] {
                &<$t>::ALL
            }
            fn key(self) -> &'static str {
                <$t>::key(self)
            }
            fn label(self, lang: $crate::Lang) -> &'static str {
                <$t>::label(self, lang)
            }
        }
    )+};
}

// The licence enumerations carry their labels already (`labelled_enum!` in `licence`); the
// party model's and the roles' are below.
labelled!(
    LicenceType,
    Metric,
    PricePeriod,
    ContractType,
    Renewal,
    Channel,
    ProductCategory,
    OrgCategory,
    OrgStatus,
    Role
);

impl OrgCategory {
    /// The category's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::WellbeingCounty => ["Hyvinvointialue", "Välfärdsområde", "Wellbeing services county"],
            Self::LargeCity => ["Suuri kaupunki", "Stor stad", "Large city"],
            Self::University => ["Yliopisto", "Universitet", "University"],
            Self::Uas => ["Ammattikorkeakoulu", "Yrkeshögskola", "University of applied sciences"],
            Self::Kela => ["Kela", "FPA", "Kela"],
            Self::State => ["Valtio", "Staten", "State"],
            Self::Municipalities => ["Muut kunnat", "Övriga kommuner", "Other municipalities"],
            Self::Parish => ["Seurakunta", "Församling", "Parish"],
            Self::Other => ["Muu", "Övrig", "Other"],
        };
        pick(lang, labels)
    }
}

impl OrgStatus {
    /// Every status, in the order a party goes through them.
    pub const ALL: [OrgStatus; 4] = [OrgStatus::Pending, OrgStatus::Active, OrgStatus::Terminated, OrgStatus::Expelled];

    /// The status's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Pending => ["Liittyminen käsittelyssä", "Anslutningen behandlas", "Accession pending"],
            Self::Active => ["Voimassa", "I kraft", "Active"],
            Self::Terminated => ["Irtisanottu", "Uppsagd", "Terminated"],
            Self::Expelled => ["Erotettu", "Utesluten", "Expelled"],
        };
        pick(lang, labels)
    }
}

impl Role {
    /// The role's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Member => ["Jäsen", "Medlem", "Member"],
            Self::Steering => ["Ohjausryhmä", "Styrgruppen", "Steering group"],
            Self::Analyst => ["Selvitystyöryhmä", "Utredningsgruppen", "Study working group"],
            Self::Coordinator => ["Koordinaattori", "Koordinator", "Coordinator"],
        };
        pick(lang, labels)
    }
}

/// Checks a labelled enumeration: keys are its serde form and unique, every label is
/// there. For the tests of the crates that label their own enumerations.
pub fn check_labelled<T: Labelled + Serialize>() -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for &v in T::all() {
        let serde = serde_json::to_value(v).map_err(|e| e.to_string())?;
        if serde != v.key() {
            return Err(format!("key {} is serialised as {serde}", v.key()));
        }
        if !seen.insert(v.key()) {
            return Err(format!("key {} appears twice", v.key()));
        }
        for lang in [Lang::Fi, Lang::Sv, Lang::En] {
            if v.label(lang).trim().is_empty() {
                return Err(format!("{} has no {lang:?} label", v.key()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_enumeration_is_labelled_with_its_serde_key() {
        check_labelled::<OrgCategory>().unwrap();
        check_labelled::<OrgStatus>().unwrap();
        check_labelled::<Role>().unwrap();
        check_labelled::<LicenceType>().unwrap();
        check_labelled::<Metric>().unwrap();
        check_labelled::<PricePeriod>().unwrap();
        check_labelled::<ContractType>().unwrap();
        check_labelled::<Renewal>().unwrap();
        check_labelled::<Channel>().unwrap();
        check_labelled::<ProductCategory>().unwrap();
    }

    #[test]
    fn terms_keep_the_order_and_all_three_languages() {
        let t = terms::<ContractType>();
        assert_eq!(t.len(), ContractType::ALL.len());
        let framework = t.iter().find(|t| t.key == "framework_agreement").unwrap();
        assert_eq!(framework.fi, "Puitejärjestely (esim. Hansel)");
        assert_eq!(framework.sv, "Ramavtal (t.ex. Hansel)");
        assert_eq!(
            terms::<OrgCategory>()[0],
            Term::new("wellbeing_county", ["Hyvinvointialue", "Välfärdsområde", "Wellbeing services county"])
        );
    }

    #[test]
    fn a_wrong_key_is_caught() {
        #[derive(Clone, Copy, Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Drifted {
            SomeValue,
        }
        impl Labelled for Drifted {
            fn all() -> &'static [Self] {
                &[Drifted::SomeValue]
            }
            fn key(self) -> &'static str {
                "some-value"
            }
            fn label(self, _: Lang) -> &'static str {
                "x"
            }
        }
        assert!(check_labelled::<Drifted>().unwrap_err().contains("some-value"));
    }
}
