"""The dashboard's registrations list in a browser: at 1280 px the table fits without a
sideways scrollbar (check-in column in view, dates on one line), a click on a header sorts
and page 2 works; at 390 px only the table's own box scrolls, never the page; axe finds
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jamlik.events import services
from jamlik.events.models import Registration
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, register
from tests.factories.orgs import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG_UNIT = "Enheten för hållbar samhällsplanering och jämställdhetsintegrering"


@pytest.fixture
def event(personas):
    """120 registrations with long names, addresses and organisation names; some checked
    in, one cancelled."""
    event = EventFactory(title="Jämlikhetskonferensen", capacity=1000, quota_lock_until=None)
    AllocationFactory(event=event, name="Grupp A", quota=500, organisations=[personas.org_a])
    AllocationFactory(event=event, name="Grupp B", quota=500, organisations=[personas.org_b])
    unit = UnitFactory(name=LONG_UNIT, code="A-HSJ", parent=personas.org_a)
    organisations = [personas.org_a, personas.org_b, unit]
    for n in range(120):
        organisation = organisations[n % 3]
        domain = (organisation.domains or ["a.example"])[0]
        register(
            event,
            organisation,
            name=f"Maj-Britt Johansson-Lindqvist Öberg {n:03}",
            email=f"maj-britt.johansson-lindqvist.oberg.{n:03}@{domain}",
            title="Strateg för jämställdhetsintegrering",
        )
    now = timezone.now()
    Registration.objects.filter(event=event, name__endswith="7").update(checked_in_at=now)
    services.registration_cancel(
        registration=Registration.objects.get(name="Maj-Britt Johansson-Lindqvist Öberg 001")
    )
    Registration.objects.filter(event=event).update(created_at=now - timedelta(days=3))
    return event


def overflow(page, selector: str) -> dict:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector);
            const root = document.documentElement;
            return {box: [box.scrollWidth, box.clientWidth], page: [root.scrollWidth, root.clientWidth]};
        }""",
        selector,
    )


def test_dashboard_list_at_1280(live_server, browser_page, event, personas):
    page = browser_page(phone=False)
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/{event.pk}/#registrations-heading")
    table = page.locator("#registrations table")
    expect(table.locator("caption")).to_contain_text("120 anmälningar, sida 1 av 3")

    # No horizontal overflow: neither the table's box nor the page scrolls sideways.
    sizes = overflow(page, "#registrations .table-wrap")
    assert sizes["box"][0] <= sizes["box"][1], sizes
    assert sizes["page"][0] <= sizes["page"][1], sizes
    # The check-in column is in view, inside the window.
    checkin = table.locator("th.col-checkin")
    expect(checkin).to_be_visible()
    box = checkin.bounding_box()
    assert box and box["x"] + box["width"] <= 1280, box
    # Dates on one line: one line box each, no taller than a line.
    heights = page.evaluate(
        """() => [...document.querySelectorAll('#registrations td time')].map(
            (t) => [t.getClientRects().length, t.getBoundingClientRect().height])"""
    )
    assert heights and all(rects == 1 and height < 30 for rects, height in heights), heights
    assert len(table.locator("tbody tr").all()) == 50
    assert_accessible(page)
    page.screenshot(path="var/screenshots/dashboard-list-1280.png", full_page=True)

    # A click on a header sorts (htmx swaps the list), a second click turns the order round.
    name_header = table.locator("th.col-name")
    name_header.get_by_role("link").click()
    expect(page.locator("#registrations th.col-name")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#registrations td.col-name a").first).to_have_text(
        "Maj-Britt Johansson-Lindqvist Öberg 000"
    )
    assert "sort=name" in page.url
    page.locator("#registrations th.col-name").get_by_role("link").click()
    expect(page.locator("#registrations th.col-name")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#registrations td.col-name a").first).to_have_text(
        "Maj-Britt Johansson-Lindqvist Öberg 119"
    )
    assert page.locator("#registrations [aria-sort]").count() == 1

    # Page 2 in the same order; the current page is marked.
    pages = page.get_by_role("navigation", name="Sidor")
    pages.get_by_role("link", name="Sida 2", exact=True).click()
    expect(page.locator("#registrations caption")).to_contain_text("sida 2 av 3")
    expect(page.locator("#registrations td.col-name a").first).to_have_text(
        "Maj-Britt Johansson-Lindqvist Öberg 069"
    )
    current = page.locator('#registrations nav [aria-current="page"]')
    expect(current).to_have_text("2")
    assert "page=2" in page.url and "sort=name" in page.url and "dir=desc" in page.url

    # Filtering keeps the order and starts from the first page.
    page.locator("#id_q").fill("Öberg 11")
    expect(page.locator("#registrations caption")).to_contain_text("10 anmälningar")
    expect(page.locator("#registrations th.col-name")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#registrations td.col-name a").first).to_have_text(
        "Maj-Britt Johansson-Lindqvist Öberg 119"
    )
    assert_accessible(page)


def test_dashboard_list_at_390(live_server, browser_page, event, personas):
    page = browser_page(phone=True)
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/{event.pk}/?sort=checkin&dir=desc")
    expect(page.locator("#registrations th.col-checkin")).to_have_attribute(
        "aria-sort", "descending"
    )
    # The table may scroll in its own box; the page never does.
    sizes = overflow(page, "#registrations .table-wrap")
    assert sizes["page"][0] <= sizes["page"][1], sizes
    assert sizes["box"][1] <= 390, sizes
    assert_accessible(page)
    page.locator("#registrations-heading").scroll_into_view_if_needed()
    page.screenshot(path="var/screenshots/dashboard-list-390.png", full_page=True)
    page.get_by_role("navigation", name="Sidor").get_by_role("link", name="Nästa sida").click()
    expect(page.locator("#registrations caption")).to_contain_text("sida 2 av 3")
    sizes = overflow(page, "#registrations .table-wrap")
    assert sizes["page"][0] <= sizes["page"][1], sizes
