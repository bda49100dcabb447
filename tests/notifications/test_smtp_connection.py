"""The worker's mails of one batch share one SMTP connection (jamlik.notifications.smtp):
opened at the first send, closed when the batch ends, sent again once on a fresh connection
when the server dropped the shared one. Outside a batch every mail has its own connection,
as before."""

from __future__ import annotations

import smtplib
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError

from jamlik.notifications import services as outbox
from jamlik.notifications import smtp
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.tasks import deliver_message
from jamlik.worker.loop import ResilientWorker

BACKEND = f"{__name__}.CountingBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class CountingBackend(LocmemBackend):
    """locmem with the SMTP backend's connection rules (send_messages opens a connection
    when none is open and closes only one it opened), counting opens and closes; a send
    fails while ``failures`` is above zero, as on a connection the server dropped."""

    opened = 0
    closed = 0
    failures = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_open = False

    def open(self) -> bool:
        if self.is_open:
            return False
        type(self).opened += 1
        self.is_open = True
        return True

    def close(self) -> None:
        if self.is_open:
            type(self).closed += 1
        self.is_open = False

    def send_messages(self, messages: Any) -> int:
        opened_here = self.open()
        try:
            if type(self).failures > 0:
                type(self).failures -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            return super().send_messages(messages)
        finally:
            if opened_here:
                self.close()


@pytest.fixture
def counting(settings) -> Iterator[type[CountingBackend]]:
    settings.EMAIL_BACKEND = BACKEND
    CountingBackend.opened = CountingBackend.closed = CountingBackend.failures = 0
    mail.outbox = []
    yield CountingBackend


def email(n: int) -> EmailMessage:
    return EmailMessage(f"Nummer {n}", "Hej!", "från@example.org", [f"p{n}@example.org"])


def test_without_a_batch_each_mail_has_its_own_connection(counting):
    for n in range(3):
        smtp.send(email(n))
    assert (counting.opened, counting.closed) == (3, 3)
    assert len(mail.outbox) == 3


def test_in_a_batch_the_mails_share_one_connection_closed_at_its_end(counting):
    with smtp.shared_connection():
        for n in range(3):
            smtp.send(email(n))
        assert (counting.opened, counting.closed) == (1, 0)  # still open for the next mail
    assert (counting.opened, counting.closed) == (1, 1)
    assert [m.subject for m in mail.outbox] == ["Nummer 0", "Nummer 1", "Nummer 2"]


def test_a_batch_without_mail_opens_no_connection(counting):
    with smtp.shared_connection():
        pass
    assert counting.opened == 0


def test_a_batch_within_a_batch_keeps_the_outer_connection(counting):
    with smtp.shared_connection():
        smtp.send(email(0))
        with smtp.shared_connection():
            smtp.send(email(1))
        assert counting.closed == 0
        smtp.send(email(2))
    assert (counting.opened, counting.closed) == (1, 1)


def test_a_dropped_shared_connection_is_replaced_and_the_mail_sent_once(counting):
    with smtp.shared_connection():
        smtp.send(email(0))
        counting.failures = 1
        smtp.send(email(1))  # fails on the old connection, goes out on a new one
        smtp.send(email(2))  # and the next mails use the new one
    assert (counting.opened, counting.closed) == (2, 2)
    assert [m.subject for m in mail.outbox] == ["Nummer 0", "Nummer 1", "Nummer 2"]


def test_a_second_failure_is_the_callers(counting):
    with smtp.shared_connection():
        smtp.send(email(0))
        counting.failures = 2
        with pytest.raises(smtplib.SMTPServerDisconnected):
            smtp.send(email(1))
        assert counting.opened == counting.closed == 2  # tried once more, not twice
        smtp.send(email(2))  # the next mail starts on a fresh connection
    assert (counting.opened, counting.closed) == (3, 3)
    assert [m.subject for m in mail.outbox] == ["Nummer 0", "Nummer 2"]


def test_a_failure_on_a_fresh_connection_is_not_tried_again(counting):
    with smtp.shared_connection():
        counting.failures = 1
        with pytest.raises(smtplib.SMTPServerDisconnected):
            smtp.send(email(0))
    assert (counting.opened, counting.closed) == (1, 1)
    assert mail.outbox == []


