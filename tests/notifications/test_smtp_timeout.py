"""A mail server that accepts the connection and never answers must not hold the worker:
with EMAIL_TIMEOUT the send gives up, and the outbox keeps the message for a later attempt
(counted, with its time set, and with the database backend a delivery task deferred to it)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.services import outbox_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_smtp() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never writes a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def smtp_settings(settings, silent_smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = silent_smtp
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    return settings


def _message() -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind="test", to="person@example.org", subject="Hej", body_text="Hej!"
    )


def test_the_default_timeout_is_30_seconds():
    if "EMAIL_TIMEOUT" in os.environ:
        pytest.skip("EMAIL_TIMEOUT is set in this environment")
    assert django_settings.EMAIL_TIMEOUT == 30


def test_a_silent_server_gives_up_in_seconds_and_the_message_waits_for_a_retry(
    smtp_settings, django_capture_on_commit_callbacks
):
    message = _message()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver(message_id=message.pk) is False
    assert time.monotonic() - started < 5
    message.refresh_from_db()
    assert message.status == "queued"
    assert message.attempts == 1
    assert message.next_attempt_at is not None and message.next_attempt_at > timezone.now()
    assert "timed out" in message.last_error
    assert message.sent_at is None


def test_with_the_worker_the_retry_is_queued_for_later(
    smtp_settings, django_capture_on_commit_callbacks
):
    smtp_settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    message = _message()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    retry = DBTaskResult.objects.get(task_path="jamlik.notifications.services.deliver_message")
    assert retry.status == "READY"
    assert retry.args_kwargs["args"] == [message.pk]
    assert abs((retry.run_after - message.next_attempt_at).total_seconds()) < 5
