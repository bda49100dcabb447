"""Aggregation at city scale (docs/quality.md#aggregation-at-city-scale): the self-assessment summary, the organisation ×
area heat map, the XLSX export and the PDF report of a campaign of 300 → 3,000 → 30,000
units × ~35 requirements, with an earlier campaign to compare with.

    .venv/bin/python benchmarks/summary.py                          # SQLite (+ PostgreSQL)
    .venv/bin/python benchmarks/summary.py --sizes 300,3000
    .venv/bin/python benchmarks/summary.py --database postgres://user@host:5432/db
    .ci/with-postgres .venv/bin/python benchmarks/summary.py --sizes 300,3000

Each database is a throwaway: a SQLite file in a temporary folder, and, when DATABASE_URL
(or --database) points at PostgreSQL, a database created for the run on that server and
dropped afterwards. Organisations and the campaigns' responses are made through the
services; the answers are bulk-inserted (COPY on PostgreSQL). Every timing is the median of
--repeat runs after one warm-up. It prints figures and growth ratios; it asserts nothing
about time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
ADMINISTRATIONS = 50  # about as many as the city has administrations and companies


# ---- The parent: one child process per database -----------------------------------------


def _postgres_throwaway(url: str) -> tuple[str, Callable[[], None]]:
    """Create a database for this run on the server of ``url``; returns its URL and a drop."""
    import psycopg

    name = f"jamlik_bench_{os.getpid()}"
    parts = urlparse(url)
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parts._replace(path=f"/{name}")), drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="300,3000,30000", help="units per campaign")
    parser.add_argument("--database", help="a database URL (sqlite:///… or postgres://…)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure")
    parser.add_argument(
        "--xlsx-max-units",
        type=int,
        default=100_000,
        help="skip the XLSX export above this many units",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    targets: list[tuple[str, str]] = []
    if args.database:
        targets.append(("given", args.database))
    else:
        targets.append(("sqlite", "sqlite:///{tmp}/bench.sqlite3"))
        env_url = os.environ.get("DATABASE_URL", "")
        if env_url.startswith(("postgres://", "postgresql://")):
            targets.append(("postgresql", env_url))
    for _label, url in targets:
        with tempfile.TemporaryDirectory(prefix="jamlik-summary-") as tmp:
            drop = None
            url = url.format(tmp=tmp)
            if url.startswith(("postgres://", "postgresql://")):
                url, drop = _postgres_throwaway(url)
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "JAMLIK_VAR_DIR": tmp,
                "TASKS_BACKEND": "immediate",
                "EMAIL_URL": "consolemail://",
                "LOG_LEVEL": "ERROR",
                "DEBUG": "false",
                "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
            }
            command = [sys.executable, __file__, "--child", "--sizes", args.sizes,
                       "--repeat", str(args.repeat), "--xlsx-max-units",
                       str(args.xlsx_max_units)]  # fmt: skip
            try:
                subprocess.run(command, env=env, cwd=ROOT, check=True)
            finally:
                if drop is not None:
                    drop()


# ---- The child: one database ---------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamlik.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from jamlik.assessments import services

    frameworks = {r.framework.version: r.framework for r in services.frameworks_load_builtin()}
    describe = (
        f"SQLite {django.db.backends.sqlite3.base.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    )
    print(f"\n== {describe} ({connection.vendor}) ==", flush=True)
    print(
        f"framework {frameworks['2025'].requirements.count()} requirements (2025), earlier "
        f"campaign on {frameworks['2019'].requirements.count()} (2019), compared by key; "
        f"{args.repeat} timed runs, median, seconds\n",
        flush=True,
    )
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    header = (
        f"{'units':>7} {'answers':>9} {'load':>7} {'summary':>8} {'+compare':>9} "
        f"{'heat map':>9} {'scoped':>7} {'xlsx':>7} {'pdf':>7} {'queries':>8}"
    )
    print(header, flush=True)
    rows = []
    for size in sizes:
        row = measure(size, frameworks, args)
        rows.append(row)
        print(format_row(row), flush=True)
    print()
    for before, after in itertools.pairwise(rows):
        factor = after["units"] / before["units"]
        parts = []
        for key in ("summary", "+compare", "heat map", "scoped", "xlsx", "pdf"):
            if before.get(key) and after.get(key):
                parts.append(f"{key} ×{after[key] / before[key]:.1f}")
        print(
            f"growth {before['units']:,} → {after['units']:,} units (×{factor:g}): "
            + ", ".join(parts),
            flush=True,
        )
    per_unit = [
        f"{r['units']:,}: {r['summary'] / r['units'] * 1e6:.0f} µs" for r in rows if r["summary"]
    ]
    print("summary per unit: " + ", ".join(per_unit), flush=True)


def format_row(row: dict[str, Any]) -> str:
    def seconds(key: str) -> str:
        value = row.get(key)
        return "skipped" if value is None else f"{value:.3f}"

    return (
        f"{row['units']:>7,} {row['answers']:>9,} {row['load']:>7.1f} {seconds('summary'):>8} "
        f"{seconds('+compare'):>9} {seconds('heat map'):>9} {seconds('scoped'):>7} "
        f"{seconds('xlsx'):>7} {seconds('pdf'):>7} {row['queries']:>8}"
    )


def timed(function: Callable[[], Any], repeat: int) -> float:
    function()  # warm-up: caches, the planner, the first connection
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def build_tree(size: int) -> tuple[Any, list[Any]]:
    """A city with ADMINISTRATIONS administrations and ``size`` units spread over them."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from jamlik.orgs import services as org_services
    from jamlik.orgs.models import Kind, Organisation

    city = org_services.organisation_create(
        actor=None, code=f"BENCH{size}", name=f"Benchstaden {size}", kind=Kind.COMMITTEE
    )
    administrations = []
    count = min(ADMINISTRATIONS, size)
    for index in range(count):
        administration = org_services.organisation_create(
            actor=None,
            code=f"B{size}-F{index}",
            name=f"Förvaltning {index + 1} ({size})",
            kind=Kind.ADMINISTRATION,
            parent=city,
            mailbox=f"forvaltning{index}@bench.example",
        )
        administrations.append(administration)
        units = size // count + (1 if index < size % count else 0)
        Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Kind.UNIT,
                    parent=administration,
                    name=f"Enhet {index + 1}.{n + 1}",
                    code=f"B{size}-{index}-{n}",
                    depth=administration.depth + 1,
                )
                for n in range(units)
            ],
            batch_size=2000,
        )
        Organisation.objects.filter(parent=administration).update(
            path=Concat(Value(administration.path), Cast("id", CharField()), Value("/"))
        )
    return city, administrations


