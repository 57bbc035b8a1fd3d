//! What a publish stores: a done run's solution read against the problem it solved, each
//! placed meeting with its participants and every slot it occupies. Meetings no longer
//! accepted (withdrawn or declined since the solve) are left out and listed. Also the one
//! publish operation the API and the pages call, and the review of a run's draft against
//! the published version that comes before it.

use std::collections::HashSet;

use rendezvous_solver::{Problem, SolutionDoc};

use crate::domain::RequestStatus;
use crate::domain::notice::Placed;
use crate::domain::timetable_diff::{TimetableDiff, timetable_diff};
use crate::store::{PlacedMeeting, Publication, RunStatus, ScheduleRun, Store, StoreError};

/// Why a stored run cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The stored documents do not parse: the store is damaged.
    #[error("stored {0} of the run does not parse: {1}")]
    Corrupt(&'static str, String),
    /// The solution does not fit its problem.
    #[error("{0}")]
    Mismatch(String),
}

/// The meetings to publish, and the ids of those left out because they are no longer
/// accepted.
#[derive(Debug)]
pub struct Placements {
    pub meetings: Vec<PlacedMeeting>,
    pub skipped: Vec<String>,
}

/// Reads a run's stored problem and solution documents into the meetings to publish.
pub fn placements(
    problem: &str,
    solution: &str,
    accepted: &HashSet<String>,
) -> Result<Placements, PublishError> {
    let problem = Problem::from_json(problem).map_err(|e| PublishError::Corrupt("problem", e.to_string()))?;
    let solution: SolutionDoc =
        serde_json::from_str(solution).map_err(|e| PublishError::Corrupt("solution", e.to_string()))?;
    let mut meetings = Vec::new();
    let mut skipped = Vec::new();
    for a in &solution.assignments {
        if !accepted.contains(&a.meeting) {
            skipped.push(a.meeting.clone());
            continue;
        }
        let (Some(m), Some(slot)) = (problem.meeting_index(&a.meeting), problem.slot_index(&a.slot)) else {
            return Err(PublishError::Mismatch(format!(
                "the solution places unknown meeting or slot ({a:?})"
            )));
        };
        if problem.room_index(&a.room).is_none() {
            return Err(PublishError::Mismatch(format!(
                "the solution uses unknown room {:?}",
                a.room
            )));
        }
        let occupied = problem.occupied_slots(m, slot).ok_or_else(|| {
            PublishError::Mismatch(format!("meeting {} runs past the end of its session", a.meeting))
        })?;
        meetings.push(PlacedMeeting {
            request_id: a.meeting.clone(),
            slot_id: a.slot.clone(),
            room_id: a.room.clone(),
            participants: problem.meetings[m]
                .participants
                .iter()
                .map(|&p| problem.participants[p].id.clone())
                .collect(),
            occupied_slots: occupied.map(|s| problem.slots[s].id.clone()).collect(),
        });
    }
    Ok(Placements { meetings, skipped })
}

/// Why a run was not published (nothing was).
#[derive(Debug, thiserror::Error)]
pub enum PublishRunError {
    /// Only a done run has a schedule to publish.
    #[error("the run is {}; only a done run can be published", .0.as_str())]
    NotDone(RunStatus),
    /// The run's solution does not fit its problem.
    #[error("{0}")]
    Mismatch(String),
    /// The caller's copy of the timetable is not the live one (`If-Match`): its revision now.
    #[error("the timetable changed since it was read (revision {0})")]
    Stale(i64),
    /// The store refused (an older run than the published one, a clash with a meeting booked
    /// since, a run or event that is not there) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The run, its placements of accepted meetings, and the ids left out as not accepted.
async fn run_placements(
    store: &dyn Store,
    event: &str,
    run: &str,
) -> Result<(ScheduleRun, Placements), PublishRunError> {
    let run = store.run(event, run).await?;
    let (RunStatus::Done, Some(problem), Some(solution)) = (run.status, &run.problem, &run.solution) else {
        return Err(PublishRunError::NotDone(run.status));
    };
    let accepted: HashSet<String> = store
        .requests(event, None)
        .await?
        .into_iter()
        .filter(|r| r.status == RequestStatus::Accepted)
        .map(|r| r.id)
        .collect();
    let placed = placements(problem, solution, &accepted).map_err(|e| match e {
        PublishError::Mismatch(reason) => PublishRunError::Mismatch(reason),
        corrupt @ PublishError::Corrupt(..) => {
            PublishRunError::Store(StoreError::Corrupt(format!("run {}: {corrupt}", run.id)))
        }
    })?;
    Ok((run, placed))
}

/// Publishes a done run's schedule as the next timetable version: its accepted meetings,
/// checked again by the store in the publish's transaction (`current_ok` judges the live
/// revision: the caller's `If-Match`). The caller announces the new revision.
pub async fn publish_run(
    store: &dyn Store,
    event: &str,
    run: &str,
    current_ok: &(dyn Fn(i64) -> bool + Send + Sync),
) -> Result<Publication, PublishRunError> {
    let (_, Placements { meetings, skipped }) = run_placements(store, event, run).await?;
    let mut published = match store.publish(event, run, &meetings, current_ok).await {
        Err(StoreError::Stale(revision)) => return Err(PublishRunError::Stale(revision)),
        other => other?,
    };
    published.skipped.splice(0..0, skipped);
    Ok(published)
}

/// A done run's draft against the published version it would replace.
#[derive(Debug)]
pub struct DraftReview {
    pub run: ScheduleRun,
    /// The published version (its number and run), if any.
    pub published: Option<(i64, String)>,
    pub diff: TimetableDiff,
    /// Meetings the run placed that are no longer accepted: they would be left out.
    pub skipped: Vec<String>,
}

/// What publishing `run` would change in the published version, meeting by meeting.
pub async fn review_draft(store: &dyn Store, event: &str, run: &str) -> Result<DraftReview, PublishRunError> {
    let (run, Placements { meetings, skipped }) = run_placements(store, event, run).await?;
    let published = store.timetable(event).await?;
    let before: Vec<Placed<'_>> = published
        .iter()
        .flat_map(|t| &t.meetings)
        .map(|m| Placed {
            request: &m.request_id,
            slot: &m.slot_id,
            room: &m.room_id,
            participants: &m.participants,
        })
        .collect();
    let after: Vec<Placed<'_>> = meetings
        .iter()
        .map(|m| Placed {
            request: &m.request_id,
            slot: &m.slot_id,
            room: &m.room_id,
            participants: &m.participants,
        })
        .collect();
    let diff = timetable_diff(&before, &after);
    Ok(DraftReview {
        run,
        published: published.map(|t| (t.version, t.schedule_id)),
        diff,
        skipped,
    })
}
