//! Participants: the companies and visitors of an event, with their profiles and tokens.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Transaction;
use sqlx::query::Query;

use crate::domain::participant::Profile;
use crate::domain::{Language, NotificationSettings, ParticipantKind};
use crate::store::backend::{Backend, Param, PushParam, Record, RowsAffected, SqlStore};
use crate::store::{StoreError, StoreResult, from_json, to_json, to_u32};

/// A participant of an event: its checked profile (public and private fields) and what
/// only the store knows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: String,
    pub event_id: String,
    pub profile: Profile,
    /// When the participant first used its token; `None`: never.
    pub signed_in_at: Option<DateTime<Utc>>,
}

impl Participant {
    /// A new participant of `event_id` with a checked profile.
    pub fn new(id: String, event_id: &str, profile: Profile) -> Self {
        Self {
            id,
            event_id: event_id.to_owned(),
            profile,
            signed_in_at: None,
        }
    }
}

/// The participants of each event. Every profile write raises the event's profile
/// revision (see [`MatchmakingStore::profiles_since`](crate::store::MatchmakingStore::profiles_since)).
#[async_trait]
pub trait ParticipantStore: Send + Sync + 'static {
    /// Registers participants with their token hashes, all or none.
    async fn create_participants(&self, participants: &[(Participant, String)]) -> StoreResult<()>;
    /// The participants of an event, in the order they registered.
    async fn participants(&self, event: &str) -> StoreResult<Vec<Participant>>;
    /// Up to `limit` participants of an event in the order they registered, after the one
    /// with id `after` (a page of the directory: an index range, never the whole event).
    /// `NotFound` when `after` is not a participant of the event.
    async fn participants_page(
        &self,
        event: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Participant>>;
    /// The participant `id` of `event`.
    async fn participant(&self, event: &str, id: &str) -> StoreResult<Participant>;
    /// The names of those of `ids` who are participants of `event`, by id (others absent):
    /// what a page that names a few people reads, rather than the whole event.
    async fn participant_names(&self, event: &str, ids: &[String]) -> StoreResult<HashMap<String, String>>;
    /// The participant holding the token with this hash.
    async fn participant_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Participant>>;
    /// The participant `id` of `event` with its revision: the profile revision of its last
    /// write, what its `ETag` and an update's compare-and-set are made of.
    async fn participant_at(&self, event: &str, id: &str) -> StoreResult<(Participant, i64)>;
    /// Overwrites a participant's profile if its row is still at revision `read_at` (the
    /// one it was read at): the new revision, or `None` when another write came first (so
    /// that no update is lost: read again and retry, or tell the caller its copy is stale).
    async fn update_participant(&self, participant: &Participant, read_at: i64) -> StoreResult<Option<i64>>;
    /// Records that the participant used its token, if it never had.
    async fn note_sign_in(&self, id: &str) -> StoreResult<()>;
    /// Gives the participant a new token (by its hash); the old one stops working.
    async fn replace_token(&self, event: &str, id: &str, token_hash: &str) -> StoreResult<()>;
    /// Erases a participant's personal data, in one transaction: its profile becomes
    /// `ERASED_NAME` with nothing else, its address, settings and token go (`token_hash`
    /// replaces it: a hash of nothing anyone holds), and so do its messages (sent or not),
    /// its want-to-meet marks, its web sessions, its stored idempotent responses and the
    /// messages of its requests. The meetings stay, for the others' agendas.
    async fn erase_participant(&self, event: &str, id: &str, token_hash: &str) -> StoreResult<Participant>;
}

/// The name an erased participant is shown under.
pub const ERASED_NAME: &str = "—";

fn kind_from(text: &str) -> StoreResult<ParticipantKind> {
    ParticipantKind::parse(text).ok_or_else(|| StoreError::Corrupt(format!("participant kind {text:?}")))
}

pub(super) fn participant_from(row: &impl Record) -> StoreResult<Participant> {
    Ok(Participant {
        id: row.read("id")?,
        event_id: row.read("event_id")?,
        profile: profile_from(row)?,
        signed_in_at: row.read("signed_in_at")?,
    })
}

