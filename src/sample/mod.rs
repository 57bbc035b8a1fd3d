//! A synthetic Smart City Expo Casablanca B2B programme at any size, deterministic from a
//! seed: the event's days and slots, participants with public profiles, rooms, and meeting
//! requests — ready to load into the service ([`Expo`]) or to hand to the solver
//! ([`Expo::to_problem_doc`]).
//!
//! The shape follows the public benchmark instances (`shared/instances/`): 17–18 April 2027
//! in Africa/Casablanca, four sessions of 20-minute slots (35 slots), city delegations (the
//! guest of honour Bangkok with six seats, ASEAN partner cities, Moroccan cities, then the
//! rest of the world), companies, researchers and institutions; two- and four-seat tables
//! plus a few equipped rooms; a Zipf-like popularity so that a handful of exhibitors are
//! asked for far more meetings than they can hold.

mod catalog;

use std::collections::HashSet;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, TimeZone};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use rendezvous_solver::ProblemDoc;
use rendezvous_solver::format::{MeetingDoc, PROBLEM_FORMAT, ParticipantDoc, PenaltiesDoc, RoomDoc, SlotDoc};

use catalog::{CITIES, City, Region, TOPICS};

/// The expo's time zone.
pub const TIMEZONE: &str = "Africa/Casablanca";
/// Length of one bookable slot.
pub const SLOT_MINUTES: u32 = 20;
/// The most seats any generated meeting needs: the largest equipped room always has them.
pub const MAX_MEETING_SEATS: u32 = 12;

/// How big a sample to generate, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleSpec {
    /// Number of participants (delegations, companies, researchers, institutions).
    pub participants: usize,
    /// Number of accepted meeting requests, i.e. meetings in the problem. A few more
    /// requests are generated that are pending, declined or withdrawn.
    pub meetings: usize,
    /// Number of two- and four-seat tables; a few equipped rooms come on top
    /// (see [`equipped_room_count`]).
    pub tables: usize,
    /// Same seed, same sample.
    pub seed: u64,
}

/// Named sizes: `demo` (what `rendezvous demo` loads), the public instances' sizes
/// (`tiny`, `s`, `m`, `l`) and the whole expo (`xl`).
pub const PRESETS: &[(&str, SampleSpec)] = &[
    ("demo", SampleSpec::new(300, 1_200, 60, 2027)),
    ("tiny", SampleSpec::new(40, 100, 8, 1)),
    ("s", SampleSpec::new(300, 1_200, 60, 11)),
    ("m", SampleSpec::new(1_500, 6_000, 250, 12)),
    ("l", SampleSpec::new(5_000, 20_000, 700, 13)),
    ("xl", SampleSpec::new(20_000, 80_000, 2_500, 14)),
];

impl SampleSpec {
    pub const fn new(participants: usize, meetings: usize, tables: usize, seed: u64) -> Self {
        Self {
            participants,
            meetings,
            tables,
            seed,
        }
    }

    /// The preset of that name (see [`PRESETS`]).
    pub fn preset(name: &str) -> Option<Self> {
        PRESETS.iter().find(|(n, _)| *n == name).map(|(_, spec)| *spec)
    }

    /// The demo sample: about 300 participants.
    pub fn demo() -> Self {
        PRESETS[0].1
    }

    /// Rejects sizes no expo can have, naming the field.
    pub fn validate(&self) -> Result<(), SpecError> {
        const MAX_PARTICIPANTS: usize = 1_000_000;
        const MAX_MEETINGS: usize = 10_000_000;
        const MAX_TABLES: usize = 100_000;
        if self.participants < 2 {
            return Err(SpecError::new(
                "participants",
                "must be at least 2 (a meeting needs two)",
            ));
        }
        if self.participants > MAX_PARTICIPANTS {
            return Err(SpecError::new(
                "participants",
                format!("must be at most {MAX_PARTICIPANTS}"),
            ));
        }
        if self.meetings > MAX_MEETINGS {
            return Err(SpecError::new(
                "meetings",
                format!("must be at most {MAX_MEETINGS}"),
            ));
        }
        if self.tables == 0 {
            return Err(SpecError::new("tables", "must be at least 1"));
        }
        if self.tables > MAX_TABLES {
            return Err(SpecError::new("tables", format!("must be at most {MAX_TABLES}")));
        }
        Ok(())
    }
}

/// A sample size that cannot be generated; `field` names the offending [`SampleSpec`] field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SpecError {
    pub field: &'static str,
    pub message: String,
}

impl SpecError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Equipped rooms (8–14 seats, interpretation and video) that come with `tables` tables:
/// about 0.8 √tables, at least two.
pub fn equipped_room_count(tables: usize) -> usize {
    ((tables as f64).sqrt() * 0.8).round().max(2.0) as usize
}

