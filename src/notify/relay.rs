//! The SMTP relay: lettre speaks the protocol (EHLO, STARTTLS or implicit TLS, AUTH, the
//! message), over a socket this module opens with `TCP_NODELAY`, and one connection is kept
//! open between messages.
//!
//! Why the socket is ours: lettre writes a message's body and its closing `.` line as two
//! writes before it reads the reply. Under Nagle's algorithm the second, small write waits
//! until the first is acknowledged, and the relay delays that acknowledgement (about 40 ms on
//! Linux; at least a round trip on a network): measured, 46 ms per message, 21 messages a
//! second at most, against 2 ms with the option set. lettre's transport opens its own
//! sockets without it and offers no hook, so its pool is not used.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures::io::{AsyncRead as _, AsyncWrite as _};
use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
#[allow(deprecated)] // lettre's only handle on "its TLS over a socket of one's own"
use lettre::transport::smtp::client::AsyncNetworkStream;
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, Tls, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

use super::DeliveryError;

/// A kept connection idle longer than this is asked `NOOP` before it carries a message (the
/// relay may have closed it); one idle longer than [`IDLE_LIMIT`] is closed instead. Messages
/// sent back to back skip the question.
const IDLE_CHECK: Duration = Duration::from_secs(1);
const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// The relay of `RENDEZVOUS_SMTP_URL` and the connection kept open to it.
pub struct Relay {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    hello: ClientId,
    /// For one whole delivery: connecting, greeting, TLS, authentication and the message.
    timeout: Duration,
    idle: Mutex<Option<(AsyncSmtpConnection, Instant)>>,
}

impl Relay {
    /// The relay at `url` (`smtp://user:pass@host:587?tls=required`, `smtps://…:465`, or
    /// plain `smtp://host:25`; a path names this host in EHLO), trusting `ca_file` (PEM) too
    /// when given. The same URLs and defaults as lettre's `from_url`.
    pub fn new(url: &str, ca_file: Option<&Path>, timeout: Duration) -> anyhow::Result<Self> {
        const FORM: &str = "RENDEZVOUS_SMTP_URL: smtp://[user:password@]host[:port][?tls=required|opportunistic] or smtps://…";
        let parsed = url::Url::parse(url).context(FORM)?;
        let host = parsed.host_str().context(FORM)?.to_string();
        let mode = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || -> anyhow::Result<TlsParameters> {
            let mut builder = TlsParameters::builder(host.clone());
            if let Some(ca_file) = ca_file {
                let pem = std::fs::read(ca_file).with_context(|| format!("reading {}", ca_file.display()))?;
                builder = builder.add_root_certificate(
                    Certificate::from_pem(&pem).context("RENDEZVOUS_SMTP_CA_FILE is not PEM")?,
                );
            }
            Ok(builder.build_rustls()?)
        };
        let (tls, default_port) = match (parsed.scheme(), mode.as_deref()) {
            ("smtp", None) => (Tls::None, 25),
            ("smtp", Some("required")) => (Tls::Required(params()?), 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic(params()?), 587),
            ("smtps", _) => (Tls::Wrapper(params()?), 465),
            _ => anyhow::bail!(FORM),
        };
        if ca_file.is_some() && matches!(tls, Tls::None) {
            anyhow::bail!("RENDEZVOUS_SMTP_CA_FILE needs TLS: smtps://… or smtp://…?tls=required");
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .context("RENDEZVOUS_SMTP_URL: the user or password is not UTF-8")
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(decode(parsed.username())?, decode(password)?)),
            None => None,
        };
        let name = parsed.path().trim_matches('/');
        Ok(Self {
            port: parsed.port().unwrap_or(default_port),
            host,
            tls,
            credentials,
            hello: if name.is_empty() {
                ClientId::default()
            } else {
                ClientId::Domain(name.to_string())
            },
            timeout,
            idle: Mutex::new(None),
        })
    }

    /// Hands `message` to the relay, over the kept connection when it is still good.
    pub async fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        let kept = self.idle.lock().await.take();
        let reused = kept.is_some();
        match self.send_over(kept, message).await {
            // `421`: the relay closes this channel (some close after so many messages on one
            // connection) and took nothing; a fresh connection is asked once more.
            Err(Refusal::Closing(_)) if reused => self.send_over(None, message).await,
            other => other,
        }
        .map_err(|refusal| match refusal {
            Refusal::Closing(error) => DeliveryError::Transient(error),
            Refusal::Other(error) => error,
        })
    }

    async fn send_over(
        &self,
        kept: Option<(AsyncSmtpConnection, Instant)>,
        message: &Message,
    ) -> Result<(), Refusal> {
        let delivery = async {
            let mut conn = match kept {
                Some((mut conn, since)) => {
                    let fresh = since.elapsed() < IDLE_CHECK;
                    if fresh || (since.elapsed() < IDLE_LIMIT && conn.test_connected().await) {
                        conn
                    } else {
                        conn.abort().await;
                        self.connect().await?
                    }
                }
                None => self.connect().await?,
            };
            let raw = message.formatted();
            let sent = conn.send(message.envelope(), &raw).await;
            Ok::<_, DeliveryError>((conn, sent))
        };
        let (conn, sent) = tokio::time::timeout(self.timeout, delivery)
            .await
            .map_err(|_| {
                DeliveryError::Unreachable(format!("no answer from the relay within {:?}", self.timeout))
            })
            .and_then(|done| done)
            .map_err(Refusal::Other)?;
        // lettre closes a connection on any error; only a good one is kept.
        if !conn.has_broken() {
            let mut idle = self.idle.lock().await;
            if idle.is_none() {
                *idle = Some((conn, Instant::now()));
            }
        }
        sent.map(drop).map_err(|err| {
            if err.status().is_some_and(|code| code.to_string() == "421") {
                Refusal::Closing(err.to_string())
            } else {
                Refusal::Other(classify(err))
            }
        })
    }

    /// A new connection: the socket, the greeting and EHLO, TLS as configured, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, DeliveryError> {
        let unreachable =
            |e: io::Error| DeliveryError::Unreachable(format!("{}:{}: {e}", self.host, self.port));
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(unreachable)?;
        tcp.set_nodelay(true).map_err(unreachable)?;
        let mut conn = match &self.tls {
            Tls::Wrapper(params) => {
                #[allow(deprecated)]
                let mut stream = AsyncNetworkStream::use_existing_tokio1(Box::new(tcp));
                stream.upgrade_tls(params.clone()).await.map_err(classify)?;
                AsyncSmtpConnection::connect_with_transport(Box::new(Encrypted(stream)), &self.hello).await
            }
            _ => AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await,
        }
        .map_err(classify)?;
        match &self.tls {
            Tls::Required(params) => conn.starttls(params.clone(), &self.hello).await,
            Tls::Opportunistic(params) if conn.can_starttls() => {
                conn.starttls(params.clone(), &self.hello).await
            }
            _ => Ok(()),
        }
        .map_err(classify)?;
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(classify)?;
        }
        Ok(conn)
    }
}

