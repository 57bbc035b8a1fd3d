//! Ending a placed meeting: its cells freed, a tombstone with the reason, and the freed slot
//! offered to accepted meetings that have none (standby).

use chrono::{DateTime, Utc};

use super::Open;
use super::live::{self, facts_on, need, vacate};
use crate::domain::MeetingState;
use crate::domain::booking;
use crate::domain::meeting::MeetingEvent;
use crate::store::StoreResult;
use crate::store::backend::{Backend, Param, Record};
use crate::store::requests::request_on;

/// How many standby meetings a freed slot is offered to; the first to take it books it.
pub const STANDBY_OFFERS: usize = 3;
/// How many candidates a cancellation looks at, best first.
const STANDBY_CANDIDATES: i64 = 20;

/// Cancels the placed meeting of `open.request`, if any: frees its cells, keeps it listed as
/// cancelled with `reason` (SEQUENCE raised, so calendars drop it), and offers its slot to
/// standby meetings. Returns the offers made; `None` when the meeting had no place.
pub(super) async fn cancel_placed<DB: Backend>(
    open: &mut Open<DB>,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Vec<MeetingEvent>>> {
    let Some(placed) = open.request.placed().cloned() else {
        return Ok(None);
    };
    let request = open.request.id.clone();
    vacate::<DB>(&mut open.tx, &request).await?;
    let tombstone = crate::domain::meeting::LiveMeeting {
        state: MeetingState::Cancelled,
        sequence: placed.sequence + 1,
        reason: Some(reason.to_owned()),
        updated_at: now,
        ..placed.clone()
    };
    live::put_meeting::<DB>(&mut open.tx, &open.event.id, &request, &tombstone).await?;
    Ok(Some(offer_freed_slot(open, &placed.slot_id, now).await?))
}

/// Offers `slot` to the best accepted meetings without a place (highest priority, then
/// oldest) whose participants are all free to start there now.
async fn offer_freed_slot<DB: Backend>(
    open: &mut Open<DB>,
    slot: &str,
    now: DateTime<Utc>,
) -> StoreResult<Vec<MeetingEvent>> {
    let event = open.event.clone();
    let spec = event.spec()?;
    // Candidates whose participants are not busy in the freed slot; each is then checked
    // whole (its length, room, availability, quota).
    let candidates: Vec<String> = sqlx::query(
        "SELECT r.id FROM requests r \
         LEFT JOIN meetings m ON m.request_id = r.id \
         LEFT JOIN standby_offers o ON o.request_id = r.id \
         WHERE r.event_id = $1 AND r.status = 'accepted' AND m.request_id IS NULL AND o.request_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM meeting_participant_cells c WHERE c.event_id = r.event_id \
             AND c.slot_id = $2 AND (c.participant_id = r.requester_id OR c.participant_id IN \
             (SELECT i.participant_id FROM request_invitees i WHERE i.request_id = r.id))) \
         ORDER BY r.priority DESC, r.created_at, r.id LIMIT $3",
    )
    .param(&event.id)
    .param(slot)
    .param(STANDBY_CANDIDATES)
    .fetch_all(DB::on(&mut open.tx))
    .await?
    .iter()
    .map(|row| row.read("id"))
    .collect::<Result<_, _>>()?;
    let mut offers = Vec::new();
    for id in candidates {
        if offers.len() == STANDBY_OFFERS {
            break;
        }
        let candidate = request_on::<DB>(&mut open.tx, &event.id, &id).await?;
        let facts = facts_on::<DB>(&mut open.tx, &event.id, &candidate.participants(), Some(&id)).await?;
        if booking::place(&spec, &facts, need(&candidate, &event), slot, now, None).is_err() {
            continue;
        }
        sqlx::query(
            "INSERT INTO standby_offers (request_id, event_id, slot_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .param(&id)
        .param(&event.id)
        .param(slot)
        .param(now)
        .execute(DB::on(&mut open.tx))
        .await?;
        offers.push(MeetingEvent::Offered {
            request: id,
            slot: slot.to_owned(),
        });
    }
    Ok(offers)
}
