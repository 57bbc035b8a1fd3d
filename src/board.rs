//! The organiser's timetable board: one day of the event and a range of its rooms, each
//! meeting a card at its first slot and room, in the draft (the run that finished last) or
//! in the live timetable (the published version and the changes since), with the meetings
//! left out and, for a draft, the solver's reason for each. A window of the board reads the
//! whole event once but keeps only its own day and rooms, so a board of 20,000 meetings is
//! shown a page at a time. The pins it changes are `crate::pins`'; nothing here writes.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rendezvous_solver::Unplaced;
use rendezvous_solver::format::SolutionDoc;

use crate::domain::{MeetingState, RequestStatus, SlotTime};
use crate::store::{MeetingRequest, Pin, Room, ScheduleRun, Store, StoreError, StoreResult};

/// Which timetable the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The run that finished last, not yet published.
    Draft,
    /// What participants read now: the published version and the changes since.
    Live,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Draft => "draft",
            Source::Live => "live",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Source::Draft, Source::Live]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// The part of the board to show: a day (counted from 0) and up to `rooms` rooms from the
/// `rooms_from`-th (in the event's room order).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub day: usize,
    pub rooms_from: usize,
    pub rooms: usize,
}

/// A day of the event and its slots, in time order.
#[derive(Debug, Clone)]
pub struct Day {
    pub date: NaiveDate,
    pub slots: Vec<SlotTime>,
}

/// A placed meeting, at its first slot and its room.
#[derive(Debug, Clone)]
pub struct Card {
    pub request: String,
    /// Participant ids, the requester first.
    pub participants: Vec<String>,
    pub duration_minutes: u32,
    pub slot: String,
    pub room: String,
    /// How many slots it holds its room.
    pub span: usize,
    /// Its state in the live timetable (none in a draft).
    pub state: Option<MeetingState>,
    pub pin: Option<Pin>,
}

/// A meeting the timetable leaves out.
#[derive(Debug, Clone)]
pub struct Left {
    pub request: String,
    pub participants: Vec<String>,
    pub duration_minutes: u32,
    /// The solver's reason, typed (none in the live timetable, or a run stored before
    /// reasons were typed).
    pub cause: Option<Unplaced>,
    /// The solver's reason in English, as the solution document words it.
    pub reason: Option<String>,
    pub pin: Option<Pin>,
}

/// One window of the board.
pub struct Board {
    pub source: Source,
    /// The draft's run (none for the live timetable, or when no run finished yet).
    pub run: Option<ScheduleRun>,
    /// The live timetable's published version.
    pub version: Option<i64>,
    pub days: Vec<Day>,
    /// The window's day (an index into `days`).
    pub day: usize,
    /// The window's rooms.
    pub rooms: Vec<Room>,
    pub rooms_from: usize,
    pub rooms_total: usize,
    /// The meetings placed on the window's day in the window's rooms.
    pub cards: Vec<Card>,
    /// How many meetings are placed on the whole board.
    pub placed: usize,
    /// Every meeting left out, in the timetable's order.
    pub left: Vec<Left>,
    /// Every pin of the event, by request.
    pub pins: HashMap<String, Pin>,
    /// The names of the participants the window's cards, the left-out meetings and their
    /// reasons name.
    pub names: HashMap<String, String>,
}

impl Board {
    /// A participant's name (its id when unknown).
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// The window's day.
    pub fn today(&self) -> Option<&Day> {
        self.days.get(self.day)
    }

    /// The slot with this id, on any day.
    pub fn slot(&self, id: &str) -> Option<&SlotTime> {
        self.days.iter().flat_map(|d| &d.slots).find(|s| s.id == id)
    }
}

/// The event's slots, cut into days.
fn days_of(slots: &[SlotTime]) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for slot in slots {
        let date = slot.start.date_naive();
        match days.last_mut() {
            Some(day) if day.date == date => day.slots.push(slot.clone()),
            _ => days.push(Day {
                date,
                slots: vec![slot.clone()],
            }),
        }
    }
    days
}

/// A placement read from a timetable: request, first slot, room, live state.
type Placement = (String, String, String, Option<MeetingState>);

