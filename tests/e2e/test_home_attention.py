"""The start page's attention panels in Chromium: at 1280 and 390 px, no sideways scroll on a
phone, no axe violations, screenshots in var/screenshots/home-attention-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from jamlik.assessments.models import Action, ActionStatus, Response
from jamlik.notifications.models import OutboxMessage, OutboxStatus
from tests.e2e.conftest import assert_accessible, login
from tests.factories.assessments import campaign, submit
from tests.factories.events import AllocationFactory, EventFactory, register
from tests.factories.reviews import review

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def world(personas):
    today = timezone.localdate()
    event = EventFactory(title="Jämlikhetsdagen med ett långt namn om aktiva åtgärder 2026")
    AllocationFactory(
        event=event, name="Förvaltningar med långa namn", quota=2, organisations=[personas.org_a]
    )
    AllocationFactory(event=event, name="Stadsdelar", quota=5, organisations=[personas.org_b])
    registrations = [register(event, personas.org_a).registration for _ in range(3)]
    register(event, personas.org_b)
    EventFactory(title="Workshop om lönekartläggning", kind="workshop")
    c = campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning 2026")
    submit(Response.objects.get(campaign=c, unit=personas.unit_a))
    review(
        title="Fördjupning om kränkande särbehandling",
        milestones=[
            {"title": "Workshop", "due": today - dt.timedelta(days=2)},
            {"title": "Rapportutkast", "due": today + dt.timedelta(days=40)},
        ],
    )
    for organisation, title in ((personas.org_a, "Se över rutinen"), (personas.unit_b, "Utbilda")):
        Action.objects.create(
            organisation=organisation,
            requirement_key="r1",
            title=title,
            owner="HR",
            due=today - dt.timedelta(days=10),
            status=ActionStatus.PLANNED,
        )
    OutboxMessage.objects.create(
        kind="events.confirmation",
        to="nagon@a.example",
        subject="Bekräftelse",
        body_text="Hej",
        about=f"events.registration:{registrations[0].pk}",
        status=OutboxStatus.FAILED,
    )
    return event


@pytest.mark.parametrize("phone", [False, True])
def test_home_attention(live_server, browser_page, personas, world, phone):
    page = browser_page(phone=phone)
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/")
    for heading in (
        "Kommande evenemang",
        "Öppna självskattningar",
        "Försenade åtgärder",
        "Fördjupningar: nästa delmål",
        "E-post som inte kunde skickas",
        "Genvägar",
    ):
        assert page.get_by_role("heading", name=heading, level=2).is_visible(), heading
    assert page.get_by_role("link", name="1 enhet har inte svarat").is_visible()
    assert page.get_by_text("1 person på väntelistan").is_visible()
    assert "nagon@a.example" not in page.content()
    width = 390 if phone else 1280
    if phone:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at 390 px"
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-attention-{width}.png"), full_page=True)
    # The campaign link leads to the campaign.
    page.get_by_role("link", name="1 enhet har inte svarat").click()
    page.wait_for_url("**/campaigns/**")
    assert page.get_by_role("heading", name="Självskattning 2026", level=1).is_visible()
