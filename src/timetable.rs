//! The live timetable as people read it: each meeting with its room and participants' names,
//! its times and its state (booked, scheduled, confirmed, cancelled), indexed by
//! participant. Built once per revision on each node (every booking, move, cancellation and
//! publish raises the revision) and shared by the JSON API, the calendar feeds and the web
//! pages.
//!
//! Bookings and published versions: a publish is the solver's base (its version number says
//! which run it came from), bookings and the other changes of a meeting's life are live on
//! top of it, and the revision counts both. Copying a whole timetable per booking would cost
//! tens of thousands of rows each time; a revision costs one counter.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, CalendarEntry};
use crate::cluster::{Cluster, channels};
use crate::domain::MeetingState;
use crate::i18n::Lang;
use crate::store::{DynStore, Event, LiveTimetable, StoreError, StoreResult};

/// A room as shown with a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomRef {
    pub id: String,
    pub name: String,
}

/// A participant as shown with a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParticipantRef {
    pub id: String,
    pub name: String,
}

/// A meeting of the timetable.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingView {
    /// The meeting request it holds.
    pub request: String,
    /// RFC 3339 with the event's offset of that date.
    pub start: String,
    pub end: String,
    pub room: RoomRef,
    pub participants: Vec<ParticipantRef>,
    /// Raised each time the meeting moved or was cancelled.
    pub sequence: i64,
    /// `booked` (agreed by its participants), `scheduled` (placed by a published timetable),
    /// `confirmed` (scheduled and confirmed by every participant) or `cancelled`.
    pub state: MeetingState,
    /// Why it was cancelled.
    pub reason: Option<String>,
}

/// A meeting with its UTC instants, for calendars.
#[derive(Debug, Clone)]
pub struct ResolvedMeeting {
    pub view: MeetingView,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When the meeting last changed (the calendar's DTSTAMP).
    pub changed: DateTime<Utc>,
}

/// The published version the solver's placements come from.
#[derive(Debug, Clone, Copy)]
pub struct PublishedVersion {
    pub version: i64,
    pub published_at: DateTime<Utc>,
}

/// The live timetable with names and times resolved.
pub struct PublishedTimetable {
    pub event: Event,
    /// The published version, if one is.
    pub published: Option<PublishedVersion>,
    /// The live revision this was built from.
    pub revision: i64,
    /// Every meeting, by start time then room name.
    pub meetings: Vec<ResolvedMeeting>,
    /// Each participant's meetings (indexes into `meetings`, in order).
    by_participant: HashMap<String, Vec<usize>>,
}

impl PublishedTimetable {
    /// The published version; `None` while nothing is published.
    pub fn version(&self) -> Option<i64> {
        self.published.map(|p| p.version)
    }

    /// One participant's agenda as an iCalendar document in `lang`, for the API and the
    /// pages alike.
    pub fn calendar_of(&self, id: &str, name: &str, lang: Lang) -> anyhow::Result<String> {
        let entries: Vec<CalendarEntry> = self
            .meetings_of(id)
            .map(
                |ResolvedMeeting {
                     view: m,
                     start,
                     end,
                     changed,
                 }| {
                    let others: Vec<&str> = m
                        .participants
                        .iter()
                        .filter(|p| p.id != id)
                        .map(|p| p.name.as_str())
                        .collect();
                    let event = ("event", self.event.name.clone());
                    Ok(CalendarEntry {
                        request_id: m.request.clone(),
                        start: *start,
                        end: *end,
                        summary: lang.ta("ics-summary", &[("names", others.join(", "))]),
                        location: m.room.name.clone(),
                        description: match &m.reason {
                            Some(reason) => {
                                lang.ta("ics-description-cancelled", &[event, ("reason", reason.clone())])
                            }
                            None => lang.ta("ics-description", &[event]),
                        },
                        sequence: u32::try_from(m.sequence)
                            .map_err(|_| anyhow::anyhow!("sequence {}", m.sequence))?,
                        stamp: *changed,
                        status: match m.state {
                            MeetingState::Cancelled => calendar::Status::Cancelled,
                            MeetingState::Booked | MeetingState::Confirmed => calendar::Status::Confirmed,
                            MeetingState::Scheduled => calendar::Status::Scheduled,
                        },
                    })
                },
            )
            .collect::<anyhow::Result<_>>()?;
        Ok(calendar::render(
            &lang.ta(
                "ics-calendar",
                &[("event", self.event.name.clone()), ("name", name.to_string())],
            ),
            &entries,
        ))
    }

