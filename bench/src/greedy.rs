//! The first-come-first-served baseline the benchmark compares the solver against, and
//! the schedule figures it reports (placed meetings, idle slots, waits, objective).

use rendezvous_solver::{Placement, Problem, Schedule};

/// Meetings by weight (heaviest first, ties in document order), each at its earliest free
/// slot and in the smallest free room that fits — what first-come-first-served booking
/// gives. Pinned meetings are placed first, at their pin, when that is possible.
pub fn greedy_schedule(problem: &Problem) -> Schedule {
    let mut state = Occupancy::new(problem);
    let mut schedule = Schedule::empty(problem);

    for (m, meeting) in problem.meetings.iter().enumerate() {
        if let Some(pin) = meeting.fixed {
            schedule.placements[m] = state.try_place(problem, m, pin.slot, pin.room);
        }
    }

    let mut order: Vec<usize> = (0..problem.meetings.len())
        .filter(|&m| problem.meetings[m].fixed.is_none())
        .collect();
    order.sort_by_key(|&m| std::cmp::Reverse(problem.meetings[m].weight));
    for m in order {
        schedule.placements[m] = (0..problem.slots.len()).find_map(|s| state.try_place(problem, m, s, None));
    }
    schedule
}

/// Rooms with the same seats and features, smallest first.
struct RoomClass {
    capacity: u32,
    features: Vec<String>,
    rooms: Vec<usize>,
}

/// Who and what is taken in each slot.
struct Occupancy {
    slots: usize,
    /// `participant * slots + slot`: busy or unavailable.
    participant_busy: Vec<bool>,
    meetings_held: Vec<u32>,
    /// `room * slots + slot`: busy or unavailable.
    room_busy: Vec<bool>,
    classes: Vec<RoomClass>,
    /// `slot * classes + class`: rooms of the class still free in the slot.
    free_in_class: Vec<u32>,
    class_of_room: Vec<usize>,
}

impl Occupancy {
    fn new(problem: &Problem) -> Self {
        let slots = problem.slots.len();
        let mut participant_busy = vec![false; problem.participants.len() * slots];
        for (p, participant) in problem.participants.iter().enumerate() {
            for &s in &participant.unavailable {
                participant_busy[p * slots + s] = true;
            }
        }
        let mut room_busy = vec![false; problem.rooms.len() * slots];
        for (r, room) in problem.rooms.iter().enumerate() {
            for &s in &room.unavailable {
                room_busy[r * slots + s] = true;
            }
        }
        let mut by_shape: Vec<usize> = (0..problem.rooms.len()).collect();
        by_shape.sort_by(|&a, &b| {
            let (ra, rb) = (&problem.rooms[a], &problem.rooms[b]);
            (ra.capacity, ra.features.len(), &ra.features, a).cmp(&(
                rb.capacity,
                rb.features.len(),
                &rb.features,
                b,
            ))
        });
        let mut classes: Vec<RoomClass> = Vec::new();
        let mut class_of_room = vec![0; problem.rooms.len()];
        for r in by_shape {
            let room = &problem.rooms[r];
            match classes.last_mut() {
                Some(class) if class.capacity == room.capacity && class.features == room.features => {
                    class.rooms.push(r);
                }
                _ => classes.push(RoomClass {
                    capacity: room.capacity,
                    features: room.features.clone(),
                    rooms: vec![r],
                }),
            }
            class_of_room[r] = classes.len() - 1;
        }
        let mut free_in_class = vec![0u32; slots * classes.len()];
        for (c, class) in classes.iter().enumerate() {
            for &r in &class.rooms {
                for s in 0..slots {
                    if !room_busy[r * slots + s] {
                        free_in_class[s * classes.len() + c] += 1;
                    }
                }
            }
        }
        Self {
            slots,
            participant_busy,
            meetings_held: vec![0; problem.participants.len()],
            room_busy,
            classes,
            free_in_class,
            class_of_room,
        }
    }

