//! The validated, indexed problem. Every id is resolved to an index once, here, so the
//! checker and the solver never look up strings.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;

use chrono::{DateTime, FixedOffset};

use crate::format::{PROBLEM_FORMAT, ProblemDoc};

/// Input that is not a valid `rendezvous-problem/1` (or solution) document.
/// `path` names the place, as in `meetings[3].weight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for InputError {}

/// Deserialises JSON text into `T`, naming the path of the first error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        InputError::new(path, err.into_inner().to_string())
    })?;
    // Text after the document is an error too, not something to ignore.
    de.end().map_err(|err| InputError::new("", err.to_string()))?;
    Ok(value)
}

/// Index of a slot in [`Problem::slots`] (sorted by start time).
pub type SlotIx = usize;
/// Index of a room in [`Problem::rooms`].
pub type RoomIx = usize;
/// Index of a participant in [`Problem::participants`].
pub type ParticipantIx = usize;
/// Index of a meeting in [`Problem::meetings`].
pub type MeetingIx = usize;

#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// Index into [`Problem::sessions`].
    pub session: usize,
}

/// A maximal run of consecutive slots: `slots` is a range of slot indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub slots: Range<SlotIx>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub id: String,
    pub capacity: u32,
    /// Sorted, without duplicates.
    pub features: Vec<String>,
    /// Sorted slot indices, without duplicates.
    pub unavailable: Vec<SlotIx>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: String,
    pub size: u32,
    /// Sorted slot indices, without duplicates.
    pub unavailable: Vec<SlotIx>,
    pub max_meetings: Option<u32>,
}

/// A first slot and, unless only the time is pinned, a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    pub slot: SlotIx,
    pub room: Option<RoomIx>,
}

/// A first slot and a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Placement {
    pub slot: SlotIx,
    pub room: RoomIx,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: String,
    /// Distinct participant indices, in document order.
    pub participants: Vec<ParticipantIx>,
    pub duration: u32,
    pub weight: u32,
    /// Sorted, without duplicates.
    pub features: Vec<String>,
    /// Sorted slot indices, without duplicates; `None` allows every slot.
    pub allowed_slots: Option<Vec<SlotIx>>,
    pub fixed: Option<Pin>,
    pub current: Option<Placement>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Penalties {
    pub idle_slot: u32,
    pub gap: u32,
    pub move_: u32,
}

/// A validated `rendezvous-problem/1`, with every id resolved to an index.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub name: Option<String>,
    pub timezone: Option<String>,
    /// Sorted by start time.
    pub slots: Vec<Slot>,
    /// In time order.
    pub sessions: Vec<Session>,
    pub rooms: Vec<Room>,
    pub participants: Vec<Participant>,
    pub meetings: Vec<Meeting>,
    pub penalties: Penalties,
    slot_by_id: HashMap<String, SlotIx>,
    room_by_id: HashMap<String, RoomIx>,
    meeting_by_id: HashMap<String, MeetingIx>,
}

impl Problem {
    /// Parses and validates a JSON problem document.
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        Self::try_from(parse_json::<ProblemDoc>(text)?)
    }

    pub fn slot_index(&self, id: &str) -> Option<SlotIx> {
        self.slot_by_id.get(id).copied()
    }

    pub fn room_index(&self, id: &str) -> Option<RoomIx> {
        self.room_by_id.get(id).copied()
    }

    pub fn meeting_index(&self, id: &str) -> Option<MeetingIx> {
        self.meeting_by_id.get(id).copied()
    }

    /// The slots a meeting occupies when it starts at `first`, or `None` when its
    /// duration runs past the end of that slot's session.
    pub fn occupied_slots(&self, meeting: MeetingIx, first: SlotIx) -> Option<Range<SlotIx>> {
        let end = first + self.meetings[meeting].duration as usize;
        let session = &self.sessions[self.slots.get(first)?.session];
        (end <= session.slots.end).then_some(first..end)
    }

    /// Seats a meeting needs: the sum of its participants' sizes.
    pub fn seats_needed(&self, meeting: MeetingIx) -> u64 {
        self.meetings[meeting]
            .participants
            .iter()
            .map(|&p| u64::from(self.participants[p].size))
            .sum()
    }

    /// Whether a room has the seats and every feature a meeting needs.
    pub fn room_fits(&self, meeting: MeetingIx, room: RoomIx) -> bool {
        let room_ref = &self.rooms[room];
        u64::from(room_ref.capacity) >= self.seats_needed(meeting)
            && self.meetings[meeting]
                .features
                .iter()
                .all(|f| room_ref.features.binary_search(f).is_ok())
    }
}

