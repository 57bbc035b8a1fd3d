//! What going from one timetable to another changes, meeting by meeting: which meetings
//! move (old → new slot and room), which are dropped, which are new, and who is affected.
//! The organiser reads it before publishing a run; a participant's own changes are the
//! same rule as the notice a publish sends (`notice::agenda_changes`).

use std::collections::HashMap;

use super::notice::{Placed, agenda_changes};

/// Where a meeting is held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub slot: String,
    pub room: String,
}

/// A meeting in one of the two timetables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffMeeting {
    pub request: String,
    pub place: Place,
    pub participants: Vec<String>,
}

/// A meeting in both, somewhere else in the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub request: String,
    pub from: Place,
    pub to: Place,
    pub participants: Vec<String>,
}

/// The difference between two timetables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimetableDiff {
    /// In both, at another slot or room; in the new timetable's order.
    pub moved: Vec<Moved>,
    /// Only in the old one; in its order.
    pub dropped: Vec<DiffMeeting>,
    /// Only in the new one; in its order.
    pub added: Vec<DiffMeeting>,
    /// In both, at the same slot and room.
    pub unchanged: usize,
    /// Every participant whose agenda changes (gains, loses or sees a meeting move), sorted.
    pub affected: Vec<String>,
}

impl TimetableDiff {
    /// Nothing would change.
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty() && self.dropped.is_empty() && self.added.is_empty() && self.affected.is_empty()
    }
}

fn owned(m: &Placed<'_>) -> DiffMeeting {
    DiffMeeting {
        request: m.request.to_owned(),
        place: place(m),
        participants: m.participants.to_vec(),
    }
}

fn place(m: &Placed<'_>) -> Place {
    Place {
        slot: m.slot.to_owned(),
        room: m.room.to_owned(),
    }
}

/// What replacing the `previous` timetable's meetings by the `next` one's changes.
pub fn timetable_diff(previous: &[Placed<'_>], next: &[Placed<'_>]) -> TimetableDiff {
    let before: HashMap<&str, &Placed<'_>> = previous.iter().map(|m| (m.request, m)).collect();
    let after: HashMap<&str, &Placed<'_>> = next.iter().map(|m| (m.request, m)).collect();
    let mut diff = TimetableDiff::default();
    for m in next {
        match before.get(m.request) {
            None => diff.added.push(owned(m)),
            Some(old) if old.slot != m.slot || old.room != m.room => diff.moved.push(Moved {
                request: m.request.to_owned(),
                from: place(old),
                to: place(m),
                participants: m.participants.to_vec(),
            }),
            Some(_) => diff.unchanged += 1,
        }
    }
    diff.dropped = previous
        .iter()
        .filter(|m| !after.contains_key(m.request))
        .map(owned)
        .collect();
    // BTreeMap: already sorted by participant.
    diff.affected = agenda_changes(previous, next)
        .into_iter()
        .filter(|(_, changes)| !changes.is_empty())
        .map(|(participant, _)| participant)
        .collect();
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(request: &'a str, slot: &'a str, room: &'a str, participants: &'a [String]) -> Placed<'a> {
        Placed {
            request,
            slot,
            room,
            participants,
        }
    }

    #[test]
    fn moves_drops_additions_and_the_people_they_touch() {
        let people = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let (ab, cd, ef, gh) = (
            people(&["a", "b"]),
            people(&["c", "d"]),
            people(&["e", "f"]),
            people(&["g", "h"]),
        );
        let previous = [
            at("r1", "s1", "t1", &ab),
            at("r2", "s1", "t2", &cd),
            at("r3", "s2", "t1", &ef),
        ];
        let next = [
            at("r1", "s1", "t1", &ab),
            at("r2", "s3", "t1", &cd),
            at("r4", "s2", "t1", &gh),
        ];
        let diff = timetable_diff(&previous, &next);
        assert_eq!(
            diff.moved,
            vec![Moved {
                request: "r2".into(),
                from: Place {
                    slot: "s1".into(),
                    room: "t2".into()
                },
                to: Place {
                    slot: "s3".into(),
                    room: "t1".into()
                },
                participants: cd.clone(),
            }]
        );
        assert_eq!(
            diff.dropped
                .iter()
                .map(|m| m.request.as_str())
                .collect::<Vec<_>>(),
            ["r3"]
        );
        assert_eq!(
            diff.added.iter().map(|m| m.request.as_str()).collect::<Vec<_>>(),
            ["r4"]
        );
        assert_eq!(diff.unchanged, 1);
        assert_eq!(diff.affected, people(&["c", "d", "e", "f", "g", "h"]));
        assert!(timetable_diff(&next, &next).is_empty());
        // Nothing published yet: every meeting is new.
        let first = timetable_diff(&[], &next);
        assert_eq!(first.added.len(), 3);
        assert_eq!(first.affected.len(), 6);
    }
}
