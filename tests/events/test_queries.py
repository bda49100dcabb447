"""Query counts that do not grow with the data (docs/quality.md#query-discipline): every endpoint measured on an
event with hundreds of registrations, against the same endpoint on a small event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.core import filejobs
from jamlik.events import services
from jamlik.events.models import Registration
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


def build(personas, people: int):
    event = EventFactory(capacity=people, quota_lock_until=None)
    AllocationFactory(event=event, quota=people // 2, organisations=[personas.org_a])
    orgs = [personas.org_a, personas.unit_a, personas.org_b] + [
        OrganisationFactory(parent=personas.city) for _ in range(3)
    ]
    sessions = [SessionFactory(event=event, capacity=None) for _ in range(2)]
    for n in range(people + people // 10):  # a tenth more than the capacity: a waiting list
        register(event, orgs[n % len(orgs)], sessions=[sessions[n % 2].pk])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    registration = Registration.objects.filter(event=event, organisation=personas.org_a).first()
    return event, link, registration


def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 300, response.content[:300]
    return len(queries)


ENDPOINTS = {
    "event": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}"),
    "events": lambda api, e, link, r: api.get("/api/v1/events"),
    "allocations": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/allocations"),
    "sessions": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/sessions"),
    "links": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/links"),
    "registrations": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/registrations"),
    "waiting": lambda api, e, link, r: api.get(
        f"/api/v1/events/{e.pk}/registrations", {"status": "waiting"}
    ),
    "export.csv": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/export.csv"),
    "export.xlsx": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/export.xlsx"),
    "badges.pdf": lambda api, e, link, r: api.get(f"/api/v1/events/{e.pk}/badges.pdf"),
    "check-in": lambda api, e, link, r: api.post(
        f"/api/v1/events/{e.pk}/registrations/{r.pk}/check-in"
    ),
    "public link": lambda api, e, link, r: api.get(f"/api/v1/public/links/{link.token}"),
    "public event": lambda api, e, link, r: api.get(f"/api/v1/public/events/{e.pk}"),
    "manage": lambda api, e, link, r: api.get(f"/api/v1/public/registrations/{r.manage_token}"),
}


@pytest.mark.parametrize("badges_in_request", [1000, 0], ids=["badges-built-now", "badges-job"])
def test_query_counts_do_not_grow(personas, clock, monkeypatch, badges_in_request):
    # badges.pdf is built in the request up to a limit and started as a job above it: each
    # way is measured on both sizes (core.filejobs.fits_in_request).
    monkeypatch.setitem(filejobs._in_request_limits, services.BADGES_PDF, badges_in_request)
    small = build(personas, 10)
    large = build(personas, 300)
    api = personas.api(personas.city_coordinator)
    figures = {}
    for name, call in ENDPOINTS.items():
        few = count(lambda call=call: call(api, *small))
        many = count(lambda call=call: call(api, *large))
        figures[name] = (few, many)
    print("queries (11 registrations, 330 registrations):", figures)
    grown = {name: f for name, f in figures.items() if f[1] > f[0] or f[1] > 15}
    assert not grown, grown


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def test_registration_costs_a_fixed_number_of_statements(personas, clock, settings):
    """One registration with one session through an organisation's link, as production runs
    it (the task backend stores the notice; the worker renders the mail later), counted
    besides the transaction's own statements (docs/quality.md#query-discipline).

    The link with its event and organisation; the lock; under it the allocation with its
    counters, the programme, the registration, and its session with the notice's task row,
    the counters and the audit entry (one statement on PostgreSQL, one each on SQLite): 6 in
    all on PostgreSQL, 4 of them under the lock."""
    event, link, _ = build(personas, 300)
    services.event_update(actor=None, event=event, capacity=1000)
    session = SessionFactory(event=event, capacity=None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    api = personas.api()
    body = {
        "name": "Ny Person",
        "email": "ny@a.example",
        "category": "employee",
        "consent": True,
        "sessions": [session.pk],
    }
    with CaptureQueriesContext(connection) as captured:
        response = api.post(f"/api/v1/public/links/{link.token}/registrations", body)
    assert response.status_code == 201, response.content[:300]
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    locked = next(i for i, sql in enumerate(statements) if "FROM events_event e WHERE" in sql)
    under_lock = statements[locked + 1 :]
    print("statements for one registration:", len(statements), "under the lock:", len(under_lock))
    # Then the registration's session, the notice's task row, the counters and the audit
    # entry: one statement on PostgreSQL, one each on SQLite.
    writes = 1 if connection.vendor == "postgresql" else 6
    assert len(under_lock) == 3 + writes, under_lock
    assert len(statements) == 2 + len(under_lock), statements


def test_release_of_a_long_waiting_list_is_batched(personas, clock):
    event = EventFactory(capacity=300)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    for _ in range(150):
        register(event, personas.org_a)
    clock.set(event.quota_lock_until + timedelta(seconds=1))
    with CaptureQueriesContext(connection) as queries:
        services.event_release_if_due(event=event)
    assert Registration.objects.filter(event=event, status="confirmed").count() == 150
    # Per promoted registration: its sessions, its save and its mail; the queue itself is
    # read once.
    assert len(queries) < 150 * 8
