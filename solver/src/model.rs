//! Precomputed feasibility: room classes and, for each meeting, every (first slot, room
//! class) pair where it could be held if nothing else were scheduled.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::problem::{MeetingIx, ParticipantIx, Problem, RoomIx, SlotIx};

/// Index of a room class in [`Model::classes`].
pub(crate) type ClassIx = usize;

/// What makes rooms interchangeable (capacity, feature count, features, unavailable
/// slots, and the room itself when a pin names it), ordered smallest class first.
type ClassKey = (u32, usize, Vec<String>, Vec<SlotIx>, Option<RoomIx>);

/// Rooms that are interchangeable: same capacity, features and unavailable slots. A room
/// that some meeting pins is always a class of its own, so the pin can be honoured by
/// counting alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoomClass {
    pub rooms: Vec<RoomIx>,
    pub capacity: u32,
    pub features: Vec<String>,
    /// `available[t]`: the class's rooms can be used in slot `t`.
    pub available: Vec<bool>,
}

impl RoomClass {
    pub fn size(&self) -> u32 {
        self.rooms.len() as u32
    }
}

/// A feasible first slot of a meeting with the room classes that can host it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Start {
    pub slot: SlotIx,
    /// Smallest classes first. Shared: the whole expo has 2.8 million starts but few
    /// distinct lists, and one vector per start took 2.2 GiB.
    pub classes: Arc<[ClassIx]>,
}

/// One shared copy of each distinct list of classes.
#[derive(Default)]
struct ClassLists(HashMap<Vec<ClassIx>, Arc<[ClassIx]>>);

impl ClassLists {
    fn share(&mut self, classes: Vec<ClassIx>) -> Arc<[ClassIx]> {
        if let Some(shared) = self.0.get(&classes) {
            return shared.clone();
        }
        let shared: Arc<[ClassIx]> = classes.clone().into();
        self.0.insert(classes, shared.clone());
        shared
    }
}

/// Why a meeting has no feasible start at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Never {
    /// No room has the seats and features.
    NoRoom { seats: u64, features: Vec<String> },
    /// The pinned room lacks seats or features.
    PinnedRoomUnfit,
    /// The participants share no slot where all are available (and allowed).
    NoCommonSlot,
    /// Fitting rooms exist but none is free when the participants are.
    NoRoomWhenFree,
    /// The pin itself is impossible (a participant or the room is unavailable, or the
    /// duration runs past the session).
    PinImpossible,
}

/// The problem with everything the solver needs precomputed.
#[derive(Debug)]
pub(crate) struct Model<'p> {
    pub problem: &'p Problem,
    pub slot_count: usize,
    /// Smallest capacity first, then fewest features.
    pub classes: Vec<RoomClass>,
    pub class_of_room: Vec<ClassIx>,
    /// Classes that fit each meeting (seats and features), regardless of time.
    pub fitting: Vec<Vec<ClassIx>>,
    /// Feasible starts per meeting, in slot order (only the pin's slot for pinned ones).
    pub starts: Vec<Vec<Start>>,
    /// Why a meeting has no start, when `starts[m]` is empty.
    pub never: Vec<Option<Never>>,
    pub meetings_of: Vec<Vec<MeetingIx>>,
    /// `participant_available[p * slot_count + t]`.
    pub participant_available: Vec<bool>,
}

