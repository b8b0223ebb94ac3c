//! Comparing two inventory versions: added, removed and changed lines.
//!
//! A line's identity is what names the licence itself: the normalised vendor, the product,
//! the SKU, the licence type and the contract number (folded, so "Microsoft 365 E3" and
//! "MICROSOFT 365 E3" are one). Quantity, price, dates, metric, channel and the rest are what
//! changes between versions of the same line. Lines with the same identity within a version
//! are paired in file order.

use crate::text::fold;
use lyhty_domain::licence::{LicenceLine, LicenceType};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line in both versions, with the fields whose value differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangedLine {
    pub before: LicenceLine,
    pub after: LicenceLine,
    /// Field names as in [`LicenceLine`]'s JSON, e.g. `["quantity", "annual_cost_cents"]`.
    pub fields_changed: Vec<String>,
}

/// The difference between an old and a new version of an inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineDiff {
    pub added: Vec<LicenceLine>,
    pub removed: Vec<LicenceLine>,
    pub changed: Vec<ChangedLine>,
}

type Identity = (String, String, String, LicenceType, String);

fn identity(l: &LicenceLine) -> Identity {
    let opt = |s: &Option<String>| s.as_deref().map(fold).unwrap_or_default();
    (fold(&l.vendor_canonical), fold(&l.product), opt(&l.sku), l.licence_type, opt(&l.contract_id))
}

/// The fields of two lines that differ (the source row is where a line sits, not what it says).
fn fields_changed(a: &LicenceLine, b: &LicenceLine) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| k.as_str() != "source_row" && b.get(k.as_str()) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Compares `old` with `new`.
pub fn diff(old: &[LicenceLine], new: &[LicenceLine]) -> LineDiff {
    let mut unmatched: HashMap<Identity, std::collections::VecDeque<&LicenceLine>> = HashMap::new();
    for l in old {
        unmatched.entry(identity(l)).or_default().push_back(l);
    }
    let mut out = LineDiff::default();
    for l in new {
        match unmatched.get_mut(&identity(l)).and_then(|q| q.pop_front()) {
            Some(before) => {
                let fields = fields_changed(before, l);
                if !fields.is_empty() {
                    out.changed.push(ChangedLine { before: before.clone(), after: l.clone(), fields_changed: fields });
                }
            }
            None => out.added.push(l.clone()),
        }
    }
    // Removed lines in their old file order.
    let mut removed: Vec<&LicenceLine> = unmatched.into_values().flatten().collect();
    removed.sort_by_key(|l| l.source_row);
    out.removed = removed.into_iter().cloned().collect();
    out
}
