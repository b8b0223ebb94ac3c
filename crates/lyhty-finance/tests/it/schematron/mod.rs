//! Running the official e-invoice rule sets (compiled Schematron) over documents, for
//! `tests/it/peppol.rs`.
//!
//! The rules are not re-implemented here: the official validation stylesheets run in
//! Saxon-HE (`saxonche` from PyPI) through `scripts/schematron.py`, a real process, and
//! this module reads the SVRL reports it writes. Two things come from outside the
//! repository, and both are looked for, verified and reported here:
//!
//! - the Python with saxonche: `LYHTY_PEPPOL_PYTHON`, or the virtualenv that `make test`
//!   makes in the build folder (`$CARGO_TARGET_DIR/peppol-venv`);
//! - the rule sets, pinned by SHA-256 in `tests/peppol-rules/SHA256SUMS` (where they come
//!   from, and why they are not committed: `tests/peppol-rules/README.md`).
//!
//! Missing either, the tests skip with a loud message, or fail when
//! `LYHTY_REQUIRE_PEPPOL=1` (CI). A tool that runs and fails, or a rule set whose checksum
//! differs, always fails.

use roxmltree::Document;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One official rule set: a folder of the rule-set bundle and its validation stylesheet.
pub struct RuleSet {
    /// Short name, used in report file names.
    pub name: &'static str,
    pub title: &'static str,
    /// Path inside the bundle.
    pub stylesheet: &'static str,
}

/// The rule sets every document must pass, in the order they are reported.
pub const RULE_SETS: [RuleSet; 3] = [
    RuleSet {
        name: "cen-1.3.14.1",
        title: "CEN EN 16931 UBL 1.3.14.1 (the CEN rules of Peppol 3.0.19)",
        stylesheet: "cen-1.3.14.1/EN16931-UBL-validation.xslt",
    },
    RuleSet {
        name: "cen-1.3.16",
        title: "CEN EN 16931 UBL 1.3.16",
        stylesheet: "cen-1.3.16/EN16931-UBL-validation.xslt",
    },
    RuleSet {
        name: "peppol-3.0.19",
        title: "Peppol BIS Billing 3.0.19",
        stylesheet: "peppol-3.0.19/PEPPOL-EN16931-UBL.xslt",
    },
];

/// A failed assertion or successful report of the SVRL.
#[derive(Debug, Clone)]
pub struct Finding {
    pub id: String,
    /// `fatal` or `warning` in these rule sets; an assertion without a flag counts as fatal.
    pub flag: String,
    pub text: String,
    pub location: String,
}

impl Finding {
    pub fn is_fatal(&self) -> bool {
        self.flag == "fatal"
    }
}

/// What one rule set said about one document.
pub struct Report {
    pub rule_set: &'static RuleSet,
    /// `svrl:fired-rule` elements: rule contexts that matched a node of the document.
    pub fired: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn fatal(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_fatal())
    }

    /// `cen-1.3.16  54 rules fired, 0 fatal, 1 warning: [ID] text`, for the test output.
    pub fn summary(&self) -> String {
        let fatal = self.fatal().count();
        let warnings = self.findings.len() - fatal;
        let mut s =
            format!("{:<58} {:>3} rules fired, {fatal} fatal, {warnings} warning(s)", self.rule_set.title, self.fired);
        for f in &self.findings {
            s.push_str(&format!("\n      {} [{}] {}", f.flag, f.id, f.text));
        }
        s
    }
}

/// Reads an SVRL report.
pub fn parse_svrl(xml: &str) -> Result<(usize, Vec<Finding>), roxmltree::Error> {
    let doc = Document::parse(xml)?;
    let elements = || doc.descendants().filter(|n| n.is_element());
    let fired = elements().filter(|n| n.tag_name().name() == "fired-rule").count();
    let findings = elements()
        .filter(|n| matches!(n.tag_name().name(), "failed-assert" | "successful-report"))
        .map(|n| Finding {
            id: n.attribute("id").unwrap_or("(no id)").to_string(),
            flag: n.attribute("flag").unwrap_or("fatal").to_string(),
            text: normalize_space(n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text())),
            location: n.attribute("location").unwrap_or("").to_string(),
        })
        .collect();
    Ok((fired, findings))
}

/// The words of the texts, one space apart (messages are wrapped in the rule sources).
fn normalize_space<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    texts.flat_map(str::split_whitespace).collect::<Vec<_>>().join(" ")
}

/// The Python with saxonche, the runner script and the verified rule sets.
pub struct Validator {
    python: PathBuf,
    script: PathBuf,
    rules: PathBuf,
}

/// `None` (with a loud message) when the tool or the rule sets are missing; a panic instead
/// when `LYHTY_REQUIRE_PEPPOL=1`.
pub fn validator() -> Option<Validator> {
    let python = match find_python() {
        Ok(p) => p,
        Err(msg) => return missing(msg),
    };
    let rules = match find_rules() {
        Ok(dir) => dir,
        Err(msg) => return missing(msg),
    };
    verify_checksums(&rules);
    Some(Validator { python, script: manifest_dir().join("scripts/schematron.py"), rules })
}

