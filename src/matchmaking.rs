//! Matchmaking in the service: one in-memory suggestion index per event, kept up to date
//! from the store, and the exclusions the engine leaves to its caller (already requested,
//! declined, full quota, no common free slot).
//!
//! Availability and quotas are private: a participant's own list must not let it infer
//! another's. Excluding those with no free slot in common would make the list change with
//! the caller's own unavailable slots (mark every slot but one unavailable, and who is left
//! is free at that one), and excluding full quotas would make someone vanish from every list
//! when its quota fills. So a participant's list is shaped by public profiles and by what it
//! knows itself — its requests, its own availability and quota (never free or quota full:
//! nobody to suggest) — and the organiser's (who reads every private field) by everyone's.
//!
//! Every API instance keeps its own indexes. Each call first reads the profiles written
//! since the index's revision watermark (one indexed query, usually empty) and upserts them,
//! so a profile update made through any instance shows in the very next suggestion.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};

use anyhow::Context as _;
use rendezvous_matchmaking::{self as engine, Index, Profile, SuggestQuery, Suggestion};

use crate::domain::{RequestStatus, Response};
use crate::store::{MeetingRequest, Participant, Store, StoreError};

/// Rounds of "suggest, then drop the candidates whose quota turned out full" before what
/// is left is returned, even if short.
const QUOTA_ROUNDS: usize = 4;
/// Suggestions asked of the engine per one wanted, so that dropping the full quotas
/// usually leaves enough in one round.
const QUOTA_OVERFETCH: usize = 2;

/// What can go wrong while recommending.
#[derive(Debug, thiserror::Error)]
pub enum MatchmakingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The participant to recommend for is not in the event.
    #[error("unknown participant {0:?}")]
    UnknownParticipant(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The per-event indexes of this instance.
#[derive(Default)]
pub struct Matchmaking {
    events: RwLock<HashMap<String, Arc<EventIndex>>>,
}

/// One event's index and the private facts exclusions need.
pub struct EventIndex {
    /// One refresh at a time: concurrent callers wait and then find little left to read.
    refresh: tokio::sync::Mutex<()>,
    state: RwLock<Indexed>,
}

/// The index as of `watermark`.
pub struct Indexed {
    pub index: Index,
    /// The highest profile revision applied.
    watermark: i64,
    /// Every participant as last read, with the revision it was read at.
    participants: HashMap<String, (Participant, i64)>,
    /// Per participant, one bit per slot of the event where it is free.
    free_slots: HashMap<String, Vec<u64>>,
    /// Slot id → bit number.
    slot_bits: HashMap<String, usize>,
    /// Every slot's bit: the free slots of someone always available.
    all_slots: Vec<u64>,
    /// Those with no free slot at all.
    never_free: HashSet<String>,
}

/// Whose private facts (unavailable slots, quota) may shape a list of suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sees {
    /// The organiser reads every private field: others' availability and quotas exclude.
    Everyone,
    /// A participant asking for itself: only its own do.
    OwnOnly,
}

/// One recommended participant.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub participant: Participant,
    pub score: f64,
    /// Why, structured: each client says it in its reader's language.
    pub reasons: Vec<engine::Reason>,
}

impl Matchmaking {
    /// The event's index, created empty on first use (filled by [`EventIndex::refresh`]).
    pub async fn event(&self, store: &dyn Store, event: &str) -> Result<Arc<EventIndex>, MatchmakingError> {
        if let Some(entry) = self
            .events
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(event)
        {
            return Ok(entry.clone());
        }
        let spec = store.event(event).await?.spec()?;
        let slot_bits: HashMap<String, usize> = spec
            .slots()
            .iter()
            .enumerate()
            .map(|(bit, slot)| (slot.id.clone(), bit))
            .collect();
        let mut all_slots = vec![0u64; slot_bits.len().div_ceil(64)];
        for bit in 0..slot_bits.len() {
            all_slots[bit / 64] |= 1 << (bit % 64);
        }
        let fresh = Arc::new(EventIndex {
            refresh: tokio::sync::Mutex::new(()),
            state: RwLock::new(Indexed {
                index: Index::new(),
                watermark: -1,
                participants: HashMap::new(),
                free_slots: HashMap::new(),
                slot_bits,
                all_slots,
                never_free: HashSet::new(),
            }),
        });
        let mut events = self.events.write().unwrap_or_else(PoisonError::into_inner);
        Ok(events.entry(event.to_string()).or_insert(fresh).clone())
    }

