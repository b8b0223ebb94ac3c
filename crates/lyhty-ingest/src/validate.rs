//! Rows → licence lines, with every error and warning of the file collected (INGEST.md,
//! "Errors and warnings").
//!
//! The validator is a [`RowSink`]: it finds the header row among the first rows, then turns
//! each data row into a [`LicenceLine`] or into errors. Nothing stops at the first problem,
//! so the uploader fixes the whole file in one go.

use crate::headers::{Field, HEADER_SEARCH_ROWS, HeaderMap, Need};
use crate::report::{FileInfo, Issue, IssueCode, Report, SubmissionStatus};
use crate::row_reader::RowReader;
use crate::rows::RowSink;
use crate::text::fold;
use crate::values::{Cell, format_date, is_total_word, micros_to_cents};
use crate::vendors::{VendorCatalogue, VendorMatch};
use crate::{IngestError, Limits, messages};
use chrono::NaiveDate;
use lyhty_domain::licence::{
    Channel, ContractType, LicenceLine, LicenceType, Metric, PricePeriod, ProductCategory, Renewal,
};
use lyhty_domain::{Cents, Lang};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

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
        let mut r = RowReader::new(h, cells, row, self.lang, self.is_1904);
        let mut values = RowValues::read(&mut r);
        let cost = AnnualCost::of(&values);
        if cost.cents.is_none() || (values.unit_price.is_some() && values.quantity.is_some() && cost.derived.is_none())
        {
            r.report_cell(Field::AnnualCost, IssueCode::InvalidNumber, None);
        }
        // Without errors, every required value is there unless its column is missing.
        if !r.has_errors() && values.has_required() {
            values.warn(&mut r, &cost, self.today);
            if let Some(line) = self.licence_line(&mut r, values, &cost) {
                self.lines.push(line);
            }
        }
        r.into_issues()
    }

    /// The line of a row without errors; warns of an unknown vendor and of a line seen
    /// before.
    fn licence_line(&mut self, r: &mut RowReader<'_, '_>, v: RowValues, cost: &AnnualCost) -> Option<LicenceLine> {
        let RowValues {
            vendor: Some(vendor),
            product: Some(product),
            licence_type: Some(licence_type),
            quantity: Some((quantity, approximate)),
            contract_type: Some(contract_type),
            ..
        } = v
        else {
            return None;
        };
        let vm = self.vendor(&vendor);
        if !vm.known && self.unknown_vendors_warned.insert(fold(&vm.canonical)) {
            r.report(Field::Vendor, IssueCode::UnknownVendor, vendor.clone(), Some(vm.canonical.clone()));
        }
        let unit_price_cents = v.unit_price.and_then(micros_to_cents).map(Cents);
        let mut hasher = DefaultHasher::new();
        (fold(&vm.canonical), fold(&product), v.sku.as_deref().map(fold), licence_type, v.metric).hash(&mut hasher);
        (v.contract_id.as_deref().map(fold), quantity, unit_price_cents, v.contract_end).hash(&mut hasher);
        let fingerprint = hasher.finish();
        match self.seen.get(&fingerprint) {
            Some(&first) => {
                r.report(Field::Product, IssueCode::DuplicateLine, product.clone(), Some(first.to_string()))
            }
            None => {
                self.seen.insert(fingerprint, r.row());
            }
        }
        Some(LicenceLine {
            vendor,
            vendor_canonical: vm.canonical,
            vendor_known: vm.known,
            product,
            sku: v.sku,
            product_category: v.product_category,
            licence_type,
            metric: v.metric,
            quantity,
            quantity_approximate: approximate,
            unit_price_cents,
            price_period: cost.period,
            annual_cost_cents: Cents(cost.cents.unwrap_or(0)),
            annual_cost_derived: v.annual_cost.is_none(),
            contract_type,
            contract_id: v.contract_id,
            contract_start: v.contract_start,
            contract_end: v.contract_end,
            review_date: v.review_date,
            notice_months: v.notice_months,
            renewal: v.renewal,
            channel: v.channel,
            reseller: v.reseller,
            contact_name: v.contact_name,
            contact_email: v.contact_email,
            in_use: v.in_use,
            notes: v.notes,
            source_row: r.row(),
        })
    }

    /// The catalogue's match for a vendor name, remembered for the rest of the file.
    fn vendor(&mut self, name: &str) -> VendorMatch {
        if let Some(m) = self.vendor_cache.get(name) {
            return m.clone();
        }
        let m = self.catalogue.normalise(name);
        self.vendor_cache.insert(name.to_owned(), m.clone());
        m
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

/// What a row says, field by field: `None` where a cell is blank or could not be read.
/// Amounts are in micro-euros.
struct RowValues {
    vendor: Option<String>,
    product: Option<String>,
    sku: Option<String>,
    contract_id: Option<String>,
    reseller: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    notes: Option<String>,
    product_category: Option<ProductCategory>,
    licence_type: Option<LicenceType>,
    metric: Option<Metric>,
    price_period: Option<PricePeriod>,
    contract_type: Option<ContractType>,
    renewal: Option<Renewal>,
    channel: Option<Channel>,
    quantity: Option<(u64, bool)>,
    unit_price: Option<i128>,
    annual_cost: Option<i128>,
    in_use: Option<u64>,
    notice_months: Option<u16>,
    contract_start: Option<NaiveDate>,
    contract_end: Option<NaiveDate>,
    review_date: Option<NaiveDate>,
}

impl RowValues {
    /// Reads every field of the row; the errors land in `r` in the order read here.
    fn read(r: &mut RowReader<'_, '_>) -> Self {
        let vendor = r.text(Field::Vendor);
        let product = r.text(Field::Product);
        let sku = r.text(Field::Sku);
        let contract_id = r.text(Field::ContractId);
        let reseller = r.text(Field::Reseller);
        let contact_name = r.text(Field::ContactName);
        let contact_email = r.text(Field::ContactEmail);
        let notes = r.text(Field::Notes);
        // Read with the text, checked with the amounts.
        let currency = r.text(Field::Currency);
        r.require(Field::Vendor, &vendor);
        r.require(Field::Product, &product);

        let product_category = r.enumeration(Field::ProductCategory);
        let licence_type = r.enumeration(Field::LicenceType);
        let metric = r.enumeration(Field::Metric);
        let price_period = r.enumeration(Field::PricePeriod);
        let contract_type = r.enumeration(Field::ContractType);
        let renewal = r.enumeration(Field::Renewal);
        let channel = r.enumeration(Field::Channel);
        r.require(Field::LicenceType, &licence_type);
        r.require(Field::ContractType, &contract_type);

        let quantity = r.quantity(Field::Quantity);
        let unit_price = r.money(Field::UnitPrice);
        let annual_cost = r.money(Field::AnnualCost);
        let in_use = r.count(Field::InUse);
        let notice_months = r.count(Field::NoticeMonths);
        r.euro(Field::Currency, currency.as_deref());

        let contract_start = r.date(Field::ContractStart);
        let contract_end = r.date(Field::ContractEnd);
        let review_date = r.date(Field::ReviewDate);
        if let (Some(start), Some(end)) = (contract_start, contract_end)
            && end < start
        {
            r.report(Field::ContractEnd, IssueCode::EndBeforeStart, format_date(end), Some(format_date(start)));
        }
        Self {
            vendor,
            product,
            sku,
            contract_id,
            reseller,
            contact_name,
            contact_email,
            notes,
            product_category,
            licence_type,
            metric,
            price_period,
            contract_type,
            renewal,
            channel,
            quantity,
            unit_price,
            annual_cost,
            in_use,
            notice_months,
            contract_start,
            contract_end,
            review_date,
        }
    }

    /// Whether the values a licence line cannot do without are there.
    fn has_required(&self) -> bool {
        self.vendor.is_some()
            && self.product.is_some()
            && self.licence_type.is_some()
            && self.quantity.is_some()
            && self.contract_type.is_some()
    }

    /// The warnings of a row without errors (the line is kept); an invalid e-mail address
    /// is dropped.
    fn warn(&mut self, r: &mut RowReader<'_, '_>, cost: &AnnualCost, today: NaiveDate) {
        if self.unit_price.is_none() && r.has_column(Field::UnitPrice) {
            r.report(Field::UnitPrice, IssueCode::MissingUnitPrice, String::new(), None);
        }
        if self.contract_end.is_none() && r.has_column(Field::ContractEnd) {
            r.report(Field::ContractEnd, IssueCode::MissingContractEnd, String::new(), None);
        }
        // More than 1 % apart (of the derived value) is worth a look.
        if let (Some(given), Some(derived)) = (self.annual_cost, cost.derived)
            && cost.period != PricePeriod::OneOff
            && (given - derived).abs() * 100 > derived.abs().max(1)
        {
            let shown = micros_to_cents(derived).map(|c| Cents(c).to_finnish()).unwrap_or_default();
            r.report_cell(Field::AnnualCost, IssueCode::CostMismatch, Some(shown));
        }
        if cost.period == PricePeriod::OneOff && self.annual_cost.is_none() && self.unit_price.is_some() {
            r.report_cell(Field::PricePeriod, IssueCode::OneOffPrice, None);
        }
        if let Some((quantity, true)) = self.quantity {
            r.report_cell(Field::Quantity, IssueCode::ApproximateQuantity, Some(quantity.to_string()));
        }
        if let (Some(in_use), Some((quantity, _))) = (self.in_use, self.quantity)
            && in_use > quantity
        {
            r.report(Field::InUse, IssueCode::InUseExceedsQuantity, in_use.to_string(), Some(quantity.to_string()));
        }
        if let Some(end) = self.contract_end.filter(|&e| e < today) {
            r.report(Field::ContractEnd, IssueCode::ContractEnded, format_date(end), None);
        }
        self.contact_email = r.email(Field::ContactEmail, self.contact_email.take());
    }
}

/// A line's annual cost: as given, else quantity × unit price × the price's periods a
/// year.
///
/// A one-off price is a purchase, not a yearly cost: a licence manager reporting annual
/// spend counts the maintenance or subscription that recurs, so a one-off price is not
/// annualised (nor counted once, which would make the year's figure depend on when a
/// perpetual licence happened to be bought).
struct AnnualCost {
    period: PricePeriod,
    /// Quantity × unit price × periods, when both are given and the product fits.
    derived: Option<i128>,
    /// The annual cost in cents; `None` when it is too large to be one.
    cents: Option<i64>,
}

impl AnnualCost {
    fn of(v: &RowValues) -> Self {
        let period = v.price_period.unwrap_or(PricePeriod::Annual);
        let per_year: i128 = match period {
            PricePeriod::Annual => 1,
            PricePeriod::Monthly => 12,
            PricePeriod::OneOff => 0,
        };
        let derived = match (v.unit_price, v.quantity) {
            (Some(u), Some((q, _))) => u.checked_mul(i128::from(q)).and_then(|m| m.checked_mul(per_year)),
            _ => None,
        };
        Self { period, derived, cents: micros_to_cents(v.annual_cost.or(derived).unwrap_or(0)) }
    }
}
