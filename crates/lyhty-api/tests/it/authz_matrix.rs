//! Every route × every role × own/other organisation: who gets in, and who gets 401/403.
//!
//! A new route must be added to `routes()`; `every_route_is_in_the_matrix` fails otherwise.

use crate::common::TestApp;
use crate::common::releases::{business_id, inventory, publish_directly, submit};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lyhty_domain::Role;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// A member reading or writing its own organisation.
    MemberOwn,
    /// A member aiming at another organisation.
    MemberOther,
    Steering,
    Analyst,
    Coordinator,
}
use Who::*;

const EVERYONE: &[Who] = &[MemberOwn, MemberOther, Steering, Analyst, Coordinator];
const NETWORK_ROLES_AND_OWN: &[Who] = &[MemberOwn, Steering, Analyst, Coordinator];
const COORDINATOR: &[Who] = &[Coordinator];
const MEMBERS_AND_COORDINATOR: &[Who] = &[MemberOwn, MemberOther, Coordinator];
const OWN_AND_COORDINATOR: &[Who] = &[MemberOwn, Coordinator];
/// Organisation-level licence data: the member's own, and the audited network roles.
const LICENCE_DATA: &[Who] = &[MemberOwn, Analyst, Coordinator];
const STEERING_AND_COORDINATOR: &[Who] = &[Steering, Coordinator];
/// The reports sent to the steering group and the parties (§9.1, §13): every party's users
/// (their party's copy), the steering group and the coordinator; not the analysts.
const PARTIES_AND_NETWORK_READERS: &[Who] = &[MemberOwn, MemberOther, Steering, Coordinator];

struct Ctx {
    own: String,
    other: String,
    /// A party the coordinator may terminate in the matrix.
    spare: String,
    /// A user the coordinator may delete in the matrix.
    spare_user: String,
    /// Instalment-1 invoices of the own, the other and the spare party.
    own_invoice: String,
    other_invoice: String,
    spare_invoice: String,
    /// The accepted first submission of the own and the other party.
    own_submission: String,
    other_submission: String,
    /// A ledger entry the coordinator may reverse in the matrix.
    expense: String,
    /// A published release.
    release: String,
    /// A steering-group meeting, and a passed `cost_share_model` decision of it.
    meeting: String,
    decision: String,
    /// A concluded negotiation the own and the other party took part in, and its document.
    negotiation: String,
    negotiation_document: String,
    /// A signed accession agreement of the own and the other party.
    own_agreement: String,
    other_agreement: String,
    /// An open data request.
    data_request: String,
}

struct Case {
    method: Method,
    /// Path template as in the router (`{id}` for the target organisation / user).
    template: &'static str,
    body: Option<Value>,
    /// Who may use the route; everyone else is refused.
    allowed: &'static [Who],
    /// Which organisation `{id}` is for `MemberOwn`/others: own, other or a spare.
    target: Target,
}

#[derive(Clone, Copy)]
enum Target {
    None,
    /// `{id}` is the member's own organisation for MemberOwn and another for everyone else.
    Org,
    SpareOrg,
    SpareUser,
    /// `{id}` is an invoice of the member's own party for MemberOwn, of another otherwise.
    Invoice,
    SpareInvoice,
    /// `{id}` is a submission of the member's own party for MemberOwn, of another otherwise.
    Submission,
    /// `{id}` the organisation and `{sid}` its submission, as for `Org`.
    OrgSubmission,
    Expense,
    /// `{id}` is a data request (the same one for everybody: statuses differ, not access).
    DataRequest,
    /// `{year}` and `{quarter}` of a report: 2026 and 1.
    Report,
    Release,
    Meeting,
    /// `{id}` is a negotiation.
    Negotiation,
    /// `{id}` a negotiation and `{doc}` its document.
    NegotiationDocument,
    /// `{id}` is a negotiation; the body's `org_id` is the member's own organisation for
    /// MemberOwn and another for everyone else.
    NegotiationSaving,
    /// `{id}` the organisation and `{agreement}` its signed agreement, as for `Org`.
    OrgAgreement,
}

/// Negotiations are written by the working group: analysts and the coordinator.
const WORKING_GROUP: &[Who] = &[Analyst, Coordinator];

