//! Where messages go: an SMTP relay (`RENDEZVOUS_SMTP_URL`, through lettre: async on
//! Tokio, rustls, STARTTLS or implicit TLS, authentication from the URL), or without one a
//! folder of `.eml` files that the organiser lists and opens.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How one delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// The relay could not be reached or talked to (connection, TLS, time-out): nothing says
    /// the message is at fault.
    Unreachable(String),
    /// The relay refused for now (4xx): try this message again later.
    Transient(String),
    /// The relay refused for good (5xx): this message will not go.
    Permanent(String),
}

/// Where this node delivers.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

impl Transport {
    /// The relay at `url` (`smtp://user:pass@host:587?tls=required`, `smtps://…:465`, or
    /// plain `smtp://host:25`), trusting `ca_file` (PEM) too when given.
    pub fn smtp(url: &str, ca_file: Option<&Path>, timeout: Duration) -> anyhow::Result<Self> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("RENDEZVOUS_SMTP_URL: smtp://[user:password@]host[:port][?tls=required|opportunistic] or smtps://…")?;
        if let Some(ca_file) = ca_file {
            let parsed = url::Url::parse(url).context("RENDEZVOUS_SMTP_URL")?;
            let host = parsed
                .host_str()
                .context("RENDEZVOUS_SMTP_URL has no host")?
                .to_string();
            let pem = std::fs::read(ca_file).with_context(|| format!("reading {}", ca_file.display()))?;
            let params = TlsParameters::builder(host)
                .add_root_certificate(
                    Certificate::from_pem(&pem).context("RENDEZVOUS_SMTP_CA_FILE is not PEM")?,
                )
                .build_rustls()?;
            let mode = parsed
                .query_pairs()
                .find(|(k, _)| k == "tls")
                .map(|(_, v)| v.into_owned());
            let tls = match (parsed.scheme(), mode.as_deref()) {
                ("smtps", _) => Tls::Wrapper(params),
                (_, Some("required")) => Tls::Required(params),
                (_, Some("opportunistic")) => Tls::Opportunistic(params),
                _ => anyhow::bail!("RENDEZVOUS_SMTP_CA_FILE needs TLS: smtps://… or smtp://…?tls=required"),
            };
            builder = builder.tls(tls);
        }
        Ok(Self::Smtp(builder.timeout(Some(timeout)).build()))
    }

    /// A folder of `.eml` files, created if missing.
    pub fn folder(path: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(path)
            .with_context(|| format!("creating the mail folder {}", path.display()))?;
        Ok(Self::Folder(path.to_path_buf()))
    }

    /// Where a message went, as the outbox records it.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "smtp".to_string(),
            Transport::Folder(path) => path.display().to_string(),
        }
    }

    /// Hands `message` over; returns where it went (`smtp`, or the file written). A file
    /// is written under a temporary name and renamed, so a reader never sees half of one,
    /// and a retry overwrites the same file.
    pub async fn deliver(&self, message: Message, outbox_id: &str) -> Result<String, DeliveryError> {
        match self {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok("smtp".to_string()),
                Err(err) if err.is_permanent() => Err(DeliveryError::Permanent(err.to_string())),
                Err(err) if err.is_transient() => Err(DeliveryError::Transient(err.to_string())),
                Err(err) => Err(DeliveryError::Unreachable(err.to_string())),
            },
            Transport::Folder(dir) => {
                let path = dir.join(format!("{outbox_id}.eml"));
                let partial = dir.join(format!(".{outbox_id}.eml.partial"));
                let written = async {
                    tokio::fs::write(&partial, message.formatted()).await?;
                    tokio::fs::rename(&partial, &path).await
                };
                written
                    .await
                    .map(|()| path.display().to_string())
                    .map_err(|e| DeliveryError::Unreachable(format!("writing {}: {e}", path.display())))
            }
        }
    }
}