/// The value of holding a meeting, as written into the problem: 10 × priority for each
/// slot it lasts, so a two-slot meeting is worth two one-slot meetings of the same priority.
pub fn meeting_weight(priority: u8, duration_slots: u32) -> u32 {
    10 * u32::from(priority) * duration_slots
}

/// One day of the expo and its sessions (local times, `[start, end)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpoDay {
    pub date: NaiveDate,
    pub sessions: Vec<(NaiveTime, NaiveTime)>,
}

/// A bookable slot. `id` is `d<day>-<HHMM>` (local start time), as in the public instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleSlot {
    pub id: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// Index into [`Expo::days`].
    pub day: usize,
}

/// What kind of participant (the API's `kind`).
pub use crate::domain::participant::ParticipantKind;

/// A participant with its public profile; field names follow the API's participant resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleParticipant {
    /// Stable id used in the problem: `del-bangkok`, `com-00012`, `res-00013`, `ins-00038`.
    pub id: String,
    pub name: String,
    pub kind: ParticipantKind,
    pub organization: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Seats taken at a meeting (a delegation takes several).
    pub size: u32,
    /// ISO 639 codes, most used first.
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    /// Short phrases in English or French: what it brings.
    pub offers: Vec<String>,
    /// Short phrases in English or French: what it looks for.
    pub seeks: Vec<String>,
    pub max_meetings: Option<u32>,
    /// Ids of [`Expo::slots`] it cannot meet in (a talk, a day away), in time order.
    pub unavailable: Vec<String>,
}

/// A table or an equipped meeting room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRoom {
    /// `T001`… for tables, `R01`… for equipped rooms.
    pub id: String,
    pub name: String,
    pub capacity: u32,
    /// Sorted: `interpretation`, `video`.
    pub features: Vec<String>,
    /// Ids of [`Expo::slots`], in time order.
    pub unavailable: Vec<String>,
}

/// Where a meeting request stands (the API's request states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
}

/// A meeting request from one participant to one or more others; field names follow
/// the API's request resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRequest {
    /// Also the meeting id in the problem: `r000001`…
    pub id: String,
    /// Participant id of whoever asked.
    pub requester: String,
    /// Participant ids of the invitees.
    pub with: Vec<String>,
    /// A multiple of [`Expo::slot_minutes`].
    pub duration_minutes: u32,
    /// 1–5: how much the requester wants it.
    pub priority: u8,
    pub message: String,
    /// Room features it needs (`interpretation`, `video`).
    pub features: Vec<String>,
    pub status: RequestStatus,
}

/// A generated B2B programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expo {
    pub name: String,
    /// IANA time zone of the venue.
    pub timezone: String,
    pub slot_minutes: u32,
    pub days: Vec<ExpoDay>,
    /// Every bookable slot in time order, cut from [`Expo::days`] in `slot_minutes` steps.
    pub slots: Vec<SampleSlot>,
    pub participants: Vec<SampleParticipant>,
    pub rooms: Vec<SampleRoom>,
    /// In the order they were made; exactly [`SampleSpec::meetings`] of them are accepted.
    pub requests: Vec<SampleRequest>,
}

/// The Smart City Expo Casablanca 2027 programme: 17–18 April, four sessions.
pub fn expo_days() -> Vec<ExpoDay> {
    let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
    let date = |d| NaiveDate::from_ymd_opt(2027, 4, d).unwrap_or(NaiveDate::MIN);
    vec![
        ExpoDay {
            date: date(17),
            sessions: vec![(time(10, 0), time(13, 0)), (time(14, 30), time(18, 0))],
        },
        ExpoDay {
            date: date(18),
            sessions: vec![(time(10, 0), time(13, 0)), (time(14, 30), time(17, 0))],
        },
    ]
}

/// Slots of `days` in Africa/Casablanca, `slot_minutes` long; a session's remainder shorter
/// than a slot is not bookable.
pub fn expo_slots(days: &[ExpoDay], slot_minutes: u32) -> Vec<SampleSlot> {
    let tz = chrono_tz::Africa::Casablanca;
    let step = Duration::minutes(i64::from(slot_minutes.max(1)));
    let mut slots = Vec::new();
    for (day_ix, day) in days.iter().enumerate() {
        for &(start, end) in &day.sessions {
            let mut t = start;
            while t + step <= end && t + step > t {
                let local = |time: NaiveTime| {
                    let naive = day.date.and_time(time);
                    // Expo hours never fall in a clock change; if they did, read the time as UTC.
                    tz.from_local_datetime(&naive)
                        .earliest()
                        .unwrap_or_else(|| tz.from_utc_datetime(&naive))
                        .fixed_offset()
                };
                slots.push(SampleSlot {
                    id: format!("d{}-{}", day_ix + 1, t.format("%H%M")),
                    start: local(t),
                    end: local(t + step),
                    day: day_ix,
                });
                t += step;
            }
        }
    }
    slots
}

