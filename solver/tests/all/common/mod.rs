//! Test support: a random generator of small problems and a brute-force optimum.

use proptest::prelude::*;
use rendezvous_solver::format::{
    FixedDoc, MeetingDoc, PROBLEM_FORMAT, ParticipantDoc, PenaltiesDoc, PlacementDoc, ProblemDoc, RoomDoc,
    SlotDoc,
};
use rendezvous_solver::{Placement, Problem, Schedule, evaluate};

const FEATURES: [&str; 2] = ["interpretation", "video"];

/// A room as generated: indices are taken modulo the problem's slot count.
#[derive(Debug, Clone)]
pub struct RoomSpec {
    capacity: u32,
    features: u8,
    unavailable: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct ParticipantSpec {
    size: u32,
    unavailable: Vec<usize>,
    max_meetings: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct MeetingSpec {
    /// Participant indices (modulo the count; repeats are dropped, a second one is forced).
    participants: Vec<usize>,
    duration: u32,
    weight: u32,
    features: u8,
    allowed_slots: Option<Vec<usize>>,
    current: Option<(usize, usize)>,
    /// A pin (slot, room, whether the room is pinned too), kept only when consistent.
    pin: Option<(usize, usize, bool)>,
}

/// A small problem, as proptest generates and shrinks it.
#[derive(Debug, Clone)]
pub struct ProblemSpec {
    session_lengths: Vec<usize>,
    rooms: Vec<RoomSpec>,
    participants: Vec<ParticipantSpec>,
    meetings: Vec<MeetingSpec>,
    penalties: (u32, u32, u32),
}

fn room_spec() -> impl Strategy<Value = RoomSpec> {
    (
        prop_oneof![Just(2u32), Just(3), Just(4), 2..=8u32],
        prop_oneof![3 => Just(0u8), 1 => 0..4u8],
        prop::collection::vec(0..16usize, 0..=2),
    )
        .prop_map(|(capacity, features, unavailable)| RoomSpec {
            capacity,
            features,
            unavailable,
        })
}

fn participant_spec() -> impl Strategy<Value = ParticipantSpec> {
    (
        prop_oneof![3 => Just(1u32), 1 => 1..=3u32],
        prop::collection::vec(0..16usize, 0..=2),
        prop_oneof![3 => Just(None), 1 => (1..=3u32).prop_map(Some)],
    )
        .prop_map(|(size, unavailable, max_meetings)| ParticipantSpec {
            size,
            unavailable,
            max_meetings,
        })
}

fn meeting_spec(pins: bool) -> impl Strategy<Value = MeetingSpec> {
    let pin = if pins {
        prop_oneof![1 => Just(None), 1 => (0..16usize, 0..4usize, any::<bool>()).prop_map(Some)].boxed()
    } else {
        prop_oneof![6 => Just(None), 1 => (0..16usize, 0..4usize, any::<bool>()).prop_map(Some)].boxed()
    };
    (
        prop::collection::vec(0..6usize, 2..=3),
        prop_oneof![2 => Just(1u32), 1 => Just(2)],
        1..=10u32,
        prop_oneof![3 => Just(0u8), 1 => 0..4u8],
        prop_oneof![3 => Just(None), 1 => prop::collection::vec(0..16usize, 1..=8).prop_map(Some)],
        prop_oneof![2 => Just(None), 1 => (0..16usize, 0..4usize).prop_map(Some)],
        pin,
    )
        .prop_map(
            |(participants, duration, weight, features, allowed_slots, current, pin)| MeetingSpec {
                participants,
                duration,
                weight,
                features,
                allowed_slots,
                current,
                pin,
            },
        )
}

/// 1–3 sessions of 2–5 slots, 2–4 rooms, 3–6 participants, 2–8 meetings, penalties 0–3;
/// `pins` makes organiser pins frequent rather than occasional.
pub fn problem_spec(pins: bool) -> impl Strategy<Value = ProblemSpec> {
    (
        prop::collection::vec(2..=5usize, 1..=3),
        prop::collection::vec(room_spec(), 2..=4),
        prop::collection::vec(participant_spec(), 3..=6),
        prop::collection::vec(meeting_spec(pins), 2..=8),
        (0..=3u32, 0..=3u32, 0..=3u32),
    )
        .prop_map(
            |(session_lengths, rooms, participants, meetings, penalties)| ProblemSpec {
                session_lengths,
                rooms,
                participants,
                meetings,
                penalties,
            },
        )
}

fn features(bits: u8) -> Vec<String> {
    FEATURES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, f)| f.to_string())
        .collect()
}

