//! The solve job queue on Redis: `BLMOVE` into per-worker processing lists, leases with a TTL.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use redis::Script;
use redis::aio::MultiplexedConnection;
use tokio::time::Instant;

use super::{CANCEL_FLAG_TTL, JobLease, JobQueue, SolveJob};
use crate::cluster::ClusterError;
use crate::cluster::redis_conn::{RedisConn, millis, within};

/// The queue on Redis. Keys, under the prefix:
/// `queue:jobs` (list), `queue:processing:{worker}` (list), `queue:workers` (set of workers
/// that may hold jobs), `queue:taking:{worker}` (set while a worker is inside `take`, so the
/// reaper leaves alone a job it has moved but not yet leased), `queue:lease:{worker}:{run}:{attempt}`
/// (the lease id, with the TTL) and `queue:cancel:{run}`.
pub struct RedisQueue {
    conn: RedisConn,
    lease_ttl: Duration,
    /// Idle connections for BLMOVE, reused across takes.
    blocking: Mutex<Vec<MultiplexedConnection>>,
    scripts: QueueScripts,
}

struct QueueScripts {
    reap_one: Script,
    forget_worker: Script,
    heartbeat: Script,
    complete: Script,
    release: Script,
}

impl QueueScripts {
    fn new() -> Self {
        Self {
            // KEYS: taking, lease, processing, jobs. ARGV: payload, requeued payload.
            reap_one: Script::new(
                r"
                if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then
                  return 0
                end
                if redis.call('LREM', KEYS[3], 1, ARGV[1]) == 1 then
                  redis.call('RPUSH', KEYS[4], ARGV[2])
                  return 1
                end
                return 0",
            ),
            // KEYS: taking, processing, workers. ARGV: worker id.
            forget_worker: Script::new(
                r"
                if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('LLEN', KEYS[2]) == 0 then
                  redis.call('SREM', KEYS[3], ARGV[1])
                  return 1
                end
                return 0",
            ),
            // KEYS: lease. ARGV: lease id, ttl ms.
            heartbeat: Script::new(
                r"
                if redis.call('GET', KEYS[1]) == ARGV[1] then
                  redis.call('PEXPIRE', KEYS[1], ARGV[2])
                  return 1
                end
                return 0",
            ),
            // KEYS: lease, processing. ARGV: lease id, payload.
            complete: Script::new(
                r"
                if redis.call('GET', KEYS[1]) == ARGV[1] then
                  redis.call('DEL', KEYS[1])
                  redis.call('LREM', KEYS[2], 1, ARGV[2])
                  return 1
                end
                return 0",
            ),
            // KEYS: lease, processing, jobs. ARGV: lease id, payload, requeued payload.
            release: Script::new(
                r"
                if redis.call('GET', KEYS[1]) == ARGV[1] then
                  redis.call('DEL', KEYS[1])
                  if redis.call('LREM', KEYS[2], 1, ARGV[2]) == 1 then
                    redis.call('RPUSH', KEYS[3], ARGV[3])
                  end
                  return 1
                end
                return 0",
            ),
        }
    }
}

impl RedisQueue {
    pub(crate) fn new(conn: RedisConn, lease_ttl: Duration) -> Self {
        Self {
            conn,
            lease_ttl,
            blocking: Mutex::new(Vec::new()),
            scripts: QueueScripts::new(),
        }
    }

    fn jobs_key(&self) -> String {
        self.conn.key("queue:jobs")
    }
    fn processing_key(&self, worker: &str) -> String {
        self.conn.key(format_args!("queue:processing:{worker}"))
    }
    fn workers_key(&self) -> String {
        self.conn.key("queue:workers")
    }
    fn taking_key(&self, worker: &str) -> String {
        self.conn.key(format_args!("queue:taking:{worker}"))
    }
    fn lease_key(&self, worker: &str, job: &SolveJob) -> String {
        self.conn.key(format_args!(
            "queue:lease:{worker}:{}:{}",
            job.run_id, job.attempt
        ))
    }
    fn cancel_key(&self, run_id: &str) -> String {
        self.conn.key(format_args!("queue:cancel:{run_id}"))
    }
    fn dead_key(&self) -> String {
        self.conn.key("queue:dead")
    }

