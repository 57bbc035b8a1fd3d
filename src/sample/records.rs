//! The expo as the service's records (event, rooms, participants, requests), and its
//! `rendezvous-problem/1` document built from them by the service's own problem builder.

use chrono::{DateTime, Utc};
use rendezvous_solver::ProblemDoc;

use crate::domain::{RequestStatus as Status, Response};
use crate::store::{Event, Invitee, MeetingRequest, Participant, Room};

use super::calendar::day_specs;
use super::expo::{Expo, RequestStatus};
use super::spec::SpecError;

impl Expo {
    /// The event record, as `POST /events` would have stored it.
    pub fn event_record(&self, id: &str, created_at: DateTime<Utc>) -> Event {
        Event {
            id: id.to_string(),
            name: self.name.clone(),
            timezone: self.timezone.clone(),
            slot_minutes: self.slot_minutes,
            days: day_specs(&self.days),
            timetable_version: None,
            meetings_revision: 0,
            request_expiry_hours: crate::domain::request::DEFAULT_EXPIRY_HOURS,
            created_at,
            reminder_minutes: 15,
            max_wait_spread: None,
        }
    }

    /// The rooms under their sample ids.
    pub fn room_records(&self, event: &str) -> Vec<Room> {
        self.rooms
            .iter()
            .map(|room| Room {
                id: room.id.clone(),
                event_id: event.to_string(),
                name: room.name.clone(),
                capacity: room.capacity,
                features: room.features.clone(),
                unavailable: room.unavailable.clone(),
            })
            .collect()
    }

    /// The participants under their sample ids, with their whole profiles.
    pub fn participant_records(&self, event: &str) -> Vec<Participant> {
        self.participants
            .iter()
            .map(|p| Participant::new(p.id.clone(), event, p.profile.clone()))
            .collect()
    }

    /// The requests under their sample ids; every invitee has answered as the request's
    /// status says (a withdrawn request was never answered).
    pub fn request_records(&self, event: &str, at: DateTime<Utc>) -> Vec<MeetingRequest> {
        self.requests
            .iter()
            .map(|r| {
                let (status, answer) = match r.status {
                    RequestStatus::Pending => (Status::Pending, Response::Pending),
                    RequestStatus::Accepted => (Status::Accepted, Response::Accepted),
                    RequestStatus::Declined => (Status::Declined, Response::Declined),
                    RequestStatus::Withdrawn => (Status::Withdrawn, Response::Pending),
                };
                MeetingRequest {
                    id: r.id.clone(),
                    event_id: event.to_string(),
                    requester: r.requester.clone(),
                    invitees: r
                        .with
                        .iter()
                        .map(|w| Invitee {
                            participant: w.clone(),
                            response: answer,
                            slot: None,
                        })
                        .collect(),
                    duration_minutes: r.duration_minutes,
                    priority: u32::from(r.priority),
                    message: r.message.clone(),
                    features: r.features.clone(),
                    status,
                    created_at: at,
                    updated_at: at,
                    life: Default::default(),
                }
            })
            .collect()
    }

    /// The `rendezvous-problem/1` document the service would build for this programme
    /// loaded as it is ([`crate::jobs::build_problem_doc`]): every accepted request is a
    /// meeting under its sample id, nothing is published yet. Fails only for days that are
    /// not a valid event (never those of [`Expo::generate`]).
    pub fn to_problem_doc(&self) -> Result<ProblemDoc, SpecError> {
        const EVENT: &str = "sample";
        let at = DateTime::UNIX_EPOCH;
        let event = self.event_record(EVENT, at);
        let spec = event
            .spec()
            .map_err(|err| SpecError::new("days", err.to_string()))?;
        Ok(crate::jobs::build_problem_doc(
            &event,
            &spec,
            self.room_records(EVENT),
            self.participant_records(EVENT),
            self.request_records(EVENT, at),
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::request::weight;
    use crate::sample::{Expo, SampleSpec};

    #[test]
    fn weights_follow_priority_and_duration() {
        let expo = Expo::generate(&SampleSpec::preset("tiny").unwrap()).unwrap();
        let doc = expo.to_problem_doc().unwrap();
        for (meeting, request) in doc.meetings.iter().zip(expo.accepted()) {
            assert_eq!(meeting.id, request.id);
            assert_eq!(
                meeting.weight,
                weight(u32::from(request.priority), request.duration_minutes / 20)
            );
            assert_eq!(meeting.participants[0], request.requester);
        }
    }
}
