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
  booking-participant
             50 invitees accepting, at one slot, 50 requests of one participant (a new one
             each round): one 200 and 49 409; stored one live meeting of that participant,
             at that slot, the winner's; 49 requests still pending; no one double-booked
  booking-table
             50 pairs accepting their requests at one slot of an event with one table: one
             200 and 49 409; stored one live meeting at the table and slot, the winner's;
             no table or participant double-booked

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

    def burst(self, calls: list[tuple]) -> list[int]:
        """All `calls` (method, path, token[, JSON body]) at once; their statuses, in order."""
        return [r.status_code for r in self.replies(calls)]

    def replies(self, calls: list[tuple]) -> list[requests.Response]:
        """All `calls` (method, path, token[, JSON body]) at once; their responses, in order."""

        def one(i: int) -> requests.Response:
            method, path, token, *body = calls[i]
            return self.sessions[i].request(method, self.base + path, json=body[0] if body else None,
                                            headers={"Authorization": f"Bearer {token}"}, timeout=60)

        replies = list(self.pool.map(one, range(len(calls))))
        self.statuses.update(r.status_code for r in replies)
        return replies


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


# The booking races' events: one slot a round, and 3 days of 08:00-20:00 in 20-minute
# slots are 108 of them.
BOOKING_EXPO = {
    "name": "Booking race expo",
    "timezone": "Europe/Paris",
    "slot_minutes": 20,
    "days": [{"date": f"2027-05-{d}", "sessions": [["08:00", "20:00"]]} for d in (11, 12, 13)],
}
BOOKING_SLOTS = [f"d{d}-{h:02d}{m:02d}" for d in (1, 2, 3) for h in range(8, 20) for m in (0, 20, 40)]


def double_booked_people(e: str) -> str:
    """(participant, slot) pairs of event `e` held by two live meetings or more, counted
    from the meetings and their requests' parties, not from the occupancy cells."""
    return (
        "SELECT p.participant_id, m.slot_id, COUNT(*) FROM meetings m"
        " JOIN (SELECT id AS request_id, requester_id AS participant_id FROM requests"
        "       UNION ALL SELECT request_id, participant_id FROM request_invitees) p ON p.request_id = m.request_id"
        f" WHERE m.event_id = '{e}' AND m.state <> 'cancelled' GROUP BY p.participant_id, m.slot_id HAVING COUNT(*) > 1"
    )


def double_booked_rooms(e: str) -> str:
    return (
        f"SELECT room_id, slot_id, COUNT(*) FROM meetings WHERE event_id = '{e}' AND state <> 'cancelled'"
        " GROUP BY room_id, slot_id HAVING COUNT(*) > 1"
    )


def import_people(api: Api, e: str, n: int, prefix: str) -> list[tuple[str, str]]:
    """`n` companies in one CSV import: (id, token) each."""
    csv = "name,kind\n" + "".join(f"{prefix}{i},company\n" for i in range(n))
    r = requests.post(f"{api.base}/events/{e}/participants/import", data=csv.encode(), timeout=120,
                      headers={"Authorization": f"Bearer {ORGANISER}", "Content-Type": "text/csv"})
    if r.status_code != 201:
        raise RuntimeError(f"import: {r.status_code} {r.text[:300]}")
    return [(row["id"], row["token"]) for row in r.json()["rows"]]


def ask_all(racer: Racer, e: str, asks: list[tuple[str, str]]) -> list[str]:
    """Each (requester token, invitee id) asks for a 20-minute meeting, all at once: the ids."""
    made = racer.replies([("POST", f"/events/{e}/requests", token, {"with": [who], "duration_minutes": 20, "priority": 3})
                          for token, who in asks])
    bad = [f"{r.status_code} {r.text[:200]}" for r in made if r.status_code != 201]
    if bad:
        raise RuntimeError(f"requests: {bad[:3]}")
    return [r.json()["id"] for r in made]


def stored_statuses(db: Database, ids: list[str]) -> dict[str, int]:
    listed = ",".join(f"'{r}'" for r in ids)
    return {s: int(n) for s, n in db.query(f"SELECT status, COUNT(*) FROM requests WHERE id IN ({listed}) GROUP BY status")}


