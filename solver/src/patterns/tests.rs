use super::*;
use crate::milp::validated;
use crate::problem::Problem;
use crate::state::State;

/// Six slots, two tables; p0 meets p1, p2, p3 and p1 meets p2.
fn forum() -> Problem {
    let slots: Vec<String> = (0..6)
        .map(|t| {
            format!(
                r#"{{"id": "s{t}", "start": "2027-04-17T09:{:02}:00+01:00", "end": "2027-04-17T09:{:02}:00+01:00"}}"#,
                5 * t,
                5 * t + 5
            )
        })
        .collect();
    Problem::from_json(&format!(
        r#"{{"format": "rendezvous-problem/1", "slots": [{}],
            "rooms": [{{"id": "a", "capacity": 2}}, {{"id": "b", "capacity": 2}}],
            "participants": [{{"id": "p0"}}, {{"id": "p1"}}, {{"id": "p2"}}, {{"id": "p3"}}],
            "meetings": [
                {{"id": "m0", "participants": ["p0", "p1"], "weight": 1000}},
                {{"id": "m1", "participants": ["p0", "p2"], "weight": 1000}},
                {{"id": "m2", "participants": ["p0", "p3"], "weight": 1000}},
                {{"id": "m3", "participants": ["p1", "p2"], "weight": 1000}}],
            "penalties": {{"gap": 1}}}}"#,
        slots.join(", ")
    ))
    .unwrap()
}

fn spot(slot: SlotIx) -> Option<Spot> {
    Some(Spot { slot, class: 0 })
}

fn total_gaps(model: &Model, spots: &[Option<Spot>]) -> u32 {
    let mut state = State::new(model);
    assert!(validated(&mut state, spots).is_some(), "{spots:?}");
    (0..model.problem.participants.len())
        .map(|p| state.waits(p, 0).gaps)
        .sum()
}

#[test]
fn a_window_reorders_only_what_it_holds() {
    let problem = forum();
    let model = Model::new(&problem);
    // p0 meets at 0, 2 and 4 (two gaps); p1 and p2 meet at 5.
    let warm = vec![spot(0), spot(2), spot(4), spot(5)];
    assert_eq!(total_gaps(&model, &warm), 4);
    let free: Vec<bool> = warm.iter().map(|s| s.is_some_and(|s| s.slot >= 2)).collect();
    let uncapped = vec![u32::MAX; 4];
    let floors = vec![0; 4];
    let result = solve_patterns(
        &model,
        &PatternSearch {
            warm: &warm,
            free: Some(&free),
            window: Some(2..6),
            caps: &uncapped,
            floors: &floors,
            seconds: 10.0,
            seed: 0,
            stop: None,
        },
    );
    let spots = result.spots.unwrap();
    assert_eq!(spots[0], spot(0), "m0 is outside the window and stays");
    assert!(spots.iter().flatten().skip(1).all(|s| (2..6).contains(&s.slot)));
    // p0 and p1 meet at 0, before the window: one gap each at best, and p2's two
    // meetings side by side (from p0's two gaps, p1's one and p2's one).
    assert_eq!(total_gaps(&model, &spots), 2);
}

#[test]
fn caps_below_what_is_possible_leave_nothing() {
    let problem = forum();
    let model = Model::new(&problem);
    // With nobody allowed a gap the problem is still feasible (p0 in 0–2, m3 next to
    // p1's and p2's meetings with p0),
    let warm = vec![None; 4];
    let zero = vec![0; 4];
    let search = PatternSearch {
        warm: &warm,
        free: None,
        window: None,
        caps: &zero,
        floors: &zero,
        seconds: 10.0,
        seed: 0,
        stop: None,
    };
    let spots = solve_patterns(&model, &search).spots.unwrap();
    assert_eq!(total_gaps(&model, &spots), 0);
    // but inside a window of two slots p0's three meetings cannot fit at all.
    let all = vec![true; 4];
    let narrow = solve_patterns(
        &model,
        &PatternSearch {
            free: Some(&all),
            window: Some(0..2),
            ..search
        },
    );
    assert!(narrow.spots.is_none());
    assert!(narrow.infeasible);
}
