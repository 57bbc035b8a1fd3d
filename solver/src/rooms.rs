//! Concrete rooms from class choices, by interval colouring.
//!
//! Within a class, meetings are taken by first slot; each gets its `current` room when
//! that room is free for its whole duration (so unchanged meetings pay no `move`), else
//! a free room that no later meeting starting before it ends wants to keep, else any free
//! room. Within one first slot, the meetings keeping their room choose first. A room free at a meeting's first slot stays free for its whole duration,
//! because every earlier-coloured meeting started no later; so the peak count per slot,
//! which the state keeps within the class size, is always enough.

use crate::model::Model;
use crate::problem::{MeetingIx, Placement};
use crate::solution::Schedule;
use crate::state::Spot;

/// Turns per-class placements into a schedule with concrete rooms. `None` if a class is
/// over-full somewhere (a bug upstream: the caller must then not use the result).
pub(crate) fn assign_rooms(model: &Model, spots: &[Option<Spot>]) -> Option<Schedule> {
    let problem = model.problem;
    let mut placements: Vec<Option<Placement>> = vec![None; spots.len()];
    let mut by_class: Vec<Vec<MeetingIx>> = vec![Vec::new(); model.classes.len()];
    for (m, spot) in spots.iter().enumerate() {
        if let Some(spot) = spot {
            by_class[spot.class].push(m);
        }
    }
    for (c, mut meetings) in by_class.into_iter().enumerate() {
        let rooms = &model.classes[c].rooms;
        // The room each meeting would keep (its `current` one, at the same slot), if any.
        let keeps = |m: MeetingIx| {
            let spot = spots[m]?;
            problem.meetings[m]
                .current
                .filter(|cur| cur.slot == spot.slot)
                .and_then(|cur| rooms.iter().position(|&r| r == cur.room))
        };
        // free_from[i]: first slot at which rooms[i] is free again.
        let mut free_from = vec![0usize; rooms.len()];
        // Within a first slot, the meetings that keep their room choose first.
        meetings.sort_by_key(|&m| (spots[m].map(|s| s.slot), keeps(m).is_none(), m));
        // (first slot, room) kept by meetings not coloured yet: others avoid taking them.
        let mut wanted: Vec<(usize, usize)> = meetings
            .iter()
            .filter_map(|&m| Some((spots[m]?.slot, keeps(m)?)))
            .collect();
        for m in meetings {
            let spot = spots[m]?;
            let end = spot.slot + model.duration(m);
            let kept = keeps(m);
            if let Some(room) = kept
                && let Some(at) = wanted.iter().position(|&w| w == (spot.slot, room))
            {
                wanted.swap_remove(at);
            }
            let free = |i: &usize| free_from[*i] <= spot.slot;
            let claimed = |i: &usize| wanted.iter().any(|&(slot, room)| room == *i && slot < end);
            let i = kept
                .filter(free)
                .or_else(|| (0..rooms.len()).find(|i| free(i) && !claimed(i)))
                .or_else(|| (0..rooms.len()).find(free))?;
            free_from[i] = end;
            placements[m] = Some(Placement {
                slot: spot.slot,
                room: rooms[i],
            });
        }
    }
    Some(Schedule { placements })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn colouring_fits_the_peak_and_keeps_current_rooms() {
        let text = r#"{"format": "rendezvous-problem/1",
          "slots": [
            {"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"},
            {"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"},
            {"id": "s3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}
          ],
          "rooms": [{"id": "T1", "capacity": 2}, {"id": "T2", "capacity": 2}],
          "participants": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
          "meetings": [
            {"id": "long", "participants": ["a", "b"], "weight": 1, "duration": 2},
            {"id": "first", "participants": ["c", "d"], "weight": 1},
            {"id": "then", "participants": ["c", "d"], "weight": 1, "current": {"slot": "s2", "room": "T1"}},
            {"id": "last", "participants": ["a", "b"], "weight": 1, "current": {"slot": "s3", "room": "T2"}}
          ]}"#;
        let problem = Problem::from_json(text).unwrap();
        let model = Model::new(&problem);
        assert_eq!(model.classes.len(), 1);
        let at = |slot| Some(Spot { slot, class: 0 });
        let schedule = assign_rooms(&model, &[at(0), at(0), at(1), at(2)]).unwrap();
        let p = |m: usize| schedule.placements[m].unwrap();
        assert_ne!(p(0).room, p(1).room);
        // `then` wants T1 in s2, but `long` holds one room through s2: it gets T1 only if free.
        assert_ne!(p(0).room, p(2).room);
        assert_eq!(p(3).room, 1);
        // Three meetings in one slot of a two-room class cannot be coloured.
        assert!(assign_rooms(&model, &[at(0), at(0), at(0), None]).is_none());
    }
}
