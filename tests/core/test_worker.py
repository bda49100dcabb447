"""``jamlik db_worker`` outlives the database: a lost or refused connection makes it wait,
reconnect and go on — the mail of the next task still goes out. On PostgreSQL the worker's
own connection is killed with pg_terminate_backend, while it waits and while it sends, and
the server is made unreachable for a while, as a restart does."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import get_commands, load_command_class
from django.db import OperationalError, connection, connections
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from jamlik.core.models import WorkerHeartbeat
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.tasks import deliver_message
from jamlik.worker.loop import ResilientWorker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ADDRESS = "person@example.org"

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills PostgreSQL server connections"
)


def make_worker(*, batch: bool) -> ResilientWorker:
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0.05,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.slept = []  # type: ignore[attr-defined]

    def sleep(seconds: float) -> None:
        worker.slept.append(seconds)  # type: ignore[attr-defined]
        time.sleep(min(seconds, 0.05))

    worker.sleep = sleep
    return worker


def queue_mail(subject: str) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        kind="test", to=ADDRESS, subject=subject, body_text="Hej!"
    )
    message.task_id = deliver_message.enqueue(message.pk).id  # type: ignore[attr-defined]
    return message


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def is_sent(message: OutboxMessage) -> bool:
    return OutboxMessage.objects.get(pk=message.pk).status == "sent"


@contextmanager
def running_worker() -> Iterator[tuple[ResilientWorker, threading.Thread, list[BaseException]]]:
    worker = make_worker(batch=False)
    crashed: list[BaseException] = []

    def run() -> None:
        try:
            worker.run()
        except BaseException as exc:  # the test asserts there is none
            crashed.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield worker, thread, crashed
    finally:
        worker.running = False
        thread.join(timeout=30)


def worker_backend_pids() -> list[int]:
    """The server processes of the other client connections to the test database: those
    of the worker thread."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def terminate(pids: list[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_jamlik_db_worker_is_the_resilient_one():
    """Django takes a command from the earliest app in INSTALLED_APPS: ours must win over
    django_tasks_db's, so the README's ``jamlik db_worker`` reconnects."""
    assert get_commands()["db_worker"] == "jamlik.worker"
    command = load_command_class("jamlik.worker", "db_worker")
    assert "outlives database restarts" in command.help


