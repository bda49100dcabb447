"""The events pages in a real browser (Debian's Chromium): register through an organisation's
link on a phone with the keyboard only, see the confirmation, open the manage link and cancel;
the organiser's dashboard shows the quota use; axe-core finds no WCAG 2.1 A/AA violation on
any main page."""

from __future__ import annotations

import re

import pytest

from jamlik.events import services
from jamlik.events.models import Registration, Status
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture
def conference(personas):
    event = EventFactory(title="Jämlikhetskonferensen 2031", capacity=100)
    allocation = AllocationFactory(
        event=event,
        name="Stadsdelsförvaltningarna (totalt)",
        quota=20,
        organisations=[personas.org_a],
    )
    morning = SessionFactory(event=event, title="Socialt innovationslabb", room="Sal A")
    SessionFactory(
        event=event,
        title="Närområden som bryr sig",
        room="Sal B",
        starts_at=morning.starts_at,
        ends_at=morning.ends_at,
    )
    link = services.link_ensure(event=event, organisation=personas.org_a)
    return event, allocation, link, morning


def test_register_with_keyboard_only_on_a_phone_then_cancel(live_server, browser_page, conference):
    event, _allocation, link, morning = conference
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/r/{link.token}")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).inner_text() == event.title
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    # Submitting with nothing filled in shows the errors, accessibly.
    tab_to(page, "form.registration-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.locator("#id_name").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    tab_to(page, "#id_name")
    page.keyboard.type("Åsa Öberg")
    tab_to(page, "#id_email")
    page.keyboard.type("asa.oberg@a.example")
    tab_to(page, "#id_category_0")
    page.keyboard.press("Space")
    # The session choice: arrow keys move within the radio group of the time slot.
    tab_to(page, f"input[name=slot_{morning.pk}]")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == str(morning.pk)
    tab_to(page, "#id_needs_1")
    page.keyboard.press("Space")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "form.registration-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/m/[^/]+/confirmation$"))
    assert "Tack för din anmälan" in page.content()
    assert "Din plats är bekräftad" in page.content()
    assert_accessible(page)

    registration = Registration.objects.get(email="asa.oberg@a.example")
    assert registration.status == Status.CONFIRMED
    assert list(registration.sessions.values_list("pk", flat=True)) == [morning.pk]
    assert registration.accessibility == "Hörslinga"

    # The manage link: keyboard to "cancel", then confirm.
    tab_to(page, "a.button.primary")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/m/{registration.manage_token}")
    assert "Din anmälan" in page.content()
    assert_accessible(page)
    tab_to(page, "a.button.danger")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/m/{registration.manage_token}/cancel")
    assert_accessible(page)
    tab_to(page, "button.danger")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/m/{registration.manage_token}")
    assert "Din anmälan är avbokad" in page.content()
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED
    assert_accessible(page)


def test_public_pages_are_accessible(live_server, browser_page, conference, personas):
    event, _allocation, _link, _morning = conference
    event = services.event_update(actor=None, event=event, approval_required=True)
    outcome = register(event, personas.org_a, name="Per Persson")
    registration = Registration.objects.get(pk=outcome.registration.pk)
    page = browser_page(phone=True)
    for path in [
        f"/e/{event.pk}",
        f"/e/{event.pk}/lost-link",
        f"/m/{registration.manage_token}",
        f"/a/{registration.approval_token}",
        "/r/inte-en-giltig-lank-123456",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert_accessible(page)
    # The manager approves with the keyboard.
    page.goto(f"{live_server.url}/a/{registration.approval_token}")
    tab_to(page, "button[value=approve]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Anmälan är godkänd")
    assert_accessible(page)
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_organiser_dashboard_shows_quota_use(live_server, browser_page, conference, personas):
    event, _allocation, _link, _morning = conference
    registrations = [register(event, personas.org_a).registration for _ in range(3)]
    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/")
    assert_accessible(page)
    page.get_by_role("link", name=event.title).click()
    page.wait_for_url(f"{live_server.url}/events/{event.pk}/")
    row = page.locator(".bar-row", has_text="Stadsdelsförvaltningarna (totalt)")
    assert "3 av 20" in row.inner_text()
    assert_accessible(page)
    # htmx refreshes the list when a filter changes (the page still works without it).
    page.get_by_label("Namn eller e-post").fill("nobody-matches")
    page.wait_for_selector("text=Inga anmälningar matchar.")
    assert_accessible(page)
    for path in [
        f"/events/{event.pk}/edit/",
        f"/events/{event.pk}/checkin/?q=Person",
        f"/events/{event.pk}/statistics/",
        f"/events/{event.pk}/links/",
        f"/events/{event.pk}/message/",
        f"/events/{event.pk}/registrations/{registrations[0].pk}/",
        f"/events/{event.pk}/registrations/{registrations[0].pk}/cancel/",
        f"/events/{event.pk}/registrations/{registrations[0].pk}/erase/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_checkin_on_a_phone(live_server, browser_page, conference, personas):
    event, _allocation, _link, _morning = conference
    register(event, personas.org_a, name="Cecilia Check")
    page = browser_page(phone=True)
    login(page, live_server, personas.coordinator_a)
    page.goto(f"{live_server.url}/events/{event.pk}/checkin/")
    assert_accessible(page)
    page.get_by_label("Sök på namn eller e-post").fill("Ceci")
    page.wait_for_selector("#checkin-results li.checkin-row")
    page.get_by_role("button", name="Checka in Cecilia Check").click()
    page.wait_for_selector("text=Cecilia Check är incheckad")
    assert Registration.objects.get(name="Cecilia Check").checked_in_at is not None
    assert_accessible(page)
    page.get_by_role("button", name="Ångra Cecilia Check").click()
    page.wait_for_selector("text=Incheckningen av Cecilia Check ångrades")
    assert Registration.objects.get(name="Cecilia Check").checked_in_at is None