    async fn blocking_connection(&self) -> Result<MultiplexedConnection, ClusterError> {
        let idle = self
            .blocking
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        match idle {
            Some(connection) => Ok(connection),
            None => self.conn.dedicated_connection().await,
        }
    }

    fn return_blocking_connection(&self, connection: MultiplexedConnection) {
        self.blocking
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(connection);
    }

    /// BLMOVE one payload from the queue to `worker`'s processing list.
    async fn move_one(&self, worker: &str, wait: Duration) -> Result<Option<String>, ClusterError> {
        let mut connection = self.blocking_connection().await?;
        let command = redis::cmd("BLMOVE")
            .arg(self.jobs_key())
            .arg(self.processing_key(worker))
            .arg("RIGHT")
            .arg("LEFT")
            .arg(wait.as_secs_f64())
            .to_owned();
        // A dropped or failed connection is not returned to the pool: its BLMOVE may still be
        // pending on the server (the taking key protects a job moved that way).
        let payload: Option<String> = within(
            wait + self.conn.command_timeout,
            command.query_async(&mut connection),
        )
        .await?;
        self.return_blocking_connection(connection);
        Ok(payload)
    }

    /// Moves an undecodable payload out of the way so it is not retried forever.
    async fn bury(&self, worker: &str, payload: &str) -> Result<(), ClusterError> {
        let mut manager = self.conn.manager();
        let pipeline = redis::pipe()
            .atomic()
            .lrem(self.processing_key(worker), 1, payload)
            .ignore()
            .lpush(self.dead_key(), payload)
            .ignore()
            .to_owned();
        self.conn.run(pipeline.query_async::<()>(&mut manager)).await
    }
}

#[async_trait]
impl JobQueue for RedisQueue {
    async fn enqueue(&self, job: &SolveJob) -> Result<(), ClusterError> {
        let payload = serde_json::to_string(job)?;
        let mut manager = self.conn.manager();
        let command = redis::cmd("LPUSH").arg(self.jobs_key()).arg(payload).to_owned();
        self.conn.run(command.query_async::<()>(&mut manager)).await
    }

