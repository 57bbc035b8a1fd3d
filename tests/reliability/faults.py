"""Faults under load, against a real `rendezvous serve`:

  postgres   a private PostgreSQL stopped (fast, then immediate: a crash) and started again
             under a write load: every acknowledged write is there afterwards, requests
             during the outage get 503 problem+json (never 500), writes succeed again
             without restarting the service
  redis      a private Redis killed under a read load: reads stay 2xx
  sigterm    SIGTERM under load with a live stream open and a solve running: every request
             begun before the signal gets an answer, the stream ends, the process exits, and
             the running solve goes back to the queue (with Redis)
  disk       SQLite on a small tmpfs filled by writes: they get 503 problem+json, reads stay
             200, `PRAGMA integrity_check` says ok, every acknowledged write is there, and
             writes succeed again once space is back, without a restart

Prints one line per scenario with its figures; exits non-zero if any rule was broken.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import EXPO, ORGANISER, Api, Database, PrivatePostgres, PrivateRedis, Server  # noqa: E402

UNLIMITED = {"RENDEZVOUS_WRITES_PER_MINUTE": "1000000", "RENDEZVOUS_REQUESTS_PER_HOUR": "1000000"}


class Load:
    """Threads calling one request in a loop, every answer recorded with its time."""

    def __init__(self, threads: int, call):
        self.call = call
        self.answers: list[tuple[float, int, str, object]] = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]
        for t in self.threads:
            t.start()

    def _run(self, i: int) -> None:
        session = requests.Session()
        n = 0
        while self.running:
            n += 1
            try:
                status, content_type, value = self.call(session, i, n)
            except requests.RequestException as err:
                status, content_type, value = 0, "", type(err).__name__
            with self.lock:
                self.answers.append((time.monotonic(), status, content_type, value))

    def stop(self) -> None:
        self.running = False
        for t in self.threads:
            t.join()

    def between(self, start: float, end: float) -> collections.Counter:
        return collections.Counter((s, ct.split(";")[0]) for t, s, ct, _ in self.answers if start <= t < end)


def register_call(base: str, e: str, padding: int = 0):
    def call(session: requests.Session, i: int, n: int):
        body = {"name": f"Load {i}-{n}", "kind": "company", "offers": [f"{k} " + "x" * padding for k in range(8)] if padding else []}
        r = session.post(f"{base}/api/v1/events/{e}/participants", json=body,
                         headers={"Authorization": f"Bearer {ORGANISER}"}, timeout=30)
        return r.status_code, r.headers.get("content-type", ""), r.json().get("id") if r.status_code == 201 else None

    return call


def acked_ids(load: Load) -> set[str]:
    return {v for _, s, _, v in load.answers if s == 201}


def stored_ids(db: Database, e: str) -> set[str]:
    return {row[0] for row in db.query(f"SELECT id FROM participants WHERE event_id = '{e}'")}


def fmt(counter: collections.Counter) -> str:
    return ", ".join(f"{s} {ct or '-'} x{n}" for (s, ct), n in sorted(counter.items()))


def postgres_restart(binary: str, log_dir: Path, failures: list[str]) -> None:
    pg = PrivatePostgres()
    db = Database("postgres", pg.url)
    server = Server(binary, db, log_dir / "faults-server-postgres.log", UNLIMITED)
    try:
        api = Api(server.base)
        e = api.call("POST", "/events", ORGANISER, EXPO)["id"]
        load = Load(4, register_call(server.base, e))
        for mode in ("fast", "immediate"):
            time.sleep(3)
            down = time.monotonic()
            pg.stop(mode)
            ready = requests.get(server.base + "/readyz", timeout=30)
            time.sleep(4)
            up = time.monotonic()
            pg.start()
            time.sleep(4)
            during = load.between(down, up)
            after = [t for t, s, _, _ in load.answers if t >= up and s == 201]
            recovery = (min(after) - up) if after else None
            bad = {k: n for k, n in during.items() if k != (503, "application/problem+json") and k[0] != 201}
            print(f"faults: postgres stopped ({mode}) for {up - down:.1f} s: during the outage {fmt(during)}; "
                  f"/readyz {ready.status_code}; first write acknowledged {recovery if recovery is None else round(recovery, 2)} s "
                  f"after PostgreSQL was back", flush=True)
            if bad:
                failures.append(f"postgres {mode}: answers during the outage other than 503 problem+json: {bad}")
            if ready.status_code != 503:
                failures.append(f"postgres {mode}: /readyz answered {ready.status_code} during the outage")
            if recovery is None:
                failures.append(f"postgres {mode}: no write succeeded after PostgreSQL came back")
        load.stop()
        acked, stored = acked_ids(load), stored_ids(db, e)
        lost = acked - stored
        print(f"faults: postgres: {len(acked)} writes acknowledged, {len(lost)} of them missing afterwards", flush=True)
        if lost:
            failures.append(f"postgres: {len(lost)} acknowledged writes lost")
    finally:
        server.stop()
        pg.remove()


def redis_killed(binary: str, log_dir: Path, failures: list[str]) -> None:
    redis = PrivateRedis()
    db = Database("sqlite", "")
    server = Server(binary, db, log_dir / "faults-server-redis.log",
                    {**UNLIMITED, "REDIS_URL": redis.url, "RENDEZVOUS_REDIS_PREFIX": "faults"})
    try:
        api = Api(server.base)
        e = api.call("POST", "/events", ORGANISER, EXPO)["id"]
        reg = api.call("POST", f"/events/{e}/participants", ORGANISER, {"name": "Reader", "kind": "company"})
        paths = [f"/events/{e}/participants/{reg['id']}/agenda", f"/events/{e}/timetable", f"/events/{e}/participants"]

        def read(session: requests.Session, i: int, n: int):
            r = session.get(f"{server.base}/api/v1{paths[n % len(paths)]}",
                            headers={"Authorization": f"Bearer {reg['token']}"}, timeout=30)
            return r.status_code, r.headers.get("content-type", ""), None

        load = Load(4, read)
        time.sleep(2)
        killed = time.monotonic()
        redis.kill()
        time.sleep(5)
        load.stop()
        before, after = load.between(0, killed), load.between(killed, time.monotonic())
        print(f"faults: redis killed: before {fmt(before)}; after {fmt(after)}", flush=True)
        bad = {k: n for k, n in after.items() if not 200 <= k[0] < 300}
        if bad:
            failures.append(f"redis: reads after the kill not 2xx: {bad}")
    finally:
        server.stop()
        db.drop()
        redis.kill()


def disk_full(binary: str, log_dir: Path, failures: list[str]) -> None:
    mount = tempfile.mkdtemp(prefix="rdv-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount], check=True)
    db = Database("sqlite", "")
    shutil.rmtree(db.dir)
    db.dir = mount
    db.url = f"sqlite://{mount}/rendezvous.db?mode=rwc"
    server = Server(binary, db, log_dir / "faults-server-disk.log", UNLIMITED)
    try:
        api = Api(server.base)
        e = api.call("POST", "/events", ORGANISER, EXPO)["id"]
        reader = api.call("POST", f"/events/{e}/participants", ORGANISER, {"name": "Reader", "kind": "company"})
        started = time.monotonic()
        load = Load(2, register_call(server.base, e, padding=150))
        deadline = started + 120
        while time.monotonic() < deadline and sum(1 for _, s, _, _ in load.answers if s not in (201,)) < 50:
            time.sleep(0.2)
        full = time.monotonic()
        read = requests.get(f"{server.base}/api/v1/events/{e}/participants/{reader['id']}",
                            headers={"Authorization": f"Bearer {ORGANISER}"}, timeout=30)
        load.stop()
        answers = load.between(started, time.monotonic())
        print(f"faults: disk full (3 MiB tmpfs): {fmt(answers)}; a read while full: {read.status_code}", flush=True)
        bad = {k: n for k, n in answers.items() if k != (503, "application/problem+json") and k[0] != 201}
        if bad:
            failures.append(f"disk: answers other than 201 and 503 problem+json: {bad}")
        if not any(s == 503 for _, s, _, _ in load.answers):
            failures.append("disk: the disk never filled up")
        if read.status_code != 200:
            failures.append(f"disk: a read while full answered {read.status_code}")
        with contextlib.closing(sqlite3.connect(f"file:{mount}/rendezvous.db?mode=ro", uri=True)) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        acked, stored = acked_ids(load), stored_ids(db, e)
        print(f"faults: disk: integrity_check {integrity}; {len(acked)} writes acknowledged, "
              f"{len(acked - stored)} missing", flush=True)
        if integrity != "ok" or acked - stored:
            failures.append(f"disk: integrity {integrity}, {len(acked - stored)} acknowledged writes lost")
        subprocess.run(["mount", "-o", "remount,size=64m", mount], check=True)
        again = requests.post(f"{server.base}/api/v1/events/{e}/participants", json={"name": "After", "kind": "company"},
                              headers={"Authorization": f"Bearer {ORGANISER}"}, timeout=30)
        print(f"faults: disk: with space back, a write answers {again.status_code} ({full - started:.1f} s to fill)", flush=True)
        if again.status_code != 201:
            failures.append(f"disk: with space back, a write answered {again.status_code}")
    finally:
        server.stop()
        subprocess.run(["umount", mount], check=False)
        os.rmdir(mount)


def sigterm(binary: str, log_dir: Path, failures: list[str]) -> None:
    """SIGTERM under a read and write load, with a live stream open and a solve running."""
    redis = PrivateRedis()
    db = Database("sqlite", "")
    env = {**UNLIMITED, "REDIS_URL": redis.url, "RENDEZVOUS_REDIS_PREFIX": "sigterm"}
    server = Server(binary, db, log_dir / "faults-server-sigterm.log", env)
    try:
        api = Api(server.base)
        e = api.call("POST", "/events", ORGANISER, EXPO)["id"]
        api.call("POST", f"/events/{e}/rooms", ORGANISER, {"name": "Table", "capacity": 2})
        people = [api.call("POST", f"/events/{e}/participants", ORGANISER, {"name": f"P{i}", "kind": "company"})
                  for i in range(12)]
        for i in range(0, 12, 2):
            r = api.call("POST", f"/events/{e}/requests", people[i]["token"],
                         {"with": [people[i + 1]["id"]], "duration_minutes": 20, "priority": 3})["id"]
            api.call("POST", f"/events/{e}/requests/{r}/accept", people[i + 1]["token"])
        run = api.call("POST", f"/events/{e}/schedules", ORGANISER, {"time_limit_seconds": 120})["id"]
        deadline = time.monotonic() + 30
        while api.call("GET", f"/events/{e}/schedules/{run}", ORGANISER)["status"] == "queued" and time.monotonic() < deadline:
            time.sleep(0.1)
        stream = requests.get(f"{server.base}/api/v1/events/{e}/updates", stream=True,
                              headers={"Authorization": f"Bearer {people[0]['token']}"}, timeout=60)
        stream_end: list[float] = []

        def follow() -> None:
            try:
                for _ in stream.iter_content(chunk_size=None):
                    pass
            except requests.RequestException:
                pass
            stream_end.append(time.monotonic())

        follower = threading.Thread(target=follow)
        follower.start()
        started: list[tuple[float, float, int | str]] = []
        lock = threading.Lock()

        def call(session: requests.Session, i: int, n: int):
            begun = time.monotonic()
            try:
                if i % 2:
                    r = session.get(f"{server.base}/api/v1/events/{e}/participants/{people[i]['id']}/agenda",
                                    headers={"Authorization": f"Bearer {people[i]['token']}"}, timeout=30)
                else:
                    r = session.post(f"{server.base}/api/v1/events/{e}/participants", json={"name": f"L{i}-{n}", "kind": "company"},
                                     headers={"Authorization": f"Bearer {ORGANISER}"}, timeout=30)
                outcome: int | str = r.status_code
            except requests.RequestException as err:
                outcome = type(err).__name__
            with lock:
                started.append((begun, time.monotonic(), outcome))
            if isinstance(outcome, str):
                time.sleep(0.05)
            return (outcome if isinstance(outcome, int) else 0), "", None

        load = Load(6, call)
        time.sleep(2)
        term = time.monotonic()
        server.process.send_signal(15)
        server.process.wait(timeout=60)
        exited = time.monotonic()
        load.stop()
        follower.join(timeout=10)
        # In flight: begun before the signal. They must all have had an answer, but for one
        # sent on a kept-alive connection in the moment the server closes it as idle (the
        # race of HTTP/1.1 keep-alive that clients retry): those begun within 100 ms of the
        # signal are counted apart.
        in_flight = [(b, o) for b, _, o in started if b < term]
        cut = [o for b, o in in_flight if isinstance(o, str) and b < term - 0.1]
        raced = [o for b, o in in_flight if isinstance(o, str) and b >= term - 0.1]
        late = [o for b, _, o in started if b >= term]
        run_after = db.query(f"SELECT status, error FROM schedules WHERE id = '{run}'")[0]
        print(f"faults: SIGTERM: exited in {exited - term:.2f} s; {len(in_flight)} requests in flight or done before it, "
              f"{len(cut)} of them cut off (and {len(raced)} sent within 100 ms of it); {len(late)} begun after it (refused: {sum(isinstance(o, str) for o in late)}); "
              f"the stream ended {stream_end[0] - term if stream_end else float('nan'):.2f} s after; "
              f"the running solve ended {run_after[0]!r}", flush=True)
        if cut:
            failures.append(f"sigterm: {len(cut)} requests in flight got no answer: {collections.Counter(cut)}")
        if not stream_end or stream_end[0] > exited + 1:
            failures.append("sigterm: the live stream did not end with the shutdown")
        if run_after[0] != "queued":
            failures.append(f"sigterm: the running solve ended {run_after}")
    finally:
        if server.process.poll() is None:
            server.stop()
        db.drop()
        redis.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--scenarios", default="postgres,redis,disk,sigterm")
    parser.add_argument("--log-dir", default="/tmp")
    args = parser.parse_args()
    failures: list[str] = []
    scenarios = {"postgres": postgres_restart, "redis": redis_killed, "disk": disk_full, "sigterm": sigterm}
    names = args.scenarios.split(",")
    for name in names:
        scenarios[name](args.binary, Path(args.log_dir), failures)
    for f in failures:
        print(f"faults: FAILED {f}")
    failed = {f.split(":")[0].split(" ")[0] for f in failures}
    print(f"{len(names) - len(failed)} passed, {len(failed)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
