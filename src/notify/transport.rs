//! Where messages go: an SMTP relay (`RENDEZVOUS_SMTP_URL`, through lettre: async on
//! Tokio, rustls, STARTTLS or implicit TLS, authentication from the URL; see [`Relay`]), or without one a
//! folder of `.eml` files that the organiser lists and opens.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use lettre::Message;

use super::relay::Relay;

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
    /// Boxed: the relay holds its kept connection inline.
    Smtp(Box<Relay>),
    Folder(PathBuf),
}

impl Transport {
    /// The relay at `url`, trusting `ca_file` (PEM) too when given (see [`Relay::new`]).
    pub fn smtp(url: &str, ca_file: Option<&Path>, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self::Smtp(Box::new(Relay::new(url, ca_file, timeout)?)))
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
            Transport::Smtp(relay) => relay.send(&message).await.map(|()| "smtp".to_string()),
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
