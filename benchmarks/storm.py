"""The registration storm (docs/quality.md#registration-storm): the real server under hundreds of simultaneous
registrations, the invariants re-counted afterwards, and the bare-database floor measured in
the same run.

    .venv/bin/python benchmarks/storm.py                       # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/storm.py --databases postgres --attempts 4000 --clients 32
    .venv/bin/python benchmarks/storm.py --production [--rounds 3]  # what the README reports

It starts a throwaway PostgreSQL (.ci/with-postgres) and/or a SQLite file, migrates, seeds an
event shaped like Jämlikhetskonferensen 2020 (capacity 500, the seed's 13 allocation groups)
through the REST API, starts gunicorn, and fires N registration attempts from C concurrent
clients over HTTP, spread over the organisations' links, with duplicates, cancellations and
invalid payloads. It prints figures; it asserts nothing about time.

``--production`` runs the product as deployed: PostgreSQL only (a throwaway server started
here, with pg_stat_statements), gunicorn with gunicorn_conf's default workers,
TASKS_BACKEND=database with ``jamlik db_worker`` running during the storm, and mail over SMTP
to a sink on 127.0.0.1 (benchmarks/smtp_sink.py, aiosmtpd). It counts the statements of the
web processes (pg_stat_statements, by database role), the mails delivered against the mails
the answers call for, the tasks still due at the last answer and how long the worker takes
to drain them; then it storms the minimal endpoint (benchmarks/minimal/: Django, django-ninja,
one transaction that locks a counter row, checks the quota and inserts) with the same client
code and plan, and prints the ratio. Its last line sums it up (medians with ``--rounds``).
``--worker-after`` stops the worker for the storm and starts it after: the product without
the worker beside the minimal endpoint, and the time to send the whole backlog.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
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
    created: Counter = field(default_factory=Counter)  # status of each new registration (201)
    failures: Counter = field(default_factory=Counter)  # requests that got no answer
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(cmd: list[str], env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(
        cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False, timeout=timeout
    )
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


def make_plan(rng: random.Random, codes: list[str], attempts: int) -> list[tuple[str, str, str]]:
    """The attempts, in order: (kind, organisation code, e-mail), kind one of register,
    duplicate (an address used before), cancel (register, then cancel) and invalid."""
    weights = {name: quota for name, quota, _ in GROUPS}
    plan = []
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
    return plan


# Set to stop every client thread after the request it is in (Ctrl-C, an error).
STOP = threading.Event()


def person(email: str, session_ids: list[int], rng: random.Random) -> dict:
    return {
        "name": "Storm Testsson",
        "email": email,
        "category": "employee",
        "sessions": [rng.choice(session_ids)],
        "consent": True,
    }


INVALID = {"name": "", "email": "inte-en-adress", "category": "planet", "consent": False}


def fire(port: int, plan: list, clients: int, handle) -> tuple[Outcome, float]:
    """The client side of a storm: ``clients`` threads, each with its own keep-alive
    connection, take the plan's attempts in order and call ``handle(api, item, outcome)``;
    returns the outcome and the seconds from the first request to the last answer."""
    outcome = Outcome()
    queue = iter(plan)
    queue_lock = threading.Lock()

    def worker() -> None:
        api = Api(port)
        while not STOP.is_set():
            with queue_lock:
                item = next(queue, None)
            if item is None:
                return
            try:
                handle(api, item, outcome)
            except (OSError, http.client.HTTPException) as exc:
                # No answer at all (refused, reset, timed out): counted as an error.
                with outcome.lock:
                    outcome.failures[type(exc).__name__] += 1
                api = Api(port)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome, time.perf_counter() - started


def storm(
    port: int,
    tokens: dict[str, str],
    sessions: list[dict],
    attempts: int,
    clients: int,
    seed_value: int,
) -> tuple[Outcome, float]:
    rng = random.Random(seed_value)
    plan = make_plan(rng, list(tokens), attempts)
    session_ids = [s["id"] for s in sessions]

    def handle(api: Api, item: tuple[str, str, str], outcome: Outcome) -> None:
        kind, code, email = item
        body = person(email, session_ids, rng)
        if kind == "invalid":
            body = INVALID
        status, data, elapsed = api.call(
            "POST", f"/api/v1/public/links/{tokens[code]}/registrations", body
        )
        with outcome.lock:
            outcome.latencies.append(elapsed)
            outcome.http[status] += 1
            if status in (200, 201) and isinstance(data, dict):
                outcome.acknowledged[data["id"]] = data["status"]
                outcome.statuses[f"{kind}:{data['status']}"] += 1
                if status == 201:
                    outcome.created[data["status"]] += 1
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

    return fire(port, plan, clients, handle)


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
    if outcome.failures:
        print("no answer: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.failures.items())))
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


# ---- Production: the product as deployed next to the minimal endpoint --------------------------
#
# One throwaway PostgreSQL started here (with pg_stat_statements preloaded, which the shared
# .ci/with-postgres server does not do), an SMTP sink, and per round: the product (gunicorn
# with gunicorn_conf's default workers, TASKS_BACKEND=database, `jamlik db_worker` running,
# mail over SMTP), then benchmarks/minimal/ under the same gunicorn settings, each on a fresh
# copy of a migrated template database. Every process is started in its own session, told to
# die with this one (PR_SET_PDEATHSIG) and stopped in a ``finally``.

BENCHMARKS = Path(__file__).resolve().parent
ROLE_WEB, ROLE_WORKER, ROLE_MINIMAL = "storm_web", "storm_worker", "storm_minimal"
TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|END|START\s+TRANSACTION|ROLLBACK(?!\s+TO))\b", re.IGNORECASE
)
SAVEPOINTS = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK\s+TO)\b", re.IGNORECASE)
# Due work of the task worker: running, or ready and not deferred to later (the next
# events_tick and the quota release wait in the table with a future run_after).
QUEUE_SQL = """
    SELECT count(*) FILTER (WHERE status = 'RUNNING'), count(*) FILTER (WHERE status = 'READY')
    FROM django_tasks_database_dbtaskresult
    WHERE status = 'RUNNING'
       OR (status = 'READY' AND (run_after <= now() OR run_after >= '9999-01-01'))"""
OUTBOX_SQL = """
    SELECT count(*) FROM notifications_outboxmessage
    WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= now())"""


def _die_with_parent(sig: int):
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(1, int(sig))  # PR_SET_PDEATHSIG, after the user change (which clears it)

    return preexec


class Processes:
    """The processes of a production run, each logging to a file; stopped newest first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen, int]] = []

    def start(
        self, name: str, cmd: list[str], env: dict[str, str], *, user: str | None = None,
        stop_signal: int = signal.SIGTERM, cwd: Path = ROOT,
    ) -> subprocess.Popen:  # fmt: skip
        as_user = {"user": user, "group": user, "extra_groups": []} if user else {}
        with open(self.folder / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent(stop_signal), **as_user,
            )  # fmt: skip
        self.running.append((name, process, stop_signal))
        return process

    def log(self, name: str, lines: int = 40) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, process: subprocess.Popen, timeout: float = 30) -> None:
        for entry in list(self.running):
            if entry[1] is process:
                self.running.remove(entry)
                if process.poll() is None:
                    process.send_signal(entry[2])
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)

    def stop_all(self) -> None:
        for _name, process, _sig in reversed(list(self.running)):
            self.stop(process)