impl Expo {
    /// Generates the sample `spec` describes.
    pub fn generate(spec: &SampleSpec) -> Result<Self, SpecError> {
        spec.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
        let days = expo_days();
        let slots = expo_slots(&days, SLOT_MINUTES);
        let layout = SlotLayout::new(&slots);
        let participants = generate_participants(&mut rng, spec.participants, &layout);
        let rooms = generate_rooms(&mut rng, spec.tables, &layout);
        let requests = generate_requests(&mut rng, spec.meetings, &participants);
        Ok(Self {
            name: format!(
                "Smart City Expo Casablanca 2027 B2B (synthetic, seed {})",
                spec.seed
            ),
            timezone: TIMEZONE.into(),
            slot_minutes: SLOT_MINUTES,
            days,
            slots,
            participants,
            rooms,
            requests,
        })
    }

    /// The accepted requests.
    pub fn accepted(&self) -> impl Iterator<Item = &SampleRequest> {
        self.requests
            .iter()
            .filter(|r| r.status == RequestStatus::Accepted)
    }

    /// The `rendezvous-problem/1` document for this programme: every accepted request is a
    /// meeting (same id; participants the requester then the invitees; weight from
    /// [`meeting_weight`]); penalties `idle_slot` 1 and `move` 20, as in the public instances.
    pub fn to_problem_doc(&self) -> ProblemDoc {
        let stamp = |t: &DateTime<FixedOffset>| t.to_rfc3339_opts(SecondsFormat::Secs, false);
        let slot_minutes = self.slot_minutes.max(1);
        ProblemDoc {
            format: PROBLEM_FORMAT.into(),
            name: Some(self.name.clone()),
            timezone: Some(self.timezone.clone()),
            slots: self
                .slots
                .iter()
                .map(|s| SlotDoc {
                    id: s.id.clone(),
                    start: stamp(&s.start),
                    end: stamp(&s.end),
                })
                .collect(),
            rooms: self
                .rooms
                .iter()
                .map(|r| RoomDoc {
                    id: r.id.clone(),
                    capacity: r.capacity,
                    features: r.features.clone(),
                    unavailable: r.unavailable.clone(),
                })
                .collect(),
            participants: self
                .participants
                .iter()
                .map(|p| ParticipantDoc {
                    id: p.id.clone(),
                    size: p.size,
                    unavailable: p.unavailable.clone(),
                    max_meetings: p.max_meetings,
                })
                .collect(),
            meetings: self
                .accepted()
                .map(|r| {
                    let duration = r.duration_minutes.div_ceil(slot_minutes).max(1);
                    MeetingDoc {
                        id: r.id.clone(),
                        participants: std::iter::once(&r.requester).chain(&r.with).cloned().collect(),
                        duration,
                        weight: meeting_weight(r.priority, duration),
                        features: r.features.clone(),
                        allowed_slots: None,
                        fixed: None,
                        current: None,
                    }
                })
                .collect(),
            penalties: PenaltiesDoc {
                idle_slot: 1,
                gap: 0,
                move_: 20,
            },
        }
    }
}

/// Slot indices grouped by day and by session, to draw unavailabilities from.
struct SlotLayout {
    ids: Vec<String>,
    days: Vec<Vec<usize>>,
    sessions: Vec<Vec<usize>>,
}

impl SlotLayout {
    fn new(slots: &[SampleSlot]) -> Self {
        let mut days: Vec<Vec<usize>> = Vec::new();
        let mut sessions: Vec<Vec<usize>> = Vec::new();
        for (i, slot) in slots.iter().enumerate() {
            if days.len() <= slot.day {
                days.resize(slot.day + 1, Vec::new());
            }
            days[slot.day].push(i);
            let continues = i > 0 && slots[i - 1].end == slot.start;
            match sessions.last_mut() {
                Some(session) if continues => session.push(i),
                _ => sessions.push(vec![i]),
            }
        }
        Self {
            ids: slots.iter().map(|s| s.id.clone()).collect(),
            days,
            sessions,
        }
    }

    /// `len` consecutive slots at a random place in a random session (a talk, a cleaning).
    fn random_run(&self, rng: &mut ChaCha8Rng, len: usize) -> Vec<usize> {
        let Some(session) = self.sessions.choose(rng) else {
            return Vec::new();
        };
        let len = len.min(session.len());
        let first = rng.random_range(0..=session.len() - len);
        session[first..first + len].to_vec()
    }

    fn to_ids(&self, mut slots: Vec<usize>) -> Vec<String> {
        slots.sort_unstable();
        slots.dedup();
        slots.into_iter().map(|s| self.ids[s].clone()).collect()
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn pick_city(rng: &mut ChaCha8Rng) -> &'static City {
    let roll: f64 = rng.random();
    let pool: Vec<&'static City> = if roll < 0.15 {
        // The host city is home to more participants than any other.
        CITIES.iter().filter(|c| c.name == "Casablanca").collect()
    } else if roll < 0.45 {
        CITIES.iter().filter(|c| c.region == Region::Morocco).collect()
    } else if roll < 0.6 {
        CITIES.iter().filter(|c| c.region == Region::Asean).collect()
    } else {
        CITIES.iter().collect()
    };
    pool.choose(rng).copied().unwrap_or(&CITIES[0])
}

