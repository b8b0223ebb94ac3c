//! Vendor names → one canonical vendor (INGEST.md, "Vendor names").
//!
//! "Microsoft", "Microsoft Corporation", "Microsoft Oy" and "MICROSOFT IRELAND OPERATIONS
//! LTD" are one vendor. A name is folded (case, diacritics, punctuation), its legal suffixes
//! are dropped, and the rest is looked up among the canonical names and aliases of the
//! catalogue; if the whole name is not there, its leading words are tried, longest first
//! ("Amazon Web Services EMEA" → "Amazon Web Services"). A name that still matches nothing
//! is an unknown vendor: it is kept as written (without its legal suffix) and counts as a
//! vendor of its own.

use crate::text::fold_words;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The result of normalising a vendor name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendorMatch {
    /// The catalogue's canonical name, or the name as written without its legal suffix.
    pub canonical: String,
    /// Whether the catalogue knew the vendor.
    pub known: bool,
}

/// A canonical vendor and the other names it goes by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VendorEntry {
    pub canonical: String,
    pub aliases: Vec<String>,
}

/// The catalogue of canonical vendors: seeded with the big ones, extended by the coordinator.
#[derive(Clone, Debug, Default)]
pub struct VendorCatalogue {
    entries: Vec<VendorEntry>,
    /// Folded name or alias → index into `entries`.
    index: HashMap<String, usize>,
}

/// Legal-form and "which branch" words that never tell two vendors apart. Only dropped from
/// the end of a name, so "AB Volvo"-like names keep their first word.
const SUFFIXES: &[&str] = &[
    "oy",
    "oyj",
    "ab",
    "abp",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corporation",
    "corp",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "llc",
    "plc",
    "co",
    "company",
    "kg",
    "se",
    "spa",
    "srl",
    "as",
    "asa",
    "aps",
    "pty",
    "kk",
    "lp",
    "llp",
    "ky",
    "tmi",
    "ry",
    "group",
    "holding",
    "holdings",
    "international",
];

