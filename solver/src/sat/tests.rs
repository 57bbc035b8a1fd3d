use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::problem::Problem;
use crate::waits::{fair_floors, wait_floors};

/// A meeting of a test forum: its two participants, allowed slots (or any), pinned slot
/// (or none).
type MeetingSpec = ((usize, usize), Option<Vec<usize>>, Option<usize>);

/// A forum of two sessions (`slots` slots each) with two-seat tables: every meeting
/// weighs 1000, each wait costs 1.
fn forum(slots: usize, tables: usize, away: &[Vec<usize>], meetings: &[MeetingSpec]) -> Problem {
    let slot_id = |t: usize| format!("s{t}");
    let slot_docs: Vec<String> = (0..2 * slots)
        .map(|t| {
            let (hour, minute) = (9 + 5 * (t / slots), 10 * (t % slots));
            format!(
                r#"{{"id": "{}", "start": "2027-04-17T{hour:02}:{minute:02}:00+01:00", "end": "2027-04-17T{hour:02}:{:02}:00+01:00"}}"#,
                slot_id(t),
                minute + 10
            )
        })
        .collect();
    let quoted = |ts: &[usize]| {
        ts.iter()
            .map(|&t| format!(r#""{}""#, slot_id(t)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rooms: Vec<String> = (0..tables)
        .map(|r| format!(r#"{{"id": "t{r}", "capacity": 2}}"#))
        .collect();
    let people: Vec<String> = away
        .iter()
        .enumerate()
        .map(|(p, away)| format!(r#"{{"id": "p{p}", "unavailable": [{}]}}"#, quoted(away)))
        .collect();
    let meeting_docs: Vec<String> = meetings
        .iter()
        .enumerate()
        .map(|(m, ((a, b), allowed, pin))| {
            let allowed = allowed.as_ref().map_or("null".to_string(), |ts| format!("[{}]", quoted(ts)));
            let pin = pin.map_or("null".to_string(), |t| format!(r#"{{"slot": "{}"}}"#, slot_id(t)));
            format!(
                r#"{{"id": "m{m}", "participants": ["p{a}", "p{b}"], "weight": 1000, "allowed_slots": {allowed}, "fixed": {pin}}}"#
            )
        })
        .collect();
    Problem::from_json(&format!(
        r#"{{"format": "rendezvous-problem/1", "slots": [{}], "rooms": [{}], "participants": [{}],
            "meetings": [{}], "penalties": {{"gap": 1}}}}"#,
        slot_docs.join(", "),
        rooms.join(", "),
        people.join(", "),
        meeting_docs.join(", ")
    ))
    .unwrap()
}

/// The fewest waits over every schedule that holds every schedulable meeting (and keeps
/// the fairness rule, when the problem has one), by enumeration (`None`: no such schedule).
fn brute_force(model: &Model) -> Option<u32> {
    fn visit(
        model: &Model,
        m: usize,
        spots: &mut Vec<Option<Spot>>,
        used: &mut [u32],
        busy: &mut [bool],
        best: &mut Option<u32>,
    ) {
        let problem = model.problem;
        let slots = model.slot_count;
        if m == problem.meetings.len() {
            let waits = waits_of_spots(model, spots);
            // The fairness rule, counted on its own: every participant's gaps.
            let each = waits_per_participant(model, spots);
            let spread = each.iter().max().unwrap_or(&0) - each.iter().min().unwrap_or(&0);
            if problem.max_wait_spread.is_some_and(|d| spread > d) {
                return;
            }
            if best.is_none_or(|b| waits < b) {
                *best = Some(waits);
            }
            return;
        }
        if model.starts[m].is_empty() {
            return visit(model, m + 1, spots, used, busy, best);
        }
        for start in &model.starts[m] {
            let t = start.slot;
            let class = start.classes[0];
            let free = model.participants(m).iter().all(|&p| !busy[p * slots + t]);
            if !free || used[class * slots + t] >= model.classes[class].size() {
                continue;
            }
            used[class * slots + t] += 1;
            for &p in model.participants(m) {
                busy[p * slots + t] = true;
            }
            spots[m] = Some(Spot { slot: t, class });
            visit(model, m + 1, spots, used, busy, best);
            spots[m] = None;
            used[class * slots + t] -= 1;
            for &p in model.participants(m) {
                busy[p * slots + t] = false;
            }
        }
    }
    let mut best = None;
    let mut spots = vec![None; model.problem.meetings.len()];
    let mut used = vec![0; model.classes.len() * model.slot_count];
    let mut busy = vec![false; model.problem.participants.len() * model.slot_count];
    visit(model, 0, &mut spots, &mut used, &mut busy, &mut best);
    best
}

fn small_forum() -> impl Strategy<Value = Problem> {
    (2..=3usize, 1..=3usize, 3..=5usize).prop_flat_map(|(slots, tables, people)| {
        let meeting = (
            (0..people, 0..people),
            prop::option::weighted(0.3, prop::collection::vec(0..2 * slots, 1..=3)),
            prop::option::weighted(0.15, 0..2 * slots),
        );
        (
            prop::collection::vec(prop::collection::vec(0..2 * slots, 0..=1), people),
            prop::collection::vec(meeting, 2..=7),
        )
            .prop_map(move |(away, meetings)| {
                let meetings: Vec<_> = meetings
                    .into_iter()
                    .map(|((a, b), allowed, pin)| {
                        let pair = if a == b { (a, (a + 1) % people) } else { (a, b) };
                        (pair, allowed, pin)
                    })
                    .collect();
                forum(slots, tables, &away, &meetings)
            })
    })
}

/// From no schedule at all, the search ends with the brute-force optimum proved, every
/// schedule it reports has exactly the waits it claims, and the independent checker
/// accepts the last one, rooms assigned (fairness rule included).
fn the_search_proves_the_brute_force_optimum(problem: &Problem) -> Result<(), TestCaseError> {
    let model = Model::new(problem);
    prop_assume!(applies(&model));
    let optimum = brute_force(&model);
    let floors = wait_floors(&model);
    let Some(floors) = floors else {
        prop_assert_eq!(optimum, None);
        return Ok(());
    };
    let floors = fair_floors(problem, floors);
    let none = vec![None; problem.meetings.len()];
    let never = || false;
    let search = WaitsSearch {
        warm: &none,
        warm_waits: None,
        proved_min: floors.iter().sum(),
        floors: &floors,
        deadline: Instant::now() + Duration::from_secs(60),
        cancelled: &never,
        known: &|_| None,
    };
    let mut claims = Vec::new();
    let mut last = None;
    let outcome = search_waits(&model, &search, &mut |found| {
        if let Found::Schedule(spots) = found {
            let mut state = crate::state::State::new(&model);
            claims.push((
                waits_of_spots(&model, spots),
                crate::milp::validated(&mut state, spots).is_some(),
            ));
            last = Some(spots.to_vec());
        }
        true
    });
    prop_assert!(
        claims.iter().all(|&(_, valid)| valid),
        "a reported schedule is invalid"
    );
    // Each schedule reported has fewer waits than the one before.
    prop_assert!(claims.windows(2).all(|w| w[1].0 < w[0].0));
    match optimum {
        Some(optimum) => {
            prop_assert_eq!(outcome.best, optimum);
            prop_assert_eq!(outcome.proved_min, optimum);
            let last = last.expect("an optimum is reported");
            let schedule = crate::rooms::assign_rooms(&model, &last).expect("rooms for a valid schedule");
            let report = crate::check::evaluate(problem, &schedule);
            prop_assert_eq!(report.breakdown.gaps, i64::from(optimum));
            // A pin that cannot be held leaves its meeting out of the model, and out of
            // every schedule (the solver calls such a problem infeasible before this).
            let pins_held = (0..problem.meetings.len())
                .all(|m| problem.meetings[m].fixed.is_none() || !model.starts[m].is_empty());
            if pins_held {
                prop_assert!(report.is_valid(), "{:?}", report.violations);
            }
            // Given the optimal schedule as found elsewhere, a second search takes it
            // and only proves it: it reports no schedule of its own.
            let known = |fewer_than: u32| {
                let waits = waits_of_spots(&model, &last);
                (waits < fewer_than).then(|| (last.clone(), waits))
            };
            let again = WaitsSearch {
                known: &known,
                ..search
            };
            let mut reported = 0;
            let outcome = search_waits(&model, &again, &mut |found| {
                reported += usize::from(matches!(found, Found::Schedule(_)));
                true
            });
            prop_assert_eq!((outcome.best, outcome.proved_min), (optimum, optimum));
            prop_assert_eq!(reported, 0);
        }
        None => {
            prop_assert_eq!((outcome.best, outcome.proved_min), (u32::MAX, u32::MAX));
            prop_assert!(claims.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_sat_search_proves_the_brute_force_optimum(problem in small_forum()) {
        the_search_proves_the_brute_force_optimum(&problem)?;
    }

    /// The same with the fairness rule: the brute force keeps only the schedules whose
    /// participants' waits differ by at most `max_wait_spread`.
    #[test]
    fn the_sat_search_proves_the_fair_brute_force_optimum(mut problem in small_forum(), spread in 0..=2u32) {
        problem.max_wait_spread = Some(spread);
        the_search_proves_the_brute_force_optimum(&problem)?;
    }
}

#[test]
fn the_fairness_rule_can_cost_waits_and_is_kept() {
    // Mornings of three slots, one table. p0 meets p1 only at s0 and p2 only at s2: p0
    // waits once, p1 and p2 never.
    let meetings: Vec<MeetingSpec> = vec![((0, 1), Some(vec![0]), None), ((0, 2), Some(vec![2]), None)];
    let mut problem = forum(3, 1, &[vec![], vec![], vec![]], &meetings);
    let model = Model::new(&problem);
    assert_eq!(brute_force(&model), Some(1));
    problem.max_wait_spread = Some(1);
    assert_eq!(brute_force(&Model::new(&problem)), Some(1));
    // With a spread of 0 nobody may wait once while the others wait 0 times: no schedule
    // holds both meetings, and the search proves it from no schedule.
    problem.max_wait_spread = Some(0);
    let model = Model::new(&problem);
    assert_eq!(brute_force(&model), None);
    let floors = fair_floors(&problem, wait_floors(&model).unwrap());
    let none = vec![None; problem.meetings.len()];
    let never = || false;
    let search = WaitsSearch {
        warm: &none,
        warm_waits: None,
        proved_min: floors.iter().sum(),
        floors: &floors,
        deadline: Instant::now() + Duration::from_secs(60),
        cancelled: &never,
        known: &|_| None,
    };
    let outcome = search_waits(&model, &search, &mut |_| true);
    assert_eq!((outcome.best, outcome.proved_min), (u32::MAX, u32::MAX));
}

#[test]
fn pub_forum_2_is_proved_at_its_known_optimum_from_no_schedule() {
    // 4 waits, its floors: proved by the pattern model before (BENCHMARKS.md).
    let problem = Problem::from_json(include_str!("../../tests/data/pub-forum-2.json")).unwrap();
    let model = Model::new(&problem);
    let floors = wait_floors(&model).unwrap();
    let none = vec![None; problem.meetings.len()];
    let never = || false;
    let search = WaitsSearch {
        warm: &none,
        warm_waits: None,
        proved_min: floors.iter().sum(),
        floors: &floors,
        deadline: Instant::now() + Duration::from_secs(3600),
        cancelled: &never,
        known: &|_| None,
    };
    let mut best = None;
    let outcome = search_waits(&model, &search, &mut |found| {
        if let Found::Schedule(spots) = found {
            best = Some(spots.to_vec());
        }
        true
    });
    assert_eq!((outcome.best, outcome.proved_min), (4, 4), "{outcome:?}");
    let best = best.unwrap();
    assert_eq!(waits_of_spots(&model, &best), 4);
    let schedule = crate::rooms::assign_rooms(&model, &best).unwrap();
    let report = crate::check::evaluate(&problem, &schedule);
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(report.breakdown.gaps, 4);
}
