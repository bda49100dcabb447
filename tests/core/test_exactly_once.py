"""Exactly-once work across workers (docs/decisions/0026-exactly-once-across-workers.md),
on PostgreSQL with two workers at once, each a ResilientWorker in a thread of its own (its
own connection): every queued mail goes out once, the periodic tick is queued once per
period and its body never runs twice at once, and the tasks of a worker killed in the middle
of a send run again — the mail goes out once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jamlik.core.models import WorkerHeartbeat
from jamlik.events import tasks
from jamlik.events.services import housekeeping
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.tasks import deliver_message
from jamlik.worker import recovery
from jamlik.worker.loop import ResilientWorker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TICK = "jamlik.events.tasks.events_tick"

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two workers on their own connections"
    ),
]


def make_worker(worker_id: str, *, claim_at_once: int = 10) -> ResilientWorker:
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0.02,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.claim_at_once = claim_at_once
    worker.sleep = lambda seconds: time.sleep(min(seconds, 0.02))
    return worker


def run_together(workers: list[ResilientWorker]) -> None:
    """Start the workers at the same instant, each in its own thread (own connection), and
    wait until each ran dry."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(worker: ResilientWorker) -> None:
        try:
            barrier.wait(timeout=30)
            worker.run()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)


def queue_mail(number: int) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        kind="test", to=f"person{number}@example.org", subject=f"Nummer {number}", body_text="Hej!"
    )
    deliver_message.enqueue(message.pk)
    return message


