-- The organiser's pins: an accepted request held at a first slot (and, optionally, a
-- room) by every solve. One pin per request. `pins_revision` on the event counts pin
-- writes: a pin is stored only if no other pin was stored since its set was checked, so
-- two pins that each fit alone but not together can never both be stored.
-- Kept column-for-column identical to ../sqlite/0008_pins.sql; only types differ.
ALTER TABLE events ADD COLUMN pins_revision BIGINT NOT NULL DEFAULT 0;

CREATE TABLE pins (
    event_id TEXT NOT NULL REFERENCES events(id),
    request_id TEXT NOT NULL REFERENCES requests(id),
    slot_id TEXT NOT NULL,
    room_id TEXT REFERENCES rooms(id),
    pinned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, request_id)
);
