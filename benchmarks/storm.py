"""The registration storm (QUALITY.md): the real server under hundreds of simultaneous
registrations, the invariants re-counted afterwards, and the bare-database floor measured in
the same run.

    .venv/bin/python benchmarks/storm.py                       # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/storm.py --databases postgres --attempts 4000 --clients 32

It starts a throwaway PostgreSQL (.ci/with-postgres) and/or a SQLite file, migrates, seeds an
event shaped like Jämlikhetskonferensen 2020 (capacity 500, the seed's 13 allocation groups)
through the REST API, starts gunicorn, and fires N registration attempts from C concurrent
clients over HTTP, spread over the organisations' links, with duplicates, cancellations and
invalid payloads. It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JAMLIK = str(BIN / "jamlik")
GUNICORN = str(BIN / "gunicorn")

# The seed's allocation table: name, quota, organisations (code, domain).
GROUPS = [
    ("Stadsdelsförvaltningarna (totalt)", 200, [f"SDF{i}" for i in range(1, 11)]),
    ("Social resursförvaltning", 30, ["SRF"]),
    ("Grundskoleförvaltning", 25, ["GSF"]),
    ("Förskoleförvaltning", 25, ["FSF"]),
    ("Utbildningsförvaltning", 20, ["UBF"]),
    ("Arbetsmarknad och vuxenutbildning", 15, ["AVUX"]),
    ("Stadsbyggnadskontoret", 12, ["SBK"]),
    ("Konsument och medborgarservice", 12, ["KOM"]),
    ("Kulturförvaltningen", 30, ["KUF"]),
    ("Övriga fackförvaltningar", 40, ["TK", "PN", "FK", "MF", "IOF", "LF"]),
    ("Kommunstyrelsen och Stadsledningskontoret", 20, ["KS", "SLK"]),
    ("Bolag inom Stadshus AB", 30, ["GE", "FRA", "HAMN", "GOTEV", "HIGAB", "RENOVA"]),
    ("Externa/Övriga", 40, ["EXT1", "EXT2", "EXT3"]),
]
CAPACITY = 500
ACTIVE = {"confirmed", "pending_approval", "waiting"}
SEATED = {"confirmed", "pending_approval"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    """A keep-alive JSON client for one thread."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.token = token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object, float]:
        headers = {"Content-Type": "application/json", "Accept-Language": "sv"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None if body is None else json.dumps(body)
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=payload, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                # A worker may close an idle keep-alive connection; reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        elapsed = time.perf_counter() - started
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")
        return response.status, data, elapsed


@dataclass
class Outcome:
    statuses: Counter = field(default_factory=Counter)
    http: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    acknowledged: dict[int, str] = field(default_factory=dict)  # id -> status when answered
    cancelled_ids: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str]) -> str:
    run([JAMLIK, "migrate", "--no-input", "-v0"], env)
    run([JAMLIK, "collectstatic", "--no-input", "-v0"], env)
    run(
        [JAMLIK, "shell", "-c",
         "from jamlik.core.models import User\n"
         "User.objects.filter(username='storm').exists() or "
         "User.objects.create_superuser('storm', 'storm@jamlik.example', None, role='admin')"],
        env,
    )  # fmt: skip
    return run([JAMLIK, "token", "create", "storm"], env).strip().splitlines()[-1]


