//! Loading a generated expo straight into a store, as the API would have written it: what
//! the agenda and recommendations benchmarks measure against.

use chrono::Utc;
use rendezvous::domain::matchmaking::{BoostRule, BoostTarget};
use rendezvous::domain::{DaySpec, RequestStatus, Response};
use rendezvous::sample::{self, Expo};
use rendezvous::store::{self, Event, Invitee, MeetingRequest, Participant, Room};

/// Writes the sample into the store as the API would have; returns the event id and each
/// participant's id and bearer token.
pub async fn load(store: &dyn store::Store, expo: &Expo) -> anyhow::Result<(String, Vec<(String, String)>)> {
    let event = rendezvous::http::new_id("evt");
    let days = expo
        .days
        .iter()
        .map(|d| DaySpec {
            date: d.date.format("%Y-%m-%d").to_string(),
            sessions: d
                .sessions
                .iter()
                .map(|(a, b)| [a.format("%H:%M").to_string(), b.format("%H:%M").to_string()])
                .collect(),
        })
        .collect();
    store
        .create_event(&Event {
            id: event.clone(),
            name: expo.name.clone(),
            timezone: expo.timezone.clone(),
            slot_minutes: expo.slot_minutes,
            days,
            timetable_version: None,
            created_at: Utc::now(),
        })
        .await?;
    for room in &expo.rooms {
        store
            .create_room(&Room {
                id: room.id.clone(),
                event_id: event.clone(),
                name: room.name.clone(),
                capacity: room.capacity,
                features: room.features.clone(),
                unavailable: room.unavailable.clone(),
            })
            .await?;
    }
    let tokens: Vec<(String, String)> = expo
        .participants
        .iter()
        .map(|p| (p.id.clone(), rendezvous::http::auth::new_participant_token()))
        .collect();
    let participants: Vec<(Participant, String)> = expo
        .participants
        .iter()
        .zip(&tokens)
        .map(|(p, (_, token))| {
            let participant = Participant {
                id: p.id.clone(),
                event_id: event.clone(),
                name: p.name.clone(),
                kind: p.kind,
                organization: Some(p.organization.clone()),
                city: Some(p.city.clone()),
                country: Some(p.country.clone()),
                size: p.size,
                languages: p.languages.clone(),
                topics: p.topics.clone(),
                offers: p.offers.clone(),
                seeks: p.seeks.clone(),
                max_meetings: p.max_meetings,
                unavailable: p.unavailable.clone(),
            };
            (participant, rendezvous::http::auth::hash_token(token))
        })
        .collect();
    for chunk in participants.chunks(2_000) {
        store.create_participants(chunk).await?;
    }
    let now = Utc::now();
    let requests: Vec<MeetingRequest> = expo
        .requests
        .iter()
        .map(|r| {
            let (status, answer) = match r.status {
                sample::RequestStatus::Pending => (RequestStatus::Pending, Response::Pending),
                sample::RequestStatus::Accepted => (RequestStatus::Accepted, Response::Accepted),
                sample::RequestStatus::Declined => (RequestStatus::Declined, Response::Declined),
                sample::RequestStatus::Withdrawn => (RequestStatus::Withdrawn, Response::Pending),
            };
            MeetingRequest {
                id: format!("{event}-{}", r.id),
                event_id: event.clone(),
                requester: r.requester.clone(),
                invitees: r
                    .with
                    .iter()
                    .map(|w| Invitee {
                        participant: w.clone(),
                        response: answer,
                    })
                    .collect(),
                duration_minutes: r.duration_minutes,
                priority: u32::from(r.priority),
                message: r.message.clone(),
                features: r.features.clone(),
                status,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    for chunk in requests.chunks(5_000) {
        store.create_requests(chunk).await?;
    }
    // The guest of honour and the ASEAN delegations, as the organisers would set them.
    let mut boosts = vec![BoostRule {
        target: BoostTarget::City("Bangkok".into()),
        factor: 1.5,
    }];
    boosts.extend(["TH", "VN", "ID", "MY", "PH", "SG"].map(|c| BoostRule {
        target: BoostTarget::Country(c.into()),
        factor: 1.2,
    }));
    store.set_boosts(&event, &boosts).await?;
    Ok((event, tokens))
}
