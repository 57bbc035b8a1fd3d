-- no-transaction
-- The meeting's life (issue 18): booking at a slot, the live timetable with its occupancy,
-- moves, cancellations, expiry, check-in and feedback. Kept column-for-column identical to
-- ../postgres/0005_meeting_life.sql; only types differ.
--
-- SQLite cannot change a CHECK constraint in place: `requests` is rebuilt, the documented
-- way (foreign keys off, new table, copy, drop, rename, indexes again), in one transaction
-- of its own; hence `no-transaction` for sqlx.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE requests_new (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    requester_id TEXT NOT NULL REFERENCES participants(id),
    duration_minutes INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    message TEXT NOT NULL,
    features TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn', 'cancelled', 'expired')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    proposed_slots TEXT NOT NULL DEFAULT '[]',
    refused_slots TEXT NOT NULL DEFAULT '[]',
    closed_by TEXT,
    close_reason TEXT
);
INSERT INTO requests_new (id, event_id, requester_id, duration_minutes, priority, message, features, status,
                          created_at, updated_at)
SELECT id, event_id, requester_id, duration_minutes, priority, message, features, status, created_at, updated_at
FROM requests;
DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;
-- Every index an earlier migration put on requests (the store tests compare them with
-- PostgreSQL's, so one forgotten here fails there).
CREATE INDEX requests_event ON requests (event_id, created_at);
CREATE INDEX requests_requester ON requests (requester_id);

-- Request life: cancelled by a participant (with a reason) and expired (no answer in time,
-- counts as declined). The slots the requester proposed, the slots a participant refused
-- for this meeting (kept out of its `allowed_slots`), and who closed it and why.
-- Each invitee's answer may name the slot it accepted at.
ALTER TABLE request_invitees ADD COLUMN slot_id TEXT;

-- Every change of the live timetable bumps its event's revision: agenda caches and ETags
-- follow it. Pending requests expire after `request_expiry_hours`.
ALTER TABLE events ADD COLUMN meetings_revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN request_expiry_hours INTEGER NOT NULL DEFAULT 72;

-- The live timetable: where each meeting is now and how far its life has come. Booked
-- meetings (agreed by their participants) and the placements of the last published version
-- (scheduled, or confirmed by every participant); cancelled ones stay as tombstones with
-- their reason, so that agendas and calendars can show the cancellation.
CREATE TABLE meetings (
    request_id TEXT PRIMARY KEY REFERENCES requests(id),
    event_id TEXT NOT NULL REFERENCES events(id),
    state TEXT NOT NULL CHECK (state IN ('booked', 'scheduled', 'confirmed', 'cancelled')),
    slot_id TEXT NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms(id),
    sequence INTEGER NOT NULL,
    version INTEGER,
    reason TEXT,
    confirmed_by TEXT NOT NULL DEFAULT '[]',
    attendance TEXT CHECK (attendance IN ('held', 'no_show')),
    absent TEXT NOT NULL DEFAULT '[]',
    attendance_by TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX meetings_event ON meetings (event_id, state);

-- Every (participant, slot) and (room, slot) a live meeting occupies, written in the same
-- transaction as the meeting. The unique constraints are the last guard against
-- double-booking, whatever path writes (a booking, a move, a publish).
CREATE TABLE meeting_participant_cells (
    event_id TEXT NOT NULL REFERENCES events(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    slot_id TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES meetings(request_id),
    UNIQUE (event_id, participant_id, slot_id)
);
CREATE INDEX meeting_participant_cells_request ON meeting_participant_cells (request_id);

CREATE TABLE meeting_room_cells (
    event_id TEXT NOT NULL REFERENCES events(id),
    room_id TEXT NOT NULL REFERENCES rooms(id),
    slot_id TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES meetings(request_id),
    UNIQUE (event_id, room_id, slot_id)
);
CREATE INDEX meeting_room_cells_request ON meeting_room_cells (request_id);

-- A participant's proposal to hold the meeting at another slot, and who accepted it.
CREATE TABLE meeting_moves (
    request_id TEXT PRIMARY KEY REFERENCES requests(id),
    slot_id TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES participants(id),
    accepted_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A slot freed by a cancellation, offered to an accepted meeting that has none.
CREATE TABLE standby_offers (
    request_id TEXT PRIMARY KEY REFERENCES requests(id),
    event_id TEXT NOT NULL REFERENCES events(id),
    slot_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX standby_offers_slot ON standby_offers (event_id, slot_id);

-- Each participant's private rating of a held meeting.
CREATE TABLE meeting_feedback (
    request_id TEXT NOT NULL REFERENCES requests(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    follow_up INTEGER NOT NULL CHECK (follow_up IN (0, 1)),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (request_id, participant_id)
);

-- The placements of each event's published version become its live timetable.
INSERT INTO meetings (request_id, event_id, state, slot_id, room_id, sequence, version, reason, updated_at)
SELECT m.request_id, m.event_id,
       CASE WHEN r.status = 'accepted' THEN 'scheduled' ELSE 'cancelled' END,
       m.slot_id, m.room_id, m.sequence, m.version,
       CASE WHEN r.status = 'accepted' THEN NULL ELSE 'withdrawn' END,
       v.published_at
FROM timetable_meetings m
JOIN events e ON e.id = m.event_id AND e.timetable_version = m.version
JOIN timetable_versions v ON v.event_id = m.event_id AND v.version = m.version
JOIN requests r ON r.id = m.request_id;
INSERT INTO meeting_participant_cells (event_id, participant_id, slot_id, request_id)
SELECT c.event_id, c.participant_id, c.slot_id, c.request_id
FROM timetable_participant_cells c
JOIN meetings l ON l.request_id = c.request_id AND l.version = c.version AND l.state = 'scheduled';
INSERT INTO meeting_room_cells (event_id, room_id, slot_id, request_id)
SELECT c.event_id, c.room_id, c.slot_id, c.request_id
FROM timetable_room_cells c
JOIN meetings l ON l.request_id = c.request_id AND l.version = c.version AND l.state = 'scheduled';

COMMIT;
PRAGMA foreign_keys = ON;
