//! Properties of the solver on random small problems, judged by the independent checker
//! and by a brute-force optimum.

use std::time::Duration;

use proptest::prelude::*;
use rendezvous_solver::format::{FixedDoc, MeetingDoc, ParticipantDoc, RoomDoc};
use rendezvous_solver::{Problem, Solution, SolveOptions, Status, check, evaluate, solve};

use crate::common::{brute_force, problem_spec};

fn solve_quickly(problem: &Problem) -> Solution {
    let options = SolveOptions {
        time_limit: Duration::from_secs(2),
        ..SolveOptions::default()
    };
    solve(problem, &options, &mut |_| {})
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_solution_is_valid_and_reports_its_own_objective(spec in problem_spec(false)) {
        let problem = spec.build();
        let solution = solve_quickly(&problem);
        if solution.status != Status::Infeasible {
            let report = evaluate(&problem, &solution.schedule);
            let lines: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
            prop_assert!(report.is_valid(), "broken rules: {lines:#?}");
            prop_assert_eq!(solution.objective, report.objective, "breakdown {:?}", report.breakdown);
        }
        if let Some(bound) = solution.bound {
            prop_assert!(solution.objective <= bound, "objective {} above bound {bound}", solution.objective);
        }
        let report = check(&problem, &solution.to_doc(&problem));
        let lines: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
        prop_assert!(report.is_valid(), "the solution document fails the checker: {lines:#?}");
    }

    #[test]
    fn the_solver_proves_the_brute_force_optimum(spec in problem_spec(false)) {
        let problem = spec.build();
        let (best, witness) = brute_force(&problem).expect("generated pins are consistent");
        // The brute force's own schedule must be valid and score what it claims.
        let witness_report = evaluate(&problem, &witness);
        prop_assert!(witness_report.is_valid());
        prop_assert_eq!(witness_report.objective, best);

        let solution = solve_quickly(&problem);
        prop_assert_eq!(solution.status, Status::Optimal, "objective {} bound {:?}", solution.objective, solution.bound);
        prop_assert_eq!(solution.objective, best);
        prop_assert_eq!(solution.bound, Some(best));
    }

    #[test]
    fn consistent_pins_are_honoured(spec in problem_spec(true)) {
        let problem = spec.build();
        let solution = solve_quickly(&problem);
        prop_assert_ne!(solution.status, Status::Infeasible, "the pins fit together, yet: {:?}", solution.reasons);
        for (m, meeting) in problem.meetings.iter().enumerate() {
            let Some(pin) = meeting.fixed else { continue };
            let placement = solution.schedule.placements[m];
            prop_assert_eq!(placement.map(|p| p.slot), Some(pin.slot), "pinned meeting {}", &meeting.id);
            if let Some(room) = pin.room {
                prop_assert_eq!(placement.map(|p| p.room), Some(room), "pinned meeting {}", &meeting.id);
            }
        }
        let report = evaluate(&problem, &solution.schedule);
        prop_assert!(report.is_valid(), "{:#?}", report.violations);
        if solution.status == Status::Optimal {
            let (best, _) = brute_force(&problem).expect("generated pins are consistent");
            prop_assert_eq!(solution.objective, best);
        }
    }

    #[test]
    fn contradictory_pins_make_the_problem_infeasible(
        spec in problem_spec(false),
        slot in 0..16usize,
        with_rooms in any::<bool>(),
    ) {
        // Two extra meetings sharing participant "shared", pinned to the same slot. Their
        // participants and rooms are new and always free, so each pin alone would fit.
        let mut doc = spec.to_doc();
        let slot_id = doc.slots[slot % doc.slots.len()].id.clone();
        for id in ["shared", "guest-x", "guest-y"] {
            doc.participants.push(ParticipantDoc { id: id.into(), size: 1, unavailable: Vec::new(), max_meetings: None });
        }
        for id in ["room-x", "room-y"] {
            doc.rooms.push(RoomDoc { id: id.into(), capacity: 2, features: Vec::new(), unavailable: Vec::new() });
        }
        for (id, guest, room) in [("clash-x", "guest-x", "room-x"), ("clash-y", "guest-y", "room-y")] {
            doc.meetings.push(MeetingDoc {
                id: id.into(),
                participants: vec!["shared".into(), guest.into()],
                duration: 1,
                weight: 5,
                features: Vec::new(),
                allowed_slots: None,
                fixed: Some(FixedDoc { slot: slot_id.clone(), room: with_rooms.then(|| room.into()) }),
                current: None,
            });
        }
        let problem = Problem::try_from(doc).expect("valid problem");
        prop_assert!(brute_force(&problem).is_none());

        let solution = solve_quickly(&problem);
        prop_assert_eq!(solution.status, Status::Infeasible);
        let doc = solution.to_doc(&problem);
        prop_assert!(doc.assignments.is_empty(), "{:?}", doc.assignments);
        let reasons: Vec<String> = doc.unscheduled.iter().map(|u| format!("{}: {}", u.meeting, u.reason)).collect();
        for id in ["clash-x", "clash-y"] {
            prop_assert!(
                doc.unscheduled.iter().any(|u| u.reason.contains(id)),
                "no reason names the pinned meeting {id}: {reasons:#?}"
            );
        }
        let report = check(&problem, &doc);
        prop_assert!(report.is_valid(), "{:#?}", report.violations);
    }

    /// With the fairness rule (a spread of 0 to 2, pins frequent): the solution passes the
    /// checker, rule included; it is the brute-force optimum of the fair schedules, proved
    /// (the whole-problem MIP models the rule), unless the pins alone break the rule; and
    /// it says infeasible when no fair schedule exists.
    #[test]
    fn the_fairness_rule_is_kept_and_the_fair_optimum_never_beaten(spec in problem_spec(true), spread in 0..=2u32) {
        let mut problem = spec.build();
        problem.max_wait_spread = Some(spread);
        let best = brute_force(&problem).map(|(best, _)| best);
        let solution = solve_quickly(&problem);
        let report = check(&problem, &solution.to_doc(&problem));
        let lines: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
        prop_assert!(report.is_valid(), "the solution document fails the checker: {lines:#?}");
        match best {
            None => prop_assert_eq!(solution.status, Status::Infeasible),
            Some(best) if solution.status != Status::Infeasible => {
                prop_assert!(solution.objective <= best, "objective {} above the fair optimum {best}", solution.objective);
                prop_assert_eq!(solution.status, Status::Optimal, "objective {} bound {:?} fair optimum {}", solution.objective, solution.bound, best);
                prop_assert_eq!(solution.objective, best);
            }
            // Only when the pins alone break the rule (the checker accepted the claim).
            Some(_) => {}
        }
    }
}