    /// One participant's meetings, in order.
    pub fn meetings_of<'a>(&'a self, participant: &str) -> impl Iterator<Item = &'a ResolvedMeeting> + 'a {
        self.by_participant
            .get(participant)
            .into_iter()
            .flatten()
            .map(|&index| &self.meetings[index])
    }
}

/// This node's resolved timetables, one per event, for the live revision it was built from. Building one reads the whole event; on the opening morning thousands of agenda
/// reads miss the cache at once, and they must not each do that.
#[derive(Default)]
pub struct PublishedTimetables {
    latest: std::sync::Mutex<HashMap<String, Arc<PublishedTimetable>>>,
    building: tokio::sync::Mutex<()>,
}

impl PublishedTimetables {
    /// The event's live timetable, resolved (built once per revision on this node).
    pub async fn get(&self, store: &DynStore, event_id: &str) -> StoreResult<Arc<PublishedTimetable>> {
        let revision = store.event(event_id).await?.meetings_revision;
        if let Some(resolved) = self.cached(event_id, revision) {
            return Ok(resolved);
        }
        let _one_build_at_a_time = self.building.lock().await;
        if let Some(resolved) = self.cached(event_id, revision) {
            return Ok(resolved);
        }
        let resolved = Arc::new(build(store, event_id).await?);
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(event_id.to_owned(), resolved.clone());
        Ok(resolved)
    }

    fn cached(&self, event: &str, revision: i64) -> Option<Arc<PublishedTimetable>> {
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(event)
            .filter(|resolved| resolved.revision >= revision)
            .cloned()
    }
}

async fn build(store: &DynStore, event_id: &str) -> StoreResult<PublishedTimetable> {
    let event = store.event(event_id).await?;
    let spec = event.spec()?;
    let LiveTimetable {
        version,
        published_at,
        revision,
        requests,
    } = store.live_timetable(event_id).await?;
    let rooms: HashMap<String, String> = store
        .rooms(event_id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let names: HashMap<String, String> = store
        .participants(event_id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.profile.name))
        .collect();
    let mut meetings = Vec::with_capacity(requests.len());
    for r in &requests {
        let Some(m) = &r.life.meeting else { continue };
        let count = (r.duration_minutes / event.slot_minutes).max(1) as usize;
        let run = spec
            .run_from(&m.slot_id, count)
            .ok_or_else(|| StoreError::Corrupt(format!("meeting {} has no slots {}", r.id, m.slot_id)))?;
        let (first, last) = (&run[0], &run[run.len() - 1]);
        let view = MeetingView {
            request: r.id.clone(),
            start: first.start_rfc3339(),
            end: last.end_rfc3339(),
            room: RoomRef {
                id: m.room_id.clone(),
                name: rooms.get(&m.room_id).cloned().unwrap_or_default(),
            },
            participants: r
                .participants()
                .into_iter()
                .map(|p| ParticipantRef {
                    name: names.get(&p).cloned().unwrap_or_default(),
                    id: p,
                })
                .collect(),
            sequence: m.sequence,
            state: m.state,
            reason: m.reason.clone(),
        };
        meetings.push(ResolvedMeeting {
            view,
            start: first.start.to_utc(),
            end: last.end.to_utc(),
            changed: m.updated_at,
        });
    }
    meetings.sort_by(|a, b| (a.start, &a.view.room.name).cmp(&(b.start, &b.view.room.name)));
    let mut by_participant: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, meeting) in meetings.iter().enumerate() {
        for p in &meeting.view.participants {
            by_participant.entry(p.id.clone()).or_default().push(index);
        }
    }
    Ok(PublishedTimetable {
        event,
        published: version
            .zip(published_at)
            .map(|(version, published_at)| PublishedVersion {
                version,
                published_at,
            }),
        revision,
        meetings,
        by_participant,
    })
}

/// Points every node's timetable cache at the live revision `revision` and announces it on
/// the event's updates channel. Neither may fail the change that caused it: the cache
/// pointer also expires on its own.
pub async fn announce(cluster: &Cluster, event: &str, version: Option<i64>, revision: i64) {
    let pointer = u64::try_from(revision).unwrap_or(0);
    if !cluster.cache.set_current_version(event, pointer).await {
        tracing::warn!(
            event,
            revision,
            "could not point the timetable cache at the new revision"
        );
    }
    let payload = serde_json::json!({ "version": version, "revision": revision }).to_string();
    if let Err(err) = cluster.bus.publish(&channels::updates(event), &payload).await {
        tracing::warn!(event, revision, error = %err, "could not announce the timetable change");
    }
}