def stored(n: int) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind="test", to=f"p{n}@example.org", subject=f"Nummer {n}", body_text="Hej!"
    )


@pytest.mark.django_db
def test_deliver_rendered_sends_on_the_shared_connection(counting):
    messages = [stored(n) for n in range(3)]
    with smtp.shared_connection():
        for message in messages:
            outbox._deliver_rendered(message, [])
    assert (counting.opened, counting.closed) == (1, 1)
    assert {m.status for m in OutboxMessage.objects.all()} == {"sent"}


@pytest.mark.django_db
def test_deliver_rendered_schedules_a_retry_after_the_second_failure(counting, monkeypatch):
    scheduled: list[int] = []
    monkeypatch.setattr(outbox, "_schedule", lambda message_id, **kw: scheduled.append(message_id))
    first, second = stored(0), stored(1)
    with smtp.shared_connection():
        outbox._deliver_rendered(first, [])
        counting.failures = 2
        outbox._deliver_rendered(second, [])
    assert scheduled == [second.pk]
    assert OutboxMessage.objects.get(pk=second.pk).status == "queued"
    assert OutboxMessage.objects.get(pk=first.pk).status == "sent"


# ---- The worker: one connection a batch --------------------------------------------------


def started_worker() -> ResilientWorker:
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0.05,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.sleep = lambda seconds: None
    worker.started = True  # past its start-up: no tick queued
    worker.last_beat = time.monotonic()
    return worker


def queue_mail(n: int) -> OutboxMessage:
    message = stored(n)
    deliver_message.enqueue(message.pk)
    return message


@pytest.mark.django_db(transaction=True)
def test_a_worker_batch_sends_on_one_connection_closed_when_the_batch_ends(settings, counting):
    settings.TASKS = DATABASE_TASKS
    for n in range(3):
        queue_mail(n)
    worker = started_worker()
    worker.iterate()
    assert (counting.opened, counting.closed) == (1, 1)
    assert OutboxMessage.objects.filter(status="sent").count() == 3
    # The next batch opens a connection of its own.
    queue_mail(3)
    worker.iterate()
    assert (counting.opened, counting.closed) == (2, 2)


@pytest.mark.django_db(transaction=True)
def test_a_batch_ended_by_an_error_closes_the_connection(settings, counting, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    for n in range(3):
        queue_mail(n)
    real_run_task = ResilientWorker.run_task
    ran: list[int] = []

    def run_then_lose_the_database(self, task_result):
        real_run_task(self, task_result)
        ran.append(task_result.pk)
        if len(ran) == 2:  # two mails sent on the shared connection, then the error
            raise OperationalError("the connection is closed")

    monkeypatch.setattr(ResilientWorker, "run_task", run_then_lose_the_database)
    with pytest.raises(OperationalError):
        started_worker().iterate()
    assert (counting.opened, counting.closed) == (1, 1)


# ---- With a real SMTP server -----------------------------------------------------------


class CountingSink:
    """An aiosmtpd handler counting EHLOs (one a connection) and accepting every message."""

    def __init__(self) -> None:
        self.greetings = 0
        self.subjects: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.greetings += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.subjects.append(envelope.content.split(b"Subject: ", 1)[1].split(b"\r\n")[0].decode())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_over_smtp_one_connection_a_batch_and_a_restarted_server_is_reconnected(settings):
    from aiosmtpd.controller import Controller

    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    first, second = CountingSink(), CountingSink()
    server = Controller(first, hostname="127.0.0.1", port=port)
    server.start()
    try:
        with smtp.shared_connection():
            smtp.send(email(0))
            smtp.send(email(1))
            # The server restarts: the shared connection is dead, the next mail reconnects.
            server.stop()
            server = Controller(second, hostname="127.0.0.1", port=port)
            server.start()
            smtp.send(email(2))
            smtp.send(email(3))
    finally:
        server.stop()
    assert (first.greetings, first.subjects) == (1, ["Nummer 0", "Nummer 1"])
    assert (second.greetings, second.subjects) == (1, ["Nummer 2", "Nummer 3"])
