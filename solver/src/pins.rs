//! Whether the organiser's pins hold together, without solving: what a service asks before
//! it stores a pin, so that a pin it accepts is one every solve can honour.

use crate::construct::place_pins;
use crate::model::Model;
use crate::problem::{MeetingIx, Problem};
use crate::state::State;

/// The pinned meetings that cannot be held where they are pinned, each with the reason
/// (naming the other meetings and the rule); empty when every pin can be honoured at once.
/// These are the reasons [`solve`](crate::solve) gives when it answers `infeasible`.
///
/// ```
/// use rendezvous_solver::{Problem, pin_conflicts};
///
/// let problem = Problem::from_json(r#"{
///   "format": "rendezvous-problem/1",
///   "slots": [{"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}],
///   "rooms": [{"id": "T1", "capacity": 2}, {"id": "T2", "capacity": 2}],
///   "participants": [{"id": "bkk"}, {"id": "acme"}, {"id": "uni"}],
///   "meetings": [
///     {"id": "m1", "participants": ["bkk", "acme"], "weight": 1, "fixed": {"slot": "s1"}},
///     {"id": "m2", "participants": ["bkk", "uni"], "weight": 1, "fixed": {"slot": "s1"}}
///   ]
/// }"#).unwrap();
/// let conflicts = pin_conflicts(&problem);
/// let named: Vec<&str> = conflicts.iter().map(|(m, _)| problem.meetings[*m].id.as_str()).collect();
/// assert_eq!(named, ["m1", "m2"]);
/// assert!(conflicts[0].1.contains("bkk is in both at once"));
/// ```
pub fn pin_conflicts(problem: &Problem) -> Vec<(MeetingIx, String)> {
    let model = Model::new(problem);
    let mut state = State::new(&model);
    place_pins(&mut state).err().unwrap_or_default()
}
