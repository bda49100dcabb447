"""What a visitor can do, in a real browser on a phone: the public page of an event in its quota
phase says to use the organisation's link and offers no form; the link page of an organisation
outside every allocation says the waiting list and offers the form; the editor warns before
publishing an event nobody can join."""

from __future__ import annotations

import pytest

from jamlik.events import services
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_quota_phase_without_allocations(live_server, browser_page, personas):
    event = EventFactory(title="Kvotdagen")
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/e/{event.pk}")
    text = page.locator("main").inner_text()
    assert "funktionsbrevlåda" in text
    assert "hamna på väntelistan" not in text
    assert page.locator('input[name="consent"]').count() == 0
    assert_accessible(page)
    page.screenshot(path="var/screenshots/visitor-options-public-390.png", full_page=True)

    token = services.link_ensure(event=event, organisation=personas.org_b).token
    page.goto(f"{live_server.url}/r/{token}")
    assert "hamna på väntelistan" in page.locator("main").inner_text()
    assert page.locator('input[name="consent"]').count() == 1
    assert_accessible(page)
    page.screenshot(path="var/screenshots/visitor-options-link-390.png", full_page=True)


@pytest.mark.parametrize("phone", [True, False])
def test_editor_warns_that_nobody_can_join(live_server, browser_page, personas, phone):
    event = EventFactory(title="Ingen plats")
    page = browser_page(phone=phone)
    login(page, live_server, personas.admin)
    page.goto(f"{live_server.url}/events/{event.pk}/edit/")
    warning = page.locator("#publish-warning")
    assert warning.is_visible()
    assert "Ingen kan få en plats" in warning.inner_text()
    assert "Ingen kan få en plats" in page.locator(".visitor-summary").inner_text()
    assert_accessible(page)
    width = 390 if phone else 1280
    page.screenshot(path=f"var/screenshots/visitor-options-editor-{width}.png", full_page=True)
