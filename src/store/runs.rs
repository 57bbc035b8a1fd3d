//! Schedule runs: solver jobs, fenced so that a stale worker can write nothing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore, unique_violation};
use crate::store::board::write_draft;
use crate::store::{StoreError, StoreResult, from_json, to_json, to_u32};

/// Where a schedule run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl RunStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One solve run and, once done, its schedule.
#[derive(Debug, Clone)]
pub struct ScheduleRun {
    pub id: String,
    pub event_id: String,
    pub status: RunStatus,
    pub time_limit_seconds: u32,
    pub objective: Option<i64>,
    pub bound: Option<i64>,
    pub placed: Option<i64>,
    pub unscheduled: Option<i64>,
    /// The latest progress report (JSON).
    pub progress: Option<serde_json::Value>,
    /// The `rendezvous-problem/1` document the run solved (JSON text).
    pub problem: Option<String>,
    /// The `rendezvous-solution/1` document (JSON text), once done.
    pub solution: Option<String>,
    pub error: Option<String>,
    /// How many times a worker started it (more than 1: a worker died and another took over).
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ScheduleRun {
    /// A run just created: queued, nothing found yet.
    pub fn queued(id: impl Into<String>, event_id: impl Into<String>, time_limit_seconds: u32) -> Self {
        let now = Utc::now();
        Self {
            id: id.into(),
            event_id: event_id.into(),
            status: RunStatus::Queued,
            time_limit_seconds,
            objective: None,
            bound: None,
            placed: None,
            unscheduled: None,
            progress: None,
            problem: None,
            solution: None,
            error: None,
            attempts: 0,
            created_at: now,
            updated_at: now,
        }
    }
}

/// What a finished run found.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub objective: i64,
    pub bound: Option<i64>,
    pub placed: i64,
    pub unscheduled: i64,
    pub solution: String,
}

/// The schedule runs of each event. A run's writes carry the fencing token its worker's
/// lease was granted with; a write under a stale token changes nothing.
#[async_trait]
pub trait RunStore: Send + Sync + 'static {
    /// Queues a run; a `Conflict` when the event already has one queued or running.
    async fn create_run(&self, run: &ScheduleRun) -> StoreResult<()>;
    /// The run `id` of `event`.
    async fn run(&self, event: &str, id: &str) -> StoreResult<ScheduleRun>;
    /// The event's run that finished last with a solution (the draft), if any.
    async fn latest_done_run(&self, event: &str) -> StoreResult<Option<ScheduleRun>>;
    /// The highest fencing token that started a run of the event (0 if none): a lock
    /// service that lost its counter must hand out tokens above it.
    async fn run_fence(&self, event: &str) -> StoreResult<i64>;
    /// queued (or running, under an older holder) → running under the holder of `fence`,
    /// with the problem it solves; returns the attempt number. A `Conflict` when the run is
    /// no longer queued or running, or a holder with a token ≥ `fence` started a run of the
    /// event: the caller is stale and must write nothing.
    async fn start_run(&self, event: &str, id: &str, problem: &str, fence: i64) -> StoreResult<u32>;
    /// Records progress if the holder of `fence` still runs the run; returns whether it did.
    async fn run_progress(&self, id: &str, progress: &serde_json::Value, fence: i64) -> StoreResult<bool>;
    /// running → done, only for the holder of `fence` (`Conflict` otherwise).
    async fn finish_run(&self, id: &str, result: &RunResult, fence: i64) -> StoreResult<()>;
    /// running → failed, only for the holder of `fence`; returns whether it did.
    async fn fail_started_run(&self, id: &str, error: &str, fence: i64) -> StoreResult<bool>;
    /// queued or running → failed, whoever holds it (a run that could not be queued, or an
    /// organiser cancelling a run no worker took yet); returns whether it did.
    async fn fail_run(&self, id: &str, error: &str) -> StoreResult<bool>;
    /// Marks every queued or running run failed (they cannot survive a restart of an
    /// in-process runner); returns how many.
    async fn fail_unfinished_runs(&self, error: &str) -> StoreResult<u64>;
}

fn run_status_from(text: &str) -> StoreResult<RunStatus> {
    RunStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("run status {text:?}")))
}

pub(super) fn run_from(row: &impl Record) -> StoreResult<ScheduleRun> {
    Ok(ScheduleRun {
        id: row.read("id")?,
        event_id: row.read("event_id")?,
        status: run_status_from(&row.read::<String>("status")?)?,
        time_limit_seconds: to_u32(row.read("time_limit_seconds")?, "time_limit_seconds")?,
        objective: row.read("objective")?,
        bound: row.read("bound")?,
        placed: row.read("placed")?,
        unscheduled: row.read("unscheduled")?,
        progress: row
            .read::<Option<String>>("progress")?
            .map(|p| from_json(&p))
            .transpose()?,
        problem: row.read("problem")?,
        solution: row.read("solution")?,
        error: row.read("error")?,
        attempts: to_u32(row.read("attempts")?, "attempts")?,
        created_at: row.read("created_at")?,
        updated_at: row.read("updated_at")?,
    })
}