    /// Places meeting `m` starting at `first` (in `room`, or the smallest free room that
    /// fits), or returns `None` when a rule forbids it.
    fn try_place(
        &mut self,
        problem: &Problem,
        m: usize,
        first: usize,
        room: Option<usize>,
    ) -> Option<Placement> {
        let meeting = &problem.meetings[m];
        let span = problem.occupied_slots(m, first)?;
        if let Some(allowed) = &meeting.allowed_slots
            && !span.clone().all(|s| allowed.binary_search(&s).is_ok())
        {
            return None;
        }
        for &p in &meeting.participants {
            let capped = problem.participants[p]
                .max_meetings
                .is_some_and(|cap| self.meetings_held[p] >= cap);
            if capped || span.clone().any(|s| self.participant_busy[p * self.slots + s]) {
                return None;
            }
        }
        let room_free = |occ: &Self, r: usize| span.clone().all(|s| !occ.room_busy[r * occ.slots + s]);
        let chosen = match room {
            Some(r) => (problem.room_fits(m, r) && room_free(self, r)).then_some(r),
            None => {
                let seats = problem.seats_needed(m);
                let class_count = self.classes.len();
                self.classes
                    .iter()
                    .enumerate()
                    .filter(|(_, class)| {
                        u64::from(class.capacity) >= seats
                            && meeting
                                .features
                                .iter()
                                .all(|f| class.features.binary_search(f).is_ok())
                    })
                    .filter(|(c, _)| span.clone().all(|s| self.free_in_class[s * class_count + c] > 0))
                    .find_map(|(_, class)| class.rooms.iter().copied().find(|&r| room_free(self, r)))
            }
        }?;
        let class_count = self.classes.len();
        for s in span {
            self.room_busy[chosen * self.slots + s] = true;
            self.free_in_class[s * class_count + self.class_of_room[chosen]] -= 1;
            for &p in &meeting.participants {
                self.participant_busy[p * self.slots + s] = true;
            }
        }
        for &p in &meeting.participants {
            self.meetings_held[p] += 1;
        }
        Some(Placement {
            slot: first,
            room: chosen,
        })
    }
}

/// What a schedule achieves, computed from the problem's rules (not from what a solver
/// claims).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScheduleMetrics {
    /// Meetings held.
    pub placed: usize,
    /// Sum of the weights of the meetings held.
    pub placed_weight: i64,
    /// Empty slots between a participant's first and last meeting of a session, summed.
    pub idle_slots: i64,
    /// Waits: maximal runs of such idle slots, summed over participants.
    pub gaps: i64,
    /// Meetings whose `current` placement was changed or dropped.
    pub moved: i64,
    /// The objective as the format defines it.
    pub objective: i64,
}

/// The figures of `schedule`, from the solver crate's independent checker.
pub fn evaluate(problem: &Problem, schedule: &Schedule) -> ScheduleMetrics {
    ScheduleMetrics::from(&rendezvous_solver::evaluate(problem, schedule))
}

