//! Pub/sub for live progress and "new timetable version" announcements, reaching subscribers
//! on every node.
//!
//! Delivery is at most once: a subscriber that connects late, lags far behind or sits on a
//! node whose Redis connection dropped misses messages. Both uses tolerate that: progress is
//! re-sent every few seconds, and an announcement carries the version, which clients can
//! also read from the API. SSE handlers should send the current state first, then follow
//! the stream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use redis::aio::PubSubSink;
use tokio::sync::{broadcast, watch};

use super::ClusterError;
use super::redis_conn::{RedisConn, within};
use super::throttle::LogThrottle;

/// Channel names, the same on both implementations.
pub mod channels {
    /// Progress of one schedule run (incumbent, bound, gap, elapsed).
    pub fn progress(event_id: &str, run_id: &str) -> String {
        format!("progress:{event_id}:{run_id}")
    }

    /// Announcements of newly published timetable versions of an event.
    pub fn updates(event_id: &str) -> String {
        format!("updates:{event_id}")
    }

    /// Participants whose sign-in token changed: every node forgets the old one.
    pub const TOKENS: &str = "tokens";
}

/// What a node announces on [`channels::TOKENS`] when a participant's sign-in token
/// changes (a rotation, a delivered invitation): every node forgets the old one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenChanged {
    pub event: String,
    pub participant: String,
}

impl TokenChanged {
    /// Announces it; a failure is logged only, as nodes re-read remembered tokens anyway.
    pub async fn announce(&self, bus: &dyn Bus) {
        let payload = serde_json::to_string(self).unwrap_or_default();
        if let Err(err) = bus.publish(channels::TOKENS, &payload).await {
            tracing::warn!(error = %err, "a token change not announced: other nodes re-read it later");
        }
    }
}

/// One message as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusMessage {
    /// The channel it was published on (without the deployment's key prefix).
    pub channel: String,
    /// The payload as published (JSON by convention).
    pub payload: String,
}

/// Messages buffered per channel and node before a slow subscriber starts missing some.
const CHANNEL_CAPACITY: usize = 256;

/// Publish/subscribe. Object-safe: use it as `Arc<dyn Bus>`.
#[async_trait]
pub trait Bus: Send + Sync {
    /// Sends `payload` to every current subscriber of `channel`, on every node.
    async fn publish(&self, channel: &str, payload: &str) -> Result<(), ClusterError>;

    /// Messages published on `channel` from now on. When this returns, the subscription is
    /// active: a message published afterwards (from any node) is delivered. The stream ends
    /// when the bus is [closed](Bus::close).
    async fn subscribe(&self, channel: &str) -> Result<BoxStream<'static, BusMessage>, ClusterError>;

    /// Ends every subscription stream on this node (graceful shutdown) and refuses new ones.
    async fn close(&self);
}

/// A stream over a broadcast receiver that skips (and logs) what a lagging reader missed.
fn receiver_stream(receiver: broadcast::Receiver<BusMessage>) -> BoxStream<'static, BusMessage> {
    futures::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(message) => return Some((message, receiver)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "bus subscriber lagged behind; skipping messages");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

/// Pub/sub over Redis. Each node keeps one dedicated subscriber connection, shared by all of
/// its local subscribers (fanned out with `tokio::sync::broadcast`); a background task
/// reconnects it when it drops and subscribes again to every channel still listened to.
pub struct RedisBus {
    inner: Arc<BusInner>,
}

struct BusInner {
    conn: RedisConn,
    state: tokio::sync::Mutex<BusState>,
    /// Raised each time the subscriber connection is (re)established.
    connected: watch::Sender<u64>,
    /// Set to `true` on close; the listener task stops.
    closing: watch::Sender<bool>,
    throttle: LogThrottle,
}

#[derive(Default)]
struct BusState {
    /// Local fan-out per Redis channel name.
    senders: HashMap<String, broadcast::Sender<BusMessage>>,
    /// Sends SUBSCRIBE/UNSUBSCRIBE on the live subscriber connection, if there is one.
    sink: Option<PubSubSink>,
    closed: bool,
}

