"""Crashes: `rendezvous serve` killed with SIGKILL at a random moment of a publish, many
times over; after each restart the stored timetable must be whole: the event's current
version is the highest stored one, every version has all the meetings and cells of the
schedule (never a mix, never a part), a publish that was acknowledged before the kill is
there, and the API serves the current version.

The kill moment is uniform over 0 to 3 times the publish's measured latency, so kills land
before, during and after the transaction.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import EXPO, ORGANISER, Api, Database, Server, free_port  # noqa: E402


def setup(api: Api, e: str, people: int, meetings: int) -> str:
    """Rooms, participants, accepted requests and a done run of them; the run's id."""
    for i in range(4):
        api.call("POST", f"/events/{e}/rooms", ORGANISER, {"name": f"Table {i}", "capacity": 2})
    ps = []
    for i in range(people):
        reg = api.call("POST", f"/events/{e}/participants", ORGANISER, {"name": f"Crash {i}", "kind": "company"})
        ps.append((reg["id"], reg["token"]))
    for k in range(meetings):
        (a, ta), (b, tb) = ps[k % people], ps[(k * 7 + 1) % people]
        if a == b:
            continue
        r = api.call("POST", f"/events/{e}/requests", ta, {"with": [b], "duration_minutes": 20, "priority": 3}, expect=(201, 409, 422))
        if r and "id" in r:
            api.call("POST", f"/events/{e}/requests/{r['id']}/accept", tb, expect=(200, 409))
    run = api.call("POST", f"/events/{e}/schedules", ORGANISER, {"time_limit_seconds": 5})["id"]
    while (status := api.call("GET", f"/events/{e}/schedules/{run}", ORGANISER)["status"]) not in ("done", "failed"):
        time.sleep(0.2)
    if status != "done":
        raise SystemExit("crashes: the setup solve failed")
    return run


def shape(db: Database, e: str) -> dict[int, tuple[int, int, int]]:
    """Per stored version: meetings, participant cells, room cells."""
    rows = db.query(
        "SELECT v.version,"
        " (SELECT COUNT(*) FROM timetable_meetings m WHERE m.event_id = v.event_id AND m.version = v.version),"
        " (SELECT COUNT(*) FROM timetable_participant_cells c WHERE c.event_id = v.event_id AND c.version = v.version),"
        " (SELECT COUNT(*) FROM timetable_room_cells c WHERE c.event_id = v.event_id AND c.version = v.version)"
        f" FROM timetable_versions v WHERE v.event_id = '{e}' ORDER BY v.version"
    )
    return {int(v): (int(m), int(p), int(r)) for v, m, p, r in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--log-dir", default="/tmp")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    db = Database(args.backend, args.postgres_url)
    port = free_port()
    log = Path(args.log_dir) / f"crashes-server-{args.backend}.log"
    env = {"RENDEZVOUS_WRITES_PER_MINUTE": "1000000", "RENDEZVOUS_REQUESTS_PER_HOUR": "1000000"}
    failures: list[str] = []
    server = Server(args.binary, db, log, env, port=port)
    try:
        api = Api(server.base)
        e = api.call("POST", "/events", ORGANISER, EXPO)["id"]
        run = setup(api, e, people=40, meetings=80)
        started = time.monotonic()
        api.call("POST", f"/events/{e}/schedules/{run}/publish", ORGANISER)
        latency = time.monotonic() - started
        expected = shape(db, e)[1]
        print(f"crashes: {args.backend}: a version is {expected[0]} meetings, {expected[1]} participant cells, "
              f"{expected[2]} room cells; publish takes {latency * 1000:.0f} ms", flush=True)

        acked_total, interrupted = 0, 0
        for kill in range(args.kills):
            acked: list[int] = []

            def publish() -> None:
                try:
                    r = requests.post(f"{server.base}/api/v1/events/{e}/schedules/{run}/publish",
                                      headers={"Authorization": f"Bearer {ORGANISER}"}, timeout=30)
                    if r.status_code == 200:
                        acked.append(r.json()["version"])
                except requests.RequestException:
                    pass

            thread = threading.Thread(target=publish)
            thread.start()
            time.sleep(rng.uniform(0, 3 * latency))
            server.kill()
            thread.join()
            acked_total += len(acked)
            interrupted += not acked
            server = Server(args.binary, db, log, env, port=port)
            versions = shape(db, e)
            current = db.query(f"SELECT timetable_version FROM events WHERE id = '{e}'")[0][0]
            top = max(versions)
            if int(current) != top:
                failures.append(f"kill {kill}: current {current}, highest stored {top}")
            partial = {v: s for v, s in versions.items() if s != expected}
            if partial:
                failures.append(f"kill {kill}: versions not whole {partial}")
            if acked and acked[0] not in versions:
                failures.append(f"kill {kill}: acknowledged version {acked[0]} lost")
            served = api.call("GET", f"/events/{e}/timetable", ORGANISER)
            if served["version"] != int(current) or len(served["meetings"]) != expected[0]:
                failures.append(f"kill {kill}: API serves version {served['version']} with {len(served['meetings'])} meetings")
        versions = shape(db, e)
        print(f"crashes: {args.backend}: {args.kills} kills, {acked_total} publishes acknowledged before the kill, "
              f"{interrupted} cut off; {len(versions)} versions stored, all whole: "
              f"{all(s == expected for s in versions.values())}", flush=True)
    finally:
        server.stop()
        db.drop()
    for f in failures[:20]:
        print(f"crashes: FAILED {f}")
    print(f"{args.kills - len({f.split(':')[0] for f in failures})} passed, {len({f.split(':')[0] for f in failures})} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