fn languages_of(rng: &mut ChaCha8Rng, city: &City, kind: ParticipantKind) -> Vec<String> {
    let mut languages: Vec<String> = city.languages.iter().map(|l| l.to_string()).collect();
    if kind != ParticipantKind::Delegation && city.region == Region::Morocco && rng.random_bool(0.5) {
        // Many Moroccan participants also work in English; a third language is rarer.
        languages.truncate(2);
    }
    if !languages.iter().any(|l| l == "en") && rng.random_bool(0.6) {
        languages.push("en".into());
    }
    languages
}

/// Topics, offers and seeks: offers come from the participant's own topics, seeks from
/// its topics or a neighbouring one.
fn profile(
    rng: &mut ChaCha8Rng,
    languages: &[String],
    kind: ParticipantKind,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let topic_count = rng.random_range(2..=4);
    let topics = rand::seq::index::sample(rng, TOPICS.len(), topic_count).into_vec();
    let french = languages.iter().any(|l| l == "fr");
    let phrase = |rng: &mut ChaCha8Rng, topic: usize| {
        let phrases = TOPICS[topic].phrases;
        let (en, fr) = phrases[rng.random_range(0..phrases.len())];
        let text = if french && rng.random_bool(0.6) { fr } else { en };
        text.to_string()
    };
    let (offer_count, seek_count) = match kind {
        ParticipantKind::Delegation => (1, rng.random_range(2..=3)),
        ParticipantKind::Company => (rng.random_range(2..=3), rng.random_range(1..=2)),
        ParticipantKind::Researcher | ParticipantKind::Institution => {
            (rng.random_range(1..=2), rng.random_range(1..=2))
        }
    };
    let mut offers = Vec::with_capacity(offer_count);
    for _ in 0..offer_count {
        let topic = topics[rng.random_range(0..topics.len())];
        let text = phrase(rng, topic);
        if !offers.contains(&text) {
            offers.push(text);
        }
    }
    let mut seeks = Vec::with_capacity(seek_count);
    // A few extra draws: a seek that repeats an offer or another seek is drawn again.
    for _ in 0..seek_count * 8 {
        if seeks.len() == seek_count {
            break;
        }
        let topic = if rng.random_bool(0.7) {
            topics[rng.random_range(0..topics.len())]
        } else {
            rng.random_range(0..TOPICS.len())
        };
        let text = phrase(rng, topic);
        if !seeks.contains(&text) && !offers.contains(&text) {
            seeks.push(text);
        }
    }
    if seeks.is_empty() {
        let fallback = if french {
            "partenaires pour un projet pilote"
        } else {
            "pilot project partners"
        };
        seeks.push(fallback.to_string());
    }
    let topics = topics.into_iter().map(|t| TOPICS[t].name.to_string()).collect();
    (topics, offers, seeks)
}

fn delegation(rng: &mut ChaCha8Rng, city: &City) -> (String, String, String, u32) {
    let slug = catalog::slug(city.name);
    let (name, organization, size) = match city.name {
        "Bangkok" => (
            "Bangkok Metropolitan Administration".to_string(),
            "BMA".to_string(),
            6,
        ),
        _ if city.region == Region::Morocco => (
            format!("Délégation de la ville de {}", city.name),
            format!("Commune de {}", city.name),
            rng.random_range(2..=5),
        ),
        _ if city.languages.first() == Some(&"fr") => (
            format!("Délégation de {}", city.name),
            format!("Ville de {}", city.name),
            rng.random_range(2..=5),
        ),
        _ => (
            format!("{} city delegation", city.name),
            format!("City of {}", city.name),
            rng.random_range(2..=5),
        ),
    };
    (format!("del-{slug}"), name, organization, size)
}

fn company_name(rng: &mut ChaCha8Rng, city: &City) -> String {
    let stem = format!(
        "{} {}",
        pick(rng, catalog::COMPANY_PREFIXES),
        pick(rng, catalog::COMPANY_WORDS)
    );
    match city.country {
        "MA" => format!("{stem} {}", if rng.random_bool(0.7) { "SARL" } else { "SA" }),
        "FR" => format!("{stem} SAS"),
        "TH" => format!("{stem} Co., Ltd."),
        "SG" => format!("{stem} Pte Ltd"),
        "MY" => format!("{stem} Sdn Bhd"),
        "ID" => format!("PT {stem}"),
        "US" | "CA" => format!("{stem} Inc."),
        "DE" | "AT" => format!("{stem} GmbH"),
        _ => format!("{stem} Ltd"),
    }
}