    /// The event's index, brought up to date with the store.
    pub async fn refreshed(
        &self,
        store: &dyn Store,
        event: &str,
    ) -> Result<Arc<EventIndex>, MatchmakingError> {
        let entry = self.event(store, event).await?;
        entry.refresh(store, event).await?;
        Ok(entry)
    }
}

impl EventIndex {
    /// Reads the profiles written since the watermark and upserts them.
    pub async fn refresh(&self, store: &dyn Store, event: &str) -> Result<(), MatchmakingError> {
        let _one_at_a_time = self.refresh.lock().await;
        let watermark = self.read().watermark;
        let changes = store.profiles_since(event, watermark).await?;
        if changes.participants.is_empty() {
            return Ok(());
        }
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        for (participant, revision) in changes.participants {
            state.apply(participant, revision)?;
        }
        Ok(())
    }

    /// The index for reading. Hold it only for synchronous work.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Indexed> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Indexed {
    fn apply(&mut self, participant: Participant, revision: i64) -> anyhow::Result<()> {
        self.watermark = self.watermark.max(revision);
        if self
            .participants
            .get(&participant.id)
            .is_some_and(|(_, known)| *known >= revision)
        {
            return Ok(());
        }
        self.index
            .upsert(profile(&participant))
            .with_context(|| format!("indexing participant {}", participant.id))?;
        let mut free = self.all_slots.clone();
        for slot in &participant.profile.unavailable {
            if let Some(&bit) = self.slot_bits.get(slot) {
                free[bit / 64] &= !(1 << (bit % 64));
            }
        }
        if free.iter().all(|&word| word == 0) {
            self.never_free.insert(participant.id.clone());
        } else {
            self.never_free.remove(&participant.id);
        }
        self.free_slots.insert(participant.id.clone(), free);
        self.participants
            .insert(participant.id.clone(), (participant, revision));
        Ok(())
    }

    /// The participant as last read.
    pub fn participant(&self, id: &str) -> Option<&Participant> {
        self.participants.get(id).map(|(p, _)| p)
    }

    /// Every participant of the event as last read, in no particular order.
    pub fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.participants.values().map(|(p, _)| p)
    }

    /// Those who share no free slot with `id`: they cannot meet.
    pub fn without_common_slot(&self, id: &str) -> HashSet<String> {
        let Some(mine) = self.free_slots.get(id) else {
            return HashSet::new();
        };
        // The common case, and the one that keeps auto-proposals linear: always available.
        if *mine == self.all_slots {
            let mut excluded = self.never_free.clone();
            excluded.remove(id);
            return excluded;
        }
        self.free_slots
            .iter()
            .filter(|(other, theirs)| {
                other.as_str() != id && !mine.iter().zip(theirs.iter()).any(|(a, b)| a & b != 0)
            })
            .map(|(other, _)| other.clone())
            .collect()
    }
}

/// The engine's view of a participant: public profile fields only.
pub fn profile(p: &Participant) -> Profile {
    Profile {
        id: p.id.clone(),
        name: p.profile.name.clone(),
        kind: p.profile.kind.as_str().to_string(),
        organization: p.profile.organization.clone().unwrap_or_default(),
        city: p.profile.city.clone().unwrap_or_default(),
        country: p.profile.country.clone().unwrap_or_default(),
        languages: p.profile.languages.clone(),
        topics: p.profile.topics.clone(),
        offers: p.profile.offers.clone(),
        seeks: p.profile.seeks.clone(),
        sector: None,
        groups: Vec::new(),
    }
}

