"""What the reliability and contract scripts share: a fresh database, a real
`rendezvous serve` on a free port, and a small API client. Standard library and `requests`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
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

    def query(self, sql: str) -> list[tuple[str, ...]]:
        """Rows of a read-only query, every value as text (None for NULL)."""
        if self.backend == "sqlite":
            with contextlib.closing(sqlite3.connect(f"file:{self.dir}/rendezvous.db?mode=ro", uri=True, timeout=30)) as conn:
                return [tuple(None if v is None else str(v) for v in row) for row in conn.execute(sql)]
        out = subprocess.run(
            ["psql", self.url, "-AtX", "-F", "\t", "-P", "null=\\N", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout
        return [tuple(None if v == "\\N" else v for v in line.split("\t")) for line in out.splitlines()]

    def drop(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.name:
            subprocess.run(
                ["psql", self.admin, "-qc", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"],
                check=False,
            )


class Server:
    """`rendezvous serve` on a free port."""

    def __init__(self, binary: str, database: Database, log: Path, extra_env: dict[str, str], port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "RENDEZVOUS_ADDR": f"127.0.0.1:{self.port}",
            "DATABASE_URL": database.url,
            "RENDEZVOUS_ORGANISER_TOKEN": ORGANISER,
            "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
            **extra_env,
        }
        if "REDIS_URL" not in extra_env:
            env.pop("REDIS_URL", None)
        self.log = open(log, "a")
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

    def kill(self) -> None:
        """SIGKILL: no shutdown at all."""
        self.process.kill()
        self.process.wait()
        self.log.close()

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



def _pg_bin() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise SystemExit("no initdb found (install postgresql)")


class PrivatePostgres:
    """A throwaway PostgreSQL on a free port, never the machine's shared one: this one gets
    stopped and restarted. Run as the `postgres` user (initdb refuses root)."""

    def __init__(self):
        self.bin = _pg_bin()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="rdv-pg-")
        os.chmod(self.dir, 0o777)
        self.data = f"{self.dir}/data"
        self._as_postgres([str(self.bin / "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                           "-E", "UTF8", "--locale=C", "--no-sync"])
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, command: list[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, capture_output=True)

    def start(self) -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", self.data, "-l", f"{self.dir}/server.log", "-w", "-s",
                           "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on",
                           "start"])

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", self.data, "-m", mode, "-w", "-s", "stop"])

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A throwaway redis-server on a free port, killed at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