/// How one try on one connection failed.
enum Refusal {
    /// `421`: the relay is closing the connection; the message was not taken.
    Closing(String),
    Other(DeliveryError),
}

/// A refusal with a 4xx or 5xx reply is the message's; anything else (connection, TLS,
/// a garbled reply) is the relay's.
fn classify(err: lettre::transport::smtp::Error) -> DeliveryError {
    if err.is_permanent() {
        DeliveryError::Permanent(err.to_string())
    } else if err.is_transient() {
        DeliveryError::Transient(err.to_string())
    } else {
        DeliveryError::Unreachable(err.to_string())
    }
}

/// lettre's implicit-TLS stream over our socket, handed back to lettre as a plain stream:
/// the same bytes, seen through Tokio's I/O traits instead of the `futures` ones it offers.
#[allow(deprecated)]
#[derive(Debug)]
struct Encrypted(AsyncNetworkStream);

impl AsyncRead for Encrypted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let unfilled = buf.initialize_unfilled();
        match Pin::new(&mut self.0).poll_read(cx, unfilled) {
            Poll::Ready(Ok(n)) => {
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Encrypted {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_close(cx)
    }
}

impl AsyncTokioStream for Encrypted {
    fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.0.peer_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_port_tls_and_credentials_as_lettre_does() {
        let timeout = Duration::from_secs(5);
        let plain = Relay::new("smtp://relay.example", None, timeout).unwrap();
        assert_eq!((plain.port, matches!(plain.tls, Tls::None)), (25, true));
        assert!(plain.credentials.is_none());
        let submission = Relay::new(
            "smtp://b2b%40expo:p%3Ass@relay.example?tls=required",
            None,
            timeout,
        )
        .unwrap();
        assert_eq!(
            (submission.port, matches!(submission.tls, Tls::Required(_))),
            (587, true)
        );
        assert!(submission.credentials == Some(Credentials::new("b2b@expo".into(), "p:ss".into())));
        let implicit = Relay::new("smtps://relay.example:2465/node-1.expo.example", None, timeout).unwrap();
        assert_eq!(
            (implicit.port, matches!(implicit.tls, Tls::Wrapper(_))),
            (2465, true)
        );
        assert_eq!(implicit.hello, ClientId::Domain("node-1.expo.example".into()));
        for bad in [
            "http://relay.example",
            "smtp://relay.example?tls=sometimes",
            "smtp:relay",
        ] {
            assert!(Relay::new(bad, None, timeout).is_err(), "{bad}");
        }
    }
}
