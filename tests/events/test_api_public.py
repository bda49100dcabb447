"""The Public endpoints (docs/api.md#endpoints-public): the token in the path is the credential."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core import mail

from jamlik.events import services
from jamlik.events.models import Registration
from jamlik.notifications.models import OutboxMessage
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas, clock):
    event = EventFactory(capacity=10)
    AllocationFactory(event=event, name="Förvaltning A", quota=2, organisations=[personas.org_a])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    session = SessionFactory(event=event, capacity=1)
    parallel = SessionFactory(event=event, starts_at=session.starts_at, capacity=5)
    return event, link, session, parallel


def person(n=1, **changes):
    body = {
        "name": f"Anna Andersson {n}",
        "email": f"anna{n}@a.example",
        "category": "employee",
        "consent": True,
        "sessions": [],
    }
    body.update(changes)
    return body


# ---- The organisation's link --------------------------------------------------------------------------


def test_link_shows_event_organisation_allocation_and_phase(personas, setting):
    event, link, session, _ = setting
    register(event, personas.org_a)
    body = personas.api().get(f"/api/v1/public/links/{link.token}").json()
    assert body["phase"] == "quota"
    assert body["organisation"]["id"] == personas.org_a.pk
    assert body["allocation"] == {"name": "Förvaltning A", "quota": 2, "free": 1}
    assert body["event"]["id"] == event.pk
    assert [s["id"] for s in body["event"]["sessions"]][:1] == [session.pk]


@pytest.mark.parametrize("token", ["nope", "x" * 65, "x" * 5000, "%00"])
def test_unknown_link_is_404(personas, setting, token):
    assert personas.api().get(f"/api/v1/public/links/{token}").status_code == 404


def test_link_of_a_draft_event_is_404(personas, clock):
    event = EventFactory(status="draft")
    link = services.link_ensure(event=event, organisation=personas.org_a)
    assert personas.api().get(f"/api/v1/public/links/{link.token}").status_code == 404


def test_register_through_the_link(personas, setting, django_capture_on_commit_callbacks):
    _event, link, session, _ = setting
    with django_capture_on_commit_callbacks(execute=True):
        response = personas.api().post(
            f"/api/v1/public/links/{link.token}/registrations",
            person(sessions=[session.pk], title="Enhetschef", dietary="Vegetarisk"),
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["manage_token"] and body["position"] is None
    registration = Registration.objects.get(pk=body["id"])
    assert registration.organisation == personas.org_a
    assert registration.title == "Enhetschef" and registration.consent_at is not None
    assert [m.to for m in mail.outbox] == [["anna1@a.example"]]


def test_waiting_answer_names_the_position(personas, setting):
    _event, link, *_ = setting
    api = personas.api()
    for n in range(2):
        api.post(f"/api/v1/public/links/{link.token}/registrations", person(n))
    body = api.post(f"/api/v1/public/links/{link.token}/registrations", person(7)).json()
    assert body["status"] == "waiting" and body["position"] == 1


def test_double_submit_returns_the_same_registration_without_the_token(
    personas, setting, django_capture_on_commit_callbacks
):
    _event, link, *_ = setting
    api = personas.api()
    first = api.post(f"/api/v1/public/links/{link.token}/registrations", person()).json()
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(
            f"/api/v1/public/links/{link.token}/registrations", person(email="ANNA1@a.example")
        )
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert "manage_token" not in again.json()
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["anna1@a.example"]]
    assert first["manage_token"] in mail.outbox[0].body


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"name": "x" * 1_000_000},
        {"name": ["a"]},
        {"name": "Anna\x07"},
        {"email": "not-an-address"},
        {"email": ""},
        {"category": "boss"},
        {"category": 3},
        {"consent": False},
        {"consent": "yes"},
        {"sessions": "1"},
        {"sessions": ["1"]},
        {"sessions": [999999]},
        {"sessions": list(range(60))},
        {"dietary": "x" * 5001},
        {"manager_email": "chef"},
    ],
)
def test_bad_registration_input_is_400_and_stores_nothing(personas, setting, changes):
    _event, link, *_ = setting
    response = personas.api().post(
        f"/api/v1/public/links/{link.token}/registrations", person(**changes)
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Registration.objects.exists()


def test_two_sessions_in_one_slot_is_400(personas, setting):
    _event, link, session, parallel = setting
    response = personas.api().post(
        f"/api/v1/public/links/{link.token}/registrations",
        person(sessions=[session.pk, parallel.pk]),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "slot_conflict"


def test_full_session_is_409(personas, setting):
    _event, link, session, _ = setting
    api = personas.api()
    api.post(f"/api/v1/public/links/{link.token}/registrations", person(1, sessions=[session.pk]))
    response = api.post(
        f"/api/v1/public/links/{link.token}/registrations", person(2, sessions=[session.pk])
    )
    assert response.status_code == 409
    assert response.json()["code"] == "session_full"
    assert Registration.objects.count() == 1


def test_quota_full_without_waiting_list_names_the_release_date(personas, setting):
    event, link, *_ = setting
    services.event_update(actor=None, event=event, waitlist_enabled=False)
    api = personas.api()
    for n in range(2):
        api.post(f"/api/v1/public/links/{link.token}/registrations", person(n))
    response = api.post(f"/api/v1/public/links/{link.token}/registrations", person(9))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "quota_full"
    from jamlik.events.errors import local_datetime

    assert local_datetime(event.quota_lock_until) in body["detail"]
    assert Registration.objects.count() == 2


def test_html_in_a_name_is_stored_unchanged(personas, setting):
    _event, link, *_ = setting
    name = "<b>Åsa</b> & \u202eKarin 😀"
    response = personas.api().post(
        f"/api/v1/public/links/{link.token}/registrations", person(name=name)
    )
    assert response.status_code == 201
    assert Registration.objects.get().name == name


# ---- The public event (open phase) ----------------------------------------------------------------------


def test_public_event_registration_only_in_the_open_phase(personas, setting, clock):
    event, *_ = setting
    api = personas.api()
    response = api.post(
        f"/api/v1/public/events/{event.pk}/registrations", person(organisation=None)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "quota_phase"
    clock.set(event.quota_lock_until + timedelta(minutes=1))
    response = api.post(
        f"/api/v1/public/events/{event.pk}/registrations",
        person(organisation=personas.org_b.pk, email="b@b.example"),
    )
    assert response.status_code == 201
    assert Registration.objects.get().organisation == personas.org_b
    external = api.post(
        f"/api/v1/public/events/{event.pk}/registrations",
        person(2, organisation=None, email="x@partner.example", category="partner"),
    )
    assert external.status_code == 201
    assert api.get(f"/api/v1/public/events/{event.pk}").json()["phase"] == "open"
    bad = api.post(
        f"/api/v1/public/events/{event.pk}/registrations", person(3, organisation=999999)
    )
    assert bad.status_code == 400


def test_public_event_of_a_draft_is_404(personas, clock):
    event = EventFactory(status="draft")
    assert personas.api().get(f"/api/v1/public/events/{event.pk}").status_code == 404
    assert (
        personas.api().post(f"/api/v1/public/events/{event.pk}/registrations", person()).status_code
        == 404
    )


# ---- The manage link ---------------------------------------------------------------------------------------


@pytest.fixture
def mine(personas, setting):
    _event, link, _session, parallel = setting
    body = (
        personas.api()
        .post(f"/api/v1/public/links/{link.token}/registrations", person(sessions=[parallel.pk]))
        .json()
    )
    return body["manage_token"], setting


def test_manage_get_nests_event_and_sessions(personas, mine):
    token, (event, _link, _session, parallel) = mine
    body = personas.api().get(f"/api/v1/public/registrations/{token}").json()
    assert body["event"]["id"] == event.pk
    assert [s["id"] for s in body["sessions"]] == [parallel.pk]
    assert body["status"] == "confirmed"
    assert body["organisation"]["id"]


def test_manage_change_sessions(personas, mine):
    token, (_event, _link, session, parallel) = mine
    api = personas.api()
    response = api.patch(f"/api/v1/public/registrations/{token}", {"sessions": [session.pk]})
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["sessions"]] == [session.pk]
    assert (
        api.patch(
            f"/api/v1/public/registrations/{token}", {"sessions": [session.pk, parallel.pk]}
        ).status_code
        == 400
    )
    assert api.patch(f"/api/v1/public/registrations/{token}", {"sessions": "x"}).status_code == 400


def test_manage_cancel_once(personas, mine):
    token, _ = mine
    api = personas.api()
    response = api.post(f"/api/v1/public/registrations/{token}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/public/registrations/{token}/cancel")
    assert again.status_code == 409


def test_manage_transfer(personas, mine):
    token, (_event, *_rest) = mine
    api = personas.api()
    response = api.post(
        f"/api/v1/public/registrations/{token}/transfer",
        {"name": "Bo Berg", "email": "bo@a.example"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["email"] == "bo@a.example"
    assert "manage_token" not in body
    old = api.get(f"/api/v1/public/registrations/{token}").json()
    assert old["status"] == "transferred"
    wrong = api.post(
        f"/api/v1/public/registrations/{token}/transfer", {"name": "X", "email": "x@a.example"}
    )
    assert wrong.status_code == 409


def test_transfer_rules_through_the_api(personas, setting):
    _event, link, *_ = setting
    api = personas.api()
    token = api.post(f"/api/v1/public/links/{link.token}/registrations", person(1)).json()[
        "manage_token"
    ]
    api.post(f"/api/v1/public/links/{link.token}/registrations", person(2))
    wrong_domain = api.post(
        f"/api/v1/public/registrations/{token}/transfer", {"name": "X", "email": "x@b.example"}
    )
    assert wrong_domain.status_code == 400
    assert wrong_domain.json()["code"] == "wrong_domain"
    holder = api.post(
        f"/api/v1/public/registrations/{token}/transfer", {"name": "X", "email": "anna2@a.example"}
    )
    assert holder.status_code == 409
    assert api.post(f"/api/v1/public/registrations/{token}/transfer", {}).status_code == 400


def test_calendar_file_has_stockholm_times(personas, mine):
    token, (event, *_rest) = mine
    response = personas.api().get(f"/api/v1/public/registrations/{token}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    vevent = next(iter(calendar.walk("VEVENT")))
    assert vevent.decoded("dtstart") == event.starts_at
    assert vevent["location"] == event.venue


def test_unknown_manage_token_is_404(personas, setting):
    api = personas.api()
    for path in ("", "/cancel", "/calendar.ics"):
        method = api.post if path == "/cancel" else api.get
        assert method(f"/api/v1/public/registrations/nope{path}").status_code == 404


# ---- The manager's approval ----------------------------------------------------------------------------------


@pytest.fixture
def held(personas, clock):
    event = EventFactory(capacity=5, approval_required=True)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    api = personas.api()
    no_manager = api.post(f"/api/v1/public/links/{link.token}/registrations", person())
    assert no_manager.status_code == 400
    body = api.post(
        f"/api/v1/public/links/{link.token}/registrations",
        person(manager_email="chef@a.example"),
    ).json()
    assert body["status"] == "pending_approval"
    return Registration.objects.get(pk=body["id"])


def test_approve_then_a_second_decision_is_409(personas, held):
    api = personas.api()
    shown = api.get(f"/api/v1/public/approvals/{held.approval_token}")
    assert shown.status_code == 200 and shown.json()["status"] == "pending_approval"
    response = api.post(f"/api/v1/public/approvals/{held.approval_token}", {"decision": "approve"})
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    again = api.post(f"/api/v1/public/approvals/{held.approval_token}", {"decision": "decline"})
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_decline_and_bad_decisions(personas, held):
    api = personas.api()
    url = f"/api/v1/public/approvals/{held.approval_token}"
    assert api.post(url, {"decision": "maybe"}).status_code == 400
    assert api.post(url, {}).status_code == 400
    assert api.post(url, {"decision": "decline"}).json()["status"] == "declined"
    assert api.post("/api/v1/public/approvals/nope", {"decision": "approve"}).status_code == 404


# ---- Lost your link? --------------------------------------------------------------------------------------------


def test_lost_link_mails_the_organisations_link(
    personas, setting, django_capture_on_commit_callbacks
):
    event, link, *_ = setting
    api = personas.api()
    with django_capture_on_commit_callbacks(execute=True):
        found = api.post("/api/v1/public/lost-link", {"event": event.pk, "email": "per@a.example"})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = api.post(
            "/api/v1/public/lost-link", {"event": event.pk, "email": "per@nowhere.example"}
        )
    assert found.status_code == unknown.status_code == 202
    assert found.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [["per@a.example"]]
    assert f"/r/{link.token}" in mail.outbox[0].body


def test_lost_link_through_a_unit_address_finds_the_administrations_link(personas, setting):
    event, _link, *_ = setting
    from tests.factories.orgs import UnitFactory

    UnitFactory(parent=personas.org_a, domains=["enhet.a.example"])
    personas.api().post(
        "/api/v1/public/lost-link", {"event": event.pk, "email": "e@enhet.a.example"}
    )
    assert OutboxMessage.objects.filter(kind="events.lost_link", to="e@enhet.a.example").exists()


def test_lost_link_bad_input(personas, setting):
    event, *_ = setting
    api = personas.api()
    assert (
        api.post("/api/v1/public/lost-link", {"event": event.pk, "email": "nope"}).status_code
        == 400
    )
    assert (
        api.post("/api/v1/public/lost-link", {"event": 999999, "email": "a@a.example"}).status_code
        == 404
    )
    assert (
        api.post("/api/v1/public/lost-link", {"event": "x", "email": "a@a.example"}).status_code
        == 400
    )
    assert api.post("/api/v1/public/lost-link", {}).status_code == 400


def test_lost_link_is_rate_limited_per_address(personas, setting):
    event, *_ = setting
    api = personas.api()
    answers = [
        api.post(
            "/api/v1/public/lost-link", {"event": event.pk, "email": "Per@a.example"}
        ).status_code
        for _ in range(6)
    ]
    assert answers == [202] * 5 + [429]
    assert OutboxMessage.objects.filter(kind="events.lost_link").count() == 5


def test_the_429_says_when_to_try_again(personas, setting):
    event, *_ = setting
    api = personas.api()
    for _ in range(6):
        answer = api.post("/api/v1/public/lost-link", {"event": event.pk, "email": "o@a.example"})
    assert answer.status_code == 429
    assert 0 < int(answer["Retry-After"]) <= 3600


def test_lost_link_is_rate_limited_per_client(personas, setting):
    event, *_ = setting
    api = personas.api()
    answers = [
        api.post(
            "/api/v1/public/lost-link", {"event": event.pk, "email": f"p{n}@nowhere.example"}
        ).status_code
        for n in range(31)
    ]
    assert answers[:30] == [202] * 30 and answers[30] == 429


def test_registration_is_not_rate_limited(personas, setting, clock):
    event, link, *_ = setting
    services.event_update(actor=None, event=event, capacity=200)
    api = personas.api()
    codes = {
        api.post(f"/api/v1/public/links/{link.token}/registrations", person(n)).status_code
        for n in range(40)
    }
    assert codes == {201}
