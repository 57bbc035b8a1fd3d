-- Web sign-in sessions, kept server-side so that signing out (or revoking a participant)
-- ends a session everywhere, even for a copy of its cookie. The cookie holds the session
-- id; only its SHA-256 is stored. A session belongs to a principal: a participant of one
-- event, or (for the organiser's pages) the organiser. Kept column-for-column identical to
-- ../sqlite/0006_web_sessions.sql.
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    principal TEXT NOT NULL CHECK (principal IN ('participant', 'organiser')),
    event_id TEXT REFERENCES events(id) ON DELETE CASCADE,
    participant_id TEXT REFERENCES participants(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    CHECK ((principal = 'participant') = (participant_id IS NOT NULL AND event_id IS NOT NULL))
);
-- Revoking a participant's sessions, and purging the expired ones.
CREATE INDEX web_sessions_participant ON web_sessions (participant_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
