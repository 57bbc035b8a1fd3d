//! `rendezvous demo`: a fresh SQLite event loaded with the generated Smart City Expo sample
//! (about 300 participants, requests already answered), solved and published through the
//! API itself, then served.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::app;
use crate::config::{Config, MailConfig, init_tracing};
use crate::domain::{Language, participant::Profile};
use crate::sample::{Expo, RequestStatus, SampleSpec};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to serve on.
    #[arg(long, env = "RENDEZVOUS_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// The SQLite file to create (replaced if it exists).
    #[arg(long, default_value = "rendezvous-demo.db")]
    pub database: PathBuf,
    /// Solver time limit, in seconds.
    #[arg(long, default_value_t = 30)]
    pub time_limit: u32,
    /// Seed of the generated sample.
    #[arg(long, default_value_t = SampleSpec::demo().seed)]
    pub seed: u64,
    /// Mail: without `RENDEZVOUS_SMTP_URL`, the sample's messages are written as `.eml`
    /// files into `--mail-dir` (its old `.eml` files are removed first).
    #[command(flatten)]
    pub mail: MailConfig,
}

/// Removes the `.eml` files a previous demo left in the mail folder.
fn clear_mail_folder(dir: &std::path::Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "eml") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// A sample participant's address (a reserved domain: nothing can be delivered there) and
/// language: French and Arabic for Morocco, English for the others.
fn contact(index: usize, id: &str, country: Option<&str>) -> (String, Language) {
    let language = match (country, index % 2) {
        (Some("MA"), 0) => Language::Fr,
        (Some("MA"), _) => Language::Ar,
        _ => Language::En,
    };
    (format!("{id}@demo.rendezvous.test"), language)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_tracing(false);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(demo(args))?;
    Ok(ExitCode::SUCCESS)
}