def insert_answers(campaign: Any, seed: int) -> int:
    """Answers for every started response, statuses 85 % submitted, 5 % draft, 10 % not
    started; values drawn with a fixed seed and a per-unit level, as in a real campaign."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jamlik.assessments.frameworks import normalised_score
    from jamlik.assessments.models import Response

    rng = random.Random(seed)
    framework = campaign.framework
    requirements = [
        (r.pk, framework.scale(r.scale_name)) for r in framework.requirements.order_by("order")
    ]
    now = timezone.now()
    response_ids = list(
        Response.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    )
    rows = []
    submitted, drafts = [], []
    for index, response_id in enumerate(response_ids):
        bucket = index % 20
        if bucket >= 18:
            continue  # not started
        (submitted if bucket < 17 else drafts).append(response_id)
        level = rng.uniform(0.3, 0.9)
        for requirement_id, scale in requirements:
            scored = [o for o in scale if o["score"] is not None]
            if rng.random() < 0.08:
                option = rng.choice([o for o in scale if o["score"] is None] or scored)
            else:
                position = min(len(scored) - 1, max(0, int(rng.gauss(level, 0.25) * len(scored))))
                option = sorted(scored, key=lambda o: o["score"])[position]
            comment = "Rutinen gicks igenom på APT." if rng.random() < 0.05 else ""
            rows.append(
                (response_id, requirement_id, option["value"], comment,
                 normalised_score(scale, option["value"]), now)
            )  # fmt: skip
    columns = "response_id, requirement_id, value, comment, normalised, updated_at"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY assessments_answer ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO assessments_answer ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
        for ids, status in ((submitted, "submitted"), (drafts, "draft")):
            for start in range(0, len(ids), 5000):
                Response.objects.filter(pk__in=ids[start : start + 5000]).update(
                    status=status, submitted_at=now if status == "submitted" else None
                )
    return len(rows)


def measure(size: int, frameworks: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jamlik.assessments import reports, selectors, services
    from jamlik.core.models import Role, User

    started = time.perf_counter()
    _city, administrations = build_tree(size)
    now = timezone.now()
    earlier = services.campaign_create(
        actor=None,
        title=f"Självskattning 2019 ({size})",
        framework=frameworks["2019"],
        organisations=administrations,
        opens_at=now - timezone.timedelta(days=800),
        closes_at=now - timezone.timedelta(days=760),
    )
    campaign = services.campaign_create(
        actor=None,
        title=f"Självskattning 2025 ({size})",
        framework=frameworks["2025"],
        organisations=administrations,
        opens_at=now - timezone.timedelta(days=10),
        closes_at=now + timezone.timedelta(days=20),
    )
    answers = insert_answers(earlier, seed=size) + insert_answers(campaign, seed=size + 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load = time.perf_counter() - started

    city_user = User.objects.create(username=f"stad{size}", role=Role.CITY_COORDINATOR)
    org_user = User.objects.create(
        username=f"hr{size}", role=Role.ORG_COORDINATOR, organisation=administrations[0]
    )
    # Through a fresh lookup, as a request would: the user's organisation and the campaign.
    city_user = User.objects.select_related("organisation").get(pk=city_user.pk)
    org_user = User.objects.select_related("organisation").get(pk=org_user.pk)
    campaign = selectors.campaign_get(user=city_user, pk=campaign.pk)
    earlier = selectors.campaign_get(user=city_user, pk=earlier.pk)

    def summary() -> Any:
        return selectors.campaign_summary(user=city_user, campaign=campaign)

    row: dict[str, Any] = {"units": size, "answers": answers, "load": load}
    with CaptureQueriesContext(connection) as queries:
        result = summary()
    row["queries"] = len(queries)
    if result.responses != size:
        print(f"warning: the summary counts {result.responses} responses, not {size}")
    row["summary"] = timed(summary, args.repeat)
    row["+compare"] = timed(
        lambda: selectors.campaign_summary(user=city_user, campaign=campaign, compare_to=earlier),
        args.repeat,
    )
    row["heat map"] = timed(
        lambda: selectors.campaign_heat_map(user=city_user, campaign=campaign), args.repeat
    )
    row["scoped"] = timed(
        lambda: selectors.campaign_summary(user=org_user, campaign=campaign), args.repeat
    )
    if size <= args.xlsx_max_units:
        row["xlsx"] = timed(
            lambda: reports.campaign_xlsx(user=city_user, campaign=campaign, compare_to=earlier),
            max(1, args.repeat // 2),
        )
    else:
        row["xlsx"] = None
    row["pdf"] = timed(
        lambda: reports.campaign_report_pdf(user=city_user, campaign=campaign, compare_to=earlier),
        max(1, args.repeat // 2),
    )
    return row


if __name__ == "__main__":
    main()
