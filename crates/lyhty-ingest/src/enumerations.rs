//! The enumerations of a licence line as people write them in a cell: the stable key, the
//! label in Finnish, Swedish or English (both from `lyhty-domain`'s vocabulary, as the
//! template offers them), or one of the aliases below (abbreviations, other spellings, the
//! words SAM tools export). Matching folds case, accents and punctuation.

use crate::text::fold;
use lyhty_domain::Lang;
use lyhty_domain::licence::{Channel, ContractType, LicenceType, Metric, PricePeriod, ProductCategory, Renewal};
use lyhty_domain::vocabulary::Labelled;
use std::collections::HashMap;
use std::sync::OnceLock;

/// An enumeration that can be read from a cell through its keys, labels and aliases.
pub(crate) trait Enumeration: Labelled {
    /// Extra ways people write the values, in any language.
    fn aliases() -> &'static [(&'static str, Self)];
    fn table() -> &'static OnceLock<HashMap<String, Self>>;

    /// Reads a value; `None` when nothing matches.
    fn read(s: &str) -> Option<Self> {
        let table = Self::table().get_or_init(|| {
            let mut m = HashMap::new();
            for &v in Self::all() {
                for name in [v.key(), v.label(Lang::Fi), v.label(Lang::Sv), v.label(Lang::En)] {
                    m.entry(fold(name)).or_insert(v);
                }
            }
            for &(alias, v) in Self::aliases() {
                m.entry(fold(alias)).or_insert(v);
            }
            m
        });
        let key = fold(s);
        table.get(&key).copied().or_else(|| {
            // "Palvelin (server)": try the text before a parenthesis.
            let head = s.split(['(', '[']).next()?;
            (head.len() < s.len()).then(|| table.get(&fold(head)).copied()).flatten()
        })
    }

    /// The allowed values in `lang`, for the message of an unknown value.
    fn allowed(lang: Lang) -> String {
        Self::all().iter().map(|v| v.label(lang)).collect::<Vec<_>>().join(", ")
    }
}

/// An enumeration's aliases, beside the keys and labels it has from `lyhty-domain`.
macro_rules! aliases {
    ($t:ty, [$( ($alias:literal, $v:expr) ),* $(,)?]) => {
        impl Enumeration for $t {
            fn aliases() -> &'static [(&'static str, Self)] { &[$( ($alias, $v) ),*] }
            fn table() -> &'static OnceLock<HashMap<String, Self>> {
                static TABLE: OnceLock<HashMap<String, $t>> = OnceLock::new();
                &TABLE
            }
        }
    };
}

aliases!(
    LicenceType,
    [
        ("loppukäyttäjälisenssi", LicenceType::EndUser),
        ("käyttäjä", LicenceType::EndUser),
        ("käyttäjälisenssi", LicenceType::EndUser),
        ("työasema", LicenceType::EndUser),
        ("user", LicenceType::EndUser),
        ("end-user", LicenceType::EndUser),
        ("client", LicenceType::EndUser),
        ("användare", LicenceType::EndUser),
        ("cal", LicenceType::EndUser),
        ("desktop", LicenceType::EndUser),
        ("palvelinlisenssi", LicenceType::Server),
        ("serverlicens", LicenceType::Server),
        ("datacenter", LicenceType::Server),
        ("infra", LicenceType::Server),
        ("annan", LicenceType::Other),
        ("övrigt", LicenceType::Other),
    ]
);

aliases!(
    Metric,
    [
        ("käyttäjä", Metric::NamedUser),
        ("user", Metric::NamedUser),
        ("users", Metric::NamedUser),
        ("per user", Metric::NamedUser),
        ("named", Metric::NamedUser),
        ("användare", Metric::NamedUser),
        ("nimetty", Metric::NamedUser),
        ("per device", Metric::Device),
        ("työasema", Metric::Device),
        ("concurrent", Metric::ConcurrentUser),
        ("floating", Metric::ConcurrentUser),
        ("samanaikainen", Metric::ConcurrentUser),
        ("cores", Metric::Core),
        ("ytimet", Metric::Core),
        ("prosessoriydin", Metric::Core),
        ("core pack", Metric::Core),
        ("cpu", Metric::Processor),
        ("socket", Metric::Processor),
        ("palvelin", Metric::ServerInstance),
        ("instanssi", Metric::ServerInstance),
        ("server", Metric::ServerInstance),
        ("instance", Metric::ServerInstance),
        ("vm", Metric::ServerInstance),
        ("virtuaalikone", Metric::ServerInstance),
        ("instans", Metric::ServerInstance),
        ("organisaatio", Metric::Enterprise),
        ("enterprise", Metric::Enterprise),
        ("site", Metric::Enterprise),
        ("site licence", Metric::Enterprise),
        ("site license", Metric::Enterprise),
        ("campus", Metric::Enterprise),
        ("toimipaikka", Metric::Enterprise),
        ("organisation", Metric::Enterprise),
        ("annan", Metric::Other),
        ("övrigt", Metric::Other),
    ]
);

