"""Scoping (docs/api.md#scoping): an org coordinator sees and changes the people of their organisation's
subtree only — by list, filter, detail, export, check-in, cancel, links and messages. Events,
allocations and the programme are visible to all staff."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail

from jamlik.events import selectors
from jamlik.events.models import Registration
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, clock):
    event = EventFactory(capacity=50)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    AllocationFactory(event=event, quota=10, organisations=[personas.org_b])
    SessionFactory(event=event)
    a = [
        register(event, personas.org_a).registration,
        register(event, personas.unit_a).registration,
    ]
    b = [
        register(event, personas.org_b).registration,
        register(event, personas.unit_b).registration,
    ]
    return event, a, b


def ids(response):
    return {row["id"] for row in response.json()}


def test_registration_list_is_scoped(personas, world):
    event, a, b = world
    url = f"/api/v1/events/{event.pk}/registrations"
    assert ids(personas.api(personas.coordinator_a).get(url)) == {r.pk for r in a}
    assert ids(personas.api(personas.coordinator_b).get(url)) == {r.pk for r in b}
    assert ids(personas.api(personas.city_coordinator).get(url)) == {r.pk for r in a + b}
    assert ids(personas.api(personas.admin).get(url)) == {r.pk for r in a + b}


def test_filtering_for_another_organisation_shows_nothing(personas, world):
    event, _a, b = world
    api = personas.api(personas.coordinator_a)
    url = f"/api/v1/events/{event.pk}/registrations"
    assert api.get(url, {"organisation": personas.org_b.pk}).json() == []
    assert api.get(url, {"q": b[0].email}).json() == []
    assert api.get(url, {"code": b[0].checkin_code}).json() == []
    total = api.get(url, {"limit": 1})
    assert total["X-Total-Count"] == "2"


@pytest.mark.parametrize("action", ["get", "check-in", "cancel", "undo-check-in"])
def test_another_organisations_registration_is_404(personas, world, action):
    event, _a, b = world
    api = personas.api(personas.coordinator_a)
    base = f"/api/v1/events/{event.pk}/registrations/{b[0].pk}"
    response = {
        "get": lambda: api.get(base),
        "check-in": lambda: api.post(f"{base}/check-in"),
        "cancel": lambda: api.post(f"{base}/cancel"),
        "undo-check-in": lambda: api.delete(f"{base}/check-in"),
    }[action]()
    assert response.status_code == 404
    fresh = Registration.objects.get(pk=b[0].pk)
    assert fresh.status == "confirmed" and fresh.checked_in_at is None


def test_exports_are_scoped(personas, world):
    event, a, b = world
    response = personas.api(personas.coordinator_a).get(f"/api/v1/events/{event.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert {int(row[0]) for row in rows} == {r.pk for r in a}
    assert all(b[0].email not in ",".join(row) for row in rows)
    xlsx = personas.api(personas.coordinator_b).get(f"/api/v1/events/{event.pk}/export.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert {sheet.cell(row=i, column=1).value for i in range(2, sheet.max_row + 1)} == {
        r.pk for r in b
    }


def test_link_tokens_are_scoped(personas, world):
    event, *_ = world
    body = personas.api(personas.coordinator_a).get(f"/api/v1/events/{event.pk}/links").json()
    assert [link["organisation"] for link in body] == [personas.org_a.pk]
    regenerate = personas.api(personas.coordinator_a).post(
        f"/api/v1/events/{event.pk}/links/{personas.org_b.pk}/regenerate"
    )
    assert regenerate.status_code == 404


def test_links_send_is_scoped(personas, world, django_capture_on_commit_callbacks):
    event, *_ = world
    api = personas.api(personas.coordinator_a)
    refused = api.post(
        f"/api/v1/events/{event.pk}/links/send", {"organisations": [personas.org_b.pk]}
    )
    assert refused.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/events/{event.pk}/links/send", {})
    assert sent.json()["organisations"] == [personas.org_a.pk]
    assert [m.to for m in mail.outbox] == [[personas.org_a.mailbox]]


def test_messages_reach_the_coordinators_people_only(
    personas, world, django_capture_on_commit_callbacks
):
    event, a, _b = world
    with django_capture_on_commit_callbacks(execute=True):
        response = personas.api(personas.coordinator_a).post(
            f"/api/v1/events/{event.pk}/messages", {"subject": "Hej", "body": "Vi ses."}
        )
    assert response.json()["recipients"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in a)
    listed = personas.api(personas.coordinator_b).get(f"/api/v1/events/{event.pk}/messages")
    assert listed.json() == []


def test_events_allocations_and_programme_are_visible_to_all_staff(personas, world):
    event, *_ = world
    for user in (personas.coordinator_a, personas.coordinator_b, personas.city_coordinator):
        api = personas.api(user)
        assert api.get(f"/api/v1/events/{event.pk}").status_code == 200
        assert len(api.get(f"/api/v1/events/{event.pk}/allocations").json()) == 2
        assert len(api.get(f"/api/v1/events/{event.pk}/sessions").json()) == 1


def test_statistics_and_waiting_list_are_scoped(personas, world):
    event, _a, _b = world
    stats = selectors.statistics_by_organisation(user=personas.coordinator_a, event=event)
    assert {s.organisation_id for s in stats} == {personas.org_a.pk, personas.unit_a.pk}
    waiting = selectors.waiting_list(user=personas.coordinator_b, event=event)
    assert waiting == []


def test_external_registrations_are_seen_by_city_staff_only(personas, world, clock):
    event, *_ = world
    from datetime import timedelta

    clock.set(event.quota_lock_until + timedelta(minutes=1))
    external = register(event, None, via_link=False, category="partner").registration
    url = f"/api/v1/events/{event.pk}/registrations"
    assert external.pk in ids(personas.api(personas.city_coordinator).get(url))
    assert external.pk not in ids(personas.api(personas.coordinator_a).get(url))


def test_badges_are_scoped(personas, world):
    from pypdf import PdfReader

    event, a, b = world
    response = personas.api(personas.coordinator_a).get(f"/api/v1/events/{event.pk}/badges.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert all(r.name in text for r in a)
    assert not any(r.name in text for r in b)
