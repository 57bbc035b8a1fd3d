"""Races: 50 simultaneous calls of one transition, many rounds, on a real server; each
round judged by SQL over the stored rows afterwards, not by the answers alone.

  accept     one invitee's 50 accepts of one request: one 200, 49 409; stored accepted
  withdraw   25 accepts by the invitee and 25 withdraws by the requester at once: exactly
             one withdraw wins, at most one accept; stored withdrawn, the invitee's answer
             matches whether an accept won
  publish    50 publishes of one done run: versions 1..n+50 unique, the event's current
             version the highest, every version's meetings and cells complete, no
             participant or room in two meetings of one slot
  interest   25 marks by each of two participants on the other at once: one mutual-interest
             request for the pair, accepted by both, whatever the interleaving

Every answer of every round must be below 500. Prints one line per race with the counts.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import EXPO, ORGANISER, Api, Database, Server  # noqa: E402

WAYS = 50


class Racer:
    def __init__(self, base: str):
        self.base = base + "/api/v1"
        self.pool = ThreadPoolExecutor(WAYS)
        self.sessions = [requests.Session() for _ in range(WAYS)]
        self.statuses: collections.Counter[int] = collections.Counter()

    def burst(self, calls: list[tuple[str, str, str]]) -> list[int]:
        """All `calls` (method, path, token) at once; their statuses, in order."""

        def one(i: int) -> int:
            method, path, token = calls[i]
            r = self.sessions[i].request(method, self.base + path, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            return r.status_code

        statuses = list(self.pool.map(one, range(len(calls))))
        self.statuses.update(statuses)
        return statuses


def check(condition: bool, what: str, failures: list[str]) -> None:
    if not condition:
        failures.append(what)


def race_accept(api: Api, racer: Racer, db: Database, e: str, people, failures: list[str]) -> None:
    (a, ta), (b, tb) = people[0], people[1]
    r = api.call("POST", f"/events/{e}/requests", ta, {"with": [b], "duration_minutes": 20, "priority": 3})["id"]
    got = racer.burst([("POST", f"/events/{e}/requests/{r}/accept", tb)] * WAYS)
    check(got.count(200) == 1 and got.count(409) == WAYS - 1, f"accept {r}: {collections.Counter(got)}", failures)
    rows = db.query(f"SELECT r.status, i.response FROM requests r JOIN request_invitees i ON i.request_id = r.id WHERE r.id = '{r}'")
    check(rows == [("accepted", "accepted")], f"accept {r}: stored {rows}", failures)


def race_withdraw(api: Api, racer: Racer, db: Database, e: str, people, failures: list[str]) -> None:
    (a, ta), (b, tb) = people[0], people[2]
    r = api.call("POST", f"/events/{e}/requests", ta, {"with": [b], "duration_minutes": 20, "priority": 3})["id"]
    calls = [("POST", f"/events/{e}/requests/{r}/accept", tb), ("POST", f"/events/{e}/requests/{r}/withdraw", ta)] * (WAYS // 2)
    got = racer.burst(calls)
    accepts, withdraws = got[0::2], got[1::2]
    check(withdraws.count(200) == 1, f"withdraw {r}: withdraws {collections.Counter(withdraws)}", failures)
    check(accepts.count(200) <= 1, f"withdraw {r}: accepts {collections.Counter(accepts)}", failures)
    check(all(s in (200, 409) for s in got), f"withdraw {r}: {collections.Counter(got)}", failures)
    rows = db.query(f"SELECT r.status, i.response FROM requests r JOIN request_invitees i ON i.request_id = r.id WHERE r.id = '{r}'")
    answer = "accepted" if accepts.count(200) == 1 else "pending"
    check(rows == [("withdrawn", answer)], f"withdraw {r}: stored {rows}, accepts won {accepts.count(200)}", failures)


def race_publish(api: Api, racer: Racer, db: Database, e: str, run: str, failures: list[str]) -> None:
    before = db.query(f"SELECT COALESCE(MAX(version), 0) FROM timetable_versions WHERE event_id = '{e}'")[0][0]
    got = racer.burst([("POST", f"/events/{e}/schedules/{run}/publish", ORGANISER)] * WAYS)
    check(all(s in (200, 409) for s in got), f"publish: {collections.Counter(got)}", failures)
    won = got.count(200)
    versions = [int(v) for (v,) in db.query(f"SELECT version FROM timetable_versions WHERE event_id = '{e}' AND version > {before} ORDER BY version")]
    check(versions == list(range(int(before) + 1, int(before) + won + 1)), f"publish: {won} won, versions {versions}", failures)
    current = db.query(f"SELECT timetable_version FROM events WHERE id = '{e}'")[0][0]
    check(int(current) == int(before) + won, f"publish: current {current}, expected {int(before) + won}", failures)
    # Every version whole: as many meetings as the first, each with its cells; no one twice in a slot.
    counts = db.query(
        f"SELECT v.version, (SELECT COUNT(*) FROM timetable_meetings m WHERE m.event_id = v.event_id AND m.version = v.version),"
        f" (SELECT COUNT(*) FROM timetable_room_cells c WHERE c.event_id = v.event_id AND c.version = v.version)"
        f" FROM timetable_versions v WHERE v.event_id = '{e}' AND v.version > {before}"
    )
    check(len({(m, c) for _, m, c in counts}) <= 1, f"publish: versions differ {counts}", failures)
    doubles = db.query(
        f"SELECT version, participant_id, slot_id, COUNT(*) FROM timetable_participant_cells WHERE event_id = '{e}'"
        f" GROUP BY version, participant_id, slot_id HAVING COUNT(*) > 1"
    )
    check(not doubles, f"publish: double-booked {doubles}", failures)


def race_interest(api: Api, racer: Racer, db: Database, e: str, pair, failures: list[str]) -> None:
    (a, ta), (b, tb) = pair
    calls = [("PUT", f"/events/{e}/participants/{b}/interest", ta), ("PUT", f"/events/{e}/participants/{a}/interest", tb)] * (WAYS // 2)
    got = racer.burst(calls)
    check(all(s == 200 for s in got), f"interest {a}/{b}: {collections.Counter(got)}", failures)
    low, high = sorted([a, b])
    pairs = db.query(f"SELECT request_id FROM interest_pairs WHERE low_id = '{low}' AND high_id = '{high}'")
    check(len(pairs) == 1 and pairs[0][0] is not None, f"interest {a}/{b}: pairs {pairs}", failures)
    between = db.query(
        f"SELECT r.id, r.status FROM requests r JOIN request_invitees i ON i.request_id = r.id"
        f" WHERE (r.requester_id = '{a}' AND i.participant_id = '{b}') OR (r.requester_id = '{b}' AND i.participant_id = '{a}')"
    )
    check(len(between) == 1 and between[0][1] == "accepted", f"interest {a}/{b}: requests {between}", failures)


def register(api: Api, e: str, n: int, prefix: str) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        reg = api.call("POST", f"/events/{e}/participants", ORGANISER, {"name": f"{prefix} {i}", "kind": "company"})
        out.append((reg["id"], reg["token"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--log-dir", default="/tmp")
    args = parser.parse_args()

    db = Database(args.backend, args.postgres_url)
    server = None
    failures: list[str] = []
    try:
        # Rate limits are not what is measured here: high enough never to answer 429.
        server = Server(args.binary, db, Path(args.log_dir) / f"races-server-{args.backend}.log",
                        {"RENDEZVOUS_WRITES_PER_MINUTE": "1000000", "RENDEZVOUS_REQUESTS_PER_HOUR": "1000000"})
        api = Api(server.base)
        racer = Racer(server.base)
        e = api.call("POST", "/events", ORGANISER, EXPO)["id"]
        api.call("POST", f"/events/{e}/rooms", ORGANISER, {"name": "Table 1", "capacity": 2})
        people = register(api, e, 3, "Racer")
        # The run the publish race publishes: a few accepted meetings.
        for invitee in (1, 2):
            r = api.call("POST", f"/events/{e}/requests", people[0][1], {"with": [people[invitee][0]], "duration_minutes": 20, "priority": 3})["id"]
            api.call("POST", f"/events/{e}/requests/{r}/accept", people[invitee][1])
        run = api.call("POST", f"/events/{e}/schedules", ORGANISER, {"time_limit_seconds": 2})["id"]
        while api.call("GET", f"/events/{e}/schedules/{run}", ORGANISER)["status"] not in ("done", "failed"):
            time.sleep(0.2)
        pairs = register(api, e, 2 * args.rounds, "Pair")

        timings = {}
        for name, race in [
            ("accept", lambda i: race_accept(api, racer, db, e, people, failures)),
            ("withdraw", lambda i: race_withdraw(api, racer, db, e, people, failures)),
            ("publish", lambda i: race_publish(api, racer, db, e, run, failures)),
            ("interest", lambda i: race_interest(api, racer, db, e, (pairs[2 * i], pairs[2 * i + 1]), failures)),
        ]:
            started = time.monotonic()
            before = len(failures)
            for i in range(args.rounds):
                race(i)
            timings[name] = time.monotonic() - started
            print(f"races: {args.backend} {name}: {args.rounds} rounds x {WAYS} ways, "
                  f"{len(failures) - before} bad rounds, {timings[name]:.1f} s", flush=True)
        server_errors = sum(n for s, n in racer.statuses.items() if s >= 500)
        print(f"races: {args.backend}: statuses {dict(sorted(racer.statuses.items()))}, 5xx {server_errors}")
        if server_errors:
            failures.append(f"{server_errors} answers were 5xx")
    finally:
        if server:
            server.stop()
        db.drop()
    for f in failures[:20]:
        print(f"races: FAILED {f}")
    print(f"{args.rounds * 4 - min(len(failures), args.rounds * 4)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
