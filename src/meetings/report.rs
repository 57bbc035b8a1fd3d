//! The organiser's report on the meetings: where they stand, what check-in found, the
//! ratings as averages (a single rating is never shown), each participant's counts.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::{MeetingState, Outcome, RequestStatus};
use crate::requests::RequestError;
use crate::store::Store;

/// One participant's meetings.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ParticipantReport {
    pub participant: String,
    pub name: String,
    /// Its meetings that were held.
    pub held: u32,
    /// Meetings it did not come to.
    pub no_show: u32,
    /// Its meetings that were cancelled (by anyone).
    pub cancelled: u32,
    /// Ratings the other participants gave its meetings.
    pub ratings: u32,
    /// Their average, when there is one.
    pub rating_average: Option<f64>,
}

/// The event's meetings at a glance.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MeetingReport {
    pub pending: u32,
    pub expired: u32,
    /// Accepted, with no slot yet (the solver's to place).
    pub unplaced: u32,
    pub booked: u32,
    pub scheduled: u32,
    pub confirmed: u32,
    pub cancelled: u32,
    pub held: u32,
    pub no_show: u32,
    pub ratings: u32,
    pub rating_average: Option<f64>,
    /// Ratings that asked for a follow-up.
    pub follow_ups: u32,
    /// Every participant with at least one meeting, by name.
    pub participants: Vec<ParticipantReport>,
}

fn average(sum: u32, count: u32) -> Option<f64> {
    (count > 0).then(|| f64::from(sum) / f64::from(count))
}

/// The report of `event`.
pub async fn report(store: &dyn Store, event: &str) -> Result<MeetingReport, RequestError> {
    let names: HashMap<String, String> = store
        .participants(event)
        .await?
        .into_iter()
        .map(|p| (p.id, p.profile.name))
        .collect();
    let requests = store.requests(event, None).await?;
    let feedback = store.feedback(event).await?;
    let mut out = MeetingReport::default();
    let mut people: HashMap<String, ParticipantReport> = HashMap::new();
    let mut person = |id: &str, change: &dyn Fn(&mut ParticipantReport)| {
        let entry = people.entry(id.to_owned()).or_insert_with(|| ParticipantReport {
            participant: id.to_owned(),
            name: names.get(id).cloned().unwrap_or_default(),
            ..ParticipantReport::default()
        });
        change(entry);
    };
    let mut received: HashMap<String, (u32, u32)> = HashMap::new();
    for r in &requests {
        match (r.status, &r.life.meeting) {
            (RequestStatus::Pending, _) => out.pending += 1,
            (RequestStatus::Expired, _) => out.expired += 1,
            (RequestStatus::Accepted, None) => out.unplaced += 1,
            _ => {}
        }
        let Some(m) = &r.life.meeting else { continue };
        let everyone = r.participants();
        match m.state {
            MeetingState::Booked => out.booked += 1,
            MeetingState::Scheduled => out.scheduled += 1,
            MeetingState::Confirmed => out.confirmed += 1,
            MeetingState::Cancelled => {
                out.cancelled += 1;
                everyone.iter().for_each(|p| person(p, &|r| r.cancelled += 1));
            }
        }
        match m.attendance {
            Some(Outcome::Held) => {
                out.held += 1;
                everyone.iter().for_each(|p| person(p, &|r| r.held += 1));
            }
            Some(Outcome::NoShow) => {
                out.no_show += 1;
                m.absent.iter().for_each(|p| person(p, &|r| r.no_show += 1));
            }
            None => {}
        }
        for f in feedback.iter().filter(|f| f.request_id == r.id) {
            for other in everyone.iter().filter(|p| **p != f.participant_id) {
                let entry = received.entry(other.clone()).or_default();
                entry.0 += f.rating;
                entry.1 += 1;
            }
        }
    }
    let sum: u32 = feedback.iter().map(|f| f.rating).sum();
    out.ratings = feedback.len() as u32;
    out.rating_average = average(sum, out.ratings);
    out.follow_ups = feedback.iter().filter(|f| f.follow_up).count() as u32;
    for (id, (sum, count)) in received {
        person(&id, &|r| {
            r.ratings = count;
            r.rating_average = average(sum, count);
        });
    }
    let mut participants: Vec<ParticipantReport> = people.into_values().collect();
    participants.sort_by(|a, b| (&a.name, &a.participant).cmp(&(&b.name, &b.participant)));
    out.participants = participants;
    Ok(out)
}
