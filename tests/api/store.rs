//! The store test suite, the same on SQLite and PostgreSQL.

use crate::common;

use chrono::{TimeDelta, Utc};
use common::{Backend, FreshDatabase, expo_body};
use rendezvous::domain::participant::Profile;
use rendezvous::domain::{DaySpec, ParticipantKind, RequestStatus, Response};
use rendezvous::store::{
    self, DynStore, Event, IdempotencyClock, IdempotencyStart, Invitee, MeetingRequest, Participant,
    PlacedMeeting, Room, RunResult, RunStatus, ScheduleRun, StoreError, StoredResponse,
};

async fn fresh(backend: Backend) -> (DynStore, FreshDatabase) {
    let db = FreshDatabase::new(backend).await;
    (store::connect(&db.url).await.expect("connect"), db)
}

/// Runs a statement with foreign keys not enforced, as no code of the service can.
async fn raw_without_foreign_keys(backend: Backend, url: &str, sql: &str) {
    use sqlx::Connection as _;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match backend {
        Backend::Sqlite => {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("url");
            let mut conn = sqlx::SqliteConnection::connect_with(&options.foreign_keys(false))
                .await
                .expect("connect");
            sqlx::query(sql).execute(&mut conn).await.expect("statement");
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query("SET session_replication_role = replica")
                .execute(&mut conn)
                .await
                .expect("no triggers");
            sqlx::query(sql).execute(&mut conn).await.expect("statement");
        }
    }
}

async fn event(store: &DynStore) -> Event {
    let days: Vec<DaySpec> = serde_json::from_value(expo_body()["days"].clone()).unwrap();
    let event = Event {
        id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        name: "Smart City Expo Casablanca 2027".into(),
        timezone: "Africa/Casablanca".into(),
        slot_minutes: 20,
        days,
        timetable_version: None,
        meetings_revision: 0,
        request_expiry_hours: rendezvous::domain::request::DEFAULT_EXPIRY_HOURS,
        created_at: Utc::now(),
        reminder_minutes: 15,
        max_wait_spread: None,
    };
    store.create_event(&event).await.unwrap();
    event
}

fn participant(event: &str, id: &str) -> Participant {
    let profile = Profile {
        name: id.to_uppercase(),
        kind: ParticipantKind::Company,
        organization: None,
        city: Some("Casablanca".into()),
        country: Some("MA".into()),
        size: 1,
        languages: vec!["fr".into()],
        topics: vec![],
        offers: vec![],
        seeks: vec![],
        max_meetings: Some(4),
        unavailable: vec!["d1-1000".into()],
        email: Some(format!("{id}@example.org")),
        language: Default::default(),
        notifications: Default::default(),
    };
    Participant::new(id.into(), event, profile)
}

fn request(event: &str, id: &str, from: &str, to: &[&str]) -> MeetingRequest {
    MeetingRequest {
        id: id.into(),
        event_id: event.into(),
        requester: from.into(),
        invitees: to
            .iter()
            .map(|p| Invitee {
                participant: (*p).into(),
                response: Response::Pending,
                slot: None,
            })
            .collect(),
        duration_minutes: 20,
        priority: 3,
        message: "hello".into(),
        features: vec!["video".into()],
        status: RequestStatus::Pending,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        life: Default::default(),
    }
}

fn run(event: &str, id: &str) -> ScheduleRun {
    ScheduleRun::queued(id, event, 5)
}

fn placed(request: &str, slot: &str, room: &str, participants: &[&str], slots: &[&str]) -> PlacedMeeting {
    PlacedMeeting {
        request_id: request.into(),
        slot_id: slot.into(),
        room_id: room.into(),
        participants: participants.iter().map(|p| p.to_string()).collect(),
        occupied_slots: slots.iter().map(|s| s.to_string()).collect(),
    }
}

