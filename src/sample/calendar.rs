//! The expo's calendar: its days and sessions, the slots the domain cuts from them, and
//! the slots grouped by day and session to draw unavailabilities from.

use chrono::{NaiveDate, NaiveTime};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use crate::domain::{DaySpec, EventSpec};

use super::expo::{ExpoDay, SampleSlot};

/// The expo's time zone.
pub const TIMEZONE: &str = "Africa/Casablanca";
/// Length of one bookable slot.
pub const SLOT_MINUTES: u32 = 20;

/// The Smart City Expo Casablanca 2027 programme: 17–18 April, four sessions.
pub fn expo_days() -> Vec<ExpoDay> {
    let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
    let date = |d| NaiveDate::from_ymd_opt(2027, 4, d).unwrap_or(NaiveDate::MIN);
    vec![
        ExpoDay {
            date: date(17),
            sessions: vec![(time(10, 0), time(13, 0)), (time(14, 30), time(18, 0))],
        },
        ExpoDay {
            date: date(18),
            sessions: vec![(time(10, 0), time(13, 0)), (time(14, 30), time(17, 0))],
        },
    ]
}

/// The days as the API writes them: dates `YYYY-MM-DD`, sessions `["HH:MM", "HH:MM"]`.
pub fn day_specs(days: &[ExpoDay]) -> Vec<DaySpec> {
    days.iter()
        .map(|d| DaySpec {
            date: d.date.format("%Y-%m-%d").to_string(),
            sessions: d
                .sessions
                .iter()
                .map(|(a, b)| [a.format("%H:%M").to_string(), b.format("%H:%M").to_string()])
                .collect(),
        })
        .collect()
}

/// Slots of `days` in Africa/Casablanca, `slot_minutes` long, cut as the service cuts an
/// event's ([`EventSpec`]): a session's remainder shorter than a slot is not bookable.
pub fn expo_slots(days: &[ExpoDay], slot_minutes: u32) -> Result<Vec<SampleSlot>, crate::domain::Invalid> {
    // The name only has to pass the event's validation; slots do not depend on it.
    let event = EventSpec::new("Smart City Expo", TIMEZONE, slot_minutes, day_specs(days))?;
    Ok(event
        .slots()
        .iter()
        .map(|slot| SampleSlot {
            id: slot.id.clone(),
            start: slot.start.fixed_offset(),
            end: slot.end.fixed_offset(),
            day: days
                .iter()
                .position(|d| d.date == slot.start.date_naive())
                .unwrap_or_default(),
        })
        .collect())
}

/// Slot indices grouped by day and by session, to draw unavailabilities from.
pub(super) struct SlotLayout {
    ids: Vec<String>,
    pub(super) days: Vec<Vec<usize>>,
    pub(super) sessions: Vec<Vec<usize>>,
}

impl SlotLayout {
    pub(super) fn new(slots: &[SampleSlot]) -> Self {
        let mut days: Vec<Vec<usize>> = Vec::new();
        let mut sessions: Vec<Vec<usize>> = Vec::new();
        for (i, slot) in slots.iter().enumerate() {
            if days.len() <= slot.day {
                days.resize(slot.day + 1, Vec::new());
            }
            days[slot.day].push(i);
            let continues = i > 0 && slots[i - 1].end == slot.start;
            match sessions.last_mut() {
                Some(session) if continues => session.push(i),
                _ => sessions.push(vec![i]),
            }
        }
        Self {
            ids: slots.iter().map(|s| s.id.clone()).collect(),
            days,
            sessions,
        }
    }

    /// `len` consecutive slots at a random place in a random session (a talk, a cleaning).
    pub(super) fn random_run(&self, rng: &mut ChaCha8Rng, len: usize) -> Vec<usize> {
        let Some(session) = self.sessions.choose(rng) else {
            return Vec::new();
        };
        let len = len.min(session.len());
        let first = rng.random_range(0..=session.len() - len);
        session[first..first + len].to_vec()
    }

    pub(super) fn to_ids(&self, mut slots: Vec<usize>) -> Vec<String> {
        slots.sort_unstable();
        slots.dedup();
        slots.into_iter().map(|s| self.ids[s].clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use rendezvous_solver::Problem;

    use crate::sample::{Expo, SampleSpec};

    #[test]
    fn slots_match_the_public_instances() {
        let expo = Expo::generate(&SampleSpec::new(10, 10, 2, 1)).unwrap();
        let ids: Vec<&str> = expo.slots.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), 35);
        assert_eq!(ids[0], "d1-1000");
        assert_eq!(ids[9], "d1-1430");
        assert_eq!(ids[18], "d1-1730");
        assert_eq!(ids[34], "d2-1630");
        let doc = expo.to_problem_doc().unwrap();
        assert_eq!(doc.slots[0].start, "2027-04-17T10:00:00+01:00");
        assert_eq!(doc.slots[34].end, "2027-04-18T16:50:00+01:00");
        let problem = Problem::try_from(doc).unwrap();
        assert_eq!(problem.sessions.len(), 4);
    }
}
