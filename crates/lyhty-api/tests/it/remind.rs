//! The real `lyhty` binary sends the data-request reminders itself: `serve --demo` with an
//! SMTP server (the loopback sink of `common::smtp`) runs the job at start and every hour,
//! and `lyhty remind` — a second process on the same database — sends no second copy.

use crate::common::smtp::SmtpSink;
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_lyhty");

fn lyhty(dir: &Path, smtp: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("LYHTY_DATABASE_URL")
        .env_remove("LYHTY_JWT_SECRET")
        .env_remove("LYHTY_CONFIG")
        .env("LYHTY_BIND", "127.0.0.1:0")
        .env("LYHTY_SMTP_URL", smtp)
        .env("LYHTY_MAIL_FROM", "Lyhty <lyhty@valtori.example>")
        .env("RUST_LOG", "warn");
    cmd
}

/// One party without an inventory, whose demo member is reminded.
fn write_parties(dir: &Path) {
    let parties = json!([
        {"name": "Länsi-Suomen hyvinvointialue", "business_id": "3221308-6", "category": "wellbeing_county",
         "annual_budget_cents": 145_000_000_000i64, "budget_year": 2025, "joined_on": "2025-09-01", "accession_number": "1.4",
         "represented_by": null, "einvoice_address": null, "contact_name": "L", "contact_email": "l@example.fi",
         "cost_share_cents": null, "inventory": null}
    ]);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("parties.json"), serde_json::to_vec_pretty(&parties).unwrap()).unwrap();
}

fn serve(dir: &Path, smtp: &str) -> Child {
    let mut child =
        lyhty(dir, smtp).args(["serve", "--demo"]).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("Lyhty is listening on ") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("the server started");
    child
}

fn remind(dir: &Path, smtp: &str, today: Option<NaiveDate>) -> Value {
    let mut cmd = lyhty(dir, smtp);
    cmd.arg("remind");
    if let Some(day) = today {
        cmd.args(["--today", &day.to_string()]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_server_reminds_by_itself_and_lyhty_remind_sends_no_second_copy() {
    let Some(sink) = SmtpSink::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    write_parties(&dir.path().join("sample-data"));
    let mut child = serve(dir.path(), &sink.url());

    // The demo's data request is due in 14 days: the job, run at start, reminds the member
    // of the party that has not submitted.
    let deadline = Instant::now() + Duration::from_secs(30);
    while sink.messages().is_empty() {
        assert!(Instant::now() < deadline, "no reminder arrived within 30 s of start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert_eq!(messages[0]["rcpt_to"], json!(["jasen.wellbeing-county@lyhty.example"]));
    let subject = messages[0]["subject"].as_str().unwrap();
    assert!(subject.starts_with("Muistutus: tietopyynnön \"Nykytilakartoitus "), "{subject}");

    // A second process on the same database: the reminder is claimed already.
    let report = remind(dir.path(), &sink.url(), None);
    assert_eq!(report, json!({"configured": true, "sent": 0, "failed": 0, "already_claimed": 1}));
    assert_eq!(sink.messages().len(), 1);

    // The day after the due date, `lyhty remind` sends the missed-deadline reminder once.
    let due: NaiveDate = subject
        .rsplit(' ')
        .next()
        .map(|d| {
            let parts: Vec<u32> = d.split('.').map(|p| p.parse().unwrap()).collect();
            NaiveDate::from_ymd_opt(parts[2] as i32, parts[1], parts[0]).unwrap()
        })
        .unwrap();
    let after = due.checked_add_days(Days::new(1)).unwrap();
    assert_eq!(remind(dir.path(), &sink.url(), Some(after))["sent"], 1);
    assert_eq!(remind(dir.path(), &sink.url(), Some(after))["sent"], 0);
    let missed: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .filter(|s| s.contains("myöhässä"))
        .collect();
    assert_eq!(missed.len(), 1, "{missed:?}");

    // The job stops with the server: SIGTERM ends it cleanly.
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let stop_by = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
            break;
        }
        assert!(Instant::now() < stop_by, "the server did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}
