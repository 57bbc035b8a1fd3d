//! Each transition of a meeting's life, on every backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::cancel::cancel_placed;
use super::live::{
    self, booked, drop_pending_moves, next_sequence, occupy, put_meeting, try_place, unbookable, vacate,
};
use super::{Feedback, LiveTimetable, MeetingStore, Open, Transition, conflict, feedback_from};
use crate::domain::booking::{Facts, Place};
use crate::domain::meeting::{self, LiveMeeting, MeetingEvent, Refusal};
use crate::domain::request::{self, Answered};
use crate::domain::{MeetingState, Outcome, RequestStatus, Response};
use crate::store::backend::{Backend, Param, Record, SqlStore};
use crate::store::{MeetingRequest, StoreError, StoreResult, to_json};

/// The live meeting of a request that must have one.
fn placed_of(meeting: Option<&LiveMeeting>) -> StoreResult<LiveMeeting> {
    meeting
        .cloned()
        .ok_or_else(|| StoreError::Conflict("the meeting has no slot".into()))
}

/// The request's placed meeting, if any, and whether its slot has begun.
fn placed_and_begun(
    spec: &crate::domain::EventSpec,
    request: &MeetingRequest,
    now: DateTime<Utc>,
) -> (Option<LiveMeeting>, bool) {
    let placed = request.placed().cloned();
    let begun = placed
        .as_ref()
        .and_then(|m| spec.slot(&m.slot_id))
        .is_some_and(|s| s.start.to_utc() <= now);
    (placed, begun)
}

/// Books the request's meeting at `place` under its next calendar sequence, with the
/// place's cells for everyone in it; the sequence.
async fn put_at<DB: Backend>(open: &mut Open<DB>, place: &Place, now: DateTime<Utc>) -> StoreResult<i64> {
    let sequence = next_sequence::<DB>(&mut open.tx, &open.request).await?;
    let (event, id) = (&open.event.id, &open.request.id);
    put_meeting::<DB>(&mut open.tx, event, id, &booked(place, sequence, now)).await?;
    occupy::<DB>(&mut open.tx, event, id, &open.request.participants(), place).await?;
    Ok(sequence)
}

/// The news of a meeting booked at `place`.
fn booked_news(request: &str, place: Place) -> MeetingEvent {
    MeetingEvent::Booked {
        request: request.to_owned(),
        slot: place.slot,
        room: place.room,
    }
}

impl<DB: Backend> SqlStore<DB> {
    /// Ends a withdrawal or a cancellation: the placed meeting, if any, is cancelled with
    /// `reason` and its slot offered to standby meetings; `events` and the offers' news go
    /// out with the commit.
    async fn close_cancelled(
        &self,
        mut open: Open<DB>,
        mut events: Vec<MeetingEvent>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let offers = cancel_placed(&mut open, reason, now).await?;
        let live = offers.is_some();
        events.extend(offers.into_iter().flatten());
        self.close(open, events, live).await
    }
}

#[async_trait]
impl<DB: Backend> MeetingStore for SqlStore<DB> {
    async fn live_timetable(&self, event: &str) -> StoreResult<LiveTimetable> {
        self.snapshot(event).await
    }

    async fn booking_facts(
        &self,
        event: &str,
        participants: &[String],
        exclude: Option<&str>,
    ) -> StoreResult<Facts> {
        let mut conn = self.pool.acquire().await?;
        live::facts_on::<DB>(&mut conn, event, participants, exclude).await
    }

    async fn respond(
        &self,
        event: &str,
        id: &str,
        invitee: &str,
        answer: Response,
        slot: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let answers: Vec<Answered<'_>> = open
            .request
            .invitees
            .iter()
            .map(|i| Answered {
                participant: &i.participant,
                response: i.response,
                slot: i.slot.as_deref(),
            })
            .collect();
        let r = &open.request;
        let outcome = request::answer(
            r.status,
            r.created_at,
            open.event.request_expiry_hours,
            now,
            &answers,
            invitee,
            answer,
            slot,
        )
        .map_err(conflict)?;
        drop(answers);
        let place = match &outcome.slot {
            Some(at) => match try_place::<DB>(&mut open.tx, &open.event, &open.request, at, now, None).await?
            {
                Ok(place) => Some(place),
                Err(refused) if outcome.asked => return Err(unbookable(refused)),
                // The others' slot is gone: accepted without one, the solver places it.
                Err(_) => None,
            },
            None => None,
        };
        let slot = slot.map(str::to_owned);
        sqlx::query("UPDATE request_invitees SET response = $1, slot_id = $2 WHERE request_id = $3 AND participant_id = $4")
            .param(answer.as_str())
            .param(&slot)
            .param(id)
            .param(invitee)
            .execute(DB::on(&mut open.tx))
            .await?;
        sqlx::query("UPDATE requests SET status = $1, updated_at = $2 WHERE id = $3")
            .param(outcome.status.as_str())
            .param(now)
            .param(id)
            .execute(DB::on(&mut open.tx))
            .await?;
        let mut events = Vec::new();
        if let (Some(place), true) = (place, outcome.book) {
            put_at::<DB>(&mut open, &place, now).await?;
            events.push(booked_news(id, place));
        }
        let live = !events.is_empty();
        self.close(open, events, live).await
    }

