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
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ORGANISER = "contract-organiser-" + secrets.token_hex(16)
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """A fresh database for one run; removed afterwards."""

    def __init__(self, backend: str, postgres_url: str):
        self.backend = backend
        self.dir = tempfile.mkdtemp(prefix="rdv-contract-")
        if backend == "sqlite":
            self.url = f"sqlite://{self.dir}/rendezvous.db?mode=rwc"
            self.name = None
        else:
            self.name = "rdv_contract_" + secrets.token_hex(6)
            self.admin = postgres_url
            subprocess.run(["psql", postgres_url, "-qc", f"CREATE DATABASE {self.name}"], check=True)
            self.url = postgres_url.rsplit("/", 1)[0] + "/" + self.name

    def drop(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.name:
            subprocess.run(
                ["psql", self.admin, "-qc", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"],
                check=False,
            )


class Server:
    """`rendezvous serve` on a free port."""

    def __init__(self, binary: str, database: Database, log: Path, extra_env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "RENDEZVOUS_ADDR": f"127.0.0.1:{self.port}",
            "DATABASE_URL": database.url,
            "RENDEZVOUS_ORGANISER_TOKEN": ORGANISER,
            "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
            **extra_env,
        }
        env.pop("REDIS_URL", None)
        self.log = open(log, "w")
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"contract: the server exited early, see {log}")
            try:
                if requests.get(self.base + "/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit("contract: the server did not get ready in 60 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Api:
    def __init__(self, base: str):
        self.base = base + "/api/v1"

    def call(self, method: str, path: str, token: str, body=None, expect=(200, 201, 202)):
        r = requests.request(
            method,
            self.base + path,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        if r.status_code not in expect:
            raise SystemExit(f"contract: seeding {method} {path} gave {r.status_code}: {r.text}")
        return r.json() if r.content else None


EXPO = {
    "name": "Smart City Expo Casablanca",
    "timezone": "Africa/Casablanca",
    "slot_minutes": 20,
    "days": [
        {"date": "2027-04-17", "sessions": [["10:00", "13:00"], ["14:30", "18:00"]]},
        {"date": "2027-04-18", "sessions": [["10:00", "13:00"]]},
    ],
}

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
    parser.add_argument("--workers", type=int, default=2)
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