fn university(rng: &mut ChaCha8Rng, city: &City) -> String {
    match city.name {
        "Casablanca" if rng.random_bool(0.5) => "Université Hassan II de Casablanca".into(),
        "Rabat" if rng.random_bool(0.5) => "Université Mohammed V de Rabat".into(),
        "Bangkok" => "Chulalongkorn University".into(),
        "Singapore" => "National University of Singapore".into(),
        _ if city.region == Region::Morocco && rng.random_bool(0.25) => {
            "Université Mohammed VI Polytechnique (UM6P)".into()
        }
        _ if city.languages.contains(&"fr") => format!("Université de {}", city.name),
        _ => format!("University of {}", city.name),
    }
}

fn generate_participants(rng: &mut ChaCha8Rng, count: usize, layout: &SlotLayout) -> Vec<SampleParticipant> {
    let delegations = (count / 25).clamp(1, CITIES.len());
    let mut participants = Vec::with_capacity(count);
    #[allow(clippy::needless_range_loop)]
    for i in 0..count {
        let delegation_city = CITIES.get(i).filter(|_| i < delegations);
        let (kind, city) = if let Some(city) = delegation_city {
            (ParticipantKind::Delegation, city)
        } else {
            let roll: f64 = rng.random();
            let kind = if roll < 0.65 {
                ParticipantKind::Company
            } else if roll < 0.89 {
                ParticipantKind::Researcher
            } else {
                ParticipantKind::Institution
            };
            (kind, pick_city(rng))
        };
        let (id, name, organization, size) = match kind {
            ParticipantKind::Delegation => delegation(rng, city),
            ParticipantKind::Company => {
                let name = company_name(rng, city);
                let size = if rng.random_bool(0.2) { 2 } else { 1 };
                (format!("com-{i:05}"), name.clone(), name, size)
            }
            ParticipantKind::Researcher => {
                let (given, family) = catalog::person_names(city.region);
                let title = if rng.random_bool(0.4) { "Pr" } else { "Dr" };
                let name = format!("{title} {} {}", pick(rng, given), pick(rng, family));
                (format!("res-{i:05}"), name, university(rng, city), 1)
            }
            ParticipantKind::Institution => {
                let templates = if city.languages.contains(&"fr") {
                    catalog::INSTITUTIONS_FR
                } else {
                    catalog::INSTITUTIONS_EN
                };
                let name = pick(rng, templates).replace("{}", city.name);
                let size = if rng.random_bool(0.3) { 2 } else { 1 };
                (format!("ins-{i:05}"), name.clone(), name, size)
            }
        };
        let languages = languages_of(rng, city, kind);
        let (topics, offers, seeks) = profile(rng, &languages, kind);
        let max_meetings = match kind {
            ParticipantKind::Delegation => Some(rng.random_range(9..=14)),
            _ if rng.random_bool(0.55) => Some(rng.random_range(6..=16)),
            _ => None,
        };
        let mut unavailable = Vec::new();
        if kind != ParticipantKind::Delegation && rng.random_bool(0.08) {
            // Only there for one of the two days.
            if let Some(day) = layout.days.choose(rng) {
                unavailable.extend_from_slice(day);
            }
        }
        if rng.random_bool(0.2) {
            // Gives a talk, or sits on a panel.
            let len = rng.random_range(2..=4);
            unavailable.extend(layout.random_run(rng, len));
        }
        participants.push(SampleParticipant {
            id,
            name,
            kind,
            organization,
            city: city.name.into(),
            country: city.country.into(),
            size,
            languages,
            topics,
            offers,
            seeks,
            max_meetings,
            unavailable: layout.to_ids(unavailable),
        });
    }
    participants
}

fn generate_rooms(rng: &mut ChaCha8Rng, tables: usize, layout: &SlotLayout) -> Vec<SampleRoom> {
    let width = tables.to_string().len().max(3);
    let mut rooms = Vec::with_capacity(tables + equipped_room_count(tables));
    for t in 1..=tables {
        let capacity = if rng.random_bool(0.25) { 4 } else { 2 };
        let unavailable = if rng.random_bool(0.03) {
            let len = rng.random_range(1..=3);
            layout.to_ids(layout.random_run(rng, len))
        } else {
            Vec::new()
        };
        rooms.push(SampleRoom {
            id: format!("T{t:0width$}"),
            name: format!("Table {t}"),
            capacity,
            features: Vec::new(),
            unavailable,
        });
    }
    let equipped = equipped_room_count(tables);
    let width = equipped.to_string().len().max(2);
    for r in 0..equipped {
        let (capacity, features, unavailable) = match r {
            // The first room can hold any generated meeting, all the time.
            0 => (MAX_MEETING_SEATS, vec!["interpretation", "video"], Vec::new()),
            1 => (10, vec!["interpretation"], Vec::new()),
            _ => {
                let capacity = *[8, 10, 12, 14].choose(rng).unwrap_or(&8);
                let mut features = Vec::new();
                if rng.random_bool(0.5) {
                    features.push("interpretation");
                }
                if rng.random_bool(0.5) {
                    features.push("video");
                }
                let unavailable = if rng.random_bool(0.4) {
                    // Booked for a conference session.
                    layout.sessions.choose(rng).cloned().unwrap_or_default()
                } else {
                    Vec::new()
                };
                (capacity, features, unavailable)
            }
        };
        let base = catalog::ROOM_NAMES[r % catalog::ROOM_NAMES.len()];
        let round = r / catalog::ROOM_NAMES.len();
        rooms.push(SampleRoom {
            id: format!("R{:0width$}", r + 1),
            name: if round == 0 {
                base.to_string()
            } else {
                format!("{base} {}", round + 1)
            },
            capacity,
            features: features.into_iter().map(String::from).collect(),
            unavailable: layout.to_ids(unavailable),
        });
    }
    rooms
}

