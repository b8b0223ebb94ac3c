//! `GET /api/vocabulary`: the words for every enumeration the API returns, in Finnish,
//! Swedish and English, so that the web UI says what the submission template, the
//! reports and the invoices say (they all take the words from the same Rust
//! definitions: `lyhty_domain::vocabulary`).
//!
//! Public: the words are the same for everyone and carry no data.

use axum::Json;
use lyhty_aggregate::SavingsStatus;
use lyhty_domain::data_request::PartyStatus;
use lyhty_domain::deadline::DeadlineKind;
use lyhty_domain::licence::{Channel, ContractType, LicenceType, Metric, PricePeriod, ProductCategory, Renewal};
use lyhty_domain::negotiation::NegotiationStatus;
use lyhty_domain::vocabulary::terms;
use lyhty_domain::{DecisionKind, NoticeGround, OrgCategory, OrgStatus, Role, Term, Vote};
use lyhty_finance::seats::seat_terms;
use lyhty_finance::{ExpenseCategory, PaymentStatus, Tier};
use lyhty_ingest::SubmissionStatus;
use serde::Serialize;

/// Every enumeration's values in display order, each with its labels. The field names say
/// which enumeration; the values' keys are the ones the other routes use.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Vocabulary {
    /// A party's `category`.
    pub org_category: Vec<Term>,
    /// A party's `status`.
    pub org_status: Vec<Term>,
    /// A user's `role`.
    pub role: Vec<Term>,
    /// A licence line's `licence_type`.
    pub licence_type: Vec<Term>,
    /// A licence line's `metric`.
    pub metric: Vec<Term>,
    /// A licence line's `price_period`.
    pub price_period: Vec<Term>,
    /// A licence line's `contract_type`.
    pub contract_type: Vec<Term>,
    /// A licence line's `renewal`.
    pub renewal: Vec<Term>,
    /// A licence line's `channel`.
    pub channel: Vec<Term>,
    /// A licence line's `product_category`.
    pub product_category: Vec<Term>,
    /// An expense's or a plan line's `category`.
    pub expense_category: Vec<Term>,
    /// A cost share's budget `tier`.
    pub tier: Vec<Term>,
    /// A steering-group seat's `key`.
    pub seat: Vec<Term>,
    /// An invoice's `status`.
    pub payment_status: Vec<Term>,
    /// A submission's `status`.
    pub submission_status: Vec<Term>,
    /// A steering-group decision's `kind`.
    pub decision_kind: Vec<Term>,
    /// A seat's `vote` in a decision.
    pub vote: Vec<Term>,
    /// A notice's `ground` (§17).
    pub notice_ground: Vec<Term>,
    /// A negotiation's `status`.
    pub negotiation_status: Vec<Term>,
    /// A year's `status` in `GET /api/savings`.
    pub savings_status: Vec<Term>,
    /// A deadline's `kind`.
    pub deadline_kind: Vec<Term>,
    /// The marking of one organisation's data (§14); its key is the `X-Confidentiality`
    /// header's value.
    pub confidentiality: Vec<Term>,
    /// A party's `status` on a data request.
    pub data_request_status: Vec<Term>,
}

impl Vocabulary {
    fn collect() -> Self {
        Self {
            org_category: terms::<OrgCategory>(),
            org_status: terms::<OrgStatus>(),
            role: terms::<Role>(),
            licence_type: terms::<LicenceType>(),
            metric: terms::<Metric>(),
            price_period: terms::<PricePeriod>(),
            contract_type: terms::<ContractType>(),
            renewal: terms::<Renewal>(),
            channel: terms::<Channel>(),
            product_category: terms::<ProductCategory>(),
            expense_category: terms::<ExpenseCategory>(),
            tier: terms::<Tier>(),
            seat: seat_terms(),
            payment_status: terms::<PaymentStatus>(),
            submission_status: terms::<SubmissionStatus>(),
            decision_kind: terms::<DecisionKind>(),
            vote: terms::<Vote>(),
            notice_ground: terms::<NoticeGround>(),
            negotiation_status: terms::<NegotiationStatus>(),
            savings_status: terms::<SavingsStatus>(),
            deadline_kind: terms::<DeadlineKind>(),
            confidentiality: vec![lyhty_domain::privacy::confidentiality_term()],
            data_request_status: terms::<PartyStatus>(),
        }
    }
}

/// The labels of every enumeration, in Finnish, Swedish and English.
#[utoipa::path(get, path = "/api/vocabulary", tag = "vocabulary", responses((status = 200, body = Vocabulary)))]
pub async fn get() -> Json<Vocabulary> {
    Json(Vocabulary::collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lyhty_domain::vocabulary::{Labelled, check_labelled};

    #[test]
    fn every_enumeration_is_labelled_under_the_key_the_api_uses() {
        fn check<T: Labelled + Serialize>() {
            check_labelled::<T>().unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<T>()));
        }
        check::<OrgCategory>();
        check::<OrgStatus>();
        check::<Role>();
        check::<LicenceType>();
        check::<Metric>();
        check::<PricePeriod>();
        check::<ContractType>();
        check::<Renewal>();
        check::<Channel>();
        check::<ProductCategory>();
        check::<ExpenseCategory>();
        check::<Tier>();
        check::<PaymentStatus>();
        check::<SubmissionStatus>();
        check::<DecisionKind>();
        check::<Vote>();
        check::<NoticeGround>();
        check::<NegotiationStatus>();
        check::<SavingsStatus>();
        check::<DeadlineKind>();
        check::<PartyStatus>();
    }

    #[test]
    fn the_ui_gets_the_words_of_the_template() {
        let v = serde_json::to_value(Vocabulary::collect()).unwrap();
        let framework = v["contract_type"].as_array().unwrap().iter().find(|t| t["key"] == "framework_agreement");
        assert_eq!(framework.unwrap()["fi"], "Puitejärjestely (esim. Hansel)");
        // The template's example row is written in the same words.
        let template = lyhty_ingest::template_csv(lyhty_domain::Lang::Sv);
        let ea = v["contract_type"][0]["sv"].as_str().unwrap();
        assert_eq!(ea, "Företagsavtal (EA)");
        assert!(template.contains(ea), "{template}");
        let seats: Vec<&str> = v["seat"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
        assert_eq!(seats.len(), 9);
        assert!(seats.contains(&"wellbeing_counties"));
        for kind in v.as_object().unwrap().values() {
            for term in kind.as_array().unwrap() {
                for lang in ["fi", "sv", "en"] {
                    assert!(!term[lang].as_str().unwrap().is_empty(), "{term}");
                }
            }
        }
    }
}
