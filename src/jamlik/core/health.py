"""``/readyz``: is this installation ready to do its work? (``/healthz`` only says the
process answers and reaches the database.)

200 when every check passes, 503 otherwise, with a small JSON body naming each check:

- ``database``: a ``SELECT 1`` answers;
- ``migrations``: no migration of the code is unapplied;
- ``worker`` (only with the database task backend): the periodic tick ran within
  ``TICK_STALE_AFTER`` — the worker is alive and its queue moves. ``worker_seen`` tells
  when the worker last polled, for the reader.

Nothing in the body is personal or secret; exception messages stay out of it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from jamlik.core.models import WorkerHeartbeat
from jamlik.core.outage import DATABASE_UNAVAILABLE

# Any database failure, as one tuple (the checker cannot follow ``*`` in an except clause).
_DATABASE_DOWN: tuple[type[BaseException], ...] = (DatabaseError, *DATABASE_UNAVAILABLE)

# The tick runs every 5 minutes; three missed runs mean the worker is not doing its job.
TICK_STALE_AFTER = timedelta(minutes=15)

# Once every migration was seen applied, this process need not load the graph again: the
# code cannot gain migrations without a restart, and applied ones are not undone.
_migrations_ok = False


def unapplied_migrations() -> int:
    global _migrations_ok
    if _migrations_ok:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_ok = not plan
    return len(plan)


def _uses_database_tasks() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def _age(at: Any) -> int | None:
    return None if at is None else max(0, int((timezone.now() - at).total_seconds()))


def _worker_check() -> str:
    tick_age = _age(WorkerHeartbeat.last(WorkerHeartbeat.TICK))
    if tick_age is None:
        return "the periodic tick never ran"
    if tick_age > TICK_STALE_AFTER.total_seconds():
        return f"the periodic tick last ran {tick_age} s ago"
    return "ok"


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
        unapplied = unapplied_migrations()
        checks["migrations"] = f"{unapplied} unapplied" if unapplied else "ok"
        if _uses_database_tasks():
            checks["worker"] = _worker_check()
            checks["worker_seen_seconds_ago"] = _age(WorkerHeartbeat.last(WorkerHeartbeat.WORKER))
        else:
            checks["worker"] = "ok"  # tasks run inline: no worker to wait for
    except _DATABASE_DOWN:
        checks["database"] = "unavailable"
    ready = all(checks.get(name) == "ok" for name in ("database", "migrations", "worker"))
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
