//! Rows → licence lines, with every error and warning of the file collected (INGEST.md,
//! "Errors and warnings").
//!
//! The validator is a [`RowSink`]: it finds the header row among the first rows, then turns
//! each data row into a [`LicenceLine`] or into errors. Nothing stops at the first problem,
//! so the uploader fixes the whole file in one go.

use crate::headers::{Field, HEADER_SEARCH_ROWS, HeaderMap, Need};
use crate::report::{FileInfo, Issue, IssueCode, Report, SubmissionStatus};
use crate::rows::RowSink;
use crate::text::{clean, fold};
use crate::values::{self, Cell, ValueError, Vocabulary, format_date, is_total_word, micros_to_cents};
use crate::vendors::{VendorCatalogue, VendorMatch};
use crate::{IngestError, Limits, messages};
use chrono::NaiveDate;
use lyhty_domain::email::is_valid_email;
use lyhty_domain::licence::{
    Channel, ContractType, LicenceLine, LicenceType, Metric, PricePeriod, ProductCategory, Renewal,
};
use lyhty_domain::{Cents, Lang};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

/// Longest text accepted in a cell; longer is a pasted document, not a licence line.
const MAX_TEXT_CHARS: usize = 1000;

pub(crate) struct Validator<'c> {
    catalogue: &'c VendorCatalogue,
    limits: &'c Limits,
    lang: Lang,
    today: NaiveDate,
    is_1904: bool,
    header: Option<HeaderMap>,
    /// A problem that ends reading (too many rows, no header).
    pub(crate) fatal: Option<IngestError>,
    rows: u32,
    lines: Vec<LicenceLine>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    errors_not_listed: u32,
    warnings_not_listed: u32,
    /// A row that looks like a total: skipped if nothing but blank rows follow it.
    pending_total: Option<(u32, Vec<Cell<'static>>)>,
    vendor_cache: HashMap<String, VendorMatch>,
    unknown_vendors_warned: HashSet<String>,
    /// Fingerprints of lines seen, for duplicate warnings → first row.
    seen: HashMap<u64, u32>,
    pub(crate) sheet: Option<String>,
}

impl<'c> Validator<'c> {
    pub(crate) fn new(catalogue: &'c VendorCatalogue, limits: &'c Limits, lang: Lang, today: NaiveDate) -> Self {
        Self {
            catalogue,
            limits,
            lang,
            today,
            is_1904: false,
            header: None,
            fatal: None,
            rows: 0,
            lines: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            errors_not_listed: 0,
            warnings_not_listed: 0,
            pending_total: None,
            vendor_cache: HashMap::new(),
            unknown_vendors_warned: HashSet::new(),
            seen: HashMap::new(),
            sheet: None,
        }
    }

    fn push(&mut self, mut issue: Issue) {
        issue.message = messages::issue(issue.code, self.lang, &issue.column, &issue.value, issue.detail.as_deref());
        let max = self.limits.max_issues as usize;
        if issue.code.is_error() {
            if self.errors.len() < max {
                self.errors.push(issue);
            } else {
                self.errors_not_listed = self.errors_not_listed.saturating_add(1);
            }
        } else if self.warnings.len() < max {
            self.warnings.push(issue);
        } else {
            self.warnings_not_listed = self.warnings_not_listed.saturating_add(1);
        }
    }

    fn on_header(&mut self, h: HeaderMap) {
        for f in Field::ALL {
            if h.column(f).is_some() {
                continue;
            }
            let code = match (f.need(), f) {
                (Need::Required, _) => IssueCode::MissingColumn,
                (Need::Wanted, Field::UnitPrice) => IssueCode::MissingUnitPrice,
                (Need::Wanted, _) => IssueCode::MissingContractEnd,
                (Need::Optional, _) => continue,
            };
            self.push(Issue::new(h.row, f.name(self.lang), String::new(), code, None));
        }
        for &(i, first) in &h.duplicates {
            let written = h.written.get(i).cloned().unwrap_or_default();
            let detail = h.written.get(first).cloned();
            self.push(Issue::new(h.row, &written, String::new(), IssueCode::DuplicateColumn, detail));
        }
        self.header = Some(h);
    }