@pytest.mark.django_db(transaction=True)
def test_connection_errors_are_waited_out_with_growing_pauses(settings, mailoutbox, caplog):
    settings.TASKS = DATABASE_TASKS
    message = queue_mail("Efter avbrottet")
    real_beat = WorkerHeartbeat.beat.__func__
    failures = iter([True, True, True])

    def flaky_beat(cls, name):
        if next(failures, False):
            raise OperationalError("the connection is closed")
        real_beat(cls, name)

    worker = make_worker(batch=True)
    caplog.set_level(logging.WARNING, logger="jamlik.worker")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WorkerHeartbeat, "beat", classmethod(flaky_beat))
        worker.run()
    assert is_sent(message)
    assert [m.subject for m in mailoutbox] == ["Efter avbrottet"]
    assert worker.slept[:3] == [1.0, 2.0, 4.0]  # type: ignore[attr-defined]
    warnings = [r.getMessage() for r in caplog.records if r.name == "jamlik.worker"]
    assert len(warnings) == 3
    assert warnings[0] == "database unavailable (OperationalError); the worker reconnects in 1 s"
    assert not any(ADDRESS in text for text in caplog.messages)
    assert WorkerHeartbeat.last(WorkerHeartbeat.WORKER) is not None


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_end_could_not_be_saved_is_marked_failed(settings, mailoutbox):
    """The connection broke as the task ended: upstream could record neither its success
    nor its failure (and ended the process). Once reconnected it is marked failed instead
    of staying RUNNING for ever, and the worker goes on with the next task."""
    settings.TASKS = DATABASE_TASKS
    first = queue_mail("Första")
    second = queue_mail("Andra")
    real_successful = DBTaskResult.set_successful
    real_failed = DBTaskResult.set_failed
    broken = {"successful": 1, "failed": 1}

    def set_successful(self, value):
        if broken["successful"]:
            broken["successful"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        real_successful(self, value)

    def set_failed(self, exc):
        if broken["failed"]:
            broken["failed"] -= 1
            raise OperationalError("the connection is closed")
        real_failed(self, exc)

    worker = make_worker(batch=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DBTaskResult, "set_successful", set_successful)
        patch.setattr(DBTaskResult, "set_failed", set_failed)
        worker.run()
    # The first task run (the periodic tick, queued at start) is the one that was hit.
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "django.db.utils.OperationalError"
    assert failed.task_path == "jamlik.events.tasks.events_tick"
    assert is_sent(first) and is_sent(second)


def started_worker() -> ResilientWorker:
    """A worker past its start-up (no tick queued), polling by hand."""
    worker = make_worker(batch=True)
    worker.started = True
    worker.last_beat = time.monotonic()
    return worker


@pytest.mark.django_db(transaction=True)
def test_a_poll_claims_several_tasks_in_one_round_trip(settings, mailoutbox):
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = DATABASE_TASKS
    messages = [queue_mail(f"Nummer {n}") for n in range(3)]
    worker = started_worker()
    with CaptureQueriesContext(connection) as queries:
        worker.iterate()
    assert all(is_sent(m) for m in messages)
    task_sql = [q["sql"] for q in queries if "django_tasks_database_dbtaskresult" in q["sql"]]
    # One SELECT for all three, one UPDATE claiming them, then each task's own end.
    assert sum(sql.startswith("SELECT") for sql in task_sql) == 1
    assert len([sql for sql in task_sql if sql.startswith("UPDATE")]) == 1 + 3
    # Work was found: the worker polls again at once instead of sleeping.
    assert worker.slept == []  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_tasks_claimed_but_not_started_go_back_when_the_worker_stops(settings, mailoutbox):
    settings.TASKS = DATABASE_TASKS
    messages = [queue_mail(f"Nummer {n}") for n in range(3)]
    worker = started_worker()
    real_run_task = ResilientWorker.run_task

    def run_one_then_stop(self, task_result):
        real_run_task(self, task_result)
        self.running = False  # as SIGTERM does

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ResilientWorker, "run_task", run_one_then_stop)
        worker.iterate()
    assert [is_sent(m) for m in messages] == [True, False, False]
    waiting = DBTaskResult.objects.exclude(status="SUCCESSFUL")
    assert [(t.status, t.started_at) for t in waiting] == [("READY", None)] * 2
    started_worker().iterate()  # the next worker runs them
    assert all(is_sent(m) for m in messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
@needs_postgres
def test_worker_goes_on_after_its_connection_is_killed_while_it_waits(settings, mailoutbox):
    settings.TASKS = DATABASE_TASKS
    with running_worker() as (_worker, thread, crashed):
        first = queue_mail("Före")
        assert wait_for(lambda: is_sent(first))
        pids = worker_backend_pids()
        assert pids
        terminate(pids)
        second = queue_mail("Efter")
        assert wait_for(lambda: is_sent(second)), crashed
        assert thread.is_alive() and crashed == []
        assert set(worker_backend_pids()).isdisjoint(pids)  # a fresh connection


class BlockingBackend(LocmemBackend):
    """Holds the first send until the test has killed the worker's connection: PostgreSQL
    restarting while a mail is on its way."""

    sending = threading.Event()
    killed = threading.Event()
    pid: int | None = None

    def send_messages(self, messages):
        cls = type(self)
        if not cls.sending.is_set():
            cls.pid = connections["default"].connection.info.backend_pid
            cls.sending.set()
            assert cls.killed.wait(timeout=30)
        return super().send_messages(messages)


class Hold:
    """Lets the test kill the worker's connection while a task runs."""

    running = threading.Event()
    killed = threading.Event()
    pid: int | None = None

    @classmethod
    def reset(cls) -> None:
        cls.running.clear()
        cls.killed.clear()
        cls.pid = None

    @classmethod
    def here(cls) -> None:
        cls.pid = connections["default"].connection.info.backend_pid
        cls.running.set()
        assert cls.killed.wait(timeout=30)


@task()
def count_after_a_pause() -> int:
    Hold.here()
    # Autocommit, outside any transaction: Django keeps the dead connection, so upstream's
    # worker then failed to record the task's failure ("the connection is closed") and ended.
    return OutboxMessage.objects.count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
@needs_postgres
def test_worker_goes_on_after_its_connection_is_killed_while_a_task_runs(settings, mailoutbox):
    """The reported failure: PostgreSQL restarts while a task runs. Upstream's worker ended
    with ``OperationalError: the connection is closed`` and no mail went out after that."""
    settings.TASKS = DATABASE_TASKS
    Hold.reset()
    with running_worker() as (_worker, thread, crashed):
        paused = count_after_a_pause.enqueue()
        assert Hold.running.wait(timeout=30)
        terminate([Hold.pid])
        Hold.killed.set()
        message = queue_mail("Efter omstarten")
        assert wait_for(lambda: is_sent(message)), crashed
        assert thread.is_alive() and crashed == []
        # The interrupted task is recorded as failed, not left RUNNING.
        assert wait_for(lambda: DBTaskResult.objects.get(pk=paused.id).status == "FAILED")
        assert [m.subject for m in mailoutbox] == ["Efter omstarten"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
@needs_postgres
def test_worker_goes_on_after_its_connection_is_killed_while_it_sends(settings, mailoutbox):
    """The mail server has the message when the connection dies: the outbox row is not
    updated (its transaction is gone), so it stays queued for the tick to hand out again;
    the worker goes on."""
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = f"{__name__}.BlockingBackend"
    BlockingBackend.sending.clear()
    BlockingBackend.killed.clear()
    with running_worker() as (_worker, thread, crashed):
        first = queue_mail("Under omstarten")
        assert BlockingBackend.sending.wait(timeout=30)
        terminate([BlockingBackend.pid])
        BlockingBackend.killed.set()
        second = queue_mail("Efter omstarten")
        assert wait_for(lambda: is_sent(second)), crashed
        assert thread.is_alive() and crashed == []
        # The first task's end is recorded once the database is back; its mail stays queued
        # (the send was not saved), so the periodic tick hands it out again later.
        assert wait_for(lambda: DBTaskResult.objects.get(pk=first.task_id).status == "FAILED")
        assert OutboxMessage.objects.get(pk=first.pk).status == "queued"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
@needs_postgres
def test_worker_waits_while_the_server_is_away_then_goes_on(settings, mailoutbox):
    """As a restart does: the connection drops and new ones are refused for a while.
    Upstream's worker ended at the first refused connection."""
    settings.TASKS = DATABASE_TASKS
    settings_dict = connection.settings_dict  # shared with the worker thread's connection
    saved = dict(settings_dict)
    with running_worker() as (worker, thread, crashed):
        first = queue_mail("Före")
        assert wait_for(lambda: is_sent(first))
        try:
            settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
            terminate(worker_backend_pids())
            # Refused at least three times: the pauses grow (1, 2, 4 s, shortened here).
            assert wait_for(lambda: [s for s in worker.slept if s >= 1][:3] == [1.0, 2.0, 4.0])
            assert thread.is_alive() and crashed == []
        finally:
            settings_dict.clear()
            settings_dict.update(saved)
        second = queue_mail("Efter")
        assert wait_for(lambda: is_sent(second)), crashed
        assert thread.is_alive() and crashed == []
