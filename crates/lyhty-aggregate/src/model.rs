//! The vocabulary of a release: measures, dimensions, tables and cells.
//!
//! Every table is `vendor × dimension` (or `vendor` alone) with all its margins. A cell is
//! identified independently of the table it is shown in, so `(Microsoft, *)` is one
//! [`CellKey`] whether it appears in `vendor_by_sector` or `vendor_by_channel`: that is what
//! makes the eight tables one linear system with one status per cell.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Number of magnitude measures; values travel as `[i64; MEASURE_COUNT]`.
pub const MEASURE_COUNT: usize = 5;

/// Per-measure values of one contributor or one cell.
pub type Values = [i64; MEASURE_COUNT];

/// Known bounds on a cell, per measure (in [`Measure::ALL`] order): `[lo, hi]`. Published
/// by a release as ranges ([`crate::ranges`]), and read by the audits as bounds.
pub type CellRange = [[i64; 2]; MEASURE_COUNT];

/// A magnitude measure. All are sums of non-negative per-organisation contributions, so the
/// primary rules and both audits treat them alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    AnnualCostCents,
    /// Quantity on `end_user` lines.
    EndUserLicences,
    /// Quantity on `server` lines.
    ServerLicences,
    /// `in_use` summed over the lines that give it (utilisation numerator).
    InUseLicences,
    /// Quantity on the lines that give `in_use` (utilisation denominator), so that
    /// utilisation is `in_use_licences / usage_reported_licences` over the same lines.
    UsageReportedLicences,
}

impl Measure {
    /// In the order of a [`Values`] array.
    pub const ALL: [Measure; MEASURE_COUNT] = [
        Self::AnnualCostCents,
        Self::EndUserLicences,
        Self::ServerLicences,
        Self::InUseLicences,
        Self::UsageReportedLicences,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::AnnualCostCents => "annual_cost_cents",
            Self::EndUserLicences => "end_user_licences",
            Self::ServerLicences => "server_licences",
            Self::InUseLicences => "in_use_licences",
            Self::UsageReportedLicences => "usage_reported_licences",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A dimension crossed with `vendor` in one of the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Sector,
    ContractType,
    LicenceType,
    Channel,
    RenewalQuarter,
    /// Year of `contract_end` (`"2026"`, or `unknown`): the view joint procurement plans
    /// with, since most vendor × quarter cells of a small network are one or two parties.
    RenewalYear,
    /// Nested in vendors: the table has no `(*, product)` row.
    Product,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Self::Sector,
        Self::ContractType,
        Self::LicenceType,
        Self::Channel,
        Self::RenewalQuarter,
        Self::RenewalYear,
        Self::Product,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Sector => "sector",
            Self::ContractType => "contract_type",
            Self::LicenceType => "licence_type",
            Self::Channel => "channel",
            Self::RenewalQuarter => "renewal_quarter",
            Self::RenewalYear => "renewal_year",
            Self::Product => "product",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == s)
    }

    /// The name of the table `vendor × self`.
    pub fn table_name(self) -> &'static str {
        match self {
            Self::Sector => "vendor_by_sector",
            Self::ContractType => "vendor_by_contract_type",
            Self::LicenceType => "vendor_by_licence_type",
            Self::Channel => "vendor_by_channel",
            Self::RenewalQuarter => "vendor_by_renewal_quarter",
            Self::RenewalYear => "vendor_by_renewal_year",
            Self::Product => "vendor_by_product",
        }
    }
}

/// The tables of a release in publication order: `None` is the `vendor` table.
pub const TABLES: [Option<Dimension>; 8] = [
    None,
    Some(Dimension::Sector),
    Some(Dimension::ContractType),
    Some(Dimension::LicenceType),
    Some(Dimension::Channel),
    Some(Dimension::RenewalQuarter),
    Some(Dimension::RenewalYear),
    Some(Dimension::Product),
];

/// The name of a table (`vendor` or `vendor_by_…`).
pub fn table_name(table: Option<Dimension>) -> &'static str {
    table.map_or("vendor", Dimension::table_name)
}

/// The margin member, `*`.
pub const MARGIN: &str = "*";
/// What a vendor with too few contributors is recoded to.
pub const OTHER_VENDORS: &str = "Other vendors";
/// What a product with too few contributors is recoded to.
pub const OTHER_PRODUCTS: &str = "Other products";
/// The renewal quarter (and year) of lines without a contract end.
pub const UNKNOWN_QUARTER: &str = "unknown";

/// One member of a dimension, or the margin over it. `Margin` sorts after every value, so
/// sorted cells list the detail first and `*` last, as the release JSON does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Member {
    Value(String),
    Margin,
}

impl Member {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Value(s) => s,
            Self::Margin => MARGIN,
        }
    }

    pub fn parse(s: &str) -> Self {
        if s == MARGIN { Self::Margin } else { Self::Value(s.to_string()) }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cell of the linked system, independent of the table(s) showing it.
///
/// `dim: None` is the vendor margin over every other dimension: `(vendor, *)` in each
/// `vendor × D` table and the plain `vendor` cell of the `vendor` table are all this one
/// key; `(Margin, None)` is the grand total.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    pub vendor: Member,
    pub dim: Option<(Dimension, Member)>,
}

impl CellKey {
    pub fn grand_total() -> Self {
        Self { vendor: Member::Margin, dim: None }
    }

    pub fn is_grand_total(&self) -> bool {
        self.vendor == Member::Margin && self.dim.is_none()
    }

    /// The table that owns the cell alone, if it is not shared: shared cells are the vendor
    /// margins and the grand total (`dim: None`), which every table shows.
    pub fn own_table(&self) -> Option<Dimension> {
        self.dim.as_ref().map(|(d, _)| *d)
    }

    pub fn to_ref(&self) -> CellRef {
        CellRef {
            vendor: self.vendor.as_str().to_string(),
            dimension: self.dim.as_ref().map(|(d, _)| *d),
            member: self.dim.as_ref().map(|(_, m)| m.as_str().to_string()),
        }
    }
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.dim {
            None => write!(f, "(vendor={})", self.vendor),
            Some((d, m)) => write!(f, "(vendor={}, {}={})", self.vendor, d.key(), m),
        }
    }
}

/// A cell named in reports: `vendor`, and the other dimension with its member unless the
/// cell is a vendor margin (shown in every table).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellRef {
    pub vendor: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dimension: Option<Dimension>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub member: Option<String>,
}

impl CellRef {
    pub fn to_key(&self) -> CellKey {
        CellKey {
            vendor: Member::parse(&self.vendor),
            dim: match (self.dimension, &self.member) {
                (Some(d), Some(m)) => Some((d, Member::parse(m))),
                _ => None,
            },
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_key().fmt(f)
    }
}