aliases!(
    PricePeriod,
    [
        ("vuosittain", PricePeriod::Annual),
        ("vuosimaksu", PricePeriod::Annual),
        ("v", PricePeriod::Annual),
        ("/v", PricePeriod::Annual),
        ("per vuosi", PricePeriod::Annual),
        ("vuodessa", PricePeriod::Annual),
        ("annually", PricePeriod::Annual),
        ("yearly", PricePeriod::Annual),
        ("year", PricePeriod::Annual),
        ("per year", PricePeriod::Annual),
        ("årlig", PricePeriod::Annual),
        ("per år", PricePeriod::Annual),
        ("12 kk", PricePeriod::Annual),
        ("kk", PricePeriod::Monthly),
        ("/kk", PricePeriod::Monthly),
        ("kuukausittain", PricePeriod::Monthly),
        ("kuukaudessa", PricePeriod::Monthly),
        ("month", PricePeriod::Monthly),
        ("per month", PricePeriod::Monthly),
        ("månadsvis", PricePeriod::Monthly),
        ("mån", PricePeriod::Monthly),
        ("kerta", PricePeriod::OneOff),
        ("kertaluonteinen", PricePeriod::OneOff),
        ("one off", PricePeriod::OneOff),
        ("once", PricePeriod::OneOff),
        ("one-time", PricePeriod::OneOff),
        ("engångs", PricePeriod::OneOff),
    ]
);

aliases!(
    ContractType,
    [
        ("ea", ContractType::EnterpriseAgreement),
        ("eas", ContractType::EnterpriseAgreement),
        ("enterprise agreement", ContractType::EnterpriseAgreement),
        ("yrityssopimus", ContractType::EnterpriseAgreement),
        ("enterprise agreement subscription", ContractType::EnterpriseAgreement),
        ("ela", ContractType::EnterpriseAgreement),
        ("företagsavtal", ContractType::EnterpriseAgreement),
        ("microsoft ea", ContractType::EnterpriseAgreement),
        ("tilaus", ContractType::Subscription),
        ("saas", ContractType::Subscription),
        ("subscription", ContractType::Subscription),
        ("prenumeration", ContractType::Subscription),
        ("pilvipalvelu", ContractType::Subscription),
        ("term", ContractType::Subscription),
        ("pysyvä", ContractType::Perpetual),
        ("perpetual", ContractType::Perpetual),
        ("evig", ContractType::Perpetual),
        ("kertaosto", ContractType::Perpetual),
        ("pysyvä + ylläpito", ContractType::PerpetualMaintenance),
        ("perpetual + maintenance", ContractType::PerpetualMaintenance),
        ("perpetual and maintenance", ContractType::PerpetualMaintenance),
        ("perpetual with maintenance", ContractType::PerpetualMaintenance),
        ("ylläpito", ContractType::PerpetualMaintenance),
        ("maintenance", ContractType::PerpetualMaintenance),
        ("software assurance", ContractType::PerpetualMaintenance),
        ("sa", ContractType::PerpetualMaintenance),
        ("evig + underhåll", ContractType::PerpetualMaintenance),
        ("underhåll", ContractType::PerpetualMaintenance),
        ("tuki ja ylläpito", ContractType::PerpetualMaintenance),
        ("cloud solution provider", ContractType::Csp),
        ("microsoft csp", ContractType::Csp),
        ("nce", ContractType::Csp),
        ("microsoft products and services agreement", ContractType::Mpsa),
        ("puitejärjestely", ContractType::FrameworkAgreement),
        ("puitesopimus", ContractType::FrameworkAgreement),
        ("hansel", ContractType::FrameworkAgreement),
        ("framework", ContractType::FrameworkAgreement),
        ("framework agreement", ContractType::FrameworkAgreement),
        ("ramavtal", ContractType::FrameworkAgreement),
        ("yhteishankinta", ContractType::FrameworkAgreement),
        ("pilvisitoumus", ContractType::CloudCommitment),
        ("cloud commitment", ContractType::CloudCommitment),
        ("macc", ContractType::CloudCommitment),
        ("commit", ContractType::CloudCommitment),
        ("committed spend", ContractType::CloudCommitment),
        ("edp", ContractType::CloudCommitment),
        ("enterprise discount program", ContractType::CloudCommitment),
        ("azure commitment", ContractType::CloudCommitment),
        ("molnåtagande", ContractType::CloudCommitment),
        ("annan", ContractType::Other),
        ("övrigt", ContractType::Other),
    ]
);

