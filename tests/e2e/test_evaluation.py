"""After the event in a browser: a participant answers the evaluation on a phone (a missing
required answer is refused and shown, then the answers are saved once), the organiser reads
the results once there are enough, and the proposal for next year's allocation; axe finds no
WCAG 2.1 A/AA violation, and no page is wider than a phone's screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from jamlik.events.models import EvaluationAnswer, EvaluationInvite
from jamlik.events.services import evaluation as service
from jamlik.events.services.handling import registration_check_in
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ended(personas, monkeypatch):
    event = EventFactory(title="Höstkonferensen", capacity=40)
    AllocationFactory(event=event, name="Grupp Alfa", quota=10, organisations=[personas.org_a])
    people = [register(event, personas.org_a).registration for _ in range(7)]
    monkeypatch.setattr("jamlik.events.clock.now", lambda: event.starts_at)
    for registration in people[:6]:
        registration_check_in(registration=registration, actor=None)
    service.evaluation_save(
        actor=None,
        event=event,
        questions=[
            {"kind": "scale", "text": "Hur nöjd är du?", "required": True},
            {"kind": "yes_no", "text": "Kommer du igen?"},
            {"kind": "text", "text": "Vad kan bli bättre?"},
        ],
    )
    monkeypatch.setattr("jamlik.events.clock.now", lambda: event.ends_at + timedelta(hours=2))
    service.evaluation_send(actor=None, event=event)
    invites = list(EvaluationInvite.objects.filter(evaluation__event=event).order_by("id"))
    scale, yes_no, text = (q.pk for q in event.evaluation.questions.all())
    for n, invite in enumerate(invites[1:5]):
        service.evaluation_answer(
            token=invite.token, values={scale: 4 + n % 2, yes_no: True, text: f"Text {n}"}
        )
    return event, invites[0]


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_answer_on_a_phone_then_read_the_results(live_server, browser_page, ended, personas):
    event, invite = ended
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/u/{invite.token}")
    expect(page.get_by_role("heading", name="Utvärdering")).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("3").check()
    page.get_by_label("Nej").check()
    page.get_by_label("Vad kan bli bättre?").fill("Mer pauser.")
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_text("Tack! Dina svar har sparats.")).to_be_visible()
    assert EvaluationAnswer.objects.filter(question__evaluation__event=event).count() == 15

    staff = browser_page()
    login(staff, live_server, personas.city_coordinator)
    staff.goto(f"{live_server.url}/events/{event.pk}/evaluation/")
    expect(staff.get_by_role("heading", name="Resultat")).to_be_visible()
    expect(staff.get_by_text("Medelvärde").first).to_be_visible()
    expect(staff.get_by_text("Mer pauser.")).to_be_visible()
    assert_accessible(staff)


@pytest.mark.parametrize("phone", [False, True])
def test_staff_pages_fit_and_pass_axe(live_server, browser_page, ended, personas, phone):
    event, _invite = ended
    page = browser_page(phone=phone)
    login(page, live_server, personas.city_coordinator)
    for path in ("evaluation/", "allocation-proposal/", "statistics/"):
        page.goto(f"{live_server.url}/events/{event.pk}/{path}")
        assert_accessible(page)
        fits_the_screen(page)