/// How likely a participant is to be asked for a meeting: a Zipf law over a random
/// ranking (a few stars, a long tail), mixed with a uniform share so everyone gets asked.
fn popularity(rng: &mut ChaCha8Rng, participants: &[SampleParticipant]) -> Vec<f64> {
    let n = participants.len();
    let mut ranks: Vec<usize> = (0..n).collect();
    ranks.shuffle(rng);
    let harmonic: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
    participants
        .iter()
        .zip(ranks)
        .map(|(p, rank)| {
            let kind_factor = match p.kind {
                ParticipantKind::Delegation => 2.0,
                ParticipantKind::Company => 1.3,
                ParticipantKind::Institution => 1.0,
                ParticipantKind::Researcher => 0.8,
            };
            kind_factor * (0.5 / ((rank + 1) as f64 * harmonic) + 0.5 / n as f64)
        })
        .collect()
}

fn generate_requests(
    rng: &mut ChaCha8Rng,
    accepted: usize,
    participants: &[SampleParticipant],
) -> Vec<SampleRequest> {
    let n = participants.len();
    let others = accepted / 12;
    let mut statuses = vec![RequestStatus::Accepted; accepted];
    statuses.extend((0..others).map(|i| match i % 5 {
        0 | 1 => RequestStatus::Pending,
        2 | 3 => RequestStatus::Declined,
        _ => RequestStatus::Withdrawn,
    }));
    statuses.shuffle(rng);

    let invitee_weights = popularity(rng, participants);
    let requester_weights: Vec<f64> = participants
        .iter()
        .map(|p| match p.kind {
            ParticipantKind::Delegation => 4.0,
            ParticipantKind::Company => 1.2,
            ParticipantKind::Institution | ParticipantKind::Researcher => 1.0,
        })
        .collect();
    let (Ok(invitees), Ok(requesters)) = (
        WeightedIndex::new(&invitee_weights),
        WeightedIndex::new(&requester_weights),
    ) else {
        return Vec::new();
    };
    let priorities = [1u8, 2, 3, 4, 5];
    let Ok(priority_dist) = WeightedIndex::new([18, 17, 20, 22, 23]) else {
        return Vec::new();
    };
    let width = (accepted + others).to_string().len().max(6);
    let mut pairs: HashSet<(usize, usize)> = HashSet::with_capacity(accepted + others);
    let mut requests = Vec::with_capacity(accepted + others);
    for (q, status) in statuses.into_iter().enumerate() {
        let requester = requesters.sample(rng);
        // Avoid asking the same participant twice when possible.
        let mut invitee = requester;
        for attempt in 0..40 {
            let candidate = invitees.sample(rng);
            if candidate == requester {
                continue;
            }
            let pair = (requester.min(candidate), requester.max(candidate));
            if pairs.insert(pair) || attempt == 39 {
                invitee = candidate;
                break;
            }
        }
        if invitee == requester {
            invitee = (requester + 1 + rng.random_range(0..n - 1)) % n;
        }
        let mut members = vec![requester, invitee];
        if rng.random_bool(0.03) {
            let third = invitees.sample(rng);
            if !members.contains(&third) {
                members.push(third);
            }
        }
        let seats = |members: &[usize]| members.iter().map(|&m| participants[m].size).sum::<u32>();
        while seats(&members) > MAX_MEETING_SEATS && members.len() > 2 {
            members.pop();
        }
        if seats(&members) > MAX_MEETING_SEATS {
            // Two large delegations: the invitee becomes a company-sized partner instead.
            members[1] = (0..n)
                .map(|k| (invitee + k) % n)
                .find(|&m| {
                    m != requester && participants[m].size + participants[requester].size <= MAX_MEETING_SEATS
                })
                .unwrap_or(invitee);
        }
        let duration_slots = if rng.random_bool(0.07) { 2 } else { 1 };
        let priority = priorities[priority_dist.sample(rng)];
        let with_delegation = members
            .iter()
            .any(|&m| participants[m].kind == ParticipantKind::Delegation);
        let mut features = Vec::new();
        if with_delegation && rng.random_bool(0.55) {
            features.push("interpretation".to_string());
        }
        if rng.random_bool(if duration_slots == 2 { 0.12 } else { 0.005 }) {
            features.push("video".to_string());
        }
        let message = request_message(rng, &participants[requester], &participants[members[1]]);
        requests.push(SampleRequest {
            id: format!("r{:0width$}", q + 1),
            requester: participants[requester].id.clone(),
            with: members[1..].iter().map(|&m| participants[m].id.clone()).collect(),
            duration_minutes: duration_slots * SLOT_MINUTES,
            priority,
            message,
            features,
            status,
        });
    }
    requests
}