impl From<&rendezvous_solver::CheckReport> for ScheduleMetrics {
    fn from(report: &rendezvous_solver::CheckReport) -> Self {
        let b = report.breakdown;
        Self {
            placed: b.placed,
            placed_weight: b.placed_weight,
            idle_slots: b.idle_slots,
            gaps: b.gaps,
            moved: b.moved,
            objective: report.objective,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rendezvous::sample::{Expo, SampleSpec};

    fn problem(meetings: &str, rooms: &str, participants: &str) -> Problem {
        let text = format!(
            r#"{{"format": "rendezvous-problem/1",
              "slots": [
                {{"id": "a1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
                {{"id": "a2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
                {{"id": "a3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}},
                {{"id": "b1", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}}
              ],
              "rooms": {rooms},
              "participants": {participants},
              "meetings": {meetings},
              "penalties": {{"idle_slot": 1, "gap": 5, "move": 20}}}}"#
        );
        Problem::from_json(&text).unwrap()
    }

    /// Every rule of the format, checked the plain way, for the tests.
    fn assert_valid(problem: &Problem, schedule: &Schedule) {
        let slots = problem.slots.len();
        let mut participant_use = vec![0; problem.participants.len() * slots];
        let mut room_use = vec![0; problem.rooms.len() * slots];
        let mut held = vec![0u32; problem.participants.len()];
        for (m, placement) in schedule.placements.iter().enumerate() {
            let Some(placement) = placement else { continue };
            let meeting = &problem.meetings[m];
            let span = problem
                .occupied_slots(m, placement.slot)
                .expect("meeting runs past its session");
            assert!(
                problem.room_fits(m, placement.room),
                "{} does not fit its room",
                meeting.id
            );
            if let Some(pin) = meeting.fixed {
                assert_eq!(pin.slot, placement.slot);
            }
            for s in span {
                assert!(!problem.rooms[placement.room].unavailable.contains(&s));
                room_use[placement.room * slots + s] += 1;
                if let Some(allowed) = &meeting.allowed_slots {
                    assert!(allowed.contains(&s));
                }
                for &p in &meeting.participants {
                    assert!(!problem.participants[p].unavailable.contains(&s));
                    participant_use[p * slots + s] += 1;
                }
            }
            for &p in &meeting.participants {
                held[p] += 1;
            }
        }
        assert!(
            participant_use.iter().all(|&n| n <= 1),
            "a participant is double-booked"
        );
        assert!(room_use.iter().all(|&n| n <= 1), "a room is double-booked");
        for (p, participant) in problem.participants.iter().enumerate() {
            assert!(participant.max_meetings.is_none_or(|cap| held[p] <= cap));
        }
    }

    #[test]
    fn heaviest_first_at_the_earliest_slot_in_the_smallest_room() {
        let p = problem(
            r#"[{"id": "light", "participants": ["x", "y"], "weight": 1},
                {"id": "heavy", "participants": ["x", "y"], "weight": 9},
                {"id": "big", "participants": ["y", "z"], "weight": 5, "duration": 2}]"#,
            r#"[{"id": "hall", "capacity": 10}, {"id": "table", "capacity": 2}]"#,
            r#"[{"id": "x"}, {"id": "y"}, {"id": "z", "size": 3}]"#,
        );
        let schedule = greedy_schedule(&p);
        let at = |id: &str| schedule.placements[p.meeting_index(id).unwrap()];
        assert_eq!(at("heavy"), Some(Placement { slot: 0, room: 1 }));
        // y is busy in a1, and a two-slot meeting cannot start in a3.
        assert_eq!(at("big"), Some(Placement { slot: 1, room: 0 }));
        // x and y are both free again only in b1.
        assert_eq!(at("light"), Some(Placement { slot: 3, room: 1 }));
        assert_valid(&p, &schedule);
    }

    #[test]
    fn quotas_unavailability_and_pins_are_respected() {
        let p = problem(
            r#"[{"id": "m1", "participants": ["x", "y"], "weight": 3},
                {"id": "m2", "participants": ["x", "z"], "weight": 2},
                {"id": "pinned", "participants": ["y", "z"], "weight": 1, "fixed": {"slot": "a2"}}]"#,
            r#"[{"id": "t", "capacity": 2, "unavailable": ["a1"]}]"#,
            r#"[{"id": "x", "max_meetings": 1}, {"id": "y"}, {"id": "z"}]"#,
        );
        let schedule = greedy_schedule(&p);
        assert_eq!(schedule.placements[2], Some(Placement { slot: 1, room: 0 }));
        assert_eq!(schedule.placements[0], Some(Placement { slot: 2, room: 0 }));
        assert_eq!(schedule.placements[1], None, "x has used its one meeting");
        assert_valid(&p, &schedule);
    }

    #[test]
    fn idle_slots_and_waits_are_counted_per_session() {
        let p = problem(
            r#"[{"id": "m1", "participants": ["x", "y"], "weight": 10},
                {"id": "m2", "participants": ["x", "z"], "weight": 10},
                {"id": "m3", "participants": ["x", "y"], "weight": 10, "current": {"slot": "a1", "room": "t"}}]"#,
            r#"[{"id": "t", "capacity": 2}]"#,
            r#"[{"id": "x"}, {"id": "y"}, {"id": "z"}]"#,
        );
        let schedule = Schedule {
            placements: vec![
                Some(Placement { slot: 0, room: 0 }),
                Some(Placement { slot: 2, room: 0 }),
                Some(Placement { slot: 3, room: 0 }),
            ],
        };
        let metrics = evaluate(&p, &schedule);
        // x waits in a2 (a1, a3 held); the b1 meeting is in another session.
        assert_eq!((metrics.placed, metrics.placed_weight), (3, 30));
        assert_eq!((metrics.idle_slots, metrics.gaps, metrics.moved), (1, 1, 1));
        assert_eq!(metrics.objective, 30 - 1 - 5 - 20);
    }

    #[test]
    fn greedy_schedules_of_generated_expos_are_valid() {
        for spec in [
            SampleSpec::preset("tiny").unwrap(),
            SampleSpec::new(400, 1_800, 50, 9),
        ] {
            let problem =
                Problem::try_from(Expo::generate(&spec).unwrap().to_problem_doc().unwrap()).unwrap();
            let schedule = greedy_schedule(&problem);
            assert_valid(&problem, &schedule);
            let metrics = evaluate(&problem, &schedule);
            assert!(metrics.placed > spec.meetings / 2, "{metrics:?}");
            assert!(metrics.objective > 0 && metrics.objective <= metrics.placed_weight);
        }
    }
}
