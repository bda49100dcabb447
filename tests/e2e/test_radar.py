"""The radar of unused seats in a browser, on a desktop and on a phone: its tab, the bars
drawn by the server, the table scrolling in its own box (the page itself never wider than
the screen), and no axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event(personas):
    event = EventFactory(title="Radarkonferensen", capacity=60)
    AllocationFactory(event=event, name="Grupp Alfa", quota=10, organisations=[personas.org_a])
    AllocationFactory(event=event, name="Grupp Beta", quota=5, organisations=[personas.org_b])
    long_named = [
        OrganisationFactory(
            name=f"Förvaltningen för långa namn och jämlika villkor nummer {n}",
            parent=personas.city,
        )
        for n in range(3)
    ]
    AllocationFactory(event=event, name="Grupp Gamma", quota=3, organisations=long_named)
    register(event, personas.org_a)
    register(event, personas.org_b)
    for _ in range(3):
        register(event, long_named[0])
    return event


@pytest.mark.parametrize("phone", [False, True])
def test_radar_page(live_server, browser_page, event, personas, phone):
    page = browser_page(phone=phone)
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    page.get_by_role("link", name="Oanvända platser").click()
    page.wait_for_url(f"{live_server.url}/events/{event.pk}/radar/")
    expect(page.get_by_role("heading", name="Oanvända platser före släppet")).to_be_visible()
    tab = page.get_by_role("link", name="Oanvända platser")
    assert tab.get_attribute("aria-current") == "page"
    # Most unused first: Alfa 9, Beta 4, Gamma 0.
    rows = page.locator("table tbody th[scope=row]")
    assert rows.all_inner_texts() == ["Grupp Alfa", "Grupp Beta", "Grupp Gamma"]
    assert page.locator("ul.bars svg.meter").count() == 3
    assert page.locator("ul.bars svg.meter.full").count() == 1  # Gamma
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    width = 390 if phone else 1280
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the page is {page_width} px wide"
    if phone:  # the table scrolls in its own box
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/radar-{width}.png", full_page=True)


def test_an_org_coordinator_sees_their_allocation_only(live_server, browser_page, event, personas):
    page = browser_page(phone=True)
    login(page, live_server, personas.coordinator_b)
    page.goto(f"{live_server.url}/events/{event.pk}/radar/")
    assert page.locator("table tbody th[scope=row]").all_inner_texts() == ["Grupp Beta"]
    assert_accessible(page)