aliases!(
    Renewal,
    [
        ("auto", Renewal::Automatic),
        ("automaattisesti", Renewal::Automatic),
        ("kyllä", Renewal::Automatic),
        ("yes", Renewal::Automatic),
        ("ja", Renewal::Automatic),
        ("käsin", Renewal::Manual),
        ("neuvoteltava", Renewal::Manual),
        ("manuaalisesti", Renewal::Manual),
        ("ei", Renewal::None),
        ("no", Renewal::None),
        ("nej", Renewal::None),
        ("päättyy", Renewal::None),
        ("ends", Renewal::None),
        ("ingen", Renewal::None),
    ]
);

aliases!(
    Channel,
    [
        ("suoraan", Channel::Direct),
        ("suora", Channel::Direct),
        ("suora hankinta", Channel::Direct),
        ("valmistaja", Channel::Direct),
        ("vendor", Channel::Direct),
        ("direkt", Channel::Direct),
        ("lar", Channel::Reseller),
        ("partner", Channel::Reseller),
        ("kumppani", Channel::Reseller),
        ("puitejärjestely", Channel::Framework),
        ("yhteishankinta", Channel::Framework),
        ("hansel", Channel::Framework),
        ("framework", Channel::Framework),
        ("joint procurement", Channel::Framework),
        ("ramavtal", Channel::Framework),
        ("samupphandling", Channel::Framework),
        ("kl-kuntahankinnat", Channel::Framework),
        ("kuntahankinnat", Channel::Framework),
        ("sidosyksikkö", Channel::InHouseCompany),
        ("in-house", Channel::InHouseCompany),
        ("inhouse", Channel::InHouseCompany),
        ("anknuten enhet", Channel::InHouseCompany),
        ("istekki", Channel::InHouseCompany),
        ("2m-it", Channel::InHouseCompany),
        ("monetra", Channel::InHouseCompany),
        ("sarastia", Channel::InHouseCompany),
        ("tiera", Channel::InHouseCompany),
        ("kuntien tiera", Channel::InHouseCompany),
        ("annan", Channel::Other),
        ("övrigt", Channel::Other),
    ]
);

