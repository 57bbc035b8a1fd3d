-- The expo, its rooms, participants, meeting requests, schedule runs and published timetables.
-- Kept column-for-column identical to ../postgres/0001_initial.sql; only types differ.

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL,
    days TEXT NOT NULL,
    timetable_version INTEGER,
    created_at TEXT NOT NULL
);

CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    name TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    features TEXT NOT NULL,
    unavailable TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (event_id, id)
);

CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    organization TEXT,
    city TEXT,
    country TEXT,
    size INTEGER NOT NULL,
    languages TEXT NOT NULL,
    topics TEXT NOT NULL,
    offers TEXT NOT NULL,
    seeks TEXT NOT NULL,
    max_meetings INTEGER,
    unavailable TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seq INTEGER NOT NULL,
    UNIQUE (event_id, id)
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    requester_id TEXT NOT NULL REFERENCES participants(id),
    duration_minutes INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    message TEXT NOT NULL,
    features TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX requests_event ON requests (event_id, created_at);

CREATE TABLE request_invitees (
    request_id TEXT NOT NULL REFERENCES requests(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    position INTEGER NOT NULL,
    response TEXT NOT NULL CHECK (response IN ('pending', 'accepted', 'declined')),
    PRIMARY KEY (request_id, participant_id)
);
CREATE INDEX request_invitees_participant ON request_invitees (participant_id);

CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    time_limit_seconds INTEGER NOT NULL,
    objective INTEGER,
    bound INTEGER,
    placed INTEGER,
    unscheduled INTEGER,
    progress TEXT,
    problem TEXT,
    solution TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One run per event at a time.
CREATE UNIQUE INDEX schedules_one_active_run ON schedules (event_id) WHERE status IN ('queued', 'running');

CREATE TABLE timetable_versions (
    event_id TEXT NOT NULL REFERENCES events(id),
    version INTEGER NOT NULL,
    schedule_id TEXT NOT NULL REFERENCES schedules(id),
    published_at TEXT NOT NULL,
    PRIMARY KEY (event_id, version)
);

CREATE TABLE timetable_meetings (
    event_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests(id),
    slot_id TEXT NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms(id),
    participants TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    PRIMARY KEY (event_id, version, request_id),
    FOREIGN KEY (event_id, version) REFERENCES timetable_versions(event_id, version)
);

-- Every (participant, slot) and (room, slot) a published meeting occupies. The unique
-- constraints are what forbids double-booking, whatever code path writes here.
CREATE TABLE timetable_participant_cells (
    event_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    slot_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    UNIQUE (event_id, version, participant_id, slot_id),
    FOREIGN KEY (event_id, version, request_id) REFERENCES timetable_meetings(event_id, version, request_id)
);

CREATE TABLE timetable_room_cells (
    event_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms(id),
    slot_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    UNIQUE (event_id, version, room_id, slot_id),
    FOREIGN KEY (event_id, version, request_id) REFERENCES timetable_meetings(event_id, version, request_id)
);

-- The first response to a POST carrying an Idempotency-Key, per caller.
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    body BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (caller, key)
);

-- Service-wide settings, as the hash of an organiser token generated at first start.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
