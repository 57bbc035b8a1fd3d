//! The sender every `serve` and `worker` node runs: claim due messages under a lease, write
//! and deliver each at the deployment's pace, settle it.
//!
//! - Sent: marked with where it went. A crash between the delivery and the mark leaves the
//!   row leased; once the lease expires another sender delivers it again with the same
//!   `Message-ID`, which the receiving side recognises.
//! - Refused for now (4xx): retried after an exponential backoff with jitter; after
//!   `max_attempts` failed attempts, or at once when refused for good (5xx), marked failed.
//! - Relay unreachable: the message and the rest of the batch go back to the queue without
//!   counting an attempt (the relay is at fault, not the messages), and this sender waits,
//!   its own backoff doubling while the relay stays away.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng as _;
use tokio::sync::watch;

use super::compose::compose;
use super::prepare::{Prepared, prepare};
use super::{DeliveryError, Mailer};
use crate::cluster::{RateDecision, RateLimit};
use crate::store::{ClaimedMessage, Settle, StoreResult};

/// The delay before retry number `attempt` (1 for the first retry): `base · 2^(attempt-1)`,
/// at most `cap`, then a random part of it taken off (between none and half), so that
/// messages that failed together do not come back together.
pub fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let doubled = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let full = doubled.min(cap);
    let jitter = rand::rng().random_range(0.0..=0.5);
    full.mul_f64(1.0 - jitter)
}

/// How one message ended, for the batch.
enum Outcome {
    Settled,
    /// The relay is unreachable: stop this batch.
    Unreachable,
}

