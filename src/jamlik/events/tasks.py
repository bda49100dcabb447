"""Background tasks of the events app (django-tasks; run by ``jamlik db_worker``).

``release_event`` is enqueued for ``quota_lock_until`` when an event is saved (if the task
backend can defer); ``events_tick`` does all periodic work at once. With the database task
backend it keeps its own next run queued ``TICK_EVERY`` ahead, and every start of the worker
(and every ``migrate``) queues a run at once unless one is waiting, so the worker alone sends
reminders and anonymises on time; without it a scheduler (cron, systemd timer) runs
``jamlik events tick`` every few minutes. Each run writes the ``tick`` heartbeat that
``/readyz`` checks. The tick also does the periodic work of the apps below events: it
requeues stale outbox mail, deletes expired file jobs (``core.filejobs``) and hands the
tasks of a dead worker back to the queue (``worker.recovery``).

However many workers run, the tick's body never runs twice at once: it first takes the
``tick:running`` lease (a conditional UPDATE of one heartbeat row, nothing held open, so it
works through PgBouncer in transaction mode too) and gives it back when done; a run that
finds the lease taken does nothing. A run that dies with the lease keeps it ``TICK_LEASE``
at most (docs/decisions/0026-exactly-once-across-workers.md).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.db import connections, router, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from jamlik.core.filejobs import file_jobs_delete_expired
from jamlik.core.models import WorkerHeartbeat
from jamlik.events.models import Event
from jamlik.events.services import housekeeping
from jamlik.events.services.evaluation import evaluations_send_due
from jamlik.events.services.invitations import invitation_reminders_send
from jamlik.events.services.radar import unused_seat_reminders_send
from jamlik.events.services.seats import event_release_if_due
from jamlik.notifications.services import outbox_requeue_stale
from jamlik.worker.recovery import tasks_recover_orphaned

logger = logging.getLogger(__name__)


@task()
def release_event(event_id: int) -> bool:
    """Serve the release of one event (and expired holds); idempotent."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return False
    event_release_if_due(event=event)
    return True


@task()
def housekeep_events() -> int:
    """Serve every due release and expire every hold that ran out."""
    return housekeeping.events_housekeep_due()


@task()
def send_reminders() -> int:
    return housekeeping.reminders_send()


@task()
def anonymise_registrations() -> int:
    return housekeeping.registrations_anonymise_due()


TICK_EVERY = timedelta(minutes=5)
# pg_advisory_xact_lock key of "queue the next tick" (any constant of our own will do).
TICK_LOCK = 0x6A616D6C696B01


@task()
def events_tick() -> dict[str, int]:
    # First, so that a failure below does not end the chain of runs.
    tick_schedule()
    return tick_work()


# The lease row of a running tick, and how long a run that died keeps it.
TICK_RUNNING = "tick:running"
TICK_LEASE = timedelta(minutes=10)
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def tick_work() -> dict[str, int]:
    """The periodic work itself, run by ``events_tick`` on the worker and by
    ``jamlik events tick`` from cron; either way it writes the heartbeat ``/readyz`` reads.
    Returns ``{"skipped": 1}`` when another run holds the lease."""
    taken = tick_lease_take()
    if taken is None:
        logger.info("periodic tick skipped: another run is at work")
        return {"skipped": 1}
    try:
        WorkerHeartbeat.beat(WorkerHeartbeat.TICK)
        recovered = tasks_recover_orphaned()
        if recovered:
            logger.warning("periodic tick: %d task(s) of a dead worker requeued", recovered)
        housekept = housekeeping.events_housekeep_due()
        # After the releases due are served: nothing is chased past its release.
        chased = unused_seat_reminders_send()
        if chased:
            logger.info("periodic tick: %d allocation(s) reminded of unused seats", chased)
        invitees = invitation_reminders_send()
        if invitees:
            logger.info("periodic tick: %d invitee(s) reminded to answer", invitees)
        # After the event: the evaluation and certificate mail to those who came.
        evaluated = evaluations_send_due()
        if evaluated:
            logger.info("periodic tick: %d evaluation invitation(s) sent", evaluated)
        return {
            "housekept": housekept,
            "reminded": housekeeping.reminders_send(),
            "anonymised": housekeeping.registrations_anonymise_due(),
            "needs_erased": housekeeping.needs_erase_due(),
            "mail_requeued": outbox_requeue_stale(),
            "file_jobs_deleted": file_jobs_delete_expired(),
        }
    finally:
        tick_lease_give_back(taken)


def tick_lease_take() -> datetime | None:
    """Take the ``tick:running`` lease: one conditional UPDATE that succeeds for one caller
    only while the lease is free (or older than ``TICK_LEASE``). Returns the stamp written,
    which ``tick_lease_give_back`` needs, or None when the lease is taken."""
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(name=TICK_RUNNING).exists():
        # Created free once; two creators race harmlessly (the name is unique).
        WorkerHeartbeat.objects.get_or_create(name=TICK_RUNNING, defaults={"last_seen": _NEVER})
    taken = WorkerHeartbeat.objects.filter(
        name=TICK_RUNNING, last_seen__lt=now - TICK_LEASE
    ).update(last_seen=now)
    return now if taken else None


def tick_lease_give_back(taken: datetime) -> None:
    WorkerHeartbeat.objects.filter(name=TICK_RUNNING, last_seen=taken).update(last_seen=_NEVER)


def tick_schedule(*, delay: timedelta = TICK_EVERY) -> bool:
    """Queue the next ``events_tick`` ``delay`` from now unless a run is already waiting
    (or, for a run due now, at work).
    Only with the database backend, whose queue can be asked; returns whether one was queued.

    Check and enqueue happen under a lock, so two workers starting at once (or two
    ``migrate`` runs) leave exactly one run waiting: on PostgreSQL a transaction-level
    advisory lock; SQLite's IMMEDIATE transactions take the write lock at BEGIN already."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(events_tick.get_backend(), DatabaseBackend):
        return False
    using = router.db_for_write(DBTaskResult)
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TICK_LOCK])
        # A start (delay 0) also leaves alone a run at work on another worker: that run
        # queues the next one itself. A run left RUNNING by a dead worker is READY again by
        # then (the worker recovers orphans before it sends worker_started).
        statuses = (
            [TaskResultStatus.READY]
            if delay
            else [TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )
        waiting = (
            DBTaskResult.objects.using(using)
            .filter(status__in=statuses, task_path=events_tick.module_path)
            .exists()
        )
        if waiting:
            return False
        events_tick.using(run_after=timezone.now() + delay).enqueue()
    return True
