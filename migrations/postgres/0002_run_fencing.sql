-- Scale-out: several workers may hold the same schedule run over time (a worker killed
-- mid-solve, its job handed to another). Each holder carries a fencing token from the
-- event's lock; the database keeps the highest token that started a run of the event and
-- the token of the holder currently running each schedule, and every write of a run's
-- progress or result is conditional on it, so a stale holder can write nothing.
ALTER TABLE events ADD COLUMN run_fence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN fence BIGINT;
ALTER TABLE schedules ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