impl BusState {
    /// Forgets channels nobody listens to any more, returning them for UNSUBSCRIBE.
    fn sweep(&mut self) -> Vec<String> {
        let unused: Vec<String> = self
            .senders
            .iter()
            .filter(|(_, sender)| sender.receiver_count() == 0)
            .map(|(channel, _)| channel.clone())
            .collect();
        for channel in &unused {
            self.senders.remove(channel);
        }
        unused
    }
}

/// How often the listener checks that its connection is still alive.
const PING_INTERVAL: Duration = Duration::from_secs(5);

impl RedisBus {
    /// Starts the listener task: must be called inside a Tokio runtime.
    pub(crate) fn new(conn: RedisConn) -> Self {
        let (connected, _) = watch::channel(0);
        let (closing, closing_rx) = watch::channel(false);
        let inner = Arc::new(BusInner {
            conn,
            state: tokio::sync::Mutex::new(BusState::default()),
            connected,
            closing,
            throttle: LogThrottle::default(),
        });
        tokio::spawn(listen(Arc::downgrade(&inner), closing_rx));
        Self { inner }
    }

    fn redis_channel(&self, channel: &str) -> String {
        self.inner.conn.key(format_args!("bus:{channel}"))
    }
}

/// Keeps a subscriber connection open and dispatches what arrives on it.
async fn listen(inner: std::sync::Weak<BusInner>, mut closing: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(50);
    loop {
        if *closing.borrow() {
            return;
        }
        let Some(bus) = inner.upgrade() else { return };
        let prefix = bus.conn.key("bus:");
        let connected = connect_subscriber(&bus).await;
        let mut stream = match connected {
            Ok(stream) => {
                backoff = Duration::from_millis(50);
                stream
            }
            Err(error) => {
                if let Some(suppressed) = bus.throttle.admit() {
                    tracing::warn!(%error, suppressed, "redis pub/sub connection failed; retrying");
                }
                drop(bus);
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = closing.changed() => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        drop(bus);
        let mut ping = tokio::time::interval(PING_INTERVAL);
        ping.tick().await;
        loop {
            tokio::select! {
                message = stream.next() => {
                    let Some(message) = message else { break };
                    let Some(bus) = inner.upgrade() else { return };
                    dispatch(&bus, &prefix, &message).await;
                }
                _ = ping.tick() => {
                    let Some(bus) = inner.upgrade() else { return };
                    if !ping_subscriber(&bus).await {
                        break;
                    }
                }
                _ = closing.changed() => return,
            }
        }
        let Some(bus) = inner.upgrade() else { return };
        bus.state.lock().await.sink = None;
        if let Some(suppressed) = bus.throttle.admit() {
            tracing::warn!(suppressed, "redis pub/sub connection lost; reconnecting");
        }
    }
}

/// Opens the subscriber connection and subscribes to every channel in use.
async fn connect_subscriber(bus: &BusInner) -> Result<redis::aio::PubSubStream, ClusterError> {
    let pubsub = within(bus.conn.connect_timeout(), bus.conn.client().get_async_pubsub()).await?;
    let (mut sink, stream) = pubsub.split();
    let mut state = bus.state.lock().await;
    state.sweep();
    let channels: Vec<String> = state.senders.keys().cloned().collect();
    if !channels.is_empty() {
        within(bus.conn.command_timeout, sink.subscribe(&channels)).await?;
    }
    state.sink = Some(sink);
    drop(state);
    bus.connected.send_modify(|generation| *generation += 1);
    Ok(stream)
}

async fn ping_subscriber(bus: &BusInner) -> bool {
    let Some(mut sink) = bus.state.lock().await.sink.clone() else {
        return false;
    };
    within(bus.conn.command_timeout, sink.ping::<String>())
        .await
        .is_ok()
}

async fn dispatch(bus: &BusInner, prefix: &str, message: &redis::Msg) {
    let redis_channel = message.get_channel_name();
    let Ok(payload) = message.get_payload::<String>() else {
        tracing::debug!(channel = redis_channel, "ignoring a non-UTF-8 bus message");
        return;
    };
    let channel = redis_channel
        .strip_prefix(prefix)
        .unwrap_or(redis_channel)
        .to_owned();
    let mut state = bus.state.lock().await;
    let Some(sender) = state.senders.get(redis_channel) else {
        return;
    };
    if sender.send(BusMessage { channel, payload }).is_err() {
        // Nobody listens any more.
        state.senders.remove(redis_channel);
        if let Some(sink) = state.sink.as_mut() {
            let _ = within(bus.conn.command_timeout, sink.unsubscribe(redis_channel)).await;
        }
    }
}

#[async_trait]
impl Bus for RedisBus {
    async fn publish(&self, channel: &str, payload: &str) -> Result<(), ClusterError> {
        let mut manager = self.inner.conn.manager();
        let command = redis::cmd("PUBLISH")
            .arg(self.redis_channel(channel))
            .arg(payload)
            .to_owned();
        self.inner
            .conn
            .run(command.query_async::<i64>(&mut manager))
            .await
            .map(drop)
    }

    async fn subscribe(&self, channel: &str) -> Result<BoxStream<'static, BusMessage>, ClusterError> {
        let redis_channel = self.redis_channel(channel);
        let deadline = tokio::time::Instant::now() + self.inner.conn.connect_timeout();
        let mut connected = self.inner.connected.subscribe();
        loop {
            let mut state = self.inner.state.lock().await;
            if state.closed {
                return Err(ClusterError::Closed);
            }
            let unused = state.sweep();
            if let Some(sender) = state.senders.get(&redis_channel) {
                return Ok(receiver_stream(sender.subscribe()));
            }
            if let Some(sink) = state.sink.as_mut() {
                if !unused.is_empty() {
                    let _ = within(self.inner.conn.command_timeout, sink.unsubscribe(&unused)).await;
                }
                within(self.inner.conn.command_timeout, sink.subscribe(&redis_channel)).await?;
                let (sender, receiver) = broadcast::channel(CHANNEL_CAPACITY);
                state.senders.insert(redis_channel, sender);
                return Ok(receiver_stream(receiver));
            }
            drop(state);
            // Not connected (yet): wait for the listener, briefly.
            match tokio::time::timeout_at(deadline, connected.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Err(ClusterError::Closed),
                Err(_) => return Err(ClusterError::Unavailable),
            }
        }
    }

    async fn close(&self) {
        let mut state = self.inner.state.lock().await;
        state.closed = true;
        state.senders.clear();
        state.sink = None;
        drop(state);
        self.inner.closing.send_replace(true);
    }
}

// ---------------------------------------------------------------------------------------------
// In-process
// ---------------------------------------------------------------------------------------------

/// Pub/sub within this process, for one node.
#[derive(Default)]
pub struct InProcessBus {
    state: Mutex<InProcessBusState>,
}

#[derive(Default)]
struct InProcessBusState {
    senders: HashMap<String, broadcast::Sender<BusMessage>>,
    closed: bool,
}

#[async_trait]
impl Bus for InProcessBus {
    async fn publish(&self, channel: &str, payload: &str) -> Result<(), ClusterError> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.closed {
            return Err(ClusterError::Closed);
        }
        if let Some(sender) = state.senders.get(channel) {
            let message = BusMessage {
                channel: channel.to_owned(),
                payload: payload.to_owned(),
            };
            if sender.send(message).is_err() {
                state.senders.remove(channel);
            }
        }
        Ok(())
    }

    async fn subscribe(&self, channel: &str) -> Result<BoxStream<'static, BusMessage>, ClusterError> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.closed {
            return Err(ClusterError::Closed);
        }
        state.senders.retain(|_, sender| sender.receiver_count() > 0);
        let sender = state
            .senders
            .entry(channel.to_owned())
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0);
        Ok(receiver_stream(sender.subscribe()))
    }

    async fn close(&self) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.closed = true;
        state.senders.clear();
    }
}
