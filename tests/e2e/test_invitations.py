"""Named invitations in a real browser: the organiser invites a person and sees the answers
per organisation; the invitee opens the link on a phone, finds no e-mail field, registers
(for the invited address) — another invitee declines. axe finds no WCAG 2.1 A/AA violation
at 1280 and 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from jamlik.events import clock
from jamlik.events.models import Invitation, Registration
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_invite_register_and_decline(live_server, browser_page, personas):
    event = EventFactory(
        kind="workshop",
        capacity=4,
        categories=["employee"],
        starts_at=clock.now() + timedelta(days=12),
        closes_at=clock.now() + timedelta(days=10),
    )
    AllocationFactory(event=event, name="A", quota=2, organisations=[personas.org_a])

    page = browser_page()
    login(page, live_server, personas.coordinator_a)
    page.goto(f"{live_server.url}/events/{event.pk}/invitations/new/")
    assert_accessible(page)
    page.get_by_label("Organisation").select_option(str(personas.org_a.pk))
    page.get_by_label("Namn").fill("Hanna HR")
    page.get_by_label("E-post").fill("hanna@a.example")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_url(f"{live_server.url}/events/{event.pk}/invitations/")
    expect(page.get_by_text("hanna@a.example")).to_be_visible()
    assert_accessible(page)
    invitation = Invitation.objects.get(email="hanna@a.example")
    other = Invitation.objects.create(
        event=event, email="bo@a.example", name="Bo", organisation=personas.org_a
    )

    phone = browser_page(phone=True)
    phone.goto(f"{live_server.url}/i/{invitation.token}")
    expect(phone.get_by_role("heading", name=event.title)).to_be_visible()
    assert phone.locator("input[name=email]").count() == 0
    expect(phone.get_by_text("hanna@a.example")).to_be_visible()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.get_by_label("Namn").fill("Vidarebefordrad Person")
    phone.get_by_label("Jag har läst").check()
    phone.get_by_role("button", name="Anmäl dig", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/m/**")
    registration = Registration.objects.get(event=event)
    assert registration.email == "hanna@a.example"

    phone.goto(f"{live_server.url}/i/{other.token}")
    phone.get_by_role("link", name="Tacka nej till inbjudan").click()
    assert_accessible(phone)
    phone.get_by_role("button", name="Tacka nej", exact=True).click()
    expect(phone.get_by_text("Tack för ditt svar")).to_be_visible()
    assert_accessible(phone)

    page.goto(f"{live_server.url}/events/{event.pk}/invitations/")
    counts = page.locator("table").first
    expect(counts).to_contain_text("Förvaltning A")
    assert_accessible(page)
    other.refresh_from_db()
    assert other.status == "declined"
