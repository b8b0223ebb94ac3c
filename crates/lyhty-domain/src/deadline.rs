//! A party's deadlines from its own licence lines (NETWORK.md "Deadlines and alerts").
//!
//! Three dates come out of a line: the contract's end, the last day notice can be given
//! (the end minus the notice period, where the line gives one) and the review / true-up
//! date. Several lines of one contract share them, so a vendor's product with the same
//! date and kind appears once.

use crate::Lang;
use crate::licence::LicenceLine;
use crate::vocabulary::pick;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// What falls due on a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The last day notice can be given (contract end minus the notice period).
    Notice,
    /// The review or true-up date.
    Review,
    /// The contract's last day.
    ContractEnd,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 3] = [Self::ContractEnd, Self::Notice, Self::Review];

    /// The stable key used in the API.
    pub fn key(self) -> &'static str {
        match self {
            Self::ContractEnd => "contract_end",
            Self::Notice => "notice",
            Self::Review => "review",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::ContractEnd => ["Sopimus päättyy", "Avtalet löper ut", "Contract ends"],
            Self::Notice => ["Irtisanomisen viimeinen päivä", "Sista dag för uppsägning", "Last day to give notice"],
            Self::Review => ["Tarkistus / true-up", "Avstämning / true-up", "Review / true-up"],
        };
        pick(lang, labels)
    }
}

crate::labelled!(DeadlineKind);

/// One deadline of a party's inventory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deadline {
    pub date: NaiveDate,
    pub kind: DeadlineKind,
    /// The normalised vendor (the name releases use), so two spellings are one vendor.
    pub vendor: String,
    pub product: String,
}

/// The days to look at, both ends included; `None` is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateWindow {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateWindow {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }
}

/// The deadlines of `lines` within `window`, by date (then kind, vendor and product), each
/// vendor / product / date / kind once.
pub fn deadlines<'a>(lines: impl IntoIterator<Item = &'a LicenceLine>, window: DateWindow) -> Vec<Deadline> {
    let mut out: Vec<Deadline> = lines
        .into_iter()
        .flat_map(|line| {
            [
                (DeadlineKind::ContractEnd, line.contract_end),
                (DeadlineKind::Notice, line.notice_deadline()),
                (DeadlineKind::Review, line.review_date),
            ]
            .into_iter()
            .filter_map(move |(kind, date)| {
                let date = date.filter(|d| window.contains(*d))?;
                Some(Deadline { date, kind, vendor: line.vendor_canonical.clone(), product: line.product.clone() })
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A line whose contract had ended before `today`, renewed by whole years until it has
/// not (its review date moved alike); `None` when nothing had ended. The demo network uses
/// it so that its static inventories always have deadlines in the coming months.
pub fn renewed_until(line: &LicenceLine, today: NaiveDate) -> Option<LicenceLine> {
    let end = line.contract_end.filter(|end| *end < today)?;
    let mut years = u32::try_from(today.year() - end.year()).ok()?;
    let shift = |d: NaiveDate, y: u32| d.checked_add_months(Months::new(12 * y));
    while shift(end, years).is_some_and(|d| d < today) {
        years += 1;
    }
    let mut renewed = line.clone();
    renewed.contract_end = shift(end, years);
    renewed.review_date = line.review_date.and_then(|d| shift(d, years));
    renewed.contract_start = line.contract_start.and_then(|d| shift(d, years));
    Some(renewed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cents;
    use crate::licence::{ContractType, LicenceType, PricePeriod};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn line(vendor: &str, product: &str, end: Option<NaiveDate>, notice: Option<u16>) -> LicenceLine {
        LicenceLine {
            vendor: format!("{vendor} Oy"),
            vendor_canonical: vendor.into(),
            vendor_known: true,
            product: product.into(),
            sku: None,
            product_category: None,
            licence_type: LicenceType::EndUser,
            metric: None,
            quantity: 10,
            quantity_approximate: false,
            unit_price_cents: None,
            price_period: PricePeriod::Annual,
            annual_cost_cents: Cents(1_000_00),
            annual_cost_derived: false,
            contract_type: ContractType::Subscription,
            contract_id: None,
            contract_start: None,
            contract_end: end,
            review_date: None,
            notice_months: notice,
            renewal: None,
            channel: None,
            reseller: None,
            contact_name: None,
            contact_email: None,
            in_use: None,
            notes: None,
            source_row: 2,
        }
    }

    #[test]
    fn end_notice_and_review_by_date_and_each_once() {
        let mut review = line("Adobe", "Acrobat", Some(day(2027, 1, 31)), None);
        review.review_date = Some(day(2026, 12, 15));
        let lines = vec![
            // 31 May minus 3 months is 28 February (2027 is no leap year).
            line("Microsoft", "M365 E3", Some(day(2027, 5, 31)), Some(3)),
            // The same contract on a second line: collapsed.
            line("Microsoft", "M365 E3", Some(day(2027, 5, 31)), Some(3)),
            review,
            line("Oracle", "Database", None, Some(6)),
        ];
        let got = deadlines(&lines, DateWindow::default());
        let summary: Vec<(NaiveDate, &str, &str)> =
            got.iter().map(|d| (d.date, d.kind.key(), d.vendor.as_str())).collect();
        assert_eq!(
            summary,
            vec![
                (day(2026, 12, 15), "review", "Adobe"),
                (day(2027, 1, 31), "contract_end", "Adobe"),
                (day(2027, 2, 28), "notice", "Microsoft"),
                (day(2027, 5, 31), "contract_end", "Microsoft"),
            ]
        );
    }

    #[test]
    fn the_window_includes_both_ends() {
        let lines = vec![line("Microsoft", "M365 E3", Some(day(2027, 5, 31)), Some(3))];
        let window = DateWindow { from: Some(day(2027, 2, 28)), to: Some(day(2027, 2, 28)) };
        let got = deadlines(&lines, window);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, DeadlineKind::Notice);
        let later = DateWindow { from: Some(day(2027, 3, 1)), to: None };
        assert_eq!(deadlines(&lines, later)[0].kind, DeadlineKind::ContractEnd);
        assert!(deadlines(&lines, DateWindow { from: Some(day(2027, 6, 1)), to: None }).is_empty());
    }

    #[test]
    fn kinds_are_labelled_under_their_serde_keys() {
        crate::vocabulary::check_labelled::<DeadlineKind>().unwrap();
    }

    #[test]
    fn renewal_moves_a_past_end_to_its_next_anniversary() {
        let today = day(2026, 12, 7);
        let mut past = line("Veeam", "Backup", Some(day(2025, 5, 31)), Some(6));
        past.review_date = Some(day(2025, 2, 1));
        let renewed = renewed_until(&past, today).unwrap();
        assert_eq!(renewed.contract_end, Some(day(2027, 5, 31)));
        assert_eq!(renewed.review_date, Some(day(2027, 2, 1)), "moved by the same two years");
        assert_eq!(renewed.notice_deadline(), Some(day(2026, 11, 30)));
        // Ending today is not over yet; a later end is left alone.
        assert!(renewed_until(&line("A", "B", Some(today), None), today).is_none());
        assert!(renewed_until(&line("A", "B", None, None), today).is_none());
        let earlier_this_year = line("A", "B", Some(day(2026, 1, 31)), None);
        assert_eq!(renewed_until(&earlier_this_year, today).unwrap().contract_end, Some(day(2027, 1, 31)));
    }
}
