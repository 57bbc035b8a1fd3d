//! The organiser's dashboard, computed in this one place: requests and their answers, how
//! much of what was accepted is placed, meetings per participant, table use per slot, waits,
//! the meetings' life (held, no-show, cancelled: the report's figures), and the coverage of
//! the guest of honour (Bangkok) and of each ASEAN partner country.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::domain::{EventSpec, MeetingState, RequestStatus, SlotTime};
use crate::requests::RequestError;
use crate::store::{MeetingRequest, Participant, Room, Store};

use super::report;

/// The guest of honour of the Smart City Expo Casablanca: the city whose coverage is shown
/// first.
pub const GUEST_OF_HONOUR_CITY: &str = "Bangkok";

/// The ASEAN member states (ISO 3166-1 alpha-2), the partner countries whose coverage is
/// shown; Timor-Leste joined in October 2025.
pub const ASEAN_COUNTRIES: &[&str] = &["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"];

/// Requests by their state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Every request sent, whatever became of it.
    pub sent: u32,
    pub accepted: u32,
    pub declined: u32,
    pub pending: u32,
}

/// How many of a group's accepted meetings are placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The city (guest of honour) or the country code.
    pub name: String,
    /// Accepted meetings one of the group's participants is in.
    pub accepted: u32,
    /// Of those, the ones with a slot and a room.
    pub placed: u32,
}

/// One slot's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotUse {
    pub slot: SlotTime,
    /// Rooms holding a meeting then.
    pub used: u32,
    /// Rooms open then.
    pub open: u32,
}

/// The worst wait, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorstWait {
    pub participant: String,
    pub name: String,
    pub minutes: u32,
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub requests: RequestCounts,
    /// Accepted among the answered (accepted or declined); none before any answer.
    pub acceptance_rate: Option<f64>,
    /// Accepted meetings with a slot and a room (booked, scheduled or confirmed).
    pub placed: u32,
    /// `placed` among the accepted; none while nothing is accepted.
    pub placed_share: Option<f64>,
    /// Over every participant of the event, those without a meeting included.
    pub meetings_median: f64,
    pub meetings_minimum: u32,
    /// Per slot, in time order.
    pub table_use: Vec<SlotUse>,
    /// Idle minutes between a participant's meetings within a session, summed over the
    /// event: the mean over participants with a meeting.
    pub wait_mean_minutes: f64,
    pub wait_worst: Option<WorstWait>,
    pub held: u32,
    pub no_show: u32,
    pub cancelled: u32,
    pub guest_of_honour: Coverage,
    /// Each ASEAN country with participants, by code.
    pub asean: Vec<Coverage>,
}

/// The dashboard of `event`.
pub async fn dashboard(store: &dyn Store, event: &str) -> Result<Dashboard, RequestError> {
    let spec = store.event(event).await?.spec()?;
    let rooms = store.rooms(event).await?;
    let participants = store.participants(event).await?;
    let requests = store.requests(event, None).await?;
    let life = report(store, event).await?;
    let mut figures = figures(&spec, &rooms, &participants, &requests);
    figures.held = life.held;
    figures.no_show = life.no_show;
    figures.cancelled = life.cancelled;
    Ok(figures)
}

/// A placed meeting: its participants and the slot indexes it occupies.
struct Placed {
    participants: Vec<String>,
    room: String,
    slots: Vec<usize>,
}

