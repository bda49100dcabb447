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
