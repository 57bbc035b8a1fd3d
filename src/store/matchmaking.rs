//! What matchmaking keeps: profile revisions, want-to-meet marks and organiser boosts.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::matchmaking::{BoostRule, BoostTarget};
use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};
use crate::store::participants::participant_from;
use crate::store::requests::insert_request;
use crate::store::{MeetingRequest, Participant, RequestStore, StoreError, StoreResult};

/// Profiles written after a revision: each participant with the revision of its last write.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub participants: Vec<(Participant, i64)>,
}

/// A want-to-meet mark: `participant` wants to meet `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Interest {
    pub target: String,
    pub created_at: DateTime<Utc>,
    /// Whether `target` marked `participant` too.
    pub mutual: bool,
}

/// What marking someone led to.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    pub interest: Interest,
    /// The meeting request between the two when the interest is mutual: the one this mark
    /// created, or the one they already had.
    pub request: Option<MeetingRequest>,
    /// Whether this mark created `request`.
    pub created_request: bool,
}

/// The inputs of the suggestion indexes and what participants do with suggestions.
#[async_trait]
pub trait MatchmakingStore: Send + Sync + 'static {
    /// Profiles (created or updated) with a revision above `after`; revisions grow per
    /// event with every profile write and commit in order.
    async fn profiles_since(&self, event: &str, after: i64) -> StoreResult<ProfileChanges>;
    /// Records that `from` wants to meet `to`. When `to` wants to meet `from` too and the two
    /// have no pending or accepted request, `mutual` (an accepted request from `to` to
    /// `from`) is created, once per pair however many marks race.
    async fn mark_interest(
        &self,
        event: &str,
        from: &str,
        to: &str,
        mutual: &MeetingRequest,
    ) -> StoreResult<Marked>;
    /// Removes a mark; returns whether there was one. A request it created stays.
    async fn unmark_interest(&self, event: &str, from: &str, to: &str) -> StoreResult<bool>;
    /// The marks `participant` made, oldest first.
    async fn interests(&self, event: &str, participant: &str) -> StoreResult<Vec<Interest>>;
    /// Replaces the organiser boosts of an event.
    async fn set_boosts(&self, event: &str, boosts: &[BoostRule]) -> StoreResult<()>;
    /// The organiser boosts of an event, in order.
    async fn boosts(&self, event: &str) -> StoreResult<Vec<BoostRule>>;
}

