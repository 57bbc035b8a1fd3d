//! From the document to the validated problem: every id resolved, every rule of the
//! format's problem section checked, slots sorted and cut into sessions.

use std::collections::{BTreeSet, HashMap};

use chrono::DateTime;

use crate::format::{PROBLEM_FORMAT, ProblemDoc};

use super::*;

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
            max_wait_spread: doc.max_wait_spread,
            slot_by_id,
            room_by_id,
            meeting_by_id,
        })
    }
}
