//! A licence line of an inventory and its enumerations (INGEST.md, agreement §4 and §11.1).
//!
//! Every enumeration has a stable snake_case key (API, database, releases) and a label in
//! each interface language. Reading the many ways people write these values in their files
//! (aliases, abbreviations, other languages) is the ingestion crate's business; this module
//! only defines what the values are.

use crate::{Cents, Lang, Quarter};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Defines an enumeration with a stable key and fi/sv/en labels per variant.
macro_rules! labelled_enum {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            $( $(#[$vdoc:meta])* $variant:ident = $key:literal, [$fi:literal, $sv:literal, $en:literal] ),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vdoc])* #[serde(rename = $key)] $variant, )+
        }

        // Written out rather than derived: utoipa's derive cannot see a `serde(rename)` whose
        // value comes from a macro argument and documented the Rust names (`EndUser`)
        // instead of the keys the API sends (`end_user`).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc.trim()),*];
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(doc.join("\n")).filter(|d| !d.is_empty()))
                    .enum_values(Some([$($key),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every value, in the order the template's drop-down lists show them.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The stable key used in the API, the database and releases.
            pub fn key(self) -> &'static str {
                match self { $( $name::$variant => $key, )+ }
            }

            /// The label shown to people in `lang`.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, Lang::Fi) => $fi,
                        ($name::$variant, Lang::Sv) => $sv,
                        ($name::$variant, Lang::En) => $en,
                    )+
                }
            }

            /// Parses a stable key exactly (labels and aliases are read by `lyhty-ingest`).
            pub fn from_key(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

labelled_enum! {
    /// End-user or server licence (§11.1 asks for both kinds separately).
    LicenceType {
        EndUser = "end_user", ["Loppukäyttäjä", "Slutanvändare", "End user"],
        Server = "server", ["Palvelin", "Server", "Server"],
        Other = "other", ["Muu", "Övrig", "Other"],
    }
}

labelled_enum! {
    /// What one licence counts.
    Metric {
        NamedUser = "named_user", ["Nimetty käyttäjä", "Namngiven användare", "Named user"],
        Device = "device", ["Laite", "Enhet", "Device"],
        ConcurrentUser = "concurrent_user", ["Samanaikainen käyttäjä", "Samtidig användare", "Concurrent user"],
        Core = "core", ["Ydin", "Kärna", "Core"],
        Processor = "processor", ["Prosessori", "Processor", "Processor"],
        ServerInstance = "server_instance", ["Palvelin/instanssi", "Server/instans", "Server/instance"],
        Subscription = "subscription", ["Tilaus", "Prenumeration", "Subscription"],
        Enterprise = "enterprise", ["Koko organisaatio", "Hela organisationen", "Enterprise/site"],
        Other = "other", ["Muu", "Övrig", "Other"],
    }
}

labelled_enum! {
    /// The period a unit price is for.
    PricePeriod {
        Annual = "annual", ["Vuosi", "År", "Annual"],
        Monthly = "monthly", ["Kuukausi", "Månad", "Monthly"],
        OneOff = "one_off", ["Kertamaksu", "Engångsavgift", "One-off"],
    }
}

labelled_enum! {
    /// The kind of contract a licence is held under.
    ContractType {
        EnterpriseAgreement = "enterprise_agreement", ["Yrityssopimus (EA)", "Företagsavtal (EA)", "Enterprise agreement (EA)"],
        Subscription = "subscription", ["Tilaus / SaaS", "Prenumeration / SaaS", "Subscription / SaaS"],
        Perpetual = "perpetual", ["Pysyvä lisenssi", "Evig licens", "Perpetual"],
        PerpetualMaintenance = "perpetual_maintenance", ["Pysyvä lisenssi + ylläpito", "Evig licens + underhåll", "Perpetual + maintenance"],
        Csp = "csp", ["CSP", "CSP", "CSP"],
        Mpsa = "mpsa", ["MPSA", "MPSA", "MPSA"],
        FrameworkAgreement = "framework_agreement", ["Puitejärjestely (esim. Hansel)", "Ramavtal (t.ex. Hansel)", "Framework agreement (e.g. Hansel)"],
        CloudCommitment = "cloud_commitment", ["Pilvisitoumus", "Molnåtagande", "Cloud commitment"],
        Other = "other", ["Muu", "Övrig", "Other"],
    }
}

labelled_enum! {
    /// Whether a contract renews by itself.
    Renewal {
        Automatic = "automatic", ["Automaattinen", "Automatisk", "Automatic"],
        Manual = "manual", ["Manuaalinen", "Manuell", "Manual"],
        None = "none", ["Ei uusiudu", "Förnyas inte", "None"],
    }
}

labelled_enum! {
    /// How the licence was procured (§5: procurement channels are part of the situational picture).
    Channel {
        Direct = "direct", ["Suoraan valmistajalta", "Direkt från tillverkaren", "Direct"],
        Reseller = "reseller", ["Jälleenmyyjä", "Återförsäljare", "Reseller"],
        Framework = "framework", ["Puitejärjestely / yhteishankinta", "Ramavtal / samupphandling", "Framework / joint procurement"],
        InHouseCompany = "in_house_company", ["Sidosyksikkö (in-house)", "Anknuten enhet (in-house)", "In-house company"],
        Other = "other", ["Muu", "Övrig", "Other"],
    }
}

labelled_enum! {
    /// Product categories of agreement §4.
    ProductCategory {
        OfficeCollaboration = "office_collaboration", ["Toimisto- ja yhteistyöohjelmistot", "Kontors- och samarbetsprogram", "Office & collaboration"],
        OperatingSystem = "operating_system", ["Käyttöjärjestelmät", "Operativsystem", "Operating system"],
        Database = "database", ["Tietokannat", "Databaser", "Database"],
        IdentityManagement = "identity_management", ["Identiteetinhallinta", "Identitetshantering", "Identity management"],
        IntegrationPlatform = "integration_platform", ["Integraatioalustat", "Integrationsplattformar", "Integration platform"],
        DataWarehouseAnalytics = "data_warehouse_analytics", ["Tietovarastot ja analytiikka", "Datalager och analys", "Data warehouse & analytics"],
        Intranet = "intranet", ["Intraratkaisut", "Intranät", "Intranet"],
        SecurityClassification = "security_classification", ["Tietoturva ja tiedon luokittelu", "Säkerhet och informationsklassificering", "Security & data classification"],
        InfrastructureVirtualisation = "infrastructure_virtualisation", ["Infrastruktuuri ja virtualisointi", "Infrastruktur och virtualisering", "Infrastructure & virtualisation"],
        CloudPlatform = "cloud_platform", ["Pilvialustat", "Molnplattformar", "Cloud platform"],
        ErpFinance = "erp_finance", ["Toiminnanohjaus ja talous (ERP)", "Affärssystem och ekonomi (ERP)", "ERP & finance"],
        Gis = "gis", ["Paikkatieto (GIS)", "Geografisk information (GIS)", "GIS"],
        DevelopmentTools = "development_tools", ["Kehitystyökalut", "Utvecklingsverktyg", "Development tools"],
        Other = "other", ["Muu", "Övrigt", "Other"],
    }
}

/// One licence line of an organisation's inventory, as read from its file.
///
/// Money is in euro cents, VAT excluded; the currency is always EUR (the reader refuses
/// anything else). Contact fields are personal data (§14) and `notes` is never published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LicenceLine {
    /// The vendor as written in the file (trimmed).
    pub vendor: String,
    /// The normalised vendor: the catalogue's canonical name, or for an unknown vendor the
    /// name as written without its legal suffix. Releases group by this.
    pub vendor_canonical: String,
    /// Whether the vendor was found in the catalogue.
    pub vendor_known: bool,
    pub product: String,
    pub sku: Option<String>,
    pub product_category: Option<ProductCategory>,
    pub licence_type: LicenceType,
    pub metric: Option<Metric>,
    /// Number of licences (≥ 0).
    pub quantity: u64,
    /// The file gave an approximate count ("n. 1200"); §11.1 accepts those.
    pub quantity_approximate: bool,
    /// Price of one licence for `price_period`, rounded to the cent; `None` when not given.
    #[schema(value_type = Option<i64>)]
    pub unit_price_cents: Option<Cents>,
    pub price_period: PricePeriod,
    /// The annual cost: as given in the file, else quantity × unit price × periods a year.
    #[schema(value_type = i64)]
    pub annual_cost_cents: Cents,
    /// Whether `annual_cost_cents` was derived rather than given.
    pub annual_cost_derived: bool,
    pub contract_type: ContractType,
    pub contract_id: Option<String>,
    pub contract_start: Option<NaiveDate>,
    /// The renewal date used in releases.
    pub contract_end: Option<NaiveDate>,
    /// Review / true-up date.
    pub review_date: Option<NaiveDate>,
    pub notice_months: Option<u16>,
    pub renewal: Option<Renewal>,
    pub channel: Option<Channel>,
    pub reseller: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// Licences in use; with `quantity` it gives utilisation (shelfware).
    pub in_use: Option<u64>,
    pub notes: Option<String>,
    /// The row of the file the line came from, as Excel shows it (1-based).
    pub source_row: u32,
}

