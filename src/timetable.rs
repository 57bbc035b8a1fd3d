//! The published timetable as people read it: each meeting with its room and participants'
//! names and its times, indexed by participant. Built once per published version on each
//! node and shared by the JSON API, the calendar feeds and the web pages.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, CalendarEntry};
use crate::i18n::Lang;
use crate::store::{DynStore, Event, StoreError, StoreResult, Timetable};

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

/// A published meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingView {
    /// The meeting request it holds.
    pub request: String,
    /// RFC 3339 with the event's offset of that date.
    pub start: String,
    pub end: String,
    pub room: RoomRef,
    pub participants: Vec<ParticipantRef>,
    /// Raised each time the meeting moved between versions.
    pub sequence: i64,
}

/// A published meeting with its UTC instants, for calendars.
#[derive(Debug, Clone)]
pub struct ResolvedMeeting {
    pub view: MeetingView,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The published timetable with names and times resolved.
pub struct PublishedTimetable {
    pub event: Event,
    pub timetable: Option<Timetable>,
    /// Every meeting, by start time then room name.
    pub meetings: Vec<ResolvedMeeting>,
    /// Each participant's meetings (indexes into `meetings`, in order).
    by_participant: HashMap<String, Vec<usize>>,
}

impl PublishedTimetable {
    /// The published version; `None` while nothing is published.
    pub fn version(&self) -> Option<i64> {
        self.timetable.as_ref().map(|t| t.version)
    }

    /// One participant's agenda as an iCalendar document in `lang`, for the API and the
    /// pages alike.
    pub fn calendar_of(&self, id: &str, name: &str, lang: Lang) -> anyhow::Result<String> {
        let stamp = self
            .timetable
            .as_ref()
            .map(|t| t.published_at)
            .unwrap_or(self.event.created_at);
        let entries: Vec<CalendarEntry> = self
            .meetings_of(id)
            .map(|ResolvedMeeting { view: m, start, end }| {
                let others: Vec<&str> = m
                    .participants
                    .iter()
                    .filter(|p| p.id != id)
                    .map(|p| p.name.as_str())
                    .collect();
                Ok(CalendarEntry {
                    request_id: m.request.clone(),
                    start: *start,
                    end: *end,
                    summary: lang.ta("ics-summary", &[("names", others.join(", "))]),
                    location: m.room.name.clone(),
                    description: lang.ta("ics-description", &[("event", self.event.name.clone())]),
                    sequence: u32::try_from(m.sequence)
                        .map_err(|_| anyhow::anyhow!("sequence {}", m.sequence))?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(calendar::render(
            &lang.ta(
                "ics-calendar",
                &[("event", self.event.name.clone()), ("name", name.to_string())],
            ),
            stamp,
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

/// This node's resolved timetables, one per event, for the version published when it was
/// built. Building one reads the whole event; on the opening morning thousands of agenda
/// reads miss the cache at once, and they must not each do that.
#[derive(Default)]
pub struct PublishedTimetables {
    latest: std::sync::Mutex<HashMap<String, Arc<PublishedTimetable>>>,
    building: tokio::sync::Mutex<()>,
}

impl PublishedTimetables {
    /// The event's published timetable, resolved (built once per version on this node).
    pub async fn get(&self, store: &DynStore, event_id: &str) -> StoreResult<Arc<PublishedTimetable>> {
        let version = store.event(event_id).await?.timetable_version;
        if let Some(resolved) = self.cached(event_id, version) {
            return Ok(resolved);
        }
        let _one_build_at_a_time = self.building.lock().await;
        if let Some(resolved) = self.cached(event_id, version) {
            return Ok(resolved);
        }
        let resolved = Arc::new(build(store, event_id).await?);
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(event_id.to_owned(), resolved.clone());
        Ok(resolved)
    }

    fn cached(&self, event: &str, version: Option<i64>) -> Option<Arc<PublishedTimetable>> {
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(event)
            .filter(|resolved| resolved.version() == version)
            .cloned()
    }
}

async fn build(store: &DynStore, event_id: &str) -> StoreResult<PublishedTimetable> {
    let event = store.event(event_id).await?;
    let spec = event.spec()?;
    let Some(timetable) = store.timetable(event_id).await? else {
        return Ok(PublishedTimetable {
            event,
            timetable: None,
            meetings: Vec::new(),
            by_participant: HashMap::new(),
        });
    };
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
        .map(|p| (p.id, p.name))
        .collect();
    let durations: HashMap<String, u32> = store
        .requests(event_id, None)
        .await?
        .into_iter()
        .map(|r| (r.id, r.duration_minutes))
        .collect();
    let mut meetings = Vec::with_capacity(timetable.meetings.len());
    for m in &timetable.meetings {
        let minutes = durations
            .get(&m.request_id)
            .copied()
            .unwrap_or(event.slot_minutes);
        let count = (minutes / event.slot_minutes).max(1) as usize;
        let run = spec.run_from(&m.slot_id, count).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "published meeting {} has no slots {}",
                m.request_id, m.slot_id
            ))
        })?;
        let (first, last) = (&run[0], &run[run.len() - 1]);
        let view = MeetingView {
            request: m.request_id.clone(),
            start: first.start_rfc3339(),
            end: last.end_rfc3339(),
            room: RoomRef {
                id: m.room_id.clone(),
                name: rooms.get(&m.room_id).cloned().unwrap_or_default(),
            },
            participants: m
                .participants
                .iter()
                .map(|p| ParticipantRef {
                    id: p.clone(),
                    name: names.get(p).cloned().unwrap_or_default(),
                })
                .collect(),
            sequence: m.sequence,
        };
        meetings.push(ResolvedMeeting {
            view,
            start: first.start.to_utc(),
            end: last.end.to_utc(),
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
        timetable: Some(timetable),
        meetings,
        by_participant,
    })
}
