"""Many people registering for the last seats at the same moment (PostgreSQL: real row locks
and real parallel transactions). A control run without the lock shows the race is real."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from jamlik.events import services
from jamlik.events.models import Event, Registration, Status
from jamlik.events.selectors import seat_counts_from_counters, seat_counts_from_rows
from jamlik.events.services import seats
from tests.factories.events import AllocationFactory, EventFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and parallel writers"
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 24
QUOTA = 10
ALREADY = 7  # 3 seats of the quota are left


def _setup():
    org = OrganisationFactory(code="RACE", domains=["race.example"])
    event = EventFactory(capacity=40)
    allocation = AllocationFactory(event=event, quota=QUOTA, organisations=[org])
    for _ in range(ALREADY):
        register(event, org)
    return event, allocation, org


def _storm(event, org, count=THREADS):
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def attempt(n: int):
        try:
            barrier.wait(timeout=30)
            return services.registration_create(
                event=event,
                organisation=org,
                name=f"Racer {n}",
                email=f"racer{n}@{org.domains[0]}",  # the link's domain rule
                category="employee",
                consent=True,
            ).registration.status
        except BaseException as exc:  # reported below; the test must see every failure
            errors.append(exc)
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(attempt, range(count)))
    return results, errors


def test_parallel_registrations_never_exceed_the_quota():
    event, allocation, org = _setup()
    results, errors = _storm(event, org)
    assert errors == []
    assert results.count(Status.CONFIRMED) == QUOTA - ALREADY
    assert results.count(Status.WAITING) == THREADS - (QUOTA - ALREADY)
    seated = Registration.objects.filter(
        allocation=allocation, status__in=[Status.CONFIRMED, Status.PENDING_APPROVAL]
    ).count()
    assert seated == QUOTA
    assert seat_counts_from_counters(event) == seat_counts_from_rows(event)


def test_parallel_registrations_for_the_last_seats_of_the_event():
    org = OrganisationFactory(code="LAST", domains=["last.example"])
    event = EventFactory(capacity=12, quota_lock_until=None)
    for _ in range(9):
        register(event, org)
    results, errors = _storm(event, org)
    assert errors == []
    event = Event.objects.get(pk=event.pk)
    assert results.count(Status.CONFIRMED) == 3
    assert (
        event.confirmed_count
        == 12
        == Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    )
    assert seat_counts_from_counters(event) == seat_counts_from_rows(event)


def test_control_without_the_lock_the_quota_is_broken(monkeypatch):
    """The same storm with the lock replaced by a plain read (and a short pause that stands for
    the time a real request spends between reading and writing): the quota is exceeded. This
    is what the lock prevents."""
    event, allocation, org = _setup()

    def unlocked(event_id):
        found = Event.objects.get(pk=event_id)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(seats, "lock_event", unlocked)
    _storm(event, org)
    seated = Registration.objects.filter(
        allocation=allocation, status__in=[Status.CONFIRMED, Status.PENDING_APPROVAL]
    ).count()
    assert seated > QUOTA, "without the lock the race did not show; the control proves nothing"


@pytest.mark.django_db(transaction=False)
def test_duplicate_check_uses_an_email_index_even_with_a_generic_plan(personas):
    """The planner trap (docs/quality.md#planner-trap): the lookup by (event, lower(email)) must not scan the event,
    also when PostgreSQL plans the prepared statement once for any parameters (as it may
    after psycopg prepares a query that runs often)."""
    from jamlik.events.services.registrations import active_registration_for

    org = OrganisationFactory(code="PLAN", domains=["plan.example"])
    event = EventFactory(capacity=2000, quota_lock_until=None)
    for _ in range(300):
        register(event, org)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_registration")
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(
            "PREPARE duplicate_check(bigint, text, text, text, text) AS "
            "SELECT id FROM events_registration WHERE event_id = $1 "
            "AND lower(email) = $2 AND status IN ($3, $4, $5)"
        )
        cursor.execute(
            f"EXPLAIN EXECUTE duplicate_check({int(event.pk)}, 'x@plan.example', 'confirmed', "
            "'pending_approval', 'waiting')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE duplicate_check")
        cursor.execute("RESET plan_cache_mode")
    assert "reg_event_email" in plan, plan
    assert active_registration_for(event, "nobody@plan.example") is None
