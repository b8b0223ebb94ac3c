//! Test support shared by the integration tests of every Lyhty crate.
//!
//! Several tests read our documents back with programs a person or a bank would use:
//! `pdftotext` and `pdftoppm` (poppler), `zbarimg`, `xmllint`, LibreOffice. This crate is
//! the one way to run them, so that every test treats the two kinds of trouble alike:
//!
//! - **not installed**: the check is skipped with a loud line on stderr, unless the tool is
//!   required — `CI` is set, or the tool's own `LYHTY_REQUIRE_*` variable is `1` — in
//!   which case the test fails ([`Tool::find`]);
//! - **ran and failed** (non-zero exit, killed, could not be started, or the damage report a
//!   tool prints while still exiting 0): always an error ([`CheckerFailed`]) that the test
//!   fails on, on every machine. A tool that cannot read our file is never a skip.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// An external program a test reads our output back with.
#[derive(Clone, Copy, Debug)]
pub struct Tool {
    /// Program names, tried in order on `PATH` (LibreOffice is `libreoffice` or `soffice`).
    pub names: &'static [&'static str],
    /// The Debian package that installs it, for the message.
    pub package: &'static str,
    /// Set to `1` to make a missing tool a failure outside CI too.
    pub require_var: &'static str,
}

pub const PDFTOTEXT: Tool =
    Tool { names: &["pdftotext"], package: "poppler-utils", require_var: "LYHTY_REQUIRE_POPPLER" };
pub const PDFTOPPM: Tool =
    Tool { names: &["pdftoppm"], package: "poppler-utils", require_var: "LYHTY_REQUIRE_POPPLER" };
pub const ZBARIMG: Tool = Tool { names: &["zbarimg"], package: "zbar-tools", require_var: "LYHTY_REQUIRE_ZBAR" };
pub const XMLLINT: Tool = Tool { names: &["xmllint"], package: "libxml2-utils", require_var: "LYHTY_REQUIRE_XMLLINT" };
pub const LIBREOFFICE: Tool = Tool {
    names: &["libreoffice", "soffice"],
    package: "libreoffice-calc-nogui",
    require_var: "LYHTY_REQUIRE_LIBREOFFICE",
};

/// Whether something a test needs must be there: in CI always, elsewhere when `require_var`
/// is `1`.
pub fn required(require_var: &str) -> bool {
    is_required(std::env::var("CI").ok().as_deref(), std::env::var(require_var).ok().as_deref())
}

fn is_required(ci: Option<&str>, require: Option<&str>) -> bool {
    ci.is_some_and(|v| !v.is_empty() && v != "false") || require == Some("1")
}

/// `None` after a loud "SKIPPED" line, or a panic when the missing thing is [`required`].
/// For prerequisites that are not programs too (the UBL schemas).
pub fn missing<T>(what: &str, require_var: &str) -> Option<T> {
    if required(require_var) {
        panic!("{what}, and it is required here (CI, or {require_var}=1)");
    }
    eprintln!("\n!! SKIPPED: {what} (set {require_var}=1 to make this a failure)\n");
    None
}

impl Tool {
    /// The program on `PATH`, or `None` when it is not installed and not [`required`].
    pub fn find(self) -> Option<Checker> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let found = self
            .names
            .iter()
            .find_map(|name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| is_executable(p)));
        match found {
            Some(path) => Some(Checker { tool: self, path }),
            None => missing(
                &format!("{} is not installed (Debian package {})", self.names[0], self.package),
                self.require_var,
            ),
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A found external program.
#[derive(Debug)]
pub struct Checker {
    tool: Tool,
    path: PathBuf,
}

/// What a successful run printed.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// A checker that was there and did not succeed: the test must fail, never skip.
#[derive(Debug)]
pub struct CheckerFailed {
    /// The command line, for the message.
    pub command: String,
    /// How it ended (`exit status: 1`, `signal: 9`, or why it could not start).
    pub status: String,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for CheckerFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed ({})", self.command, self.status)?;
        if !self.stderr.trim().is_empty() {
            write!(f, "\nstderr:\n{}", truncate(&self.stderr))?;
        }
        if !self.stdout.trim().is_empty() {
            write!(f, "\nstdout:\n{}", truncate(&self.stdout))?;
        }
        Ok(())
    }
}

