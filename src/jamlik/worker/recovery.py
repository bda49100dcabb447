"""Tasks of a dead worker go back to the queue (docs/decisions/0026-exactly-once-across-workers.md).

A worker marks the tasks it claims RUNNING and names itself in their ``worker_ids``; it
writes its own heartbeat, ``worker:<worker id>``, as it polls and, under ``jamlik
db_worker``, from a small thread while a task runs. A worker killed with tasks in hand
(SIGKILL, the machine lost, out of memory) leaves them RUNNING for ever: nobody claims a
RUNNING task. ``tasks_recover_orphaned`` hands such tasks back — READY again, claimed by
nobody — once their worker's heartbeat is older than ``DEAD_AFTER`` (or was never written
and the task started that long ago). Every worker calls it when it starts and the periodic
tick calls it, so one surviving worker is enough.

The task then runs again. A delivery task is safe to run twice (``outbox_deliver`` locks the
outbox row and sends only a queued one); the edge left is the SMTP server's acceptance of a
message whose row the dead worker could not mark sent: that message goes out twice.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jamlik.core.models import WorkerHeartbeat

logger = logging.getLogger("jamlik.worker")

# Twelve missed heartbeats (a worker beats every 10 s, also while a task runs).
DEAD_AFTER = timedelta(minutes=2)
PREFIX = "worker:"
FORGET_AFTER = timedelta(days=1)


def heartbeat_name(worker_id: str) -> str:
    """The heartbeat row of one worker (``WorkerHeartbeat.name`` holds 50 characters; a
    worker id may have 64)."""
    name = f"{PREFIX}{worker_id}"
    if len(name) <= 50:
        return name
    return PREFIX + hashlib.sha256(worker_id.encode()).hexdigest()[:40]


def tasks_recover_orphaned(*, now: datetime | None = None) -> int:
    """Put RUNNING tasks whose worker stopped beating ``DEAD_AFTER`` ago back to READY;
    returns how many. Each row is handed back with a conditional UPDATE (still RUNNING,
    still started when we looked), so two workers recovering at once recover it once, and a
    task that finished meanwhile is left alone."""
    now = now or timezone.now()
    cutoff = now - DEAD_AFTER
    # The rows of workers gone for a day (each start has a new id) are forgotten.
    WorkerHeartbeat.objects.filter(
        name__startswith=PREFIX, last_seen__lt=now - FORGET_AFTER
    ).delete()
    suspects = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        .order_by("started_at")
        .values_list("pk", "started_at", "worker_ids")[:500]
    )
    if not suspects:
        return 0
    names = {pk: heartbeat_name(ids[-1]) for pk, _started, ids in suspects if ids}
    alive = set(
        WorkerHeartbeat.objects.filter(
            name__in=set(names.values()), last_seen__gte=cutoff
        ).values_list("name", flat=True)
    )
    recovered = 0
    for pk, started_at, _ids in suspects:
        if names.get(pk) in alive:
            continue  # a long task of a live worker
        recovered += DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
    if recovered:
        logger.warning(
            "%d task(s) of a worker that stopped beating went back to the queue", recovered
        )
    return recovered
