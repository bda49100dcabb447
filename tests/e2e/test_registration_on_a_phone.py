"""Registration on a 390 px phone (issue "The experience", item 8): "Anmäl dig" in the first
screen, the programme once (the form's sessions are it), and a slot with a single session
(a plenary) booked by default while a slot with a choice is left to the person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from jamlik.events import services
from jamlik.events.models import Registration
from tests.e2e.conftest import assert_accessible
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_a_quick_registrant_on_a_phone_is_booked_into_the_plenary(
    live_server, browser_page, personas
):
    event = EventFactory(title="Jämlikhetskonferensen", capacity=50)
    AllocationFactory(event=event, name="A", quota=10, organisations=[personas.org_a])
    opening = SessionFactory(event=event, title="Öppningstalet", starts_at=event.starts_at)
    later = event.starts_at + timedelta(hours=2)
    SessionFactory(event=event, title="Seminarium Norr", starts_at=later)
    SessionFactory(event=event, title="Seminarium Söder", starts_at=later)
    link = services.link_ensure(event=event, organisation=personas.org_a)
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/r/{link.token}")
    jump = page.get_by_role("link", name="Anmäl dig")
    box = jump.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.content().count("Öppningstalet") == 1  # the programme once
    assert page.get_by_role("radio", name="Öppningstalet").is_checked()
    assert not page.get_by_role("radio", name="Seminarium Norr").is_checked()
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "registration-phone-top-390.png")
    jump.click()
    page.get_by_label("Namn").fill("Åsa Öberg")
    page.get_by_label("E-postadress").first.fill("asa.oberg@a.example")
    page.get_by_label("Medarbetare").check()
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator("form.registration-form button[type=submit]").click()
    registration = Registration.objects.get(event=event)
    assert list(registration.sessions.values_list("pk", flat=True)) == [opening.pk]