fn sorted_unique(items: &[String]) -> Vec<String> {
    items
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn index_ids<'a>(
    list: &str,
    ids: impl Iterator<Item = &'a String>,
) -> Result<HashMap<String, usize>, InputError> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            return Err(InputError::new(format!("{list}[{i}].id"), "must not be empty"));
        }
        if let Some(first) = map.insert(id.clone(), i) {
            return Err(InputError::new(
                format!("{list}[{i}].id"),
                format!("duplicate id {id:?} (also {list}[{first}])"),
            ));
        }
    }
    Ok(map)
}

fn resolve(map: &HashMap<String, usize>, id: &str, path: String, what: &str) -> Result<usize, InputError> {
    map.get(id)
        .copied()
        .ok_or_else(|| InputError::new(path, format!("unknown {what} id {id:?}")))
}

fn resolve_slots(
    map: &HashMap<String, usize>,
    ids: &[String],
    path: &str,
) -> Result<Vec<SlotIx>, InputError> {
    let mut out = ids
        .iter()
        .enumerate()
        .map(|(i, id)| resolve(map, id, format!("{path}[{i}]"), "slot"))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

impl TryFrom<ProblemDoc> for Problem {
    type Error = InputError;

    fn try_from(doc: ProblemDoc) -> Result<Self, Self::Error> {
        if doc.format != PROBLEM_FORMAT {
            return Err(InputError::new(
                "format",
                format!("expected {PROBLEM_FORMAT:?}, found {:?}", doc.format),
            ));
        }

        // Slots: parse times, sort by start, reject overlaps, cut into sessions.
        let mut parsed = Vec::with_capacity(doc.slots.len());
        for (i, slot) in doc.slots.iter().enumerate() {
            let time = |field: &str, text: &str| {
                DateTime::parse_from_rfc3339(text).map_err(|e| {
                    InputError::new(
                        format!("slots[{i}].{field}"),
                        format!("not an RFC 3339 time with offset: {e}"),
                    )
                })
            };
            let start = time("start", &slot.start)?;
            let end = time("end", &slot.end)?;
            if end <= start {
                return Err(InputError::new(format!("slots[{i}].end"), "must be after start"));
            }
            parsed.push((i, start, end));
        }
        index_ids("slots", doc.slots.iter().map(|s| &s.id))?;
        parsed.sort_by_key(|&(i, start, _)| (start, i));
        for pair in parsed.windows(2) {
            let (a, _, a_end) = pair[0];
            let (b, b_start, _) = pair[1];
            if b_start < a_end {
                return Err(InputError::new(
                    format!("slots[{b}]"),
                    format!("overlaps slot {:?}", doc.slots[a].id),
                ));
            }
        }
        let mut slots = Vec::with_capacity(parsed.len());
        let mut sessions: Vec<Session> = Vec::new();
        for (ix, &(i, start, end)) in parsed.iter().enumerate() {
            let continues = ix > 0 && parsed[ix - 1].2 == start;
            if continues {
                if let Some(last) = sessions.last_mut() {
                    last.slots.end = ix + 1;
                }
            } else {
                sessions.push(Session { slots: ix..ix + 1 });
            }
            slots.push(Slot {
                id: doc.slots[i].id.clone(),
                start,
                end,
                session: sessions.len() - 1,
            });
        }
        let slot_by_id: HashMap<String, SlotIx> = slots
            .iter()
            .enumerate()
            .map(|(ix, s)| (s.id.clone(), ix))
            .collect();

        let room_by_id = index_ids("rooms", doc.rooms.iter().map(|r| &r.id))?;
        let rooms = doc
            .rooms
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(Room {
                    id: r.id.clone(),
                    capacity: r.capacity,
                    features: sorted_unique(&r.features),
                    unavailable: resolve_slots(
                        &slot_by_id,
                        &r.unavailable,
                        &format!("rooms[{i}].unavailable"),
                    )?,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;

        let participant_by_id = index_ids("participants", doc.participants.iter().map(|p| &p.id))?;
        let participants = doc
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if p.size == 0 {
                    return Err(InputError::new(
                        format!("participants[{i}].size"),
                        "must be at least 1",
                    ));
                }
                Ok(Participant {
                    id: p.id.clone(),
                    size: p.size,
                    unavailable: resolve_slots(
                        &slot_by_id,
                        &p.unavailable,
                        &format!("participants[{i}].unavailable"),
                    )?,
                    max_meetings: p.max_meetings,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;

        let meeting_by_id = index_ids("meetings", doc.meetings.iter().map(|m| &m.id))?;
        let mut meetings = Vec::with_capacity(doc.meetings.len());
        for (i, m) in doc.meetings.iter().enumerate() {
            let at = |field: &str| format!("meetings[{i}].{field}");
            if m.participants.len() < 2 {
                return Err(InputError::new(
                    at("participants"),
                    "a meeting needs at least two participants",
                ));
            }
            let mut members = Vec::with_capacity(m.participants.len());
            for (j, id) in m.participants.iter().enumerate() {
                let p = resolve(
                    &participant_by_id,
                    id,
                    format!("meetings[{i}].participants[{j}]"),
                    "participant",
                )?;
                if members.contains(&p) {
                    return Err(InputError::new(
                        format!("meetings[{i}].participants[{j}]"),
                        format!("participant {id:?} is listed twice"),
                    ));
                }
                members.push(p);
            }
            if m.duration == 0 {
                return Err(InputError::new(at("duration"), "must be at least 1"));
            }
            if m.weight == 0 {
                return Err(InputError::new(at("weight"), "must be at least 1"));
            }
            let allowed_slots = m
                .allowed_slots
                .as_ref()
                .map(|ids| resolve_slots(&slot_by_id, ids, &at("allowed_slots")))
                .transpose()?;
            let fixed = m
                .fixed
                .as_ref()
                .map(|f| {
                    Ok::<_, InputError>(Pin {
                        slot: resolve(&slot_by_id, &f.slot, at("fixed.slot"), "slot")?,
                        room: f
                            .room
                            .as_ref()
                            .map(|r| resolve(&room_by_id, r, at("fixed.room"), "room"))
                            .transpose()?,
                    })
                })
                .transpose()?;
            let current = m
                .current
                .as_ref()
                .map(|c| {
                    Ok::<_, InputError>(Placement {
                        slot: resolve(&slot_by_id, &c.slot, at("current.slot"), "slot")?,
                        room: resolve(&room_by_id, &c.room, at("current.room"), "room")?,
                    })
                })
                .transpose()?;
            meetings.push(Meeting {
                id: m.id.clone(),
                participants: members,
                duration: m.duration,
                weight: m.weight,
                features: sorted_unique(&m.features),
                allowed_slots,
                fixed,
                current,
            });
        }

        Ok(Problem {
            name: doc.name,
            timezone: doc.timezone,
            slots,
            sessions,
            rooms,
            participants,
            meetings,
            penalties: Penalties {
                idle_slot: doc.penalties.idle_slot,
                gap: doc.penalties.gap,
                move_: doc.penalties.move_,
            },
            slot_by_id,
            room_by_id,
            meeting_by_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = r#"{
      "format": "rendezvous-problem/1",
      "name": "Smart City Expo Casablanca — B2B",
      "timezone": "Africa/Casablanca",
      "slots": [
        {"id": "d1-1000", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}
      ],
      "rooms": [
        {"id": "T001", "capacity": 2, "features": [], "unavailable": []},
        {"id": "R01", "capacity": 10, "features": ["interpretation", "video"], "unavailable": ["d2-1640"]}
      ],
      "participants": [
        {"id": "bkk", "size": 5, "unavailable": [], "max_meetings": 10}
      ],
      "meetings": [
        {"id": "m1", "participants": ["bkk", "acme"], "duration": 2, "weight": 50,
         "features": ["interpretation"], "allowed_slots": null, "fixed": null, "current": null}
      ],
      "penalties": {"idle_slot": 1, "gap": 0, "move": 20}
    }"#;

    fn tiny(meetings: &str) -> String {
        format!(
            r#"{{"format": "rendezvous-problem/1",
              "slots": [
                {{"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
                {{"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
                {{"id": "s3", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}}
              ],
              "rooms": [{{"id": "T1", "capacity": 2}}],
              "participants": [{{"id": "a"}}, {{"id": "b"}}],
              "meetings": {meetings}}}"#
        )
    }

    #[test]
    fn spec_example_names_the_dangling_slot() {
        // The spec's own example refers to slots it does not list: that must be caught.
        let err = Problem::from_json(SPEC_EXAMPLE).unwrap_err();
        assert_eq!(err.path, "rooms[1].unavailable[0]");
        assert!(err.message.contains("d2-1640"), "{err}");
    }

    #[test]
    fn slots_are_sorted_and_cut_into_sessions() {
        let p = Problem::from_json(&tiny("[]")).unwrap();
        let ids: Vec<_> = p.slots.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2", "s3"]);
        assert_eq!(p.sessions, vec![Session { slots: 0..2 }, Session { slots: 2..3 }]);
        assert_eq!(p.penalties, Penalties::default());
    }

    #[test]
    fn defaults_apply() {
        let p =
            Problem::from_json(&tiny(r#"[{"id": "m", "participants": ["a", "b"], "weight": 3}]"#)).unwrap();
        let m = &p.meetings[0];
        assert_eq!((m.duration, m.weight, m.fixed, m.current), (1, 3, None, None));
        assert_eq!(p.participants[0].size, 1);
        assert_eq!(p.occupied_slots(0, 1), Some(1..2));
    }

    #[test]
    fn duration_may_not_cross_a_session_end() {
        let p = Problem::from_json(&tiny(
            r#"[{"id": "m", "participants": ["a", "b"], "weight": 3, "duration": 2}]"#,
        ))
        .unwrap();
        assert_eq!(p.occupied_slots(0, 0), Some(0..2));
        assert_eq!(p.occupied_slots(0, 1), None);
        assert_eq!(p.occupied_slots(0, 2), None);
    }

    #[test]
    fn bad_input_names_the_place() {
        let cases = [
            (
                r#"[{"id": "m", "participants": ["a", "zz"], "weight": 3}]"#,
                "meetings[0].participants[1]",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "b"], "weight": -3}]"#,
                "meetings[0].weight",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "b"], "weight": 0}]"#,
                "meetings[0].weight",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "b"], "weight": 1, "colour": 1}]"#,
                "meetings[0]",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "b"], "weight": 1}, {"id": "m", "participants": ["a", "b"], "weight": 1}]"#,
                "meetings[1].id",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "a"], "weight": 1}]"#,
                "meetings[0].participants[1]",
            ),
            (
                r#"[{"id": "m", "participants": ["a"], "weight": 1}]"#,
                "meetings[0].participants",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "b"], "weight": 1, "fixed": {"slot": "s9"}}]"#,
                "meetings[0].fixed.slot",
            ),
            (
                r#"[{"id": "m", "participants": ["a", "b"], "weight": 1, "current": {"slot": "s1", "room": "R9"}}]"#,
                "meetings[0].current.room",
            ),
        ];
        for (meetings, path) in cases {
            let err = Problem::from_json(&tiny(meetings)).unwrap_err();
            assert!(
                err.path.starts_with(path),
                "{meetings}: expected {path}, got {err}"
            );
        }
    }

    #[test]
    fn overlapping_slots_are_rejected() {
        let text = tiny("[]").replace("10:40:00+01:00", "10:50:00+01:00").replace(
            r#""start": "2027-04-17T14:00:00+01:00""#,
            r#""start": "2027-04-17T10:45:00+01:00""#,
        );
        let err = Problem::from_json(&text).unwrap_err();
        assert!(err.message.contains("overlaps"), "{err}");
    }

    #[test]
    fn wrong_format_tag_is_rejected() {
        let err = Problem::from_json(&tiny("[]").replace("problem/1", "problem/2")).unwrap_err();
        assert_eq!(err.path, "format");
    }
}
