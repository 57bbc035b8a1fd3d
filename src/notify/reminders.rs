//! Reminders: every node looks, every `reminder_scan`, for meetings of a published
//! timetable that start within their event's `reminder_minutes`, and queues one reminder per
//! participant. The outbox's dedupe key (meeting, participant, start) makes the reminder
//! queued once whichever nodes find it; a meeting that moves gets one for its new time, and
//! the sender skips one whose meeting no longer starts then.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::Mailer;
use crate::domain::MeetingState;
use crate::domain::notice;

/// Runs until `shutdown` says true.
pub async fn run(mailer: Mailer, mut shutdown: watch::Receiver<bool>) {
    // Reminders this node already queued, so that each scan writes only new ones.
    let mut queued: HashSet<(String, DateTime<Utc>)> = HashSet::new();
    loop {
        if *shutdown.borrow() {
            return;
        }
        let now = Utc::now();
        queued.retain(|(_, start)| *start > now);
        if let Err(err) = scan(&mailer, now, &mut queued).await {
            tracing::warn!(error = %err, "reminders: the scan failed; trying again");
        }
        tokio::select! {
            _ = tokio::time::sleep(mailer.settings.reminder_scan) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Queues the reminders due at `now` that this node has not queued yet; returns how many
/// rows the outbox took (none for those another node queued first).
pub async fn scan(
    mailer: &Mailer,
    now: DateTime<Utc>,
    queued: &mut HashSet<(String, DateTime<Utc>)>,
) -> anyhow::Result<u64> {
    let mut taken = 0;
    for event in mailer.store.events().await? {
        if event.reminder_minutes == 0 {
            continue;
        }
        let horizon = now + chrono::Duration::minutes(i64::from(event.reminder_minutes));
        let published = mailer.timetables.get(&mailer.store, &event.id).await?;
        let mut notices = Vec::new();
        for meeting in published
            .meetings
            .iter()
            .filter(|m| m.start > now && m.start <= horizon && m.view.state != MeetingState::Cancelled)
        {
            let key = (meeting.view.request.clone(), meeting.start);
            if queued.contains(&key) {
                continue;
            }
            let start = meeting.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            notices.extend(
                meeting
                    .view
                    .participants
                    .iter()
                    .map(|p| notice::reminder(&event.id, &meeting.view.request, &p.id, &start)),
            );
            queued.insert(key);
        }
        if !notices.is_empty() {
            taken += mailer.store.enqueue(&notices).await?;
        }
    }
    Ok(taken)
}