async fn round_trips(backend: Backend) {
    let (store, _db) = fresh(backend).await;
    store.ping().await.unwrap();
    let e = event(&store).await;
    let loaded = store.event(&e.id).await.unwrap();
    assert_eq!(
        (loaded.name.as_str(), loaded.days.clone()),
        (e.name.as_str(), e.days.clone())
    );
    assert_eq!(loaded.spec().unwrap().slots().len(), 35);
    assert!(matches!(store.event("evt_none").await, Err(StoreError::NotFound)));

    let room = Room {
        id: "room_1".into(),
        event_id: e.id.clone(),
        name: "Table 1".into(),
        capacity: 2,
        features: vec!["video".into()],
        unavailable: vec!["d2-1430".into()],
    };
    store.create_room(&room).await.unwrap();
    assert_eq!(store.rooms(&e.id).await.unwrap(), vec![room]);

    let (a, b) = (participant(&e.id, "p_a"), participant(&e.id, "p_b"));
    store
        .create_participants(&[(a.clone(), "hash-a".into()), (b.clone(), "hash-b".into())])
        .await
        .unwrap();
    assert_eq!(
        store.participants(&e.id).await.unwrap(),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        store.participant_by_token_hash("hash-b").await.unwrap(),
        Some(b.clone())
    );
    assert_eq!(store.participant_by_token_hash("hash-z").await.unwrap(), None);
    // All or none: a batch with a duplicate token hash registers nobody.
    let (c, d) = (participant(&e.id, "p_c"), participant(&e.id, "p_d"));
    assert!(
        store
            .create_participants(&[(c, "hash-c".into()), (d, "hash-a".into())])
            .await
            .is_err()
    );
    assert_eq!(store.participants(&e.id).await.unwrap().len(), 2);

    let (mut changed, read_at) = store.participant_at(&e.id, "p_a").await.unwrap();
    assert_eq!(changed, a);
    changed.profile.max_meetings = None;
    changed.profile.topics = vec!["mobility".into()];
    let written = store.update_participant(&changed, read_at).await.unwrap();
    assert!(written.is_some_and(|revision| revision > read_at));
    assert_eq!(store.participant(&e.id, "p_a").await.unwrap(), changed);
    // A write against the old revision is refused and changes nothing.
    let mut stale = changed.clone();
    stale.profile.city = Some("Rabat".into());
    assert_eq!(store.update_participant(&stale, read_at).await.unwrap(), None);
    assert_eq!(store.participant(&e.id, "p_a").await.unwrap(), changed);

    let r = request(&e.id, "req_1", "p_a", &["p_b"]);
    store.create_request(&r).await.unwrap();
    let loaded = store.request(&e.id, "req_1").await.unwrap();
    assert_eq!(
        (loaded.invitees.clone(), loaded.features.clone()),
        (r.invitees.clone(), r.features.clone())
    );
    assert_eq!(store.requests(&e.id, Some("p_b")).await.unwrap().len(), 1);
    assert_eq!(store.requests(&e.id, Some("p_c")).await.unwrap().len(), 0);

    assert!(store.init_setting("k", "v1").await.unwrap());
    assert!(!store.init_setting("k", "v2").await.unwrap());
    assert_eq!(store.setting("k").await.unwrap().as_deref(), Some("v1"));
}

