//! The organiser's timetable board: one day of the event and a range of its rooms, each
//! meeting a card at its first slot and room, in the draft (the run that finished last) or
//! in the live timetable (the published version and the changes since), with a page of the
//! meetings left out and, for a draft, the solver's reason for each. A window reads only
//! what it shows (its day's slots, its rooms, its page of left-out meetings: the store's
//! queries are bounded by them), so a board of 20,000 meetings costs what its window holds.
//! The pins it changes are `crate::pins`'; nothing here writes.

use std::collections::HashMap;

use chrono::NaiveDate;
use rendezvous_solver::Unplaced;

use crate::domain::{MeetingState, SlotTime};
use crate::store::{Counts, MeetingRequest, Pin, Room, ScheduleRun, Store, StoreResult};

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

/// The part of the board to show: a day (counted from 0), up to `rooms` rooms from the
/// `rooms_from`-th (in the event's room order), up to `left` of the meetings left out from
/// the `left_from`-th, and the left-out meeting `also` wherever it stands in that list (a
/// refused pin is said beside it).
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub day: usize,
    pub rooms_from: usize,
    pub rooms: usize,
    pub left_from: usize,
    pub left: usize,
    pub also: Option<String>,
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
    /// The window's page of the meetings left out, in the timetable's order (and the one
    /// the window asked for besides).
    pub left: Vec<Left>,
    /// Where that page starts in the list, and how long the list is.
    pub left_from: usize,
    pub left_total: usize,
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

/// The window `window` of the board of `event`'s `source` timetable.
pub async fn board(store: &dyn Store, event: &str, source: Source, window: Window) -> StoreResult<Board> {
    let stored = store.event(event).await?;
    let spec = stored.spec()?;
    let days = days_of(spec.slots());
    let day = window.day.min(days.len().saturating_sub(1));
    let (mut rooms, mut rooms_total) = store
        .rooms_window(event, window.rooms_from, window.rooms.max(1))
        .await?;
    let mut rooms_from = window.rooms_from;
    if rooms.is_empty() && rooms_total > 0 {
        // Past the last room: the last page.
        rooms_from = (rooms_total - 1) / window.rooms.max(1) * window.rooms.max(1);
        (rooms, rooms_total) = store.rooms_window(event, rooms_from, window.rooms.max(1)).await?;
    }
    let slot_ids: Vec<String> = days
        .get(day)
        .map(|d| d.slots.iter().map(|s| s.id.clone()).collect())
        .unwrap_or_default();
    let room_ids: Vec<String> = rooms.iter().map(|r| r.id.clone()).collect();
    let also = window.also.as_deref();

    let (run, version, placements, counts, left_out) = match source {
        Source::Draft => match store.draft_run(event).await? {
            Some(run) => {
                let placements = store.draft_cells(&run.id, &slot_ids, &room_ids).await?;
                let counts = store.draft_counts(&run.id).await?;
                let left = store
                    .draft_left(&run.id, window.left_from, window.left, also)
                    .await?;
                (Some(run), None, placements, counts, left)
            }
            None => (None, None, Vec::new(), Counts::default(), Vec::new()),
        },
        Source::Live => {
            let placements = store.live_cells(event, &slot_ids, &room_ids).await?;
            let counts = store.live_counts(event).await?;
            let left = store
                .live_left(event, window.left_from, window.left, also)
                .await?;
            (None, stored.timetable_version, placements, counts, left)
        }
    };

    let ids: Vec<String> = placements
        .iter()
        .map(|p| p.request_id.clone())
        .chain(left_out.iter().map(|l| l.request_id.clone()))
        .collect();
    let requests: HashMap<String, MeetingRequest> = store
        .requests_in(event, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let pins: HashMap<String, Pin> = store
        .pins_of(event, &ids)
        .await?
        .into_iter()
        .map(|p| (p.request_id.clone(), p))
        .collect();
    let cards: Vec<Card> = placements
        .into_iter()
        .filter_map(|p| {
            // A request deleted since the run was solved has nothing to show.
            let r = requests.get(&p.request_id)?;
            Some(Card {
                participants: r.participants(),
                duration_minutes: r.duration_minutes,
                span: (r.duration_minutes / stored.slot_minutes).max(1) as usize,
                pin: pins.get(&p.request_id).cloned(),
                request: p.request_id,
                slot: p.slot_id,
                room: p.room_id,
                state: p.state,
            })
        })
        .collect();
    let left: Vec<Left> = left_out
        .into_iter()
        .filter_map(|l| {
            let r = requests.get(&l.request_id)?;
            Some(Left {
                participants: r.participants(),
                duration_minutes: r.duration_minutes,
                pin: pins.get(&l.request_id).cloned(),
                request: l.request_id,
                cause: l.cause,
                reason: l.reason,
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
        placed: counts.placed,
        left,
        left_from: window.left_from,
        left_total: counts.left,
        names,
    })
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
