-- Idempotency keys age: reservations are taken over after an age limit, kept answers are
-- purged after their retention period, both by `created_at`.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
