"""A seat offered from the waiting list, claimed in a real browser on a phone with the
keyboard alone: the manage page says what is offered and until when, the claim confirms the
seat, and a second claim (another tab) is refused with the reason in focus. axe finds no
WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.events import services
from jamlik.events.models import Registration, Status
from tests.e2e.conftest import assert_accessible
from tests.factories.events import EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_claim_an_offered_seat_on_a_phone(live_server, browser_page, personas):
    event = EventFactory(capacity=1, waitlist_offer_hours=24, quota_lock_until=None)
    seated = register(event, personas.org_a).registration
    waiting = register(event, personas.org_a).registration
    services.registration_cancel(registration=seated)
    assert Registration.objects.get(pk=waiting.pk).status == Status.OFFERED
    url = f"{live_server.url}/m/{waiting.manage_token}"

    page = browser_page(phone=True)
    page.goto(url)
    expect(page.get_by_text("En plats erbjuds dig.")).to_be_visible()
    expect(page.get_by_text("Den är din om du tar den senast")).to_be_visible()
    assert_accessible(page)
    stale = browser_page(phone=True)
    stale.goto(url)

    # Keyboard only: tab to the button and press Enter.
    button = page.get_by_role("button", name="Ta platsen")
    for _ in range(40):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(url)
    expect(page.get_by_text("Din plats är bekräftad.")).to_be_visible()
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED

    stale.get_by_role("button", name="Ta platsen").click()
    summary = stale.locator("#error-summary")
    expect(summary).to_contain_text("Ingen plats erbjuds")
    expect(summary).to_be_focused()
    assert_accessible(stale)