fn profile_from(row: &impl Record) -> StoreResult<Profile> {
    let list = |col: &str| -> StoreResult<Vec<String>> { from_json(&row.read::<String>(col)?) };
    Ok(Profile {
        name: row.read("name")?,
        kind: kind_from(&row.read::<String>("kind")?)?,
        organization: row.read("organization")?,
        city: row.read("city")?,
        country: row.read("country")?,
        size: to_u32(row.read("size")?, "size")?,
        languages: list("languages")?,
        topics: list("topics")?,
        offers: list("offers")?,
        seeks: list("seeks")?,
        max_meetings: row
            .read::<Option<i64>>("max_meetings")?
            .map(|m| to_u32(m, "max_meetings"))
            .transpose()?,
        unavailable: list("unavailable")?,
        email: row.read("email")?,
        language: Language::parse(&row.read::<String>("language")?)
            .ok_or_else(|| StoreError::Corrupt("participant language".into()))?,
        notifications: NotificationSettings {
            reminders: row.read::<i64>("notify_reminders")? != 0,
            requests: row.read::<i64>("notify_requests")? != 0,
        },
    })
}

/// Binds a profile's sixteen columns as `$1`…`$16`, in the order the insert and the update
/// name them: name, kind, organization, city, country, size, languages, topics, offers,
/// seeks, max_meetings, unavailable, email, language, notify_reminders, notify_requests.
fn bind_profile<'q, DB: Backend>(
    query: Query<'q, DB, DB::Arguments>,
    profile: &Profile,
) -> StoreResult<Query<'q, DB, DB::Arguments>> {
    Ok(query
        .param(profile.name.as_str())
        .param(profile.kind.as_str())
        .param(&profile.organization)
        .param(&profile.city)
        .param(&profile.country)
        .param(i64::from(profile.size))
        .param(to_json(&profile.languages)?)
        .param(to_json(&profile.topics)?)
        .param(to_json(&profile.offers)?)
        .param(to_json(&profile.seeks)?)
        .param(profile.max_meetings.map(i64::from))
        .param(to_json(&profile.unavailable)?)
        .param(&profile.email)
        .param(profile.language.code())
        .param(i64::from(profile.notifications.reminders))
        .param(i64::from(profile.notifications.requests)))
}

/// Raises the event's profile revision and returns it. Taking the event's row serialises
/// profile writes of one event, so revisions commit in order.
async fn bump_profile_revision<DB: Backend>(
    tx: &mut Transaction<'static, DB>,
    event: &str,
) -> StoreResult<i64> {
    let row = sqlx::query(
        "UPDATE events SET profile_revision = profile_revision + 1 WHERE id = $1 RETURNING profile_revision",
    )
    .param(event)
    .fetch_optional(DB::on(tx))
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(row.read("profile_revision")?)
}

#[async_trait]
impl<DB: Backend> ParticipantStore for SqlStore<DB> {
    async fn create_participants(&self, participants: &[(Participant, String)]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        let mut revisions: HashMap<&str, i64> = HashMap::new();
        for (seq, (p, token_hash)) in participants.iter().enumerate() {
            let revision = match revisions.get(p.event_id.as_str()) {
                Some(&revision) => revision,
                None => {
                    let revision = bump_profile_revision(&mut tx, &p.event_id).await?;
                    revisions.insert(&p.event_id, revision);
                    revision
                }
            };
            let insert = sqlx::query(
                "INSERT INTO participants (name, kind, organization, city, country, size, languages, topics, \
                 offers, seeks, max_meetings, unavailable, email, language, notify_reminders, notify_requests, \
                 id, event_id, token_hash, created_at, seq, revision) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
                 $19, $20, $21, $22)",
            );
            bind_profile(insert, &p.profile)?
                .param(&p.id)
                .param(&p.event_id)
                .param(token_hash)
                .param(now)
                .param(seq as i64)
                .param(revision)
                .execute(DB::on(&mut tx))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn participants(&self, event: &str) -> StoreResult<Vec<Participant>> {
        let rows = sqlx::query("SELECT * FROM participants WHERE event_id = $1 ORDER BY created_at, seq, id")
            .param(event)
            .fetch_all(self.db())
            .await?;
        rows.iter().map(participant_from).collect()
    }

    async fn participants_page(
        &self,
        event: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Participant>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match after {
            None => {
                sqlx::query(
                    "SELECT * FROM participants WHERE event_id = $1 ORDER BY created_at, seq, id LIMIT $2",
                )
                .param(event)
                .param(limit)
                .fetch_all(self.db())
                .await?
            }
            Some(after) => {
                // The cursor's own row gives the place to start after.
                self.participant(event, after).await?;
                sqlx::query(
                    "SELECT * FROM participants p WHERE p.event_id = $1 AND (p.created_at, p.seq, p.id) > \
                     (SELECT c.created_at, c.seq, c.id FROM participants c WHERE c.event_id = $1 AND c.id = $2) \
                     ORDER BY p.created_at, p.seq, p.id LIMIT $3",
                )
                .param(event)
                .param(after)
                .param(limit)
                .fetch_all(self.db())
                .await?
            }
        };
        rows.iter().map(participant_from).collect()
    }

    async fn participant(&self, event: &str, id: &str) -> StoreResult<Participant> {
        let row = sqlx::query("SELECT * FROM participants WHERE event_id = $1 AND id = $2")
            .param(event)
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        participant_from(&row)
    }

    async fn participant_at(&self, event: &str, id: &str) -> StoreResult<(Participant, i64)> {
        let row = sqlx::query("SELECT * FROM participants WHERE event_id = $1 AND id = $2")
            .param(event)
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((participant_from(&row)?, row.read("revision")?))
    }

    async fn participant_names(&self, event: &str, ids: &[String]) -> StoreResult<HashMap<String, String>> {
        // Bounded so that no chunk comes near either database's limit on parameters.
        const CHUNK: usize = 1000;
        let mut names = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut query =
                sqlx::QueryBuilder::<DB>::new("SELECT id, name FROM participants WHERE event_id = ");
            query.separated("").push_param(event);
            query.push(" AND id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_param(id);
            }
            query.push(")");
            for row in query.build().fetch_all(self.db()).await? {
                names.insert(row.read("id")?, row.read("name")?);
            }
        }
        Ok(names)
    }