impl ProblemSpec {
    /// The problem document: sessions on one or two days, pins kept only where they fit
    /// with the pins before them.
    pub fn to_doc(&self) -> ProblemDoc {
        let mut slots = Vec::new();
        for (k, &len) in self.session_lengths.iter().enumerate() {
            // Morning and afternoon of day 1, then the morning of day 2.
            let (day, hour) = [(17, 9), (17, 14), (18, 9)][k];
            for i in 0..len {
                let minute = 20 * i;
                let (h0, m0) = (hour + minute / 60, minute % 60);
                let (h1, m1) = (hour + (minute + 20) / 60, (minute + 20) % 60);
                slots.push(SlotDoc {
                    id: format!("s{k}{i}"),
                    start: format!("2027-04-{day}T{h0:02}:{m0:02}:00+01:00"),
                    end: format!("2027-04-{day}T{h1:02}:{m1:02}:00+01:00"),
                });
            }
        }
        let n_slots = slots.len();
        let slot_id = |i: usize| slots[i % n_slots].id.clone();
        let slot_ids = |ixs: &[usize]| ixs.iter().map(|&i| slot_id(i)).collect::<Vec<_>>();
        let room_id = |i: usize| format!("r{}", i % self.rooms.len());
        let n_people = self.participants.len();

        let rooms = self
            .rooms
            .iter()
            .enumerate()
            .map(|(i, r)| RoomDoc {
                id: format!("r{i}"),
                capacity: r.capacity,
                features: features(r.features),
                unavailable: slot_ids(&r.unavailable),
            })
            .collect();
        let participants = self
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| ParticipantDoc {
                id: format!("p{i}"),
                size: p.size,
                unavailable: slot_ids(&p.unavailable),
                max_meetings: p.max_meetings,
            })
            .collect();
        let meetings = self
            .meetings
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut members: Vec<usize> = Vec::new();
                for &p in &m.participants {
                    if !members.contains(&(p % n_people)) {
                        members.push(p % n_people);
                    }
                }
                if members.len() < 2 {
                    members.push((members[0] + 1) % n_people);
                }
                MeetingDoc {
                    id: format!("m{i}"),
                    participants: members.iter().map(|p| format!("p{p}")).collect(),
                    duration: m.duration,
                    weight: m.weight,
                    features: features(m.features),
                    allowed_slots: m.allowed_slots.as_ref().map(|s| slot_ids(s)),
                    fixed: None,
                    current: m.current.map(|(s, r)| PlacementDoc {
                        slot: slot_id(s),
                        room: room_id(r),
                    }),
                }
            })
            .collect();
        let mut doc = ProblemDoc {
            format: PROBLEM_FORMAT.into(),
            name: Some("generated".into()),
            timezone: Some("Africa/Casablanca".into()),
            slots,
            rooms,
            participants,
            meetings,
            penalties: PenaltiesDoc {
                idle_slot: self.penalties.0,
                gap: self.penalties.1,
                move_: self.penalties.2,
            },
            max_wait_spread: None,
        };

        // Keep each pin only when the pinned meetings so far can all be held as pinned.
        let mut pinned: Vec<(usize, usize, usize)> = Vec::new();
        for (i, m) in self.meetings.iter().enumerate() {
            let Some((slot, room, with_room)) = m.pin else {
                continue;
            };
            let (slot, room) = (slot % n_slots, room % self.rooms.len());
            let problem = Problem::try_from(doc.clone()).expect("generated problems are valid");
            let mut schedule = Schedule::empty(&problem);
            for &(m, s, r) in pinned.iter().chain(std::iter::once(&(i, slot, room))) {
                schedule.placements[m] = Some(Placement {
                    slot: problem.slot_index(&doc.slots[s].id).unwrap(),
                    room: r,
                });
            }
            // The candidate pin is not on `doc` yet: its placement is judged by rules 1–5, the
            // pins kept before it by rule 6 as well.
            if evaluate(&problem, &schedule).is_valid() {
                pinned.push((i, slot, room));
                doc.meetings[i].fixed = Some(FixedDoc {
                    slot: doc.slots[slot].id.clone(),
                    room: with_room.then(|| room_id(room)),
                });
            }
        }
        doc
    }

    pub fn build(&self) -> Problem {
        Problem::try_from(self.to_doc()).expect("generated problems are valid")
    }
}