impl<'p> Model<'p> {
    pub fn new(problem: &'p Problem) -> Self {
        let slot_count = problem.slots.len();
        let pinned_rooms: Vec<bool> = {
            let mut pinned = vec![false; problem.rooms.len()];
            for m in &problem.meetings {
                if let Some(room) = m.fixed.and_then(|pin| pin.room) {
                    pinned[room] = true;
                }
            }
            pinned
        };

        // Group rooms; the key orders classes smallest first.
        let mut groups: BTreeMap<ClassKey, Vec<RoomIx>> = BTreeMap::new();
        for (r, room) in problem.rooms.iter().enumerate() {
            let own = pinned_rooms[r].then_some(r);
            groups
                .entry((
                    room.capacity,
                    room.features.len(),
                    room.features.clone(),
                    room.unavailable.clone(),
                    own,
                ))
                .or_default()
                .push(r);
        }
        let mut classes = Vec::with_capacity(groups.len());
        let mut class_of_room = vec![0; problem.rooms.len()];
        for ((capacity, _, features, unavailable, _), rooms) in groups {
            let mut available = vec![true; slot_count];
            for &t in &unavailable {
                available[t] = false;
            }
            for &r in &rooms {
                class_of_room[r] = classes.len();
            }
            classes.push(RoomClass {
                rooms,
                capacity,
                features,
                available,
            });
        }

        let mut participant_available = vec![true; problem.participants.len() * slot_count];
        for (p, participant) in problem.participants.iter().enumerate() {
            for &t in &participant.unavailable {
                participant_available[p * slot_count + t] = false;
            }
        }
        let mut meetings_of = vec![Vec::new(); problem.participants.len()];
        for (m, meeting) in problem.meetings.iter().enumerate() {
            for &p in &meeting.participants {
                meetings_of[p].push(m);
            }
        }

        let mut model = Model {
            problem,
            slot_count,
            classes,
            class_of_room,
            fitting: Vec::with_capacity(problem.meetings.len()),
            starts: Vec::with_capacity(problem.meetings.len()),
            never: Vec::with_capacity(problem.meetings.len()),
            meetings_of,
            participant_available,
        };
        let mut lists = ClassLists::default();
        for m in 0..problem.meetings.len() {
            let fitting: Vec<ClassIx> = (0..model.classes.len())
                .filter(|&c| problem.room_fits(m, model.classes[c].rooms[0]))
                .collect();
            let (starts, never) = model.starts_of(m, &fitting, &mut lists);
            model.fitting.push(fitting);
            model.starts.push(starts);
            model.never.push(never);
        }
        model
    }

    fn starts_of(
        &self,
        m: MeetingIx,
        fitting: &[ClassIx],
        lists: &mut ClassLists,
    ) -> (Vec<Start>, Option<Never>) {
        let problem = self.problem;
        let meeting = &problem.meetings[m];
        if let Some(pin) = meeting.fixed {
            let classes: Vec<ClassIx> = match pin.room {
                Some(room) => {
                    let c = self.class_of_room[room];
                    if !fitting.contains(&c) {
                        return (Vec::new(), Some(Never::PinnedRoomUnfit));
                    }
                    vec![c]
                }
                None => fitting.to_vec(),
            };
            return match self.start_at(m, pin.slot, &classes, lists) {
                Some(start) => (vec![start], None),
                None => (Vec::new(), Some(Never::PinImpossible)),
            };
        }
        if fitting.is_empty() {
            return (
                Vec::new(),
                Some(Never::NoRoom {
                    seats: problem.seats_needed(m),
                    features: meeting.features.clone(),
                }),
            );
        }
        let mut starts = Vec::new();
        let mut participants_ever_free = false;
        for t in 0..self.slot_count {
            if self.participants_can(m, t) {
                participants_ever_free = true;
                if let Some(start) = self.start_at(m, t, fitting, lists) {
                    starts.push(start);
                }
            }
        }
        let never = if !starts.is_empty() {
            None
        } else if participants_ever_free {
            Some(Never::NoRoomWhenFree)
        } else {
            Some(Never::NoCommonSlot)
        };
        (starts, never)
    }

    /// Whether every participant is available and every occupied slot allowed when `m`
    /// starts at `t`.
    fn participants_can(&self, m: MeetingIx, t: SlotIx) -> bool {
        let meeting = &self.problem.meetings[m];
        let Some(occupied) = self.problem.occupied_slots(m, t) else {
            return false;
        };
        occupied.into_iter().all(|s| {
            meeting
                .allowed_slots
                .as_ref()
                .is_none_or(|allowed| allowed.binary_search(&s).is_ok())
                && meeting
                    .participants
                    .iter()
                    .all(|&p| self.participant_available[p * self.slot_count + s])
        })
    }