/// Calls the API in-process, as `token`; any non-2xx is an error naming the call.
async fn call(
    router: &Router,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let mut request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = router.clone().oneshot(request.body(body)?).await?;
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await?;
    anyhow::ensure!(
        status.is_success(),
        "{method} {path}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn field(value: &Value, name: &str) -> anyhow::Result<String> {
    value[name]
        .as_str()
        .map(String::from)
        .with_context(|| format!("no {name} in {value}"))
}

async fn demo(args: Args) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = args.database.clone().into_os_string();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("removing {}", PathBuf::from(path).display()));
            }
        }
    }
    let organiser = std::env::var("RENDEZVOUS_ORGANISER_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(crate::domain::ids::new_organiser_token);
    let mut config = Config::new(
        format!("sqlite://{}?mode=rwc", args.database.display()),
        Some(organiser.clone()),
    );
    config.addr = args.addr;
    if config.mail.smtp_url.is_none() {
        clear_mail_folder(&args.mail.mail_dir)?;
    }
    config.mail = args.mail.clone();
    let app = app::build(&config).await?;
    let router = app.router.clone();
    let spec = SampleSpec {
        seed: args.seed,
        ..SampleSpec::demo()
    };
    let expo = Expo::generate(&spec).map_err(|e| anyhow::anyhow!("sample: {e}"))?;
    eprintln!(
        "Loading the sample: {} participants, {} rooms, {} requests…",
        expo.participants.len(),
        expo.rooms.len(),
        expo.requests.len()
    );

    let days: Vec<Value> = expo
        .days
        .iter()
        .map(|d| {
            json!({
                "date": d.date.format("%Y-%m-%d").to_string(),
                "sessions": d.sessions.iter()
                    .map(|(a, b)| [a.format("%H:%M").to_string(), b.format("%H:%M").to_string()])
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let event = call(
        &router,
        Method::POST,
        "/api/v1/events",
        &organiser,
        Some(json!({"name": expo.name, "timezone": expo.timezone, "slot_minutes": expo.slot_minutes, "days": days})),
    )
    .await?;
    let e = field(&event, "id")?;
    let api = |rest: &str| format!("/api/v1/events/{e}{rest}");

    for room in &expo.rooms {
        call(
            &router,
            Method::POST,
            &api("/rooms"),
            &organiser,
            Some(
                json!({"name": room.name, "capacity": room.capacity, "features": room.features,
                        "unavailable": room.unavailable}),
            ),
        )
        .await?;
    }
    // Sample ids → (service id, token).
    let mut people: HashMap<&str, (String, String, &str)> = HashMap::new();
    for (index, p) in expo.participants.iter().enumerate() {
        let (email, language) = contact(index, &p.id, p.profile.country.as_deref());
        // The registration is the sample's profile with an address and a language.
        let registration = Profile {
            email: Some(email),
            language,
            ..p.profile.clone()
        };
        let registered = call(
            &router,
            Method::POST,
            &api("/participants"),
            &organiser,
            Some(serde_json::to_value(&registration)?),
        )
        .await?;
        people.insert(
            p.id.as_str(),
            (
                field(&registered, "id")?,
                field(&registered, "token")?,
                p.profile.name.as_str(),
            ),
        );
    }
    let who = |id: &str| people.get(id).with_context(|| format!("sample participant {id}"));
    for r in &expo.requests {
        let (_, requester_token, _) = who(&r.requester)?;
        let with = r
            .with
            .iter()
            .map(|w| Ok(who(w)?.0.clone()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let created = call(
            &router,
            Method::POST,
            &api("/requests"),
            requester_token,
            Some(
                json!({"with": with, "duration_minutes": r.duration_minutes, "priority": r.priority,
                        "message": r.message, "features": r.features}),
            ),
        )
        .await?;
        let id = field(&created, "id")?;
        match r.status {
            RequestStatus::Pending => {}
            RequestStatus::Accepted => {
                for w in &r.with {
                    call(
                        &router,
                        Method::POST,
                        &api(&format!("/requests/{id}/accept")),
                        &who(w)?.1,
                        None,
                    )
                    .await?;
                }
            }
            RequestStatus::Declined => {
                let first = r.with.first().context("a request without invitees")?;
                call(
                    &router,
                    Method::POST,
                    &api(&format!("/requests/{id}/decline")),
                    &who(first)?.1,
                    None,
                )
                .await?;
            }
            RequestStatus::Withdrawn => {
                call(
                    &router,
                    Method::POST,
                    &api(&format!("/requests/{id}/withdraw")),
                    requester_token,
                    None,
                )
                .await?;
            }
        }
    }

    eprintln!(
        "Solving {} accepted meetings ({} s limit)…",
        expo.accepted().count(),
        args.time_limit
    );
    let run = call(
        &router,
        Method::POST,
        &api("/schedules"),
        &organiser,
        Some(json!({"time_limit_seconds": args.time_limit})),
    )
    .await?;
    let run = field(&run, "id")?;
    let finished = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let state = call(
            &router,
            Method::GET,
            &api(&format!("/schedules/{run}")),
            &organiser,
            None,
        )
        .await?;
        match state["status"].as_str() {
            Some("done") => break state,
            Some("failed") => anyhow::bail!("the solve failed: {}", state["error"]),
            _ => {}
        }
    };
    let published = call(
        &router,
        Method::POST,
        &api(&format!("/schedules/{run}/publish")),
        &organiser,
        None,
    )
    .await?;

    // The guest of honour's city stands out in everyone's recommendations.
    call(
        &router,
        Method::PUT,
        &api("/boosts"),
        &organiser,
        Some(json!({"boosts": [{"target": "city", "value": "Bangkok", "factor": 1.5}]})),
    )
    .await?;

    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (bkk_id, bkk_token, bkk_name) = who("del-bangkok").cloned().or_else(|_| {
        expo.participants
            .first()
            .context("no participants")
            .and_then(|p| who(&p.id).cloned())
    })?;
    let company = expo
        .participants
        .iter()
        .find(|p| p.profile.kind.as_str() == "company")
        .context("no company in the sample")?;
    let (company_id, company_token, company_name) = who(&company.id)?.clone();
    println!();
    println!("rendezvous demo — {}", expo.name);
    println!(
        "  timetable version {}: {} meetings placed, {} unscheduled (objective {})",
        published["version"], finished["placed"], finished["unscheduled"], finished["objective"]
    );
    println!("  API        {base}/api/v1   (docs: {base}/api/v1/docs/)");
    println!("  event      {e}");
    println!("  organiser  {organiser}");
    println!("  {bkk_name}: {bkk_token}");
    println!("  {company_name}: {company_token}");
    println!();
    println!("Web app (personal sign-in links):");
    println!("  the organiser: {base}/login?token={organiser}");
    println!("  {bkk_name}: {base}/login?token={bkk_token}");
    println!("  {company_name}: {base}/login?token={company_token}");
    println!();
    match &config.mail.smtp_url {
        Some(_) => println!("Mail goes to RENDEZVOUS_SMTP_URL (addresses at demo.rendezvous.test)."),
        None => println!(
            "Mail: written as .eml files into {}/ (set RENDEZVOUS_SMTP_URL to send it).",
            config.mail.mail_dir.display()
        ),
    }
    println!("  curl -H 'Authorization: Bearer {organiser}' {base}/api/v1/events/{e}/messages/counts");
    println!();
    println!("Try:");
    println!("  curl -H 'Authorization: Bearer {organiser}' {base}/api/v1/events/{e}/timetable");
    println!(
        "  curl -H 'Authorization: Bearer {bkk_token}' {base}/api/v1/events/{e}/participants/{bkk_id}/agenda"
    );
    println!(
        "  curl -H 'Authorization: Bearer {company_token}' {base}/api/v1/events/{e}/participants/{company_id}/agenda.ics"
    );
    println!("  curl -H 'Authorization: Bearer {company_token}' {base}/api/v1/events/{e}/participants");
    println!(
        "  curl -H 'Authorization: Bearer {company_token}' '{base}/api/v1/events/{e}/recommendations?limit=5'"
    );
    println!();
    app::serve(listener, app, app::shutdown_signal()).await
}