def seed(api: Api) -> tuple[int, dict[str, str], dict[str, str], list[dict]]:
    """Organisations, the event, its allocations and programme; returns the event id, a
    link token per organisation code, the allocation name per code, and the sessions."""
    status, city, _ = api.call(
        "POST",
        "/api/v1/organisations",
        {"code": "STORM", "name": "Stormstaden", "kind": "committee"},
    )
    assert status == 201, city
    codes = [code for _, _, group in GROUPS for code in group]
    ids = {}
    for code in codes:
        kind = (
            "external"
            if code.startswith("EXT")
            else "company"
            if code in {"GE", "FRA", "HAMN", "GOTEV", "HIGAB", "RENOVA"}
            else "administration"
        )
        status, org, _ = api.call(
            "POST", "/api/v1/organisations",
            {"code": code, "name": f"Organisation {code}", "kind": kind, "parent": city["id"],
             "mailbox": f"brevlada@{code.lower()}.example", "domains": [f"{code.lower()}.example"]},
        )  # fmt: skip
        assert status == 201, org
        ids[code] = org["id"]
    now = datetime.now(UTC)
    status, event, _ = api.call(
        "POST", "/api/v1/events",
        {"title": "Jämlikhetskonferensen (storm)", "description": "Stormtest", "venue": "Burgården",
         "starts_at": (now + timedelta(days=60)).isoformat(), "ends_at": (now + timedelta(days=60, hours=8)).isoformat(),
         "capacity": CAPACITY, "opens_at": (now - timedelta(days=1)).isoformat(),
         "quota_lock_until": (now + timedelta(days=30)).isoformat(), "closes_at": (now + timedelta(days=55)).isoformat(),
         "categories": ["employee", "elected", "partner"], "approval_required": False, "approval_hold_hours": 72,
         "waitlist_enabled": True, "kind": "conference", "status": "draft"},
    )  # fmt: skip
    assert status == 201, event
    event_id = event["id"]
    allocation_of = {}
    for name, quota, group in GROUPS:
        status, body, _ = api.call(
            "POST", f"/api/v1/events/{event_id}/allocations",
            {"name": name, "quota": quota, "organisations": [ids[c] for c in group]},
        )  # fmt: skip
        assert status == 201, body
        allocation_of.update(dict.fromkeys(group, name))
    sessions = []
    for track in range(3):
        status, body, _ = api.call(
            "POST", f"/api/v1/events/{event_id}/sessions",
            {"title": f"Spår {track + 1}", "description": "", "speakers": "", "room": f"Sal {track + 1}",
             "starts_at": (now + timedelta(days=60, hours=1)).isoformat(),
             "ends_at": (now + timedelta(days=60, hours=2)).isoformat(), "capacity": 400},
        )  # fmt: skip
        assert status == 201, body
        sessions.append(body)
    status, body, _ = api.call("PATCH", f"/api/v1/events/{event_id}", {"status": "published"})
    assert status == 200, body
    status, links, _ = api.call("GET", f"/api/v1/events/{event_id}/links")
    assert status == 200, links
    code_of = {v: k for k, v in ids.items()}
    tokens = {code_of[link["organisation"]]: link["token"] for link in links}
    return event_id, tokens, allocation_of, sessions


def storm(
    port: int,
    tokens: dict[str, str],
    sessions: list[dict],
    attempts: int,
    clients: int,
    seed_value: int,
) -> tuple[Outcome, float]:
    rng = random.Random(seed_value)
    weights = {name: quota for name, quota, _ in GROUPS}
    plan = []
    codes = list(tokens)
    code_weights = []
    for code in codes:
        group = next(g for g in GROUPS if code in g[2])
        code_weights.append(weights[group[0]] / len(group[2]))
    used_emails: list[tuple[str, str]] = []
    for index in range(attempts):
        code = rng.choices(codes, code_weights)[0]
        roll = rng.random()
        if roll < 0.05 and used_emails:
            plan.append(("duplicate", *rng.choice(used_emails)))
        elif roll < 0.10:
            plan.append(("invalid", code, f"fel{index}"))
        elif roll < 0.15:
            email = f"person{index}@{code.lower()}.example"
            used_emails.append((code, email))
            plan.append(("cancel", code, email))
        else:
            email = f"person{index}@{code.lower()}.example"
            used_emails.append((code, email))
            plan.append(("register", code, email))
    outcome = Outcome()
    queue = iter(plan)
    queue_lock = threading.Lock()
    session_ids = [s["id"] for s in sessions]

    def worker() -> None:
        api = Api(port)
        while True:
            with queue_lock:
                item = next(queue, None)
            if item is None:
                return
            kind, code, email = item
            body = {
                "name": "Storm Testsson",
                "email": email,
                "category": "employee",
                "sessions": [rng.choice(session_ids)],
                "consent": True,
            }
            if kind == "invalid":
                body = {
                    "name": "",
                    "email": "inte-en-adress",
                    "category": "planet",
                    "consent": False,
                }
            status, data, elapsed = api.call(
                "POST", f"/api/v1/public/links/{tokens[code]}/registrations", body
            )
            with outcome.lock:
                outcome.latencies.append(elapsed)
                outcome.http[status] += 1
                if status in (200, 201) and isinstance(data, dict):
                    outcome.acknowledged[data["id"]] = data["status"]
                    outcome.statuses[f"{kind}:{data['status']}"] += 1
                else:
                    outcome.statuses[f"{kind}:{status}"] += 1
            if kind == "cancel" and status == 201 and isinstance(data, dict):
                status, _body, elapsed = api.call(
                    "POST", f"/api/v1/public/registrations/{data['manage_token']}/cancel"
                )
                with outcome.lock:
                    outcome.latencies.append(elapsed)
                    outcome.http[status] += 1
                    if status == 200:
                        outcome.cancelled_ids.add(data["id"])

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome, time.perf_counter() - started


