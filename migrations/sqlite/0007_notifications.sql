-- Notifications: each participant's private address, language and notice settings; each
-- event's reminder lead time; and the outbox, written in the same transaction as the change
-- that causes a message. Kept column-for-column identical to ../postgres/0007_notifications.sql.

ALTER TABLE participants ADD COLUMN email TEXT;
ALTER TABLE participants ADD COLUMN language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en', 'ar'));
ALTER TABLE participants ADD COLUMN notify_reminders INTEGER NOT NULL DEFAULT 1;
ALTER TABLE participants ADD COLUMN notify_requests INTEGER NOT NULL DEFAULT 1;
-- When the participant first used its token (an invitation "to those not signed in yet").
ALTER TABLE participants ADD COLUMN signed_in_at TEXT;

-- Minutes before a meeting its reminder goes; 0: no reminders.
ALTER TABLE events ADD COLUMN reminder_minutes INTEGER NOT NULL DEFAULT 15;

-- One row per message to send. `topic` says what it is about (JSON); the text is rendered
-- when it is sent, in the recipient's language. `dedupe_key` makes a cause enqueue at most
-- once (a reminder per meeting, participant and time, whichever node's scan finds it).
-- A sender claims due rows by setting `lease_token` and `lease_until`; only the holder of
-- the lease may mark a row sent or failed.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    recipient_id TEXT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at TEXT NOT NULL,
    lease_token TEXT,
    lease_until TEXT,
    last_error TEXT,
    subject TEXT,
    delivery TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE status = 'pending';
CREATE INDEX outbox_event ON outbox (event_id, created_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);
