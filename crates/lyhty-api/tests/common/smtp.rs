//! A real SMTP server on loopback for the mail tests: `tests/smtp/sink.py` (Python's
//! `aiosmtpd`), started per test on a free port, writing every message it receives as JSON
//! into a folder the test reads.
//!
//! The Python with aiosmtpd is `LYHTY_SMTP_PYTHON`, or the virtualenv `make test` makes in
//! the build folder (`$CARGO_TARGET_DIR/smtp-venv`). Missing, the tests skip loudly, or
//! fail in CI and with `LYHTY_REQUIRE_E2E=1`.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

pub struct SmtpSink {
    child: Child,
    /// Kept open: the server stops when it closes.
    _stdin: Option<ChildStdin>,
    dir: tempfile::TempDir,
    pub port: u16,
}

/// `LYHTY_SMTP_PYTHON`, or `smtp-venv/bin/python` in the build folder this test binary was
/// built in (`<target>/debug/deps/requests-…`); it must import aiosmtpd.
fn find_python() -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match std::env::var_os("LYHTY_SMTP_PYTHON") {
        Some(p) => vec![PathBuf::from(p)],
        None => {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            exe.ancestors().skip(1).take(4).map(|d| d.join("smtp-venv/bin/python")).collect()
        }
    };
    for python in &candidates {
        let ok = Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Ok(python.clone());
        }
    }
    Err(format!("no Python with aiosmtpd (looked for {candidates:?}; `make test` makes it, or set LYHTY_SMTP_PYTHON)"))
}

impl SmtpSink {
    /// A running server, or `None` (after a loud line) when aiosmtpd is not installed and
    /// not required.
    pub fn start() -> Option<Self> {
        let python = match find_python() {
            Ok(p) => p,
            Err(why) => return lyhty_testkit::missing(&why, "LYHTY_REQUIRE_E2E"),
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/sink.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {} {}: {e}", python.display(), script.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("reading the SMTP sink's port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the SMTP sink did not start: {line:?}"));
        let stdin = child.stdin.take();
        Some(Self { child, _stdin: stdin, dir, port })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Value> {
        let mut messages: Vec<Value> = std::fs::read_dir(self.dir.path())
            .expect("the sink's folder")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap())
            .collect();
        messages.sort_by_key(|m| (m["to"].to_string(), m["subject"].to_string()));
        messages
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