/// Whom `me` should not be offered because of their requests: everyone sharing a pending
/// or accepted request with `me` (either direction), and every invitee who declined `me`.
pub fn request_exclusions<'r>(
    me: &str,
    requests: impl IntoIterator<Item = &'r MeetingRequest>,
) -> HashSet<String> {
    let mut excluded = HashSet::new();
    for request in requests.into_iter().filter(|r| r.involves(me)) {
        match request.status {
            RequestStatus::Pending | RequestStatus::Accepted => {
                excluded.extend(request.participants().into_iter().filter(|p| p != me));
            }
            RequestStatus::Declined if request.requester == me => excluded.extend(
                request
                    .invitees
                    .iter()
                    .filter(|i| i.response == Response::Declined)
                    .map(|i| i.participant.clone()),
            ),
            // An expired request counts as declined by whoever did not accept it.
            RequestStatus::Expired if request.requester == me => excluded.extend(
                request
                    .invitees
                    .iter()
                    .filter(|i| i.response != Response::Accepted)
                    .map(|i| i.participant.clone()),
            ),
            RequestStatus::Declined
            | RequestStatus::Withdrawn
            | RequestStatus::Cancelled
            | RequestStatus::Expired => {}
        }
    }
    excluded
}

/// The ranked recommendations for `me`: index refresh, exclusions, suggest; others' private
/// facts exclude only for the organiser ([`Sees`]). Quotas are checked for the candidates the engine returns (one small query per round) rather than
/// for the whole event: the engine is asked for more than `limit`, the full ones dropped,
/// and asked again with them excluded only when too few are left.
pub async fn recommend(
    store: &dyn Store,
    matchmaking: &Matchmaking,
    event: &str,
    me: &str,
    limit: usize,
    sees: Sees,
) -> Result<Vec<Recommendation>, MatchmakingError> {
    let entry = matchmaking.refreshed(store, event).await?;
    let Some(my_quota) = entry.read().participant(me).map(|p| p.profile.max_meetings) else {
        return Err(MatchmakingError::UnknownParticipant(me.to_string()));
    };
    if sees == Sees::OwnOnly {
        // The caller's own constraints, which say nothing of anyone else.
        let never_free = entry.read().never_free.contains(me);
        let quota_full = match my_quota {
            Some(max) => {
                let accepted = store.accepted_meetings(event, &[me.to_string()]).await?;
                engine::availability::quota_full(Some(max), accepted.get(me).copied().unwrap_or(0))
            }
            None => false,
        };
        if never_free || quota_full {
            return Ok(Vec::new());
        }
    }
    let boosts = store.boosts(event).await?;
    let mut query = SuggestQuery::new(limit);
    query.boosts = boosts.iter().map(engine::Boost::from).collect();
    query.exclude = request_exclusions(me, &store.requests_of(event, me).await?);
    if sees == Sees::Everyone {
        query.exclude.extend(entry.read().without_common_slot(me));
    }

    // Quotas are checked on an over-fetched list, one query per round: usually one round.
    let mut quota_checked: HashSet<String> = HashSet::new();
    let mut suggestions = Vec::new();
    query.limit = (limit * QUOTA_OVERFETCH).min(engine::MAX_LIMIT);
    for _ in 0..QUOTA_ROUNDS {
        let (found, with_quota) = {
            let state = entry.read();
            let found = state.index.suggest(me, &query).context("suggest")?;
            let with_quota: Vec<String> = found
                .iter()
                .filter(|_| sees == Sees::Everyone)
                .filter(|s| !quota_checked.contains(&s.id))
                .filter(|s| {
                    state
                        .participant(&s.id)
                        .is_some_and(|p| p.profile.max_meetings.is_some())
                })
                .map(|s| s.id.clone())
                .collect();
            (found, with_quota)
        };
        let exhausted = found.len() < query.limit;
        suggestions = found;
        if !with_quota.is_empty() {
            let accepted = store.accepted_meetings(event, &with_quota).await?;
            let state = entry.read();
            query.exclude.extend(
                with_quota
                    .iter()
                    .filter(|id| {
                        let max = state.participant(id).and_then(|p| p.profile.max_meetings);
                        engine::availability::quota_full(max, accepted.get(*id).copied().unwrap_or(0))
                    })
                    .cloned(),
            );
            quota_checked.extend(with_quota);
        }
        suggestions.retain(|s| !query.exclude.contains(&s.id));
        if suggestions.len() >= limit || exhausted {
            break;
        }
        query.limit = (query.limit * 2).min(engine::MAX_LIMIT);
    }
    suggestions.truncate(limit);
    let state = entry.read();
    Ok(suggestions
        .into_iter()
        .filter_map(|Suggestion { id, score, reasons }| {
            Some(Recommendation {
                participant: state.participant(&id)?.clone(),
                score,
                reasons,
            })
        })
        .collect())
}

