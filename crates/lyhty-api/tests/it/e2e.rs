//! End to end: the real `lyhty` binary on port 0 with a fresh SQLite database, as a new
//! user would run it (`serve --demo`, `user add`, `migrate`, stop with SIGTERM).

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_lyhty");

fn lyhty(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("LYHTY_DATABASE_URL")
        .env_remove("LYHTY_JWT_SECRET")
        .env_remove("LYHTY_CONFIG")
        .env("LYHTY_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn");
    cmd
}

/// Starts `serve --demo` and returns the child, its base URL and what it printed first.
fn serve(dir: &Path) -> (Child, String, String) {
    let mut child =
        lyhty(dir).args(["serve", "--demo"]).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut printed = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            printed.push_str(&line);
            printed.push('\n');
            if let Some(url) = line.strip_prefix("Lyhty is listening on ") {
                let _ = tx.send((url.trim().to_string(), printed.clone()));
            }
        }
    });
    let (url, printed) =
        rx.recv_timeout(Duration::from_secs(60)).expect("the server started and said where it listens");
    (child, url, printed)
}

fn stop(mut child: Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
            return;
        }
        assert!(Instant::now() < deadline, "the server did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn write_parties(dir: &Path) {
    let parties = json!([
        {"name": "Kuntaliitto (muut kunnat)", "business_id": "0201256-6", "category": "municipalities",
         "annual_budget_cents": null, "budget_year": null, "joined_on": "2025-09-01", "accession_number": "1.2",
         "represented_by": null, "einvoice_address": "0216:003702012566", "contact_name": "K", "contact_email": "k@example.fi",
         "cost_share_cents": null, "inventory": null},
        {"name": "Pikkulan kunta", "business_id": "0101263-6", "category": "municipalities",
         "annual_budget_cents": null, "budget_year": null, "joined_on": "2025-10-01", "accession_number": "1.3",
         "represented_by": "0201256-6", "einvoice_address": null, "contact_name": null, "contact_email": null,
         "cost_share_cents": null, "inventory": null},
        {"name": "Länsi-Suomen hyvinvointialue", "business_id": "3221308-6", "category": "wellbeing_county",
         "annual_budget_cents": 145_000_000_000i64, "budget_year": 2025, "joined_on": "2025-09-01", "accession_number": "1.4",
         "represented_by": null, "einvoice_address": null, "contact_name": "L", "contact_email": "l@example.fi",
         "cost_share_cents": null, "inventory": null}
    ]);
    std::fs::write(dir.join("parties.json"), serde_json::to_vec_pretty(&parties).unwrap()).unwrap();
}

async fn login(client: &reqwest::Client, url: &str, email: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{url}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_user_runs_the_platform() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sample-data")).unwrap();
    write_parties(&dir.path().join("sample-data"));

    let (child, url, printed) = serve(dir.path());
    assert!(printed.contains("koordinaattori@lyhty.example"), "demo sign-ins printed:\n{printed}");
    assert!(printed.contains(lyhty_api::demo::DEMO_PASSWORD));
    assert!(dir.path().join("var/lyhty.db").exists(), "embedded SQLite database at ./var/lyhty.db");
    assert!(dir.path().join("var/jwt.key").exists(), "generated signing key beside the database");

    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{url}/readyz")).send().await.unwrap().status(), 200);
    let reply = login(&client, &url, "koordinaattori@lyhty.example", lyhty_api::demo::DEMO_PASSWORD).await;
    assert_eq!(reply.status(), 200);
    let token = reply.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let orgs: Value =
        client.get(format!("{url}/api/orgs")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let orgs = orgs.as_array().unwrap();
    assert_eq!(orgs.len(), 3);
    let small = orgs.iter().find(|o| o["name"] == "Pikkulan kunta").unwrap();
    let rep = orgs.iter().find(|o| o["name"] == "Kuntaliitto (muut kunnat)").unwrap();
    assert_eq!(small["represented_by"], rep["id"], "representation resolved by business ID");
    let member = login(&client, &url, "jasen.wellbeing-county@lyhty.example", lyhty_api::demo::DEMO_PASSWORD).await;
    assert_eq!(member.status(), 200);

    // `lyhty user add` against the same database while the server runs.
    let mut add = lyhty(dir.path())
        .args(["user", "add", "--email", "uusi@valtori.fi", "--role", "coordinator", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"a-new-long-password\n").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(login(&client, &url, "uusi@valtori.fi", "a-new-long-password").await.status(), 200);
    let member_without_org = lyhty(dir.path())
        .args(["user", "add", "--email", "x@valtori.fi", "--role", "member", "--password-stdin"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!member_without_org.status.success());

    stop(child);

    // Starting again keeps the data and loads nothing twice.
    assert!(lyhty(dir.path()).arg("migrate").status().unwrap().success());
    let (child, url, printed) = serve(dir.path());
    assert!(printed.contains("already has data"), "{printed}");
    let token =
        login(&client, &url, "uusi@valtori.fi", "a-new-long-password").await.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
    let orgs: Value =
        client.get(format!("{url}/api/orgs")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(orgs.as_array().unwrap().len(), 3);
    stop(child);
}

#[test]
fn bad_configuration_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = lyhty(dir.path()).arg("migrate").env("LYHTY_DATABASE_URL", "mysql://nope").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database URL"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let out = lyhty(dir.path()).arg("migrate").env("LYHTY_DATABASE_URL", "postgres://127.0.0.1:1/x").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("opening the database at postgres://127.0.0.1:1/x"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
