//! `lyhty`: the Lyhty server and its administration commands.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use lyhty_api::settings::Settings;
use lyhty_api::{build_state, demo, init_tracing, launch, shutdown_signal};
use lyhty_domain::{BusinessId, OrgId};
use lyhty_store::Actor;
use std::io::Read;

#[derive(Parser)]
#[command(
    name = "lyhty",
    version,
    about = "Lyhty: the public-sector software-licence cooperation network's data system"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (SQLite at ./var/lyhty.db and 127.0.0.1:8080 unless configured).
    Serve {
        /// Load the demo parties and users into an empty database and print the sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Validate an inventory file offline and print the same report as the API.
    Check {
        file: std::path::PathBuf,
        /// Print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Language of the messages: fi, sv or en.
        #[arg(long, default_value = "fi")]
        lang: String,
    },
    /// Print the OpenAPI document (what `make openapi` writes to openapi/openapi.json).
    Openapi,
    /// Run the reminder and digest job once against the configured database and SMTP server
    /// (for cron; the server also runs it every hour). Prints what it did as JSON.
    Remind {
        /// Judge due dates as on this Finnish calendar day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user, e.g. the first coordinator. The password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// member, steering, analyst or coordinator.
        #[arg(long)]
        role: String,
        /// The member's organisation: its id or business ID.
        #[arg(long)]
        org: Option<String>,
        /// Display name (defaults to the e-mail address).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            print!("{}", lyhty_api::openapi::document_json());
            return Ok(());
        }
        Command::Check { file, json, lang } => return check(&file, json, &lang),
        _ => {}
    }
    let settings = Settings::load()?;
    init_tracing(settings.log_format);
    match cli.command {
        Command::Serve { demo: with_demo } => {
            let bind = settings.bind;
            let state = build_state(settings).await?;
            let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("listening on {bind}"))?;
            let base_url = format!("http://{}", listener.local_addr()?);
            if with_demo {
                let report = demo::load(&state).await.context("loading the demo data")?;
                if report.loaded {
                    demo::print_logins(&report, &base_url);
                } else {
                    println!(
                        "\nThe database already has data, so no demo data was loaded. Demo accounts made earlier \
                         sign in at {base_url} with password {:?}.\n",
                        demo::DEMO_PASSWORD
                    );
                }
            }
            // Machine-readable too: the end-to-end tests start the binary on port 0 and read this.
            println!("Lyhty is listening on {base_url}");
            launch(state, listener, shutdown_signal()).await
        }
        Command::Migrate => {
            let state = build_state(settings).await?;
            println!("migrations applied ({:?})", state.store.backend());
            Ok(())
        }
        Command::User { command: UserCommand::Add { email, role, org, name, password_stdin: _ } } => {
            let state = build_state(settings).await?;
            let org_id = match org {
                None => None,
                Some(s) => Some(resolve_org(&state, &s).await?),
            };
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let name = name.unwrap_or_else(|| email.clone());
            let new = lyhty_api::routes::users::parse_new_user(&state, email, name, &role, org_id, password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let user = state.store.create_user(&Actor::system("cli"), &new).await?;
            println!("created {} ({}) {}", user.email, user.role.key(), user.id);
            Ok(())
        }
        Command::Remind { today } => {
            let state = build_state(settings).await?;
            if state.mailer.is_none() {
                eprintln!("LYHTY_SMTP_URL is not set: no reminders or digests are sent");
            }
            if let Some(day) = today {
                state.clock.set_today(day);
            }
            let report = lyhty_api::reminders::run_once(&state).await.context("running the reminder job")?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        Command::Openapi | Command::Check { .. } => unreachable!("handled before settings are read"),
    }
}

/// An organisation named by id or business ID.
async fn resolve_org(state: &lyhty_api::state::AppState, s: &str) -> anyhow::Result<OrgId> {
    if let Ok(id) = s.parse::<OrgId>() {
        if state.store.get_org(id).await?.is_some() {
            return Ok(id);
        }
        bail!("no organisation with id {s}");
    }
    let business_id = BusinessId::parse(s).map_err(|e| anyhow::anyhow!("--org {s:?}: {e}"))?;
    match state.store.find_org_by_business_id(&business_id).await? {
        Some(org) => Ok(org.id),
        None => bail!("no organisation with business ID {business_id}"),
    }
}

/// `lyhty check`: exit 0 when the file would be accepted, 1 when it has errors, 2 when it
/// cannot be read at all. Offline: the seeded vendor catalogue, no database.
fn check(file: &std::path::Path, json: bool, lang: &str) -> anyhow::Result<()> {
    let lang = lyhty_domain::Lang::parse(lang).ok_or_else(|| anyhow::anyhow!("--lang must be fi, sv or en"))?;
    let limits = lyhty_ingest::Limits::default();
    let size = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?.len();
    if size > limits.max_bytes {
        eprintln!("{}: the file is {size} bytes; the limit is {} bytes", file.display(), limits.max_bytes);
        std::process::exit(2);
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let catalogue = lyhty_ingest::VendorCatalogue::seeded();
    match lyhty_ingest::read_submission(&bytes, &name, &limits, &catalogue, lang) {
        Ok(parsed) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&parsed.report)?);
            } else {
                print!("{}", parsed.report.to_text(lang));
            }
            if !parsed.report.errors.is_empty() {
                std::process::exit(1);
            }
            Ok(())
        }
        Err(e) => {
            if json {
                let body = serde_json::json!({ "error": { "code": e.code(), "message": e.message(lang) } });
                println!("{}", serde_json::to_string_pretty(&body)?);
            } else {
                eprintln!("{}: {}", file.display(), e.message(lang));
            }
            std::process::exit(2);
        }
    }
}
