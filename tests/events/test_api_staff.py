"""The staff endpoints (docs/api.md#endpoints-events): shapes, status codes, bad input (nothing stored)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from openpyxl import load_workbook

from jamlik.events.models import Allocation, Event, Registration, Session
from jamlik.events.services import registration_cancel
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


def event_body(clock, **changes):
    start = clock() + timedelta(days=60)
    body = {
        "title": "Jämlikhetskonferensen",
        "description": "En dag om jämlikhet.",
        "venue": "Burgården konferens",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
        "capacity": 500,
        "opens_at": clock().isoformat(),
        "quota_lock_until": (clock() + timedelta(days=21)).isoformat(),
        "closes_at": (start - timedelta(days=3)).isoformat(),
        "categories": ["employee", "elected", "partner"],
        "approval_required": False,
        "approval_hold_hours": 48,
        "waitlist_enabled": True,
        "kind": "conference",
    }
    body.update(changes)
    return body


# ---- Events ----------------------------------------------------------------------------------------


def test_city_coordinator_creates_a_draft_event(personas, clock):
    response = personas.api(personas.city_coordinator).post("/api/v1/events", event_body(clock))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["kind"] == "conference"
    assert {body["confirmed"], body["held"], body["waiting"]} == {0}
    assert body["free"] == 500
    # Times come back with the Stockholm offset.
    assert body["starts_at"].endswith(("+01:00", "+02:00"))


def test_org_coordinator_may_not_create_events(personas, clock):
    response = personas.api(personas.coordinator_a).post("/api/v1/events", event_body(clock))
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_no_token_is_401(personas, clock):
    assert personas.api().get("/api/v1/events").status_code == 401
    assert personas.api().post("/api/v1/events", event_body(clock)).status_code == 401


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "a\x00b"},
        {"title": 42},
        {"capacity": "ten"},
        {"capacity": "10"},
        {"capacity": 0},
        {"capacity": -5},
        {"capacity": 10**12},
        {"capacity": 1.5},
        {"approval_required": "yes"},
        {"starts_at": "tomorrow"},
        {"starts_at": 1700000000},
        {"starts_at": "2026-02-30T10:00:00+01:00"},
        {"categories": []},
        {"categories": ["boss"]},
        {"categories": "employee"},
        {"kind": "party"},
        {"status": "deleted"},
        {"description": "x" * 10_001},
        {"contact_email": "not-an-address"},
        {"approval_hold_hours": 0},
    ],
)
def test_bad_event_input_is_400_and_stores_nothing(personas, clock, changes):
    response = personas.api(personas.city_coordinator).post(
        "/api/v1/events", event_body(clock, **changes)
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] and body["detail"] and body["errors"]
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at_before_start": True}, "ends_at"),
        ({"release_after_close": True}, "quota_lock_until"),
    ],
)
def test_times_out_of_order_are_400(personas, clock, changes, field):
    body = event_body(clock)
    if "ends_at_before_start" in changes:
        body["ends_at"] = body["opens_at"]
    if "release_after_close" in changes:
        body["quota_lock_until"] = body["starts_at"]
    response = personas.api(personas.city_coordinator).post("/api/v1/events", body)
    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Event.objects.exists()


def test_a_huge_body_is_refused(personas, clock):
    body = event_body(clock, description="x" * 1_000_000)
    response = personas.api(personas.city_coordinator).post("/api/v1/events", body)
    assert response.status_code in (400, 413)
    assert not Event.objects.exists()


def test_not_json_is_400(personas):
    response = personas.api(personas.city_coordinator).post("/api/v1/events", "{not json")
    assert response.status_code == 400


def test_html_and_emoji_are_stored_unchanged(personas, clock):
    title = "<script>alert(1)</script> Jämlikt 🎉 مرحبا"
    response = personas.api(personas.city_coordinator).post(
        "/api/v1/events", event_body(clock, title=title)
    )
    assert response.status_code == 201
    assert Event.objects.get().title == title


def test_english_error_messages_when_asked(personas, clock):
    api = personas.api(personas.city_coordinator, language="en")
    response = api.post("/api/v1/events", event_body(clock, capacity=0))
    assert response.status_code == 400
    assert "at least" in response.json()["errors"][0]["message"].lower()


def test_get_event_has_seat_figures(personas, clock):
    event = EventFactory(capacity=10)
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    register(event, personas.org_a)
    register(event, personas.org_a)
    body = personas.api(personas.coordinator_b).get(f"/api/v1/events/{event.pk}").json()
    assert (body["confirmed"], body["held"], body["waiting"], body["free"]) == (1, 0, 1, 9)
    assert body["phase"] == "quota"


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999", "abc", "-1"])
def test_unknown_event_is_404(personas, pk):
    response = personas.api(personas.admin).get(f"/api/v1/events/{pk}")
    assert response.status_code in (404, 400)
    if pk.isdigit():
        assert response.status_code == 404


def test_patch_event(personas, clock):
    event = EventFactory(capacity=10)
    AllocationFactory(event=event, quota=6, organisations=[personas.org_a])
    api = personas.api(personas.city_coordinator)
    response = api.patch(f"/api/v1/events/{event.pk}", {"capacity": 5})
    assert response.status_code == 400
    assert response.json()["code"] == "quota_sum"
    response = api.patch(f"/api/v1/events/{event.pk}", {"title": "Ny titel", "capacity": 20})
    assert response.status_code == 200
    assert response.json()["title"] == "Ny titel" and response.json()["capacity"] == 20
    assert (
        personas.api(personas.coordinator_a)
        .patch(f"/api/v1/events/{event.pk}", {"title": "x"})
        .status_code
        == 403
    )


def test_patch_capacity_below_taken_is_409(personas, clock):
    event = EventFactory(capacity=10, quota_lock_until=None)
    for _ in range(4):
        register(event, personas.org_a)
    response = personas.api(personas.admin).patch(f"/api/v1/events/{event.pk}", {"capacity": 3})
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_below_taken"
    assert Event.objects.get().capacity == 10


def test_patch_release_date_into_the_past_releases_at_once(personas, clock):
    event = EventFactory(capacity=10)
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    register(event, personas.org_a)
    waiting = register(event, personas.org_a).registration
    response = personas.api(personas.admin).patch(
        f"/api/v1/events/{event.pk}",
        {"quota_lock_until": (clock() - timedelta(minutes=1)).isoformat()},
    )
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "open"
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_event_list_is_paginated(personas, clock):
    for _ in range(5):
        EventFactory()
    response = personas.api(personas.coordinator_a).get("/api/v1/events", {"limit": 2})
    assert response.status_code == 200
    assert len(response.json()) == 2
    assert response["X-Total-Count"] == "5"
    bad = personas.api(personas.coordinator_a).get("/api/v1/events", {"limit": "x"})
    assert bad.status_code == 400


# ---- Allocations ----------------------------------------------------------------------------------


def test_allocations_create_list_patch_delete(personas, clock):
    event = EventFactory(capacity=100)
    api = personas.api(personas.city_coordinator)
    url = f"/api/v1/events/{event.pk}/allocations"
    response = api.post(
        url, {"name": "Stadsdelarna", "quota": 60, "organisations": [personas.org_a.pk]}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["organisations"] == [personas.org_a.pk]
    assert (created["confirmed"], created["held"], created["waiting"]) == (0, 0, 0)
    listed = api.get(url).json()
    assert [a["name"] for a in listed] == ["Stadsdelarna"]
    patched = api.patch(
        f"{url}/{created['id']}", {"quota": 70, "organisations": [personas.org_b.pk]}
    )
    assert patched.status_code == 200
    assert patched.json()["organisations"] == [personas.org_b.pk]
    assert api.delete(f"{url}/{created['id']}").status_code == 204
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "X", "quota": 101, "organisations": []}, "quota_sum"),
        ({"name": "X", "quota": -1, "organisations": []}, "invalid"),
        ({"name": "X", "quota": "5", "organisations": []}, "invalid"),
        ({"name": "", "quota": 5, "organisations": []}, "invalid"),
        ({"name": "X", "quota": 5, "organisations": [987654]}, "invalid"),
        ({"name": "X", "quota": 5, "organisations": ["a"]}, "invalid"),
        ({"name": "X", "quota": 5, "organisations": [2**70]}, "invalid"),
    ],
)
def test_bad_allocations_are_400(personas, clock, body, code):
    event = EventFactory(capacity=100)
    response = personas.api(personas.admin).post(f"/api/v1/events/{event.pk}/allocations", body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert not Allocation.objects.exists()


def test_an_organisation_in_two_allocations_is_400(personas, clock):
    event = EventFactory(capacity=100)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    response = personas.api(personas.admin).post(
        f"/api/v1/events/{event.pk}/allocations",
        {"name": "Igen", "quota": 5, "organisations": [personas.org_a.pk]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "organisation_in_two_allocations"
    assert Allocation.objects.count() == 1


def test_deleting_an_allocation_in_use_is_409(personas, clock):
    event = EventFactory(capacity=100)
    allocation = AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    register(event, personas.org_a)
    response = personas.api(personas.admin).delete(
        f"/api/v1/events/{event.pk}/allocations/{allocation.pk}"
    )
    assert response.status_code == 409


def test_allocation_of_another_event_is_404(personas, clock):
    allocation = AllocationFactory()
    other = EventFactory()
    response = personas.api(personas.admin).patch(
        f"/api/v1/events/{other.pk}/allocations/{allocation.pk}", {"quota": 1}
    )
    assert response.status_code == 404


def test_org_coordinator_reads_allocations_but_cannot_change_them(personas, clock):
    event = EventFactory(capacity=100)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_b])
    api = personas.api(personas.coordinator_a)
    assert api.get(f"/api/v1/events/{event.pk}/allocations").status_code == 200
    response = api.post(
        f"/api/v1/events/{event.pk}/allocations", {"name": "X", "quota": 1, "organisations": []}
    )
    assert response.status_code == 403


# ---- Sessions --------------------------------------------------------------------------------------


def test_sessions_create_and_list_with_taken(personas, clock):
    event = EventFactory(quota_lock_until=None)
    api = personas.api(personas.admin)
    start = event.starts_at + timedelta(hours=1)
    response = api.post(
        f"/api/v1/events/{event.pk}/sessions",
        {
            "title": "Nudging som verktyg för Agenda 2030",
            "speakers": "Anna Andersson, Bo Berg",
            "room": "Sal A",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "capacity": 2,
        },
    )
    assert response.status_code == 201, response.content
    session_id = response.json()["id"]
    register(event, personas.org_a, sessions=[session_id])
    listed = api.get(f"/api/v1/events/{event.pk}/sessions").json()
    assert listed[0]["taken"] == 1 and listed[0]["speakers"] == "Anna Andersson, Bo Berg"
    assert (
        api.patch(f"/api/v1/events/{event.pk}/sessions/{session_id}", {"capacity": 0}).status_code
        == 400
    )
    assert api.delete(f"/api/v1/events/{event.pk}/sessions/{session_id}").status_code == 204


@pytest.mark.parametrize("shift", [("ends_before_start"), ("outside_event"), ("no_title")])
def test_bad_sessions_are_400(personas, clock, shift):
    event = EventFactory()
    start = event.starts_at + timedelta(hours=1)
    body = {
        "title": "S",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }
    if shift == "ends_before_start":
        body["ends_at"] = (start - timedelta(hours=1)).isoformat()
    elif shift == "outside_event":
        body["starts_at"] = (event.starts_at - timedelta(days=1)).isoformat()
    else:
        body["title"] = ""
    response = personas.api(personas.admin).post(f"/api/v1/events/{event.pk}/sessions", body)
    assert response.status_code == 400
    assert not Session.objects.exists()


# ---- Links -----------------------------------------------------------------------------------------


def test_links_one_per_organisation_in_an_allocation(personas, clock):
    event = EventFactory()
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a, personas.org_b])
    body = personas.api(personas.admin).get(f"/api/v1/events/{event.pk}/links").json()
    assert {link["organisation"] for link in body} == {personas.org_a.pk, personas.org_b.pk}
    for link in body:
        assert link["url"].endswith(f"/r/{link['token']}")
        assert len(link["token"]) >= 22


def test_links_send_mails_each_mailbox(personas, clock, django_capture_on_commit_callbacks):
    event = EventFactory()
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a, personas.org_b])
    with django_capture_on_commit_callbacks(execute=True):
        response = personas.api(personas.admin).post(f"/api/v1/events/{event.pk}/links/send", {})
    assert response.status_code == 202
    assert response.json()["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.org_a.mailbox, personas.org_b.mailbox]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = personas.api(personas.admin).post(
            f"/api/v1/events/{event.pk}/links/send", {"organisations": [personas.org_b.pk]}
        )
    assert response.json()["organisations"] == [personas.org_b.pk]
    assert [m.to[0] for m in mail.outbox] == [personas.org_b.mailbox]


def test_links_send_with_unknown_organisation_is_400(personas, clock):
    event = EventFactory()
    response = personas.api(personas.admin).post(
        f"/api/v1/events/{event.pk}/links/send", {"organisations": [999999]}
    )
    assert response.status_code == 400


def test_regenerate_link(personas, clock):
    event = EventFactory()
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    api = personas.api(personas.admin)
    old = api.get(f"/api/v1/events/{event.pk}/links").json()[0]["token"]
    response = api.post(f"/api/v1/events/{event.pk}/links/{personas.org_a.pk}/regenerate")
    assert response.status_code == 201
    assert response.json()["token"] != old
    assert personas.api().get(f"/api/v1/public/links/{old}").status_code == 404


# ---- Registrations, check-in, exports, messages --------------------------------------------------------


@pytest.fixture
def filled(personas, clock):
    event = EventFactory(capacity=20)
    AllocationFactory(event=event, quota=3, organisations=[personas.org_a])
    AllocationFactory(event=event, quota=3, organisations=[personas.org_b])
    session = SessionFactory(event=event)
    a = [register(event, personas.org_a, sessions=[session.pk]).registration for _ in range(3)]
    a_wait = register(event, personas.unit_a, name="Väntande Vera").registration
    b = [register(event, personas.org_b).registration for _ in range(2)]
    return event, a, a_wait, b, session


def test_registration_list_shape_and_filters(personas, filled):
    event, _a, a_wait, b, session = filled
    api = personas.api(personas.city_coordinator)
    url = f"/api/v1/events/{event.pk}/registrations"
    body = api.get(url).json()
    assert len(body) == 6
    first = body[0]
    for key in ("id", "name", "email", "organisation", "category", "status", "sessions",
                "created_at", "checked_in_at"):  # fmt: skip
        assert key in first
    assert first["sessions"] == [session.pk]
    waiting = api.get(url, {"status": "waiting"}).json()
    assert [r["id"] for r in waiting] == [a_wait.pk] and waiting[0]["position"] == 1
    org_b = api.get(url, {"organisation": personas.org_b.pk}).json()
    assert {r["id"] for r in org_b} == {r.pk for r in b}
    # An organisation's filter includes its units.
    org_a = api.get(url, {"organisation": personas.org_a.pk}).json()
    assert a_wait.pk in {r["id"] for r in org_a}
    assert [r["id"] for r in api.get(url, {"q": "Väntande"}).json()] == [a_wait.pk]
    page = api.get(url, {"limit": 2, "offset": 1})
    assert len(page.json()) == 2 and page["X-Total-Count"] == "6"
    assert api.get(url, {"status": "nonsense"}).status_code == 400
    assert api.get(url, {"q": "a\x00b"}).status_code == 400
    assert api.get(url, {"code": "a\x00b"}).status_code == 400  # no NUL in any query
    assert api.get(url, {"organisation": 999999}).status_code == 400
    assert api.get(url, {"organisation": "x"}).status_code == 400


def test_check_in(personas, filled):
    event, a, a_wait, _b, _session = filled
    api = personas.api(personas.coordinator_a)
    url = f"/api/v1/events/{event.pk}/registrations/{a[0].pk}/check-in"
    response = api.post(url)
    assert response.status_code == 200
    assert response.json()["checked_in_at"] is not None
    assert api.post(url).status_code == 200  # twice: unchanged
    waiting = api.post(f"/api/v1/events/{event.pk}/registrations/{a_wait.pk}/check-in")
    assert waiting.status_code == 409
    assert waiting.json()["code"] == "not_confirmed"
    assert api.delete(url).json()["checked_in_at"] is None
    unknown = api.post(f"/api/v1/events/{event.pk}/registrations/999999/check-in")
    assert unknown.status_code == 404


def test_check_in_lookup_by_qr_code(personas, filled):
    event, a, *_ = filled
    found = (
        personas.api(personas.admin)
        .get(f"/api/v1/events/{event.pk}/registrations", {"code": a[1].checkin_code})
        .json()
    )
    assert [r["id"] for r in found] == [a[1].pk]


def test_staff_cancel_hands_the_seat_on(personas, filled):
    event, a, a_wait, _b, _session = filled
    response = personas.api(personas.coordinator_a).post(
        f"/api/v1/events/{event.pk}/registrations/{a[0].pk}/cancel"
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=a_wait.pk).status == "confirmed"


def test_export_csv_and_xlsx(personas, filled):
    event, _a, _a_wait, _b, _session = filled
    api = personas.api(personas.admin)
    response = api.get(f"/api/v1/events/{event.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "name", "email"]
    assert rows[0][-1] == "participation" and {r[-1] for r in rows[1:]} == {"På plats"}
    assert len(rows) == 7
    response = api.get(f"/api/v1/events/{event.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 7


def test_export_neutralises_formulas(personas, clock):
    event = EventFactory(quota_lock_until=None)
    register(event, personas.org_a, name='=HYPERLINK("http://evil")')
    response = personas.api(personas.admin).get(f"/api/v1/events/{event.pk}/export.csv")
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_message_to_participants(personas, filled, django_capture_on_commit_callbacks):
    event, _a, _a_wait, _b, _session = filled
    with django_capture_on_commit_callbacks(execute=True):
        response = personas.api(personas.city_coordinator).post(
            f"/api/v1/events/{event.pk}/messages",
            {"subject": "Lokalbyte", "body": "Vi är i sal B i stället.\nVälkomna!"},
        )
    assert response.status_code == 202, response.content
    assert response.json()["recipients"] == 5  # confirmed only; the waiting person is not
    assert len(mail.outbox) == 5
    assert "sal B" in mail.outbox[0].body
    bad = personas.api(personas.city_coordinator).post(
        f"/api/v1/events/{event.pk}/messages", {"subject": "", "body": "x"}
    )
    assert bad.status_code == 400
    listed = personas.api(personas.city_coordinator).get(f"/api/v1/events/{event.pk}/messages")
    assert listed.json()[0]["subject"] == "Lokalbyte"


def test_cancelled_registrations_are_listed_with_their_status(personas, filled):
    event, a, *_ = filled
    registration_cancel(registration=a[2])
    body = (
        personas.api(personas.admin)
        .get(f"/api/v1/events/{event.pk}/registrations", {"status": "cancelled"})
        .json()
    )
    assert [r["id"] for r in body] == [a[2].pk]


def test_unknown_organisation_is_not_a_500(personas, clock):
    event = EventFactory()
    stray = OrganisationFactory()
    response = personas.api(personas.admin).post(
        f"/api/v1/events/{event.pk}/allocations",
        {"name": "X", "quota": 1, "organisations": [stray.pk, stray.pk]},
    )
    assert response.status_code == 201
    assert response.json()["organisations"] == [stray.pk]