/// Runs until `shutdown` says true.
pub async fn run(mailer: Mailer, mut shutdown: watch::Receiver<bool>) {
    let settings = mailer.settings.clone();
    let mut outage: u32 = 0;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let pause = match send_due(&mailer, &shutdown).await {
            Ok(Some(Outcome::Unreachable)) => {
                outage += 1;
                backoff(outage, settings.retry_base, settings.retry_cap)
            }
            Ok(Some(Outcome::Settled)) => {
                outage = 0;
                Duration::ZERO
            }
            Ok(None) => settings.poll,
            Err(err) => {
                tracing::warn!(error = %err, "mail sender: the outbox could not be read; trying again");
                settings.poll.max(Duration::from_secs(1))
            }
        };
        if !pause.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// Claims one batch of due messages and works through it; `None` when nothing was due.
async fn send_due(mailer: &Mailer, shutdown: &watch::Receiver<bool>) -> StoreResult<Option<Outcome>> {
    let settings = &mailer.settings;
    let now = Utc::now();
    // A read first: an idle sender does not take the database's write lock every poll.
    if !mailer.store.any_due(now).await? {
        return Ok(None);
    }
    let claim = mailer
        .store
        .claim_messages(now, settings.lease, settings.batch)
        .await?;
    if claim.messages.is_empty() {
        return Ok(None);
    }
    let mut messages = claim.messages.iter();
    let mut outcome = Outcome::Settled;
    for claimed in messages.by_ref() {
        if *shutdown.borrow() {
            mailer
                .store
                .settle_message(&claimed.message.id, &claim.lease, &Settle::Released)
                .await?;
            break;
        }
        pace(mailer).await;
        if let Outcome::Unreachable = send_one(mailer, claimed, &claim.lease).await? {
            outcome = Outcome::Unreachable;
            break;
        }
    }
    // Whatever this batch did not attempt goes back as it was.
    for rest in messages {
        mailer
            .store
            .settle_message(&rest.message.id, &claim.lease, &Settle::Released)
            .await?;
    }
    Ok(Some(outcome))
}

/// Waits for the deployment's pace to allow one more message. Only a relay is paced: a
/// folder takes files as fast as they come.
async fn pace(mailer: &Mailer) {
    if !matches!(mailer.transport.as_ref(), super::Transport::Smtp(_)) {
        return;
    }
    let limit = RateLimit::new(mailer.settings.per_second.max(1), Duration::from_secs(1));
    while let RateDecision::Denied { retry_after } = mailer.limiter.check("mail", "send", limit).await {
        tokio::time::sleep(retry_after).await;
    }
}

/// Writes, delivers and settles one message.
async fn send_one(mailer: &Mailer, claimed: &ClaimedMessage, lease: &str) -> StoreResult<Outcome> {
    let message = &claimed.message;
    let settle = |outcome: Settle| async move {
        let held = mailer.store.settle_message(&message.id, lease, &outcome).await?;
        if !held {
            tracing::warn!(
                message = message.id,
                "mail sender: the lease ran out before the message was settled"
            );
        }
        StoreResult::Ok(())
    };
    let prepared = match prepare(mailer, claimed, Utc::now()).await {
        Ok(prepared) => prepared,
        Err(err) => {
            // The data the message is about cannot be read as it should: retrying may help
            // (a database hiccup), and it ends failed and listed if it does not.
            tracing::warn!(message = message.id, error = %err, "mail sender: could not write a message");
            settle(failure(
                mailer,
                claimed,
                format!("could not write the message: {err}"),
                false,
            ))
            .await?;
            return Ok(Outcome::Settled);
        }
    };
    let (outgoing, to, token_hash) = match prepared {
        Prepared::Send {
            outgoing,
            to,
            token_hash,
        } => (outgoing, to, token_hash),
        Prepared::Skip(reason) => {
            metrics::counter!("mail_messages_total", "outcome" => "skipped").increment(1);
            settle(Settle::Skipped { reason }).await?;
            return Ok(Outcome::Settled);
        }
        Prepared::Defer(reason) => {
            settle(Settle::Deferred { error: reason }).await?;
            return Ok(Outcome::Settled);
        }
    };
    let subject = outgoing.letter.subject.clone();
    let email = match compose(&outgoing, &mailer.from, to, &message.id, message.created_at) {
        Ok(email) => email,
        Err(err) => {
            settle(failure(
                mailer,
                claimed,
                format!("could not build the message: {err}"),
                true,
            ))
            .await?;
            return Ok(Outcome::Settled);
        }
    };
    match mailer.transport.deliver(email, &message.id).await {
        Ok(delivery) => {
            if let Some(hash) = token_hash {
                // Delivered: the link it carries becomes the participant's token. A retry
                // carries the same link, so doing this again changes nothing.
                mailer
                    .store
                    .replace_token(&message.event_id, &message.recipient_id, &hash)
                    .await?;
                crate::cluster::TokenChanged {
                    event: message.event_id.clone(),
                    participant: message.recipient_id.clone(),
                }
                .announce(mailer.bus.as_ref())
                .await;
            }
            metrics::counter!("mail_messages_total", "outcome" => "sent").increment(1);
            settle(Settle::Sent { subject, delivery }).await?;
            Ok(Outcome::Settled)
        }
        Err(DeliveryError::Unreachable(error)) => {
            tracing::warn!(
                error,
                "mail sender: the relay is unreachable; waiting before the next try"
            );
            metrics::counter!("mail_relay_unreachable_total").increment(1);
            settle(Settle::Deferred { error }).await?;
            Ok(Outcome::Unreachable)
        }
        Err(DeliveryError::Transient(error)) => {
            settle(failure(mailer, claimed, error, false)).await?;
            Ok(Outcome::Settled)
        }
        Err(DeliveryError::Permanent(error)) => {
            settle(failure(mailer, claimed, error, true)).await?;
            Ok(Outcome::Settled)
        }
    }
}

/// A failed attempt: retried after the backoff, or failed for good.
fn failure(mailer: &Mailer, claimed: &ClaimedMessage, error: String, permanent: bool) -> Settle {
    let settings = &mailer.settings;
    let attempt = claimed.message.attempts + 1;
    let retry_at: Option<DateTime<Utc>> = (!permanent && attempt < settings.max_attempts).then(|| {
        let delay = backoff(attempt, settings.retry_base, settings.retry_cap);
        Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
    });
    let outcome = if retry_at.is_some() { "retried" } else { "failed" };
    metrics::counter!("mail_messages_total", "outcome" => outcome).increment(1);
    Settle::Failed { error, retry_at }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_at_most_half_taken_off() {
        let base = Duration::from_secs(10);
        let cap = Duration::from_secs(100);
        for (attempt, full) in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (30, 100)] {
            for _ in 0..50 {
                let delay = backoff(attempt, base, cap);
                let full = Duration::from_secs(full);
                assert!(delay <= full && delay >= full / 2, "attempt {attempt}: {delay:?}");
            }
        }
    }
}
