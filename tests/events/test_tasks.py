"""The worker's tasks: the release at quota_lock_until, expired holds, reminders (once), and
anonymisation a set time after the event with statistics per organisation kept."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jamlik.events import selectors, services, tasks
from jamlik.events.models import Event, Registration
from jamlik.notifications.models import OutboxMessage
from tests.events.conftest import assert_counters_match_rows
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db


def test_release_task_serves_the_waiting_list(personas, clock):
    event = EventFactory(capacity=5)
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    register(event, personas.org_a)
    waiting = [register(event, personas.org_a).registration for _ in range(3)]
    tasks.release_event.enqueue(event.pk)  # too early: nothing happens
    assert Registration.objects.filter(status="waiting").count() == 3
    clock.set(event.quota_lock_until)
    tasks.release_event.enqueue(event.pk)
    assert {Registration.objects.get(pk=r.pk).status for r in waiting} == {"confirmed"}
    assert Event.objects.get(pk=event.pk).released_at == event.quota_lock_until
    assert_counters_match_rows(event)


def test_housekeeping_finds_every_due_event(personas, clock):
    due = EventFactory(capacity=5)
    AllocationFactory(event=due, quota=1, organisations=[personas.org_a])
    register(due, personas.org_a)
    waiting = register(due, personas.org_a).registration
    held = EventFactory(capacity=5, approval_required=True, approval_hold_hours=1)
    AllocationFactory(event=held, quota=1, organisations=[personas.org_a])
    hold = register(held, personas.org_a).registration
    later = register(held, personas.org_a).registration
    clock.set(due.quota_lock_until + timedelta(minutes=1))
    assert tasks.housekeep_events.enqueue().return_value == 2
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert Registration.objects.get(pk=hold.pk).status == "expired"
    assert Registration.objects.get(pk=later.pk).status == "pending_approval"
    assert tasks.housekeep_events.enqueue().return_value == 0


def test_reminder_task_once(personas, clock):
    event = EventFactory(quota_lock_until=None)
    register(event, personas.org_a)
    clock.set(event.starts_at - timedelta(hours=30))
    assert tasks.send_reminders.enqueue().return_value == 1
    assert tasks.send_reminders.enqueue().return_value == 0
    assert OutboxMessage.objects.filter(kind="events.reminder").count() == 1


def test_anonymisation_after_the_set_days_keeps_statistics(personas, clock, settings):
    settings.JAMLIK = {**settings.JAMLIK, "ANONYMISE_AFTER_DAYS": 30}
    event = EventFactory(quota_lock_until=None)
    first = register(event, personas.org_a, dietary="Glutenfri").registration
    second = register(event, personas.org_b).registration
    services.registration_check_in(registration=first, actor=None)
    clock.set(event.ends_at + timedelta(days=29))
    assert tasks.anonymise_registrations.enqueue().return_value == 0
    clock.set(event.ends_at + timedelta(days=31))
    assert tasks.anonymise_registrations.enqueue().return_value == 2
    for registration in (first, second):
        fresh = Registration.objects.get(pk=registration.pk)
        assert fresh.name == "" and fresh.dietary == "" and fresh.manager_email == ""
        assert fresh.email.endswith("@anonymised.invalid")
        assert fresh.anonymised_at is not None
    assert not OutboxMessage.objects.filter(about=f"events.registration:{first.pk}").exists()
    stats = {
        s.organisation_id: s
        for s in selectors.statistics_by_organisation(user=personas.admin, event=event)
    }
    assert stats[personas.org_a.pk].checked_in == 1
    assert stats[personas.org_b.pk].no_shows == 1
    assert tasks.anonymise_registrations.enqueue().return_value == 0


def test_erasure_of_one_person(personas, clock):
    event = EventFactory(quota_lock_until=None, capacity=1)
    person = register(event, personas.org_a).registration
    waiting = register(event, personas.org_a).registration
    erased = services.registration_anonymise(actor=personas.admin, registration=person)
    assert erased.status == "cancelled" and erased.name == ""
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_tick_command(personas, clock):
    event = EventFactory(capacity=5)
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    register(event, personas.org_a)
    register(event, personas.org_a)
    clock.set(event.quota_lock_until + timedelta(minutes=1))
    out = StringIO()
    call_command("events", "tick", stdout=out)
    assert "events housekept: 1" in out.getvalue()
    assert Registration.objects.filter(status="waiting").count() == 0


def test_saving_a_release_date_schedules_the_release(personas, clock, settings, monkeypatch):
    """With a backend that can wait (the database worker), the release is enqueued for
    quota_lock_until when the event is saved."""
    scheduled = []

    class Deferred:
        supports_defer = True

    class Bound:
        def __init__(self, run_after):
            self.run_after = run_after

        def enqueue(self, event_id):
            scheduled.append((event_id, self.run_after))

    class FakeTask:
        def get_backend(self):
            return Deferred()

        def using(self, run_after):
            return Bound(run_after)

    monkeypatch.setattr(tasks, "release_event", FakeTask())
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        event = EventFactory()
    assert scheduled == [(event.pk, event.quota_lock_until)]


def test_with_the_database_backend_the_worker_renders_the_first_mail(personas, clock, settings):
    """The task row is written in the registration's transaction; the worker renders the
    mail as it was at that moment."""
    from django_tasks_db.models import DBTaskResult

    from jamlik.notifications.notices import render_notices

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory(capacity=1, quota_lock_until=None)
    first = register(event, personas.org_a).registration
    second = register(event, personas.org_a)
    assert not OutboxMessage.objects.exists()
    rows = DBTaskResult.objects.filter(task_path="jamlik.notifications.notices.render_notices")
    assert rows.count() == 2
    services.registration_cancel(registration=first)  # the second is promoted meanwhile
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for row in rows.order_by("enqueued_at"):
        kwargs = row.args_kwargs
        render_notices.call(*kwargs["args"], **kwargs["kwargs"])
    waiting = OutboxMessage.objects.get(kind="events.waiting")
    assert waiting.to == second.registration.email
    assert "Din plats i kön: 1." in waiting.body_text
    assert OutboxMessage.objects.filter(kind="events.confirmation", to=first.email).exists()


def test_with_the_database_backend_the_tick_keeps_its_next_run_queued(personas, clock, settings):
    """The worker alone does the periodic work: each run of events_tick queues the next one
    TICK_EVERY ahead, never a second one while one waits; migrate queues the first."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ticks = DBTaskResult.objects.filter(task_path="jamlik.events.tasks.events_tick")
    call_command("migrate", verbosity=0)  # post_migrate queues the first run
    assert ticks.filter(status="READY").count() == 1
    assert tasks.tick_schedule() is False
    event = EventFactory(quota_lock_until=None)
    register(event, personas.org_a)
    clock.set(event.starts_at - timedelta(hours=30))
    # The worker runs the waiting tick: it queues the next run first, then does the work.
    row = ticks.get(status="READY")
    row.status = "RUNNING"
    row.save(update_fields=["status"])
    assert tasks.events_tick.call()["reminded"] == 1
    following = ticks.get(status="READY")
    assert following.run_after - timezone.now() > tasks.TICK_EVERY - timedelta(minutes=1)
    assert tasks.events_tick.call()["reminded"] == 0
    assert ticks.filter(status="READY").count() == 1


def test_with_the_immediate_backend_no_tick_is_queued():
    assert tasks.tick_schedule() is False


def test_tick_command_writes_the_heartbeat_readyz_reads(personas):
    from jamlik.core.models import WorkerHeartbeat

    call_command("events", "tick", stdout=StringIO())
    assert WorkerHeartbeat.objects.filter(name=WorkerHeartbeat.TICK).exists()