def race_booking_participant(api: Api, racer: Racer, db: Database, e: str, slot: str, failures: list[str]) -> None:
    (hub, hub_token), *others = import_people(api, e, WAYS + 1, f"Hub {slot} ")
    ids = ask_all(racer, e, [(hub_token, other) for other, _ in others])
    got = racer.burst([("POST", f"/events/{e}/requests/{r}/accept", token, {"slot": slot}) for r, (_, token) in zip(ids, others)])
    check(got.count(200) == 1 and got.count(409) == WAYS - 1, f"booking-participant {slot}: {collections.Counter(got)}", failures)
    winner = ids[got.index(200)] if 200 in got else None
    live = db.query(
        f"SELECT m.request_id, m.slot_id FROM meetings m JOIN requests r ON r.id = m.request_id"
        f" WHERE r.requester_id = '{hub}' AND m.state <> 'cancelled'"
    )
    check(live == [(winner, slot)], f"booking-participant {slot}: stored {live}, winner {winner}", failures)
    statuses = stored_statuses(db, ids)
    check(statuses == {"accepted": 1, "pending": WAYS - 1}, f"booking-participant {slot}: requests {statuses}", failures)
    doubles = db.query(double_booked_people(e))
    check(not doubles, f"booking-participant {slot}: double-booked {doubles}", failures)


def race_booking_table(api: Api, racer: Racer, db: Database, e: str, table: str, slot: str, failures: list[str]) -> None:
    people = import_people(api, e, 2 * WAYS, f"Pair {slot} ")
    pairs = list(zip(people[0::2], people[1::2]))
    ids = ask_all(racer, e, [(a_token, b) for (_, a_token), (b, _) in pairs])
    got = racer.burst([("POST", f"/events/{e}/requests/{r}/accept", b_token, {"slot": slot}) for r, (_, (_, b_token)) in zip(ids, pairs)])
    check(got.count(200) == 1 and got.count(409) == WAYS - 1, f"booking-table {slot}: {collections.Counter(got)}", failures)
    winner = ids[got.index(200)] if 200 in got else None
    live = db.query(f"SELECT request_id FROM meetings WHERE event_id = '{e}' AND slot_id = '{slot}' AND state <> 'cancelled'")
    check(live == [(winner,)], f"booking-table {slot}: stored {live}, winner {winner}", failures)
    at_table = db.query(f"SELECT room_id FROM meetings WHERE request_id = '{winner}'")
    check(at_table == [(table,)], f"booking-table {slot}: room {at_table}", failures)
    statuses = stored_statuses(db, ids)
    check(statuses == {"accepted": 1, "pending": WAYS - 1}, f"booking-table {slot}: requests {statuses}", failures)
    doubles = db.query(double_booked_rooms(e)) + db.query(double_booked_people(e))
    check(not doubles, f"booking-table {slot}: double-booked {doubles}", failures)


def register(api: Api, e: str, n: int, prefix: str) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        reg = api.call("POST", f"/events/{e}/participants", ORGANISER, {"name": f"{prefix} {i}", "kind": "company"})
        out.append((reg["id"], reg["token"]))
    return out


RACES = ["accept", "withdraw", "publish", "interest", "booking-participant", "booking-table"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--log-dir", default="/tmp")
    parser.add_argument("--races", default=",".join(RACES),
                        help=f"comma-separated, of {','.join(RACES)} (default: all)")
    args = parser.parse_args()
    chosen = [name for name in args.races.split(",") if name]
    unknown = sorted(set(chosen) - set(RACES))
    if unknown or not chosen:
        parser.error(f"--races: unknown {unknown or 'empty list'}; choose among {','.join(RACES)}")
    if args.rounds > len(BOOKING_SLOTS):
        parser.error(f"at most {len(BOOKING_SLOTS)} rounds (one booking slot each)")

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
        # Booking: a hub's event with two tables (a table is never what a hub's invitees
        # lack), and an event with one table.
        hub_event = api.call("POST", "/events", ORGANISER, BOOKING_EXPO)["id"]
        for t in (1, 2):
            api.call("POST", f"/events/{hub_event}/rooms", ORGANISER, {"name": f"Table {t}", "capacity": 2})
        table_event = api.call("POST", "/events", ORGANISER, BOOKING_EXPO)["id"]
        table = api.call("POST", f"/events/{table_event}/rooms", ORGANISER, {"name": "The last table", "capacity": 2})["id"]

        timings = {}
        for name, race in [
            ("accept", lambda i: race_accept(api, racer, db, e, people, failures)),
            ("withdraw", lambda i: race_withdraw(api, racer, db, e, people, failures)),
            ("publish", lambda i: race_publish(api, racer, db, e, run, failures)),
            ("interest", lambda i: race_interest(api, racer, db, e, (pairs[2 * i], pairs[2 * i + 1]), failures)),
            ("booking-participant", lambda i: race_booking_participant(api, racer, db, hub_event, BOOKING_SLOTS[i], failures)),
            ("booking-table", lambda i: race_booking_table(api, racer, db, table_event, table, BOOKING_SLOTS[i], failures)),
        ]:
            if name not in chosen:
                continue
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
    rounds = args.rounds * 6
    print(f"{rounds - min(len(failures), rounds)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