/// The seeded catalogue: canonical name and aliases. Ownership decisions, so they are not
/// re-argued per file:
/// - VMware, CA Technologies and Symantec's enterprise business are Broadcom: Broadcom sells
///   and contracts them since the 2023 acquisition, and that is who the network negotiates with.
/// - Tableau, Slack and MuleSoft are Salesforce (sold and contracted by Salesforce).
/// - GitHub and LinkedIn are Microsoft: public bodies buy them on Microsoft agreements.
/// - Red Hat and HashiCorp stay separate from IBM: they still sell under their own contracts,
///   price lists and partner channels, so folding them would hide what members negotiate.
/// - Micro Focus is OpenText (acquired 2023); Splunk is Cisco (2024); Snow Software is
///   Flexera (2024).
/// - F-Secure's corporate business is WithSecure (the old F-Secure Oyj was renamed in 2022;
///   the consumer F-Secure is not a public-sector licence vendor).
const SEED: &[(&str, &[&str])] = &[
    ("Microsoft", &["Microsoft Ireland Operations", "GitHub", "LinkedIn", "Microsoft Finland"]),
    ("Oracle", &["Oracle Finland", "Oracle America", "Sun Microsystems", "MySQL"]),
    ("SAP", &["SAP Finland", "SAP SE", "SuccessFactors", "SAP Concur", "Concur", "Ariba", "SAP Ariba"]),
    ("Adobe", &["Adobe Systems", "Adobe Systems Software Ireland"]),
    ("Broadcom", &["VMware", "VMware by Broadcom", "CA Technologies", "Symantec", "Broadcom VMware"]),
    ("IBM", &["International Business Machines", "IBM Finland", "IBM Svenska"]),
    ("Salesforce", &["Salesforce.com", "Tableau", "Tableau Software", "Slack", "Slack Technologies", "MuleSoft"]),
    ("ServiceNow", &["Service Now", "ServiceNow Nederland"]),
    ("Atlassian", &["Atlassian Pty"]),
    ("Google", &["Google Cloud", "Google Ireland", "Google Workspace", "Alphabet"]),
    ("Amazon Web Services", &["AWS", "Amazon", "Amazon Web Services EMEA"]),
    ("Citrix", &["Cloud Software Group", "Citrix Systems"]),
    ("Red Hat", &["RedHat"]),
    ("Esri", &["Esri Finland", "Environmental Systems Research Institute", "Esri Sverige"]),
    ("Autodesk", &[]),
    ("Cisco", &["Cisco Systems", "Webex", "Splunk", "Duo Security"]),
    ("Zoom", &["Zoom Video Communications"]),
    ("Qlik", &["QlikTech", "Qlik Technologies"]),
    ("Elastic", &["Elasticsearch", "Elastic NV"]),
    ("Snowflake", &["Snowflake Computing"]),
    ("Databricks", &[]),
    ("Workday", &[]),
    ("OpenText", &["Open Text", "Micro Focus", "MicroFocus"]),
    ("Quest Software", &["Quest"]),
    ("Veeam", &["Veeam Software"]),
    ("Palo Alto Networks", &["Palo Alto"]),
    ("Fortinet", &[]),
    ("Check Point", &["Check Point Software Technologies", "Checkpoint"]),
    ("Trend Micro", &[]),
    ("Sophos", &[]),
    ("WithSecure", &["F-Secure", "F-Secure Business"]),
    ("Tietoevry", &["Tieto", "TietoEVRY", "EVRY", "Tieto Finland"]),
    ("CGI", &["CGI Suomi", "CGI Finland"]),
    ("Visma", &["Visma Solutions", "Visma Enterprise", "Visma Finland"]),
    ("Unit4", &["Unit 4", "Agresso"]),
    ("Bentley Systems", &["Bentley"]),
    ("Dassault Systèmes", &["Dassault", "Dassault Systemes", "SolidWorks"]),
    ("Siemens", &["Siemens Digital Industries Software", "Siemens Industry Software"]),
    ("PTC", &["Parametric Technology"]),
    ("JetBrains", &["Jet Brains"]),
    ("Miro", &["RealtimeBoard"]),
    ("Canva", &[]),
    ("Docker", &[]),
    ("HashiCorp", &["Hashicorp"]),
    ("MongoDB", &["Mongo DB"]),
    ("Apple", &[]),
    ("Okta", &["Auth0"]),
    ("Nutanix", &[]),
    ("NetApp", &[]),
    ("Dell Technologies", &["Dell", "Dell EMC", "EMC"]),
    ("Hewlett Packard Enterprise", &["HPE", "Hewlett-Packard", "HP Enterprise"]),
    ("Ivanti", &["LANDESK", "MobileIron"]),
    ("Matrix42", &[]),
    ("Flexera", &["Snow Software", "Flexera Software"]),
    ("Trimble", &[]),
    ("Epic Systems", &["Epic Systems Corporation"]),
    ("Basware", &[]),
    ("M-Files", &["MFiles"]),
    ("Efecte", &[]),
    ("Fujitsu", &["Fujitsu Finland"]),
    ("Zscaler", &[]),
    ("CrowdStrike", &[]),
    ("Mathworks", &["The MathWorks", "MATLAB"]),
    ("SAS Institute", &["SAS"]),
    ("Informatica", &[]),
    ("Progress Software", &["Progress"]),
    ("Axway", &[]),
    ("Solita", &[]),
];

impl VendorCatalogue {
    /// The seeded catalogue of big vendors.
    pub fn seeded() -> Self {
        let mut c = VendorCatalogue::default();
        for (canonical, aliases) in SEED {
            c.add(canonical, aliases.iter().copied());
        }
        c
    }

    /// An empty catalogue (every vendor unknown).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Adds aliases (alias, canonical), e.g. those the coordinator stored in the database. A
    /// canonical name the catalogue does not know becomes a new entry.
    pub fn with_aliases<A, C>(mut self, extra: impl IntoIterator<Item = (A, C)>) -> Self
    where
        A: AsRef<str>,
        C: AsRef<str>,
    {
        for (alias, canonical) in extra {
            self.add(canonical.as_ref(), std::iter::once(alias.as_ref()));
        }
        self
    }