/// Auto-proposals: for every participant with fewer than `min_requests` pending or
/// accepted requests of its own, proposals from its suggestions up to that many, under the
/// same exclusions as recommendations; no invitee gets more than `per_invitee` of them.
/// Handles at most `max_participants` of them, in id order after `after` (a big event is
/// worked through in pages); returns the proposals, the last participant handled when more
/// remain, and how many remain.
pub async fn propose(
    store: &dyn Store,
    matchmaking: &Matchmaking,
    event: &str,
    min_requests: usize,
    per_invitee: usize,
    page: (Option<&str>, usize),
) -> Result<(Vec<engine::Proposal>, Option<String>, usize), MatchmakingError> {
    let (after, max_participants) = page;
    let entry = matchmaking.refreshed(store, event).await?;
    let boosts = store.boosts(event).await?;
    let requests = store.requests(event, None).await?;
    let mut of_participant: HashMap<&str, Vec<&MeetingRequest>> = HashMap::new();
    let mut requested: HashMap<&str, usize> = HashMap::new();
    let mut accepted: HashMap<&str, u32> = HashMap::new();
    for request in &requests {
        for party in
            std::iter::once(&request.requester).chain(request.invitees.iter().map(|i| &i.participant))
        {
            of_participant.entry(party).or_default().push(request);
            if request.status == RequestStatus::Accepted {
                *accepted.entry(party).or_default() += 1;
            }
        }
        if matches!(request.status, RequestStatus::Pending | RequestStatus::Accepted) {
            *requested.entry(&request.requester).or_default() += 1;
        }
    }
    let state = entry.read();
    let full: HashSet<String> = state
        .participants()
        .filter(|p| {
            engine::availability::quota_full(
                p.profile.max_meetings,
                accepted.get(p.id.as_str()).copied().unwrap_or(0),
            )
        })
        .map(|p| p.id.clone())
        .collect();
    let mut quiet: Vec<engine::QuietParticipant> = state
        .participants()
        .filter(|p| !full.contains(&p.id) && after.is_none_or(|after| p.id.as_str() > after))
        .map(|p| (p, requested.get(p.id.as_str()).copied().unwrap_or(0)))
        .filter(|&(_, made)| made < min_requests)
        .map(|(p, made)| {
            let mut exclude = request_exclusions(
                &p.id,
                of_participant.get(p.id.as_str()).into_iter().flatten().copied(),
            );
            exclude.extend(state.without_common_slot(&p.id));
            exclude.extend(full.iter().cloned());
            engine::QuietParticipant {
                id: p.id.clone(),
                requested: made,
                exclude,
            }
        })
        .collect();
    quiet.sort_by(|a, b| a.id.cmp(&b.id));
    let remaining = quiet.len().saturating_sub(max_participants);
    quiet.truncate(max_participants);
    let next = (remaining > 0)
        .then(|| quiet.last().map(|q| q.id.clone()))
        .flatten();
    // Within the page, the quietest first: they are the ones the proposals are for.
    quiet.sort_by(|a, b| a.requested.cmp(&b.requested).then_with(|| a.id.cmp(&b.id)));
    let settings = engine::ProposalSettings {
        target_requests: min_requests,
        max_per_invitee: per_invitee,
        boosts: boosts.iter().map(engine::Boost::from).collect(),
    };
    let proposals = engine::auto_proposals(&state.index, &quiet, &settings).context("auto-proposals")?;
    Ok((proposals, next, remaining))
}
