//! Demo data for `lyhty serve --demo`: the fictional parties of `sample-data/parties.json`
//! (and the pending ones of `pending.json`), one user per role, a year of bookkeeping and
//! the steering group's decisions, loaded into an empty database only.

use crate::routes::orgs::{CreateOrgRequest, parse_new_org};
use crate::routes::submissions::process_upload_adjusted;
use crate::routes::users::parse_new_user;
use crate::state::AppState;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use lyhty_domain::deadline::renewed_until;
use lyhty_domain::{BusinessId, Lang, OrgCategory, OrgId, Role};
use lyhty_store::Actor;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

mod governance;

/// The password of every demo account. Demo databases only: never use `--demo` with real data.
pub const DEMO_PASSWORD: &str = "lyhty-demo-2025";

/// One party as `sample-data/parties.json` lists it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoParty {
    pub name: String,
    pub business_id: String,
    pub category: String,
    pub annual_budget_cents: Option<i64>,
    pub budget_year: Option<i32>,
    pub joined_on: NaiveDate,
    pub accession_number: Option<String>,
    /// The representing party's business ID.
    pub represented_by: Option<String>,
    pub einvoice_address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub cost_share_cents: Option<i64>,
    /// An inventory file relative to the sample-data folder.
    pub inventory: Option<String>,
}

/// The API's request for a demo party (`represented_by` already resolved to an id).
fn create_request(party: &DemoParty, represented_by: Option<OrgId>) -> CreateOrgRequest {
    CreateOrgRequest {
        name: party.name.clone(),
        business_id: party.business_id.clone(),
        category: party.category.clone(),
        annual_budget_cents: party.annual_budget_cents,
        budget_year: party.budget_year,
        budget_source: party.budget_year.map(|y| format!("TA {y}")),
        joined_on: party.joined_on,
        accession_number: party.accession_number.clone(),
        represented_by,
        einvoice_address: party.einvoice_address.clone(),
        contact_name: party.contact_name.clone(),
        contact_email: party.contact_email.clone(),
        contact_phone: None,
        cost_share_cents: party.cost_share_cents,
        status: None,
    }
}

/// A demo sign-in to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub role: &'static str,
    pub org: Option<String>,
}

/// What loading did.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub parties: usize,
    /// Inventories submitted (each accepted as the party's first version).
    pub inventories: usize,
    pub logins: Vec<DemoLogin>,
    /// False when the database already had data and nothing was loaded.
    pub loaded: bool,
}

