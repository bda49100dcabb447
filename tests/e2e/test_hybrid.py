"""A hybrid event in a real browser on a phone: the public form offers "on site" or "online"
with the online seats left, registering online shows the meeting link on the confirmation,
and axe finds no WCAG 2.1 A/AA violation on the form or the manage page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.events.models import Registration
from tests.e2e.conftest import assert_accessible
from tests.factories.events import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_e2e%40thread.v2/0"


def test_register_online_on_a_phone_and_see_the_link(live_server, browser_page, personas):
    event = EventFactory(online_capacity=5, meeting_url=TEAMS, quota_lock_until=None)
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/e/{event.pk}")
    online = page.get_by_label("På distans (5 platser kvar)")
    expect(online).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Organisation").select_option(label="Extern eller annan organisation")
    page.get_by_label("Namn").first.fill("Nora Nätsson")
    page.get_by_label("E-postadress").first.fill("nora@x.example")
    page.get_by_label("Medarbetare").check()
    online.check()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Anmäl").click()
    page.wait_for_url("**/confirmation")
    expect(page.get_by_role("heading", name="Länk till onlinemötet")).to_be_visible()
    registration = Registration.objects.get(email="nora@x.example")
    assert registration.participation == "online"

    page.goto(f"{live_server.url}/m/{registration.manage_token}")
    expect(page.get_by_text("På distans", exact=True)).to_be_visible()
    assert page.locator(f'a[href="{TEAMS}"]').count() == 1
    assert_accessible(page)


def test_on_site_full_still_offers_online_with_the_keyboard(live_server, browser_page, personas):
    """On-site seats gone and no waiting list: the page says so and offers online alone,
    already chosen; registering with the keyboard alone gives an online seat."""
    from tests.events.test_hybrid_online_only import _full_on_site

    event = _full_on_site(personas)
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/e/{event.pk}")
    expect(page.get_by_text("Platserna på plats är slut")).to_be_visible()
    online = page.get_by_label("På distans (2 platser kvar)")
    expect(online).to_be_checked()
    assert page.get_by_label("På plats").count() == 0
    assert_accessible(page)

    page.get_by_label("Organisation").focus()
    page.keyboard.press("End")  # the last choice: external or other organisation
    page.get_by_label("Namn").first.focus()
    page.keyboard.type("Olle Online")
    page.get_by_label("E-postadress").first.focus()
    page.keyboard.type("olle@x.example")
    page.get_by_label("Medarbetare").focus()
    page.keyboard.press("Space")
    page.locator("#id_consent").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Anmäl").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/confirmation")
    registration = Registration.objects.get(email="olle@x.example")
    assert (registration.participation, registration.status) == ("online", "confirmed")