/// The best objective over every schedule (that keeps the fairness rule, when the problem
/// has one), and one schedule reaching it; `None` when no schedule honours the pins (and
/// the rule).
///
/// Exhaustive: every meeting is tried unscheduled and at every (first slot, room) where it
/// breaks no rule with the meetings decided before it. Branches are cut only by conflicts
/// and by an upper bound no completion can beat, so the result is exact.
pub fn brute_force(problem: &Problem) -> Option<(i64, Schedule)> {
    assert!(problem.slots.len() <= 64, "brute force is for tiny problems");
    let n_slots = problem.slots.len();
    let session_masks: Vec<u64> = problem
        .sessions
        .iter()
        .map(|s| s.slots.clone().fold(0u64, |mask, i| mask | 1 << i))
        .collect();

    // Every placement each meeting may take on its own (rules 1–4 apart from clashes, 6).
    let mut options: Vec<Vec<(Placement, u64)>> = Vec::new();
    for (m, meeting) in problem.meetings.iter().enumerate() {
        let mut list = Vec::new();
        for slot in 0..n_slots {
            let Some(range) = problem.occupied_slots(m, slot) else {
                continue;
            };
            let mask = range.clone().fold(0u64, |mask, s| mask | 1 << s);
            let allowed = meeting
                .allowed_slots
                .as_ref()
                .is_none_or(|a| range.clone().all(|s| a.contains(&s)));
            let people_free = meeting.participants.iter().all(|&p| {
                range
                    .clone()
                    .all(|s| !problem.participants[p].unavailable.contains(&s))
            });
            if !allowed || !people_free {
                continue;
            }
            for room in 0..problem.rooms.len() {
                let placement = Placement { slot, room };
                let pinned_ok = meeting
                    .fixed
                    .is_none_or(|pin| pin.slot == slot && pin.room.is_none_or(|r| r == room));
                if pinned_ok
                    && problem.room_fits(m, room)
                    && range
                        .clone()
                        .all(|s| !problem.rooms[room].unavailable.contains(&s))
                {
                    list.push((placement, mask));
                }
            }
        }
        // Its current place first: good schedules early make the bound cut sooner.
        list.sort_by_key(|(p, _)| (Some(*p) != meeting.current, p.slot, p.room));
        options.push(list);
    }

    // Pinned meetings first, then heavier meetings first.
    let mut order: Vec<usize> = (0..problem.meetings.len()).collect();
    order.sort_by_key(|&m| {
        (
            problem.meetings[m].fixed.is_none(),
            std::cmp::Reverse(problem.meetings[m].weight),
            m,
        )
    });

    let mut search = Search {
        problem,
        options,
        order,
        session_masks,
        busy: vec![0; problem.participants.len()],
        room_busy: vec![0; problem.rooms.len()],
        count: vec![0; problem.participants.len()],
        current: vec![None; problem.meetings.len()],
        best: None,
    };
    search.dfs(0, 0, 0);
    search.best
}

struct Search<'a> {
    problem: &'a Problem,
    options: Vec<Vec<(Placement, u64)>>,
    order: Vec<usize>,
    session_masks: Vec<u64>,
    busy: Vec<u64>,
    room_busy: Vec<u64>,
    count: Vec<u32>,
    current: Vec<Option<Placement>>,
    best: Option<(i64, Schedule)>,
}