/// The window `window` of the board of `event`'s `source` timetable.
pub async fn board(store: &dyn Store, event: &str, source: Source, window: Window) -> StoreResult<Board> {
    let stored = store.event(event).await?;
    let spec = stored.spec()?;
    let days = days_of(spec.slots());
    let day = window.day.min(days.len().saturating_sub(1));
    let all_rooms = store.rooms(event).await?;
    let rooms_total = all_rooms.len();
    let rooms_from = window.rooms_from.min(rooms_total.saturating_sub(1));
    let rooms: Vec<Room> = all_rooms
        .into_iter()
        .skip(rooms_from)
        .take(window.rooms.max(1))
        .collect();
    let requests: HashMap<String, MeetingRequest> = store
        .requests(event, None)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let pins: HashMap<String, Pin> = store
        .pins(event)
        .await?
        .pins
        .into_iter()
        .map(|p| (p.request_id.clone(), p))
        .collect();

    let (run, version, placements, unplaced) = match source {
        Source::Draft => {
            let run = store.latest_done_run(event).await?;
            let (placements, unplaced) = match run.as_ref().and_then(|r| r.solution.as_deref()) {
                Some(text) => draft(text)?,
                None => (Vec::new(), Vec::new()),
            };
            (run, None, placements, unplaced)
        }
        Source::Live => {
            let live = store.live_timetable(event).await?;
            let placements: Vec<Placement> = live
                .requests
                .iter()
                .filter_map(|r| {
                    r.placed()
                        .map(|m| (r.id.clone(), m.slot_id.clone(), m.room_id.clone(), Some(m.state)))
                })
                .collect();
            let placed: HashSet<&str> = placements.iter().map(|p| p.0.as_str()).collect();
            let mut unplaced: Vec<(String, Option<Unplaced>, Option<String>)> = requests
                .values()
                .filter(|r| r.status == RequestStatus::Accepted && !placed.contains(r.id.as_str()))
                .map(|r| (r.id.clone(), None, None))
                .collect();
            unplaced.sort_by(|a, b| a.0.cmp(&b.0));
            (None, live.version, placements, unplaced)
        }
    };

    let today: HashSet<&str> = days
        .get(day)
        .map(|d| d.slots.iter().map(|s| s.id.as_str()).collect())
        .unwrap_or_default();
    let shown_rooms: HashSet<&str> = rooms.iter().map(|r| r.id.as_str()).collect();
    let placed = placements.len();
    let cards: Vec<Card> = placements
        .into_iter()
        .filter(|(_, slot, room, _)| today.contains(slot.as_str()) && shown_rooms.contains(room.as_str()))
        .filter_map(|(request, slot, room, state)| {
            // A request deleted since the run was solved has nothing to show.
            let r = requests.get(&request)?;
            Some(Card {
                participants: r.participants(),
                duration_minutes: r.duration_minutes,
                span: (r.duration_minutes / stored.slot_minutes).max(1) as usize,
                pin: pins.get(&request).cloned(),
                request,
                slot,
                room,
                state,
            })
        })
        .collect();
    let left: Vec<Left> = unplaced
        .into_iter()
        .filter_map(|(request, cause, reason)| {
            let r = requests.get(&request)?;
            Some(Left {
                participants: r.participants(),
                duration_minutes: r.duration_minutes,
                pin: pins.get(&request).cloned(),
                request,
                cause,
                reason,
            })
        })
        .collect();

    let mut named: Vec<String> = cards
        .iter()
        .flat_map(|c| c.participants.iter().cloned())
        .chain(left.iter().flat_map(|l| l.participants.iter().cloned()))
        .chain(left.iter().filter_map(|l| l.cause.as_ref()).flat_map(named_in))
        .collect();
    named.sort_unstable();
    named.dedup();
    let names = store.participant_names(event, &named).await?;
    Ok(Board {
        source,
        run,
        version,
        days,
        day,
        rooms,
        rooms_from,
        rooms_total,
        cards,
        placed,
        left,
        pins,
        names,
    })
}

/// The placements and the unplaced meetings (with their reasons) of a stored solution.
type Draft = (Vec<Placement>, Vec<(String, Option<Unplaced>, Option<String>)>);

fn draft(text: &str) -> StoreResult<Draft> {
    let doc: SolutionDoc = serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("a stored solution does not parse: {e}")))?;
    let placements = doc
        .assignments
        .into_iter()
        .map(|a| (a.meeting, a.slot, a.room, None))
        .collect();
    let unplaced = doc
        .unscheduled
        .into_iter()
        .map(|u| (u.meeting, u.cause, Some(u.reason)))
        .collect();
    Ok((placements, unplaced))
}

/// The participants a reason names.
fn named_in(cause: &Unplaced) -> Vec<String> {
    match cause {
        Unplaced::NoCommonSlot { participants }
        | Unplaced::NoRoomWhenFree { participants }
        | Unplaced::SlotsTaken { participants } => participants.clone(),
        Unplaced::ParticipantFull { participant, .. } => vec![participant.clone()],
        Unplaced::NoRoom { .. }
        | Unplaced::PinCannotBeHonoured
        | Unplaced::NotWorthIt
        | Unplaced::Unproved
        | Unplaced::PinContradicts { .. }
        | Unplaced::OtherPinsContradict => Vec::new(),
    }
}