fn routes() -> Vec<Case> {
    let new_org =
        json!({"name": "Uusi", "business_id": "0245437-2", "category": "university", "joined_on": "2025-09-01"});
    let new_user =
        json!({"email": "new@example.fi", "name": "N", "role": "steering", "password": "long-enough-password"});
    vec![
        Case { method: Method::GET, template: "/api/me", body: None, allowed: EVERYONE, target: Target::None },
        Case { method: Method::GET, template: "/api/users", body: None, allowed: COORDINATOR, target: Target::None },
        Case {
            method: Method::POST,
            template: "/api/users",
            body: Some(new_user),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::DELETE,
            template: "/api/users/{id}",
            body: None,
            allowed: COORDINATOR,
            target: Target::SpareUser,
        },
        Case { method: Method::GET, template: "/api/orgs", body: None, allowed: EVERYONE, target: Target::None },
        Case {
            method: Method::POST,
            template: "/api/orgs",
            body: Some(new_org),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}",
            body: None,
            allowed: NETWORK_ROLES_AND_OWN,
            target: Target::Org,
        },
        Case {
            method: Method::PATCH,
            template: "/api/orgs/{id}",
            body: Some(json!({"accession_number": "1.9"})),
            allowed: COORDINATOR,
            target: Target::Org,
        },
        Case {
            method: Method::POST,
            template: "/api/orgs/{id}/terminate",
            body: Some(json!({"effective_on": "2030-01-01", "kind": "notice", "notice_on": "2029-01-01",
                "ground": "organisation_changed"})),
            allowed: COORDINATOR,
            target: Target::SpareOrg,
        },
        Case {
            method: Method::GET,
            template: "/api/audit-log",
            body: None,
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/cost-shares",
            body: None,
            allowed: &[MemberOwn, MemberOther, Steering, Coordinator],
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/invoice-runs",
            body: Some(json!({"instalment": 1, "issue_date": "2025-09-05"})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/invoices",
            body: None,
            allowed: MEMBERS_AND_COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/invoices/{id}",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::Invoice,
        },
        Case {
            method: Method::GET,
            template: "/api/invoices/{id}/pdf",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::Invoice,
        },
        Case {
            method: Method::GET,
            template: "/api/invoices/{id}/ubl",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::Invoice,
        },
        Case {
            method: Method::POST,
            template: "/api/invoices/{id}/payments",
            body: Some(json!({"amount_cents": 100, "paid_on": "2025-09-20"})),
            allowed: COORDINATOR,
            target: Target::Invoice,
        },
        Case {
            method: Method::POST,
            template: "/api/invoices/{id}/credit-notes",
            body: Some(json!({"issue_date": "2025-10-01"})),
            allowed: COORDINATOR,
            target: Target::SpareInvoice,
        },
        Case {
            method: Method::POST,
            template: "/api/releases",
            body: Some(json!({"as_of": lyhty_domain::today_in_finland()})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case { method: Method::GET, template: "/api/releases", body: None, allowed: EVERYONE, target: Target::None },
        Case {
            method: Method::GET,
            template: "/api/releases/{id}",
            body: None,
            allowed: EVERYONE,
            target: Target::Release,
        },
        Case {
            method: Method::GET,
            template: "/api/releases/{id}/export.xlsx",
            body: None,
            allowed: EVERYONE,
            target: Target::Release,
        },
        Case {
            method: Method::GET,
            template: "/api/releases/{id}/audit",
            body: None,
            allowed: COORDINATOR,
            target: Target::Release,
        },
        // One organisation's own figures: that member, and (logged) analysts and the coordinator.
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/benchmark",
            body: None,
            allowed: &[MemberOwn, Analyst, Coordinator],
            target: Target::Org,
        },
        // Sent without a file: the permitted caller gets 400 missing/malformed upload.
        Case {
            method: Method::POST,
            template: "/api/payments/import",
            body: None,
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/submissions",
            body: None,
            allowed: LICENCE_DATA,
            target: Target::Org,
        },
        // Sent without a file, as above.
        Case {
            method: Method::POST,
            template: "/api/orgs/{id}/submissions",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::Org,
        },
        Case {
            method: Method::POST,
            template: "/api/orgs/{id}/submissions/{sid}/restore",
            body: Some(json!({})),
            allowed: OWN_AND_COORDINATOR,
            target: Target::OrgSubmission,
        },
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/inventory",
            body: None,
            allowed: LICENCE_DATA,
            target: Target::Org,
        },
        Case {
            method: Method::GET,
            template: "/api/submissions/{id}",
            body: None,
            allowed: LICENCE_DATA,
            target: Target::Submission,
        },
        Case {
            method: Method::GET,
            template: "/api/submissions/{id}/file",
            body: None,
            allowed: LICENCE_DATA,
            target: Target::Submission,
        },
        Case {
            method: Method::GET,
            template: "/api/submissions/{id}/diff",
            body: None,
            allowed: LICENCE_DATA,
            target: Target::Submission,
        },
        Case {
            method: Method::GET,
            template: "/api/template.xlsx",
            body: None,
            allowed: EVERYONE,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/template.csv",
            body: None,
            allowed: EVERYONE,
            target: Target::None,
        },
        Case { method: Method::GET, template: "/api/vendors", body: None, allowed: EVERYONE, target: Target::None },
        Case {
            method: Method::POST,
            template: "/api/vendors/aliases",
            body: Some(json!({"alias": "MSFT Ireland Operations Ltd", "canonical": "Microsoft"})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/expenses",
            body: None,
            allowed: STEERING_AND_COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/expenses",
            body: Some(json!({"date": "2026-01-15", "category": "legal", "amount_cents": 100, "description": "x"})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/expenses/{id}/reverse",
            body: Some(json!({"date": "2026-02-01"})),
            allowed: COORDINATOR,
            target: Target::Expense,
        },
        Case {
            method: Method::GET,
            template: "/api/budget-plan",
            body: None,
            allowed: STEERING_AND_COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::PUT,
            template: "/api/budget-plan",
            body: Some(json!({"approved_on": "2025-09-15",
                "lines": [{"year": 2026, "quarter": 1, "category": "legal", "amount_cents": 500_000}]})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/hourly-rates",
            body: None,
            allowed: STEERING_AND_COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/hourly-rates",
            body: Some(json!({"valid_from": "2026-01-01", "rate_cents": 9_500})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/reports/quarterly/{year}/{quarter}",
            body: None,
            allowed: PARTIES_AND_NETWORK_READERS,
            target: Target::Report,
        },
        Case {
            method: Method::GET,
            template: "/api/reports/annual/{year}",
            body: None,
            allowed: PARTIES_AND_NETWORK_READERS,
            target: Target::Report,
        },
        Case {
            method: Method::GET,
            template: "/api/reports/dissolution-preview",
            body: None,
            allowed: STEERING_AND_COORDINATOR,
            target: Target::None,
        },
        // The steering group decides (NETWORK.md).
        Case {
            method: Method::GET,
            template: "/api/meetings",
            body: None,
            allowed: STEERING_AND_COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/meetings",
            body: Some(json!({"date": "2026-02-01", "title": "Kokous"})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/meetings/{id}/decisions",
            body: Some(
                json!({"kind": "other", "title": "Viestintä", "votes": [{"seat": "universities", "vote": "yes"}]}),
            ),
            allowed: COORDINATOR,
            target: Target::Meeting,
        },
        Case { method: Method::GET, template: "/api/decisions", body: None, allowed: EVERYONE, target: Target::None },
        Case {
            method: Method::GET,
            template: "/api/cost-share-models",
            body: None,
            allowed: STEERING_AND_COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/cost-share-models",
            body: Some(json!({"decision_id": "{decision}", "model": new_model()})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        // Negotiations: shared with every party, written by the working group.
        Case {
            method: Method::GET,
            template: "/api/negotiations",
            body: None,
            allowed: EVERYONE,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/negotiations",
            body: Some(json!({"vendor": "Adobe", "title": "Acrobat", "status": "planned"})),
            allowed: WORKING_GROUP,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/negotiations/{id}",
            body: None,
            allowed: EVERYONE,
            target: Target::Negotiation,
        },
        Case {
            method: Method::PATCH,
            template: "/api/negotiations/{id}",
            body: Some(json!({"lessons": "Aloita ajoissa."})),
            allowed: WORKING_GROUP,
            target: Target::Negotiation,
        },
        // Sent without a file: the permitted caller gets 400 missing/malformed upload.
        Case {
            method: Method::POST,
            template: "/api/negotiations/{id}/documents",
            body: None,
            allowed: WORKING_GROUP,
            target: Target::Negotiation,
        },
        Case {
            method: Method::GET,
            template: "/api/negotiations/{id}/documents",
            body: None,
            allowed: EVERYONE,
            target: Target::Negotiation,
        },
        Case {
            method: Method::GET,
            template: "/api/negotiations/{id}/documents/{doc}",
            body: None,
            allowed: EVERYONE,
            target: Target::NegotiationDocument,
        },
        // A party's realised saving: that party's members and the coordinator.
        Case {
            method: Method::POST,
            template: "/api/negotiations/{id}/savings",
            body: Some(json!({"org_id": "{org}", "year": 2026, "saving_cents": 100_000})),
            allowed: OWN_AND_COORDINATOR,
            target: Target::NegotiationSaving,
        },
        Case { method: Method::GET, template: "/api/savings", body: None, allowed: EVERYONE, target: Target::None },
        // Deadlines come from one organisation's lines: that member, and (logged) the
        // analysts and the coordinator; the renewal windows from published cells only.
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/deadlines",
            body: None,
            allowed: LICENCE_DATA,
            target: Target::Org,
        },
        Case { method: Method::GET, template: "/api/renewals", body: None, allowed: EVERYONE, target: Target::None },
        // Everyone signed in has a feed of their own (the feed itself is public: its token
        // is the secret, see tests/calendar.rs).
        Case { method: Method::GET, template: "/api/me/calendar", body: None, allowed: EVERYONE, target: Target::None },
        Case {
            method: Method::POST,
            template: "/api/me/calendar/rotate",
            body: Some(json!({})),
            allowed: EVERYONE,
            target: Target::None,
        },
        // Personal data and retention.
        Case {
            method: Method::POST,
            template: "/api/people/erase",
            body: Some(json!({"email": "nobody@example.fi"})),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/export.zip",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::Org,
        },
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/agreements",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::Org,
        },
        // Sent without a file: the coordinator gets 400.
        Case {
            method: Method::POST,
            template: "/api/orgs/{id}/agreements",
            body: None,
            allowed: COORDINATOR,
            target: Target::Org,
        },
        Case {
            method: Method::GET,
            template: "/api/orgs/{id}/agreements/{agreement}",
            body: None,
            allowed: OWN_AND_COORDINATOR,
            target: Target::OrgAgreement,
        },
        // Data requests and mail preferences (NETWORK.md "Data requests").
        Case {
            method: Method::GET,
            template: "/api/data-requests",
            body: None,
            allowed: EVERYONE,
            target: Target::None,
        },
        Case {
            method: Method::POST,
            template: "/api/data-requests",
            body: Some(
                json!({"title": "Nykytila", "opens_on": "2026-03-01", "due_on": "2026-03-31", "as_of": "2026-04-30"}),
            ),
            allowed: COORDINATOR,
            target: Target::None,
        },
        Case {
            method: Method::GET,
            template: "/api/data-requests/{id}",
            body: None,
            allowed: EVERYONE,
            target: Target::DataRequest,
        },
        Case {
            method: Method::PATCH,
            template: "/api/me",
            body: Some(json!({"lang": "sv", "weekly_digest": true})),
            allowed: EVERYONE,
            target: Target::None,
        },
        Case { method: Method::GET, template: "/api/mail/status", body: None, allowed: EVERYONE, target: Target::None },
    ]
}

/// The body of `case` for `who`: a saving names the member's own organisation for
/// MemberOwn and another for everyone else.
fn body(case: &Case, who: Who, ctx: &Ctx) -> Option<Value> {
    let mut body = fill(case.body.as_ref()?, ctx);
    if let Target::NegotiationSaving = case.target {
        body["org_id"] = json!(if who == MemberOwn { &ctx.own } else { &ctx.other });
    }
    Some(body)
}

/// A model version to add: the agreement's, renamed.
fn new_model() -> Value {
    let mut model = serde_json::to_value(lyhty_finance::CostShareModel::seeded()).unwrap();
    model["version"] = json!("2026-matrix");
    model["valid_from"] = json!("2026-02-01");
    model
}

/// `body` with `{decision}` replaced by the context's decision.
fn fill(body: &Value, ctx: &Ctx) -> Value {
    serde_json::from_str(&body.to_string().replace("{decision}", &ctx.decision)).unwrap()
}

fn path(case: &Case, who: Who, ctx: &Ctx) -> String {
    let id = match case.target {
        Target::None => return case.template.to_string(),
        Target::Org if who == MemberOwn => &ctx.own,
        Target::Org => &ctx.other,
        Target::SpareOrg => &ctx.spare,
        Target::SpareUser => &ctx.spare_user,
        Target::Invoice if who == MemberOwn => &ctx.own_invoice,
        Target::Invoice => &ctx.other_invoice,
        Target::SpareInvoice => &ctx.spare_invoice,
        Target::Submission if who == MemberOwn => &ctx.own_submission,
        Target::Submission => &ctx.other_submission,
        Target::OrgSubmission if who == MemberOwn => {
            return case.template.replace("{id}", &ctx.own).replace("{sid}", &ctx.own_submission);
        }
        Target::OrgSubmission => {
            return case.template.replace("{id}", &ctx.other).replace("{sid}", &ctx.other_submission);
        }
        Target::Expense => &ctx.expense,
        Target::Report => return case.template.replace("{year}", "2026").replace("{quarter}", "1"),
        Target::Release => &ctx.release,
        Target::Meeting => &ctx.meeting,
        Target::Negotiation | Target::NegotiationSaving => &ctx.negotiation,
        Target::NegotiationDocument => {
            return case.template.replace("{id}", &ctx.negotiation).replace("{doc}", &ctx.negotiation_document);
        }
        Target::OrgAgreement if who == MemberOwn => {
            return case.template.replace("{id}", &ctx.own).replace("{agreement}", &ctx.own_agreement);
        }
        Target::OrgAgreement => {
            return case.template.replace("{id}", &ctx.other).replace("{agreement}", &ctx.other_agreement);
        }
        Target::DataRequest => &ctx.data_request,
    };
    case.template.replace("{id}", id)
}

/// Uploads a small valid inventory for `org` and returns the accepted submission's id.
async fn submit_csv(app: &TestApp, token: &str, org: &str) -> String {
    let csv = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy\n\
               Microsoft;Microsoft 365 E3;loppukäyttäjä;100;32,50;EA;31.12.2026\n";
    let boundary = "matrix-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lisenssit.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let req = Request::post(format!("/api/orgs/{org}/submissions"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(req).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

/// A concluded negotiation of `own` and `other` with one text document: (negotiation, document).
async fn negotiation_with_document(app: &TestApp, token: &str, own: &str, other: &str) -> (String, String) {
    let n = app
        .post(
            "/api/negotiations",
            token,
            json!({"vendor": "Microsoft", "title": "M365", "status": "concluded", "started_on": "2025-10-01",
                "concluded_on": "2026-02-27", "org_ids": [own, other], "estimated_annual_saving_cents": 100_000}),
        )
        .await;
    assert_eq!(n.status, StatusCode::CREATED, "{}", n.body);
    let id = n.body["id"].as_str().unwrap().to_string();
    let boundary = "matrix-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"muistio.txt\"\r\n\r\nMuistio\r\n--{boundary}--\r\n"
    );
    let req = Request::post(format!("/api/negotiations/{id}/documents"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(req).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    (id, reply.body["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn authorisation_matrix() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let own = app.org(&coordinator, "Oma", "0245895-5", "university").await["id"].as_str().unwrap().to_string();
    let other = app.org(&coordinator, "Muu", "2228357-4", "university").await["id"].as_str().unwrap().to_string();
    let spare = app.org(&coordinator, "Vara", "2844561-8", "uas").await["id"].as_str().unwrap().to_string();
    let spare_user = app
        .post(
            "/api/users",
            &coordinator,
            json!({"email": "spare@example.fi", "name": "S", "role": "analyst", "password": "long-enough-password"}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let run = app.post("/api/invoice-runs", &coordinator, json!({"instalment": 1, "issue_date": "2025-09-05"})).await;
    let invoice_of = |org: &str| {
        run.body["created"].as_array().unwrap().iter().find(|i| i["org_id"] == org).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (own_invoice, other_invoice, spare_invoice) = (invoice_of(&own), invoice_of(&other), invoice_of(&spare));
    let own_submission = submit_csv(&app, &coordinator, &own).await;
    let other_submission = submit_csv(&app, &coordinator, &other).await;
    let expense = app
        .post(
            "/api/expenses",
            &coordinator,
            json!({"date": "2026-01-10", "category": "office", "amount_cents": 5_000, "description": "Tila"}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Inventories for a publishable network, and a release cut off yesterday (so that the
    // coordinator's release of today in the matrix comes after it).
    let mut members = vec![own.clone(), other.clone()];
    for n in 0..4 {
        let name = format!("Yliopisto {n}");
        members.push(app.org(&coordinator, &name, &business_id(n), "university").await["id"].as_str().unwrap().into());
    }
    for (i, org) in members.iter().enumerate() {
        submit(&app, org.parse().unwrap(), inventory(i as u32 + 1)).await;
    }
    let yesterday = lyhty_domain::today_in_finland().pred_opt().unwrap();
    let release = publish_directly(&app, yesterday).await;
    let meeting =
        app.post("/api/meetings", &coordinator, json!({"date": "2026-01-15", "title": "Kokous 1/2026"})).await;
    let meeting = meeting.body["id"].as_str().unwrap().to_string();
    let votes = json!([{"seat": "universities", "vote": "yes"}, {"seat": "uas", "vote": "yes"}]);
    let decision = app
        .post(
            &format!("/api/meetings/{meeting}/decisions"),
            &coordinator,
            json!({"kind": "cost_share_model", "title": "Malli 2026", "votes": votes}),
        )
        .await;
    assert_eq!(decision.body["passed"], true, "{}", decision.body);
    let decision = decision.body["id"].as_str().unwrap().to_string();
    let (negotiation, negotiation_document) = negotiation_with_document(&app, &coordinator, &own, &other).await;
    let agreement_of = |org: &str| {
        let new = lyhty_store::NewAgreement {
            org_id: org.parse().unwrap(),
            file_name: "liittymissopimus.pdf".into(),
            sha256: "0".repeat(64),
            signed_on: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            file: b"%PDF-1.4 signed".to_vec(),
        };
        let store = app.state.store.clone();
        async move { store.add_agreement(&lyhty_store::Actor::system("test"), &new).await.unwrap().id.to_string() }
    };
    let (own_agreement, other_agreement) = (agreement_of(&own).await, agreement_of(&other).await);
    let data_request = app
        .post(
            "/api/data-requests",
            &coordinator,
            json!({"title": "Nykytila", "opens_on": "2026-03-01", "due_on": "2026-03-31", "as_of": "2026-04-30"}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ctx = Ctx {
        meeting,
        decision,
        own: own.clone(),
        own_agreement,
        other_agreement,
        other,
        spare,
        spare_user,
        own_invoice,
        other_invoice,
        spare_invoice,
        own_submission,
        other_submission,
        expense,
        release,
        negotiation,
        negotiation_document,
        data_request,
    };
    let member = app.user("member@example.fi", Role::Member, Some(own.parse().unwrap())).await;
    let tokens = [
        (Anonymous, None),
        (MemberOwn, Some(member.clone())),
        (MemberOther, Some(member)),
        (Steering, Some(app.user("steering@example.fi", Role::Steering, None).await)),
        (Analyst, Some(app.user("analyst@example.fi", Role::Analyst, None).await)),
        (Coordinator, Some(coordinator)),
    ];

    let mut failures = Vec::new();
    for case in routes() {
        // Refused roles first, so a permitted write (delete, terminate) cannot change what
        // a later refusal is tested against.
        let mut order: Vec<&(Who, Option<String>)> = tokens.iter().filter(|(w, _)| !case.allowed.contains(w)).collect();
        order.extend(tokens.iter().filter(|(w, _)| case.allowed.contains(w)));
        for (who, token) in order {
            let p = path(&case, *who, &ctx);
            let reply = app.call(case.method.clone(), &p, token.as_deref(), body(&case, *who, &ctx)).await;
            let allowed = case.allowed.contains(who);
            let ok = match (who, allowed) {
                (Anonymous, _) => reply.status == StatusCode::UNAUTHORIZED,
                // Let in, and the route then judged the (here absent) upload on its merits.
                (_, true) if case.body.is_none() && case.method == Method::POST => {
                    reply.status == StatusCode::BAD_REQUEST
                }
                (_, true) => reply.status.is_success(),
                (_, false) => reply.status == StatusCode::FORBIDDEN,
            };
            if !ok {
                failures.push(format!("{} {p} as {who:?}: {} {}", case.method, reply.status, reply.body));
            }
        }
    }
    assert!(failures.is_empty(), "authorisation matrix violations:\n{}", failures.join("\n"));
}

#[test]
fn every_route_is_in_the_matrix() {
    // Every path of the OpenAPI document (i.e. every routed handler) except the public
    // ones must appear in the matrix with each of its methods.
    let public =
        ["/healthz", "/readyz", "/api/auth/login", "/api/auth/logout", "/api/vocabulary", "/api/calendar/{token}.ics"];
    let doc: Value = serde_json::from_str(&lyhty_api::openapi::document_json()).unwrap();
    let covered: Vec<(String, String)> =
        routes().iter().map(|c| (c.method.as_str().to_lowercase(), c.template.to_string())).collect();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if public.contains(&path.as_str()) {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            if !covered.contains(&(method.clone(), path.clone())) {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "routes missing from the authorisation matrix: {missing:?}");
}
