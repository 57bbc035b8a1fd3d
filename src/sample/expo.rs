//! A generated B2B programme: the event's days and slots, participants, rooms and requests,
//! with the API's field names, and the order they are drawn in from one seed.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use crate::domain::participant::{ParticipantKind, Profile};

use super::calendar::{SLOT_MINUTES, SlotLayout, TIMEZONE, expo_days, expo_slots};
use super::participants::generate_participants;
use super::requests::generate_requests;
use super::rooms::generate_rooms;
use super::spec::{SampleSpec, SpecError};

/// One day of the expo and its sessions (local times, `[start, end)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpoDay {
    pub date: NaiveDate,
    pub sessions: Vec<(NaiveTime, NaiveTime)>,
}

/// A bookable slot. `id` is `d<day>-<HHMM>` (local start time), as in the public instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleSlot {
    pub id: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// Index into [`Expo::days`].
    pub day: usize,
}

/// A participant and its profile, as the domain checks it: organisation, city and country
/// always given, no address, messages in the default language and every notice on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleParticipant {
    /// Stable id used in the problem: `del-bangkok`, `com-00012`, `res-00013`, `ins-00038`.
    pub id: String,
    /// Its `unavailable` are ids of [`Expo::slots`], in time order; its `languages` ISO 639
    /// codes, most used first; its `offers` and `seeks` short phrases in English or French.
    #[serde(flatten)]
    pub profile: Profile,
}

/// A table or an equipped meeting room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRoom {
    /// `T001`… for tables, `R01`… for equipped rooms.
    pub id: String,
    pub name: String,
    pub capacity: u32,
    /// Sorted: `interpretation`, `video`.
    pub features: Vec<String>,
    /// Ids of [`Expo::slots`], in time order.
    pub unavailable: Vec<String>,
}

/// Where a meeting request stands (the API's request states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
}

/// A meeting request from one participant to one or more others; field names follow
/// the API's request resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRequest {
    /// Also the meeting id in the problem: `r000001`…
    pub id: String,
    /// Participant id of whoever asked.
    pub requester: String,
    /// Participant ids of the invitees.
    pub with: Vec<String>,
    /// A multiple of [`Expo::slot_minutes`].
    pub duration_minutes: u32,
    /// 1–5: how much the requester wants it.
    pub priority: u8,
    pub message: String,
    /// Room features it needs (`interpretation`, `video`).
    pub features: Vec<String>,
    pub status: RequestStatus,
}

/// A generated B2B programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expo {
    pub name: String,
    /// IANA time zone of the venue.
    pub timezone: String,
    pub slot_minutes: u32,
    pub days: Vec<ExpoDay>,
    /// Every bookable slot in time order, cut from [`Expo::days`] in `slot_minutes` steps.
    pub slots: Vec<SampleSlot>,
    pub participants: Vec<SampleParticipant>,
    pub rooms: Vec<SampleRoom>,
    /// In the order they were made; exactly [`SampleSpec::meetings`] of them are accepted.
    pub requests: Vec<SampleRequest>,
}

impl Expo {
    /// Generates the sample `spec` describes.
    pub fn generate(spec: &SampleSpec) -> Result<Self, SpecError> {
        spec.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
        let days = expo_days();
        let slots = expo_slots(&days, SLOT_MINUTES)
            .map_err(|invalid| SpecError::new("days", format!("{:?}", invalid.0)))?;
        let layout = SlotLayout::new(&slots);
        let participants = generate_participants(&mut rng, spec.participants, &layout);
        let rooms = generate_rooms(&mut rng, spec.tables, &layout);
        let requests = generate_requests(&mut rng, spec.meetings, &participants);
        Ok(Self {
            name: format!(
                "Smart City Expo Casablanca 2027 B2B (synthetic, seed {})",
                spec.seed
            ),
            timezone: TIMEZONE.into(),
            slot_minutes: SLOT_MINUTES,
            days,
            slots,
            participants,
            rooms,
            requests,
        })
    }

    /// The accepted requests.
    pub fn accepted(&self) -> impl Iterator<Item = &SampleRequest> {
        self.requests
            .iter()
            .filter(|r| r.status == RequestStatus::Accepted)
    }
}

#[cfg(test)]
mod tests {
    use rendezvous_solver::ProblemDoc;

    use super::*;

    fn doc(spec: SampleSpec) -> ProblemDoc {
        Expo::generate(&spec).unwrap().to_problem_doc().unwrap()
    }

    #[test]
    fn same_seed_same_problem() {
        let spec = SampleSpec::new(120, 400, 20, 5);
        let first = serde_json::to_string(&doc(spec)).unwrap();
        let second = serde_json::to_string(&doc(spec)).unwrap();
        assert_eq!(first, second);
        assert_eq!(Expo::generate(&spec).unwrap(), Expo::generate(&spec).unwrap());
        let other = serde_json::to_string(&doc(SampleSpec { seed: 6, ..spec })).unwrap();
        assert_ne!(first, other);
    }
}