    /// A trailing "Yhteensä" row: the vendor or product cell says total, or both are empty
    /// and another cell does.
    fn looks_like_total(h: &HeaderMap, cells: &[Cell<'_>]) -> bool {
        let text_of = |f: Field| match h.column(f).and_then(|i| cells.get(i)) {
            Some(Cell::Text(t)) => Some(t.as_ref()),
            _ => None,
        };
        let blank = |f: Field| h.column(f).and_then(|i| cells.get(i)).is_none_or(Cell::is_blank);
        text_of(Field::Vendor).is_some_and(is_total_word)
            || text_of(Field::Product).is_some_and(is_total_word)
            || (blank(Field::Vendor)
                && blank(Field::Product)
                && cells.iter().any(|c| matches!(c, Cell::Text(t) if is_total_word(t))))
    }

    fn data_row(&mut self, row: u32, cells: &[Cell<'_>]) -> ControlFlow<()> {
        self.rows += 1;
        if self.rows > self.limits.max_rows {
            self.fatal = Some(IngestError::TooManyRows { max: self.limits.max_rows });
            return ControlFlow::Break(());
        }
        let Some(header) = self.header.take() else { return ControlFlow::Continue(()) };
        let issues = self.read_line(&header, row, cells);
        self.header = Some(header);
        for issue in issues {
            self.push(issue);
        }
        ControlFlow::Continue(())
    }

    /// Reads one data row; returns its issues and keeps the line if it has no errors.
    fn read_line(&mut self, h: &HeaderMap, row: u32, cells: &[Cell<'_>]) -> Vec<Issue> {
        let lang = self.lang;
        let mut issues = Vec::new();
        let empty = Cell::Empty;
        let cell = |f: Field| h.column(f).and_then(|i| cells.get(i)).unwrap_or(&empty);
        let col = |f: Field| h.header(f, lang).to_owned();
        let mut err = |f: Field, code: IssueCode, value: String, detail: Option<String>| {
            issues.push(Issue::new(row, &col(f), value, code, detail));
        };

        // Text: cleaned, empty → None, too long → error.
        let text = |f: Field, err: &mut dyn FnMut(Field, IssueCode, String, Option<String>)| -> Option<String> {
            let c = cell(f);
            if c.is_blank() {
                return None;
            }
            if let Cell::Error(e) = c {
                err(f, IssueCode::FormulaError, e.clone(), None);
                return None;
            }
            let s = match c {
                Cell::Text(t) => clean(t).into_owned(),
                other => other.display(),
            };
            if s.chars().count() > MAX_TEXT_CHARS {
                let shown: String = s.chars().take(40).collect();
                err(f, IssueCode::ValueTooLong, format!("{shown}…"), Some(MAX_TEXT_CHARS.to_string()));
                return None;
            }
            Some(s)
        };
        let value_error = |e: ValueError, date: bool| match e {
            ValueError::Invalid if date => IssueCode::InvalidDate,
            ValueError::Invalid => IssueCode::InvalidNumber,
            ValueError::Negative => IssueCode::NegativeNumber,
            ValueError::NotWhole => IssueCode::NotWholeNumber,
            ValueError::Currency(_) => IssueCode::CurrencyNotEur,
            ValueError::Formula => IssueCode::FormulaError,
        };

        let vendor = text(Field::Vendor, &mut err);
        let product = text(Field::Product, &mut err);
        let sku = text(Field::Sku, &mut err);
        let contract_id = text(Field::ContractId, &mut err);
        let reseller = text(Field::Reseller, &mut err);
        let contact_name = text(Field::ContactName, &mut err);
        let email_text = text(Field::ContactEmail, &mut err);
        let notes = text(Field::Notes, &mut err);
        let currency = text(Field::Currency, &mut err);
        for (f, v) in [(Field::Vendor, &vendor), (Field::Product, &product)] {
            if v.is_none() && cell(f).is_blank() && h.column(f).is_some() {
                err(f, IssueCode::MissingValue, String::new(), None);
            }
        }

        // Enumerations: keys, labels in three languages, aliases.
        fn enumeration<T: Vocabulary>(
            f: Field,
            c: &Cell<'_>,
            lang: Lang,
            err: &mut dyn FnMut(Field, IssueCode, String, Option<String>),
        ) -> Option<T> {
            if c.is_blank() {
                return None;
            }
            if let Cell::Error(e) = c {
                err(f, IssueCode::FormulaError, e.clone(), None);
                return None;
            }
            let shown = c.display();
            let v = T::read(&shown);
            if v.is_none() {
                err(f, IssueCode::UnknownValue, shown, Some(T::allowed(lang)));
            }
            v
        }
        let product_category: Option<ProductCategory> =
            enumeration(Field::ProductCategory, cell(Field::ProductCategory), lang, &mut err);
        let licence_type: Option<LicenceType> =
            enumeration(Field::LicenceType, cell(Field::LicenceType), lang, &mut err);
        let metric: Option<Metric> = enumeration(Field::Metric, cell(Field::Metric), lang, &mut err);
        let price_period: Option<PricePeriod> =
            enumeration(Field::PricePeriod, cell(Field::PricePeriod), lang, &mut err);
        let contract_type: Option<ContractType> =
            enumeration(Field::ContractType, cell(Field::ContractType), lang, &mut err);
        let renewal: Option<Renewal> = enumeration(Field::Renewal, cell(Field::Renewal), lang, &mut err);
        let channel: Option<Channel> = enumeration(Field::Channel, cell(Field::Channel), lang, &mut err);
        for (f, missing) in
            [(Field::LicenceType, licence_type.is_none()), (Field::ContractType, contract_type.is_none())]
        {
            if missing && cell(f).is_blank() && h.column(f).is_some() {
                err(f, IssueCode::MissingValue, String::new(), None);
            }
        }

        // Numbers.
        let quantity = match values::quantity(cell(Field::Quantity)) {
            Ok(q) => {
                if q.is_none() && h.column(Field::Quantity).is_some() {
                    err(Field::Quantity, IssueCode::MissingValue, String::new(), None);
                }
                q
            }
            Err(e) => {
                err(Field::Quantity, value_error(e, false), cell(Field::Quantity).display(), None);
                None
            }
        };
        let mut number = |f: Field, parse: fn(&Cell<'_>) -> Result<Option<i128>, ValueError>| match parse(cell(f)) {
            Ok(v) => v,
            Err(e) => {
                err(f, value_error(e, false), cell(f).display(), None);
                None
            }
        };
        let unit_price = number(Field::UnitPrice, values::money);
        let annual_cost = number(Field::AnnualCost, values::money);
        let mut count = |f: Field| match values::count(cell(f)) {
            Ok(v) => v,
            Err(e) => {
                err(f, value_error(e, false), cell(f).display(), None);
                None
            }
        };
        let in_use = count(Field::InUse);
        let notice = count(Field::NoticeMonths);
        let notice_months = match notice.map(u16::try_from) {
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                err(Field::NoticeMonths, IssueCode::InvalidNumber, cell(Field::NoticeMonths).display(), None);
                None
            }
            None => None,
        };
        if let Some(cur) = &currency {
            let folded = fold(cur);
            let euro =
                matches!(folded.as_str(), "eur" | "euro" | "euroa" | "e") || (folded.is_empty() && cur.contains('€'));
            if !euro {
                err(Field::Currency, IssueCode::CurrencyNotEur, cur.clone(), None);
            }
        }

        // Dates.
        let is_1904 = self.is_1904;
        let mut date = |f: Field| match values::date(cell(f), is_1904) {
            Ok(d) => d,
            Err(e) => {
                err(f, value_error(e, true), cell(f).display(), None);
                None
            }
        };
        let contract_start = date(Field::ContractStart);
        let contract_end = date(Field::ContractEnd);
        let review_date = date(Field::ReviewDate);
        if let (Some(s), Some(e)) = (contract_start, contract_end)
            && e < s
        {
            err(Field::ContractEnd, IssueCode::EndBeforeStart, format_date(e), Some(format_date(s)));
        }

        // Annual cost: given, else derived. A one-off price is a purchase, not a yearly cost:
        // a licence manager reporting annual spend counts the maintenance or subscription that
        // recurs, so a one-off price is not annualised (nor counted once, which would make the
        // year's figure depend on when a perpetual licence happened to be bought).
        let period = price_period.unwrap_or(PricePeriod::Annual);
        let per_year: i128 = match period {
            PricePeriod::Annual => 1,
            PricePeriod::Monthly => 12,
            PricePeriod::OneOff => 0,
        };
        let derived = match (unit_price, quantity) {
            (Some(u), Some((q, _))) => u.checked_mul(i128::from(q)).and_then(|m| m.checked_mul(per_year)),
            _ => None,
        };
        let annual_micros = annual_cost.or(derived).unwrap_or(0);
        let annual_cents = micros_to_cents(annual_micros);
        if annual_cents.is_none() || (unit_price.is_some() && quantity.is_some() && derived.is_none()) {
            err(Field::AnnualCost, IssueCode::InvalidNumber, cell(Field::AnnualCost).display(), None);
        }

        if issues.iter().any(|i| i.code.is_error()) {
            return issues;
        }
        // No errors: every required value is there.
        let (Some(vendor), Some(product), Some(licence_type), Some((quantity, approximate)), Some(contract_type)) =
            (vendor, product, licence_type, quantity, contract_type)
        else {
            return issues;
        };
        let mut warn = |f: Field, code: IssueCode, value: String, detail: Option<String>| {
            issues.push(Issue::new(row, h.header(f, lang), value, code, detail));
        };
        if unit_price.is_none() && h.column(Field::UnitPrice).is_some() {
            warn(Field::UnitPrice, IssueCode::MissingUnitPrice, String::new(), None);
        }
        if contract_end.is_none() && h.column(Field::ContractEnd).is_some() {
            warn(Field::ContractEnd, IssueCode::MissingContractEnd, String::new(), None);
        }
        if let (Some(given), Some(derived)) = (annual_cost, derived) {
            // More than 1 % apart (of the derived value) is worth a look.
            if period != PricePeriod::OneOff && (given - derived).abs() * 100 > derived.abs().max(1) {
                let shown = micros_to_cents(derived).map(|c| Cents(c).to_finnish()).unwrap_or_default();
                warn(Field::AnnualCost, IssueCode::CostMismatch, cell(Field::AnnualCost).display(), Some(shown));
            }
        }
        if period == PricePeriod::OneOff && annual_cost.is_none() && unit_price.is_some() {
            warn(Field::PricePeriod, IssueCode::OneOffPrice, cell(Field::PricePeriod).display(), None);
        }
        if approximate {
            warn(
                Field::Quantity,
                IssueCode::ApproximateQuantity,
                cell(Field::Quantity).display(),
                Some(quantity.to_string()),
            );
        }
        if let Some(u) = in_use.filter(|&u| u > quantity) {
            warn(Field::InUse, IssueCode::InUseExceedsQuantity, u.to_string(), Some(quantity.to_string()));
        }
        if let Some(end) = contract_end.filter(|&e| e < self.today) {
            warn(Field::ContractEnd, IssueCode::ContractEnded, format_date(end), None);
        }
        let contact_email = match email_text {
            Some(e) if !is_valid_email(&e) => {
                warn(Field::ContactEmail, IssueCode::InvalidEmail, e, None);
                None
            }
            other => other,
        };
        let vm = match self.vendor_cache.get(&vendor) {
            Some(m) => m.clone(),
            None => {
                let m = self.catalogue.normalise(&vendor);
                self.vendor_cache.insert(vendor.clone(), m.clone());
                m
            }
        };
        if !vm.known && self.unknown_vendors_warned.insert(fold(&vm.canonical)) {
            warn(Field::Vendor, IssueCode::UnknownVendor, vendor.clone(), Some(vm.canonical.clone()));
        }
        let unit_price_cents = unit_price.and_then(micros_to_cents).map(Cents);
        let mut hasher = DefaultHasher::new();
        (fold(&vm.canonical), fold(&product), sku.as_deref().map(fold), licence_type, metric).hash(&mut hasher);
        (contract_id.as_deref().map(fold), quantity, unit_price_cents, contract_end).hash(&mut hasher);
        let fingerprint = hasher.finish();
        match self.seen.get(&fingerprint) {
            Some(&first) => warn(Field::Product, IssueCode::DuplicateLine, product.clone(), Some(first.to_string())),
            None => {
                self.seen.insert(fingerprint, row);
            }
        }
        self.lines.push(LicenceLine {
            vendor,
            vendor_canonical: vm.canonical,
            vendor_known: vm.known,
            product,
            sku,
            product_category,
            licence_type,
            metric,
            quantity,
            quantity_approximate: approximate,
            unit_price_cents,
            price_period: period,
            annual_cost_cents: Cents(annual_cents.unwrap_or(0)),
            annual_cost_derived: annual_cost.is_none(),
            contract_type,
            contract_id,
            contract_start,
            contract_end,
            review_date,
            notice_months,
            renewal,
            channel,
            reseller,
            contact_name,
            contact_email,
            in_use,
            notes,
            source_row: row,
        });
        issues
    }

    /// Ends reading: the lines and the report, or the problem that made the file unreadable.
    pub(crate) fn finish(mut self, file: FileInfo) -> Result<(Vec<LicenceLine>, Report), IngestError> {
        if let Some(fatal) = self.fatal.take() {
            return Err(fatal);
        }
        let Some(header) = &self.header else {
            return Err(IngestError::NoHeaderRow { searched: HEADER_SEARCH_ROWS });
        };
        let ignored = header.ignored.clone();
        let header_row = header.row;
        if let Some((row, cells)) = self.pending_total.take() {
            let column = header
                .column(Field::Vendor)
                .and_then(|i| cells.get(i))
                .filter(|c| !c.is_blank())
                .map(|_| header.header(Field::Vendor, self.lang).to_owned())
                .unwrap_or_default();
            let value = cells.iter().find(|c| matches!(c, Cell::Text(t) if is_total_word(t))).map(Cell::display);
            self.push(Issue::new(row, &column, value.unwrap_or_default(), IssueCode::TotalRowSkipped, None));
        }
        let annual_cost_cents = Cents(self.lines.iter().fold(0i64, |acc, l| acc.saturating_add(l.annual_cost_cents.0)));
        let vendors = self.lines.iter().map(|l| fold(&l.vendor_canonical)).collect::<HashSet<_>>().len();
        let status = if self.errors.is_empty() && self.errors_not_listed == 0 {
            SubmissionStatus::Validated
        } else {
            SubmissionStatus::Rejected
        };
        let report = Report {
            id: None,
            status,
            rows: self.rows,
            lines: u32::try_from(self.lines.len()).unwrap_or(u32::MAX),
            annual_cost_cents,
            vendors: u32::try_from(vendors).unwrap_or(u32::MAX),
            errors: self.errors,
            warnings: self.warnings,
            ignored_columns: ignored,
            errors_not_listed: self.errors_not_listed,
            warnings_not_listed: self.warnings_not_listed,
            lang: self.lang,
            file: FileInfo { header_row, sheet: self.sheet.clone(), ..file },
        };
        Ok((self.lines, report))
    }
}

impl RowSink for Validator<'_> {
    fn begin(&mut self, sheet: Option<&str>, is_1904: bool) {
        self.sheet = sheet.map(str::to_owned);
        self.is_1904 = is_1904;
    }

    fn row(&mut self, row: u32, cells: &[Cell<'_>]) -> ControlFlow<()> {
        let Some(header) = &self.header else {
            if row > HEADER_SEARCH_ROWS {
                self.fatal = Some(IngestError::NoHeaderRow { searched: HEADER_SEARCH_ROWS });
                return ControlFlow::Break(());
            }
            if let Some(h) = HeaderMap::recognise(row, cells) {
                self.on_header(h);
            }
            return ControlFlow::Continue(());
        };
        if cells.iter().all(Cell::is_blank) {
            return ControlFlow::Continue(());
        }
        let total = Self::looks_like_total(header, cells);
        // A total-looking row followed by data was not a trailing total: read it as data.
        if let Some((prow, pcells)) = self.pending_total.take() {
            self.data_row(prow, &pcells)?;
        }
        if total {
            let owned = cells.iter().map(|c| match c {
                Cell::Text(t) => Cell::Text(std::borrow::Cow::Owned(t.to_string())),
                Cell::Empty => Cell::Empty,
                Cell::Number(n) => Cell::Number(*n),
                Cell::Date(d) => Cell::Date(*d),
                Cell::Bool(b) => Cell::Bool(*b),
                Cell::Error(e) => Cell::Error(e.clone()),
            });
            self.pending_total = Some((row, owned.collect()));
            return ControlFlow::Continue(());
        }
        self.data_row(row, cells)
    }
}