    fn start_at(
        &self,
        m: MeetingIx,
        t: SlotIx,
        candidates: &[ClassIx],
        lists: &mut ClassLists,
    ) -> Option<Start> {
        if !self.participants_can(m, t) {
            return None;
        }
        let occupied = self.problem.occupied_slots(m, t)?;
        let classes: Vec<ClassIx> = candidates
            .iter()
            .copied()
            .filter(|&c| occupied.clone().all(|s| self.classes[c].available[s]))
            .collect();
        (!classes.is_empty()).then(|| Start {
            slot: t,
            classes: lists.share(classes),
        })
    }

    pub fn duration(&self, m: MeetingIx) -> usize {
        self.problem.meetings[m].duration as usize
    }

    pub fn session_of(&self, t: SlotIx) -> usize {
        self.problem.slots[t].session
    }

    pub fn participants(&self, m: MeetingIx) -> &[ParticipantIx] {
        &self.problem.meetings[m].participants
    }

    /// The class of a meeting's `current` room, when it has one.
    pub fn current_class(&self, m: MeetingIx) -> Option<(SlotIx, ClassIx)> {
        self.problem.meetings[m]
            .current
            .map(|c| (c.slot, self.class_of_room[c.room]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(rooms: &str, participants: &str, meetings: &str) -> Problem {
        let text = format!(
            r#"{{"format": "rendezvous-problem/1",
              "slots": [
                {{"id": "a1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
                {{"id": "a2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
                {{"id": "a3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}},
                {{"id": "b1", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}}
              ],
              "rooms": {rooms}, "participants": {participants}, "meetings": {meetings}}}"#
        );
        Problem::from_json(&text).unwrap()
    }

    #[test]
    fn identical_rooms_share_a_class_and_pinned_rooms_stand_alone() {
        let p = problem(
            r#"[{"id": "T1", "capacity": 2}, {"id": "R", "capacity": 8, "features": ["video"]},
                {"id": "T2", "capacity": 2}, {"id": "T3", "capacity": 2}, {"id": "T4", "capacity": 2, "unavailable": ["a1"]}]"#,
            r#"[{"id": "x"}, {"id": "y"}]"#,
            r#"[{"id": "m", "participants": ["x", "y"], "weight": 1, "fixed": {"slot": "a2", "room": "T3"}}]"#,
        );
        let model = Model::new(&p);
        let rooms: Vec<Vec<RoomIx>> = model.classes.iter().map(|c| c.rooms.clone()).collect();
        assert_eq!(rooms, vec![vec![0, 2], vec![3], vec![4], vec![1]]);
        assert!(!model.classes[2].available[0] && model.classes[2].available[1]);
        assert_eq!(
            model.starts[0],
            vec![Start {
                slot: 1,
                classes: vec![1].into()
            }]
        );
    }

    #[test]
    fn starts_respect_sessions_availability_allowed_slots_and_rooms() {
        let p = problem(
            r#"[{"id": "T", "capacity": 2, "unavailable": ["a1"]}, {"id": "R", "capacity": 4, "features": ["video"]}]"#,
            r#"[{"id": "x", "unavailable": ["a3"]}, {"id": "y"}, {"id": "z", "size": 5}]"#,
            r#"[{"id": "long", "participants": ["x", "y"], "weight": 1, "duration": 2},
                {"id": "any", "participants": ["x", "y"], "weight": 1, "allowed_slots": ["a1", "a2", "b1"]},
                {"id": "big", "participants": ["x", "z"], "weight": 1},
                {"id": "vid", "participants": ["y", "x"], "weight": 1, "features": ["video"], "allowed_slots": ["a3"]}]"#,
        );
        let model = Model::new(&p);
        let slots = |m: usize| model.starts[m].iter().map(|s| s.slot).collect::<Vec<_>>();
        // a1+a2 only: a2+a3 hits x's talk, b1 is the end of its session.
        assert_eq!(slots(0), vec![0]);
        assert_eq!(*model.starts[0][0].classes, [1]);
        assert_eq!(slots(1), vec![0, 1, 3]);
        assert_eq!(*model.starts[1][1].classes, [0, 1]);
        assert_eq!(
            model.never[2],
            Some(Never::NoRoom {
                seats: 6,
                features: vec![]
            })
        );
        assert_eq!(model.never[3], Some(Never::NoCommonSlot));
    }
}
