"""/readyz: 200 when the database answers, every migration is applied and (with the database
task backend) the worker ran the periodic tick within 15 minutes; 503 otherwise. Public,
like /healthz, and nothing personal in its body."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from jamlik.core import health
from jamlik.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _forget_migration_check(monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok", False)


def readyz():
    response = Client().get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response, response.json()


def set_beat(name: str, ago: timedelta) -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now() - ago}
    )


def test_ready_with_inline_tasks():
    response, body = readyz()
    assert response.status_code == 200, body
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }


def test_ready_with_the_database_backend_and_a_recent_tick(settings):
    settings.TASKS = DATABASE_TASKS
    set_beat(WorkerHeartbeat.TICK, timedelta(minutes=4))
    set_beat(WorkerHeartbeat.WORKER, timedelta(seconds=3))
    response, body = readyz()
    assert response.status_code == 200, body
    assert body["checks"]["worker"] == "ok"
    assert 3 <= body["checks"]["worker_seen_seconds_ago"] < 60


def test_not_ready_when_the_last_tick_is_older_than_15_minutes(settings):
    settings.TASKS = DATABASE_TASKS
    set_beat(WorkerHeartbeat.TICK, timedelta(minutes=16))
    response, body = readyz()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"].startswith("the periodic tick last ran 96")


def test_not_ready_when_the_tick_never_ran(settings):
    settings.TASKS = DATABASE_TASKS
    response, body = readyz()
    assert response.status_code == 503
    assert body["checks"]["worker"] == "the periodic tick never ran"
    assert body["checks"]["worker_seen_seconds_ago"] is None


def test_an_old_tick_does_not_matter_with_inline_tasks():
    set_beat(WorkerHeartbeat.TICK, timedelta(days=3))
    assert readyz()[0].status_code == 200


def test_not_ready_with_an_unapplied_migration():
    def plan(self, targets, clean_start=False):
        migration = self.loader.graph.nodes[("core", "0003_worker_heartbeat")]
        return [(migration, False)]

    with mock.patch.object(MigrationExecutor, "migration_plan", plan):
        response, body = readyz()
    assert response.status_code == 503
    assert body["checks"]["migrations"] == "1 unapplied"
    # Applied now: ready, and the answer is remembered (the graph is not loaded again).
    assert readyz()[0].status_code == 200
    with mock.patch.object(MigrationExecutor, "__init__", side_effect=AssertionError):
        assert readyz()[0].status_code == 200


def test_not_ready_when_the_database_is_unreachable():
    with mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=OperationalError("connection refused"),
    ):
        response, body = readyz()
    assert response.status_code == 503
    assert body == {"status": "unavailable", "checks": {"database": "unavailable"}}
