//! The OpenAPI document, generated from the handlers' annotations.
//!
//! `openapi/openapi.json` is this document, committed; `make openapi` rewrites it and a
//! test fails when the two drift apart.

mod release;
mod rules;

use crate::routes;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lyhty",
        description = "Data system of Lyhty, the Finnish public sector's software-licence cooperation network. \
            Errors are `{\"error\": {\"code\", \"message\"}}`; money is integer cents in `*_cents` fields, \
            at most 10000000000000 (100 000 000 000,00 €) either way in what clients send (`amount_out_of_range`); \
            text holds no control characters (line breaks only in descriptions, notes and reasons) and no \
            bidirectional overrides (`control_character`, `line_break_not_allowed`, `bidi_control_character`); \
            dates are ISO `YYYY-MM-DD`.",
        license(name = "EUPL-1.2")
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::auth::login,
        routes::auth::logout,
        routes::auth::me,
        routes::users::list,
        routes::users::create,
        routes::users::delete,
        routes::orgs::list,
        routes::orgs::get,
        routes::orgs::create,
        routes::orgs::update,
        routes::orgs::terminate,
        routes::audit::list,
        routes::submissions::upload,
        routes::submissions::history,
        routes::submissions::get,
        routes::submissions::file,
        routes::submissions::inventory,
        routes::submissions::diff,
        routes::submissions::restore,
        routes::submissions::template_xlsx,
        routes::submissions::template_csv,
        routes::submissions::vendors,
        routes::submissions::add_alias,
        routes::finance::get_cost_shares,
        routes::finance::create_run,
        routes::finance::list,
        routes::finance::get,
        routes::finance::pdf,
        routes::finance::ubl,
        routes::finance::add_payment,
        routes::finance::credit,
        routes::finance::import_payments,
        routes::spend::list_expenses,
        routes::spend::create_expense,
        routes::spend::reverse_expense,
        routes::spend::get_plan,
        routes::spend::put_plan,
        routes::spend::list_rates,
        routes::spend::add_rate,
        routes::spend::quarterly,
        routes::spend::annual,
        routes::spend::dissolution,
        routes::releases::create,
        routes::releases::list,
        routes::releases::get,
        routes::releases::export_xlsx,
        routes::releases::audit,
        routes::releases::benchmark,
        routes::vocabulary::get,
        routes::governance::list_meetings,
        routes::governance::create_meeting,
        routes::governance::record_decision,
        routes::governance::list_decisions,
        routes::governance::list_models,
        routes::governance::create_model,
        routes::negotiations::list,
        routes::negotiations::create,
        routes::negotiations::get,
        routes::negotiations::update,
        routes::negotiations::upload_document,
        routes::negotiations::list_documents,
        routes::negotiations::download_document,
        routes::negotiations::record_saving,
        routes::negotiations::savings,
        routes::calendar::deadlines,
        routes::calendar::renewals,
        routes::calendar::my_feed,
        routes::calendar::rotate,
        routes::calendar::feed,
        routes::privacy::erase,
        routes::privacy::export,
        routes::privacy::list_agreements,
        routes::privacy::add_agreement,
        routes::privacy::agreement_file,
        routes::requests::list,
        routes::requests::create,
        routes::requests::get,
        routes::mail::status,
        routes::mail::update_preferences,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Signing in"),
        (name = "users", description = "User accounts (coordinator)"),
        (name = "orgs", description = "Parties of the agreement"),
        (name = "audit", description = "The append-only audit log (coordinator)"),
        (name = "submissions", description = "Licence inventory uploads, reports, versions and templates"),
        (name = "vendors", description = "The vendor catalogue and its aliases"),
        (name = "finance", description = "Cost shares, instalment invoices, credit notes and payments"),
        (name = "spend", description = "The spend ledger, budget plan, hourly rate and spend reports"),
        (name = "releases", description = "Anonymised releases: published tables, the audit report, a member's benchmark"),
        (name = "governance", description = "Steering-group meetings, weighted decisions and cost-share model versions"),
        (name = "negotiations", description = "Negotiations with vendors, their documents, and the savings they bring"),
        (name = "calendar", description = "Deadlines, the network's renewal windows and the iCalendar feed"),
        (name = "vocabulary", description = "The labels of every enumeration in Finnish, Swedish and English"),
        (name = "health", description = "Liveness and readiness"),
        (name = "privacy", description = "Personal data and retention: erasure, a party's export, signed agreements"),
        (name = "data-requests", description = "Data requests and their tracker (NETWORK.md)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        // The browser UI's alternative to the bearer token (see `auth.rs`): changes made with
        // it also need the session's `X-CSRF-Token` header, or they are refused with 403.
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "set by POST /api/auth/login (HttpOnly); POST, PUT, PATCH and DELETE also need the \
                 X-CSRF-Token header with the value of the lyhty_csrf cookie, or are refused with 403 \
                 csrf_token_missing / csrf_token_invalid",
            ))),
        );
    }
}

/// The document as served and committed: the annotations, then the answers and bounds
/// that come from extractors and layers rather than handlers ([`rules`]). The rules work on
/// the JSON (utoipa cannot read its own output back in every case).
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    rules::apply(&mut doc);
    doc
}

/// The document as committed in `openapi/openapi.json` (pretty JSON, trailing newline).
pub fn document_json() -> String {
    let mut json = serde_json::to_string_pretty(&document()).expect("the OpenAPI document serialises");
    json.push('\n');
    json
}
