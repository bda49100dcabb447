"""Check-in mode on a phone: the scan field near the top, the counter updated after a one-click
check-in (htmx, out of band), and a warning when checking in long before the event."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.events.models import Registration
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event(personas):
    # The factory's event is in a month: a check-in now is "early".
    event = EventFactory(title="Jämlikhetsdagen", capacity=70)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    register(event, personas.org_a, name="Cecilia Check")
    return event


@pytest.mark.parametrize("phone", [True, False])
def test_checkin_mode(live_server, browser_page, event, personas, phone):
    page = browser_page(phone=phone)
    login(page, live_server, personas.coordinator_a)
    page.goto(f"{live_server.url}/events/{event.pk}/checkin/")
    scan = page.get_by_label("Skanna QR-koden")
    top = scan.bounding_box()["y"]
    assert top < 400, f"the scan field starts at {top} px"
    counter = page.locator("#checkin-counter")
    assert counter.get_attribute("aria-live") == "polite"
    assert "0 av 1" in counter.inner_text()
    assert page.locator("#checkin-timing").is_visible()
    assert_accessible(page)
    width = 390 if phone else 1280
    page.screenshot(path=f"var/screenshots/checkin-mode-{width}.png", full_page=True)
    page.get_by_label("Sök på namn eller e-post").fill("Ceci")
    page.wait_for_selector("#checkin-results li.checkin-row")
    page.get_by_role("button", name="Checka in Cecilia Check").click()
    page.wait_for_selector("text=Cecilia Check är incheckad")
    # The counter follows without a reload, and the result says the event has not begun.
    expect(counter).to_contain_text("1 av 1")
    assert "inte börjat" in page.locator("#checkin-results").inner_text()
    assert Registration.objects.get(name="Cecilia Check").checked_in_at is not None
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/checkin-mode-done-{width}.png", full_page=True)
    page.get_by_role("button", name="Ångra Cecilia Check").click()
    expect(counter).to_contain_text("0 av 1")