def recount(
    api: Api, event_id: int, allocation_of: dict[str, str], outcome: Outcome
) -> dict[str, object]:
    status, registrations, _ = api.call("GET", f"/api/v1/events/{event_id}/registrations")
    assert status == 200, registrations
    status, organisations, _ = api.call("GET", "/api/v1/organisations")
    code_of = {o["id"]: o["code"] for o in organisations}
    seated = Counter()
    for registration in registrations:
        if registration["status"] in SEATED:
            seated[allocation_of[code_of[registration["organisation"]]]] += 1
    violations = [name for name, quota, _ in GROUPS if seated[name] > quota]
    total = sum(seated.values())
    if total > CAPACITY:
        violations.append("capacity")
    known = {r["id"] for r in registrations}
    missing = [rid for rid in outcome.acknowledged if rid not in known]
    status, allocations, _ = api.call("GET", f"/api/v1/events/{event_id}/allocations")
    counters_disagree = [
        a["name"] for a in allocations if a["confirmed"] + a["held"] != seated[a["name"]]
    ]
    emails = Counter(r["email"].lower() for r in registrations if r["status"] in ACTIVE)
    return {
        "registrations": len(registrations),
        "seated": total,
        "waiting": sum(1 for r in registrations if r["status"] == "waiting"),
        "cancelled": sum(1 for r in registrations if r["status"] == "cancelled"),
        "violations": violations,
        "missing": missing,
        "counters_disagree": counters_disagree,
        "duplicate_active_emails": [e for e, n in emails.items() if n > 1],
    }