impl LicenceLine {
    /// The quarter the contract ends in (the `renewal_quarter` dimension of releases).
    pub fn renewal_quarter(&self) -> Option<Quarter> {
        self.contract_end.map(Quarter::of)
    }

    /// The last day notice can be given: contract end minus the notice period.
    pub fn notice_deadline(&self) -> Option<NaiveDate> {
        let end = self.contract_end?;
        let months = self.notice_months?;
        end.checked_sub_months(Months::new(u32::from(months)))
    }

    /// Share of the licences in use, when both counts are known and there are licences.
    pub fn utilisation(&self) -> Option<f64> {
        let in_use = self.in_use?;
        (self.quantity > 0).then(|| in_use as f64 / self.quantity as f64)
    }

    /// Whether the contract had already ended on `day`.
    pub fn has_ended_by(&self, day: NaiveDate) -> bool {
        self.contract_end.is_some_and(|end| end < day)
    }

    /// The contract's end year, for grouping renewals by year.
    pub fn renewal_year(&self) -> Option<i32> {
        self.contract_end.map(|d| d.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> LicenceLine {
        LicenceLine {
            vendor: "Microsoft Oy".into(),
            vendor_canonical: "Microsoft".into(),
            vendor_known: true,
            product: "Microsoft 365 E3".into(),
            sku: None,
            product_category: Some(ProductCategory::OfficeCollaboration),
            licence_type: LicenceType::EndUser,
            metric: Some(Metric::NamedUser),
            quantity: 1200,
            quantity_approximate: true,
            unit_price_cents: Some(Cents(39_600)),
            price_period: PricePeriod::Annual,
            annual_cost_cents: Cents(47_520_000),
            annual_cost_derived: true,
            contract_type: ContractType::EnterpriseAgreement,
            contract_id: Some("EA-1".into()),
            contract_start: NaiveDate::from_ymd_opt(2023, 7, 1),
            contract_end: NaiveDate::from_ymd_opt(2026, 6, 30),
            review_date: None,
            notice_months: Some(3),
            renewal: Some(Renewal::Manual),
            channel: Some(Channel::Reseller),
            reseller: Some("Crayon Oy".into()),
            contact_name: None,
            contact_email: None,
            in_use: Some(900),
            notes: None,
            source_row: 2,
        }
    }

    #[test]
    fn keys_labels_and_serde_agree() {
        for c in ContractType::ALL {
            assert_eq!(ContractType::from_key(c.key()), Some(*c));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.key()));
            for lang in [Lang::Fi, Lang::Sv, Lang::En] {
                assert!(!c.label(lang).is_empty());
            }
        }
        assert_eq!(ProductCategory::ALL.len(), 14);
        assert_eq!(LicenceType::EndUser.label(Lang::Fi), "Loppukäyttäjä");
        assert_eq!(Channel::InHouseCompany.key(), "in_house_company");
    }

    #[test]
    fn renewal_quarter_and_notice() {
        let l = line();
        assert_eq!(l.renewal_quarter().unwrap().to_string(), "2026-Q2");
        assert_eq!(l.notice_deadline(), NaiveDate::from_ymd_opt(2026, 3, 30));
        assert_eq!(l.utilisation(), Some(0.75));
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["licence_type"], "end_user");
        assert_eq!(json["annual_cost_cents"], 47_520_000);
        let back: LicenceLine = serde_json::from_value(json).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn utilisation_end_and_renewal_year() {
        let mut l = line();
        assert_eq!(l.renewal_year(), Some(2026));
        // Ended the day after its last day, not on it.
        assert!(!l.has_ended_by(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()));
        assert!(l.has_ended_by(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()));
        assert!(!l.has_ended_by(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()));
        l.quantity = 0;
        assert_eq!(l.utilisation(), None, "no licences, no share in use");
        l.contract_end = None;
        assert_eq!(l.renewal_year(), None);
        assert!(!l.has_ended_by(NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()), "open-ended");
    }
}
