-- Matchmaking: profile revisions (so every API instance can refresh its in-memory index
-- incrementally), want-to-meet marks, the one meeting a mutual interest creates, and
-- organiser boosts. Kept column-for-column identical to ../postgres/0003_matchmaking.sql.

-- Each profile write bumps its event's counter and stamps the participant with the new
-- value. The bump takes the event's row, so revisions commit in order: a reader that has
-- seen revision N has seen every revision below it.
ALTER TABLE events ADD COLUMN profile_revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX participants_revision ON participants (event_id, revision);

-- Accepted-meeting counts and "requests of one participant" look requests up by requester.
CREATE INDEX requests_requester ON requests (requester_id);

-- "participant_id wants to meet target_id": at most one mark per pair and direction.
CREATE TABLE interests (
    event_id TEXT NOT NULL REFERENCES events(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    target_id TEXT NOT NULL REFERENCES participants(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (participant_id, target_id),
    CHECK (participant_id <> target_id)
);
CREATE INDEX interests_target ON interests (target_id);

-- One row per unordered pair that ever marked (low_id < high_id). Marking takes this row
-- first, so two marks of one pair are serialised; request_id is the one meeting request
-- their mutual interest created.
CREATE TABLE interest_pairs (
    event_id TEXT NOT NULL REFERENCES events(id),
    low_id TEXT NOT NULL REFERENCES participants(id),
    high_id TEXT NOT NULL REFERENCES participants(id),
    request_id TEXT REFERENCES requests(id),
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
);

-- Organiser boosts of an event, applied in position order.
CREATE TABLE boosts (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('kind', 'city', 'country', 'participant')),
    value TEXT NOT NULL,
    factor REAL NOT NULL,
    PRIMARY KEY (event_id, position)
);
