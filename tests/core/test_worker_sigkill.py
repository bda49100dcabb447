"""A real ``jamlik db_worker`` process killed with SIGKILL in the middle of an SMTP send
(docs/decisions/0026-exactly-once-across-workers.md): its delivery task is handed back to a
second worker process, and the mail goes out — once when the SMTP server had not accepted it,
twice (the documented at-least-once edge, the same outbox id in both) when the server had
accepted it but the dead worker could not mark the row sent.

The SMTP server is an aiosmtpd sink in this process that holds the first DATA until the test
has killed the worker. The two minutes after which a silent worker counts as dead are passed
by moving its heartbeat and its task's start back, not by waiting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jamlik.core.models import WorkerHeartbeat
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.tasks import deliver_message
from jamlik.worker import recovery

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="worker processes share the test database"
    ),
]


class HoldingSink:
    """An SMTP server that holds the first message's DATA until ``release`` is set, then
    refuses it (``accept_first=False``: the server never took it) or accepts it."""

    def __init__(self, *, accept_first: bool) -> None:
        self.accept_first = accept_first
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.accepted: list[bytes] = []
        self.calls = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.calls += 1
        if self.calls == 1:
            self.first_arrived.set()
            if self.accept_first:
                self.accepted.append(envelope.content)
            # Blocks the sink's loop on purpose: nothing else is sent until the test says so.
            self.release.wait(60)
            return "250 OK" if self.accept_first else "451 Try again later"
        self.accepted.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_env(smtp_port: int) -> dict[str, str]:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "60",
        "DJANGO_SETTINGS_MODULE": "jamlik.settings",
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    jamlik = Path(sys.executable).with_name("jamlik")
    log = open(os.environ.get("SIGKILL_LOG", os.devnull), "ab")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603 (our own console script)
        [str(jamlik), "db_worker", "--interval", "0.1", "--no-reload"],
        env=env,
        stdout=log,
        stderr=log,
    )


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def kill_mid_send_and_recover(settings, *, accept_first: bool) -> tuple[OutboxMessage, list]:
    from aiosmtpd.controller import Controller

    settings.TASKS = DATABASE_TASKS
    sink = HoldingSink(accept_first=accept_first)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    workers: list[subprocess.Popen] = []
    try:
        message = OutboxMessage.objects.create(
            kind="test", to="person@example.org", subject="Bekräftelse", body_text="Hej!"
        )
        deliver_message.enqueue(message.pk)
        env = worker_env(port)
        workers.append(start_worker(env))
        assert sink.first_arrived.wait(90), OutboxMessage.objects.get(pk=message.pk).last_error
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(10) == -signal.SIGKILL

        task = DBTaskResult.objects.get(task_path=deliver_message.module_path)
        assert task.status == "RUNNING"  # left behind: nobody claims a running task
        message.refresh_from_db()
        assert message.status == "queued"
        # Two minutes of silence, passed at once.
        long_ago = timezone.now() - recovery.DEAD_AFTER - timedelta(seconds=30)
        WorkerHeartbeat.objects.filter(name=recovery.heartbeat_name(task.worker_ids[-1])).update(
            last_seen=long_ago
        )
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=long_ago)
        sink.release.set()

        workers.append(start_worker(env))  # recovers the orphan when it starts
        assert wait_for(
            lambda: OutboxMessage.objects.filter(pk=message.pk, status="sent").exists()
        ), "the second worker did not send the mail"
        assert wait_for(
            lambda: DBTaskResult.objects.filter(pk=task.pk, status="SUCCESSFUL").exists()
        )
        return message, list(sink.accepted)
    finally:
        sink.release.set()
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(15)
                except subprocess.TimeoutExpired:
                    worker.kill()
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_the_server_took_the_mail_loses_nothing(settings):
    message, accepted = kill_mid_send_and_recover(settings, accept_first=False)
    assert len(accepted) == 1
    assert f"X-Jamlik-Outbox: {message.pk}".encode() in accepted[0]
    assert (
        not DBTaskResult.objects.filter(status__in=["RUNNING", "FAILED"])
        .filter(task_path=deliver_message.module_path)
        .exists()
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_server_took_the_mail_sends_it_twice_at_most(settings):
    """The SMTP edge: the server had the message when the worker died before marking the
    row sent. The recovered task sends it again — twice, never more, the same outbox id in
    both (docs/decisions/0026)."""
    message, accepted = kill_mid_send_and_recover(settings, accept_first=True)
    assert len(accepted) == 2
    assert all(f"X-Jamlik-Outbox: {message.pk}".encode() in content for content in accepted)