impl Search<'_> {
    /// Idle slots and gaps of one participant's occupied slots.
    fn waits(&self, busy: u64) -> (i64, i64) {
        let (mut idle, mut gaps) = (0, 0);
        for &session in &self.session_masks {
            let bits = busy & session;
            if bits == 0 {
                continue;
            }
            let (lo, hi) = (bits.trailing_zeros(), 63 - bits.leading_zeros());
            let span = (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
            idle += i64::from((span & !bits).count_ones());
            // A wait starts wherever an occupied slot is followed by a free one, before the last.
            gaps += i64::from((bits & !(bits >> 1) & !(1u64 << hi) & span).count_ones());
        }
        (idle, gaps)
    }

    fn penalty(&self, idle: i64, gaps: i64) -> i64 {
        i64::from(self.problem.penalties.idle_slot) * idle + i64::from(self.problem.penalties.gap) * gaps
    }

    fn fits(&self, m: usize, placement: Placement, mask: u64) -> bool {
        let meeting = &self.problem.meetings[m];
        self.room_busy[placement.room] & mask == 0
            && meeting.participants.iter().all(|&p| {
                self.busy[p] & mask == 0
                    && self.problem.participants[p]
                        .max_meetings
                        .is_none_or(|max| self.count[p] < max)
            })
    }

    /// The most any completion of the first `depth` decisions can score.
    fn upper_bound(&self, depth: usize, weight: i64, moved: i64) -> Option<i64> {
        let problem = self.problem;
        let move_cost = i64::from(problem.penalties.move_);
        let mut bound = weight - move_cost * moved;
        let mut remaining_duration = vec![0i64; problem.participants.len()];
        let mut remaining_count = vec![0i64; problem.participants.len()];
        for &m in &self.order[depth..] {
            let meeting = &problem.meetings[m];
            let open: Vec<Placement> = self.options[m]
                .iter()
                .filter(|&&(p, mask)| self.fits(m, p, mask))
                .map(|&(p, _)| p)
                .collect();
            if open.is_empty() {
                if meeting.fixed.is_some() {
                    return None;
                }
            } else {
                bound += i64::from(meeting.weight);
                for &p in &meeting.participants {
                    remaining_duration[p] += i64::from(meeting.duration);
                    remaining_count[p] += 1;
                }
            }
            if meeting.current.is_some_and(|c| !open.contains(&c)) {
                bound -= move_cost;
            }
        }
        for (p, &busy) in self.busy.iter().enumerate() {
            // Later meetings can fill idle slots (one each) and close gaps (one each), no more.
            let (idle, gaps) = self.waits(busy);
            bound -= self.penalty(
                (idle - remaining_duration[p]).max(0),
                (gaps - remaining_count[p]).max(0),
            );
        }
        Some(bound)
    }

    fn dfs(&mut self, depth: usize, weight: i64, moved: i64) {
        let Some(bound) = self.upper_bound(depth, weight, moved) else {
            return;
        };
        if self.best.as_ref().is_some_and(|(best, _)| bound <= *best) {
            return;
        }
        if depth == self.order.len() {
            // The fairness rule: every participant's gaps, those without meetings at 0.
            if let Some(spread) = self.problem.max_wait_spread {
                let gaps: Vec<i64> = self.busy.iter().map(|&busy| self.waits(busy).1).collect();
                let (most, least) = (gaps.iter().max(), gaps.iter().min());
                if most
                    .zip(least)
                    .is_some_and(|(most, least)| most - least > i64::from(spread))
                {
                    return;
                }
            }
            // Every meeting is decided: the bound is the exact objective.
            let schedule = Schedule {
                placements: self.current.clone(),
            };
            self.best = Some((bound, schedule));
            return;
        }
        let m = self.order[depth];
        let meeting = &self.problem.meetings[m];
        let participants = meeting.participants.clone();
        let current = meeting.current;
        let (fixed, weight_m) = (meeting.fixed.is_some(), i64::from(meeting.weight));
        for i in 0..self.options[m].len() {
            let (placement, mask) = self.options[m][i];
            if !self.fits(m, placement, mask) {
                continue;
            }
            for &p in &participants {
                self.busy[p] |= mask;
                self.count[p] += 1;
            }
            self.room_busy[placement.room] |= mask;
            self.current[m] = Some(placement);
            let moved_here = i64::from(current.is_some_and(|c| c != placement));
            self.dfs(depth + 1, weight + weight_m, moved + moved_here);
            self.current[m] = None;
            self.room_busy[placement.room] &= !mask;
            for &p in &participants {
                self.busy[p] &= !mask;
                self.count[p] -= 1;
            }
        }
        if !fixed {
            self.dfs(depth + 1, weight, moved + i64::from(current.is_some()));
        }
    }
}