def floor_postgres(url: str, attempts: int, clients: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS storm_floor_row, storm_floor_counter")
        connection.execute(
            "CREATE TABLE storm_floor_counter (id int primary key, quota int, used int)"
        )
        connection.execute(
            "CREATE TABLE storm_floor_row (id bigserial primary key, counter int, email text, created timestamptz default now())"
        )
        connection.execute(
            "INSERT INTO storm_floor_counter SELECT g, 40, 0 FROM generate_series(1, 13) g"
        )
    counter = iter(range(attempts))
    lock = threading.Lock()

    def worker() -> None:
        with psycopg.connect(url) as connection:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                with connection.transaction():
                    group = index % 13 + 1
                    quota, used = connection.execute(
                        "SELECT quota, used FROM storm_floor_counter WHERE id = %s FOR UPDATE",
                        (group,),
                    ).fetchone()
                    if used < quota:
                        connection.execute(
                            "UPDATE storm_floor_counter SET used = used + 1 WHERE id = %s", (group,)
                        )
                    connection.execute(
                        "INSERT INTO storm_floor_row (counter, email) VALUES (%s, %s)",
                        (group, f"p{index}@x.example"),
                    )

    return _timed(worker, clients, attempts)


def floor_sqlite(path: str, attempts: int, clients: int) -> float:
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("DROP TABLE IF EXISTS storm_floor_row")
    setup.execute("DROP TABLE IF EXISTS storm_floor_counter")
    setup.execute("CREATE TABLE storm_floor_counter (id int primary key, quota int, used int)")
    setup.execute("CREATE TABLE storm_floor_row (id integer primary key, counter int, email text)")
    setup.executemany(
        "INSERT INTO storm_floor_counter VALUES (?, 40, 0)", [(g,) for g in range(1, 14)]
    )
    setup.close()
    counter = iter(range(attempts))
    lock = threading.Lock()

    def worker() -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            group = index % 13 + 1
            connection.execute("BEGIN IMMEDIATE")
            quota, used = connection.execute(
                "SELECT quota, used FROM storm_floor_counter WHERE id = ?", (group,)
            ).fetchone()
            if used < quota:
                connection.execute(
                    "UPDATE storm_floor_counter SET used = used + 1 WHERE id = ?", (group,)
                )
            connection.execute(
                "INSERT INTO storm_floor_row (counter, email) VALUES (?, ?)",
                (group, f"p{index}@x.example"),
            )
            connection.execute("COMMIT")
        connection.close()

    return _timed(worker, clients, attempts)


def _timed(worker, clients: int, attempts: int) -> float:
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return attempts / (time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def one_database(name: str, database_url: str, args: argparse.Namespace) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "storm-benchmark-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "database",
        "EMAIL_URL": "consolemail://",
        "JAMLIK_VAR_DIR": tempfile.mkdtemp(prefix="jamlik-storm-var-"),
        "LOG_LEVEL": "ERROR",
    }
    token = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "-c", "python:jamlik.gunicorn_conf", "jamlik.wsgi"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(args.workers)},
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while True:
            try:
                if Api(port).call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit(
                    f"gunicorn did not start:\n{server.stderr.read() if server.stderr else ''}"
                )
            time.sleep(0.2)
        admin = Api(port, token)
        event_id, tokens, allocation_of, sessions = seed(admin)
        outcome, seconds = storm(port, tokens, sessions, args.attempts, args.clients, args.seed)
        counted = recount(admin, event_id, allocation_of, outcome)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if name == "postgresql":
        floor = floor_postgres(
            database_url.replace("postgres://", "postgresql://"), args.attempts, args.clients
        )
    else:
        floor = floor_sqlite(database_url.removeprefix("sqlite:///"), args.attempts, args.clients)
    requests = len(outcome.latencies)
    registrations_per_second = args.attempts / seconds
    errors = sum(n for status, n in outcome.http.items() if status >= 500)
    refused = sum(n for status, n in outcome.http.items() if 400 <= status < 500)
    print(
        f"\n== {name}: {args.attempts} attempts from {args.clients} clients, gunicorn {args.workers} sync workers =="
    )
    print(f"attempts {args.attempts}  requests {requests}  confirmed-or-held now {counted['seated']}  "
          f"waiting {counted['waiting']}  cancelled {counted['cancelled']}  refused (4xx) {refused}  errors (5xx) {errors}")  # fmt: skip
    print("answers: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.statuses.items())))
    print("http: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.http.items())))
    print(
        f"violations (quota or capacity exceeded, recounted): {len(counted['violations'])} {counted['violations'] or ''}"
    )
    print(f"acknowledged but missing: {len(counted['missing'])}")
    print(
        f"counters disagreeing with rows: {len(counted['counters_disagree'])} {counted['counters_disagree'] or ''}"
    )
    print(
        f"e-mails with more than one active registration: {len(counted['duplicate_active_emails'])}"
    )
    print(
        f"throughput {registrations_per_second:.0f} registrations/s ({requests / seconds:.0f} requests/s)"
    )
    print(f"latency p50 {percentile(outcome.latencies, 50):.0f} ms  p95 {percentile(outcome.latencies, 95):.0f} ms  "
          f"p99 {percentile(outcome.latencies, 99):.0f} ms  mean {statistics.mean(outcome.latencies) * 1000:.0f} ms")  # fmt: skip
    print(
        f"floor (bare {'psycopg' if name == 'postgresql' else 'sqlite3'}: lock, count, insert): {floor:.0f}/s  "
        f"ratio app/floor {registrations_per_second / floor:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn sync workers (default: one per core, as in production)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="sqlite, postgresql or both"
    )
    parser.add_argument("--database-url", default=os.environ.get("STORM_DATABASE_URL", ""),
                        help="use this PostgreSQL instead of a throwaway one")  # fmt: skip
    args = parser.parse_args()
    wanted = args.databases.split(",")
    if "sqlite" in wanted:
        path = Path(tempfile.mkdtemp(prefix="jamlik-storm-")) / "storm.sqlite3"
        one_database("sqlite", f"sqlite:///{path}", args)
    if "postgresql" in wanted or "postgres" in wanted:
        if args.database_url:
            one_database("postgresql", args.database_url, args)
        elif os.environ.get("DATABASE_URL", "").startswith("postgres"):
            one_database("postgresql", os.environ["DATABASE_URL"], args)
        else:
            # Re-run this script inside a throwaway PostgreSQL server.
            command = [str(ROOT / ".ci/with-postgres"), sys.executable, __file__, "--databases", "postgresql",
                       "--attempts", str(args.attempts), "--clients", str(args.clients),
                       "--workers", str(args.workers), "--seed", str(args.seed)]  # fmt: skip
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