impl Validator {
    /// Runs every rule set over every `(file name, XML)` document; the reports per document,
    /// in the order given. Panics if the processor fails: that is never a pass.
    pub fn validate(&self, docs: &[(String, String)]) -> Vec<(String, Vec<Report>)> {
        let dir = std::env::temp_dir().join(format!("lyhty-peppol-{}-{}", std::process::id(), unique()));
        let out_dir = dir.join("svrl");
        std::fs::create_dir_all(&out_dir).unwrap();
        let mut cmd = Command::new(&self.python);
        cmd.arg(&self.script).arg(&out_dir).arg("--rules");
        for r in &RULE_SETS {
            cmd.arg(format!("{}={}", r.name, self.rules.join(r.stylesheet).display()));
        }
        cmd.arg("--docs");
        for (file, xml) in docs {
            let path = dir.join(file);
            std::fs::write(&path, xml).unwrap();
            cmd.arg(path);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("{}: {e}", self.python.display()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "the Schematron run failed ({}):\n{stderr}", out.status);
        eprintln!("validator: {}", stderr.trim());

        let reports = docs
            .iter()
            .map(|(file, _)| {
                let per_rule_set = RULE_SETS.iter().map(|r| read_report(&out_dir, file, r)).collect();
                (file.clone(), per_rule_set)
            })
            .collect();
        std::fs::remove_dir_all(&dir).ok();
        reports
    }
}

fn read_report(out_dir: &Path, file: &str, rule_set: &'static RuleSet) -> Report {
    let path = out_dir.join(format!("{file}.{}.svrl", rule_set.name));
    let xml = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (fired, findings) = parse_svrl(&xml).unwrap_or_else(|e| panic!("{}: not SVRL: {e}", path.display()));
    Report { rule_set, fired, findings }
}

fn missing<T>(msg: String) -> Option<T> {
    if std::env::var("LYHTY_REQUIRE_PEPPOL").as_deref() == Ok("1") {
        panic!("LYHTY_REQUIRE_PEPPOL=1 but {msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `LYHTY_PEPPOL_PYTHON`, or `peppol-venv/bin/python` in the build folder this test binary
/// was built in (`<target>/debug/deps/peppol-…`), where `make test` installs saxonche.
fn find_python() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("LYHTY_PEPPOL_PYTHON") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let candidates: Vec<PathBuf> = exe.ancestors().skip(1).take(4).map(|d| d.join("peppol-venv/bin/python")).collect();
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        format!(
            "no Python with saxonche (looked for {}; `make test` makes it, or set LYHTY_PEPPOL_PYTHON)",
            candidates.last().unwrap().display()
        )
    })
}

/// `LYHTY_PEPPOL_RULES_DIR`, else `tests/peppol-rules/` if the bundle was put there, else
/// `shared/peppol-rules` of the steering repository beside the checkout (CI has a copy of
/// `shared/` next to its clone).
fn find_rules() -> Result<PathBuf, String> {
    let first = RULE_SETS[0].stylesheet;
    if let Some(dir) = std::env::var_os("LYHTY_PEPPOL_RULES_DIR") {
        let dir = PathBuf::from(dir);
        // Set by hand to a wrong place is a mistake to report, not a reason to skip.
        assert!(dir.join(first).is_file(), "LYHTY_PEPPOL_RULES_DIR={} has no {first}", dir.display());
        return Ok(dir);
    }
    let here = manifest_dir();
    let in_tree = here.join("tests/peppol-rules");
    let beside = here.ancestors().map(|a| a.join("shared/peppol-rules"));
    std::iter::once(in_tree).chain(beside).find(|d| d.join(first).is_file()).ok_or_else(|| {
        "the official rule sets are not there: neither in tests/peppol-rules/ nor in a shared/peppol-rules \
         beside the checkout (see crates/lyhty-finance/tests/peppol-rules/README.md)"
            .to_string()
    })
}

/// Every file of the bundle against the pinned `SHA256SUMS`, with coreutils' `sha256sum`:
/// a wrong version of a rule set fails, even where a missing one would skip.
fn verify_checksums(rules: &Path) {
    let sums = manifest_dir().join("tests/peppol-rules/SHA256SUMS");
    let out = Command::new("sha256sum")
        .arg("--check")
        .arg("--strict")
        .arg(&sums)
        .current_dir(rules)
        .output()
        .unwrap_or_else(|e| panic!("sha256sum: {e}"));
    assert!(
        out.status.success(),
        "the rule sets in {} are not the pinned ones:\n{}{}",
        rules.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("rule sets: {} (SHA-256 as pinned in {})", rules.display(), sums.display());
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
