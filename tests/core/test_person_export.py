"""A person's data export (GDPR art. 15): everything held about one e-mail address across
events (registrations, needs, sessions, check-ins, mails), the reviews' group notes and the
assessments, as JSON and PDF, for the city's coordinators only, audited without the address."""

from __future__ import annotations

import json
import logging

import pytest
from django.apps import apps

from jamlik.core.errors import Forbidden
from jamlik.core.models import AuditEntry
from jamlik.events import services
from jamlik.events.models import Registration
from jamlik.events.services import person_export as exporting
from jamlik.notifications.models import OutboxMessage
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db

EMAIL = "Vera.Export@a.example"


@pytest.fixture
def person(personas):
    """Vera: two registrations (one with needs, a session and a check-in), mails, a workshop
    group with notes, and a respondent and an assignment of an assessment."""
    first = EventFactory(title="Vårkonferensen", capacity=50, quota_lock_until=None)
    AllocationFactory(event=first, quota=20, organisations=[personas.org_a])
    session = SessionFactory(event=first, title="Pass om lönekartläggning", capacity=None)
    vera = register(
        first,
        personas.org_a,
        name="Vera Export",
        email=EMAIL,
        dietary="Vegansk",
        accessibility="Hörslinga",
        sessions=[session.pk],
    ).registration
    services.registration_check_in(actor=personas.city_coordinator, registration=vera)
    second = EventFactory(title="Höstworkshoppen", capacity=50, quota_lock_until=None)
    AllocationFactory(event=second, quota=20, organisations=[personas.org_a])
    register(second, personas.org_a, name="Vera Export", email=EMAIL.lower())
    register(first, personas.org_a, name="Someone Else", email="other@a.example")
    _reviews_notes(first, vera)
    _assessments(personas)
    return vera


def _reviews_notes(event, registration):
    Breakout = apps.get_model("reviews", "Breakout")
    BreakoutMember = apps.get_model("reviews", "BreakoutMember")
    BreakoutNotes = apps.get_model("reviews", "BreakoutNotes")
    group = Breakout.objects.create(event=event, number=1, size=5, seed=1)
    BreakoutMember.objects.create(event=event, breakout=group, registration=registration)
    BreakoutNotes.objects.create(breakout=group, shared="Vera berättade om rekrytering")


def _assessments(personas):
    from tests.factories.assessments import campaign

    survey = campaign(organisations=[personas.org_a], title="Självskattning 2026")
    response = survey.responses.order_by("id").first()
    response.respondents = ["vera.export@a.example"]
    response.save(update_fields=["respondents"])
    Assignment = apps.get_model("assessments", "Assignment")
    Assignment.objects.create(
        response=response, email="VERA.export@a.example", name="Vera", requirement_keys=["r1"]
    )


def test_the_export_is_complete(person, personas):
    data = exporting.person_export(actor=personas.city_coordinator, email=EMAIL)
    titles = [r["event"]["title"] for r in data["registrations"]]
    assert sorted(titles) == ["Höstworkshoppen", "Vårkonferensen"]
    first = next(r for r in data["registrations"] if r["event"]["title"] == "Vårkonferensen")
    assert first["needs"] == {"dietary": "Vegansk", "accessibility": "Hörslinga"}
    assert [s["title"] for s in first["sessions"]] == ["Pass om lönekartläggning"]
    assert first["checked_in_at"] is not None
    assert "Someone Else" not in json.dumps(data)
    # The mails the outbox holds for the address (confirmations at least).
    assert data["mails"] and all(m["subject"] for m in data["mails"])
    assert len(data["mails"]) == OutboxMessage.objects.filter(to__iexact=EMAIL).count()
    assert data["registration_history"]
    assert data["workshop_groups"][0]["notes"]["shared"] == "Vera berättade om rekrytering"
    kinds = sorted(a["kind"] for a in data["assessments"])
    assert kinds == ["assignment", "respondent"]
    assert {a["campaign"] for a in data["assessments"]} == {"Självskattning 2026"}


def test_only_the_city_may_export(person, personas):
    for user in (personas.coordinator_a, personas.coordinator_b, None):
        with pytest.raises(Forbidden):
            exporting.person_export(actor=user, email=EMAIL)
    assert exporting.person_export(actor=personas.admin, email=EMAIL)["registrations"]
    # The page: anonymous to the login, org coordinators 403.
    assert personas.web().get("/events/people/export/").status_code == 302
    web_a = personas.web(personas.coordinator_a)
    assert web_a.get("/events/people/export/").status_code == 403
    assert web_a.post("/events/people/export/", {"email": EMAIL}).status_code == 403
    # The API: 401 without a token, 403 for an org coordinator.
    assert personas.api().post("/api/v1/people/export", {"email": EMAIL}).status_code == 401
    refused = personas.api(personas.coordinator_a).post("/api/v1/people/export", {"email": EMAIL})
    assert refused.status_code == 403
    # The refusals wrote nothing: the one row is the administrator's export.
    rows = AuditEntry.objects.filter(action="events.person.exported")
    assert [row.actor for row in rows] == [personas.admin]


def test_the_api_answers_json_and_pdf_and_writes_the_audit(person, personas):
    api = personas.api(personas.city_coordinator)
    response = api.post("/api/v1/people/export", {"email": EMAIL})
    assert response.status_code == 200
    assert len(response.json()["registrations"]) == 2
    pdf = api.post("/api/v1/people/export?format=pdf", {"email": EMAIL})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    bad = api.post("/api/v1/people/export", {"email": "not an address"})
    assert bad.status_code == 400
    entries = list(AuditEntry.objects.filter(action="events.person.exported").order_by("id"))
    assert [e.new["format"] for e in entries] == ["json", "pdf"]
    assert entries[0].actor == personas.city_coordinator
    for entry in entries:
        text = json.dumps(entry.new) + entry.object_label + entry.object_id
        assert "vera" not in text.lower() and "a.example" not in text
        assert entry.new["subject"] == exporting.subject_hash(EMAIL)


def test_the_page_shows_and_downloads(person, personas):
    web = personas.web(personas.city_coordinator)
    assert web.get("/events/people/export/").status_code == 200
    shown = web.post("/events/people/export/", {"email": EMAIL})
    html = shown.content.decode()
    assert shown.status_code == 200 and "Vårkonferensen" in html and "Vegansk" in html
    assert shown["Cache-Control"] == "no-store, private"
    download = web.post("/events/people/export/", {"email": EMAIL, "format": "json"})
    assert json.loads(download.content)["email"].lower() == EMAIL.lower()
    pdf = web.post("/events/people/export/", {"email": EMAIL, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    invalid = web.post("/events/people/export/", {"email": "nope"})
    assert invalid.status_code == 400


def test_no_email_in_the_logs(person, personas, caplog):
    caplog.set_level(logging.DEBUG)
    api = personas.api(personas.city_coordinator)
    api.post("/api/v1/people/export", {"email": EMAIL})
    personas.web(personas.city_coordinator).post("/events/people/export/", {"email": EMAIL})
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "django.db.backends")
    assert "vera.export" not in logged.lower()


def test_an_unknown_address_gives_an_empty_export(personas):
    data = exporting.person_export(actor=personas.city_coordinator, email="nobody@x.example")
    assert data["registrations"] == [] and data["mails"] == [] and data["assessments"] == []
    assert Registration.objects.count() == 0