#[async_trait]
impl<DB: Backend> MatchmakingStore for SqlStore<DB> {
    async fn profiles_since(&self, event: &str, after: i64) -> StoreResult<ProfileChanges> {
        let rows = sqlx::query(
            "SELECT * FROM participants WHERE event_id = $1 AND revision > $2 ORDER BY revision, seq, id",
        )
        .param(event)
        .param(after)
        .fetch_all(self.db())
        .await?;
        let participants = rows
            .iter()
            .map(|row| Ok((participant_from(row)?, row.read("revision")?)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ProfileChanges { participants })
    }

    async fn mark_interest(
        &self,
        event: &str,
        from: &str,
        to: &str,
        mutual: &MeetingRequest,
    ) -> StoreResult<Marked> {
        let (low, high) = if from < to { (from, to) } else { (to, from) };
        let mut tx = self.begin_write().await?;
        // Writing the pair's row first takes its lock: the marks of one pair queue up here, so
        // the second one sees the first and only one request is made.
        let linked: Option<String> = sqlx::query(
            "INSERT INTO interest_pairs (event_id, low_id, high_id, request_id) VALUES ($1, $2, $3, NULL) \
             ON CONFLICT (low_id, high_id) DO UPDATE SET event_id = excluded.event_id RETURNING request_id",
        )
        .param(event)
        .param(low)
        .param(high)
        .fetch_one(DB::on(&mut tx))
        .await?
        .read("request_id")?;
        sqlx::query(
            "INSERT INTO interests (event_id, participant_id, target_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (participant_id, target_id) DO NOTHING",
        )
        .param(event)
        .param(from)
        .param(to)
        .param(Utc::now())
        .execute(DB::on(&mut tx))
        .await?;
        let created_at =
            sqlx::query("SELECT created_at FROM interests WHERE participant_id = $1 AND target_id = $2")
                .param(from)
                .param(to)
                .fetch_one(DB::on(&mut tx))
                .await?
                .read("created_at")?;
        let is_mutual = sqlx::query("SELECT 1 FROM interests WHERE participant_id = $1 AND target_id = $2")
            .param(to)
            .param(from)
            .fetch_optional(DB::on(&mut tx))
            .await?
            .is_some();
        let mut request_id = linked;
        let mut created_request = false;
        if is_mutual && request_id.is_none() {
            let live: Option<String> = sqlx::query(
                "SELECT r.id FROM requests r WHERE r.event_id = $1 AND r.status IN ('pending', 'accepted') \
                 AND ((r.requester_id = $2 AND EXISTS (SELECT 1 FROM request_invitees i \
                       WHERE i.request_id = r.id AND i.participant_id = $3)) \
                   OR (r.requester_id = $3 AND EXISTS (SELECT 1 FROM request_invitees i \
                       WHERE i.request_id = r.id AND i.participant_id = $2))) \
                 ORDER BY r.created_at, r.id LIMIT 1",
            )
            .param(event)
            .param(from)
            .param(to)
            .fetch_optional(DB::on(&mut tx))
            .await?
            .map(|row| row.read("id"))
            .transpose()?;
            if live.is_none() {
                insert_request(&mut tx, mutual).await?;
                sqlx::query("UPDATE interest_pairs SET request_id = $1 WHERE low_id = $2 AND high_id = $3")
                    .param(&mutual.id)
                    .param(low)
                    .param(high)
                    .execute(DB::on(&mut tx))
                    .await?;
                created_request = true;
                request_id = Some(mutual.id.clone());
            } else {
                request_id = live;
            }
        }
        tx.commit().await?;
        let request = match request_id {
            Some(id) => Some(self.request(event, &id).await?),
            None => None,
        };
        Ok(Marked {
            interest: Interest {
                target: to.to_string(),
                created_at,
                mutual: is_mutual,
            },
            request,
            created_request,
        })
    }

    async fn unmark_interest(&self, event: &str, from: &str, to: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM interests WHERE event_id = $1 AND participant_id = $2 AND target_id = $3",
        )
        .param(event)
        .param(from)
        .param(to)
        .execute(self.db())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn interests(&self, event: &str, participant: &str) -> StoreResult<Vec<Interest>> {
        let marked_me: HashSet<String> =
            sqlx::query("SELECT participant_id FROM interests WHERE event_id = $1 AND target_id = $2")
                .param(event)
                .param(participant)
                .fetch_all(self.db())
                .await?
                .iter()
                .map(|row| row.read("participant_id"))
                .collect::<Result<_, _>>()?;
        sqlx::query(
            "SELECT target_id, created_at FROM interests WHERE event_id = $1 AND participant_id = $2 \
             ORDER BY created_at, target_id",
        )
        .param(event)
        .param(participant)
        .fetch_all(self.db())
        .await?
        .iter()
        .map(|row| {
            let target: String = row.read("target_id")?;
            Ok(Interest {
                mutual: marked_me.contains(&target),
                target,
                created_at: row.read("created_at")?,
            })
        })
        .collect()
    }

    async fn set_boosts(&self, event: &str, boosts: &[BoostRule]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM boosts WHERE event_id = $1")
            .param(event)
            .execute(DB::on(&mut tx))
            .await?;
        for (position, boost) in boosts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO boosts (event_id, position, target, value, factor) VALUES ($1, $2, $3, $4, $5)",
            )
            .param(event)
            .param(position as i64)
            .param(boost.target.name())
            .param(boost.target.value())
            .param(boost.factor)
            .execute(DB::on(&mut tx))
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn boosts(&self, event: &str) -> StoreResult<Vec<BoostRule>> {
        sqlx::query("SELECT target, value, factor FROM boosts WHERE event_id = $1 ORDER BY position")
            .param(event)
            .fetch_all(self.db())
            .await?
            .iter()
            .map(|row| {
                let (name, value): (String, String) = (row.read("target")?, row.read("value")?);
                let target = BoostTarget::parse(&name, &value)
                    .ok_or_else(|| StoreError::Corrupt(format!("boost target {name:?} {value:?}")))?;
                Ok(BoostRule {
                    target,
                    factor: row.read("factor")?,
                })
            })
            .collect()
    }
}