#[async_trait]
impl<DB: Backend> RunStore for SqlStore<DB> {
    async fn create_run(&self, run: &ScheduleRun) -> StoreResult<()> {
        let inserted = sqlx::query(
            "INSERT INTO schedules (id, event_id, status, time_limit_seconds, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .param(&run.id)
        .param(&run.event_id)
        .param(run.status.as_str())
        .param(i64::from(run.time_limit_seconds))
        .param(run.created_at)
        .param(run.updated_at)
        .execute(self.db())
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(err) if unique_violation(&err) => Err(StoreError::Conflict(
                "a schedule run is already queued or running for this event".into(),
            )),
            Err(err) => Err(err.into()),
        }
    }

    async fn run(&self, event: &str, id: &str) -> StoreResult<ScheduleRun> {
        let row = sqlx::query("SELECT * FROM schedules WHERE event_id = $1 AND id = $2")
            .param(event)
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        run_from(&row)
    }

    async fn latest_done_run(&self, event: &str) -> StoreResult<Option<ScheduleRun>> {
        let row = sqlx::query(
            "SELECT * FROM schedules WHERE event_id = $1 AND status = 'done' \
             ORDER BY updated_at DESC, id DESC LIMIT 1",
        )
        .param(event)
        .fetch_optional(self.db())
        .await?;
        row.as_ref().map(run_from).transpose()
    }

    async fn run_fence(&self, event: &str) -> StoreResult<i64> {
        let row = sqlx::query("SELECT run_fence FROM events WHERE id = $1")
            .param(event)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.read("run_fence")?)
    }

    async fn start_run(&self, event: &str, id: &str, problem: &str, fence: i64) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        // The fence only moves up: a holder whose token is not above every earlier one was
        // overtaken while it waited.
        let fenced = sqlx::query("UPDATE events SET run_fence = $1 WHERE id = $2 AND run_fence < $1")
            .param(fence)
            .param(event)
            .execute(DB::on(&mut tx))
            .await?;
        if fenced.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "fencing token {fence} is stale: a newer holder started a run of the event"
            )));
        }
        let row = sqlx::query(
            "UPDATE schedules SET status = 'running', problem = $1, fence = $2, attempts = attempts + 1, \
             progress = NULL, updated_at = $3 \
             WHERE id = $4 AND event_id = $5 AND status IN ('queued', 'running') RETURNING attempts",
        )
        .param(problem)
        .param(fence)
        .param(Utc::now())
        .param(id)
        .param(event)
        .fetch_optional(DB::on(&mut tx))
        .await?
        .ok_or_else(|| StoreError::Conflict("the run is no longer queued or running".into()))?;
        let attempts = to_u32(row.read("attempts")?, "attempts")?;
        tx.commit().await?;
        Ok(attempts)
    }

    async fn run_progress(&self, id: &str, progress: &serde_json::Value, fence: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE schedules SET progress = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'running' AND fence = $4",
        )
        .param(to_json(progress)?)
        .param(Utc::now())
        .param(id)
        .param(fence)
        .execute(self.db())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_run(&self, id: &str, result: &RunResult, fence: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // The result lands whole, and only if this holder's token is still the run's and the
        // event's latest; the draft's rows (what the board's windows read) with it.
        let done = sqlx::query(
            "UPDATE schedules SET status = 'done', objective = $1, bound = $2, placed = $3, \
             unscheduled = $4, solution = $5, updated_at = $6 \
             WHERE id = $7 AND status = 'running' AND fence = $8 \
             AND $8 = (SELECT run_fence FROM events WHERE events.id = schedules.event_id) \
             RETURNING event_id",
        )
        .param(result.objective)
        .param(result.bound)
        .param(result.placed)
        .param(result.unscheduled)
        .param(&result.solution)
        .param(Utc::now())
        .param(id)
        .param(fence)
        .fetch_optional(DB::on(&mut tx))
        .await?
        .ok_or_else(|| {
            StoreError::Conflict("the run is no longer running under this fencing token".into())
        })?;
        let event: String = done.read("event_id")?;
        write_draft::<DB>(&mut tx, &event, id, &result.solution).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn fail_started_run(&self, id: &str, error: &str, fence: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE schedules SET status = 'failed', error = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'running' AND fence = $4",
        )
        .param(error)
        .param(Utc::now())
        .param(id)
        .param(fence)
        .execute(self.db())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_run(&self, id: &str, error: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE schedules SET status = 'failed', error = $1, updated_at = $2 \
             WHERE id = $3 AND status IN ('queued', 'running')",
        )
        .param(error)
        .param(Utc::now())
        .param(id)
        .execute(self.db())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_unfinished_runs(&self, error: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE schedules SET status = 'failed', error = $1, updated_at = $2 \
             WHERE status IN ('queued', 'running')",
        )
        .param(error)
        .param(Utc::now())
        .execute(self.db())
        .await?;
        Ok(done.rows_affected())
    }
}
