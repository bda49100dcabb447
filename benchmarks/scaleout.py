"""Scale-out (README, "Production at scale"): the registration storm through HAProxy in front
of several gunicorn app servers, PgBouncer in transaction mode in front of PostgreSQL, and
two task workers at once; then the invariants re-counted from the database and the mail sink.

    .venv/bin/python benchmarks/scaleout.py                    # 2 app servers, 2 workers
    .venv/bin/python benchmarks/scaleout.py --app-servers 3 --workers 2 --attempts 3000 --rounds 3

Needs Debian's haproxy and pgbouncer (``.ci/system-packages`` installs them) and the
PostgreSQL server binaries. Everything listens on 127.0.0.1 only and is stopped at the end.

Per round it runs the same setup twice: first with ONE app server behind HAProxy (the
comparison), then with ``--app-servers``. Each run: a fresh database (a copy of a migrated
template), PgBouncer from deploy/pgbouncer.ini, gunicorn app servers (gunicorn_conf's
defaults, ``PG_PREPARE_THRESHOLD=0`` and ``DISABLE_SERVER_SIDE_CURSORS=true`` as behind any
transaction pooler), HAProxy from deploy/haproxy.cfg (health checks on /healthz), ``--workers``
``jamlik db_worker`` processes at nice 10 as deploy/jamlik-worker.service runs them, all of
them through PgBouncer; the seed conference of benchmarks/storm.py, its ``quota_lock_until``
moved ``--release-after`` seconds into the storm, and storm.py's clients (32) and plan.

It checks, from the database and the SMTP sink (benchmarks/smtp_sink.py):

- violations: seats over the capacity, or over an allocation's quota while the quotas bound
  (the audit log replayed in order up to ``quota_lock_until``), counters disagreeing with
  rows, an address with two active registrations, a registration promoted twice, the
  release not served, and two runs of the periodic tick's body overlapping in time;
- lost: acknowledged registrations not stored, outbox rows not sent once the queue drained,
  and rows marked sent that never reached the sink;
- duplicate mails: sink messages beyond one per outbox row (the X-Jamlik-Outbox header),
  cross-checked per recipient and kind against the outbox rows.

Its last line: ``scaleout: <n> app servers, <m> workers, <x> reg/s, p95 <y> ms, <v>
violations, <l> lost, <d> duplicate mails`` (medians of the rates over ``--rounds``, sums of
the counts), and the line before it the same figures for one app server.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import re
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storm import (  # benchmarks/ is not a package
    BENCHMARKS,
    GUNICORN,
    JAMLIK,
    ROOT,
    SEATED,
    STOP,
    Api,
    Processes,
    Throwaway,
    _interrupt,
    free_port,
    outcome_figures,
    prepare,
    read_sink,
    recount,
    seed,
    storm,
    wait_drained,
    wait_http,
)

DEPLOY = ROOT / "deploy"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
TICK = "jamlik.events.tasks.events_tick"


def find_binary(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )
    if not found:
        raise SystemExit(
            f"scaleout: {name} not found; install Debian's haproxy and pgbouncer "
            "(.ci/system-packages does, as root)"
        )
    return found


def fill(
    template: Path, values: dict[str, object], repeat: dict[str, list[dict]] | None = None
) -> str:
    """The example config with its ``{placeholders}`` filled in; a line containing a key of
    ``repeat`` is written once per dict of values given for it."""
    lines = []
    for line in template.read_text().splitlines():
        if line.lstrip().startswith(("#", ";")):
            lines.append(line)  # comments keep their {placeholders}
            continue
        marker = next((key for key in repeat or {} if "{" + key + "}" in line), None)
        for extra in (repeat or {}).get(marker, [{}]) if marker else [{}]:
            merged = {**values, **extra}
            lines.append(PLACEHOLDER.sub(lambda m, merged=merged: str(merged[m.group(1)]), line))
    return "\n".join(lines) + "\n"


def wait_port(port: int, process, processes: Processes, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start:\n{processes.log(name)}") from None
            time.sleep(0.1)


@dataclass
class Setup:
    processes: Processes
    pg: Throwaway
    control: object  # psycopg connection to the postgres database, autocommit
    folder: Path
    sink_log: Path
    env: dict[str, str]
    token: str
    haproxy: str
    pgbouncer: str


def start_pgbouncer(setup: Setup, name: str, database: str) -> int:
    port = free_port()
    folder = setup.folder / name
    folder.mkdir()
    (folder / "userlist.txt").write_text('"postgres" ""\n')
    config = folder / "pgbouncer.ini"
    config.write_text(
        fill(
            DEPLOY / "pgbouncer.ini",
            {
                "pg_host": "127.0.0.1", "pg_port": setup.pg.port, "pg_database": database,
                "listen_addr": "127.0.0.1", "listen_port": port, "unix_socket_dir": "",
                # The throwaway server trusts local connections; production: scram-sha-256.
                "auth_type": "trust", "auth_file": folder / "userlist.txt",
                "logfile": folder / "pgbouncer.log", "pidfile": folder / "pgbouncer.pid",
                "admin_users": "postgres",
            },
        )
    )  # fmt: skip
    user = "postgres" if os.geteuid() == 0 else None  # pgbouncer refuses to run as root
    if user:
        shutil.chown(folder, user, user)
        for path in folder.iterdir():
            shutil.chown(path, user, user)
    process = setup.processes.start(
        name, [setup.pgbouncer, str(config)], dict(os.environ), user=user, cwd=folder
    )
    wait_port(port, process, setup.processes, name)
    return port


def start_haproxy(setup: Setup, name: str, app_ports: list[int], per_server: int) -> int:
    port = free_port()
    config = setup.folder / f"{name}.cfg"
    config.write_text(
        fill(
            DEPLOY / "haproxy.cfg",
            {"listen_addr": "127.0.0.1", "listen_port": port, "health_host": "127.0.0.1",
             "server_maxconn": per_server},
            repeat={"app_address": [{"n": i + 1, "app_address": f"127.0.0.1:{p}"}
                                    for i, p in enumerate(app_ports)]},
        )
    )  # fmt: skip
    result = subprocess_run([setup.haproxy, "-c", "-q", "-f", str(config)])
    if result:
        raise SystemExit(f"haproxy rejected {config}:\n{result}")
    process = setup.processes.start(
        name, [setup.haproxy, "-db", "-f", str(config)], dict(os.environ)
    )
    wait_port(port, process, setup.processes, name)
    return port


def subprocess_run(cmd: list[str]) -> str:
    import subprocess

    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def warm_up(port: int, requests: int = 12) -> None:
    """A few concurrent requests, so that every gunicorn worker has loaded its views and
    opened its connection before HAProxy's first health check (a server whose first check
    fails starts out of the pool)."""
    import threading

    def call() -> None:
        for _ in range(requests // 4):
            Api(port).call("GET", "/healthz")

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_all_up(port: int, servers: int, seconds: float = 60) -> None:
    """Until HAProxy sees every app server up (its health checks passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Api(port).call("GET", "/healthz")[0] == 200:
                # rise 2 checks at 2 s: every server is in once the first answers + 4 s.
                time.sleep(4.5 if servers > 1 else 0)
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("HAProxy found no healthy app server")


def one_run(setup: Setup, args: argparse.Namespace, label: str, app_servers: int) -> dict:
    import psycopg

    processes = setup.processes
    database = f"jamlik_{label}"
    setup.control.execute(f"CREATE DATABASE {database} TEMPLATE jamlik_template")
    started = []
    try:
        bouncer = start_pgbouncer(setup, f"pgbouncer-{label}", database)
        through_bouncer = {
            **setup.env,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{bouncer}/jamlik",
            "PG_PREPARE_THRESHOLD": "0",
            "DISABLE_SERVER_SIDE_CURSORS": "true",
        }
        app_ports = []
        for number in range(app_servers):
            port = free_port()
            name = f"gunicorn-{label}-{number + 1}"
            server = processes.start(
                name,
                [GUNICORN, "-c", "python:jamlik.gunicorn_conf", "jamlik.wsgi"],
                {**through_bouncer, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            )
            started.append(server)
            wait_http(port, "/healthz", server, processes, name)
            warm_up(port)
            app_ports.append(port)
        per_server = int(setup.env.get("GUNICORN_WORKERS") or os.cpu_count() or 2)
        proxy = start_haproxy(setup, f"haproxy-{label}", app_ports, per_server)
        started.append(processes.running[-1][1])
        wait_all_up(proxy, app_servers)
        for number in range(args.workers):
            started.append(
                processes.start(
                    f"db-worker-{label}-{number + 1}",
                    ["nice", "-n", "10", JAMLIK, "db_worker", "--no-reload",
                     "--worker-id", f"scaleout-{label}-{number + 1}"],
                    through_bouncer,
                )
            )  # fmt: skip
        admin = Api(proxy, setup.token)
        sink_start = len(read_sink(setup.sink_log))
        event_id, tokens, allocation_of, sessions = seed(admin)
        with psycopg.connect(
            setup.pg.url("postgres", database, "postgresql"), autocommit=True
        ) as watch:
            if wait_drained(watch, args.drain_timeout) is None:
                raise SystemExit("the task queue did not drain before the storm (seed mails)")
            release_at = datetime.now(UTC) + timedelta(seconds=args.release_after)
            status, body, _ = admin.call(
                "PATCH", f"/api/v1/events/{event_id}", {"quota_lock_until": release_at.isoformat()}
            )
            assert status == 200, body
            outcome, seconds = storm(
                proxy, tokens, sessions, args.attempts, args.clients, args.seed
            )
            ended = time.perf_counter()
            # The release falls due during the storm; wait for it if the storm was quicker.
            while datetime.now(UTC) < release_at + timedelta(seconds=1):
                time.sleep(0.2)
            drained = wait_drained(watch, args.drain_timeout)
            drain = None if drained is None else time.perf_counter() - ended
            recounted = recount(admin, event_id, allocation_of, outcome)
            checked = check(watch, event_id, read_sink(setup.sink_log)[sink_start:])
        alive = all(p.poll() is None for p in started)
    finally:
        for process in reversed(started):
            processes.stop(process)
        for name, process, _sig in list(processes.running):
            if name == f"pgbouncer-{label}":
                processes.stop(process)
    figures = outcome_figures(outcome, seconds, args.attempts)
    # storm.recount compares the final seats with the quotas; after the release in the
    # middle of this storm they no longer bind, so the quotas are checked by ``check``'s
    # replay of the decisions taken before it, and only the capacity is taken from here.
    for name in recounted["counters_disagree"]:
        checked["problems"].append(f"counters: {name} disagrees with its rows")
    if recounted["duplicate_active_emails"]:
        checked["problems"].append(
            f"duplicates: {len(recounted['duplicate_active_emails'])} addresses registered twice"
        )
    violations = (
        ("capacity" in recounted["violations"]) + len(recounted["counters_disagree"])
        + len(recounted["duplicate_active_emails"]) + checked["violations"]
    )  # fmt: skip
    lost = len(recounted["missing"]) + checked["lost"]
    return {
        **figures, "label": label, "app_servers": app_servers, "outcome": outcome,
        "seconds": seconds, "recount": recounted, "checked": checked, "violations": violations,
        "lost": lost, "duplicates": checked["duplicates"], "drain": drain, "alive": alive,
    }  # fmt: skip


def check(watch, event_id: int, mails: list[dict]) -> dict:
    """The invariants of a run, from the database and the sink's messages of that run."""
    problems: list[str] = []
    (capacity, qlu, released_at) = watch.execute(
        "SELECT capacity, quota_lock_until, released_at FROM events_event WHERE id = %s",
        (event_id,),
    ).fetchone()
    quotas = dict(
        watch.execute(
            "SELECT id, quota FROM events_allocation WHERE event_id = %s", (event_id,)
        ).fetchall()
    )
    allocation_of = dict(
        watch.execute(
            "SELECT id, allocation_id FROM events_registration WHERE event_id = %s", (event_id,)
        ).fetchall()
    )
    (seated,) = watch.execute(
        "SELECT count(*) FROM events_registration WHERE event_id = %s AND status = ANY(%s)",
        (event_id, list(SEATED)),
    ).fetchone()
    if seated > capacity:
        problems.append(f"capacity: {seated} seated of {capacity}")
    # Replay the seat decisions in the order they were taken (the audit entries are written
    # under the event's row lock) while the quotas bound: no allocation ever over its quota.
    entries = watch.execute(
        "SELECT id, action, at, object_id, old, new FROM core_auditentry "
        "WHERE object_type = 'events.registration' AND action IN "
        "('events.registration.created', 'events.registration.cancelled', 'events.registration.promoted') "
        "ORDER BY id"
    ).fetchall()  # fmt: skip
    taken: Counter = Counter()
    over_quota = 0
    for _id, action, at, object_id, old, new in entries:
        registration = int(object_id) if object_id.isdigit() else None
        if registration not in allocation_of:
            continue
        allocation = allocation_of[registration]
        if (new or {}).get("status") in SEATED and action != "events.registration.cancelled":
            taken[allocation] += 1
        if action == "events.registration.cancelled" and (old or {}).get("status") in SEATED:
            taken[allocation] -= 1
        if at < qlu and allocation in quotas and taken[allocation] > quotas[allocation]:
            over_quota += 1
    if over_quota:
        problems.append(f"quota: {over_quota} decisions over an allocation's quota")
    if not entries or not any(e[1] == "events.registration.created" for e in entries):
        problems.append("audit: no registration entries found to replay")
    promoted = Counter(e[3] for e in entries if e[1] == "events.registration.promoted")
    promoted_twice = sum(1 for n in promoted.values() if n > 1)
    if promoted_twice:
        problems.append(f"release: {promoted_twice} registrations promoted twice")
    if released_at is None or released_at < qlu:
        problems.append(f"release: not served (released_at {released_at}, due {qlu})")
    # The periodic tick: runs that did the work never overlap.
    runs = watch.execute(
        "SELECT started_at, finished_at, return_value FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = %s AND status = 'SUCCESSFUL' ORDER BY started_at",
        (TICK,),
    ).fetchall()
    worked = [
        (s, f) for s, f, value in runs if not (isinstance(value, dict) and value.get("skipped"))
    ]
    overlaps = sum(1 for (_s1, f1), (s2, _f2) in itertools.pairwise(worked) if s2 < f1)
    if overlaps:
        problems.append(f"tick: {overlaps} runs overlapping")
    # Mail: every outbox row sent, once.
    rows = {
        row_id: (to, kind, status)
        for row_id, to, kind, status in watch.execute(
            'SELECT id, lower("to"), kind, status FROM notifications_outboxmessage'
        ).fetchall()
    }
    per_row = Counter(m.get("outbox") for m in mails)
    unknown = per_row.pop(None, 0)
    duplicates = sum(n - 1 for n in per_row.values() if n > 1)
    not_sent = [i for i, (_to, _kind, status) in rows.items() if status != "sent"]
    sent_unseen = [
        i for i, (_to, _kind, status) in rows.items() if status == "sent" and i not in per_row
    ]
    strangers = [i for i in per_row if i not in rows]
    # Per recipient and kind: no more messages reached the sink than rows were written.
    wanted: Counter = Counter()
    for to, kind, _status in rows.values():
        wanted[(hashlib.sha256(to.encode()).hexdigest()[:16], kind)] += 1
    received: Counter = Counter()
    for message in mails:
        if message.get("outbox") in rows:
            received[(message["to"], rows[message["outbox"]][1])] += 1
    per_recipient_extra = sum(max(0, n - wanted[key]) for key, n in received.items())
    return {
        "violations": len(problems) + len(strangers) + unknown,
        "problems": problems,
        "lost": len(not_sent) + len(sent_unseen),
        "duplicates": max(duplicates, per_recipient_extra),
        "rows": len(rows),
        "messages": len(mails),
        "not_sent": len(not_sent),
        "sent_unseen": len(sent_unseen),
        "per_recipient_extra": per_recipient_extra,
        "released_after": None if released_at is None else (released_at - qlu).total_seconds(),
        "promoted": sum(promoted.values()),
        "ticks": len(runs),
        "ticks_worked": len(worked),
    }


def print_run(args: argparse.Namespace, result: dict, number: int) -> None:
    c = result["checked"]
    http = ", ".join(f"{k} {v}" for k, v in sorted(result["outcome"].http.items()))
    drain = (
        "NOT drained"
        if result["drain"] is None
        else f"drained {result['drain']:.1f} s after the last answer"
    )
    print(f"round {number}, {result['app_servers']} app server{'s' if result['app_servers'] > 1 else ''}: "
          f"{result['rate']:.0f} reg/s in {result['seconds']:.1f} s, p50 {result['p50']:.0f} ms, "
          f"p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms; http {http}"
          + (f"; no answer {dict(result['outcome'].failures)}" if result["outcome"].failures else ""))  # fmt: skip
    print(f"  seated {result['recount']['seated']}, waiting {result['recount']['waiting']}; "
          f"mail: {c['rows']} outbox rows, {c['messages']} messages at the sink, {c['not_sent']} rows not sent, "
          f"{c['sent_unseen']} sent but not received, {c['duplicates']} duplicates "
          f"({c['per_recipient_extra']} extra per recipient and kind); {drain}")  # fmt: skip
    released = (
        "not served"
        if c["released_after"] is None
        else f"{c['released_after']:.1f} s after quota_lock_until"
    )
    print(f"  release {released}, {c['promoted']} promoted; tick runs {c['ticks']} ({c['ticks_worked']} did the work, "
          f"none overlapping: {'no' if any(p.startswith('tick') for p in c['problems']) else 'yes'}); "
          f"{result['violations']} violations, {result['lost']} lost; processes "
          f"{'all running' if result['alive'] else 'ONE DIED'}")  # fmt: skip
    for problem in c["problems"]:
        print(f"  VIOLATION {problem}")
    sys.stdout.flush()


def summary(results: list[dict], app_servers: int, workers: int) -> str:
    return (
        f"scaleout: {app_servers} app servers, {workers} workers, "
        f"{statistics.median([r['rate'] for r in results]):.0f} reg/s, "
        f"p95 {statistics.median([r['p95'] for r in results]):.0f} ms, "
        f"{sum(r['violations'] for r in results)} violations, {sum(r['lost'] for r in results)} lost, "
        f"{sum(r['duplicates'] for r in results)} duplicate mails"
    )


def main() -> None:
    import psycopg

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="jamlik db_worker processes")
    parser.add_argument("--attempts", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--release-after", type=float, default=3.0,
                        help="seconds after the storm's start at which the quotas are released")  # fmt: skip
    parser.add_argument("--drain-timeout", type=float, default=300)
    args = parser.parse_args()
    if args.app_servers < 1 or args.workers < 1:
        parser.error("--app-servers and --workers must be at least 1")

    haproxy, pgbouncer = find_binary("haproxy"), find_binary("pgbouncer")
    folder = Path(tempfile.mkdtemp(prefix="jamlik-scaleout-"))
    os.chmod(folder, 0o755)  # pgbouncer runs as postgres when we are root
    processes = Processes(folder)
    pg = Throwaway(processes)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    control = None
    one: list[dict] = []
    many: list[dict] = []
    try:
        pg.start()
        control = psycopg.connect(pg.url("postgres", "postgres", "postgresql"), autocommit=True)
        control.execute("CREATE DATABASE jamlik_template")
        sink_port, sink_log = free_port(), folder / "sink.jsonl"
        sink_log.touch()
        sink = processes.start(
            "smtp-sink",
            [sys.executable, str(BENCHMARKS / "smtp_sink.py"), "--port", str(sink_port),
             "--log", str(sink_log), "--max-seconds", str(3600 + args.rounds * 1800)],
            dict(os.environ),
        )  # fmt: skip
        wait_port(sink_port, sink, processes, "smtp-sink")
        keep = {k: v for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL")}  # fmt: skip
        env = {
            **keep, "DEBUG": "false", "SECRET_KEY": "scaleout-benchmark-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "TASKS_BACKEND": "database",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}", "EMAIL_TIMEOUT": "10",
            "JAMLIK_VAR_DIR": str(folder / "var"), "LOG_LEVEL": "ERROR", "TRUSTED_PROXIES": "1",
        }  # fmt: skip
        # Migrations run directly against PostgreSQL, as the README's upgrade order says.
        token = prepare({**env, "DATABASE_URL": pg.url("postgres", "jamlik_template")})
        setup = Setup(processes, pg, control, folder, sink_log, env, token, haproxy, pgbouncer)
        print(f"== scaleout: started {datetime.now().strftime('%Y-%m-%d %H:%M:%S')}, PostgreSQL {pg.version} "
              f"(throwaway, fsync off) behind PgBouncer (transaction pooling, PG_PREPARE_THRESHOLD=0), "
              f"HAProxy (leastconn, /healthz checks) in front of gunicorn app servers "
              f"({env.get('GUNICORN_WORKERS') or os.cpu_count()} sync workers each), {args.workers} "
              f"`jamlik db_worker` at nice 10, mail over SMTP to a sink; {args.attempts} attempts from "
              f"{args.clients} clients, {args.rounds} round{'s' if args.rounds > 1 else ''}, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} ==")  # fmt: skip
        for number in range(1, args.rounds + 1):
            one.append(one_run(setup, args, f"r{number}_one", 1))
            print_run(args, one[-1], number)
            many.append(one_run(setup, args, f"r{number}_many", args.app_servers))
            print_run(args, many[-1], number)
    except BaseException:
        for log in sorted(folder.glob("*.log")):
            if log.name.startswith(("haproxy", "gunicorn", "db-worker", "pgbouncer")):
                print(
                    f"--- {log.name} (last lines) ---\n{processes.log(log.stem, 15)}",
                    file=sys.stderr,
                )
        raise
    finally:
        STOP.set()
        processes.stop_all()
        if control is not None:
            control.close()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    print(summary(one, 1, args.workers).replace("1 app servers", "1 app server"))
    print(summary(many, args.app_servers, args.workers))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("scaleout: interrupted; every process it started is stopped") from None
