//! Writes `sample-data/`: fictional parties with plausible licence inventories in every file
//! format members use, and a folder of bad files for the tests.
//!
//! Run as `cargo run -p lyhty-ingest --example sample_data -- sample-data` (or `make
//! sample-data`). The output depends only on the fixed seed below: no clock, no network.

use lyhty_domain::{BusinessId, Cents};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// A small deterministic generator (splitmix64), so the output never depends on a crate's
/// random-number algorithm changing between versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// A business ID with a valid check digit, fresh for each call.
fn business_id(rng: &mut Rng, used: &mut Vec<String>) -> String {
    loop {
        let body = format!("{:07}", rng.range(1_000_000, 3_499_999));
        if let Some(c) = BusinessId::check_digit(&body) {
            let id = format!("{body}-{c}");
            if !used.contains(&id) && BusinessId::parse(&id).is_ok() {
                used.push(id.clone());
                return id;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Parties

struct Party {
    name: String,
    business_id: String,
    category: &'static str,
    budget_meur_cents: Option<i64>,
    joined_on: String,
    accession: u32,
    represented_by: Option<String>,
    einvoice: bool,
    contact: (String, String),
    cost_share_cents: Option<i64>,
    inventory: Option<String>,
}

const FIRST: &[&str] = &[
    "Liisa", "Matti", "Anna", "Juha", "Sanna", "Mikko", "Kaisa", "Pekka", "Elina", "Timo", "Heidi", "Ville", "Johanna",
    "Antti", "Saara", "Erik", "Maria", "Jukka",
];
const LAST: &[&str] = &[
    "Lisenssi",
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Saarinen",
    "Lindqvist",
    "Söderberg",
    "Räsänen",
    "Ahonen",
];

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let c = match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn parties(rng: &mut Rng) -> Vec<Party> {
    let m = |meur: i64| Some(meur * 100_000_000); // M€ → cents
    // (name, category, budget in cents, joined, represented by index, cost share)
    let spec: Vec<(&str, &str, Option<i64>, &str)> = vec![
        ("Valtion tieto- ja viestintätekniikkakeskus Valtori", "state", None, "2025-09-01"),
        ("Kuntien Lisenssiyhteistyö ry", "municipalities", None, "2025-09-01"),
        ("Järvi-Hämeen hyvinvointialue", "wellbeing_county", m(650), "2025-09-01"),
        ("Koillismaan hyvinvointialue", "wellbeing_county", Some(99_999_999_999), "2025-09-02"),
        ("Rannikon hyvinvointialue", "wellbeing_county", m(1000), "2025-09-03"),
        ("Itä-Savonian hyvinvointialue", "wellbeing_county", m(1450), "2025-09-04"),
        ("Pohjanlahden hyvinvointialue", "wellbeing_county", m(2000), "2025-09-05"),
        ("Länsi-Kairan hyvinvointialue", "wellbeing_county", Some(200_000_000_001), "2025-09-08"),
        ("Keski-Vaaran hyvinvointialue", "wellbeing_county", m(2600), "2025-11-12"),
        ("Saaristomeren hyvinvointialue", "wellbeing_county", m(820), "2026-02-03"),
        ("Lyhtylän kaupunki", "large_city", m(480), "2025-09-01"),
        ("Kivikosken kaupunki", "large_city", m(999), "2025-09-02"),
        ("Harjulahden kaupunki", "large_city", m(1000), "2025-09-03"),
        ("Vaaralan kaupunki", "large_city", m(1200), "2025-09-04"),
        ("Merenkurkun kaupunki", "large_city", m(2000), "2025-09-05"),
        ("Koivurannan kaupunki", "large_city", m(2001), "2025-09-09"),
        ("Salmenkylän kaupunki", "large_city", m(5200), "2025-11-20"),
        ("Peltoniemen kaupunki", "large_city", m(760), "2026-02-10"),
        ("Lyhtylän yliopisto", "university", None, "2025-09-02"),
        ("Itäisen Suomen teknillinen yliopisto", "university", None, "2025-09-03"),
        ("Rannikon kauppakorkeakoulu", "university", None, "2025-09-10"),
        ("Vaaralan taideyliopisto", "university", None, "2025-09-11"),
        ("Pohjoisen metsäyliopisto", "university", None, "2025-11-05"),
        ("Harjulahden ammattikorkeakoulu", "uas", None, "2025-09-04"),
        ("Kivikosken ammattikorkeakoulu", "uas", None, "2025-09-05"),
        ("Saariston ammattikorkeakoulu", "uas", None, "2025-09-12"),
        ("Lakeuden ammattikorkeakoulu", "uas", None, "2025-09-15"),
        ("Metsäkylän ammattikorkeakoulu", "uas", None, "2026-02-16"),
        ("Yrkeshögskolan Skärgården", "uas", None, "2025-09-16"),
        ("Kansaneläkelaitos (demo)", "kela", None, "2025-09-01"),
        ("Lyhtylän tilastovirasto", "state", None, "2025-09-15"),
        ("Maanmittauksen demovirasto", "state", None, "2025-09-22"),
        ("Ympäristötiedon keskusvirasto", "state", None, "2025-11-03"),
        ("Pikkulan kunta", "municipalities", None, "2025-09-15"),
        ("Kalliojärven kunta", "municipalities", None, "2025-09-25"),
        ("Skärholms kommun", "municipalities", None, "2025-11-10"),
        ("Lyhtylän evankelis-luterilainen seurakuntayhtymä", "parish", None, "2025-09-18"),
        ("Ortodoksinen demoseurakunta", "parish", None, "2026-02-20"),
        ("Suomen Lisenssitutkimussäätiö sr", "other", None, "2025-09-19"),
        ("Kuntien Tietopalveluyhtiö Oy", "other", None, "2025-11-25"),
        ("Hämeen kaupunkiseudun demokunta", "municipalities", None, "2025-09-30"),
        ("Lapin maakunnan demohallinto", "state", None, "2025-09-26"),
    ];
    let mut used = vec!["2574261-7".to_owned()];
    let mut out: Vec<Party> = Vec::new();
    let mut order: Vec<usize> = (0..spec.len()).collect();
    order.sort_by_key(|&i| (spec[i].3, i));
    let accession: Vec<u32> = {
        let mut a = vec![0; spec.len()];
        for (n, &i) in order.iter().enumerate() {
            a[i] = n as u32 + 1;
        }
        a
    };
    for (i, (name, category, budget, joined)) in spec.iter().enumerate() {
        let bid = if i == 0 { "2574261-7".to_owned() } else { business_id(rng, &mut used) };
        let first = rng.pick(FIRST).to_string();
        let last = rng.pick(LAST).to_string();
        let domain = format!("{}.example", slug(name).split('-').take(2).collect::<Vec<_>>().join("-"));
        let email = format!("{}.{}@{domain}", slug(&first), slug(&last));
        // Represented: the three state agencies by Valtori, the small municipalities by the
        // municipalities' representative; the two other municipalities are left unrepresented
        // only if listed after (none here).
        let represented_by = match (*category, i) {
            ("state", i) if i > 0 => Some(0usize),
            ("municipalities", i) if i > 1 => Some(1usize),
            _ => None,
        };
        let tiered = matches!(*category, "wellbeing_county" | "large_city");
        out.push(Party {
            name: name.to_string(),
            business_id: bid,
            category,
            budget_meur_cents: if tiered { *budget } else { None },
            joined_on: joined.to_string(),
            accession: accession[i],
            represented_by: represented_by.map(|r| r.to_string()),
            einvoice: represented_by.is_none(),
            contact: (format!("{first} {last}"), email),
            cost_share_cents: match (*category, name.contains("luterilainen"), *category == "other" && i == 38) {
                ("parish", true, _) => Some(800_000),
                (_, _, true) => Some(500_000),
                _ => None,
            },
            inventory: None,
        });
    }
    // Resolve the representative's business ID.
    let ids: Vec<String> = out.iter().map(|p| p.business_id.clone()).collect();
    for p in &mut out {
        if let Some(r) = &p.represented_by {
            p.represented_by = r.parse::<usize>().ok().map(|i| ids[i].clone());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Licence lines

struct Product {
    vendors: &'static [&'static str],
    product: &'static str,
    sku: &'static str,
    category: &'static str,
    licence_type: &'static str,
    metric: &'static str,
    /// Annual unit price in cents, low and high.
    price: (i64, i64),
    contract: &'static [&'static str],
    channel: &'static [&'static str],
    /// Quantity range for an organisation of "size 1".
    qty: (u64, u64),
}

const PRODUCTS: &[Product] = &[
    Product {
        vendors: &["Microsoft Ireland Operations Ltd", "Microsoft", "Microsoft Oy"],
        product: "Microsoft 365 E3",
        sku: "AAD-33204",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (37_000, 42_000),
        contract: &["enterprise_agreement", "csp"],
        channel: &["reseller"],
        qty: (400, 9000),
    },
    Product {
        vendors: &["Microsoft Ireland Operations Ltd", "Microsoft"],
        product: "Microsoft 365 E5",
        sku: "AAD-33203",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (62_000, 70_000),
        contract: &["enterprise_agreement"],
        channel: &["reseller"],
        qty: (20, 800),
    },
    Product {
        vendors: &["Microsoft"],
        product: "Microsoft Entra ID P2",
        sku: "EMS-P2",
        category: "identity_management",
        licence_type: "end_user",
        metric: "named_user",
        price: (8_000, 10_000),
        contract: &["enterprise_agreement", "csp"],
        channel: &["reseller"],
        qty: (50, 3000),
    },
    Product {
        vendors: &["Microsoft Corporation", "Microsoft"],
        product: "Windows Server Datacenter",
        sku: "9EA-00039",
        category: "operating_system",
        licence_type: "server",
        metric: "core",
        price: (30_000, 45_000),
        contract: &["enterprise_agreement", "mpsa"],
        channel: &["reseller"],
        qty: (32, 640),
    },
    Product {
        vendors: &["Microsoft"],
        product: "SQL Server Enterprise",
        sku: "7JQ-00341",
        category: "database",
        licence_type: "server",
        metric: "core",
        price: (180_000, 260_000),
        contract: &["enterprise_agreement", "perpetual_maintenance"],
        channel: &["reseller"],
        qty: (8, 96),
    },
    Product {
        vendors: &["Microsoft"],
        product: "Azure consumption",
        sku: "AZ-MACC",
        category: "cloud_platform",
        licence_type: "server",
        metric: "enterprise",
        price: (5_000_000, 60_000_000),
        contract: &["cloud_commitment"],
        channel: &["reseller", "direct"],
        qty: (1, 1),
    },
    Product {
        vendors: &["GitHub, Inc."],
        product: "GitHub Enterprise",
        sku: "GH-ENT",
        category: "development_tools",
        licence_type: "end_user",
        metric: "named_user",
        price: (23_000, 25_000),
        contract: &["subscription"],
        channel: &["direct", "reseller"],
        qty: (10, 250),
    },
    Product {
        vendors: &["Oracle Finland Oy", "Oracle", "ORACLE CORPORATION"],
        product: "Oracle Database Enterprise Edition",
        sku: "A86405",
        category: "database",
        licence_type: "server",
        metric: "processor",
        price: (1_000_000, 1_100_000),
        contract: &["perpetual_maintenance"],
        channel: &["direct"],
        qty: (2, 24),
    },
    Product {
        vendors: &["Oracle"],
        product: "Oracle WebLogic Server",
        sku: "B75443",
        category: "integration_platform",
        licence_type: "server",
        metric: "processor",
        price: (500_000, 560_000),
        contract: &["perpetual_maintenance"],
        channel: &["direct"],
        qty: (2, 12),
    },
    Product {
        vendors: &["SAP Finland Oy", "SAP SE"],
        product: "SAP S/4HANA Professional User",
        sku: "7018848",
        category: "erp_finance",
        licence_type: "end_user",
        metric: "named_user",
        price: (120_000, 180_000),
        contract: &["perpetual_maintenance", "subscription"],
        channel: &["direct"],
        qty: (20, 600),
    },
    Product {
        vendors: &["SAP SE"],
        product: "SAP SuccessFactors Employee Central",
        sku: "8003456",
        category: "erp_finance",
        licence_type: "end_user",
        metric: "named_user",
        price: (6_000, 9_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (500, 12000),
    },
    Product {
        vendors: &["Adobe Systems Software Ireland Ltd", "Adobe"],
        product: "Adobe Acrobat Pro",
        sku: "65297934",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (17_000, 21_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (50, 2500),
    },
    Product {
        vendors: &["Adobe"],
        product: "Adobe Creative Cloud All Apps",
        sku: "65297757",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (80_000, 95_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (5, 200),
    },
    Product {
        vendors: &["VMware, Inc.", "Broadcom Inc.", "VMware by Broadcom"],
        product: "VMware Cloud Foundation",
        sku: "VCF-CLD-SUB-C",
        category: "infrastructure_virtualisation",
        licence_type: "server",
        metric: "core",
        price: (30_000, 36_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (64, 2048),
    },
    Product {
        vendors: &["Red Hat Inc", "Red Hat"],
        product: "Red Hat Enterprise Linux Server",
        sku: "RH00004",
        category: "operating_system",
        licence_type: "server",
        metric: "server_instance",
        price: (70_000, 120_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (5, 200),
    },
    Product {
        vendors: &["Citrix Systems Inc."],
        product: "Citrix Virtual Apps and Desktops",
        sku: "CVAD-PR",
        category: "infrastructure_virtualisation",
        licence_type: "end_user",
        metric: "concurrent_user",
        price: (20_000, 30_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (100, 3000),
    },
    Product {
        vendors: &["Esri Finland Oy", "Esri"],
        product: "ArcGIS Pro Advanced",
        sku: "ESRI-PRO-ADV",
        category: "gis",
        licence_type: "end_user",
        metric: "named_user",
        price: (350_000, 420_000),
        contract: &["subscription", "perpetual_maintenance"],
        channel: &["direct"],
        qty: (2, 60),
    },
    Product {
        vendors: &["Esri Finland Oy"],
        product: "ArcGIS Enterprise Standard",
        sku: "ESRI-ENT-STD",
        category: "gis",
        licence_type: "server",
        metric: "core",
        price: (450_000, 500_000),
        contract: &["perpetual_maintenance"],
        channel: &["direct"],
        qty: (4, 16),
    },
    Product {
        vendors: &["Autodesk Ireland Operations Unlimited Company", "Autodesk"],
        product: "AutoCAD",
        sku: "057Q1",
        category: "other",
        licence_type: "end_user",
        metric: "named_user",
        price: (200_000, 230_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (2, 80),
    },
    Product {
        vendors: &["Atlassian Pty Ltd", "Atlassian"],
        product: "Jira Software Cloud Premium",
        sku: "JIRA-PREM",
        category: "development_tools",
        licence_type: "end_user",
        metric: "named_user",
        price: (15_000, 18_000),
        contract: &["subscription"],
        channel: &["reseller", "direct"],
        qty: (25, 1500),
    },
    Product {
        vendors: &["Atlassian"],
        product: "Confluence Cloud Standard",
        sku: "CONF-STD",
        category: "intranet",
        licence_type: "end_user",
        metric: "named_user",
        price: (6_000, 7_500),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (25, 2000),
    },
    Product {
        vendors: &["ServiceNow Nederland B.V.", "ServiceNow"],
        product: "ServiceNow IT Service Management Pro",
        sku: "PROD-ITSM-PRO",
        category: "other",
        licence_type: "end_user",
        metric: "named_user",
        price: (110_000, 140_000),
        contract: &["subscription"],
        channel: &["direct", "reseller"],
        qty: (10, 300),
    },
    Product {
        vendors: &["Salesforce.com EMEA Ltd"],
        product: "Service Cloud Enterprise",
        sku: "SC-ENT",
        category: "other",
        licence_type: "end_user",
        metric: "named_user",
        price: (160_000, 190_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (5, 150),
    },
    Product {
        vendors: &["Tableau Software LLC"],
        product: "Tableau Creator",
        sku: "TAB-CRE",
        category: "data_warehouse_analytics",
        licence_type: "end_user",
        metric: "named_user",
        price: (85_000, 95_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (3, 80),
    },
    Product {
        vendors: &["Google Ireland Limited", "Google Cloud"],
        product: "Google Workspace Education Plus",
        sku: "GWS-EDU-PLUS",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (4_000, 6_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (500, 20000),
    },
    Product {
        vendors: &["Amazon Web Services EMEA SARL", "AWS"],
        product: "AWS Enterprise Discount Program",
        sku: "AWS-EDP",
        category: "cloud_platform",
        licence_type: "server",
        metric: "enterprise",
        price: (10_000_000, 80_000_000),
        contract: &["cloud_commitment"],
        channel: &["direct", "framework"],
        qty: (1, 1),
    },
    Product {
        vendors: &["Cisco Systems Finland Oy", "Cisco"],
        product: "Webex Meetings Enterprise",
        sku: "A-FLEX-3",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (9_000, 14_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (100, 4000),
    },
    Product {
        vendors: &["Zoom Video Communications, Inc."],
        product: "Zoom Workplace Business",
        sku: "ZM-BUS",
        category: "office_collaboration",
        licence_type: "end_user",
        metric: "named_user",
        price: (16_000, 21_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (10, 400),
    },
    Product {
        vendors: &["QlikTech Finland Oy", "Qlik"],
        product: "Qlik Sense Enterprise SaaS",
        sku: "QS-ENT",
        category: "data_warehouse_analytics",
        licence_type: "end_user",
        metric: "named_user",
        price: (40_000, 60_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (10, 600),
    },
    Product {
        vendors: &["Elastic N.V."],
        product: "Elastic Cloud Enterprise",
        sku: "ECE-PLAT",
        category: "security_classification",
        licence_type: "server",
        metric: "server_instance",
        price: (600_000, 900_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (1, 12),
    },
    Product {
        vendors: &["Veeam Software Group GmbH"],
        product: "Veeam Data Platform Foundation",
        sku: "V-VDPFND",
        category: "infrastructure_virtualisation",
        licence_type: "server",
        metric: "server_instance",
        price: (12_000, 18_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (20, 600),
    },
    Product {
        vendors: &["Palo Alto Networks (Netherlands) B.V."],
        product: "Prisma Access",
        sku: "PAN-PRA-BUS",
        category: "security_classification",
        licence_type: "end_user",
        metric: "named_user",
        price: (9_000, 13_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (200, 6000),
    },
    Product {
        vendors: &["Fortinet"],
        product: "FortiGate UTP bundle",
        sku: "FC-10-F600E-950",
        category: "security_classification",
        licence_type: "server",
        metric: "device",
        price: (700_000, 1_500_000),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (2, 20),
    },
    Product {
        vendors: &["Trend Micro Incorporated"],
        product: "Trend Vision One Endpoint Security",
        sku: "TM-V1-ES",
        category: "security_classification",
        licence_type: "end_user",
        metric: "device",
        price: (2_000, 3_500),
        contract: &["subscription"],
        channel: &["reseller"],
        qty: (500, 15000),
    },
    Product {
        vendors: &["WithSecure Oyj", "F-Secure Oyj"],
        product: "WithSecure Elements EPP",
        sku: "WS-EPP",
        category: "security_classification",
        licence_type: "end_user",
        metric: "device",
        price: (1_800, 2_600),
        contract: &["subscription"],
        channel: &["reseller", "framework"],
        qty: (500, 12000),
    },
    Product {
        vendors: &["Tietoevry Oyj", "Tieto Finland Oy"],
        product: "Lifecare potilastietojärjestelmä",
        sku: "TE-LC",
        category: "other",
        licence_type: "end_user",
        metric: "named_user",
        price: (25_000, 45_000),
        contract: &["framework_agreement", "other"],
        channel: &["direct", "framework"],
        qty: (300, 9000),
    },
    Product {
        vendors: &["CGI Suomi Oy"],
        product: "CGI Kuntatalous",
        sku: "CGI-KT",
        category: "erp_finance",
        licence_type: "end_user",
        metric: "named_user",
        price: (30_000, 50_000),
        contract: &["framework_agreement", "subscription"],
        channel: &["direct"],
        qty: (20, 400),
    },
    Product {
        vendors: &["Visma Enterprise Oy", "Visma Solutions Oy"],
        product: "Visma Raindance",
        sku: "VIS-RD",
        category: "erp_finance",
        licence_type: "end_user",
        metric: "named_user",
        price: (20_000, 35_000),
        contract: &["framework_agreement"],
        channel: &["framework", "in_house_company"],
        qty: (30, 800),
    },
    Product {
        vendors: &["Unit4 Oy"],
        product: "Unit4 ERP",
        sku: "U4-ERP",
        category: "erp_finance",
        licence_type: "end_user",
        metric: "named_user",
        price: (40_000, 60_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (20, 500),
    },
    Product {
        vendors: &["M-Files Oy"],
        product: "M-Files Business",
        sku: "MF-BUS",
        category: "intranet",
        licence_type: "end_user",
        metric: "named_user",
        price: (25_000, 35_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (20, 900),
    },
    Product {
        vendors: &["Efecte Oyj"],
        product: "Efecte Identity Governance",
        sku: "EF-IGA",
        category: "identity_management",
        licence_type: "end_user",
        metric: "named_user",
        price: (1_500, 3_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (1000, 20000),
    },
    Product {
        vendors: &["MuleSoft LLC"],
        product: "Anypoint Platform Gold",
        sku: "MS-ANY-GOLD",
        category: "integration_platform",
        licence_type: "server",
        metric: "core",
        price: (1_500_000, 2_500_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (2, 8),
    },
    Product {
        vendors: &["JetBrains s.r.o."],
        product: "All Products Pack",
        sku: "JB-ALL",
        category: "development_tools",
        licence_type: "end_user",
        metric: "named_user",
        price: (70_000, 78_000),
        contract: &["subscription"],
        channel: &["direct", "reseller"],
        qty: (2, 60),
    },
    Product {
        vendors: &["Snowflake Computing Netherlands B.V."],
        product: "Snowflake Enterprise capacity",
        sku: "SF-CAP",
        category: "data_warehouse_analytics",
        licence_type: "server",
        metric: "enterprise",
        price: (3_000_000, 15_000_000),
        contract: &["cloud_commitment"],
        channel: &["direct"],
        qty: (1, 1),
    },
    Product {
        vendors: &["Lyhtysoft Oy"],
        product: "Lyhty Kirjaamo",
        sku: "LS-KIR",
        category: "other",
        licence_type: "end_user",
        metric: "named_user",
        price: (5_000, 9_000),
        contract: &["subscription"],
        channel: &["direct"],
        qty: (10, 300),
    },
];

const RESELLERS: &[&str] =
    &["Crayon Oy", "SoftwareONE Finland Oy", "Atea Finland Oy", "Insight Technology Solutions Oy", "Dustin Finland Oy"];

/// One generated licence line, as plain values.
#[derive(Clone)]
struct Row {
    vendor: String,
    product: String,
    sku: String,
    category: &'static str,
    licence_type: &'static str,
    metric: &'static str,
    quantity: u64,
    approximate: bool,
    unit_cents: i64,
    monthly: bool,
    annual_cents: Option<i64>,
    contract: &'static str,
    contract_id: String,
    start: (i32, u32, u32),
    end: (i32, u32, u32),
    review: Option<(i32, u32, u32)>,
    notice: Option<u32>,
    renewal: &'static str,
    channel: &'static str,
    reseller: String,
    contact: String,
    email: String,
    in_use: Option<u64>,
    notes: String,
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn inventory_rows(rng: &mut Rng, party: &Party, size: f64, n: usize) -> Vec<Row> {
    let mut rows = Vec::with_capacity(n);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < n.min(PRODUCTS.len()) {
        let i = rng.below(PRODUCTS.len() as u64) as usize;
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    // Larger inventories list some products twice (another contract, another batch).
    while picked.len() < n {
        picked.push(rng.below(PRODUCTS.len() as u64) as usize);
    }
    for (k, &i) in picked.iter().enumerate() {
        let p = &PRODUCTS[i];
        let q_hi = ((p.qty.1 as f64) * size).max(p.qty.0 as f64) as u64;
        let quantity = rng.range(p.qty.0, q_hi.max(p.qty.0));
        let quantity = if quantity > 100 { quantity / 10 * 10 } else { quantity };
        let unit = rng.range(p.price.0 as u64, p.price.1 as u64) as i64 / 100 * 100;
        let end_year = 2025 + rng.below(4) as i32;
        let end_month = rng.range(1, 12) as u32;
        let end = (end_year, end_month, days_in_month(end_year, end_month));
        let start = (end_year - 1 - rng.below(3) as i32, end_month % 12 + 1, 1);
        // Keep the start before the end: same month a year or more earlier.
        let start = if (start.0, start.1) >= (end.0, end.1) { (end.0 - 1, end.1, 1) } else { start };
        let channel = *rng.pick(p.channel);
        let monthly = p.contract.contains(&"subscription") && rng.below(8) == 0;
        let unit_cents = if monthly { unit / 12 } else { unit };
        let approximate = quantity > 500 && rng.below(6) == 0;
        rows.push(Row {
            vendor: rng.pick(p.vendors).to_string(),
            product: p.product.to_owned(),
            sku: p.sku.to_owned(),
            category: p.category,
            licence_type: p.licence_type,
            metric: p.metric,
            quantity,
            approximate,
            unit_cents,
            monthly,
            annual_cents: (rng.below(3) == 0).then(|| unit_cents * quantity as i64 * if monthly { 12 } else { 1 }),
            contract: rng.pick::<&str>(p.contract),
            contract_id: format!("{}-{}-{:04}", p.sku.split('-').next().unwrap_or("C"), end.0 - 3, rng.below(10_000)),
            start,
            end,
            review: (rng.below(3) == 0).then(|| (end.0, end.1.max(2) - 1, 1)),
            notice: (rng.below(2) == 0).then(|| *rng.pick(&[1, 3, 6])),
            renewal: rng.pick::<&str>(&["automatic", "manual", "manual", "none"]),
            channel,
            reseller: if channel == "reseller" { rng.pick(RESELLERS).to_string() } else { String::new() },
            contact: if k % 4 == 0 { party.contact.0.clone() } else { String::new() },
            email: if k % 4 == 0 { party.contact.1.clone() } else { String::new() },
            in_use: (rng.below(2) == 0).then(|| quantity * rng.range(55, 100) / 100),
            notes: if rng.below(7) == 0 { "Uusitaan yhteishankintana?".into() } else { String::new() },
        });
    }
    rows
}

// Labels of the enumerations in each language (same as the domain's; repeated here so the
// generator also shows labels in a language other than the headers').
fn label(key: &str, lang: usize) -> String {
    use lyhty_domain::Lang;
    use lyhty_domain::licence::*;
    let l = [Lang::Fi, Lang::Sv, Lang::En][lang];
    ProductCategory::from_key(key)
        .map(|v| v.label(l))
        .or_else(|| LicenceType::from_key(key).map(|v| v.label(l)))
        .or_else(|| Metric::from_key(key).map(|v| v.label(l)))
        .or_else(|| ContractType::from_key(key).map(|v| v.label(l)))
        .or_else(|| Renewal::from_key(key).map(|v| v.label(l)))
        .or_else(|| Channel::from_key(key).map(|v| v.label(l)))
        .unwrap_or(key)
        .to_owned()
}

const HEADERS: [[&str; 24]; 3] = [
    [
        "Toimittaja",
        "Tuote",
        "Tuotekoodi",
        "Tuoteryhmä",
        "Lisenssityyppi",
        "Lisenssimetriikka",
        "Määrä",
        "Yksikköhinta",
        "Hintajakso",
        "Vuosikustannus",
        "Valuutta",
        "Sopimustyyppi",
        "Sopimusnumero",
        "Sopimus alkaa",
        "Sopimus päättyy",
        "Tarkastuspäivämäärä",
        "Irtisanomisaika (kk)",
        "Uusiutuminen",
        "Hankintakanava",
        "Jälleenmyyjä",
        "Yhteyshenkilö",
        "Sähköposti",
        "Käytössä",
        "Huomautukset",
    ],
    [
        "Leverantör",
        "Produkt",
        "Artikelnummer",
        "Produktgrupp",
        "Licenstyp",
        "Licensmetrik",
        "Antal",
        "Enhetspris",
        "Prisperiod",
        "Årskostnad",
        "Valuta",
        "Avtalstyp",
        "Avtalsnummer",
        "Avtalet börjar",
        "Avtalet upphör",
        "Granskningsdatum",
        "Uppsägningstid (mån)",
        "Förnyelse",
        "Anskaffningskanal",
        "Återförsäljare",
        "Kontaktperson",
        "E-post",
        "I användning",
        "Anmärkningar",
    ],
    [
        "Vendor",
        "Product",
        "SKU",
        "Category",
        "Licence type",
        "Metric",
        "Quantity",
        "Unit price",
        "Price period",
        "Annual cost",
        "Currency",
        "Contract type",
        "Contract number",
        "Contract start",
        "Contract end",
        "Review date",
        "Notice period (months)",
        "Renewal",
        "Procurement channel",
        "Reseller",
        "Contact",
        "Email",
        "In use",
        "Notes",
    ],
];

fn period_label(monthly: bool, lang: usize) -> &'static str {
    match (monthly, lang) {
        (true, 0) => "kk",
        (true, 1) => "Månad",
        (true, _) => "Monthly",
        (false, 0) => "Vuosi",
        (false, 1) => "År",
        (false, _) => "Annual",
    }
}

/// The cells of a row as text in a given style.
enum Style {
    /// Finnish: "1 234,56 €" with no-break spaces, dates 31.12.2026 (some as 12/2026).
    Finnish,
    /// Machine: 1234.56, ISO dates.
    Iso,
}

fn money_text(cents: i64, style: &Style, euro: bool) -> String {
    match style {
        Style::Finnish => {
            let s = Cents(cents).to_finnish_number();
            if euro { format!("{s} €") } else { s }
        }
        Style::Iso => Cents(cents).to_string(),
    }
}

fn date_text(d: (i32, u32, u32), style: &Style, month_only: bool) -> String {
    match style {
        Style::Finnish if month_only && d.2 == days_in_month(d.0, d.1) => format!("{}/{}", d.1, d.0),
        Style::Finnish => format!("{}.{}.{}", d.2, d.1, d.0),
        Style::Iso => format!("{:04}-{:02}-{:02}", d.0, d.1, d.2),
    }
}

fn text_cells(r: &Row, lang: usize, style: &Style, k: usize) -> Vec<String> {
    let qty = if r.approximate {
        format!("{} {}", ["n.", "ca", "approx."][lang], r.quantity)
    } else if matches!(style, Style::Finnish) && r.quantity >= 1000 {
        Cents(r.quantity as i64 * 100).to_finnish_number().trim_end_matches(",00").to_owned()
    } else {
        r.quantity.to_string()
    };
    vec![
        r.vendor.clone(),
        r.product.clone(),
        r.sku.clone(),
        label(r.category, lang),
        label(r.licence_type, lang),
        label(r.metric, lang),
        qty,
        money_text(r.unit_cents, style, k.is_multiple_of(2)),
        period_label(r.monthly, lang).to_owned(),
        r.annual_cents.map(|c| money_text(c, style, false)).unwrap_or_default(),
        "EUR".to_owned(),
        label(r.contract, lang),
        r.contract_id.clone(),
        date_text(r.start, style, false),
        date_text(r.end, style, k.is_multiple_of(5)),
        r.review.map(|d| date_text(d, style, false)).unwrap_or_default(),
        r.notice.map(|n| n.to_string()).unwrap_or_default(),
        label(r.renewal, lang),
        label(r.channel, lang),
        r.reseller.clone(),
        r.contact.clone(),
        r.email.clone(),
        r.in_use.map(|n| n.to_string()).unwrap_or_default(),
        r.notes.clone(),
    ]
}

fn csv_line(cells: &[String], delimiter: char) -> String {
    cells
        .iter()
        .map(|c| if c.contains([delimiter, '"', '\n']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.clone() })
        .collect::<Vec<_>>()
        .join(&delimiter.to_string())
}

fn write_csv_utf8(rows: &[Row], lang: usize) -> Vec<u8> {
    let mut s = String::new();
    s.push_str(&csv_line(&HEADERS[lang].map(str::to_owned), ','));
    s.push('\n');
    for (k, r) in rows.iter().enumerate() {
        s.push_str(&csv_line(&text_cells(r, lang, &Style::Iso, k), ','));
        s.push('\n');
    }
    s.into_bytes()
}

/// Excel's "CSV (semicolon)" on Finnish Windows: Windows-1252, `;`, decimal comma, `€`,
/// a title row above the header and a total row at the end.
fn write_csv_1252(rows: &[Row], lang: usize, title: &str) -> Vec<u8> {
    let mut s = format!("{title}\r\n\r\n");
    s.push_str(&csv_line(&HEADERS[lang].map(str::to_owned), ';'));
    s.push_str("\r\n");
    let mut total = 0;
    for (k, r) in rows.iter().enumerate() {
        s.push_str(&csv_line(&text_cells(r, lang, &Style::Finnish, k), ';'));
        s.push_str("\r\n");
        total += r.annual_cents.unwrap_or(r.unit_cents * r.quantity as i64 * if r.monthly { 12 } else { 1 });
    }
    let mut total_row = vec![String::new(); 24];
    total_row[0] = ["Yhteensä", "Summa", "Total"][lang].to_owned();
    total_row[9] = money_text(total, &Style::Finnish, true);
    s.push_str(&csv_line(&total_row, ';'));
    s.push_str("\r\n");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&s);
    assert!(!unmappable, "sample text must fit Windows-1252");
    bytes.into_owned()
}

fn write_xlsx(rows: &[Row], lang: usize, title: Option<&str>, sheet: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    // A fixed creation time, so that regenerating gives the same bytes.
    let created = ExcelDateTime::from_ymd(2025, 8, 15).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    // A cover sheet first, so the reader has to pick the licence sheet by its header.
    if title.is_some() {
        let ws = wb.add_worksheet();
        ws.set_name(["Kansilehti", "Försättsblad", "Cover"][lang]).unwrap();
        ws.write_string(0, 0, title.unwrap_or_default()).unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("d.m.yyyy");
    let money = Format::new().set_num_format("#,##0.00 \"€\"");
    let mut r0 = 0u32;
    if let Some(t) = title {
        ws.write_string_with_format(0, 0, t, &bold).unwrap();
        ws.write_string(1, 0, ["Päivitetty 15.8.2025", "Uppdaterad 15.8.2025", "Updated 15.8.2025"][lang]).unwrap();
        r0 = 3;
    }
    for (c, h) in HEADERS[lang].iter().enumerate() {
        ws.write_string_with_format(r0, c as u16, *h, &bold).unwrap();
    }
    // An extra column nobody reads, as members' files have.
    ws.write_string_with_format(r0, 24, ["Kustannuspaikka", "Kostnadsställe", "Cost centre"][lang], &bold).unwrap();
    for (k, r) in rows.iter().enumerate() {
        let row = r0 + 1 + k as u32;
        let cells = text_cells(r, lang, &Style::Finnish, k);
        for (c, v) in cells.iter().enumerate() {
            let c16 = c as u16;
            match c {
                6 if !r.approximate => {
                    ws.write_number(row, c16, r.quantity as f64).unwrap();
                }
                7 => {
                    ws.write_number_with_format(row, c16, r.unit_cents as f64 / 100.0, &money).unwrap();
                }
                9 => {
                    // The annual cost as a formula with its cached value, as Excel saves it.
                    let f = if r.monthly {
                        format!("=G{n}*H{n}*12", n = row + 1)
                    } else {
                        format!("=G{n}*H{n}", n = row + 1)
                    };
                    let value = r.unit_cents as f64 / 100.0 * r.quantity as f64 * if r.monthly { 12.0 } else { 1.0 };
                    if !r.approximate {
                        ws.write_formula_with_format(row, c16, Formula::new(f).set_result(format!("{value}")), &money)
                            .unwrap();
                    }
                }
                13..=15 => {
                    let d = match c {
                        13 => Some(r.start),
                        14 => Some(r.end),
                        _ => r.review,
                    };
                    if let Some((y, m, d)) = d {
                        if k % 3 == 0 && c == 14 {
                            // Some dates as bare serial numbers (no date format), as pasted.
                            let serial = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).unwrap().to_excel();
                            ws.write_number(row, c16, serial).unwrap();
                        } else {
                            ws.write_date_with_format(
                                row,
                                c16,
                                ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).unwrap(),
                                &date,
                            )
                            .unwrap();
                        }
                    }
                }
                _ if !v.is_empty() => {
                    ws.write_string(row, c16, v).unwrap();
                }
                _ => {}
            }
        }
        ws.write_string(row, 24, format!("{}", 1000 + k * 7)).unwrap();
    }
    if title.is_some() {
        let last = r0 + 1 + rows.len() as u32;
        ws.write_string_with_format(last, 0, ["Yhteensä", "Summa", "Total"][lang], &bold).unwrap();
        let total: f64 = rows
            .iter()
            .filter(|r| !r.approximate)
            .map(|r| r.unit_cents as f64 / 100.0 * r.quantity as f64 * if r.monthly { 12.0 } else { 1.0 })
            .sum();
        ws.write_formula_with_format(
            last,
            9,
            Formula::new(format!("=SUM(J{}:J{})", r0 + 2, last)).set_result(format!("{total}")),
            &money,
        )
        .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// OpenDocument spreadsheet written by hand: `mimetype` stored first, a manifest and
/// `content.xml` with string, float and date cells.
fn write_ods(rows: &[Row], lang: usize, sheet: &str) -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    let _ = write!(x, r#"<table:table table:name="{}">"#, xml_escape(sheet));
    let s = |x: &mut String, v: &str| {
        if v.is_empty() {
            x.push_str("<table:table-cell/>");
        } else {
            let _ = write!(
                x,
                r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                xml_escape(v)
            );
        }
    };
    let f = |x: &mut String, v: f64| {
        let _ = write!(
            x,
            r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
        );
    };
    let d = |x: &mut String, v: (i32, u32, u32)| {
        let iso = format!("{:04}-{:02}-{:02}", v.0, v.1, v.2);
        let _ = write!(
            x,
            r#"<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>"#
        );
    };
    x.push_str("<table:table-row>");
    for h in HEADERS[lang] {
        s(&mut x, h);
    }
    x.push_str("</table:table-row>");
    for (k, r) in rows.iter().enumerate() {
        x.push_str("<table:table-row>");
        let cells = text_cells(r, lang, &Style::Iso, k);
        for (c, v) in cells.iter().enumerate() {
            match c {
                6 if !r.approximate => f(&mut x, r.quantity as f64),
                7 => f(&mut x, r.unit_cents as f64 / 100.0),
                13 => d(&mut x, r.start),
                14 => d(&mut x, r.end),
                _ => s(&mut x, v),
            }
        }
        x.push_str("</table:table-row>");
    }
    // Trailing styled empty rows, as LibreOffice writes them.
    x.push_str(r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#);
    x.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_files(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec(), false),
        ("META-INF/manifest.xml", manifest.as_bytes().to_vec(), true),
        ("content.xml", x.into_bytes(), true),
    ])
}

fn zip_files(files: &[(&str, Vec<u8>, bool)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data, deflate) in files {
        let method = if *deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let opts =
            SimpleFileOptions::default().compression_method(method).large_file(data.len() > u32::MAX as usize / 2);
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A minimal xlsx with one sheet whose XML is given (inline strings), for files Excel would
/// not write: error cells, lying dimensions.
fn raw_xlsx(sheet_xml: &str) -> Vec<u8> {
    let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let wb = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Lisenssit" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wbrels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    zip_files(&[
        ("[Content_Types].xml", ct.as_bytes().to_vec(), true),
        ("_rels/.rels", rels.as_bytes().to_vec(), true),
        ("xl/workbook.xml", wb.as_bytes().to_vec(), true),
        ("xl/_rels/workbook.xml.rels", wbrels.as_bytes().to_vec(), true),
        ("xl/worksheets/sheet1.xml", sheet_xml.as_bytes().to_vec(), false),
    ])
}

fn col_name(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// Sheet XML from rows of cells; a cell starting with `#` is written as an error value.
fn sheet_xml(dimension: &str, rows: &[Vec<String>]) -> String {
    let mut x = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>"#
    );
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(x, r#"<row r="{}">"#, r + 1);
        for (c, v) in row.iter().enumerate() {
            let at = format!("{}{}", col_name(c), r + 1);
            if v.starts_with('#') {
                let _ = write!(x, r#"<c r="{at}" t="e"><f>1/0</f><v>{}</v></c>"#, xml_escape(v));
            } else if !v.is_empty() {
                let _ = write!(x, r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, xml_escape(v));
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x
}

// ---------------------------------------------------------------------------------------
// Bad files

/// A small valid Finnish CSV with one line changed by `f`, for one row-error code.
fn bad_csv(f: impl Fn(&mut Vec<Vec<String>>)) -> Vec<u8> {
    let h: Vec<String> = HEADERS[0].iter().map(|s| s.to_string()).collect();
    let good = |p: &str, q: &str| -> Vec<String> {
        let mut r = vec![String::new(); 24];
        r[0] = "Microsoft Oy".into();
        r[1] = p.into();
        r[4] = "Loppukäyttäjä".into();
        r[6] = q.into();
        r[7] = "396,00 €".into();
        r[11] = "Yrityssopimus (EA)".into();
        r[13] = "1.7.2024".into();
        r[14] = "30.6.2027".into();
        r
    };
    let mut rows =
        vec![h, good("Microsoft 365 E3", "1200"), good("Microsoft 365 E5", "40"), good("Visio Plan 2", "25")];
    f(&mut rows);
    let mut s = String::new();
    for r in &rows {
        s.push_str(&csv_line(r, ';'));
        s.push_str("\r\n");
    }
    s.into_bytes()
}

fn write_bad(dir: &Path, rng: &mut Rng, good_xlsx: &[u8]) -> Vec<(String, String, String)> {
    let mut list: Vec<(String, String, String)> = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>, code: &str, what: &str| {
        std::fs::write(dir.join(name), bytes).unwrap();
        list.push((name.to_owned(), code.to_owned(), what.to_owned()));
    };
    put("corrupt.xlsx", good_xlsx[..good_xlsx.len() / 2].to_vec(), "corrupt_file", "an xlsx cut in half");
    put(
        "pdf-renamed.xlsx",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec(),
        "unsupported_file_type",
        "a PDF with an .xlsx name",
    );
    let png: Vec<u8> = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R']
        .into_iter()
        .chain((0..64).map(|_| rng.below(256) as u8))
        .collect();
    put("image.png", png, "unsupported_file_type", "a PNG image");
    put("empty.csv", Vec::new(), "empty_file", "no bytes at all");
    let utf16: Vec<u8> = "Toimittaja;Tuote;Määrä\r\nMicrosoft;Microsoft 365 E3;1200\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    put("wrong-encoding.csv", utf16, "wrong_encoding", "UTF-16 without a byte order mark");
    {
        let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        cfb.create_stream("EncryptionInfo").unwrap().write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).unwrap();
        let noise: Vec<u8> = (0..4096).map(|_| rng.below(256) as u8).collect();
        cfb.create_stream("EncryptedPackage").unwrap().write_all(&noise).unwrap();
        cfb.flush().unwrap();
        put(
            "password-protected.xlsx",
            cfb.into_inner().into_inner(),
            "password_protected",
            "an encrypted workbook (OLE EncryptedPackage)",
        );
    }
    {
        // About 1 MB of real rows under a dimension claiming the whole sheet.
        let mut rows = vec![HEADERS[0].iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        for i in 0..6_000 {
            let mut r = vec![String::new(); 8];
            r[0] = "Microsoft".into();
            r[1] = format!("Tuote {i}");
            r[6] = "1".into();
            rows.push(r);
        }
        put(
            "dimension-bomb.xlsx",
            raw_xlsx(&sheet_xml("A1:XFD1048576", &rows)),
            "sheet_too_large",
            "1 MB xlsx declaring A1:XFD1048576",
        );
    }
    {
        // 600 MiB of spaces deflates to well under a megabyte.
        let ct =
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
        let bomb = vec![b' '; 600 * 1024 * 1024];
        put(
            "zip-bomb.xlsx",
            zip_files(&[
                ("[Content_Types].xml", ct.as_bytes().to_vec(), true),
                ("xl/workbook.xml", b"<workbook/>".to_vec(), true),
                ("xl/sharedStrings.xml", bomb, true),
            ]),
            "decompressed_too_large",
            "a zip entry that unpacks to 600 MiB",
        );
    }
    put(
        "html-export.xls",
        b"<html><body><table><tr><td>Toimittaja</td><td>Tuote</td></tr></table></body></html>".to_vec(),
        "unsupported_file_type",
        "an HTML table saved as .xls (SAM-tool export)",
    );
    put(
        "no-header.csv",
        b"Lisenssit 2025\r\nkatso liite\r\n1;2;3\r\n".to_vec(),
        "no_header_row",
        "no recognisable header row",
    );
    put(
        "not-a-workbook.zip",
        zip_files(&[("readme.txt", b"hello".to_vec(), true)]),
        "unsupported_file_type",
        "a zip that is not a workbook",
    );

    // One file per row-error code.
    put(
        "row-missing_column.csv",
        bad_csv(|r| {
            for row in r.iter_mut() {
                row.remove(11);
            }
        }),
        "missing_column",
        "no Sopimustyyppi column",
    );
    put("row-missing_value.csv", bad_csv(|r| r[2][0].clear()), "missing_value", "vendor empty on row 3");
    put("row-invalid_number.csv", bad_csv(|r| r[2][6] = "paljon".into()), "invalid_number", "quantity \"paljon\"");
    put("row-negative_number.csv", bad_csv(|r| r[3][7] = "-396,00".into()), "negative_number", "negative unit price");
    put("row-not_whole_number.csv", bad_csv(|r| r[1][6] = "12,5".into()), "not_whole_number", "quantity 12,5");
    put("row-invalid_date.csv", bad_csv(|r| r[2][14] = "31.13.2026".into()), "invalid_date", "date 31.13.2026");
    put(
        "row-end_before_start.csv",
        bad_csv(|r| r[1][14] = "1.1.2024".into()),
        "end_before_start",
        "contract ends before it starts",
    );
    put(
        "row-unknown_value.csv",
        bad_csv(|r| r[2][11] = "Leasing".into()),
        "unknown_value",
        "contract type \"Leasing\"",
    );
    put(
        "row-currency_not_eur.csv",
        bad_csv(|r| {
            r[0][10] = "Valuutta".into();
            r[3][10] = "SEK".into();
            r[2][7] = "100 USD".into();
        }),
        "currency_not_eur",
        "SEK in the currency column, USD in a price",
    );
    put("row-value_too_long.csv", bad_csv(|r| r[2][23] = "x".repeat(1500)), "value_too_long", "a 1 500-character note");
    {
        let mut rows = vec![HEADERS[0].iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        let mut r = vec![String::new(); 24];
        r[0] = "Microsoft".into();
        r[1] = "Microsoft 365 E3".into();
        r[4] = "Loppukäyttäjä".into();
        r[6] = "1200".into();
        r[7] = "#DIV/0!".into();
        r[11] = "EA".into();
        rows.push(r);
        put(
            "row-formula_error.xlsx",
            raw_xlsx(&sheet_xml("A1:X2", &rows)),
            "formula_error",
            "a unit price formula whose cached value is #DIV/0!",
        );
    }
    put(
        "several-errors.csv",
        bad_csv(|r| {
            r[1][6] = "abc".into();
            r[2][4] = "Pilvi".into();
            r[3][13] = "1.1.2028".into();
            r[3][7] = "12 34".into();
        }),
        "rejected",
        "errors on rows 2, 3 and 4 (invalid_number, unknown_value, end_before_start, invalid_number)",
    );
    list
}

// ---------------------------------------------------------------------------------------

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "sample-data".to_owned());
    let out = Path::new(&out);
    std::fs::create_dir_all(out.join("inventories")).unwrap();
    std::fs::create_dir_all(out.join("bad")).unwrap();
    let mut rng = Rng(0x4C59_4854_5932_3032); // "LYHTY2025"
    let mut parties = parties(&mut rng);

    let mut first_xlsx = None;
    let mut inventories = 0;
    for (i, p) in parties.iter_mut().enumerate() {
        // The municipalities' representative and the "other" parties send no inventory here.
        if p.category == "other" || (p.category == "municipalities" && p.represented_by.is_none()) {
            continue;
        }
        let size = match p.category {
            "wellbeing_county" | "kela" | "state" if p.represented_by.is_none() => 1.0,
            "large_city" => 0.7,
            "university" => 0.4,
            _ => 0.15,
        };
        let n = 10 + rng.below(71) as usize;
        let rows = inventory_rows(&mut rng, p, size, n);
        let base = slug(&p.name);
        let lang = [0, 0, 1, 2][i % 4];
        let title = format!(
            "{} – {}",
            ["Lisenssi-inventaario 2025", "Licensinventering 2025", "Licence inventory 2025"][lang],
            p.name
        );
        let (file, bytes) = match i % 5 {
            0 | 3 => {
                let b = write_xlsx(
                    &rows,
                    lang,
                    (i % 2 == 0).then_some(title.as_str()),
                    ["Lisenssit", "Licenser", "Licences"][lang],
                );
                (format!("{base}.xlsx"), b)
            }
            1 => (format!("{base}.csv"), write_csv_utf8(&rows, 2)),
            2 => (format!("{base}-win1252.csv"), write_csv_1252(&rows, 0, &title)),
            _ => (format!("{base}.ods"), write_ods(&rows, 1, "Licenser")),
        };
        if first_xlsx.is_none() && file.ends_with(".xlsx") {
            first_xlsx = Some(bytes.clone());
        }
        std::fs::write(out.join("inventories").join(&file), bytes).unwrap();
        p.inventory = Some(format!("inventories/{file}"));
        inventories += 1;
    }

    // parties.json, field by field in the documented order.
    let mut json = String::from("[\n");
    for (i, p) in parties.iter().enumerate() {
        let s = |v: &str| serde_json::to_string(v).unwrap();
        let opt = |v: &Option<String>| v.as_deref().map(s).unwrap_or_else(|| "null".into());
        let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_else(|| "null".into());
        let einvoice = p.einvoice.then(|| format!("0216:0037{}", p.business_id.replace('-', "")));
        let _ = writeln!(
            json,
            "  {{\"name\": {}, \"business_id\": {}, \"category\": {}, \"annual_budget_cents\": {}, \"budget_year\": {}, \"joined_on\": {}, \"accession_number\": {}, \"represented_by\": {}, \"einvoice_address\": {}, \"contact_name\": {}, \"contact_email\": {}, \"cost_share_cents\": {}, \"inventory\": {}}}{}",
            s(&p.name),
            s(&p.business_id),
            s(p.category),
            num(p.budget_meur_cents),
            if p.budget_meur_cents.is_some() { "2025" } else { "null" },
            s(&p.joined_on),
            s(&format!("1.{}", p.accession)),
            opt(&p.represented_by),
            opt(&einvoice),
            s(&p.contact.0),
            s(&p.contact.1),
            num(p.cost_share_cents),
            opt(&p.inventory),
            if i + 1 < parties.len() { "," } else { "" }
        );
    }
    json.push_str("]\n");
    std::fs::write(out.join("parties.json"), json).unwrap();

    let bad = write_bad(&out.join("bad"), &mut rng, first_xlsx.as_deref().unwrap_or_default());
    let mut readme = String::from(
        "# Bad files\n\nWritten by `crates/lyhty-ingest/examples/sample_data.rs`; the ingest tests read each one and\n\
         expect the code below: a whole-file error code (`IngestError::code()`), or for `row-*` files a\n\
         rejected report listing that row error code. `expected.json` says the same for the tests.\n\n\
         | file | expected | what it is |\n|---|---|---|\n",
    );
    let mut expected = String::from("{\n");
    for (k, (name, code, what)) in bad.iter().enumerate() {
        let _ = writeln!(readme, "| `{name}` | `{code}` | {what} |");
        let _ = writeln!(expected, "  \"{name}\": \"{code}\"{}", if k + 1 < bad.len() { "," } else { "" });
    }
    expected.push_str("}\n");
    std::fs::write(out.join("bad/README.md"), readme).unwrap();
    std::fs::write(out.join("bad/expected.json"), expected).unwrap();
    println!(
        "wrote {} parties, {inventories} inventories, {} bad files to {}",
        parties.len(),
        bad.len(),
        out.display()
    );
}