    fn add<'a>(&mut self, canonical: &str, aliases: impl Iterator<Item = &'a str>) {
        let canonical = canonical.trim();
        let key = Self::key(&fold_words(canonical));
        let idx = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.entries.push(VendorEntry { canonical: canonical.to_owned(), aliases: Vec::new() });
                let i = self.entries.len() - 1;
                self.index.insert(key, i);
                i
            }
        };
        for alias in aliases {
            let akey = Self::key(&fold_words(alias));
            if akey.is_empty() {
                continue;
            }
            // An alias added later wins: the coordinator's word overrides the seed.
            self.index.insert(akey, idx);
            if !self.entries[idx].aliases.iter().any(|a| a == alias) {
                self.entries[idx].aliases.push(alias.trim().to_owned());
            }
        }
    }

    /// The entries, for `GET /api/vendors`.
    pub fn entries(&self) -> &[VendorEntry] {
        &self.entries
    }

    /// Folded words without trailing legal suffixes, joined without spaces ("Red Hat" and
    /// "RedHat" are the same key).
    fn key(words: &[String]) -> String {
        Self::strip_suffixes(words).concat()
    }

    fn strip_suffixes(words: &[String]) -> &[String] {
        let mut end = words.len();
        // Keep at least one word: a vendor called "Company" is still a name.
        while end > 1 && SUFFIXES.contains(&words[end - 1].as_str()) {
            end -= 1;
        }
        &words[..end]
    }

    /// Normalises a vendor name as written in a file.
    pub fn normalise(&self, name: &str) -> VendorMatch {
        let words = fold_words(name);
        let words = Self::strip_suffixes(&words);
        for n in (1..=words.len()).rev() {
            if let Some(&i) = self.index.get(&words[..n].concat()) {
                return VendorMatch { canonical: self.entries[i].canonical.clone(), known: true };
            }
        }
        VendorMatch { canonical: strip_written_suffix(name), known: false }
    }
}

/// The name as written, whitespace collapsed, without trailing legal-suffix words:
/// "Lyhtysoft Oy" → "Lyhtysoft", so the same unknown vendor counts once.
fn strip_written_suffix(name: &str) -> String {
    let cleaned = crate::text::clean(name);
    let mut words: Vec<&str> = cleaned.split(' ').collect();
    while words.len() > 1 {
        let last = words[words.len() - 1];
        let folded = fold_words(last).concat();
        if folded.is_empty() || SUFFIXES.contains(&folded.as_str()) {
            words.pop();
        } else {
            break;
        }
    }
    words.join(" ").trim_end_matches([',', '.']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vendor_however_written() {
        let c = VendorCatalogue::seeded();
        assert!(c.entries().len() >= 40);
        for name in
            ["Microsoft", "Microsoft Corporation", "Microsoft Oy", "MICROSOFT IRELAND OPERATIONS LTD", "microsoft."]
        {
            assert_eq!(c.normalise(name), VendorMatch { canonical: "Microsoft".into(), known: true }, "{name}");
        }
        assert_eq!(c.normalise("VMware, Inc.").canonical, "Broadcom");
        assert_eq!(c.normalise("Tableau Software LLC").canonical, "Salesforce");
        assert_eq!(c.normalise("Amazon Web Services EMEA SARL").canonical, "Amazon Web Services");
        assert_eq!(c.normalise("Oracle Finland Oy").canonical, "Oracle");
        assert_eq!(c.normalise("SAP SE").canonical, "SAP");
        assert_eq!(c.normalise("Red Hat Inc").canonical, "Red Hat");
        assert_eq!(c.normalise("Dassault Systemes SE").canonical, "Dassault Systèmes");
        assert_eq!(c.normalise("Esri Finland Oy").canonical, "Esri");
        assert_eq!(c.normalise("F-Secure Oyj").canonical, "WithSecure");
    }

    #[test]
    fn unknown_vendors_are_kept_and_coordinator_aliases_apply() {
        let c = VendorCatalogue::seeded();
        let m = c.normalise("  Lyhtysoft   Oy ");
        assert_eq!(m, VendorMatch { canonical: "Lyhtysoft".into(), known: false });
        assert_eq!(c.normalise("LYHTYSOFT OY").canonical, "LYHTYSOFT");
        let c = c.with_aliases([("Lyhtysoft", "Lyhty Software"), ("MSFT", "Microsoft")]);
        assert_eq!(c.normalise("Lyhtysoft Oy"), VendorMatch { canonical: "Lyhty Software".into(), known: true });
        assert_eq!(c.normalise("MSFT").canonical, "Microsoft");
        assert!(!c.normalise("").known);
    }
}
