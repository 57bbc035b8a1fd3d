"""Contract test: schemathesis against a real `rendezvous serve`.

Starts the service on a fresh database (SQLite file or a new PostgreSQL database), seeds one
event with rooms, participants, requests in every state and a published timetable, then runs
schemathesis twice against the served `/api/v1/openapi.json`: once with the organiser's
token, once with a participant's. Known ids are offered to the generator as path
parameters, so that fuzzing reaches real objects and not only 404s.

Only the standard library and what schemathesis brings (requests) are used.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from harness import EXPO, ORGANISER, Api, Database, Server  # noqa: E402

PEOPLE = [
    ("Bangkok Metropolitan Administration", "delegation", ["mobility", "flood resilience"]),
    ("HydroSense", "company", ["flood sensors", "water"]),
    ("Casa Transport", "institution", ["mobility", "tramway"]),
    ("Université Hassan II", "researcher", ["urban data"]),
]


def seed(api: Api) -> dict:
    """One event with rooms, participants, requests in every state and a published timetable."""
    event = api.call("POST", "/events", ORGANISER, EXPO)
    e = event["id"]
    rooms = [
        api.call("POST", f"/events/{e}/rooms", ORGANISER, {"name": f"Table {i}", "capacity": 2 + i, "features": ["video"] if i else []})["id"]
        for i in range(2)
    ]
    people = []
    for name, kind, topics in PEOPLE:
        reg = api.call(
            "POST",
            f"/events/{e}/participants",
            ORGANISER,
            {"name": name, "kind": kind, "topics": topics, "languages": ["en", "fr"], "offers": topics, "seeks": topics[:1]},
        )
        people.append((reg["id"], reg["token"]))
    (a, ta), (b, tb), (c, tc), (d, td) = people
    accepted = api.call("POST", f"/events/{e}/requests", ta, {"with": [b], "duration_minutes": 20, "priority": 3})["id"]
    api.call("POST", f"/events/{e}/requests/{accepted}/accept", tb)
    declined = api.call("POST", f"/events/{e}/requests", tc, {"with": [a], "duration_minutes": 20, "priority": 2})["id"]
    api.call("POST", f"/events/{e}/requests/{declined}/decline", ta)
    pending = api.call("POST", f"/events/{e}/requests", td, {"with": [a, c], "duration_minutes": 40, "priority": 5})["id"]
    withdrawn = api.call("POST", f"/events/{e}/requests", tb, {"with": [d], "duration_minutes": 20, "priority": 1})["id"]
    api.call("POST", f"/events/{e}/requests/{withdrawn}/withdraw", tb)
    run = api.call("POST", f"/events/{e}/schedules", ORGANISER, {"time_limit_seconds": 2})["id"]
    deadline = time.monotonic() + 60
    while api.call("GET", f"/events/{e}/schedules/{run}", ORGANISER)["status"] not in ("done", "failed"):
        if time.monotonic() > deadline:
            raise SystemExit("contract: the seed solve did not finish in 60 s")
        time.sleep(0.3)
    api.call("POST", f"/events/{e}/schedules/{run}/publish", ORGANISER)
    return {
        "event": e,
        "rooms": rooms,
        "participants": [p for p, _ in people],
        "tokens": [t for _, t in people],
        "requests": [accepted, declined, pending, withdrawn],
        "schedules": [run],
    }


def config_file(path: Path, seeded: dict, token: str, max_time: int, workers: int) -> None:
    """A schemathesis.toml offering the seeded ids to the generator."""
    ids = seeded["participants"] + seeded["requests"] + seeded["rooms"] + seeded["schedules"]
    lines = [
        f"max-time = {max_time}",
        f"workers = {workers}",
        "max-stream-events = 3",
        "request-timeout = 10",
        "continue-on-failure = true",
        "",
        "[headers]",
        f'Authorization = "Bearer {token}"',
        "",
        "[dictionaries.ids]",
        f"values = {json.dumps(ids)}",
        "",
        "[parameters]",
        f'"path.event" = {{ dictionary = "events", probability = 0.9 }}',
        f'"path.id" = {{ dictionary = "ids", probability = 0.9 }}',
        "",
        "[dictionaries.events]",
        f"values = {json.dumps([seeded['event']])}",
    ]
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("RENDEZVOUS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--max-time", type=int, default=30, help="seconds per caller and phase group (fuzzing; stateful)")
    # One worker by default: schemathesis' workers are threads, and on CPython before 3.11.8
    # (this machine has 3.11.7) two threads building ASTs at once can fail with "AST
    # constructor recursion depth mismatch" inside hypothesis (CPython gh-106905), a
    # runtime error of the tool that fails the run whatever the server did.
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--checks", default="all")
    parser.add_argument("--exclude-checks", default="")
    parser.add_argument("--report-dir", default=None)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rdv-contract-run-"))
    report_dir = Path(args.report_dir) if args.report_dir else work / "reports"
    report_dir.mkdir(parents=True, exist_ok=True)
    database = Database(args.backend, args.postgres_url)
    server = None
    failed = False
    try:
        # Rate limits stay on (their 429 is part of the contract) but high enough not to end
        # the run's writes in its first seconds.
        server = Server(args.binary, database, report_dir / f"server-{args.backend}.log",
                        {"RENDEZVOUS_WRITES_PER_MINUTE": "600", "RENDEZVOUS_REQUESTS_PER_HOUR": "600"})
        seeded = seed(Api(server.base))
        for who, token in [("organiser", ORGANISER), ("participant", seeded["tokens"][0])]:
            # One budget each: within one run, fuzzing would spend the stateful phase's time.
            for phases in [p for p in ("examples,coverage,fuzzing", "stateful") if set(p.split(",")) & set(args.phases.split(","))]:
                name = f"{args.backend}-{who}-{phases.split(',')[-1]}"
                config = work / f"{name}.toml"
                config_file(config, seeded, token, args.max_time, args.workers)
                command = [
                    str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run",
                    server.base + "/api/v1/openapi.json",
                    "--url", server.base,
                    "--phases", ",".join(set(phases.split(",")) & set(args.phases.split(","))),
                    "--checks", args.checks,
                    "--report", "junit,ndjson",
                    "--report-dir", str(report_dir / name),
                    "--no-color",
                ]
                if args.exclude_checks:
                    command += ["--exclude-checks", args.exclude_checks]
                if args.seed is not None:
                    command += ["--seed", str(args.seed)]
                print(f"contract: {name}: st {' '.join(command[3:])}", flush=True)
                started = time.monotonic()
                result = subprocess.run(command)
                outcome = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
                print(f"contract: {name}: {outcome} in {time.monotonic() - started:.0f} s", flush=True)
                failed |= result.returncode != 0
    finally:
        if server:
            server.stop()
        database.drop()
    print(f"contract: reports in {report_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