aliases!(
    ProductCategory,
    [
        ("toimisto", ProductCategory::OfficeCollaboration),
        ("office", ProductCategory::OfficeCollaboration),
        ("yhteistyö", ProductCategory::OfficeCollaboration),
        ("collaboration", ProductCategory::OfficeCollaboration),
        ("kontor", ProductCategory::OfficeCollaboration),
        ("toimisto-ohjelmistot", ProductCategory::OfficeCollaboration),
        ("productivity", ProductCategory::OfficeCollaboration),
        ("käyttöjärjestelmä", ProductCategory::OperatingSystem),
        ("os", ProductCategory::OperatingSystem),
        ("tietokanta", ProductCategory::Database),
        ("db", ProductCategory::Database),
        ("databas", ProductCategory::Database),
        ("identiteetin hallinta", ProductCategory::IdentityManagement),
        ("iam", ProductCategory::IdentityManagement),
        ("identity", ProductCategory::IdentityManagement),
        ("käyttövaltuushallinta", ProductCategory::IdentityManagement),
        ("integraatio", ProductCategory::IntegrationPlatform),
        ("integraatioalusta", ProductCategory::IntegrationPlatform),
        ("rajapinnat", ProductCategory::IntegrationPlatform),
        ("integration", ProductCategory::IntegrationPlatform),
        ("ipaas", ProductCategory::IntegrationPlatform),
        ("api", ProductCategory::IntegrationPlatform),
        ("tietovarasto", ProductCategory::DataWarehouseAnalytics),
        ("tietovarastot", ProductCategory::DataWarehouseAnalytics),
        ("analytiikka", ProductCategory::DataWarehouseAnalytics),
        ("bi", ProductCategory::DataWarehouseAnalytics),
        ("raportointi", ProductCategory::DataWarehouseAnalytics),
        ("analytics", ProductCategory::DataWarehouseAnalytics),
        ("data warehouse", ProductCategory::DataWarehouseAnalytics),
        ("datalager", ProductCategory::DataWarehouseAnalytics),
        ("intra", ProductCategory::Intranet),
        ("intranet", ProductCategory::Intranet),
        ("tietoturva", ProductCategory::SecurityClassification),
        ("tiedon luokittelu", ProductCategory::SecurityClassification),
        ("security", ProductCategory::SecurityClassification),
        ("data classification", ProductCategory::SecurityClassification),
        ("säkerhet", ProductCategory::SecurityClassification),
        ("kyberturvallisuus", ProductCategory::SecurityClassification),
        ("infrastruktuuri", ProductCategory::InfrastructureVirtualisation),
        ("virtualisointi", ProductCategory::InfrastructureVirtualisation),
        ("infra", ProductCategory::InfrastructureVirtualisation),
        ("infrastructure", ProductCategory::InfrastructureVirtualisation),
        ("virtualization", ProductCategory::InfrastructureVirtualisation),
        ("virtualisation", ProductCategory::InfrastructureVirtualisation),
        ("varmistus", ProductCategory::InfrastructureVirtualisation),
        ("backup", ProductCategory::InfrastructureVirtualisation),
        ("pilvi", ProductCategory::CloudPlatform),
        ("pilvialusta", ProductCategory::CloudPlatform),
        ("cloud", ProductCategory::CloudPlatform),
        ("iaas", ProductCategory::CloudPlatform),
        ("paas", ProductCategory::CloudPlatform),
        ("moln", ProductCategory::CloudPlatform),
        ("erp", ProductCategory::ErpFinance),
        ("toiminnanohjaus", ProductCategory::ErpFinance),
        ("talous", ProductCategory::ErpFinance),
        ("taloushallinto", ProductCategory::ErpFinance),
        ("henkilöstöhallinto", ProductCategory::ErpFinance),
        ("hr", ProductCategory::ErpFinance),
        ("finance", ProductCategory::ErpFinance),
        ("ekonomi", ProductCategory::ErpFinance),
        ("paikkatieto", ProductCategory::Gis),
        ("kehitystyökalut", ProductCategory::DevelopmentTools),
        ("kehitys", ProductCategory::DevelopmentTools),
        ("development", ProductCategory::DevelopmentTools),
        ("devtools", ProductCategory::DevelopmentTools),
        ("ide", ProductCategory::DevelopmentTools),
        ("övrig", ProductCategory::Other),
        ("annan", ProductCategory::Other),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_labels_and_aliases_are_read() {
        assert_eq!(LicenceType::read("Loppukäyttäjä"), Some(LicenceType::EndUser));
        assert_eq!(LicenceType::read("SERVER"), Some(LicenceType::Server));
        assert_eq!(LicenceType::read("slutanvändare"), Some(LicenceType::EndUser));
        assert_eq!(ContractType::read("EA"), Some(ContractType::EnterpriseAgreement));
        assert_eq!(ContractType::read("Pysyvä lisenssi + ylläpito"), Some(ContractType::PerpetualMaintenance));
        assert_eq!(ContractType::read("Hansel"), Some(ContractType::FrameworkAgreement));
        assert_eq!(ContractType::read("perpetual_maintenance"), Some(ContractType::PerpetualMaintenance));
        assert_eq!(Channel::read("Jälleenmyyjä"), Some(Channel::Reseller));
        assert_eq!(
            ProductCategory::read("Tietoturva ja tiedon luokittelu"),
            Some(ProductCategory::SecurityClassification)
        );
        assert_eq!(Metric::read("Palvelin/instanssi"), Some(Metric::ServerInstance));
        assert_eq!(PricePeriod::read("kk"), Some(PricePeriod::Monthly));
        assert_eq!(LicenceType::read("Palvelin (server)"), Some(LicenceType::Server));
        assert_eq!(ContractType::read("leasing"), None);
    }
}
