"""The worker schedules its own periodic work whenever it starts — not only when ``migrate``
runs — and never twice: however many workers start at once, exactly one ``events_tick``
waits in the queue. Each run writes the heartbeat /readyz reads, and requeues mail whose
delivery task was lost."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jamlik.core.models import WorkerHeartbeat
from jamlik.events import tasks
from jamlik.notifications.models import OutboxMessage
from jamlik.worker.loop import ResilientWorker
from jamlik.worker.signals import worker_started

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def waiting_ticks():
    return DBTaskResult.objects.filter(task_path="jamlik.events.tasks.events_tick", status="READY")


def make_worker(**options) -> ResilientWorker:
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        **options,
    )
    worker.sleep = lambda seconds: None
    return worker


@pytest.mark.django_db
def test_worker_start_queues_one_tick_due_now(settings):
    settings.TASKS = DATABASE_TASKS
    assert not waiting_ticks().exists()
    worker_started.send(sender=ResilientWorker, worker=None)
    tick = waiting_ticks().get()
    assert tick.run_after <= timezone.now()
    worker_started.send(sender=ResilientWorker, worker=None)  # a second worker starts
    assert waiting_ticks().count() == 1


@pytest.mark.django_db
def test_with_inline_tasks_the_start_queues_nothing():
    worker_started.send(sender=ResilientWorker, worker=None)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_tick_at_start_and_keeps_the_next_one_queued(settings):
    """No migrate: a worker started on an empty queue schedules the tick itself, runs it at
    once, and leaves the next run queued TICK_EVERY ahead; the heartbeats are written."""
    settings.TASKS = DATABASE_TASKS
    make_worker().run()
    ticks = DBTaskResult.objects.filter(task_path="jamlik.events.tasks.events_tick")
    ran = ticks.get(status="SUCCESSFUL")
    assert ran.return_value == {
        "housekept": 0,
        "reminded": 0,
        "anonymised": 0,
        "needs_erased": 0,
        "mail_requeued": 0,
        "file_jobs_deleted": 0,
    }
    following = ticks.get(status="READY")
    assert following.run_after - timezone.now() > tasks.TICK_EVERY - timedelta(minutes=1)
    assert WorkerHeartbeat.last(WorkerHeartbeat.TICK) >= ran.started_at
    assert WorkerHeartbeat.last(WorkerHeartbeat.WORKER) is not None
    # A second worker start (the first one restarted, say) adds nothing.
    make_worker().run()
    assert ticks.filter(status="READY").count() == 1


def _start_worker(barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait(timeout=30)
        worker_started.send(sender=ResilientWorker, worker=None)
    except BaseException as exc:  # reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_workers_starting_at_once_leave_exactly_one_tick(settings):
    """Many workers start at the same instant, each on its own connection (PostgreSQL: the
    advisory lock; SQLite: the IMMEDIATE transaction serialises them)."""
    settings.TASKS = DATABASE_TASKS
    starters = 12 if connection.vendor == "postgresql" else 4
    for _round in range(3):
        DBTaskResult.objects.all().delete()
        barrier = threading.Barrier(starters)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_start_worker, args=(barrier, errors)) for _ in range(starters)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert waiting_ticks().count() == 1


@pytest.mark.django_db
def test_the_tick_requeues_mail_whose_delivery_was_lost(settings, mailoutbox):
    """A message still queued 15 minutes after it fell due lost its delivery task (the
    worker died or lost the database while sending); the tick hands it out again. One whose
    retry is still ahead is left alone."""
    lost = OutboxMessage.objects.create(kind="t", to="lost@example.org", subject="s", body_text="b")
    OutboxMessage.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    waiting = OutboxMessage.objects.create(
        kind="t",
        to="later@example.org",
        subject="s",
        body_text="b",
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(minutes=1),
    )
    fresh = OutboxMessage.objects.create(kind="t", to="new@example.org", subject="s", body_text="b")
    result = tasks.events_tick.call()
    assert result["mail_requeued"] == 1
    assert OutboxMessage.objects.get(pk=lost.pk).status == "sent"
    assert OutboxMessage.objects.get(pk=waiting.pk).status == "queued"
    assert OutboxMessage.objects.get(pk=fresh.pk).status == "queued"
    assert [m.to for m in mailoutbox] == [["lost@example.org"]]
