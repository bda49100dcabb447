"""Notices: the one route from a seat decision to its mail (notifications/notices.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from jamlik.notifications import notices
from jamlik.notifications.models import OutboxMessage, OutboxStatus
from jamlik.notifications.notices import Notice, render_notices
from tests.factories.events import EventFactory, register

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run(row: DBTaskResult) -> int:
    return render_notices.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def test_a_decision_queues_one_task_and_renders_nothing(personas, clock, settings):
    settings.TASKS = DATABASE_TASKS
    event = EventFactory(capacity=5, quota_lock_until=None)
    register(event, personas.org_a)
    rows = DBTaskResult.objects.filter(task_path="jamlik.notifications.notices.render_notices")
    assert rows.count() == 1
    assert not OutboxMessage.objects.exists()


def test_the_worker_sends_what_it_renders_in_the_same_run(
    personas, clock, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    event = EventFactory(capacity=5, quota_lock_until=None)
    registration = register(event, personas.org_a).registration
    row = DBTaskResult.objects.get(task_path="jamlik.notifications.notices.render_notices")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(row) == 1
    assert [m.to for m in mail.outbox] == [[registration.email]]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    delivery = DBTaskResult.objects.filter(
        task_path="jamlik.notifications.services.deliver_message"
    )
    assert not delivery.exists()


def test_a_notice_that_cannot_be_rendered_does_not_keep_back_the_others(
    personas, clock, monkeypatch
):
    event = EventFactory(capacity=5, quota_lock_until=None)
    registration = register(event, personas.org_a).registration
    OutboxMessage.objects.all().delete()
    seen = []

    def broken(notice: Notice) -> None:
        seen.append(notice.kind)
        raise ValueError("a template bug")

    monkeypatch.setitem(notices._renderers, "broken", broken)
    items = [
        {"kind": "broken.thing", "facts": {}},
        {"kind": "events.registration.created", "facts": {"registration": registration.pk}},
    ]
    assert notices.render(items) == 1
    assert seen == ["broken.thing"]
    assert OutboxMessage.objects.filter(kind="events.confirmation").count() == 1


def test_the_worker_sends_from_memory_and_marks_sent_in_one_statement(
    personas, clock, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = DATABASE_TASKS
    event = EventFactory(capacity=5, quota_lock_until=None)
    register(event, personas.org_a)
    row = DBTaskResult.objects.get(task_path="jamlik.notifications.notices.render_notices")
    mail.outbox.clear()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _run(row)
    outbox_sql = [q["sql"] for q in queries if "notifications_outboxmessage" in q["sql"]]
    # Stored once, marked sent once; never read back.
    assert [sql.split()[0] for sql in outbox_sql] == ["INSERT", "UPDATE"]
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    sent = mail.outbox[0]
    assert sent.subject == message.subject
    assert sorted(a[0] for a in sent.attachments) == ["incheckning.png", "kalender.ics"]


def test_a_failed_send_from_memory_leaves_the_message_to_its_delivery_task(
    personas, clock, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail import EmailMultiAlternatives

    settings.TASKS = DATABASE_TASKS
    event = EventFactory(capacity=5, quota_lock_until=None)
    register(event, personas.org_a)
    row = DBTaskResult.objects.get(task_path="jamlik.notifications.notices.render_notices")

    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    with django_capture_on_commit_callbacks(execute=True):
        _run(row)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 0)
    delivery = DBTaskResult.objects.get(task_path="jamlik.notifications.services.deliver_message")
    assert delivery.args_kwargs["args"] == [message.pk]


def test_a_message_no_longer_queued_is_not_marked_again(
    personas, clock, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail import EmailMultiAlternatives

    settings.TASKS = DATABASE_TASKS
    event = EventFactory(capacity=5, quota_lock_until=None)
    register(event, personas.org_a)
    row = DBTaskResult.objects.get(task_path="jamlik.notifications.notices.render_notices")
    original = EmailMultiAlternatives.send

    def send_after_someone_else(self, fail_silently=False):
        OutboxMessage.objects.update(status=OutboxStatus.FAILED)
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_after_someone_else)
    with django_capture_on_commit_callbacks(execute=True):
        _run(row)
    assert OutboxMessage.objects.get().status == OutboxStatus.FAILED