async fn request_transitions(backend: Backend) {
    let (store, _db) = fresh(backend).await;
    let e = event(&store).await;
    let people: Vec<_> = ["p_a", "p_b", "p_c"]
        .iter()
        .map(|id| (participant(&e.id, id), format!("h{id}")))
        .collect();
    store.create_participants(&people).await.unwrap();

    store
        .create_request(&request(&e.id, "r1", "p_a", &["p_b", "p_c"]))
        .await
        .unwrap();
    let after_b = store
        .respond(&e.id, "r1", "p_b", Response::Accepted, None, Utc::now())
        .await
        .unwrap();
    assert_eq!(after_b.request.status, RequestStatus::Pending);
    assert!(matches!(
        store
            .respond(&e.id, "r1", "p_b", Response::Accepted, None, Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    let after_c = store
        .respond(&e.id, "r1", "p_c", Response::Accepted, None, Utc::now())
        .await
        .unwrap();
    assert_eq!(after_c.request.status, RequestStatus::Accepted);
    assert!(matches!(
        store
            .respond(&e.id, "r1", "p_c", Response::Declined, None, Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .withdraw(&e.id, "r1", Utc::now())
            .await
            .unwrap()
            .request
            .status,
        RequestStatus::Withdrawn
    );
    assert!(matches!(
        store.withdraw(&e.id, "r1", Utc::now()).await,
        Err(StoreError::Conflict(_))
    ));

    store
        .create_request(&request(&e.id, "r2", "p_a", &["p_b", "p_c"]))
        .await
        .unwrap();
    let declined = store
        .respond(&e.id, "r2", "p_c", Response::Declined, None, Utc::now())
        .await
        .unwrap();
    assert_eq!(declined.request.status, RequestStatus::Declined);
    assert!(matches!(
        store
            .respond(&e.id, "r2", "p_b", Response::Accepted, None, Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .respond(&e.id, "r9", "p_b", Response::Accepted, None, Utc::now())
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn runs_and_publishing(backend: Backend) {
    let (store, db) = fresh(backend).await;
    let e = event(&store).await;
    let people: Vec<_> = ["p_a", "p_b", "p_c"]
        .iter()
        .map(|id| (participant(&e.id, id), format!("h{id}")))
        .collect();
    store.create_participants(&people).await.unwrap();
    for room in ["room_1", "room_2"] {
        store
            .create_room(&Room {
                id: room.into(),
                event_id: e.id.clone(),
                name: room.into(),
                capacity: 4,
                features: vec![],
                unavailable: vec![],
            })
            .await
            .unwrap();
    }
    // Accepted requests: a publish places only those.
    for (id, from, to) in [("r1", "p_a", "p_b"), ("r2", "p_b", "p_c"), ("r3", "p_a", "p_c")] {
        let mut accepted = request(&e.id, id, from, &[to]);
        accepted.status = RequestStatus::Accepted;
        accepted.invitees[0].response = Response::Accepted;
        store.create_request(&accepted).await.unwrap();
    }

    // One run at a time per event.
    store.create_run(&run(&e.id, "s1")).await.unwrap();
    assert!(matches!(
        store.create_run(&run(&e.id, "s2")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.publish(&e.id, "s1", &[], &|_| true).await,
        Err(StoreError::Conflict(_))
    ));
    // Fencing: each start needs a token above every earlier one; only the latest holder
    // writes progress and results.
    assert_eq!(store.run_fence(&e.id).await.unwrap(), 0);
    assert_eq!(store.start_run(&e.id, "s1", "{}", 3).await.unwrap(), 1);
    assert_eq!(store.run_fence(&e.id).await.unwrap(), 3);
    assert!(matches!(
        store.start_run(&e.id, "s1", "{}", 3).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.start_run(&e.id, "s1", "{}", 2).await,
        Err(StoreError::Conflict(_))
    ));
    // A second worker takes the run over (the first one was presumed dead).
    assert_eq!(store.start_run(&e.id, "s1", "{}", 4).await.unwrap(), 2);
    assert!(
        !store
            .run_progress("s1", &serde_json::json!({"incumbent": 1}), 3)
            .await
            .unwrap()
    );
    assert!(
        store
            .run_progress("s1", &serde_json::json!({"incumbent": 5}), 4)
            .await
            .unwrap()
    );
    assert_eq!(
        store.run(&e.id, "s1").await.unwrap().progress,
        Some(serde_json::json!({"incumbent": 5}))
    );
    let stale = RunResult {
        objective: 1,
        bound: None,
        placed: 0,
        unscheduled: 3,
        solution: "{\"stale\":true}".into(),
    };
    assert!(matches!(
        store.finish_run("s1", &stale, 3).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(!store.fail_started_run("s1", "stale", 3).await.unwrap());
    assert_eq!(store.run(&e.id, "s1").await.unwrap().status, RunStatus::Running);
    let result = RunResult {
        objective: 30,
        bound: Some(40),
        placed: 2,
        unscheduled: 1,
        solution: "{\"ok\":true}".into(),
    };
    store.finish_run("s1", &result, 4).await.unwrap();
    let done = store.run(&e.id, "s1").await.unwrap();
    assert_eq!(done.attempts, 2);
    assert_eq!(done.solution.as_deref(), Some("{\"ok\":true}"));
    assert_eq!(
        (done.status, done.objective, done.bound, done.placed),
        (RunStatus::Done, Some(30), Some(40), Some(2))
    );
    store.create_run(&run(&e.id, "s2")).await.unwrap();
    assert_eq!(store.fail_unfinished_runs("restart").await.unwrap(), 1);
    assert_eq!(store.run(&e.id, "s2").await.unwrap().status, RunStatus::Failed);

    // The database refuses double-booking, whatever the caller: nothing is published.
    let participant_clash = [
        placed("r1", "d1-1000", "room_1", &["p_a", "p_b"], &["d1-1000"]),
        placed("r2", "d1-1000", "room_2", &["p_b", "p_c"], &["d1-1000"]),
    ];
    let err = store
        .publish(&e.id, "s1", &participant_clash, &|_| true)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("p_b")),
        "{err}"
    );
    let room_clash = [
        placed(
            "r1",
            "d1-1000",
            "room_1",
            &["p_a", "p_b"],
            &["d1-1000", "d1-1020"],
        ),
        placed("r2", "d1-1020", "room_1", &["p_b", "p_c"], &["d1-1020"]),
    ];
    assert!(matches!(
        store.publish(&e.id, "s1", &room_clash, &|_| true).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.timetable(&e.id).await.unwrap().is_none());
    assert_eq!(store.event(&e.id).await.unwrap().timetable_version, None);

    // The database's own guard refuses what the checks before it missed (a row put there
    // behind the store's back): a 409 in the store's words, never the database's.
    let ghost = format!(
        "INSERT INTO timetable_meetings (event_id, version, request_id, slot_id, room_id, participants, sequence) \
         VALUES ('{}', 1, 'r1', 'd1-1000', 'room_1', '[]', 0)",
        e.id
    );
    raw_without_foreign_keys(backend, &db.url, &ghost).await;
    let only = [placed("r1", "d1-1000", "room_1", &["p_a", "p_b"], &["d1-1000"])];
    let err = store.publish(&e.id, "s1", &only, &|_| true).await.unwrap_err();
    let StoreError::Conflict(message) = &err else {
        panic!("{err:?}")
    };
    for database_words in [
        "UNIQUE",
        "unique",
        "constraint",
        "duplicate",
        "timetable_meetings",
        "Key (",
    ] {
        assert!(!message.contains(database_words), "{message}");
    }
    let cleanup = format!("DELETE FROM timetable_meetings WHERE event_id = '{}'", e.id);
    raw_without_foreign_keys(backend, &db.url, &cleanup).await;
    assert_eq!(store.event(&e.id).await.unwrap().timetable_version, None);

    // Versions, and SEQUENCE raised only for meetings that moved.
    let v1 = [
        placed("r1", "d1-1000", "room_1", &["p_a", "p_b"], &["d1-1000"]),
        placed("r2", "d1-1020", "room_1", &["p_b", "p_c"], &["d1-1020"]),
    ];
    assert_eq!(
        store.publish(&e.id, "s1", &v1, &|_| true).await.unwrap().version,
        1
    );
    let v2 = [
        placed("r1", "d1-1000", "room_1", &["p_a", "p_b"], &["d1-1000"]),
        placed("r2", "d1-1100", "room_2", &["p_b", "p_c"], &["d1-1100"]),
        placed("r3", "d1-1020", "room_1", &["p_a", "p_c"], &["d1-1020"]),
    ];
    assert_eq!(
        store.publish(&e.id, "s1", &v2, &|_| true).await.unwrap().version,
        2
    );
    let timetable = store.timetable(&e.id).await.unwrap().unwrap();
    assert_eq!((timetable.version, timetable.schedule_id.as_str()), (2, "s1"));
    let sequence = |id: &str| {
        timetable
            .meetings
            .iter()
            .find(|m| m.request_id == id)
            .unwrap()
            .sequence
    };
    assert_eq!((sequence("r1"), sequence("r2"), sequence("r3")), (0, 1, 0));
}

async fn idempotency_records(backend: Backend) {
    let (store, _db) = fresh(backend).await;
    let now = IdempotencyClock::at(Utc::now());
    let start = |caller: &'static str, key: &'static str, fingerprint: &'static str, clock| {
        let store = &store;
        async move {
            store
                .idempotency_start(caller, key, fingerprint, clock)
                .await
                .unwrap()
        }
    };
    let IdempotencyStart::Fresh(k1) = start("org", "k1", "f1", now).await else {
        panic!("a new key is fresh");
    };
    assert_eq!(start("org", "k1", "f1", now).await, IdempotencyStart::InProgress);
    assert_eq!(start("org", "k1", "f2", now).await, IdempotencyStart::Mismatch);
    let response = StoredResponse {
        status: 201,
        content_type: Some("application/json".into()),
        body: b"{\"id\":1}".to_vec(),
    };
    store
        .idempotency_finish("org", "k1", k1, &response)
        .await
        .unwrap();
    assert_eq!(
        start("org", "k1", "f1", now).await,
        IdempotencyStart::Replay(response.clone())
    );
    let IdempotencyStart::Fresh(p1) = start("p_1", "k1", "f1", now).await else {
        panic!("keys are per caller");
    };
    store.idempotency_abandon("p_1", "k1", p1).await.unwrap();
    let IdempotencyStart::Fresh(p1) = start("p_1", "k1", "f1", now).await else {
        panic!("an abandoned key is fresh again");
    };

    // Six minutes on, the reservation of a request that never answered is taken over, by
    // whatever request comes with the key, and the old request can no longer settle it.
    let later = IdempotencyClock::at(Utc::now() + TimeDelta::minutes(6));
    let IdempotencyStart::Fresh(taken) = start("p_1", "k1", "f2", later).await else {
        panic!("a stale reservation is taken over");
    };
    assert_eq!(
        start("p_1", "k1", "f2", later).await,
        IdempotencyStart::InProgress
    );
    store
        .idempotency_finish("p_1", "k1", p1, &response)
        .await
        .unwrap();
    store.idempotency_abandon("p_1", "k1", p1).await.unwrap();
    assert_eq!(
        start("p_1", "k1", "f2", later).await,
        IdempotencyStart::InProgress
    );
    store
        .idempotency_finish("p_1", "k1", taken, &response)
        .await
        .unwrap();
    // A kept answer is replayed within its retention, not after.
    assert_eq!(
        start("org", "k1", "f1", later).await,
        IdempotencyStart::Replay(response.clone())
    );
    let next_day = IdempotencyClock::at(Utc::now() + TimeDelta::hours(25));
    assert!(matches!(
        start("org", "k1", "f1", next_day).await,
        IdempotencyStart::Fresh(_)
    ));

    // The purge forgets abandoned reservations and answers past their retention only.
    let IdempotencyStart::Fresh(_) = start("org", "left", "f1", now).await else {
        panic!("fresh");
    };
    assert_eq!(store.idempotency_purge(now).await.unwrap(), 0);
    // At +25 h: org/k1 was just reserved at +25 h (kept); p_1/k1 (answered at +6 min) and
    // org/left (reserved now, never answered) go.
    assert_eq!(store.idempotency_purge(next_day).await.unwrap(), 2);
    assert_eq!(
        start("org", "k1", "f1", next_day).await,
        IdempotencyStart::InProgress
    );
}

on_both_backends!(
    round_trips,
    request_transitions,
    runs_and_publishing,
    idempotency_records
);
