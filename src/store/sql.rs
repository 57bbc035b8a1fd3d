//! The SQL both backends share. SQLite and PostgreSQL accept the same statements here
//! (`$1` placeholders, `RETURNING`, `ON CONFLICT`, partial indexes), so one macro expands
//! into a typed implementation per backend (typed pools: `AnyPool` cannot carry chrono
//! timestamps). The migrations differ only in column types.

macro_rules! sql_store {
    ($Store:ident, $Db:ty, $Row:ty, $begin:expr) => {
        use std::collections::HashMap;

        use async_trait::async_trait;
        use chrono::Utc;
        use sqlx::Row as _;

        use crate::domain::matchmaking::{BoostRule, BoostTarget};
        use crate::domain::{RequestStatus, Response};
        use crate::store::{
            Event, IdempotencyStart, Interest, Invitee, Marked, MeetingRequest, Participant, PlacedMeeting,
            ProfileChanges, Room, RunResult, ScheduleRun, Store, StoreError, StoreResult, StoredResponse, Timetable,
            TimetableMeeting, from_json, kind_from, response_from, run_status_from, status_from, to_json, to_u32,
        };

        fn event_from(row: &$Row) -> StoreResult<Event> {
            Ok(Event {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                timezone: row.try_get("timezone")?,
                slot_minutes: to_u32(row.try_get("slot_minutes")?, "slot_minutes")?,
                days: from_json(&row.try_get::<String, _>("days")?)?,
                timetable_version: row.try_get("timetable_version")?,
                created_at: row.try_get("created_at")?,
            })
        }

        fn room_from(row: &$Row) -> StoreResult<Room> {
            Ok(Room {
                id: row.try_get("id")?,
                event_id: row.try_get("event_id")?,
                name: row.try_get("name")?,
                capacity: to_u32(row.try_get("capacity")?, "capacity")?,
                features: from_json(&row.try_get::<String, _>("features")?)?,
                unavailable: from_json(&row.try_get::<String, _>("unavailable")?)?,
            })
        }

        fn participant_from(row: &$Row) -> StoreResult<Participant> {
            let list = |col: &str| -> StoreResult<Vec<String>> { from_json(&row.try_get::<String, _>(col)?) };
            Ok(Participant {
                id: row.try_get("id")?,
                event_id: row.try_get("event_id")?,
                name: row.try_get("name")?,
                kind: kind_from(&row.try_get::<String, _>("kind")?)?,
                organization: row.try_get("organization")?,
                city: row.try_get("city")?,
                country: row.try_get("country")?,
                size: to_u32(row.try_get("size")?, "size")?,
                languages: list("languages")?,
                topics: list("topics")?,
                offers: list("offers")?,
                seeks: list("seeks")?,
                max_meetings: row
                    .try_get::<Option<i64>, _>("max_meetings")?
                    .map(|m| to_u32(m, "max_meetings"))
                    .transpose()?,
                unavailable: list("unavailable")?,
            })
        }

        fn request_from(row: &$Row, invitees: Vec<Invitee>) -> StoreResult<MeetingRequest> {
            Ok(MeetingRequest {
                id: row.try_get("id")?,
                event_id: row.try_get("event_id")?,
                requester: row.try_get("requester_id")?,
                invitees,
                duration_minutes: to_u32(row.try_get("duration_minutes")?, "duration_minutes")?,
                priority: to_u32(row.try_get("priority")?, "priority")?,
                message: row.try_get("message")?,
                features: from_json(&row.try_get::<String, _>("features")?)?,
                status: status_from(&row.try_get::<String, _>("status")?)?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn run_from(row: &$Row) -> StoreResult<ScheduleRun> {
            Ok(ScheduleRun {
                id: row.try_get("id")?,
                event_id: row.try_get("event_id")?,
                status: run_status_from(&row.try_get::<String, _>("status")?)?,
                time_limit_seconds: to_u32(row.try_get("time_limit_seconds")?, "time_limit_seconds")?,
                objective: row.try_get("objective")?,
                bound: row.try_get("bound")?,
                placed: row.try_get("placed")?,
                unscheduled: row.try_get("unscheduled")?,
                progress: row
                    .try_get::<Option<String>, _>("progress")?
                    .map(|p| from_json(&p))
                    .transpose()?,
                problem: row.try_get("problem")?,
                solution: row.try_get("solution")?,
                error: row.try_get("error")?,
                attempts: to_u32(row.try_get("attempts")?, "attempts")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn unique_violation(err: &sqlx::Error) -> bool {
            matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
        }

        /// A unique violation while publishing: the database refused a double-booking.
        fn double_booking(err: sqlx::Error) -> StoreError {
            if unique_violation(&err) {
                StoreError::Conflict(format!("the timetable double-books: {err}"))
            } else {
                err.into()
            }
        }

        /// Raises the event's profile revision and returns it. Taking the event's row
        /// serialises profile writes of one event, so revisions commit in order.
        async fn bump_profile_revision(tx: &mut sqlx::Transaction<'static, $Db>, event: &str) -> StoreResult<i64> {
            let row = sqlx::query(
                "UPDATE events SET profile_revision = profile_revision + 1 WHERE id = $1 RETURNING profile_revision",
            )
            .bind(event)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            Ok(row.try_get("profile_revision")?)
        }

        async fn insert_request(tx: &mut sqlx::Transaction<'static, $Db>, r: &MeetingRequest) -> StoreResult<()> {
            sqlx::query(
                "INSERT INTO requests (id, event_id, requester_id, duration_minutes, priority, message, \
                 features, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&r.id)
            .bind(&r.event_id)
            .bind(&r.requester)
            .bind(i64::from(r.duration_minutes))
            .bind(i64::from(r.priority))
            .bind(&r.message)
            .bind(to_json(&r.features)?)
            .bind(r.status.as_str())
            .bind(r.created_at)
            .bind(r.updated_at)
            .execute(&mut **tx)
            .await?;
            for (position, invitee) in r.invitees.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO request_invitees (request_id, participant_id, position, response) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&r.id)
                .bind(&invitee.participant)
                .bind(position as i64)
                .bind(invitee.response.as_str())
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        impl $Store {
            /// Loads the invitees of the given requests (all of the event's when `None`).
            async fn invitees_of(&self, event: &str) -> StoreResult<HashMap<String, Vec<Invitee>>> {
                let rows = sqlx::query(
                    "SELECT i.request_id, i.participant_id, i.response FROM request_invitees i \
                     JOIN requests r ON r.id = i.request_id WHERE r.event_id = $1 \
                     ORDER BY i.request_id, i.position",
                )
                .bind(event)
                .fetch_all(&self.pool)
                .await?;
                let mut map: HashMap<String, Vec<Invitee>> = HashMap::new();
                for row in rows {
                    map.entry(row.try_get("request_id")?).or_default().push(Invitee {
                        participant: row.try_get("participant_id")?,
                        response: response_from(&row.try_get::<String, _>("response")?)?,
                    });
                }
                Ok(map)
            }
        }

        #[async_trait]
        impl Store for $Store {
            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
                let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| r.try_get("value")).transpose()?)
            }

            async fn init_setting(&self, name: &str, value: &str) -> StoreResult<bool> {
                let done = sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind(value)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_event(&self, event: &Event) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO events (id, name, timezone, slot_minutes, days, timetable_version, created_at) \
                     VALUES ($1, $2, $3, $4, $5, NULL, $6)",
                )
                .bind(&event.id)
                .bind(&event.name)
                .bind(&event.timezone)
                .bind(i64::from(event.slot_minutes))
                .bind(to_json(&event.days)?)
                .bind(event.created_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn event(&self, id: &str) -> StoreResult<Event> {
                let row = sqlx::query("SELECT * FROM events WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                event_from(&row)
            }

            async fn events(&self) -> StoreResult<Vec<Event>> {
                let rows = sqlx::query("SELECT * FROM events ORDER BY created_at, id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(event_from).collect()
            }

            async fn create_room(&self, room: &Room) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO rooms (id, event_id, name, capacity, features, unavailable, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&room.id)
                .bind(&room.event_id)
                .bind(&room.name)
                .bind(i64::from(room.capacity))
                .bind(to_json(&room.features)?)
                .bind(to_json(&room.unavailable)?)
                .bind(Utc::now())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn rooms(&self, event: &str) -> StoreResult<Vec<Room>> {
                let rows = sqlx::query("SELECT * FROM rooms WHERE event_id = $1 ORDER BY created_at, id")
                    .bind(event)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(room_from).collect()
            }

            async fn create_participants(&self, participants: &[(Participant, String)]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
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
                    sqlx::query(
                        "INSERT INTO participants (id, event_id, token_hash, name, kind, organization, city, \
                         country, size, languages, topics, offers, seeks, max_meetings, unavailable, created_at, seq, \
                         revision) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                    )
                    .bind(&p.id)
                    .bind(&p.event_id)
                    .bind(token_hash)
                    .bind(&p.name)
                    .bind(p.kind.as_str())
                    .bind(&p.organization)
                    .bind(&p.city)
                    .bind(&p.country)
                    .bind(i64::from(p.size))
                    .bind(to_json(&p.languages)?)
                    .bind(to_json(&p.topics)?)
                    .bind(to_json(&p.offers)?)
                    .bind(to_json(&p.seeks)?)
                    .bind(p.max_meetings.map(i64::from))
                    .bind(to_json(&p.unavailable)?)
                    .bind(now)
                    .bind(seq as i64)
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn participants(&self, event: &str) -> StoreResult<Vec<Participant>> {
                let rows =
                    sqlx::query("SELECT * FROM participants WHERE event_id = $1 ORDER BY created_at, seq, id")
                        .bind(event)
                        .fetch_all(&self.pool)
                        .await?;
                rows.iter().map(participant_from).collect()
            }

            async fn participant(&self, event: &str, id: &str) -> StoreResult<Participant> {
                let row = sqlx::query("SELECT * FROM participants WHERE event_id = $1 AND id = $2")
                    .bind(event)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                participant_from(&row)
            }

            async fn participant_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Participant>> {
                let row = sqlx::query("SELECT * FROM participants WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(participant_from).transpose()
            }

            async fn update_participant(&self, p: &Participant) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let revision = bump_profile_revision(&mut tx, &p.event_id).await?;
                let done = sqlx::query(
                    "UPDATE participants SET name = $1, kind = $2, organization = $3, city = $4, country = $5, \
                     size = $6, languages = $7, topics = $8, offers = $9, seeks = $10, max_meetings = $11, \
                     unavailable = $12, revision = $15 WHERE event_id = $13 AND id = $14",
                )
                .bind(&p.name)
                .bind(p.kind.as_str())
                .bind(&p.organization)
                .bind(&p.city)
                .bind(&p.country)
                .bind(i64::from(p.size))
                .bind(to_json(&p.languages)?)
                .bind(to_json(&p.topics)?)
                .bind(to_json(&p.offers)?)
                .bind(to_json(&p.seeks)?)
                .bind(p.max_meetings.map(i64::from))
                .bind(to_json(&p.unavailable)?)
                .bind(&p.event_id)
                .bind(&p.id)
                .bind(revision)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_request(&self, r: &MeetingRequest) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                insert_request(&mut tx, r).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn request(&self, event: &str, id: &str) -> StoreResult<MeetingRequest> {
                let row = sqlx::query("SELECT * FROM requests WHERE event_id = $1 AND id = $2")
                    .bind(event)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let invitees = sqlx::query(
                    "SELECT participant_id, response FROM request_invitees WHERE request_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|i| {
                    Ok(Invitee {
                        participant: i.try_get("participant_id")?,
                        response: response_from(&i.try_get::<String, _>("response")?)?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
                request_from(&row, invitees)
            }

            async fn requests(&self, event: &str, participant: Option<&str>) -> StoreResult<Vec<MeetingRequest>> {
                let rows = match participant {
                    None => {
                        sqlx::query("SELECT * FROM requests WHERE event_id = $1 ORDER BY created_at, id")
                            .bind(event)
                            .fetch_all(&self.pool)
                            .await?
                    }
                    Some(p) => {
                        sqlx::query(
                            "SELECT * FROM requests WHERE event_id = $1 AND (requester_id = $2 OR id IN \
                             (SELECT request_id FROM request_invitees WHERE participant_id = $2)) \
                             ORDER BY created_at, id",
                        )
                        .bind(event)
                        .bind(p)
                        .fetch_all(&self.pool)
                        .await?
                    }
                };
                let mut invitees = self.invitees_of(event).await?;
                rows.iter()
                    .map(|row| {
                        let id: String = row.try_get("id")?;
                        request_from(row, invitees.remove(&id).unwrap_or_default())
                    })
                    .collect()
            }

            async fn respond(
                &self,
                event: &str,
                id: &str,
                invitee: &str,
                answer: Response,
            ) -> StoreResult<MeetingRequest> {
                let mut tx = self.pool.begin_with($begin).await?;
                let now = Utc::now();
                // Taking the request row first serialises answers to the same request.
                let locked = sqlx::query(
                    "UPDATE requests SET updated_at = $1 WHERE event_id = $2 AND id = $3 AND status = 'pending'",
                )
                .bind(now)
                .bind(event)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if locked.rows_affected() == 0 {
                    drop(tx);
                    let current = self.request(event, id).await?;
                    return Err(StoreError::Conflict(format!(
                        "the request is {}, not pending",
                        current.status.as_str()
                    )));
                }
                let answered = sqlx::query(
                    "UPDATE request_invitees SET response = $1 \
                     WHERE request_id = $2 AND participant_id = $3 AND response = 'pending'",
                )
                .bind(answer.as_str())
                .bind(id)
                .bind(invitee)
                .execute(&mut *tx)
                .await?;
                if answered.rows_affected() == 0 {
                    return Err(StoreError::Conflict("this invitee has already answered".into()));
                }
                match answer {
                    Response::Declined => {
                        sqlx::query("UPDATE requests SET status = 'declined' WHERE id = $1 AND status = 'pending'")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Response::Accepted => {
                        sqlx::query(
                            "UPDATE requests SET status = 'accepted' WHERE id = $1 AND status = 'pending' \
                             AND NOT EXISTS (SELECT 1 FROM request_invitees \
                             WHERE request_id = $1 AND response <> 'accepted')",
                        )
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Response::Pending => {
                        return Err(StoreError::Conflict("an answer is accepted or declined".into()));
                    }
                }
                tx.commit().await?;
                self.request(event, id).await
            }

            async fn withdraw(&self, event: &str, id: &str) -> StoreResult<MeetingRequest> {
                let done = sqlx::query(
                    "UPDATE requests SET status = 'withdrawn', updated_at = $1 \
                     WHERE event_id = $2 AND id = $3 AND status IN ('pending', 'accepted')",
                )
                .bind(Utc::now())
                .bind(event)
                .bind(id)
                .execute(&self.pool)
                .await?;
                let current = self.request(event, id).await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(format!(
                        "the request is {}; only pending or accepted requests can be withdrawn",
                        current.status.as_str()
                    )));
                }
                debug_assert_eq!(current.status, RequestStatus::Withdrawn);
                Ok(current)
            }

            async fn create_run(&self, run: &ScheduleRun) -> StoreResult<()> {
                let inserted = sqlx::query(
                    "INSERT INTO schedules (id, event_id, status, time_limit_seconds, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&run.id)
                .bind(&run.event_id)
                .bind(run.status.as_str())
                .bind(i64::from(run.time_limit_seconds))
                .bind(run.created_at)
                .bind(run.updated_at)
                .execute(&self.pool)
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
                    .bind(event)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                run_from(&row)
            }

            async fn run_fence(&self, event: &str) -> StoreResult<i64> {
                let row = sqlx::query("SELECT run_fence FROM events WHERE id = $1")
                    .bind(event)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok(row.try_get("run_fence")?)
            }

            async fn start_run(&self, event: &str, id: &str, problem: &str, fence: i64) -> StoreResult<u32> {
                let mut tx = self.pool.begin_with($begin).await?;
                // The fence only moves up: a holder whose token is not above every earlier
                // one was overtaken while it waited.
                let fenced = sqlx::query("UPDATE events SET run_fence = $1 WHERE id = $2 AND run_fence < $1")
                    .bind(fence)
                    .bind(event)
                    .execute(&mut *tx)
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
                .bind(problem)
                .bind(fence)
                .bind(Utc::now())
                .bind(id)
                .bind(event)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Conflict("the run is no longer queued or running".into()))?;
                let attempts = to_u32(row.try_get("attempts")?, "attempts")?;
                tx.commit().await?;
                Ok(attempts)
            }

            async fn run_progress(&self, id: &str, progress: &serde_json::Value, fence: i64) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE schedules SET progress = $1, updated_at = $2 \
                     WHERE id = $3 AND status = 'running' AND fence = $4",
                )
                .bind(to_json(progress)?)
                .bind(Utc::now())
                .bind(id)
                .bind(fence)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn finish_run(&self, id: &str, result: &RunResult, fence: i64) -> StoreResult<()> {
                // One statement: the result lands whole, and only if this holder's token is
                // still the run's and the event's latest.
                let done = sqlx::query(
                    "UPDATE schedules SET status = 'done', objective = $1, bound = $2, placed = $3, \
                     unscheduled = $4, solution = $5, updated_at = $6 \
                     WHERE id = $7 AND status = 'running' AND fence = $8 \
                     AND $8 = (SELECT run_fence FROM events WHERE events.id = schedules.event_id)",
                )
                .bind(result.objective)
                .bind(result.bound)
                .bind(result.placed)
                .bind(result.unscheduled)
                .bind(&result.solution)
                .bind(Utc::now())
                .bind(id)
                .bind(fence)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(
                        "the run is no longer running under this fencing token".into(),
                    ));
                }
                Ok(())
            }

            async fn fail_started_run(&self, id: &str, error: &str, fence: i64) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE schedules SET status = 'failed', error = $1, updated_at = $2 \
                     WHERE id = $3 AND status = 'running' AND fence = $4",
                )
                .bind(error)
                .bind(Utc::now())
                .bind(id)
                .bind(fence)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn fail_run(&self, id: &str, error: &str) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE schedules SET status = 'failed', error = $1, updated_at = $2 \
                     WHERE id = $3 AND status IN ('queued', 'running')",
                )
                .bind(error)
                .bind(Utc::now())
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn fail_unfinished_runs(&self, error: &str) -> StoreResult<u64> {
                let done = sqlx::query(
                    "UPDATE schedules SET status = 'failed', error = $1, updated_at = $2 \
                     WHERE status IN ('queued', 'running')",
                )
                .bind(error)
                .bind(Utc::now())
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }

            async fn publish(&self, event: &str, run: &str, meetings: &[PlacedMeeting]) -> StoreResult<i64> {
                let mut tx = self.pool.begin_with($begin).await?;
                // Bumping the version first takes the event's row: publishes of one event queue up.
                let version: i64 = sqlx::query(
                    "UPDATE events SET timetable_version = COALESCE(timetable_version, 0) + 1 \
                     WHERE id = $1 RETURNING timetable_version",
                )
                .bind(event)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?
                .try_get("timetable_version")?;
                let status: String = sqlx::query("SELECT status FROM schedules WHERE event_id = $1 AND id = $2")
                    .bind(event)
                    .bind(run)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?
                    .try_get("status")?;
                if status != "done" {
                    return Err(StoreError::Conflict(format!("the run is {status}; only a done run can be published")));
                }
                sqlx::query(
                    "INSERT INTO timetable_versions (event_id, version, schedule_id, published_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(event)
                .bind(version)
                .bind(run)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
                // The latest published placement of each meeting, for its SEQUENCE.
                let mut latest: HashMap<String, (String, String, i64)> = HashMap::new();
                for row in sqlx::query(
                    "SELECT request_id, slot_id, room_id, sequence FROM timetable_meetings \
                     WHERE event_id = $1 ORDER BY version",
                )
                .bind(event)
                .fetch_all(&mut *tx)
                .await?
                {
                    latest.insert(
                        row.try_get("request_id")?,
                        (row.try_get("slot_id")?, row.try_get("room_id")?, row.try_get("sequence")?),
                    );
                }
                // Every clash is found here, with its names; the unique constraints stay as
                // the guard of last resort.
                crate::store::find_double_booking(meetings)?;
                let sequences: Vec<i64> = meetings
                    .iter()
                    .map(|m| match latest.get(&m.request_id) {
                        Some((slot, room, seq)) if *slot == m.slot_id && *room == m.room_id => *seq,
                        Some((_, _, seq)) => seq + 1,
                        None => 0,
                    })
                    .collect();
                // Multi-row inserts: a timetable of 80,000 meetings is a few hundred
                // statements, not a few hundred thousand round trips.
                const ROWS: usize = 1000;
                for (chunk, sequences) in meetings.chunks(ROWS).zip(sequences.chunks(ROWS)) {
                    let mut query = sqlx::QueryBuilder::<$Db>::new(
                        "INSERT INTO timetable_meetings (event_id, version, request_id, slot_id, room_id, \
                         participants, sequence) ",
                    );
                    let rows: Vec<(&PlacedMeeting, String, i64)> = chunk
                        .iter()
                        .zip(sequences)
                        .map(|(m, &sequence)| Ok((m, to_json(&m.participants)?, sequence)))
                        .collect::<StoreResult<_>>()?;
                    query.push_values(rows, |mut row, (m, participants, sequence)| {
                        row.push_bind(event)
                            .push_bind(version)
                            .push_bind(&m.request_id)
                            .push_bind(&m.slot_id)
                            .push_bind(&m.room_id)
                            .push_bind(participants)
                            .push_bind(sequence);
                    });
                    query.build().execute(&mut *tx).await.map_err(double_booking)?;
                }
                let room_cells: Vec<(&str, &str, &str)> = meetings
                    .iter()
                    .flat_map(|m| m.occupied_slots.iter().map(move |slot| (m.room_id.as_str(), slot.as_str(), m.request_id.as_str())))
                    .collect();
                for chunk in room_cells.chunks(ROWS) {
                    let mut query = sqlx::QueryBuilder::<$Db>::new(
                        "INSERT INTO timetable_room_cells (event_id, version, room_id, slot_id, request_id) ",
                    );
                    query.push_values(chunk, |mut row, (room, slot, request)| {
                        row.push_bind(event).push_bind(version).push_bind(*room).push_bind(*slot).push_bind(*request);
                    });
                    query.build().execute(&mut *tx).await.map_err(double_booking)?;
                }
                let participant_cells: Vec<(&str, &str, &str)> = meetings
                    .iter()
                    .flat_map(|m| {
                        m.occupied_slots.iter().flat_map(move |slot| {
                            m.participants
                                .iter()
                                .map(move |p| (p.as_str(), slot.as_str(), m.request_id.as_str()))
                        })
                    })
                    .collect();
                for chunk in participant_cells.chunks(ROWS) {
                    let mut query = sqlx::QueryBuilder::<$Db>::new(
                        "INSERT INTO timetable_participant_cells (event_id, version, participant_id, slot_id, request_id) ",
                    );
                    query.push_values(chunk, |mut row, (participant, slot, request)| {
                        row.push_bind(event)
                            .push_bind(version)
                            .push_bind(*participant)
                            .push_bind(*slot)
                            .push_bind(*request);
                    });
                    query.build().execute(&mut *tx).await.map_err(double_booking)?;
                }
                tx.commit().await?;
                Ok(version)
            }

            async fn timetable(&self, event: &str) -> StoreResult<Option<Timetable>> {
                let Some(version) = self.event(event).await?.timetable_version else {
                    return Ok(None);
                };
                // A version's rows never change once committed: reading them after the
                // version number cannot mix two timetables.
                let head = sqlx::query(
                    "SELECT schedule_id, published_at FROM timetable_versions WHERE event_id = $1 AND version = $2",
                )
                .bind(event)
                .bind(version)
                .fetch_one(&self.pool)
                .await?;
                let meetings = sqlx::query(
                    "SELECT m.request_id, m.slot_id, m.room_id, m.participants, m.sequence \
                     FROM timetable_meetings m WHERE m.event_id = $1 AND m.version = $2",
                )
                .bind(event)
                .bind(version)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(TimetableMeeting {
                        request_id: row.try_get("request_id")?,
                        slot_id: row.try_get("slot_id")?,
                        room_id: row.try_get("room_id")?,
                        participants: from_json(&row.try_get::<String, _>("participants")?)?,
                        sequence: row.try_get("sequence")?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
                Ok(Some(Timetable {
                    version,
                    schedule_id: head.try_get("schedule_id")?,
                    published_at: head.try_get("published_at")?,
                    meetings,
                }))
            }

            async fn profiles_since(&self, event: &str, after: i64) -> StoreResult<ProfileChanges> {
                let rows = sqlx::query(
                    "SELECT * FROM participants WHERE event_id = $1 AND revision > $2 ORDER BY revision, seq, id",
                )
                .bind(event)
                .bind(after)
                .fetch_all(&self.pool)
                .await?;
                let participants = rows
                    .iter()
                    .map(|row| Ok((participant_from(row)?, row.try_get("revision")?)))
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(ProfileChanges { participants })
            }

            async fn requests_of(&self, event: &str, participant: &str) -> StoreResult<Vec<MeetingRequest>> {
                // Participant ids are unique across events: looking requests up by participant
                // alone lets both databases use the participant indexes.
                let rows = sqlx::query(
                    "SELECT * FROM requests WHERE requester_id = $1 UNION \
                     SELECT r.* FROM requests r JOIN request_invitees i ON i.request_id = r.id \
                     WHERE i.participant_id = $1 ORDER BY created_at, id",
                )
                .bind(participant)
                .fetch_all(&self.pool)
                .await?;
                let mut invitees: HashMap<String, Vec<Invitee>> = HashMap::new();
                for row in sqlx::query(
                    "SELECT request_id, participant_id, response FROM request_invitees WHERE request_id IN \
                     (SELECT id FROM requests WHERE requester_id = $1 UNION \
                      SELECT request_id FROM request_invitees WHERE participant_id = $1) \
                     ORDER BY request_id, position",
                )
                .bind(participant)
                .fetch_all(&self.pool)
                .await?
                {
                    invitees.entry(row.try_get("request_id")?).or_default().push(Invitee {
                        participant: row.try_get("participant_id")?,
                        response: response_from(&row.try_get::<String, _>("response")?)?,
                    });
                }
                rows.iter()
                    .filter(|row| row.try_get::<String, _>("event_id").is_ok_and(|e| e == event))
                    .map(|row| {
                        let id: String = row.try_get("id")?;
                        request_from(row, invitees.remove(&id).unwrap_or_default())
                    })
                    .collect()
            }

            async fn accepted_meetings(&self, _event: &str, participants: &[String]) -> StoreResult<HashMap<String, u32>> {
                // Bounded so that no chunk comes near either database's limit on parameters.
                const CHUNK: usize = 1000;
                let mut counts = HashMap::new();
                for chunk in participants.chunks(CHUNK) {
                    // By participant only (ids are unique across events), so that the
                    // participant indexes are used rather than a scan of the event's requests.
                    let mut query = sqlx::QueryBuilder::<$Db>::new(
                        "SELECT a.participant, COUNT(*) AS meetings FROM (\
                         SELECT r.requester_id AS participant FROM requests r \
                         WHERE r.status = 'accepted' AND r.requester_id IN (",
                    );
                    let mut ids = query.separated(", ");
                    for id in chunk {
                        ids.push_bind(id);
                    }
                    query.push(
                        ") UNION ALL SELECT i.participant_id AS participant FROM request_invitees i \
                         JOIN requests r ON r.id = i.request_id WHERE r.status = 'accepted' AND i.participant_id IN (",
                    );
                    let mut ids = query.separated(", ");
                    for id in chunk {
                        ids.push_bind(id);
                    }
                    query.push(")) a GROUP BY a.participant");
                    for row in query.build().fetch_all(&self.pool).await? {
                        counts.insert(
                            row.try_get::<String, _>("participant")?,
                            to_u32(row.try_get("meetings")?, "accepted meetings")?,
                        );
                    }
                }
                Ok(counts)
            }

            async fn create_requests(&self, requests: &[MeetingRequest]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                for r in requests {
                    insert_request(&mut tx, r).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn mark_interest(
                &self,
                event: &str,
                from: &str,
                to: &str,
                mutual: &MeetingRequest,
            ) -> StoreResult<Marked> {
                let (low, high) = if from < to { (from, to) } else { (to, from) };
                let mut tx = self.pool.begin_with($begin).await?;
                // Writing the pair's row first takes its lock: the marks of one pair queue up
                // here, so the second one sees the first and only one request is made.
                let linked: Option<String> = sqlx::query(
                    "INSERT INTO interest_pairs (event_id, low_id, high_id, request_id) VALUES ($1, $2, $3, NULL) \
                     ON CONFLICT (low_id, high_id) DO UPDATE SET event_id = excluded.event_id RETURNING request_id",
                )
                .bind(event)
                .bind(low)
                .bind(high)
                .fetch_one(&mut *tx)
                .await?
                .try_get("request_id")?;
                sqlx::query(
                    "INSERT INTO interests (event_id, participant_id, target_id, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (participant_id, target_id) DO NOTHING",
                )
                .bind(event)
                .bind(from)
                .bind(to)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
                let created_at = sqlx::query("SELECT created_at FROM interests WHERE participant_id = $1 AND target_id = $2")
                    .bind(from)
                    .bind(to)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("created_at")?;
                let is_mutual = sqlx::query("SELECT 1 FROM interests WHERE participant_id = $1 AND target_id = $2")
                    .bind(to)
                    .bind(from)
                    .fetch_optional(&mut *tx)
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
                    .bind(event)
                    .bind(from)
                    .bind(to)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|row| row.try_get("id"))
                    .transpose()?;
                    if live.is_none() {
                        insert_request(&mut tx, mutual).await?;
                        sqlx::query("UPDATE interest_pairs SET request_id = $1 WHERE low_id = $2 AND high_id = $3")
                            .bind(&mutual.id)
                            .bind(low)
                            .bind(high)
                            .execute(&mut *tx)
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
                let done = sqlx::query("DELETE FROM interests WHERE event_id = $1 AND participant_id = $2 AND target_id = $3")
                    .bind(event)
                    .bind(from)
                    .bind(to)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn interests(&self, event: &str, participant: &str) -> StoreResult<Vec<Interest>> {
                let marked_me: std::collections::HashSet<String> =
                    sqlx::query("SELECT participant_id FROM interests WHERE event_id = $1 AND target_id = $2")
                        .bind(event)
                        .bind(participant)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(|row| row.try_get("participant_id"))
                        .collect::<Result<_, _>>()?;
                sqlx::query(
                    "SELECT target_id, created_at FROM interests WHERE event_id = $1 AND participant_id = $2 \
                     ORDER BY created_at, target_id",
                )
                .bind(event)
                .bind(participant)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    let target: String = row.try_get("target_id")?;
                    Ok(Interest {
                        mutual: marked_me.contains(&target),
                        target,
                        created_at: row.try_get("created_at")?,
                    })
                })
                .collect()
            }

            async fn set_boosts(&self, event: &str, boosts: &[BoostRule]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("DELETE FROM boosts WHERE event_id = $1")
                    .bind(event)
                    .execute(&mut *tx)
                    .await?;
                for (position, boost) in boosts.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO boosts (event_id, position, target, value, factor) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(event)
                    .bind(position as i64)
                    .bind(boost.target.name())
                    .bind(boost.target.value())
                    .bind(boost.factor)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn boosts(&self, event: &str) -> StoreResult<Vec<BoostRule>> {
                sqlx::query("SELECT target, value, factor FROM boosts WHERE event_id = $1 ORDER BY position")
                    .bind(event)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| {
                        let (name, value): (String, String) = (row.try_get("target")?, row.try_get("value")?);
                        let target = BoostTarget::parse(&name, &value)
                            .ok_or_else(|| StoreError::Corrupt(format!("boost target {name:?} {value:?}")))?;
                        Ok(BoostRule {
                            target,
                            factor: row.try_get("factor")?,
                        })
                    })
                    .collect()
            }

            async fn idempotency_start(
                &self,
                caller: &str,
                key: &str,
                fingerprint: &str,
            ) -> StoreResult<IdempotencyStart> {
                let inserted = sqlx::query(
                    "INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (caller, key) DO NOTHING",
                )
                .bind(caller)
                .bind(key)
                .bind(fingerprint)
                .bind(Utc::now())
                .execute(&self.pool)
                .await?;
                if inserted.rows_affected() == 1 {
                    return Ok(IdempotencyStart::Fresh);
                }
                let row = sqlx::query(
                    "SELECT fingerprint, status, content_type, body FROM idempotency_keys \
                     WHERE caller = $1 AND key = $2",
                )
                .bind(caller)
                .bind(key)
                .fetch_one(&self.pool)
                .await?;
                if row.try_get::<String, _>("fingerprint")? != fingerprint {
                    return Ok(IdempotencyStart::Mismatch);
                }
                Ok(match row.try_get::<Option<i64>, _>("status")? {
                    None => IdempotencyStart::InProgress,
                    Some(status) => IdempotencyStart::Replay(StoredResponse {
                        status: u16::try_from(status).map_err(|_| StoreError::Corrupt(format!("status {status}")))?,
                        content_type: row.try_get("content_type")?,
                        body: row.try_get::<Option<Vec<u8>>, _>("body")?.unwrap_or_default(),
                    }),
                })
            }

            async fn idempotency_finish(&self, caller: &str, key: &str, response: &StoredResponse) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 \
                     WHERE caller = $4 AND key = $5",
                )
                .bind(i64::from(response.status))
                .bind(&response.content_type)
                .bind(&response.body)
                .bind(caller)
                .bind(key)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND status IS NULL")
                    .bind(caller)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}
