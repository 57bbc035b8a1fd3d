//! Participants hear about it: every change that concerns them (a request, an answer, a
//! booking, a published agenda, a meeting about to start) becomes a row of the outbox in
//! the same transaction as the change (see [`crate::domain::notice`] for who hears of
//! what), and every `serve` or `worker` node runs a [sender](sender::run) that claims due
//! rows under a lease, writes each in its recipient's language (plain text and HTML, with
//! an iCalendar invitation where a meeting changes), delivers it by SMTP or into a folder of
//! `.eml` files, and marks it: sent, retried later with exponential backoff and jitter,
//! failed after too many attempts, or skipped with its reason. Nothing is dropped silently:
//! the organiser lists every message and its state.

pub mod compose;
pub mod invitations;
pub mod letter;
mod prepare;
pub mod relay;
pub mod reminders;
pub mod sender;
pub mod transport;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use lettre::message::Mailbox;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::cluster::{Bus, Cluster, RateLimiter};
use crate::store::DynStore;
use crate::timetable::PublishedTimetables;

pub use transport::{DeliveryError, Transport};

/// Messages a deployment hands to its relay per second unless told otherwise
/// (`RENDEZVOUS_SMTP_PER_SECOND`): 20,000 published agendas in under 7 minutes, within what a
/// transactional relay (Postmark, SendGrid, Mailgun, a Postfix of one's own) takes. A relay with
/// a lower quota (Amazon SES starts accounts at 14 a second) needs the setting lowered to it.
pub const DEFAULT_PER_SECOND: u32 = 50;

/// How this node sends mail.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP relay; `None`: `.eml` files in `folder`.
    pub smtp_url: Option<String>,
    /// A PEM file of certificate authorities to trust for the relay, beside the usual ones.
    pub smtp_ca_file: Option<PathBuf>,
    /// Where messages are written without a relay.
    pub folder: PathBuf,
    /// The sender, as `Smart City Expo <b2b@expo.example>`; its domain ends every Message-ID.
    pub from: String,
    /// The service's address as participants reach it, for links in messages.
    pub public_url: String,
    /// Messages this deployment hands over per second, across all its nodes when they share
    /// Redis (each node on its own otherwise).
    pub per_second: u32,
    /// Failed attempts after which a message is marked failed.
    pub max_attempts: u32,
    /// The first retry's delay; each next one doubles, up to `retry_cap`, with jitter.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// How often an idle sender looks for due messages.
    pub poll: Duration,
    /// How often reminders of meetings about to start are queued.
    pub reminder_scan: Duration,
    /// How long a claim is held: longer than a delivery can take (`smtp_timeout`).
    pub lease: Duration,
    pub smtp_timeout: Duration,
    /// Messages claimed at once.
    pub batch: u32,
}

impl MailSettings {
    /// The defaults, writing into `folder`, with links to `public_url`.
    pub fn new(folder: impl Into<PathBuf>, public_url: impl Into<String>) -> Self {
        Self {
            smtp_url: None,
            smtp_ca_file: None,
            folder: folder.into(),
            from: "rendezvous <rendezvous@localhost.localdomain>".into(),
            public_url: public_url.into(),
            per_second: DEFAULT_PER_SECOND,
            max_attempts: 8,
            retry_base: Duration::from_secs(30),
            retry_cap: Duration::from_secs(3600),
            poll: Duration::from_millis(500),
            reminder_scan: Duration::from_secs(30),
            lease: Duration::from_secs(120),
            smtp_timeout: Duration::from_secs(30),
            batch: 20,
        }
    }
}

/// What a sender needs: the store, this node's resolved timetables, the pacing limiter, the
/// bus (a delivered invitation changes a token: every node must forget the old one), the
/// transport, and the key that signs invitation links.
#[derive(Clone)]
pub struct Mailer {
    pub store: DynStore,
    pub timetables: Arc<PublishedTimetables>,
    pub limiter: Arc<dyn RateLimiter>,
    pub bus: Arc<dyn Bus>,
    pub settings: Arc<MailSettings>,
    pub transport: Arc<Transport>,
    pub from: Mailbox,
    /// Derived from the organiser token's hash, which every node knows; `None` on a node
    /// that does not know it (it then leaves invitations to the others).
    pub invitation_key: Option<invitations::InvitationKey>,
}

impl Mailer {
    pub fn new(
        store: DynStore,
        timetables: Arc<PublishedTimetables>,
        cluster: &Cluster,
        settings: MailSettings,
        organiser_token_hash: Option<&str>,
    ) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .with_context(|| format!("RENDEZVOUS_MAIL_FROM {:?} is not a mailbox", settings.from))?;
        let transport = match &settings.smtp_url {
            Some(url) => Transport::smtp(url, settings.smtp_ca_file.as_deref(), settings.smtp_timeout)?,
            None => Transport::folder(&settings.folder)?,
        };
        Ok(Self {
            store,
            timetables,
            limiter: cluster.rate_limiter.clone(),
            bus: cluster.bus.clone(),
            settings: Arc::new(settings),
            transport: Arc::new(transport),
            from,
            invitation_key: organiser_token_hash.map(invitations::InvitationKey::new),
        })
    }

    /// Starts this node's sender and reminder scan; both stop when `shutdown` says true.
    pub fn spawn(&self, shutdown: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        match self.transport.as_ref() {
            Transport::Smtp(_) => tracing::info!("mail goes to the SMTP relay"),
            Transport::Folder(path) => tracing::info!(
                folder = %path.display(),
                "no RENDEZVOUS_SMTP_URL: messages are written as .eml files"
            ),
        }
        vec![
            tokio::spawn(sender::run(self.clone(), shutdown.clone())),
            tokio::spawn(reminders::run(self.clone(), shutdown.clone())),
        ]
    }
}