    async fn take(&self, worker_id: &str, wait: Duration) -> Result<Option<JobLease>, ClusterError> {
        let deadline = Instant::now() + wait;
        let taking_key = self.taking_key(worker_id);
        let mut manager = self.conn.manager();
        let announce = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(&taking_key)
            .arg(1)
            .arg("PX")
            .arg(millis(wait + self.lease_ttl + self.conn.command_timeout))
            .ignore()
            .sadd(self.workers_key(), worker_id)
            .ignore()
            .to_owned();
        self.conn.run(announce.query_async::<()>(&mut manager)).await?;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let Some(payload) = self.move_one(worker_id, remaining).await? else {
                let cleanup = redis::cmd("DEL").arg(&taking_key).to_owned();
                self.conn.run(cleanup.query_async::<()>(&mut manager)).await?;
                return Ok(None);
            };
            let job: SolveJob = match serde_json::from_str(&payload) {
                Ok(job) => job,
                Err(error) => {
                    tracing::error!(%error, %payload, "dropping an undecodable solve job to queue:dead");
                    self.bury(worker_id, &payload).await?;
                    continue;
                }
            };
            let lease_id = uuid::Uuid::new_v4().to_string();
            let grant = redis::pipe()
                .atomic()
                .cmd("SET")
                .arg(self.lease_key(worker_id, &job))
                .arg(&lease_id)
                .arg("PX")
                .arg(millis(self.lease_ttl))
                .ignore()
                .del(&taking_key)
                .ignore()
                .to_owned();
            self.conn.run(grant.query_async::<()>(&mut manager)).await?;
            return Ok(Some(JobLease {
                job,
                worker_id: worker_id.to_owned(),
                lease_id,
                ttl: self.lease_ttl,
                payload,
            }));
        }
    }

    async fn heartbeat(&self, lease: &JobLease) -> Result<bool, ClusterError> {
        let mut manager = self.conn.manager();
        let mut invocation = self.scripts.heartbeat.prepare_invoke();
        invocation
            .key(self.lease_key(&lease.worker_id, &lease.job))
            .arg(&lease.lease_id)
            .arg(millis(self.lease_ttl));
        let extended: i64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
        Ok(extended == 1)
    }

    async fn complete(&self, lease: &JobLease) -> Result<bool, ClusterError> {
        let mut manager = self.conn.manager();
        let mut invocation = self.scripts.complete.prepare_invoke();
        invocation
            .key(self.lease_key(&lease.worker_id, &lease.job))
            .key(self.processing_key(&lease.worker_id))
            .arg(&lease.lease_id)
            .arg(&lease.payload);
        let completed: i64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
        Ok(completed == 1)
    }

    async fn release(&self, lease: &JobLease) -> Result<bool, ClusterError> {
        let requeued = serde_json::to_string(&lease.job.next_attempt())?;
        let mut manager = self.conn.manager();
        let mut invocation = self.scripts.release.prepare_invoke();
        invocation
            .key(self.lease_key(&lease.worker_id, &lease.job))
            .key(self.processing_key(&lease.worker_id))
            .key(self.jobs_key())
            .arg(&lease.lease_id)
            .arg(&lease.payload)
            .arg(requeued);
        let released: i64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
        Ok(released == 1)
    }

    async fn reap_expired(&self) -> Result<usize, ClusterError> {
        let mut manager = self.conn.manager();
        let workers: Vec<String> = self
            .conn
            .run(
                redis::cmd("SMEMBERS")
                    .arg(self.workers_key())
                    .query_async(&mut manager),
            )
            .await?;
        let mut reaped = 0;
        for worker in workers {
            let processing = self.processing_key(&worker);
            let taking = self.taking_key(&worker);
            let held: Vec<String> = self
                .conn
                .run(
                    redis::cmd("LRANGE")
                        .arg(&processing)
                        .arg(0)
                        .arg(-1)
                        .query_async(&mut manager),
                )
                .await?;
            for payload in held {
                let job: SolveJob = match serde_json::from_str(&payload) {
                    Ok(job) => job,
                    Err(error) => {
                        tracing::error!(%error, %payload, "dropping an undecodable solve job to queue:dead");
                        self.bury(&worker, &payload).await?;
                        continue;
                    }
                };
                let requeued = serde_json::to_string(&job.next_attempt())?;
                let mut invocation = self.scripts.reap_one.prepare_invoke();
                invocation
                    .key(&taking)
                    .key(self.lease_key(&worker, &job))
                    .key(&processing)
                    .key(self.jobs_key())
                    .arg(&payload)
                    .arg(requeued);
                let moved: i64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
                if moved == 1 {
                    tracing::warn!(worker = %worker, run_id = %job.run_id, attempt = job.attempt,
                        "solve job lease expired; queued again");
                    reaped += 1;
                }
            }
            let mut forget = self.scripts.forget_worker.prepare_invoke();
            forget
                .key(&taking)
                .key(&processing)
                .key(self.workers_key())
                .arg(&worker);
            let _: i64 = self.conn.run(forget.invoke_async(&mut manager)).await?;
        }
        Ok(reaped)
    }

    async fn request_cancel(&self, run_id: &str) -> Result<(), ClusterError> {
        let mut manager = self.conn.manager();
        let command = redis::cmd("SET")
            .arg(self.cancel_key(run_id))
            .arg(1)
            .arg("PX")
            .arg(millis(CANCEL_FLAG_TTL))
            .to_owned();
        self.conn.run(command.query_async::<()>(&mut manager)).await
    }

    async fn is_cancel_requested(&self, run_id: &str) -> Result<bool, ClusterError> {
        let mut manager = self.conn.manager();
        let command = redis::cmd("EXISTS").arg(self.cancel_key(run_id)).to_owned();
        let exists: i64 = self.conn.run(command.query_async(&mut manager)).await?;
        Ok(exists == 1)
    }

    async fn pending(&self) -> Result<usize, ClusterError> {
        let mut manager = self.conn.manager();
        let command = redis::cmd("LLEN").arg(self.jobs_key()).to_owned();
        self.conn.run(command.query_async(&mut manager)).await
    }
}