    async fn participant_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Participant>> {
        let row = sqlx::query("SELECT * FROM participants WHERE token_hash = $1")
            .param(token_hash)
            .fetch_optional(self.db())
            .await?;
        row.as_ref().map(participant_from).transpose()
    }

    async fn update_participant(&self, p: &Participant, read_at: i64) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let revision = bump_profile_revision(&mut tx, &p.event_id).await?;
        let update = sqlx::query(
            "UPDATE participants SET name = $1, kind = $2, organization = $3, city = $4, country = $5, \
             size = $6, languages = $7, topics = $8, offers = $9, seeks = $10, max_meetings = $11, \
             unavailable = $12, email = $13, language = $14, notify_reminders = $15, notify_requests = $16, \
             revision = $17 WHERE event_id = $18 AND id = $19 AND revision = $20",
        );
        let done = bind_profile(update, &p.profile)?
            .param(revision)
            .param(&p.event_id)
            .param(&p.id)
            .param(read_at)
            .execute(DB::on(&mut tx))
            .await?;
        // The event's row taken by the bump serialises profile writes, so this check holds
        // until the commit. Gone or changed since the read: nothing is written.
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(revision))
    }

    async fn note_sign_in(&self, id: &str) -> StoreResult<()> {
        sqlx::query("UPDATE participants SET signed_in_at = $1 WHERE id = $2 AND signed_in_at IS NULL")
            .param(Utc::now())
            .param(id)
            .execute(self.db())
            .await?;
        Ok(())
    }

    async fn replace_token(&self, event: &str, id: &str, token_hash: &str) -> StoreResult<()> {
        let done = sqlx::query("UPDATE participants SET token_hash = $1 WHERE event_id = $2 AND id = $3")
            .param(token_hash)
            .param(event)
            .param(id)
            .execute(self.db())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn erase_participant(&self, event: &str, id: &str, token_hash: &str) -> StoreResult<Participant> {
        let mut tx = self.begin_write().await?;
        let revision = bump_profile_revision(&mut tx, event).await?;
        let done = sqlx::query(
            "UPDATE participants SET token_hash = $1, name = $2, organization = NULL, city = NULL, \
             country = NULL, languages = '[]', topics = '[]', offers = '[]', seeks = '[]', unavailable = '[]', \
             email = NULL, language = 'fr', notify_reminders = 1, notify_requests = 1, revision = $3 \
             WHERE event_id = $4 AND id = $5",
        )
        .param(token_hash)
        .param(ERASED_NAME)
        .param(revision)
        .param(event)
        .param(id)
        .execute(DB::on(&mut tx))
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        for statement in [
            "DELETE FROM outbox WHERE recipient_id = $1",
            "DELETE FROM interests WHERE participant_id = $1 OR target_id = $1",
            "DELETE FROM web_sessions WHERE participant_id = $1",
            "UPDATE requests SET message = '' WHERE requester_id = $1",
        ] {
            sqlx::query(statement).param(id).execute(DB::on(&mut tx)).await?;
        }
        sqlx::query("DELETE FROM idempotency_keys WHERE caller = $1")
            .param(format!("participant:{id}"))
            .execute(DB::on(&mut tx))
            .await?;
        tx.commit().await?;
        self.participant(event, id).await
    }
}