impl std::error::Error for CheckerFailed {}

/// Long damage reports (poppler prints one line per bad byte) cut to what a reader needs.
fn truncate(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    if lines.len() <= 40 {
        s.to_string()
    } else {
        format!("{}\n… ({} more lines)", lines[..40].join("\n"), lines.len() - 40)
    }
}

impl Checker {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A command for this program, for callers that need a working directory or more.
    pub fn command(&self) -> Command {
        Command::new(&self.path)
    }

    /// Runs the program with `args`; an error unless it exits 0.
    pub fn run<I, S>(&self, args: I) -> Result<Output, CheckerFailed>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command();
        cmd.args(args);
        self.run_command(cmd)
    }

    /// Runs a command made with [`Checker::command`]; an error unless it exits 0.
    pub fn run_command(&self, mut cmd: Command) -> Result<Output, CheckerFailed> {
        let line = std::iter::once(self.path.display().to_string())
            .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(" ");
        let failed = |status: String, stdout: String, stderr: String| CheckerFailed {
            command: line.clone(),
            status,
            stdout,
            stderr,
        };
        // It was found on PATH, so a program that cannot start is broken, not missing.
        let out = cmd.output().map_err(|e| failed(format!("could not start: {e}"), String::new(), String::new()))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.success() {
            Ok(Output { stdout, stderr })
        } else {
            Err(failed(out.status.to_string(), stdout, stderr))
        }
    }

    /// The text of a PDF, as `pdftotext -layout` lays it out. Besides a non-zero exit, any
    /// "Syntax Error" poppler reports is a failure: poppler repairs some damaged files and
    /// still exits 0, and a file we wrote must not need repairing.
    pub fn pdf_text(&self, pdf: &[u8]) -> Result<String, CheckerFailed> {
        assert_eq!(self.tool.names, PDFTOTEXT.names, "pdf_text runs pdftotext");
        let dir = ScratchDir::new("pdf-text");
        let file = dir.path().join("document.pdf");
        std::fs::write(&file, pdf).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let out = self.run([OsStr::new("-layout"), file.as_os_str(), OsStr::new("-")])?;
        if out.stderr.contains("Syntax Error") {
            return Err(CheckerFailed {
                command: format!("{} -layout {} -", self.path.display(), file.display()),
                status: "exit status: 0, but the file is damaged".into(),
                stdout: out.stdout,
                stderr: out.stderr,
            });
        }
        Ok(out.stdout)
    }
}

/// A fresh directory under the system's temporary folder, removed when dropped.
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("lyhty-{name}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SH: Tool = Tool { names: &["sh"], package: "dash", require_var: "LYHTY_REQUIRE_TESTKIT_SELF" };

    #[test]
    fn a_tool_that_exits_non_zero_is_an_error_with_its_output() {
        let sh = SH.find().expect("sh is on every machine");
        let err = sh.run(["-c", "echo partial; echo broken >&2; exit 3"]).unwrap_err();
        assert_eq!(err.status, "exit status: 3");
        assert_eq!((err.stdout.trim(), err.stderr.trim()), ("partial", "broken"));
        assert!(err.to_string().contains("broken"), "{err}");
        assert_eq!(sh.run(["-c", "echo fine"]).unwrap().stdout, "fine\n");
    }

    #[test]
    fn a_missing_tool_is_none_unless_required() {
        let ghost = Tool { names: &["lyhty-no-such-tool"], package: "none", require_var: "LYHTY_REQUIRE_GHOST_TOOL" };
        let found = std::panic::catch_unwind(|| ghost.find().is_none());
        if required(ghost.require_var) {
            assert!(found.is_err(), "in CI a missing tool fails the test");
        } else {
            assert_eq!(found.ok(), Some(true), "elsewhere it is skipped");
        }
    }

    #[test]
    fn ci_or_the_tools_own_variable_makes_it_required() {
        assert!(!is_required(None, None));
        assert!(!is_required(Some(""), None), "an empty CI is no CI");
        assert!(!is_required(Some("false"), Some("0")));
        assert!(is_required(Some("true"), None));
        assert!(is_required(None, Some("1")));
    }
}