    async fn withdraw(&self, event: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let status = open.request.status;
        if !RequestStatus::WITHDRAWABLE.contains(&status) {
            return Err(StoreError::Conflict(format!(
                "the request is {}; only pending or accepted requests can be withdrawn",
                status.as_str()
            )));
        }
        meeting::may_cancel(RequestStatus::Accepted, open.request.placed()).map_err(conflict)?;
        let requester = open.request.requester.clone();
        close_request::<DB>(&mut open, RequestStatus::Withdrawn, &requester, None, now).await?;
        let reason = "withdrawn by the requester";
        let mut events = Vec::new();
        if status == RequestStatus::Accepted {
            events.push(MeetingEvent::Cancelled {
                request: id.to_owned(),
                by: requester,
                reason: reason.into(),
            });
        }
        self.close_cancelled(open, events, reason, now).await
    }

    async fn cancel(
        &self,
        event: &str,
        id: &str,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        meeting::may_cancel(open.request.status, open.request.placed()).map_err(conflict)?;
        close_request::<DB>(&mut open, RequestStatus::Cancelled, by, Some(reason), now).await?;
        let events = vec![MeetingEvent::Cancelled {
            request: id.to_owned(),
            by: by.to_owned(),
            reason: reason.to_owned(),
        }];
        self.close_cancelled(open, events, reason, now).await
    }

    async fn propose_move(
        &self,
        event: &str,
        id: &str,
        by: &str,
        slot: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        meeting::may_propose_move(open.request.status, open.request.placed()).map_err(conflict)?;
        let room = open.request.placed().map(|m| m.room_id.clone());
        if open.request.placed().is_some_and(|m| m.slot_id == slot) {
            return Err(StoreError::Conflict(format!("the meeting is at {slot} already")));
        }
        if let Err(refused) = try_place::<DB>(
            &mut open.tx,
            &open.event,
            &open.request,
            slot,
            now,
            room.as_deref(),
        )
        .await?
        {
            return Err(unbookable(refused));
        }
        sqlx::query(
            "INSERT INTO meeting_moves (request_id, slot_id, proposed_by, accepted_by, created_at) \
             VALUES ($1, $2, $3, '[]', $4) ON CONFLICT (request_id) DO UPDATE SET slot_id = excluded.slot_id, \
             proposed_by = excluded.proposed_by, accepted_by = '[]', created_at = excluded.created_at",
        )
        .param(id)
        .param(slot)
        .param(by)
        .param(now)
        .execute(DB::on(&mut open.tx))
        .await?;
        let events = vec![MeetingEvent::MoveProposed {
            request: id.to_owned(),
            slot: slot.to_owned(),
            by: by.to_owned(),
        }];
        self.close(open, events, false).await
    }

    async fn answer_move(
        &self,
        event: &str,
        id: &str,
        by: &str,
        accept: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let Some(proposal) = open.request.life.move_proposal.clone() else {
            return Err(conflict(Refusal("no move is proposed for this meeting".into())));
        };
        if !accept {
            drop_move::<DB>(&mut open, id).await?;
            return self.close(open, Vec::new(), false).await;
        }
        let everyone = open.request.participants();
        let (accepted, all) = meeting::accept_move(Some(&proposal), by, &everyone).map_err(conflict)?;
        if !all {
            sqlx::query("UPDATE meeting_moves SET accepted_by = $1 WHERE request_id = $2")
                .param(to_json(&accepted)?)
                .param(id)
                .execute(DB::on(&mut open.tx))
                .await?;
            return self.close(open, Vec::new(), false).await;
        }
        meeting::may_propose_move(open.request.status, open.request.placed()).map_err(conflict)?;
        let room = open.request.placed().map(|m| m.room_id.clone());
        let place = try_place::<DB>(
            &mut open.tx,
            &open.event,
            &open.request,
            &proposal.slot_id,
            now,
            room.as_deref(),
        )
        .await?
        .map_err(unbookable)?;
        let was_placed = open.request.placed().is_some();
        vacate::<DB>(&mut open.tx, id).await?;
        let sequence = put_at::<DB>(&mut open, &place, now).await?;
        drop_pending_moves::<DB>(&mut open.tx, id).await?;
        let (request, slot, room) = (id.to_owned(), place.slot, place.room);
        let event = if was_placed {
            MeetingEvent::Moved {
                request,
                slot,
                room,
                sequence,
            }
        } else {
            MeetingEvent::Booked { request, slot, room }
        };
        self.close(open, vec![event], true).await
    }