def sent_per_row() -> Counter:
    return Counter(int(m.extra_headers["X-Jamlik-Outbox"]) for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_200_queued_mails_each_exactly_once(settings, mailoutbox):
    settings.TASKS = DATABASE_TASKS
    messages = [queue_mail(n) for n in range(200)]
    run_together(
        [make_worker("worker-a", claim_at_once=3), make_worker("worker-b", claim_at_once=3)]
    )
    assert OutboxMessage.objects.filter(status="sent").count() == 200
    per_row = sent_per_row()
    assert set(per_row) == {m.pk for m in messages}
    assert set(per_row.values()) == {1}
    assert Counter(m.to[0] for m in mail.outbox).most_common(1)[0][1] == 1
    # Both took part: the rows were shared, not sent by one while the other idled.
    ran_by = Counter(
        ids[-1]
        for ids in DBTaskResult.objects.filter(task_path=deliver_message.module_path).values_list(
            "worker_ids", flat=True
        )
    )
    assert set(ran_by) == {"worker-a", "worker-b"}
    assert sum(ran_by.values()) == 200
    assert not DBTaskResult.objects.filter(status__in=["RUNNING", "FAILED"]).exists()


@pytest.mark.django_db(transaction=True)
def test_two_delivery_tasks_of_one_row_on_two_workers_send_it_once(settings, mailoutbox):
    """A row requeued by the tick while its first task still waits (or a task recovered
    from a dead worker) has two tasks: the row lock and the status decide, not the task."""
    settings.TASKS = DATABASE_TASKS
    messages = [queue_mail(n) for n in range(40)]
    for message in messages:
        deliver_message.enqueue(message.pk)  # a second task for the same row
    run_together(
        [make_worker("worker-a", claim_at_once=1), make_worker("worker-b", claim_at_once=1)]
    )
    assert (
        DBTaskResult.objects.filter(
            task_path=deliver_message.module_path, status="SUCCESSFUL"
        ).count()
        == 80
    )
    assert sorted(sent_per_row().values()) == [1] * 40


@pytest.mark.django_db(transaction=True)
def test_the_tick_is_queued_and_run_once_per_period_whatever_the_number_of_workers(settings):
    settings.TASKS = DATABASE_TASKS
    run_together([make_worker(f"worker-{n}") for n in range(4)])
    ticks = DBTaskResult.objects.filter(task_path=TICK)
    # Four starts queued one run due now; it ran once and queued the next period's run.
    assert ticks.filter(status="SUCCESSFUL").count() == 1
    following = ticks.get(status="READY")
    assert following.run_after - timezone.now() > tasks.TICK_EVERY - timedelta(minutes=1)
    assert ticks.count() == 2
    # Four more workers start (a restart of all): still one waiting.
    run_together([make_worker(f"worker-{n}") for n in range(4, 8)])
    assert ticks.filter(status="READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_ticks_body_never_runs_twice_at_once(settings, monkeypatch):
    """Two runs of the tick at the same instant (two workers' ticks, or cron's next to the
    worker's): one does the work, the other finds the lease taken and does nothing."""
    inside = []
    most = []
    lock = threading.Lock()

    def slow_housekeeping() -> int:
        with lock:
            inside.append(1)
            most.append(len(inside))
        time.sleep(0.5)
        with lock:
            inside.pop()
        return 0

    monkeypatch.setattr(housekeeping, "events_housekeep_due", slow_housekeeping)
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(tasks.tick_work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert max(most) == 1
    assert sorted("skipped" in r for r in results) == [False, True]
    # The lease is given back: the next period's run works.
    assert "housekept" in tasks.tick_work()


@pytest.mark.django_db(transaction=True)
def test_a_lease_left_by_a_dead_tick_expires(settings):
    assert tasks.tick_lease_take() is not None  # this run "dies" without giving it back
    assert tasks.tick_work() == {"skipped": 1}
    WorkerHeartbeat.objects.filter(name=tasks.TICK_RUNNING).update(
        last_seen=timezone.now() - tasks.TICK_LEASE - timedelta(seconds=1)
    )
    assert "housekept" in tasks.tick_work()


def kill_mid_send(message: OutboxMessage, worker_id: str, *, ago: timedelta) -> DBTaskResult:
    """What a worker killed (SIGKILL) while sending leaves behind: its delivery task RUNNING
    in its name, the outbox row still queued (the transaction that locked it died with the
    connection), and a heartbeat that stopped ``ago``."""
    task_result = next(
        t
        for t in DBTaskResult.objects.filter(task_path=deliver_message.module_path)
        if t.args_kwargs["args"] == [message.pk]
    )
    started = timezone.now() - ago
    DBTaskResult.objects.filter(pk=task_result.pk).update(
        status="RUNNING", started_at=started, worker_ids=[worker_id]
    )
    WorkerHeartbeat.objects.update_or_create(
        name=recovery.heartbeat_name(worker_id), defaults={"last_seen": started}
    )
    return task_result


@pytest.mark.django_db(transaction=True)
def test_the_task_of_a_worker_killed_mid_send_runs_again_and_the_mail_goes_out_once(
    settings, mailoutbox
):
    settings.TASKS = DATABASE_TASKS
    lost = queue_mail(1)
    task_result = kill_mid_send(lost, "killed-worker", ago=timedelta(minutes=5))
    other = queue_mail(2)
    # A live worker's long task (heartbeat fresh) is not taken from it.
    busy = queue_mail(3)
    busy_task = kill_mid_send(busy, "busy-worker", ago=timedelta(minutes=5))
    WorkerHeartbeat.beat(recovery.heartbeat_name("busy-worker"))

    run_together([make_worker("survivor-a"), make_worker("survivor-b")])

    task_result.refresh_from_db()
    assert task_result.status == "SUCCESSFUL"
    assert task_result.worker_ids[0] == "killed-worker"
    assert task_result.worker_ids[-1] in {"survivor-a", "survivor-b"}
    assert OutboxMessage.objects.get(pk=lost.pk).status == "sent"
    assert OutboxMessage.objects.get(pk=other.pk).status == "sent"
    assert sent_per_row() == Counter({lost.pk: 1, other.pk: 1})
    assert DBTaskResult.objects.get(pk=busy_task.pk).status == "RUNNING"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_marking_the_row_sent_does_not_send_it_again(settings, mailoutbox):
    """Killed after its send was recorded but before the task's end was: the task runs
    again and finds the row sent."""
    settings.TASKS = DATABASE_TASKS
    message = queue_mail(1)
    kill_mid_send(message, "killed-worker", ago=timedelta(minutes=3))
    OutboxMessage.objects.filter(pk=message.pk).update(status="sent", sent_at=timezone.now())
    run_together([make_worker("survivor-a"), make_worker("survivor-b")])
    assert mail.outbox == []
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


@pytest.mark.django_db(transaction=True)
def test_the_tick_recovers_too_and_a_recent_claim_is_left_alone(settings, mailoutbox):
    """With the workers running (none starting), the periodic tick hands the dead worker's
    task back; a task started under DEAD_AFTER ago is not judged yet, whatever its
    heartbeat, and a recovery racing another recovers each task once."""
    settings.TASKS = DATABASE_TASKS
    dead = kill_mid_send(queue_mail(1), "killed-worker", ago=timedelta(minutes=3))
    recent = kill_mid_send(queue_mail(2), "slow-start", ago=timedelta(seconds=30))
    WorkerHeartbeat.objects.filter(name=recovery.heartbeat_name("slow-start")).update(
        last_seen=timezone.now() - timedelta(hours=1)
    )
    assert "housekept" in tasks.tick_work()
    assert DBTaskResult.objects.get(pk=dead.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=dead.pk).started_at is None
    assert DBTaskResult.objects.get(pk=recent.pk).status == "RUNNING"
    assert recovery.tasks_recover_orphaned() == 0


def test_heartbeat_names_fit_the_column():
    assert recovery.heartbeat_name("abc") == "worker:abc"
    long_name = recovery.heartbeat_name("x" * 64)
    assert len(long_name) <= 50 and long_name.startswith("worker:")


@pytest.mark.django_db(transaction=True)
def test_heartbeats_of_workers_gone_for_a_day_are_forgotten(settings):
    WorkerHeartbeat.objects.create(
        name=recovery.heartbeat_name("gone"), last_seen=timezone.now() - timedelta(days=2)
    )
    WorkerHeartbeat.beat(recovery.heartbeat_name("here"))
    recovery.tasks_recover_orphaned()
    assert set(WorkerHeartbeat.objects.values_list("name", flat=True)) == {"worker:here"}
