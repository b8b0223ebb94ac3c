//! The spend ledger's vocabulary: expense categories, ledger entries, budget plan lines and
//! the steering group's hourly rate.
//!
//! Plain data shared by `lyhty-finance` (which owns the rules: hours × rate, reversals,
//! reports) and `lyhty-store` (which keeps the entries), so a stored row carries these
//! types and nobody converts strings back into them.

use crate::vocabulary;
use crate::{Cents, ExpenseId, Lang, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The cost categories of the action plan (§1.4 "Menot").
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExpenseCategory {
    /// Participants' hours reimbursed to their home organisations at the steering group's
    /// cost-price hourly rate.
    Personnel,
    PurchasedServices,
    Communication,
    /// The technology platform's upkeep and development.
    Platform,
    Office,
    /// COO and CAO work.
    Administration,
    Legal,
    TrainingEvents,
    #[default]
    Other,
}

impl ExpenseCategory {
    /// In report order.
    pub const ALL: [ExpenseCategory; 9] = [
        Self::Personnel,
        Self::PurchasedServices,
        Self::Communication,
        Self::Platform,
        Self::Office,
        Self::Administration,
        Self::Legal,
        Self::TrainingEvents,
        Self::Other,
    ];

    /// The API's key (`API.md`: `personnel`, `purchased_services`, …).
    pub fn key(self) -> &'static str {
        match self {
            Self::Personnel => "personnel",
            Self::PurchasedServices => "purchased_services",
            Self::Communication => "communication",
            Self::Platform => "platform",
            Self::Office => "office",
            Self::Administration => "administration",
            Self::Legal => "legal",
            Self::TrainingEvents => "training_events",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s)
    }

    /// The category's name for people, in `lang`. The Finnish names are the action plan's
    /// (§1.4 "Menot"); the reports use them, as the steering group reads Finnish.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Personnel => {
                ["Henkilöstö (tuntikorvaukset)", "Personal (timersättningar)", "Personnel (hourly reimbursements)"]
            }
            Self::PurchasedServices => ["Ostopalvelut", "Köpta tjänster", "Purchased services"],
            Self::Communication => {
                ["Markkinointi ja viestintä", "Marknadsföring och kommunikation", "Marketing and communication"]
            }
            Self::Platform => ["Teknologinen alusta", "Teknisk plattform", "Technology platform"],
            Self::Office => ["Toimisto", "Kontor", "Office"],
            Self::Administration => ["Hallinto (COO, CAO)", "Administration (COO, CAO)", "Administration (COO, CAO)"],
            Self::Legal => ["Juridiikka", "Juridik", "Legal"],
            Self::TrainingEvents => ["Koulutus ja tapahtumat", "Utbildning och evenemang", "Training and events"],
            Self::Other => ["Muut", "Övrigt", "Other"],
        };
        vocabulary::pick(lang, labels)
    }
}

crate::labelled!(ExpenseCategory);

/// One amount of the plan: a category in a quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanLine {
    pub year: i32,
    /// 1–4.
    pub quarter: u8,
    pub category: ExpenseCategory,
    pub amount_cents: Cents,
}

/// The steering group's cost-price hourly rate from a day on (§1.4 "Menot").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HourlyRate {
    pub valid_from: NaiveDate,
    pub rate_cents: Cents,
    /// The steering group's decision (minutes' reference).
    pub decision: Option<String>,
}

/// Hours in hundredths (7.25 h is `Hours(725)`), so sums of hours are exact. In JSON a
/// plain number: `120` or `7.25`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hours(pub i64);

impl Hours {
    pub const fn whole(h: i64) -> Self {
        Hours(h * 100)
    }

    /// `120` or `7,25` (Finnish decimal comma) for the reports.
    pub fn to_finnish(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, frac) = (self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100);
        if frac == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole},{frac:02}") }
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_finnish().replace(',', "."))
    }
}

impl std::ops::Add for Hours {
    type Output = Hours;
    fn add(self, o: Hours) -> Hours {
        Hours(self.0.saturating_add(o.0))
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        Hours(iter.fold(0i64, |a, h| a.saturating_add(h.0)))
    }
}

impl Serialize for Hours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 { s.serialize_i64(self.0 / 100) } else { s.serialize_f64(self.as_f64()) }
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        let hundredths = (v * 100.0).round();
        // At most two decimals, and a number of hours a person could have worked. (cargo
        // mutants: `> 1e-6` as `>= 1e-6` is equivalent: a JSON number with two decimals is
        // off by ~1e-13 after `* 100.0`, one with three by at least ~0.1.)
        if !v.is_finite() || (v * 100.0 - hundredths).abs() > 1e-6 || hundredths.abs() > 1e9 {
            return Err(serde::de::Error::custom("hours must be a number with at most two decimals"));
        }
        Ok(Hours(hundredths as i64))
    }
}