    async fn confirm_slot(
        &self,
        event: &str,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let everyone = open.request.participants();
        let (confirmed, all) = meeting::confirm(open.request.placed(), by, &everyone).map_err(conflict)?;
        let mut m = placed_of(open.request.placed())?;
        m.confirmed_by = confirmed;
        if all {
            m.state = MeetingState::Confirmed;
            m.updated_at = now;
        }
        put_meeting::<DB>(&mut open.tx, event, id, &m).await?;
        let events = vec![MeetingEvent::Confirmed {
            request: id.to_owned(),
            by: by.to_owned(),
            everyone: all,
        }];
        self.close(open, events, all).await
    }

    async fn refuse_slot(
        &self,
        event: &str,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let spec = open.event.spec()?;
        let (placed, begun) = placed_and_begun(&spec, &open.request, now);
        meeting::may_refuse_slot(placed.as_ref(), begun).map_err(conflict)?;
        let m = placed_of(placed.as_ref())?;
        let slots = live::need(&open.request, &open.event).slots;
        let mut refused = open.request.life.refused_slots.clone();
        for slot in spec.run_from(&m.slot_id, slots).unwrap_or_default() {
            if !refused.contains(&slot.id) {
                refused.push(slot.id.clone());
            }
        }
        sqlx::query("UPDATE requests SET refused_slots = $1, updated_at = $2 WHERE id = $3")
            .param(to_json(&refused)?)
            .param(now)
            .param(id)
            .execute(DB::on(&mut open.tx))
            .await?;
        vacate::<DB>(&mut open.tx, id).await?;
        drop_pending_moves::<DB>(&mut open.tx, id).await?;
        sqlx::query("DELETE FROM meetings WHERE request_id = $1")
            .param(id)
            .execute(DB::on(&mut open.tx))
            .await?;
        let events = vec![MeetingEvent::SlotRefused {
            request: id.to_owned(),
            by: by.to_owned(),
            slot: m.slot_id,
        }];
        self.close(open, events, true).await
    }

    async fn release(&self, event: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        meeting::may_release(open.request.placed()).map_err(conflict)?;
        let mut m = placed_of(open.request.placed())?;
        m.state = MeetingState::Scheduled;
        m.updated_at = now;
        put_meeting::<DB>(&mut open.tx, event, id, &m).await?;
        self.close(
            open,
            vec![MeetingEvent::Released {
                request: id.to_owned(),
            }],
            true,
        )
        .await
    }

    async fn take_offer(&self, event: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let Some(slot) = open.request.life.offered_slot.clone() else {
            return Err(conflict(Refusal(
                "no freed slot is offered to this meeting".into(),
            )));
        };
        if open.request.status != RequestStatus::Accepted || open.request.placed().is_some() {
            return Err(conflict(Refusal(
                "only an accepted meeting without a slot takes an offer".into(),
            )));
        }
        match try_place::<DB>(&mut open.tx, &open.event, &open.request, &slot, now, None).await? {
            Ok(place) => {
                put_at::<DB>(&mut open, &place, now).await?;
                // The first to take the freed slot has it: its other offers go.
                sqlx::query("DELETE FROM standby_offers WHERE event_id = $1 AND slot_id = $2")
                    .param(event)
                    .param(&slot)
                    .execute(DB::on(&mut open.tx))
                    .await?;
                drop_pending_moves::<DB>(&mut open.tx, id).await?;
                self.close(open, vec![booked_news(id, place)], true).await
            }
            Err(refused) => {
                // Taken meanwhile: the offer is spent; say so, with what is free instead.
                sqlx::query("DELETE FROM standby_offers WHERE request_id = $1")
                    .param(id)
                    .execute(DB::on(&mut open.tx))
                    .await?;
                self.close(open, Vec::new(), false).await?;
                Err(unbookable(refused))
            }
        }
    }