def pg_bindir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise SystemExit(
            "storm --production: PostgreSQL server binaries not found in /usr/lib/postgresql"
        )
    return found[-1].parent


class Throwaway:
    """A PostgreSQL server in a temporary folder, the same settings as .ci/with-postgres
    (fsync off: the figures are about the application, not the disk) plus pg_stat_statements."""

    def __init__(self, processes: Processes) -> None:
        self.processes = processes
        self.folder = Path(tempfile.mkdtemp(prefix="jamlik-storm-pg-"))
        self.user = "postgres" if os.geteuid() == 0 else None
        self.port = free_port()
        self.version = ""
        self.process: subprocess.Popen | None = None

    def url(self, role: str, database: str, scheme: str = "postgres") -> str:
        return f"{scheme}://{role}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        import psycopg

        bindir = pg_bindir()
        as_user = {"user": self.user, "group": self.user, "extra_groups": []} if self.user else {}
        if self.user:
            shutil.chown(self.folder, self.user, self.user)
        result = subprocess.run(
            [str(bindir / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            capture_output=True, text=True, timeout=120, cwd=self.folder, check=False, **as_user,
        )  # fmt: skip
        if result.returncode:
            raise SystemExit(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        self.version = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()[2]  # fmt: skip
        settings = {
            "listen_addresses": "127.0.0.1", "fsync": "off", "synchronous_commit": "off",
            "full_page_writes": "off", "max_connections": "200",
            "shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.max": "10000",
            "pg_stat_statements.track": "top", "pg_stat_statements.track_utility": "on",
        }  # fmt: skip
        options = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
        self.process = self.processes.start(
            "postgres",
            [str(bindir / "postgres"), "-D", str(self.folder / "data"), "-p", str(self.port),
             "-k", str(self.folder), *options],
            dict(os.environ), user=self.user, stop_signal=signal.SIGINT, cwd=self.folder,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(
                    self.url("postgres", "postgres", "postgresql"), connect_timeout=2
                ).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"PostgreSQL did not start:\n{self.processes.log('postgres')}"
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.processes.stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Counted:
    """Statements of one role in one database since the last pg_stat_statements reset."""

    statements: int = 0  # everything but BEGIN, COMMIT and ROLLBACK
    savepoints: int = 0  # SAVEPOINT and RELEASE SAVEPOINT (counted in statements)
    transactions: int = 0  # BEGINs
    milliseconds: float = 0.0  # execution time of the statements in the server
    rows: list[tuple[int, float, str]] = field(default_factory=list)  # calls, ms, query


def read_statements(control, role: str, database: str) -> Counted:
    found = control.execute(
        """SELECT s.query, s.calls, s.total_exec_time FROM pg_stat_statements s
           JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid
           WHERE r.rolname = %s AND d.datname = %s""",
        (role, database),
    ).fetchall()
    counted = Counted()
    for query, calls, milliseconds in found:
        if TRANSACTION_CONTROL.match(query):
            if query.strip().upper().startswith(("BEGIN", "START")):
                counted.transactions += calls
            continue
        counted.statements += calls
        counted.milliseconds += milliseconds
        if SAVEPOINTS.match(query):
            counted.savepoints += calls
        counted.rows.append((calls, milliseconds, " ".join(query.split())))
    counted.rows.sort(key=lambda row: (-row[0], -row[1]))
    return counted


def _proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds of the process and its reaped children)."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / tick)
    return table


def _tree_cpu(table: dict[int, tuple[int, float]], root: int) -> float:
    children: dict[int, list[int]] = {}
    for pid, (parent, _cpu) in table.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += table.get(pid, (0, 0.0))[1]
        todo.extend(children.get(pid, []))
    return total


def cpu_snapshot(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each process tree in ``groups``, of this process (the storm's
    clients), and of the whole machine (busy time of all cores)."""
    table = _proc_table()
    snapshot = {name: _tree_cpu(table, pid) for name, pid in groups.items()}
    times = os.times()
    snapshot["storm clients"] = times.user + times.system
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in cpu]
    snapshot["machine"] = (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
    return snapshot


def cpu_report(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    spent = {name: after[name] - before[name] for name in before}
    ours = sum(value for name, value in spent.items() if name != "machine")
    parts = [f"{name} {value:.1f}" for name, value in spent.items() if name != "machine"]
    parts.append(f"everything else on the machine {max(0.0, spent['machine'] - ours):.1f}")
    cores = os.cpu_count() or 1
    return f"{seconds:.1f} s x {cores} cores = {seconds * cores:.1f} CPU s: " + ", ".join(parts)


def wait_http(
    port: int, path: str, process: subprocess.Popen, processes: Processes, name: str
) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if Api(port).call("GET", path)[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start:\n{processes.log(name)}")
        time.sleep(0.2)


def wait_drained(watch, timeout: float) -> float | None:
    """Seconds until no task is due or running and no mail is queued; None after ``timeout``."""
    started = time.perf_counter()
    while True:
        running, ready = watch.execute(QUEUE_SQL).fetchone()
        (outbox,) = watch.execute(OUTBOX_SQL).fetchone()
        if running + ready + outbox == 0:
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.1)


def read_sink(path: Path) -> list[dict]:
    messages = []
    for line in path.read_text().splitlines() if path.exists() else []:
        with contextlib.suppress(ValueError):  # a line still being written
            messages.append(json.loads(line))
    return messages


def counted_run(port: int, send, count: int) -> None:
    """``count`` registrations from one client, one after another (for the statement count)."""
    api = Api(port)
    for index in range(count):
        status, data, _ = send(api, index)
        if status != 201:
            raise SystemExit(f"counted registration {index} answered {status}: {data}")


def statements_summary(counted: Counted, per: int, label: str) -> str:
    return (
        f"{counted.statements / per:.1f} statements per {label} "
        f"({counted.statements} in all, of which {counted.savepoints} SAVEPOINT/RELEASE; "
        f"{counted.transactions / per:.2f} transactions and {counted.milliseconds / per:.2f} ms "
        f"of statement execution in PostgreSQL per {label})"
    )


def print_statements(counted: Counted, per: int, limit: int) -> None:
    for calls, milliseconds, query in counted.rows[:limit]:
        print(f"      {calls / per:6.2f} x  {milliseconds / max(calls, 1):6.3f} ms  {query[:110]}")
    rest = counted.rows[limit:]
    if rest:
        print(f"      {sum(r[0] for r in rest) / per:6.2f} x  ({len(rest)} more statements)")


@dataclass
class Context:
    args: argparse.Namespace
    processes: Processes
    pg: Throwaway
    control: object  # psycopg connection to the server's postgres database, autocommit
    folder: Path
    sink_log: Path
    env: dict[str, str]
    minimal_env: dict[str, str]
    token: str
    workers: int
    sink_pid: int = 0


def outcome_figures(outcome: Outcome, seconds: float, attempts: int) -> dict[str, float]:
    return {
        "rate": attempts / seconds,
        "requests_rate": len(outcome.latencies) / seconds,
        "p50": percentile(outcome.latencies, 50),
        "p95": percentile(outcome.latencies, 95),
        "p99": percentile(outcome.latencies, 99),
        "mean": statistics.mean(outcome.latencies) * 1000,
        "errors": sum(n for status, n in outcome.http.items() if status >= 500)
        + sum(outcome.failures.values()),
    }


def product_round(ctx: Context, number: int) -> dict:
    import psycopg

    args, processes = ctx.args, ctx.processes
    database = f"jamlik_r{number}"
    ctx.control.execute(f"CREATE DATABASE {database} TEMPLATE jamlik_template")
    port = free_port()
    web_env = {**ctx.env, "DATABASE_URL": ctx.pg.url(ROLE_WEB, database)}
    server = processes.start(
        f"gunicorn-r{number}",
        [GUNICORN, "-c", "python:jamlik.gunicorn_conf", "jamlik.wsgi"],
        {**web_env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )

    def start_worker() -> subprocess.Popen:
        return processes.start(
            f"db-worker-r{number}",
            # Below the web workers' priority, as deploy/jamlik-worker.service runs it (Nice=10;
            # --worker-idle: SCHED_IDLE, CPU only when nothing else wants it).
            [
                *(["chrt", "--idle", "0"] if args.worker_idle else []),
                "nice",
                "-n",
                "10",
                JAMLIK,
                "db_worker",
            ],
            {**ctx.env, "DATABASE_URL": ctx.pg.url(ROLE_WORKER, database)},
        )

    worker = start_worker()
    try:
        wait_http(port, "/healthz", server, processes, f"gunicorn-r{number}")
        admin = Api(port, ctx.token)
        event_id, tokens, allocation_of, sessions = seed(admin)
        codes = list(tokens)
        rng = random.Random(args.seed)
        session_ids = [s["id"] for s in sessions]

        def send(api: Api, index: int):
            code = codes[index % len(codes)]
            body = person(f"counted{index}@{code.lower()}.example", session_ids, rng)
            return api.call("POST", f"/api/v1/public/links/{tokens[code]}/registrations", body)

        with psycopg.connect(
            ctx.pg.url("postgres", database, "postgresql"), autocommit=True
        ) as watch:
            ctx.control.execute("SELECT pg_stat_statements_reset()")
            counted_run(port, send, args.counted)
            counted = read_statements(ctx.control, ROLE_WEB, database)
            if wait_drained(watch, args.drain_timeout) is None:
                raise SystemExit("the task queue did not drain before the storm (seed mails)")
            mails_before = len(read_sink(ctx.sink_log))
            (outbox_before,) = watch.execute(
                "SELECT coalesce(max(id), 0) FROM notifications_outboxmessage"
            ).fetchone()
            (promoted_before,) = watch.execute(
                "SELECT count(*) FROM core_auditentry WHERE action = 'events.registration.promoted'"
            ).fetchone()
            if args.worker_after:
                # The figure "without the worker": it sleeps through the storm and then sends
                # the whole backlog (the drain below).
                processes.stop(worker)
            groups = {"gunicorn": server.pid, "postgres": ctx.pg.process.pid,
                      "task worker": worker.pid, "smtp sink": ctx.sink_pid}  # fmt: skip
            ctx.control.execute("SELECT pg_stat_statements_reset()")
            started_at = datetime.now(UTC)
            cpu_before = cpu_snapshot(groups)
            outcome, seconds = storm(port, tokens, sessions, args.attempts, args.clients, args.seed)
            ended = time.perf_counter()
            cpu_storm = cpu_snapshot(groups)
            web = read_statements(ctx.control, ROLE_WEB, database)
            running, ready = watch.execute(QUEUE_SQL).fetchone()
            (outbox_queued,) = watch.execute(OUTBOX_SQL).fetchone()
            enqueued, finished = watch.execute(
                "SELECT count(*) FILTER (WHERE enqueued_at >= %s), count(*) FILTER (WHERE finished_at >= %s) "
                "FROM django_tasks_database_dbtaskresult",
                (started_at, started_at),
            ).fetchone()  # fmt: skip
            mails_at_end = len(read_sink(ctx.sink_log)) - mails_before
            if args.worker_after:
                worker = start_worker()
                groups["task worker"] = worker.pid
            drained = wait_drained(watch, args.drain_timeout)
            drain_seconds = None if drained is None else time.perf_counter() - ended
            cpu_drain = cpu_snapshot(groups)
            worker_statements = read_statements(ctx.control, ROLE_WORKER, database)
            mails = read_sink(ctx.sink_log)[mails_before:]
            (promoted,) = watch.execute(
                "SELECT count(*) FROM core_auditentry WHERE action = 'events.registration.promoted'"
            ).fetchone()
            promoted -= promoted_before
            outbox = dict(
                watch.execute(
                    "SELECT status, count(*) FROM notifications_outboxmessage WHERE id > %s GROUP BY status",
                    (outbox_before,),
                ).fetchall()
            )  # fmt: skip
            tasks_run, tasks_failed = watch.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'FAILED') FROM django_tasks_database_dbtaskresult "
                "WHERE finished_at >= %s",
                (started_at,),
            ).fetchone()  # fmt: skip
        worker_alive = worker.poll() is None
        recounted = recount(admin, event_id, allocation_of, outcome)
    finally:
        processes.stop(worker)
        processes.stop(server)
    figures = outcome_figures(outcome, seconds, args.attempts)
    expected = outcome.http[201] + outcome.http[200] + promoted
    breaks = sum(len(recounted[k]) for k in ("violations", "missing", "counters_disagree", "duplicate_active_emails"))  # fmt: skip
    return {
        **figures, "outcome": outcome, "seconds": seconds, "recount": recounted, "breaks": breaks,
        "web": web, "counted": counted, "worker_statements": worker_statements,
        "queue_at_end": (running, ready, outbox_queued), "enqueued": enqueued, "finished": finished,
        "drain": drain_seconds, "mails": mails, "mails_at_end": mails_at_end, "expected": expected,
        "promoted": promoted, "outbox": outbox, "tasks_run": tasks_run, "tasks_failed": tasks_failed,
        "cpu": (cpu_before, cpu_storm, cpu_drain), "worker_alive": worker_alive, "codes": codes,
        "statements": web.statements / args.attempts,
    }  # fmt: skip


def minimal_round(ctx: Context, number: int, codes: list[str]) -> dict:
    import psycopg

    args, processes = ctx.args, ctx.processes
    database = f"minimal_r{number}"
    ctx.control.execute(f"CREATE DATABASE {database} TEMPLATE minimal_template")
    with psycopg.connect(ctx.pg.url("postgres", database, "postgresql"), autocommit=True) as setup:
        (event_id,) = setup.execute(
            "INSERT INTO minimal_event (capacity, taken) VALUES (%s, 0) RETURNING id", (CAPACITY,)
        ).fetchone()
        allocation_of_code = {}
        for _name, quota, group in GROUPS:
            (allocation_id,) = setup.execute(
                "INSERT INTO minimal_allocation (event_id, quota, taken) VALUES (%s, %s, 0) RETURNING id",
                (event_id, quota),
            ).fetchone()  # fmt: skip
            allocation_of_code.update(dict.fromkeys(group, allocation_id))
    port = free_port()
    server = processes.start(
        f"minimal-r{number}",
        [GUNICORN, "-c", "python:jamlik.gunicorn_conf", "minimal.wsgi"],
        {**ctx.minimal_env, "MINIMAL_DATABASE_URL": ctx.pg.url(ROLE_MINIMAL, database),
         "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )  # fmt: skip
    rng = random.Random(args.seed)
    plan = make_plan(rng, codes, args.attempts)

    def handle(api: Api, item: tuple[str, str, str], outcome: Outcome) -> None:
        kind, code, email = item
        body = person(email, [1], rng)
        if kind == "invalid":
            body = INVALID
        status, data, elapsed = api.call(
            "POST", f"/api/allocations/{allocation_of_code[code]}/registrations", body
        )
        with outcome.lock:
            outcome.latencies.append(elapsed)
            outcome.http[status] += 1
            if status == 201 and isinstance(data, dict):
                outcome.acknowledged[data["id"]] = data["status"]
                outcome.statuses[f"{kind}:{data['status']}"] += 1
                outcome.created[data["status"]] += 1
            else:
                outcome.statuses[f"{kind}:{status}"] += 1

    def send(api: Api, index: int):
        code = codes[index % len(codes)]
        body = person(f"counted{index}@{code.lower()}.example", [1], rng)
        return api.call("POST", f"/api/allocations/{allocation_of_code[code]}/registrations", body)

    try:
        wait_http(port, "/api/openapi.json", server, processes, f"minimal-r{number}")
        ctx.control.execute("SELECT pg_stat_statements_reset()")
        counted_run(port, send, args.counted)
        counted = read_statements(ctx.control, ROLE_MINIMAL, database)
        groups = {"gunicorn": server.pid, "postgres": ctx.pg.process.pid}
        ctx.control.execute("SELECT pg_stat_statements_reset()")
        cpu_before = cpu_snapshot(groups)
        outcome, seconds = fire(port, plan, args.clients, handle)
        cpu_storm = cpu_snapshot(groups)
        web = read_statements(ctx.control, ROLE_MINIMAL, database)
    finally:
        processes.stop(server)
    with psycopg.connect(ctx.pg.url("postgres", database, "postgresql"), autocommit=True) as check:
        rows = check.execute(
            """SELECT a.id, a.quota, a.taken, count(r.id) FILTER (WHERE r.status = 'confirmed')
               FROM minimal_allocation a LEFT JOIN minimal_registration r ON r.allocation_id = a.id
               GROUP BY a.id"""
        ).fetchall()
        (taken,) = check.execute("SELECT taken FROM minimal_event").fetchone()
        known = {row[0] for row in check.execute("SELECT id FROM minimal_registration").fetchall()}
    seated = sum(row[3] for row in rows)
    breaks = sum(1 for row in rows if row[3] > row[1]) + (seated > CAPACITY)
    breaks += sum(1 for row in rows if row[2] != row[3]) + (taken != seated)
    breaks += sum(1 for rid in outcome.acknowledged if rid not in known)
    return {
        **outcome_figures(outcome, seconds, args.attempts), "outcome": outcome, "seconds": seconds,
        "breaks": breaks, "seated": seated, "web": web, "counted": counted,
        "cpu": (cpu_before, cpu_storm), "statements": web.statements / args.attempts,
    }  # fmt: skip


def print_round(ctx: Context, number: int, product: dict, minimal: dict, detail: bool) -> None:
    args = ctx.args
    outcome, recounted = product["outcome"], product["recount"]
    cancels = len(product["outcome"].latencies) - args.attempts
    print(f"\n-- round {number} of {args.rounds}, ended {datetime.now().strftime('%H:%M:%S')} --")
    print(f"product: {args.attempts} registration attempts (+{cancels} cancellations) from {args.clients} clients "
          f"in {product['seconds']:.1f} s")  # fmt: skip
    print(f"  throughput {product['rate']:.0f} registrations/s ({product['requests_rate']:.0f} requests/s)  "
          f"latency p50 {product['p50']:.0f} ms  p95 {product['p95']:.0f} ms  p99 {product['p99']:.0f} ms  "
          f"mean {product['mean']:.0f} ms")  # fmt: skip
    print("  answers: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.statuses.items())))
    print("  http: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.http.items()))
          + ("  no answer: " + ", ".join(f"{k} {v}" for k, v in outcome.failures.items()) if outcome.failures else ""))  # fmt: skip
    print(f"  recounted: seated {recounted['seated']}, waiting {recounted['waiting']}, cancelled {recounted['cancelled']}; "
          f"quota/capacity violations {len(recounted['violations'])}, acknowledged but missing {len(recounted['missing'])}, "
          f"counters disagreeing {len(recounted['counters_disagree'])}, "
          f"addresses with two active registrations {len(recounted['duplicate_active_emails'])}")  # fmt: skip
    print(
        f"  statements during the storm: {statements_summary(product['web'], args.attempts, 'attempt')}"
    )
    if detail:
        print("    most frequent, per attempt (calls, mean time, statement):")
        print_statements(product["web"], args.attempts, 12)
    print(f"  counted sub-run before the storm, {args.counted} new registrations one at a time: "
          f"{statements_summary(product['counted'], args.counted, 'registration')}")  # fmt: skip
    if detail:
        print_statements(product["counted"], args.counted, 40)
    mails = product["mails"]
    delivered, recipients = len(mails), sum(m["rcpt"] for m in mails)
    confirmations = outcome.created["confirmed"] + product["promoted"]
    print(f"  mail: expected {product['expected']} (one per new registration {outcome.http[201]}, per 'already registered' "
          f"answer or cancellation {outcome.http[200]}, per promotion {product['promoted']}); outbox rows written "
          f"{sum(product['outbox'].values())} {dict(product['outbox'])}")  # fmt: skip
    print(f"        delivered to the SMTP sink {delivered} messages to {recipients} recipients "
          f"({product['mails_at_end']} of them by the last answer); confirmations with QR image "
          f"{sum(1 for m in mails if m['qr'])}/{confirmations}; mean size {statistics.mean([m['bytes'] for m in mails] or [0]) / 1024:.1f} KiB")  # fmt: skip
    running, ready, outbox_queued = product["queue_at_end"]
    drain = product["drain"]
    print(f"  task worker: {product['enqueued']} tasks enqueued during the storm ({product['enqueued'] / product['seconds']:.0f}/s), "
          f"{product['finished']} run ({product['finished'] / product['seconds']:.0f}/s); at the last answer "
          f"{ready + running} due ({ready} ready, {running} running) and {outbox_queued} mails queued")  # fmt: skip
    after = product["tasks_run"] - product["finished"]
    if drain is None:
        print(f"        NOT drained within {args.drain_timeout:.0f} s of the last answer")
    else:
        print(f"        drained {drain:.1f} s after the last answer ({after} tasks, {after / max(drain, 1e-9):.0f}/s); "
              f"failed tasks {product['tasks_failed']}; worker statements "
              f"{product['worker_statements'].statements / max(product['tasks_run'], 1):.1f} per task; "
              f"worker {'running' if product['worker_alive'] else 'DIED'}")  # fmt: skip
    before, storm_end, drained = product["cpu"]
    print(f"  CPU during the storm, {cpu_report(before, storm_end, product['seconds'])}")
    if drain:
        print(f"  CPU during the drain, {cpu_report(storm_end, drained, drain)}")
    print(f"minimal endpoint: {minimal['rate']:.0f} registrations/s  latency p50 {minimal['p50']:.0f} ms  "
          f"p95 {minimal['p95']:.0f} ms  p99 {minimal['p99']:.0f} ms  mean {minimal['mean']:.0f} ms  "
          f"seated {minimal['seated']}  invariant breaks {minimal['breaks']}  errors {minimal['errors']}")  # fmt: skip
    print("  http: " + ", ".join(f"{k} {v}" for k, v in sorted(minimal["outcome"].http.items())))
    print(
        f"  statements during the storm: {statements_summary(minimal['web'], args.attempts, 'attempt')}"
    )
    print(
        f"  counted sub-run: {statements_summary(minimal['counted'], args.counted, 'registration')}"
    )
    if detail:
        print_statements(minimal["counted"], args.counted, 12)
    print(
        f"  CPU during the storm, {cpu_report(minimal['cpu'][0], minimal['cpu'][1], minimal['seconds'])}"
    )
    print(f"product/minimal: {product['rate'] / minimal['rate']:.2f}x the throughput, "
          f"{product['p95'] / minimal['p95']:.1f}x the p95")  # fmt: skip


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def production(args: argparse.Namespace) -> None:
    import psycopg

    started = datetime.now()
    folder = Path(tempfile.mkdtemp(prefix="jamlik-storm-prod-"))
    processes = Processes(folder)
    pg = Throwaway(processes)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    control = None
    try:
        pg.start()
        control = psycopg.connect(pg.url("postgres", "postgres", "postgresql"), autocommit=True)
        control.execute("CREATE EXTENSION pg_stat_statements")
        for role in (ROLE_WEB, ROLE_WORKER, ROLE_MINIMAL):
            control.execute(f"CREATE ROLE {role} SUPERUSER LOGIN")
        control.execute("CREATE DATABASE jamlik_template")
        control.execute("CREATE DATABASE minimal_template")
        sink_port, sink_log = free_port(), folder / "sink.jsonl"
        sink_log.touch()
        bound = 900 + args.rounds * (args.drain_timeout + 1200)
        sink = processes.start(
            "smtp-sink",
            [sys.executable, str(BENCHMARKS / "smtp_sink.py"), "--port", str(sink_port),
             "--log", str(sink_log), "--max-seconds", str(bound)],
            dict(os.environ),
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", sink_port), timeout=1).close()
                break
            except OSError:
                if sink.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"SMTP sink did not start:\n{processes.log('smtp-sink')}"
                    ) from None
                time.sleep(0.1)
        keep = {k: v for k, v in os.environ.items()
                if k not in ("GUNICORN_WORKERS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL")}  # fmt: skip
        if args.workers:
            keep["GUNICORN_WORKERS"] = str(args.workers)
        env = {
            **keep, "DEBUG": "false", "SECRET_KEY": "storm-benchmark-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "TASKS_BACKEND": "database",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}", "EMAIL_TIMEOUT": "10",
            "JAMLIK_VAR_DIR": str(folder / "var"), "LOG_LEVEL": "ERROR",
        }  # fmt: skip
        minimal_env = {
            **keep, "DJANGO_SETTINGS_MODULE": "minimal.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCHMARKS), keep.get("PYTHONPATH")])),
        }  # fmt: skip
        token = prepare({**env, "DATABASE_URL": pg.url("postgres", "jamlik_template")})
        run([sys.executable, "-m", "django", "migrate", "--no-input", "-v0"],
            {**minimal_env, "MINIMAL_DATABASE_URL": pg.url("postgres", "minimal_template")})  # fmt: skip
        workers = int(run([sys.executable, "-c", "import jamlik.gunicorn_conf as c; print(c.workers)"], env).strip())  # fmt: skip
        ctx = Context(
            args,
            processes,
            pg,
            control,
            folder,
            sink_log,
            env,
            minimal_env,
            token,
            workers,
            sink.pid,
        )
        print(f"== production: started {started.strftime('%Y-%m-%d %H:%M:%S')}, PostgreSQL {pg.version} "
              f"(throwaway, fsync off, pg_stat_statements), gunicorn {workers} sync workers (gunicorn_conf default"
              f"{'' if not args.workers else ', overridden'}), TASKS_BACKEND=database with one `jamlik db_worker`"
              f"{' (stopped during the storm, started after it)' if args.worker_after else ''}"
              f"{' (SCHED_IDLE)' if args.worker_idle else ''}, "
              f"mail over SMTP to a sink on 127.0.0.1; {args.attempts} attempts from {args.clients} clients, "
              f"{args.rounds} round{'s' if args.rounds > 1 else ''}; load average {os.getloadavg()[0]:.2f} ==")  # fmt: skip
        results = []
        for number in range(1, args.rounds + 1):
            product = product_round(ctx, number)
            minimal = minimal_round(ctx, number, product["codes"])
            print_round(ctx, number, product, minimal, detail=number == 1)
            results.append((product, minimal))
            sys.stdout.flush()
    finally:
        STOP.set()
        processes.stop_all()
        if control is not None:
            control.close()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    summarise(args, results)


def _spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def summarise(args: argparse.Namespace, results: list[tuple[dict, dict]]) -> None:
    products = [p for p, _ in results]
    minimals = [m for _, m in results]
    ratios = [p["rate"] / m["rate"] for p, m in results]
    if len(results) > 1:
        print(f"\n== {len(results)} rounds, min/median/max ==")
        print(
            f"product  {_spread([p['rate'] for p in products])} registrations/s, p95 {_spread([p['p95'] for p in products])} ms"
        )
        print(
            f"minimal  {_spread([m['rate'] for m in minimals])} registrations/s, p95 {_spread([m['p95'] for m in minimals])} ms"
        )
        print(f"product/minimal throughput {_spread(ratios, '{:.2f}')}; drain after the last answer "
              f"{_spread([p['drain'] if p['drain'] is not None else float('inf') for p in products], '{:.1f}')} s")  # fmt: skip
    drains = [p["drain"] for p in products]
    if any(d is None for d in drains):
        drain = f">{args.drain_timeout:.0f}"
    else:
        drain = f"{statistics.median(drains):.1f}"
    delivered = sum(len(p["mails"]) for p in products)
    expected = sum(p["expected"] for p in products)
    print(
        f"storm-production: {statistics.median([p['rate'] for p in products]):.0f} reg/s, "
        f"p95 {statistics.median([p['p95'] for p in products]):.0f} ms, "
        f"{statistics.median([p['statements'] for p in products]):.1f} statements, "
        f"{sum(p['breaks'] for p in products)} violations, {sum(p['errors'] for p in products)} errors, "
        f"mails {delivered}/{expected} in {drain} s, {statistics.median(ratios):.2f}x the minimal endpoint"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn sync workers (default: one per core, as in production)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="sqlite, postgresql or both"
    )
    parser.add_argument("--database-url", default=os.environ.get("STORM_DATABASE_URL", ""),
                        help="use this PostgreSQL instead of a throwaway one")  # fmt: skip
    parser.add_argument("--production", action="store_true",
                        help="PostgreSQL with the task worker running and mail over SMTP, next to "
                             "the minimal endpoint (benchmarks/minimal/)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=1,
                        help="--production: repeat the measurement this many times")  # fmt: skip
    parser.add_argument("--worker-idle", action="store_true",
                        help="--production: run the task worker with SCHED_IDLE (chrt --idle)")  # fmt: skip
    parser.add_argument("--worker-after", action="store_true",
                        help="--production: stop the task worker for the storm and start it after "
                             "(the product without the worker beside the minimal endpoint)")  # fmt: skip
    parser.add_argument("--counted", type=int, default=20,
                        help="--production: registrations of the one-client statement count")  # fmt: skip
    parser.add_argument("--drain-timeout", type=float, default=300,
                        help="--production: seconds to wait for the task queue to drain")  # fmt: skip
    args = parser.parse_args()
    if args.production:
        try:
            production(args)
        except KeyboardInterrupt:
            raise SystemExit(
                "storm --production: interrupted; every process it started is stopped"
            ) from None
        return
    args.workers = args.workers or os.cpu_count() or 2
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
