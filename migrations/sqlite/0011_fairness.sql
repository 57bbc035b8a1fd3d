-- Fairness, an event setting the solver keeps as a hard rule: the waits of any two
-- participants differ by at most `max_wait_spread` (0–100); NULL: no such rule.
-- Kept column-for-column identical to ../postgres/0011_fairness.sql; only types differ.
ALTER TABLE events ADD COLUMN max_wait_spread INTEGER;
