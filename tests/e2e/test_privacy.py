"""Privacy in a real browser: a city coordinator looks up a person's data (an invalid address
is refused and shown, then the data of a valid one), and the "Food and accessibility" tab
counts needs; on a phone too. axe finds no WCAG 2.1 A/AA violation at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_person_export_and_needs_pages(live_server, browser_page, personas):
    event = EventFactory(title="Jämlikhetsdagen", capacity=50, quota_lock_until=None)
    AllocationFactory(event=event, quota=20, organisations=[personas.org_a])
    register(event, personas.org_a, name="Vera Export", email="vera@a.example", dietary="Vegansk")
    register(event, personas.org_a, dietary="vegansk", accessibility="Hörslinga")

    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/people/export/")
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("inte en adress")
    page.get_by_role("button", name="Visa uppgifterna").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("vera@a.example")
    page.get_by_role("button", name="Visa uppgifterna").click()
    expect(page.get_by_role("heading", name="Uppgifter om vera@a.example")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Jämlikhetsdagen")
    assert_accessible(page)

    phone = browser_page(phone=True)
    login(phone, live_server, personas.coordinator_a)
    phone.goto(f"{live_server.url}/events/{event.pk}/needs/")
    expect(phone.get_by_role("heading", name="Mat och tillgänglighet")).to_be_visible()
    expect(phone.locator("#dietary-heading + div table")).to_contain_text("2")
    expect(phone.get_by_text("Vera Export")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    assert_accessible(phone)