fn request_message(
    rng: &mut ChaCha8Rng,
    requester: &SampleParticipant,
    invitee: &SampleParticipant,
) -> String {
    let subject = invitee
        .offers
        .choose(rng)
        .or(invitee.topics.first())
        .map(String::as_str)
        .unwrap_or("smart city");
    if requester.languages.iter().any(|l| l == "fr") && rng.random_bool(0.5) {
        format!("Bonjour, nous aimerions échanger sur : {subject}.")
    } else {
        format!(
            "Hello, we would like to discuss {subject} with {}.",
            invitee.organization
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rendezvous_solver::Problem;

    use super::*;

    fn doc(spec: SampleSpec) -> ProblemDoc {
        Expo::generate(&spec).unwrap().to_problem_doc()
    }

    #[test]
    fn same_seed_same_problem() {
        let spec = SampleSpec::new(120, 400, 20, 5);
        let first = serde_json::to_string(&doc(spec)).unwrap();
        let second = serde_json::to_string(&doc(spec)).unwrap();
        assert_eq!(first, second);
        assert_eq!(Expo::generate(&spec).unwrap(), Expo::generate(&spec).unwrap());
        let other = serde_json::to_string(&doc(SampleSpec { seed: 6, ..spec })).unwrap();
        assert_ne!(first, other);
    }

    #[test]
    fn slots_match_the_public_instances() {
        let expo = Expo::generate(&SampleSpec::new(10, 10, 2, 1)).unwrap();
        let ids: Vec<&str> = expo.slots.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), 35);
        assert_eq!(ids[0], "d1-1000");
        assert_eq!(ids[9], "d1-1430");
        assert_eq!(ids[18], "d1-1730");
        assert_eq!(ids[34], "d2-1630");
        let doc = expo.to_problem_doc();
        assert_eq!(doc.slots[0].start, "2027-04-17T10:00:00+01:00");
        assert_eq!(doc.slots[34].end, "2027-04-18T16:50:00+01:00");
        let problem = Problem::try_from(doc).unwrap();
        assert_eq!(problem.sessions.len(), 4);
    }

    #[test]
    fn presets_parse_and_honour_their_sizes() {
        for name in ["tiny", "demo", "s"] {
            let spec = SampleSpec::preset(name).unwrap();
            let doc = doc(spec);
            assert_eq!(doc.participants.len(), spec.participants, "{name}");
            assert_eq!(doc.meetings.len(), spec.meetings, "{name}");
            assert_eq!(
                doc.rooms.len(),
                spec.tables + equipped_room_count(spec.tables),
                "{name}"
            );
            let tables = doc.rooms.iter().filter(|r| r.id.starts_with('T')).count();
            assert_eq!(tables, spec.tables, "{name}");
            let problem = Problem::try_from(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(problem.slots.len(), 35);
        }
    }

    #[test]
    fn every_meeting_can_be_held_somewhere() {
        let problem = Problem::try_from(doc(SampleSpec::new(600, 2_500, 90, 3))).unwrap();
        let all_slots = problem.slots.len();
        for (m, meeting) in problem.meetings.iter().enumerate() {
            assert!(
                (0..problem.rooms.len()).any(|r| problem.room_fits(m, r)),
                "{} fits no room",
                meeting.id
            );
            assert!(problem.seats_needed(m) <= u64::from(MAX_MEETING_SEATS));
            let first = meeting.participants[0];
            assert!(meeting.participants[1..].iter().all(|&p| p != first));
        }
        for participant in &problem.participants {
            assert!(
                participant.unavailable.len() < all_slots,
                "{} is never there",
                participant.id
            );
            if let Some(cap) = participant.max_meetings {
                assert!((6..=16).contains(&cap), "{}: {cap}", participant.id);
            }
        }
        // A meeting of more than one slot must fit inside a session somewhere.
        for (m, meeting) in problem.meetings.iter().enumerate() {
            assert!(
                (0..all_slots).any(|s| problem.occupied_slots(m, s).is_some()),
                "{}",
                meeting.id
            );
        }
    }

    #[test]
    fn bangkok_delegation_has_six_seats() {
        let expo = Expo::generate(&SampleSpec::preset("tiny").unwrap()).unwrap();
        let bangkok = expo.participants.iter().find(|p| p.id == "del-bangkok").unwrap();
        assert_eq!(bangkok.size, 6);
        assert_eq!(bangkok.kind, ParticipantKind::Delegation);
        assert_eq!(
            (bangkok.city.as_str(), bangkok.country.as_str()),
            ("Bangkok", "TH")
        );
        assert!(bangkok.languages.contains(&"th".to_string()));
    }

    #[test]
    fn delegations_come_from_asean_and_morocco_first() {
        let expo = Expo::generate(&SampleSpec::preset("s").unwrap()).unwrap();
        let cities: Vec<&str> = expo
            .participants
            .iter()
            .filter(|p| p.kind == ParticipantKind::Delegation)
            .map(|p| p.city.as_str())
            .collect();
        assert_eq!(cities.len(), 12);
        assert_eq!(cities[0], "Bangkok");
        assert!(
            cities.contains(&"Singapore") && cities.contains(&"Casablanca"),
            "{cities:?}"
        );
        let xl_delegations = (20_000 / 25usize).clamp(1, CITIES.len());
        assert!(xl_delegations >= 80);
    }

    #[test]
    fn profiles_are_filled_in() {
        let expo = Expo::generate(&SampleSpec::preset("demo").unwrap()).unwrap();
        let mut kinds = HashSet::new();
        for p in &expo.participants {
            kinds.insert(p.kind);
            assert!(
                !p.name.is_empty() && !p.organization.is_empty() && !p.city.is_empty(),
                "{p:?}"
            );
            assert_eq!(p.country.len(), 2, "{p:?}");
            assert!(!p.languages.is_empty() && !p.topics.is_empty(), "{p:?}");
            assert!(!p.offers.is_empty() && !p.seeks.is_empty(), "{p:?}");
        }
        assert_eq!(kinds.len(), 4);
        let french = expo
            .participants
            .iter()
            .flat_map(|p| &p.offers)
            .any(|o| o == "capteurs d'inondation");
        let english = expo
            .participants
            .iter()
            .flat_map(|p| &p.offers)
            .any(|o| o == "flood sensors");
        assert!(french || english);
        // The API's spelling of the kind.
        let json = serde_json::to_value(&expo.participants[0]).unwrap();
        assert_eq!(json["kind"], "delegation");
    }

    #[test]
    fn requests_are_mostly_accepted_and_popularity_is_skewed() {
        let spec = SampleSpec::preset("s").unwrap();
        let expo = Expo::generate(&spec).unwrap();
        assert_eq!(expo.accepted().count(), spec.meetings);
        assert!(expo.requests.len() > spec.meetings);
        assert!(expo.requests.iter().any(|r| r.status == RequestStatus::Declined));
        let mut asked: HashMap<&str, usize> = HashMap::new();
        for r in expo.accepted() {
            for invitee in &r.with {
                *asked.entry(invitee.as_str()).or_default() += 1;
            }
            assert!((1..=5).contains(&r.priority));
            assert!(r.duration_minutes == 20 || r.duration_minutes == 40);
        }
        let mut counts: Vec<usize> = asked.into_values().collect();
        counts.sort_unstable();
        let top = counts[counts.len() - 1];
        let median = counts[counts.len() / 2];
        // Popular exhibitors are asked for more meetings than the 35 slots can hold.
        assert!(top > 35 && top >= 8 * median, "top {top}, median {median}");
    }

    #[test]
    fn bad_sizes_name_the_field() {
        let err = Expo::generate(&SampleSpec::new(1, 10, 5, 0)).unwrap_err();
        assert_eq!(err.field, "participants");
        let err = Expo::generate(&SampleSpec::new(10, 10, 0, 0)).unwrap_err();
        assert_eq!(err.field, "tables");
        // No meetings at all is a valid, if quiet, expo.
        let expo = Expo::generate(&SampleSpec::new(2, 0, 1, 0)).unwrap();
        assert!(Problem::try_from(expo.to_problem_doc()).is_ok());
    }

    #[test]
    fn weights_follow_priority_and_duration() {
        assert_eq!(meeting_weight(3, 1), 30);
        assert_eq!(meeting_weight(5, 2), 100);
        let expo = Expo::generate(&SampleSpec::preset("tiny").unwrap()).unwrap();
        let doc = expo.to_problem_doc();
        for (meeting, request) in doc.meetings.iter().zip(expo.accepted()) {
            assert_eq!(meeting.id, request.id);
            assert_eq!(
                meeting.weight,
                meeting_weight(request.priority, request.duration_minutes / 20)
            );
            assert_eq!(meeting.participants[0], request.requester);
        }
    }
}