fn is_placed(r: &MeetingRequest) -> bool {
    r.status == RequestStatus::Accepted
        && r.life
            .meeting
            .as_ref()
            .is_some_and(|m| m.state != MeetingState::Cancelled)
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// Everything but the meetings' life, from the event's records.
fn figures(
    spec: &EventSpec,
    rooms: &[Room],
    participants: &[Participant],
    requests: &[MeetingRequest],
) -> Dashboard {
    let slots = spec.slots();
    let slot_index: HashMap<&str, usize> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let slot_minutes = spec.slot_minutes;
    let mut counts = RequestCounts::default();
    for r in requests {
        counts.sent += 1;
        match r.status {
            RequestStatus::Accepted => counts.accepted += 1,
            RequestStatus::Declined => counts.declined += 1,
            RequestStatus::Pending => counts.pending += 1,
            _ => {}
        }
    }
    let placed: Vec<Placed> = requests
        .iter()
        .filter(|r| is_placed(r))
        .filter_map(|r| {
            let m = r.life.meeting.as_ref()?;
            let count = r.duration_minutes.div_ceil(slot_minutes.max(1)).max(1) as usize;
            let first = *slot_index.get(m.slot_id.as_str())?;
            Some(Placed {
                participants: r.participants(),
                room: m.room_id.clone(),
                slots: (first..(first + count).min(slots.len())).collect(),
            })
        })
        .collect();

    // Meetings per participant, everyone counted.
    let mut per_participant: HashMap<&str, Vec<&Placed>> = HashMap::new();
    for m in &placed {
        for p in &m.participants {
            per_participant.entry(p.as_str()).or_default().push(m);
        }
    }
    let mut meeting_counts: Vec<u32> = participants
        .iter()
        .map(|p| per_participant.get(p.id.as_str()).map_or(0, |m| m.len() as u32))
        .collect();
    meeting_counts.sort_unstable();
    let meetings_median = match meeting_counts.len() {
        0 => 0.0,
        n if n % 2 == 1 => f64::from(meeting_counts[n / 2]),
        n => (f64::from(meeting_counts[n / 2 - 1]) + f64::from(meeting_counts[n / 2])) / 2.0,
    };

    // Table use: rooms busy against rooms open, slot by slot.
    let mut busy: Vec<HashSet<&str>> = vec![HashSet::new(); slots.len()];
    for m in &placed {
        for &s in &m.slots {
            busy[s].insert(m.room.as_str());
        }
    }
    let table_use = slots
        .iter()
        .zip(&busy)
        .map(|(slot, used)| SlotUse {
            slot: slot.clone(),
            used: used.len() as u32,
            open: rooms.iter().filter(|r| !r.unavailable.contains(&slot.id)).count() as u32,
        })
        .collect();

    // Waits: idle slots between two of a participant's meetings in one session.
    let session_of: Vec<usize> = slots
        .iter()
        .scan((0usize, None::<&SlotTime>), |(session, previous), slot| {
            if previous.is_some_and(|p| p.end != slot.start) {
                *session += 1;
            }
            *previous = Some(slot);
            Some(*session)
        })
        .collect();
    let names: HashMap<&str, &str> = participants
        .iter()
        .map(|p| (p.id.as_str(), p.profile.name.as_str()))
        .collect();
    let mut waits: Vec<(&str, u32)> = per_participant
        .iter()
        .map(|(&p, meetings)| {
            let mut by_session: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for s in meetings.iter().flat_map(|m| &m.slots) {
                by_session.entry(session_of[*s]).or_default().push(*s);
            }
            let idle: usize = by_session
                .values_mut()
                .map(|busy| {
                    busy.sort_unstable();
                    busy.dedup();
                    busy.last().unwrap_or(&0) + 1 - busy.first().unwrap_or(&0) - busy.len()
                })
                .sum();
            (p, idle as u32 * slot_minutes)
        })
        .collect();
    // The worst first, then by id: the same one every time on ties.
    waits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let wait_mean_minutes = if waits.is_empty() {
        0.0
    } else {
        f64::from(waits.iter().map(|w| w.1).sum::<u32>()) / waits.len() as f64
    };
    let wait_worst = waits.first().map(|&(p, minutes)| WorstWait {
        participant: p.to_owned(),
        name: names.get(p).copied().unwrap_or_default().to_owned(),
        minutes,
    });

    // Coverage of the guest of honour and of each ASEAN country.
    let coverage = |name: &str, member: &dyn Fn(&Participant) -> bool| {
        let group: HashSet<&str> = participants
            .iter()
            .filter(|p| member(p))
            .map(|p| p.id.as_str())
            .collect();
        let mut c = Coverage {
            name: name.to_owned(),
            accepted: 0,
            placed: 0,
        };
        for r in requests.iter().filter(|r| r.status == RequestStatus::Accepted) {
            if r.participants().iter().any(|p| group.contains(p.as_str())) {
                c.accepted += 1;
                c.placed += u32::from(is_placed(r));
            }
        }
        c
    };
    let guest_of_honour = coverage(GUEST_OF_HONOUR_CITY, &|p| {
        p.profile
            .city
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(GUEST_OF_HONOUR_CITY))
    });
    let mut present: Vec<&str> = ASEAN_COUNTRIES
        .iter()
        .copied()
        .filter(|code| {
            participants
                .iter()
                .any(|p| p.profile.country.as_deref() == Some(code))
        })
        .collect();
    present.sort_unstable();
    let asean = present
        .into_iter()
        .map(|code| coverage(code, &|p| p.profile.country.as_deref() == Some(code)))
        .collect();

    Dashboard {
        acceptance_rate: share(counts.accepted, counts.accepted + counts.declined),
        placed: placed.len() as u32,
        placed_share: share(placed.len() as u32, counts.accepted),
        requests: counts,
        meetings_median,
        meetings_minimum: meeting_counts.first().copied().unwrap_or(0),
        table_use,
        wait_mean_minutes,
        wait_worst,
        held: 0,
        no_show: 0,
        cancelled: 0,
        guest_of_honour,
        asean,
    }
}
