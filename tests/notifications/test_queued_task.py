"""The notices' task row written among the seat decision's own statements
(notifications.notices.queued_task) is the row the task backend's ``enqueue`` stores."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from jamlik.notifications import notices
from jamlik.notifications.notices import Notice

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STORED = ["status", "args_kwargs", "priority", "task_path", "worker_ids", "queue_name",
          "backend_name", "run_after", "return_value", "exception_class_path", "traceback"]  # fmt: skip


def _stored(row: DBTaskResult) -> dict:
    return {name: getattr(row, name) for name in STORED}


def test_the_queued_row_is_the_row_enqueue_stores(settings):
    settings.TASKS = DATABASE_BACKEND
    said = [Notice("events.registration.created", {"registration": 7, "status": "confirmed"})]
    notices.send(said)
    (enqueued,) = DBTaskResult.objects.all()

    task = notices.queued_task(said)
    assert task is not None
    with connection.cursor() as cursor:
        cursor.execute(task.sql, task.params)
    queued = DBTaskResult.objects.exclude(pk=enqueued.pk).get()
    assert _stored(queued) == _stored(enqueued)
    assert queued.enqueued_at is not None and queued.status == "READY"
    # The worker reads it back as the same call.
    assert queued.task_result.args == enqueued.task_result.args


def test_the_queued_row_logs_as_enqueue_does(settings, caplog):
    settings.TASKS = DATABASE_BACKEND
    task = notices.queued_task([Notice("events.registration.promoted", {"registration": 1})])
    assert task is not None
    with connection.cursor() as cursor:
        cursor.execute(task.sql, task.params)
    with caplog.at_level("DEBUG"):
        task.sent()
    assert str(task.row.id) in caplog.text


def test_nothing_to_queue_or_another_backend_is_left_to_send(settings):
    settings.TASKS = DATABASE_BACKEND
    assert notices.queued_task([]) is None
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert notices.queued_task([Notice("events.registration.promoted", {})]) is None