impl utoipa::PartialSchema for Hours {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("Hours, at most two decimals (e.g. 120 or 7.25)."))
            .into()
    }
}

impl utoipa::ToSchema for Hours {}

/// An entry of the ledger as stored and reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Expense {
    pub id: ExpenseId,
    pub date: NaiveDate,
    pub category: ExpenseCategory,
    /// Positive for an expense, negative for a reversing entry.
    pub amount_cents: Cents,
    pub description: String,
    /// The party paid: required for personnel reimbursements (the participant's home
    /// organisation), optional otherwise.
    pub payee_org_id: Option<OrgId>,
    /// A payee that is not a party (a supplier), by name.
    pub payee: Option<String>,
    /// Personnel only: the hours reimbursed (negative on a reversal).
    pub hours: Option<Hours>,
    /// Personnel only: the hourly rate in force on `date`.
    pub rate_cents: Option<Cents>,
    /// The voucher: an invoice number, a decision, a receipt.
    pub document_ref: Option<String>,
    /// For a reversing entry: the entry it cancels.
    pub reverses: Option<ExpenseId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_written_with_a_finnish_comma_in_reports_and_a_point_elsewhere() {
        assert_eq!(Hours::whole(120).to_finnish(), "120");
        assert_eq!(Hours(0).to_finnish(), "0", "no minus sign on zero");
        assert_eq!(Hours(725).to_finnish(), "7,25");
        assert_eq!(Hours(705).to_finnish(), "7,05");
        assert_eq!(Hours(-1_250).to_finnish(), "-12,50");
        assert_eq!(Hours(-5).to_finnish(), "-0,05");
        assert_eq!(Hours(725).to_string(), "7.25");
        assert_eq!(Hours(-12_000).to_string(), "-120");
        assert_eq!(Hours(725).as_f64(), 7.25);
    }

    #[test]
    fn sums_of_hours_are_exact_and_never_wrap() {
        let total: Hours = [Hours(725), Hours(1), Hours(-26)].into_iter().sum();
        assert_eq!(total, Hours(700));
        assert_eq!(Hours(725) + Hours(-725), Hours(0));
        assert_eq!(Hours(i64::MAX) + Hours(1), Hours(i64::MAX));
        assert_eq!([Hours(i64::MAX), Hours(1)].into_iter().sum::<Hours>(), Hours(i64::MAX));
        assert_eq!([Hours(i64::MIN), Hours(-1)].into_iter().sum::<Hours>(), Hours(i64::MIN));
        assert_eq!(std::iter::empty::<Hours>().sum::<Hours>(), Hours(0));
    }

    #[test]
    fn hours_in_json_are_plain_numbers_with_at_most_two_decimals() {
        let json = |h: Hours| serde_json::to_string(&h).unwrap();
        assert_eq!(
            (json(Hours::whole(120)), json(Hours(725)), json(Hours(-50))),
            ("120".into(), "7.25".into(), "-0.5".into())
        );
        let parse = |s: &str| serde_json::from_str::<Hours>(s).map_err(|e| e.to_string());
        assert_eq!(parse("7.25"), Ok(Hours(725)));
        assert_eq!(parse("120"), Ok(Hours(12_000)));
        assert_eq!(parse("-0.5"), Ok(Hours(-50)));
        assert_eq!(parse("0.1"), Ok(Hours(10)), "0.1 × 100 is not exactly 10 in binary; still two decimals");
        assert!(parse("7.255").unwrap_err().contains("at most two decimals"));
        // A number of hours a person could have worked: up to ten million hours, not beyond.
        assert_eq!(parse("10000000"), Ok(Hours(1_000_000_000)));
        assert_eq!(parse("-10000000"), Ok(Hours(-1_000_000_000)));
        assert!(parse("10000000.01").is_err());
        assert!(parse("-10000000.01").is_err());
        assert!(parse("1e300").is_err());
        assert!(parse("\"7\"").is_err());
    }

    #[test]
    fn expense_categories_by_key_and_by_name() {
        for c in ExpenseCategory::ALL {
            assert_eq!(ExpenseCategory::parse(c.key()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.key(), "the API's key is the JSON one");
        }
        assert_eq!(ExpenseCategory::PurchasedServices.key(), "purchased_services");
        assert_eq!((ExpenseCategory::parse("Personnel"), ExpenseCategory::parse("")), (None, None));
        let personnel = ExpenseCategory::Personnel;
        assert_eq!(personnel.label(Lang::Fi), "Henkilöstö (tuntikorvaukset)");
        assert_eq!(personnel.label(Lang::Sv), "Personal (timersättningar)");
        assert_eq!(ExpenseCategory::Other.label(Lang::En), "Other");
    }

    #[test]
    fn the_openapi_document_calls_hours_a_number() {
        let schema = serde_json::to_value(<Hours as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "number", "{schema}");
        assert!(schema["description"].as_str().unwrap().contains("two decimals"));
    }
}
