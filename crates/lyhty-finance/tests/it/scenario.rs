//! The network's first term, end to end: the realistic party list, the cost-share table
//! and seat weights, instalment 1 in autumn 2025, a party joining in November 2025,
//! instalment 2 in January 2026, a party joining in February 2026 and a party terminated
//! in 2026 — and every party billed exactly its share, to the cent.

use crate::common::*;
use lyhty_domain::{Cents, Lang, Org, OrgCategory, OrgStatus};
use lyhty_finance::invoicing::{Billed, billed_by, plan_invoice_run};
use lyhty_finance::seats::{TallyRule, Vote, tally};
use lyhty_finance::{CostShareModel, Tier, cost_shares, issue_invoice, share_for};
use std::collections::{BTreeMap, HashSet};

const M: i64 = 100_000_000; // a million euros in cents

struct Parties {
    all: Vec<Org>,
}

impl Parties {
    fn by_name(&self, name: &str) -> &Org {
        self.all.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("no party {name}"))
    }
}

fn parties() -> Parties {
    let signed = d(2025, 8, 25);
    let mut n = 0;
    let mut next = |name: &str, category: OrgCategory| {
        n += 1;
        org(name, category, business_id(n), signed)
    };
    let mut all = Vec::new();
    // 21 wellbeing services counties with annual budgets (M€), across all three tiers.
    let counties = [
        ("Itä-Uudenmaan hyvinvointialue", 620),
        ("Keski-Uudenmaan hyvinvointialue", 1_000),
        ("Länsi-Uudenmaan hyvinvointialue", 1_650),
        ("Vantaan ja Keravan hyvinvointialue", 1_150),
        ("Varsinais-Suomen hyvinvointialue", 2_600),
        ("Satakunnan hyvinvointialue", 1_050),
        ("Kanta-Hämeen hyvinvointialue", 770),
        ("Pirkanmaan hyvinvointialue", 2_450),
        ("Päijät-Hämeen hyvinvointialue", 900),
        ("Kymenlaakson hyvinvointialue", 760),
        ("Etelä-Karjalan hyvinvointialue", 570),
        ("Etelä-Savon hyvinvointialue", 620),
        ("Pohjois-Savon hyvinvointialue", 1_450),
        ("Pohjois-Karjalan hyvinvointialue", 750),
        ("Keski-Suomen hyvinvointialue", 1_430),
        ("Etelä-Pohjanmaan hyvinvointialue", 880),
        ("Pohjanmaan hyvinvointialue", 780),
        ("Keski-Pohjanmaan hyvinvointialue", 400),
        ("Pohjois-Pohjanmaan hyvinvointialue", 2_000),
        ("Kainuun hyvinvointialue", 380),
        ("Lapin hyvinvointialue", 1_001),
    ];
    for (name, meur) in counties {
        all.push(Org { annual_budget_cents: Some(Cents(meur * M)), ..next(name, OrgCategory::WellbeingCounty) });
    }
    // The six largest cities; Tampere's budget is exactly on the upper boundary.
    let cities = [
        ("Helsingin kaupunki", 5_900 * M),
        ("Espoon kaupunki", 2_100 * M),
        ("Tampereen kaupunki", 2_000 * M),
        ("Vantaan kaupunki", 1_450 * M),
        ("Oulun kaupunki", 99_999_999_999),
        ("Turun kaupunki", 1_000 * M),
    ];
    for (name, budget) in cities {
        all.push(Org { annual_budget_cents: Some(Cents(budget)), ..next(name, OrgCategory::LargeCity) });
    }
    for name in [
        "Helsingin yliopisto",
        "Aalto-yliopisto",
        "Tampereen yliopisto",
        "Turun yliopisto",
        "Oulun yliopisto",
        "Jyväskylän yliopisto",
        "Itä-Suomen yliopisto",
        "LUT-yliopisto",
        "Åbo Akademi",
        "Vaasan yliopisto",
        "Lapin yliopisto",
        "Svenska handelshögskolan",
        "Taideyliopisto", // joins in November 2025
    ] {
        all.push(next(name, OrgCategory::University));
    }
    for name in [
        "Metropolia Ammattikorkeakoulu",
        "Haaga-Helia ammattikorkeakoulu",
        "Laurea-ammattikorkeakoulu",
        "Yrkeshögskolan Arcada",
        "Diakonia-ammattikorkeakoulu",
        "Humanistinen ammattikorkeakoulu",
        "Tampereen ammattikorkeakoulu",
        "Turun ammattikorkeakoulu",
        "Oulun ammattikorkeakoulu",
        "Jyväskylän ammattikorkeakoulu",
        "Savonia-ammattikorkeakoulu",
        "Karelia-ammattikorkeakoulu",
        "Lapin ammattikorkeakoulu",
        "LAB-ammattikorkeakoulu",
        "Kaakkois-Suomen ammattikorkeakoulu",
        "Hämeen ammattikorkeakoulu",
        "Satakunnan ammattikorkeakoulu",
        "Seinäjoen ammattikorkeakoulu",
        "Vaasan ammattikorkeakoulu",
        "Centria-ammattikorkeakoulu",
        "Kajaanin ammattikorkeakoulu", // terminated in 2026
        "Yrkeshögskolan Novia",        // joins in February 2026
    ] {
        all.push(next(name, OrgCategory::Uas));
    }
    all.push(org(
        "Kansaneläkelaitos",
        OrgCategory::Kela,
        lyhty_domain::BusinessId::parse("0246246-0").unwrap(),
        signed,
    ));
    let valtori =
        org("Valtori", OrgCategory::State, lyhty_domain::BusinessId::parse("2574261-7").unwrap(), d(2025, 6, 30));
    let kuntaliitto = next("Suomen Kuntaliitto", OrgCategory::Municipalities);
    all.push(Org { represented_by: Some(valtori.id), ..next("Tilastokeskus", OrgCategory::State) });
    all.push(Org { represented_by: Some(kuntaliitto.id), ..next("Luhangan kunta", OrgCategory::Municipalities) });
    all.push(valtori);
    all.push(kuntaliitto);
    // The agreement sets no amount for the church: the coordinator set an odd one.
    all.push(Org {
        cost_share_cents: Some(Cents(1_500_001)),
        einvoice_address: Some("0216:003702459798".into()),
        ..next("Kirkkohallitus", OrgCategory::Parish)
    });

    for o in &mut all {
        match o.name.as_str() {
            "Taideyliopisto" => o.joined_on = d(2025, 11, 10),
            "Yrkeshögskolan Novia" => o.joined_on = d(2026, 2, 9),
            _ => {}
        }
    }
    Parties { all }
}