    async fn check_in(
        &self,
        event: &str,
        id: &str,
        by: Option<&str>,
        outcome: Outcome,
        absent: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Transition> {
        let mut open = self.open(event, id).await?;
        let spec = open.event.spec()?;
        let (placed, begun) = placed_and_begun(&spec, &open.request, now);
        meeting::may_check_in(placed.as_ref(), begun, by.is_none()).map_err(conflict)?;
        let mut m = placed_of(placed.as_ref())?;
        m.attendance = Some(outcome);
        m.absent = absent.to_vec();
        m.attendance_by = Some(by.unwrap_or("organiser").to_owned());
        // Attendance is not in agendas or calendars: they stay as they are (no new revision,
        // the same DTSTAMP), so check-ins at the expo never empty the agenda caches.
        put_meeting::<DB>(&mut open.tx, event, id, &m).await?;
        let events = vec![MeetingEvent::CheckedIn {
            request: id.to_owned(),
            outcome,
        }];
        self.close(open, events, false).await
    }

    async fn rate(
        &self,
        event: &str,
        id: &str,
        by: &str,
        rating: u32,
        follow_up: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Feedback> {
        let mut open = self.open(event, id).await?;
        meeting::may_rate(open.request.placed()).map_err(conflict)?;
        let row = sqlx::query(
            "INSERT INTO meeting_feedback (request_id, participant_id, rating, follow_up, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, participant_id) DO UPDATE SET \
             rating = excluded.rating, follow_up = excluded.follow_up, updated_at = excluded.updated_at \
             RETURNING *",
        )
        .param(id)
        .param(by)
        .param(i64::from(rating))
        .param(i64::from(follow_up))
        .param(now)
        .fetch_one(DB::on(&mut open.tx))
        .await?;
        let feedback = feedback_from(&row)?;
        open.tx.commit().await?;
        Ok(feedback)
    }

    async fn feedback_of(&self, event: &str, id: &str, by: &str) -> StoreResult<Option<Feedback>> {
        sqlx::query(
            "SELECT f.* FROM meeting_feedback f JOIN requests r ON r.id = f.request_id \
             WHERE r.event_id = $1 AND f.request_id = $2 AND f.participant_id = $3",
        )
        .param(event)
        .param(id)
        .param(by)
        .fetch_optional(self.db())
        .await?
        .as_ref()
        .map(feedback_from)
        .transpose()
    }

    async fn feedback(&self, event: &str) -> StoreResult<Vec<Feedback>> {
        sqlx::query(
            "SELECT f.* FROM meeting_feedback f JOIN requests r ON r.id = f.request_id WHERE r.event_id = $1 \
             ORDER BY f.request_id, f.participant_id",
        )
        .param(event)
        .fetch_all(self.db())
        .await?
        .iter()
        .map(feedback_from)
        .collect()
    }

    async fn expire_pending(&self, event: &str, now: DateTime<Utc>) -> StoreResult<Vec<String>> {
        let mut tx = self.begin_write().await?;
        let stored = live::lock_event::<DB>(&mut tx, event).await?;
        let cutoff = now - chrono::TimeDelta::hours(i64::from(stored.request_expiry_hours));
        let expired = sqlx::query(
            "UPDATE requests SET status = 'expired', updated_at = $1 \
             WHERE event_id = $2 AND status = 'pending' AND created_at <= $3 RETURNING id",
        )
        .param(now)
        .param(event)
        .param(cutoff)
        .fetch_all(DB::on(&mut tx))
        .await?
        .iter()
        .map(|row| row.read::<String>("id"))
        .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        Ok(expired)
    }
}

/// Marks the request closed (`status`) by `by`, with the reason, and drops its pending move
/// and offer.
async fn close_request<DB: Backend>(
    open: &mut Open<DB>,
    status: RequestStatus,
    by: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let reason = reason.map(str::to_owned);
    sqlx::query(
        "UPDATE requests SET status = $1, closed_by = $2, close_reason = $3, updated_at = $4 WHERE id = $5",
    )
    .param(status.as_str())
    .param(by)
    .param(&reason)
    .param(now)
    .param(&open.request.id)
    .execute(DB::on(&mut open.tx))
    .await?;
    drop_pending_moves::<DB>(&mut open.tx, &open.request.id).await
}

async fn drop_move<DB: Backend>(open: &mut Open<DB>, id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM meeting_moves WHERE request_id = $1")
        .param(id)
        .execute(DB::on(&mut open.tx))
        .await?;
    Ok(())
}
