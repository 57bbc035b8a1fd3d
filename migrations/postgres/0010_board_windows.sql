-- The draft's placements and left-out meetings as rows, so that a window of the organiser's
-- board (one day, a range of rooms) reads its own meetings only, not the run's whole
-- solution document. Only each event's latest done run keeps rows: finishing a run
-- replaces its event's. The live timetable's windows read `meetings` by cell.
-- Kept column-for-column identical to ../sqlite/0010_board_windows.sql; only types differ.
CREATE TABLE draft_placements (
    schedule_id TEXT NOT NULL REFERENCES schedules(id),
    event_id TEXT NOT NULL REFERENCES events(id),
    request_id TEXT NOT NULL,
    slot_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    PRIMARY KEY (schedule_id, request_id)
);
CREATE INDEX draft_placements_cell ON draft_placements (schedule_id, slot_id, room_id);
CREATE INDEX draft_placements_event ON draft_placements (event_id);

CREATE TABLE draft_unplaced (
    schedule_id TEXT NOT NULL REFERENCES schedules(id),
    event_id TEXT NOT NULL REFERENCES events(id),
    position BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    -- The solver's typed reason (JSON), when the run typed it.
    cause TEXT,
    reason TEXT NOT NULL,
    PRIMARY KEY (schedule_id, position)
);
CREATE INDEX draft_unplaced_request ON draft_unplaced (schedule_id, request_id);
CREATE INDEX draft_unplaced_event ON draft_unplaced (event_id);

CREATE INDEX meetings_cell ON meetings (event_id, slot_id, room_id);

-- Runs finished before: each event's latest done run, read from its solution document.
INSERT INTO draft_placements (schedule_id, event_id, request_id, slot_id, room_id)
SELECT s.id, s.event_id, a.value ->> 'meeting', a.value ->> 'slot', a.value ->> 'room'
FROM schedules s, jsonb_array_elements(s.solution::jsonb -> 'assignments') a
WHERE s.id = (
    SELECT l.id FROM schedules l WHERE l.event_id = s.event_id AND l.status = 'done'
    ORDER BY l.updated_at DESC, l.id DESC LIMIT 1);

INSERT INTO draft_unplaced (schedule_id, event_id, position, request_id, cause, reason)
SELECT s.id, s.event_id, u.position - 1, u.value ->> 'meeting', (u.value -> 'cause')::text,
       u.value ->> 'reason'
FROM schedules s, jsonb_array_elements(s.solution::jsonb -> 'unscheduled') WITH ORDINALITY AS u(value, position)
WHERE s.id = (
    SELECT l.id FROM schedules l WHERE l.event_id = s.event_id AND l.status = 'done'
    ORDER BY l.updated_at DESC, l.id DESC LIMIT 1);