#[test]
fn first_term_from_shares_to_instalments() {
    let model = CostShareModel::seeded();
    let cfg = config();
    let mut p = parties();
    let count = |c: OrgCategory| p.all.iter().filter(|o| o.category == c && o.represented_by.is_none()).count();
    assert_eq!(
        [OrgCategory::WellbeingCounty, OrgCategory::LargeCity, OrgCategory::University, OrgCategory::Uas].map(count),
        [21, 6, 13, 22]
    );

    // --- Shares, total, coverage, seats (everyone who has signed by the end of the term).
    let table = cost_shares(&model, &p.all, d(2026, 3, 1));
    assert!(table.parties.iter().all(|r| r.problem.is_none()), "{:?}", table.parties);
    let tier_of = |name: &str| share_for(p.by_name(name), &model).unwrap().tier;
    assert_eq!(tier_of("Oulun kaupunki"), Some(Tier::Low)); // 999 999 999,99 €
    assert_eq!(tier_of("Turun kaupunki"), Some(Tier::Middle)); // exactly 1 000 M€
    assert_eq!(tier_of("Tampereen kaupunki"), Some(Tier::Middle)); // exactly 2 000 M€
    assert_eq!(tier_of("Espoon kaupunki"), Some(Tier::High));
    // Counties: 11 low (10 k€), 8 middle (20 k€), 2 high (25 k€), from the budgets above.
    let county_total: i64 =
        table.parties.iter().filter(|r| r.category == OrgCategory::WellbeingCounty).map(|r| r.share_cents.0).sum();
    let cities_total = Cents::euros(25_000 + 25_000 + 20_000 + 20_000 + 10_000 + 20_000);
    let expected_total = Cents(county_total)
        + cities_total
        + Cents::euros(13 * 10_000 + 22 * 5_000 + 25_000 + 400_000 + 300_000)
        + Cents(1_500_001);
    assert_eq!(table.total_cents, expected_total);
    assert_eq!(Cents(county_total), Cents::euros(11 * 10_000 + 8 * 20_000 + 2 * 25_000));
    assert_eq!(table.total_cents, Cents(142_000_001));
    assert_eq!(table.coverage, 0.9467);
    assert_eq!(table.budget_cents, Cents::euros(1_500_000));
    let weight_sum: f64 = table.seats.iter().map(|s| s.weight).sum();
    assert!((weight_sum - 1.0).abs() < 1e-12, "{weight_sum}");
    let seat = |key: &str| table.seats.iter().find(|s| s.key == key).unwrap();
    assert_eq!(seat("state").share_cents, Cents::euros(400_000));
    assert!((seat("state").weight - 40_000_000.0 / 142_000_001.0).abs() < 1e-12);
    assert_eq!(seat("wellbeing_counties").members, 2);
    assert_eq!(seat("wellbeing_counties").org_ids.len(), 21);
    // State agencies sit with Valtori's seat and add no weight.
    assert_eq!(seat("state").org_ids.len(), 2);
    assert_eq!(table.seats.len(), 8, "eight sectors of §8.1");
    // A vote: state, municipalities and counties for (≈ 72 %), the rest against.
    let votes: Vec<(String, Vote)> = table
        .seats
        .iter()
        .map(|s| {
            let yes = ["state", "municipalities", "wellbeing_counties"].contains(&s.key.as_str());
            (s.key.clone(), if yes { Vote::Yes } else { Vote::No })
        })
        .collect();
    let result = tally(&table.seats, &votes, TallyRule::default()).unwrap();
    assert!(result.passed, "{result:?}");
    let without_counties: Vec<(String, Vote)> =
        votes.iter().map(|(k, v)| (k.clone(), if k == "wellbeing_counties" { Vote::No } else { *v })).collect();
    assert!(!tally(&table.seats, &without_counties, TallyRule::default()).unwrap().passed);

    // --- Instalment 1, autumn 2025.
    let mut billed: Vec<Billed> = Vec::new();
    let mut invoices = Vec::new();
    let mut self_paid = Vec::new();
    let run1 = plan_invoice_run(&model, &cfg, &p.all, &billed, 1, d(2025, 9, 5), false).unwrap();
    assert_eq!(run1.due_date, d(2025, 9, 26));
    // 21 + 6 + 12 universities + 21 UAS + Kela + Kuntaliitto + church; Valtori books its own.
    assert_eq!(run1.invoices.len(), 21 + 6 + 12 + 21 + 1 + 1 + 1);
    assert_eq!(run1.self_contributions.len(), 1);
    assert_eq!(run1.self_contributions[0].amount, Cents::euros(200_000));
    assert_eq!(run1.self_contributions[0].paid_on, d(2025, 9, 5));
    assert!(run1.skipped.is_empty());
    let names: HashSet<&str> = run1.invoices.iter().map(|i| i.buyer.name.as_str()).collect();
    for never in ["Tilastokeskus", "Luhangan kunta", "Valtori", "Taideyliopisto", "Yrkeshögskolan Novia"] {
        assert!(!names.contains(never), "{never} must not be invoiced in run 1");
    }
    let church = run1.invoices.iter().find(|i| i.buyer.name == "Kirkkohallitus").unwrap();
    assert_eq!(church.amount, Cents(750_001), "the odd cent goes to instalment 1");
    assert_eq!(church.buyer.endpoint.to_string(), "0216:003702459798");
    billed.extend(billed_by(&run1));
    invoices.extend(run1.invoices.clone());
    let mut runs = vec![run1.clone()];
    self_paid.extend(run1.self_contributions.clone());

    // Running it again the same day creates nothing.
    assert!(plan_invoice_run(&model, &cfg, &p.all, &billed, 1, d(2025, 9, 5), false).unwrap().is_empty());

    // --- November 2025: Taideyliopisto joins; instalment 1 is run again for it alone.
    let run1b = plan_invoice_run(&model, &cfg, &p.all, &billed, 1, d(2025, 11, 12), false).unwrap();
    assert_eq!(run1b.invoices.len(), 1);
    assert_eq!(run1b.invoices[0].buyer.name, "Taideyliopisto");
    assert_eq!(run1b.invoices[0].instalments(), vec![1]);
    assert_eq!(run1b.invoices[0].due_date, d(2025, 12, 3));
    billed.extend(billed_by(&run1b));
    invoices.extend(run1b.invoices.clone());
    runs.push(run1b.clone());

    // A run of instalment 1 in mid-December would fall due in 2026: refused unless overridden.
    let late = plan_invoice_run(&model, &cfg, &p.all, &billed, 1, d(2025, 12, 20), false).unwrap_err();
    assert_eq!(late.code(), "outside_instalment_window");

    // --- 2026: Kajaani UAS gives notice; it stays liable for the term (§17).
    for o in &mut p.all {
        if o.name == "Kajaanin ammattikorkeakoulu" {
            o.status = OrgStatus::Terminated;
            o.status_effective_on = Some(d(2026, 1, 10));
        }
    }

    // --- Instalment 2, January 2026.
    let run2 = plan_invoice_run(&model, &cfg, &p.all, &billed, 2, d(2026, 1, 15), false).unwrap();
    assert_eq!(run2.due_date, d(2026, 2, 5));
    assert_eq!(run2.invoices.len(), 21 + 6 + 13 + 21 + 1 + 1 + 1);
    assert!(run2.invoices.iter().all(|i| i.instalments() == vec![2]));
    assert!(run2.invoices.iter().any(|i| i.buyer.name == "Kajaanin ammattikorkeakoulu"));
    assert!(run2.invoices.iter().any(|i| i.buyer.name == "Taideyliopisto"));
    billed.extend(billed_by(&run2));
    invoices.extend(run2.invoices.clone());
    runs.push(run2.clone());
    self_paid.extend(run2.self_contributions.clone());

    // --- February 2026: Novia joins and is billed both instalments in one invoice.
    let run2b = plan_invoice_run(&model, &cfg, &p.all, &billed, 2, d(2026, 2, 12), false).unwrap();
    assert_eq!(run2b.invoices.len(), 1);
    let novia = &run2b.invoices[0];
    assert_eq!(novia.buyer.name, "Yrkeshögskolan Novia");
    assert_eq!(novia.instalments(), vec![1, 2]);
    assert_eq!(novia.amount, Cents::euros(5_000));
    assert_eq!(novia.due_date, d(2026, 3, 5));
    billed.extend(billed_by(&run2b));
    invoices.extend(run2b.invoices.clone());
    runs.push(run2b.clone());
    assert!(plan_invoice_run(&model, &cfg, &p.all, &billed, 2, d(2026, 2, 20), false).unwrap().is_empty());

    // Seats after the termination: Kajaani no longer votes; weights still sum to 1.
    let later = cost_shares(&model, &p.all, d(2026, 2, 15));
    let kajaani = p.by_name("Kajaanin ammattikorkeakoulu").id;
    assert!(later.seats.iter().all(|s| !s.org_ids.contains(&kajaani)));
    assert!((later.seats.iter().map(|s| s.weight).sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(later.total_cents, table.total_cents, "a terminated party's share still counts");

    // --- Every party billed exactly its share, to the cent, in two instalments.
    let mut per_org: BTreeMap<_, (Cents, Vec<u8>)> = BTreeMap::new();
    for inv in &invoices {
        let e = per_org.entry(inv.org_id).or_default();
        for l in &inv.lines {
            e.0 += l.amount;
            e.1.push(l.instalment);
        }
    }
    for s in &self_paid {
        let e = per_org.entry(s.org_id).or_default();
        e.0 += s.amount;
        e.1.extend(&s.instalments);
    }
    for o in &p.all {
        let share = share_for(o, &model).unwrap();
        match per_org.get(&o.id) {
            Some((sum, instalments)) => {
                assert_eq!(*sum, share.share, "{}", o.name);
                let mut sorted = instalments.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, vec![1, 2], "{}", o.name);
            }
            None => assert!(!share.liable, "{} was never billed", o.name),
        }
    }
    let billed_total: Cents = per_org.values().map(|(c, _)| *c).sum();
    assert_eq!(billed_total, table.total_cents);

    // --- Issued as the platform issues them: the store hands out the numbers (gapless per
    // year, across runs), the finance crate turns each number into the document. Gapless
    // numbers, unique references and a barcode on every invoice.
    let issued = tokio::runtime::Runtime::new().unwrap().block_on(issue_in_the_store(&p.all, &runs, &cfg));
    assert_eq!(issued.len(), invoices.len());
    let mut references = HashSet::new();
    for (year, count) in [(2025, 63 + 1), (2026, 64 + 1)] {
        let mut numbers: Vec<&str> =
            issued.iter().map(|i| i.number.as_str()).filter(|n| n.starts_with(&format!("{year}-"))).collect();
        numbers.sort_unstable();
        let expected: Vec<String> = (1..=count).map(|n| format!("{year}-{n:04}")).collect();
        assert_eq!(numbers, expected, "{year}: gapless from 0001");
    }
    for inv in &issued {
        assert_eq!(inv.document["number"], inv.number.as_str(), "the document carries the number it was given");
        assert!(references.insert(inv.reference.clone()), "duplicate reference {}", inv.reference);
        assert_eq!(inv.barcode.as_ref().map(String::len), Some(54), "{}", inv.number);
    }
}

/// Records every run in a fresh SQLite store, as the invoice-run endpoint does, and returns
/// the invoices with the numbers the store gave them.
async fn issue_in_the_store(
    parties: &[Org],
    runs: &[lyhty_finance::invoicing::RunPlan],
    cfg: &lyhty_finance::InvoicingConfig,
) -> Vec<lyhty_store::InvoiceRecord> {
    use lyhty_store::{Actor, DraftInvoice, IssuedInvoice, NewOrg, NewRun};
    let (store, _dir, _url) = lyhty_store::testing::fresh_sqlite().await;
    let actor = Actor::system("scenario");
    // The store gives parties their own ids; those represented by another come after it.
    let mut ids = BTreeMap::new();
    let mut ordered: Vec<&Org> = parties.iter().collect();
    ordered.sort_by_key(|o| o.represented_by.is_some());
    for o in ordered {
        let new = NewOrg {
            name: o.name.clone(),
            business_id: o.business_id.clone(),
            category: o.category,
            annual_budget_cents: o.annual_budget_cents,
            budget_year: o.budget_year,
            budget_source: o.budget_source.clone(),
            joined_on: o.joined_on,
            accession_number: o.accession_number.clone(),
            represented_by: o.represented_by.map(|r| ids[&r]),
            einvoice_address: o.einvoice_address.clone(),
            contact_name: None,
            contact_email: None,
            contact_phone: None,
            cost_share_cents: o.cost_share_cents,
        };
        ids.insert(o.id, store.create_org(&actor, &new).await.unwrap().id);
    }
    let mut issued = Vec::new();
    for run in runs {
        let drafts = run
            .invoices
            .iter()
            .map(|plan| {
                let (plan, cfg) = (plan.clone(), cfg.clone());
                DraftInvoice {
                    org_id: ids[&plan.org_id],
                    instalments: plan.instalments(),
                    issue_date: plan.issue_date,
                    issue: Box::new(move |_year, seq| {
                        let doc = issue_invoice(&plan, &cfg, seq, Lang::Fi).map_err(|e| e.to_string())?;
                        assert_eq!(doc.payable(), plan.amount);
                        Ok(IssuedInvoice {
                            number: doc.number.clone(),
                            reference: doc.reference.digits().to_string(),
                            rf_reference: doc.rf_reference.electronic().to_string(),
                            barcode: doc.barcode(),
                            amount_cents: doc.payable(),
                            due_date: doc.due_date,
                            document: serde_json::to_value(&doc).map_err(|e| e.to_string())?,
                        })
                    }),
                }
            })
            .collect();
        let new_run = NewRun {
            instalment: run.instalment,
            issue_date: run.issue_date,
            model_version: run.model_version.clone(),
            overridden: false,
            summary: serde_json::json!({}),
        };
        issued.extend(store.record_invoice_run(&actor, &new_run, drafts, &[]).await.unwrap().invoices);
    }
    issued
}
