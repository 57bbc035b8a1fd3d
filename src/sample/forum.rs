//! Forum look-alikes of the published business-to-business meeting benchmark (Bofill et
//! al., JAIR 74 (2022)), deterministic from a seed: sizes drawn within the benchmark's
//! (42–78 participants, 125–302 meetings, 8–22 slots in a morning and an afternoon, 12–27
//! identical two-seat tables) at its densities, every meeting to be held, a
//! morning/afternoon wish on some meetings, a few forbidden slots per participant, and
//! optionally a share of the meetings pinned (the paper's Table 7 variant).
//!
//! The meetings are drawn slot by slot into a schedule that holds them all (the witness),
//! and every wish, forbidden slot and pin is chosen to agree with it: a generated forum is
//! always feasible, pins included.

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::index::sample;
use rand::{SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;
use rendezvous_solver::b2b::{Forum, ForumMeeting, SessionWish};

/// The benchmark's ranges.
const PARTICIPANTS: std::ops::RangeInclusive<usize> = 42..=78;
const MEETINGS: std::ops::RangeInclusive<usize> = 125..=302;
const SLOTS: std::ops::RangeInclusive<usize> = 8..=22;
const TABLES: std::ops::RangeInclusive<usize> = 12..=27;
/// At most this share of the table-slots is used: the benchmark's forums fill 60–85 % of
/// their tables.
const TABLE_FILL: f64 = 0.85;
/// The share of the participant-slots busy, drawn per forum: the two published forums at
/// hand are busy 36 % (pub-forum-1: 70 participants, 250 meetings, 20 slots) and 77 %
/// (pub-forum-2: 60, 230, 10), and the density is what makes the waits hard.
const PARTICIPANT_FILL: std::ops::RangeInclusive<f64> = 0.35..=0.8;
/// Share of meetings with a session wish (their witness's session), and the most
/// forbidden slots a participant gets (each among those it is free in the witness).
const WISH_SHARE: f64 = 0.25;
const MOST_FORBIDDEN: usize = 2;
/// How uneven participants' numbers of meetings are: popularity `1 / rank^ZIPF`.
const ZIPF: f64 = 0.6;

/// A forum look-alike from `seed`, with `pins_percent` % of its meetings pinned to their
/// slot in the witness schedule (0–100).
pub fn forum_look_alike(seed: u64, pins_percent: u8) -> Forum {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let participants = rng.random_range(PARTICIPANTS);
    let slots = rng.random_range(SLOTS);
    let morning_slots = slots / 2 + rng.random_range(0..=slots % 2);
    let fewest_tables = (*MEETINGS.start() as f64 / (TABLE_FILL * slots as f64)).ceil() as usize;
    let tables = rng.random_range(fewest_tables.max(*TABLES.start())..=*TABLES.end());
    let fill = rng.random_range(PARTICIPANT_FILL);
    let most = (*MEETINGS.end())
        .min((TABLE_FILL * (slots * tables) as f64) as usize)
        .min((fill * (participants * slots) as f64 / 2.0) as usize);
    // Near the most the fills allow, so the drawn density is the forum's density.
    let most = most.max(*MEETINGS.start());
    let wanted = rng.random_range((*MEETINGS.start()).max(most * 3 / 4)..=most);

    let mut popularity: Vec<f64> = (1..=participants).map(|rank| (rank as f64).powf(-ZIPF)).collect();
    popularity.shuffle(&mut rng);
    let mut witness = Witness::new(participants, slots);
    for t in 0..slots {
        // Spread what is left over the slots left, a table each at most.
        let here = (wanted - witness.meetings.len()).div_ceil(slots - t).min(tables);
        for _ in 0..here {
            if !witness.add(&mut rng, &popularity, t) {
                break;
            }
        }
    }
    // On dense forums a slot can run out of free pairs early: a second pass fills the
    // tables left free where pairs remain.
    for t in 0..slots {
        while witness.meetings.len() < wanted
            && witness.held_at[t] < tables
            && witness.add(&mut rng, &popularity, t)
        {}
    }
    let Witness {
        busy,
        meetings: witness,
        ..
    } = witness;

    let session_of = |t: usize| {
        if t < morning_slots {
            SessionWish::Morning
        } else {
            SessionWish::Afternoon
        }
    };
    let mut meetings: Vec<ForumMeeting> = witness
        .iter()
        .map(|&(participants, t)| ForumMeeting {
            participants,
            wish: if rng.random_bool(WISH_SHARE) {
                session_of(t)
            } else {
                SessionWish::Any
            },
            fixed: None,
        })
        .collect();
    let pinned = (meetings.len() * usize::from(pins_percent.min(100))).div_ceil(100);
    for m in sample(&mut rng, meetings.len(), pinned) {
        meetings[m].fixed = Some(witness[m].1);
    }
    let forbidden = busy
        .iter()
        .map(|own| {
            let free: Vec<usize> = (0..slots).filter(|&t| !own[t]).collect();
            let count = rng.random_range(0..=MOST_FORBIDDEN.min(free.len()));
            let mut away: Vec<usize> = sample(&mut rng, free.len(), count)
                .into_iter()
                .map(|i| free[i])
                .collect();
            away.sort_unstable();
            away
        })
        .collect();
    // Meetings in a random order, as in the benchmark's files (not slot by slot).
    meetings.shuffle(&mut rng);
    Forum {
        name: Some(format!("forum look-alike (seed {seed}, {pins_percent} % pinned)")),
        participants,
        tables,
        slots,
        morning_slots,
        meetings,
        forbidden,
    }
}

/// The schedule the forum is drawn around: per participant and slot, whether it is busy;
/// who has met whom; each meeting's pair and slot.
struct Witness {
    busy: Vec<Vec<bool>>,
    met: Vec<Vec<bool>>,
    held_at: Vec<usize>,
    meetings: Vec<((usize, usize), usize)>,
}

impl Witness {
    fn new(participants: usize, slots: usize) -> Self {
        Self {
            busy: vec![vec![false; slots]; participants],
            met: vec![vec![false; participants]; participants],
            held_at: vec![0; slots],
            meetings: Vec::new(),
        }
    }

    /// Draws a new pair free at `t` into slot `t`; false when none is found.
    fn add(&mut self, rng: &mut ChaCha8Rng, popularity: &[f64], t: usize) -> bool {
        let Some((a, b)) = draw_pair(rng, popularity, &self.busy, &self.met, t) else {
            return false;
        };
        self.busy[a][t] = true;
        self.busy[b][t] = true;
        self.met[a][b] = true;
        self.met[b][a] = true;
        self.held_at[t] += 1;
        self.meetings.push(((a, b), t));
        true
    }
}

/// Two participants free at slot `t` who have not met yet, drawn by popularity; `None`
/// when a few tries find none.
fn draw_pair(
    rng: &mut ChaCha8Rng,
    popularity: &[f64],
    busy: &[Vec<bool>],
    met: &[Vec<bool>],
    t: usize,
) -> Option<(usize, usize)> {
    let free: Vec<f64> = popularity
        .iter()
        .enumerate()
        .map(|(p, &w)| if busy[p][t] { 0.0 } else { w })
        .collect();
    let first = WeightedIndex::new(&free).ok()?;
    for _ in 0..20 {
        let a = first.sample(rng);
        let others: Vec<f64> = free
            .iter()
            .enumerate()
            .map(|(p, &w)| if p == a || met[a][p] { 0.0 } else { w })
            .collect();
        if let Ok(second) = WeightedIndex::new(&others) {
            let b = second.sample(rng);
            return Some((a.min(b), a.max(b)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rendezvous_solver::{Problem, SolveOptions, evaluate, solve};

    use super::*;

    fn problem(forum: &Forum) -> Problem {
        Problem::from_json(&serde_json::to_string(&forum.to_problem_doc()).unwrap()).unwrap()
    }

    #[test]
    fn forums_are_valid_problems_of_the_benchmarks_sizes() {
        for seed in 1..=8 {
            let forum = forum_look_alike(seed, 0);
            let problem = problem(&forum);
            assert!(PARTICIPANTS.contains(&problem.participants.len()), "seed {seed}");
            assert!(
                MEETINGS.contains(&problem.meetings.len()),
                "seed {seed}: {}",
                problem.meetings.len()
            );
            assert!(SLOTS.contains(&problem.slots.len()), "seed {seed}");
            assert!(TABLES.contains(&problem.rooms.len()), "seed {seed}");
            assert_eq!(problem.sessions.len(), 2, "a morning and an afternoon");
            assert!(problem.meetings.iter().all(|m| m.fixed.is_none()));
            let wishes = problem
                .meetings
                .iter()
                .filter(|m| m.allowed_slots.is_some())
                .count();
            assert!(
                wishes > 0 && wishes < problem.meetings.len(),
                "seed {seed}: {wishes} wishes"
            );
            assert!(problem.participants.iter().any(|p| !p.unavailable.is_empty()));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_forum_and_another_seed_another() {
        assert_eq!(forum_look_alike(5, 20), forum_look_alike(5, 20));
        assert_ne!(forum_look_alike(5, 0), forum_look_alike(6, 0));
    }

    #[test]
    fn pins_take_their_share_of_the_meetings() {
        let forum = forum_look_alike(3, 20);
        let pinned = forum.meetings.iter().filter(|m| m.fixed.is_some()).count();
        assert_eq!(pinned, (forum.meetings.len() * 20).div_ceil(100));
        // The rest of the forum is the same as without pins.
        let unpinned = forum_look_alike(3, 0);
        assert_eq!(
            (forum.participants, forum.slots, forum.tables),
            (unpinned.participants, unpinned.slots, unpinned.tables)
        );
    }

    /// Every meeting can be held, pins and wishes and forbidden slots included: a short
    /// solve holds them all.
    #[test]
    fn a_short_solve_holds_every_meeting() {
        for (seed, pins) in [(1, 0), (2, 20)] {
            let problem = problem(&forum_look_alike(seed, pins));
            let options = SolveOptions {
                time_limit: Duration::from_secs(5),
                ..SolveOptions::default()
            };
            let solution = solve(&problem, &options, &mut |_| {});
            let report = evaluate(&problem, &solution.schedule);
            assert!(report.is_valid(), "{:?}", report.violations);
            assert_eq!(
                solution.schedule.placed(),
                problem.meetings.len(),
                "seed {seed}, {pins} % pinned"
            );
        }
    }
}