pub fn read_parties(dir: &Path) -> anyhow::Result<Vec<DemoParty>> {
    let path = dir.join("parties.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// Loads the demo parties and users if the database is empty.
pub async fn load(state: &AppState) -> anyhow::Result<DemoReport> {
    if state.store.count_users().await? > 0 || !state.store.list_orgs().await?.is_empty() {
        return Ok(DemoReport::default());
    }
    let parties = read_parties(&state.settings.sample_data_dir)?;
    let actor = Actor::system("demo");
    let mut ids: HashMap<String, OrgId> = HashMap::new();
    let mut orgs = Vec::new();
    // Representatives first, so `represented_by` can name them.
    let (direct, represented): (Vec<&DemoParty>, Vec<&DemoParty>) =
        parties.iter().partition(|p| p.represented_by.is_none());
    for party in direct.into_iter().chain(represented) {
        let represented_by = match &party.represented_by {
            Some(bid) => {
                let key = BusinessId::parse(bid).map(|b| b.to_string()).unwrap_or_else(|_| bid.clone());
                Some(*ids.get(&key).with_context(|| format!("{}: representative {bid} not listed", party.name))?)
            }
            None => None,
        };
        let req = create_request(party, represented_by);
        let new = parse_new_org(req).map_err(|e| anyhow::anyhow!("{}: {e}", party.name))?;
        let org = state.store.create_org(&actor, &new).await.with_context(|| party.name.clone())?;
        ids.insert(org.business_id.to_string(), org.id);
        orgs.push((org, party.inventory.clone()));
    }
    // The inventories go through the same path as an upload, so the demo shows real reports.
    // The files are static, so the demo members' contracts that had ended before today are
    // renewed by whole years as they are read: their deadlines page and calendar always have
    // dates in the coming months (the stored file keeps the original dates).
    let today = state.clock.today();
    let members: Vec<&str> = demo_members(&parties).into_iter().map(|(_, p)| p.name.as_str()).collect();
    let mut inventories = 0;
    for (org, inventory) in &orgs {
        let Some(file) = inventory else { continue };
        let path = state.settings.sample_data_dir.join(file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| file.clone());
        let renew = members.contains(&org.name.as_str());
        let adjust = |line: &mut lyhty_domain::licence::LicenceLine| {
            if let Some(renewed) = renew.then(|| renewed_until(line, today)).flatten() {
                *line = renewed;
            }
        };
        let (status, report) = process_upload_adjusted(state, &actor, org, name, bytes, Lang::Fi, false, adjust)
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if !status.is_success() {
            bail!("{} was rejected: {} errors", path.display(), report.report.errors.len());
        }
        inventories += 1;
    }
    if parties.is_empty() {
        bail!("sample-data/parties.json lists no parties");
    }
    let pending = governance::add_pending(state, &actor).await?;

    let mut logins = Vec::new();
    for (email, name, role) in [
        ("koordinaattori@lyhty.example", "Kaisa Koordinaattori", "coordinator"),
        ("ohjausryhma@lyhty.example", "Olli Ohjausryhmä", "steering"),
        ("analyytikko@lyhty.example", "Anna Analyytikko", "analyst"),
    ] {
        add_user(state, &actor, email, name, role, None).await?;
        logins.push(DemoLogin { email: email.into(), role: Role::parse(role).map_or("", Role::key), org: None });
    }
    // A member user for the first party of a few categories, so each kind can be tried.
    let mut member_orgs = Vec::new();
    for (category, party) in demo_members(&parties) {
        let business_id = BusinessId::parse(&party.business_id)?;
        let org = ids[&business_id.to_string()];
        let email = format!("jasen.{}@lyhty.example", category.key().replace('_', "-"));
        add_user(state, &actor, &email, &format!("Jäsen, {}", party.name), "member", Some(org)).await?;
        member_orgs.push(org);
        logins.push(DemoLogin { email, role: "member", org: Some(party.name.clone()) });
    }
    load_spend(state, &actor, &orgs).await?;
    governance::accession_meeting(state, &actor, &pending).await?;
    // Negotiations: the demo members' parties first, so each member sees its own savings.
    let others = orgs.iter().map(|(o, _)| o.id).filter(|id| !member_orgs.contains(id)).collect::<Vec<_>>();
    member_orgs.extend(others);
    crate::negotiations::load_demo(state, &member_orgs).await?;
    load_data_request(state, &actor).await?;
    Ok(DemoReport { parties: parties.len(), inventories, logins, loaded: true })
}

/// The parties that get a demo member user: the first (not represented) party of a few
/// categories, so each kind can be tried.
fn demo_members(parties: &[DemoParty]) -> Vec<(OrgCategory, &DemoParty)> {
    [OrgCategory::WellbeingCounty, OrgCategory::University, OrgCategory::LargeCity]
        .into_iter()
        .filter_map(|category| {
            let party = parties.iter().find(|p| p.category == category.key() && p.represented_by.is_none())?;
            Some((category, party))
        })
        .collect()
}

/// A year of the network's own bookkeeping, so the reports have something to show: the
/// steering group's hourly rate, a budget plan for 2026 and a few expenses of its first
/// three quarters (personnel hours reimbursed to a party, the platform, legal advice, an
/// event). Invented figures, booked through the same checks as the API's.
async fn load_spend(
    state: &AppState,
    actor: &Actor,
    orgs: &[(lyhty_domain::Org, Option<String>)],
) -> anyhow::Result<()> {
    use lyhty_domain::Cents;
    use lyhty_finance::ledger::{ExpenseRequest, Hours, prepare_expense};
    use lyhty_finance::plan::{ExpenseCategory as C, HourlyRate, PlanLine};

    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).context("demo date");
    let rate = HourlyRate {
        valid_from: date(2026, 1, 1)?,
        rate_cents: Cents(95_00),
        decision: Some("Ohjausryhmän päätös 15.12.2025".into()),
    };
    let rates = vec![state.store.add_hourly_rate(actor, &rate).await?.rate];

    let mut lines = Vec::new();
    for quarter in 1..=4 {
        for (category, euros) in
            [(C::Personnel, 30_000), (C::Platform, 25_000), (C::Legal, 10_000), (C::TrainingEvents, 5_000)]
        {
            lines.push(PlanLine { year: 2026, quarter, category, amount_cents: Cents(euros * 100) });
        }
    }
    // Approved by the steering group's meeting of that day (demo/governance.rs).
    let approved_on = date(2025, 12, 15)?;
    let decision = governance::budget_meeting(state, actor, approved_on).await?;
    state.store.add_decided_budget_plan(actor, approved_on, Some("Talousarvio 2026"), &lines, decision).await?;

    // Personnel hours go to a party's home organisation (the first listed, for the demo).
    let payee = orgs.first().map(|(o, _)| o.id);
    let expense = |on: NaiveDate, category, euros: Option<i64>, hours: Option<i64>, description: &str| ExpenseRequest {
        date: on,
        category,
        amount_cents: euros.map(|e| Cents(e * 100)),
        description: description.into(),
        payee_org_id: if category == C::Personnel { payee } else { None },
        payee: (category != C::Personnel).then(|| "Demo Oy".to_string()),
        hours: hours.map(Hours::whole),
        rate_cents: None,
        document_ref: None,
    };
    for req in [
        expense(date(2026, 2, 27)?, C::Personnel, None, Some(120), "Ohjausryhmätyö Q1"),
        expense(date(2026, 3, 16)?, C::Platform, Some(18_400), None, "Alustan ylläpito Q1"),
        expense(date(2026, 5, 29)?, C::Personnel, None, Some(96), "Ohjausryhmätyö Q2"),
        expense(date(2026, 6, 12)?, C::Legal, Some(7_250), None, "Sopimusoikeudellinen neuvonta"),
        expense(date(2026, 9, 18)?, C::TrainingEvents, Some(3_900), None, "Verkoston syysseminaari"),
        expense(date(2026, 9, 30)?, C::Platform, Some(21_700), None, "Alustan kehitys Q3"),
    ] {
        let prepared = prepare_expense(&req, &rates).map_err(|e| anyhow::anyhow!("demo expense: {e}"))?;
        state.store.record_expense(actor, &prepared).await?;
    }
    Ok(())
}

/// A data request in progress: opened three weeks ago, due in two weeks, feeding the
/// release two weeks after that. The parties whose demo inventories were just loaded have
/// submitted; the others have not started.
async fn load_data_request(state: &AppState, actor: &Actor) -> anyhow::Result<()> {
    use chrono::Days;
    use lyhty_domain::data_request::NewDataRequest;
    let today = state.clock.today();
    let (opens_on, due_on, as_of) = (
        today.checked_sub_days(Days::new(21)).context("demo date")?,
        today.checked_add_days(Days::new(14)).context("demo date")?,
        today.checked_add_days(Days::new(28)).context("demo date")?,
    );
    let title = format!("Nykytilakartoitus {}", chrono::Datelike::year(&due_on));
    let new = NewDataRequest::parse(&title, None, opens_on, due_on, as_of, str::to_string)
        .map_err(|e| anyhow::anyhow!("demo data request: {e}"))?;
    state.store.create_data_request(actor, &new).await?;
    Ok(())
}

async fn add_user(
    state: &AppState,
    actor: &Actor,
    email: &str,
    name: &str,
    role: &str,
    org: Option<OrgId>,
) -> anyhow::Result<()> {
    let new = parse_new_user(state, email.into(), name.into(), role, org, DEMO_PASSWORD.into())
        .await
        .map_err(|e| anyhow::anyhow!("demo user {email}: {e}"))?;
    state.store.create_user(actor, &new).await?;
    Ok(())
}

/// The sign-ins to print after loading.
pub fn print_logins(report: &DemoReport, base_url: &str) {
    println!();
    println!(
        "Lyhty demo: {} parties and {} inventories loaded. Sign in at {base_url} with password {DEMO_PASSWORD:?}:",
        report.parties, report.inventories
    );
    for login in &report.logins {
        match &login.org {
            Some(org) => println!("  {:<40} {:<12} {org}", login.email, login.role),
            None => println!("  {:<40} {}", login.email, login.role),
        }
    }
    println!("API documentation: {base_url}/api/docs");
    println!();
}
