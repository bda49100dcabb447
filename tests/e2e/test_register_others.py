"""A coordinator registers others in the browser: from the dashboard to the form for one
person, and a list with an error whose summary takes the focus, at 1280 and 390 px; axe finds
no violation, and the phone does not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.events.models import Registration
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST_WITH_AN_ERROR = (
    "\ufeffNamn;E-post;Organisationskod;Befattning;Chefens e-post\n"
    "Anna Andersson;anna@a.example;A;Handläggare;\n"
    "Bo Berg;;A;;\n"
)
GOOD_LIST = (
    "Namn;E-post;Organisationskod\nAnna Andersson;anna@a.example;A\nBo Berg;bo@a.example;A1\n"
)


@pytest.fixture
def event(personas):
    event = EventFactory(title="Jämlikhetsdagen", capacity=50)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    return event


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("phone", [True, False])
def test_register_one_person_and_import_a_list(live_server, browser_page, event, personas, phone):
    width = 390 if phone else 1280
    page = browser_page(phone=phone)
    login(page, live_server, personas.coordinator_a)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    page.get_by_role("link", name="Anmäl en person").click()
    page.wait_for_url(f"**/events/{event.pk}/register/")
    assert_accessible(page)
    if phone:
        _no_sideways_scroll(page, width)
    page.screenshot(path=f"var/screenshots/register-person-{width}.png", full_page=True)

    # One person, with an error first: the summary takes the focus.
    page.get_by_label("Organisation").select_option(label="Enhet A1 (A1)")
    page.get_by_label("Namn").fill("Cecilia Coordinated")
    page.get_by_role("button", name="Anmäl personen").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert "E-postadress i arbetet" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("E-postadress i arbetet").fill("cecilia@a.example")
    page.get_by_role("button", name="Anmäl personen").click()
    page.wait_for_url(f"**/events/{event.pk}/registrations/*/")
    expect(page.get_by_text("Cecilia Coordinated har fått en plats")).to_be_visible()
    assert Registration.objects.get(email="cecilia@a.example").organisation == personas.unit_a

    # A list with an error: nothing stored, the line in the summary, which has the focus.
    page.goto(f"{live_server.url}/events/{event.pk}/")
    page.get_by_role("link", name="Importera lista").click()
    page.wait_for_url(f"**/events/{event.pk}/register/import/")
    assert_accessible(page)
    if phone:
        _no_sideways_scroll(page, width)
    page.get_by_label("Lista (CSV eller XLSX)").set_input_files(
        files=[
            {
                "name": "lista.csv",
                "mimeType": "text/csv",
                "buffer": LIST_WITH_AN_ERROR.encode(),
            }
        ]
    )
    page.get_by_role("button", name="Importera och anmäl").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Rad 3: e-postadressen saknas.")
    assert not Registration.objects.filter(email="anna@a.example").exists()
    assert_accessible(page)
    if phone:
        _no_sideways_scroll(page, width)
    page.screenshot(path=f"var/screenshots/register-import-error-{width}.png", full_page=True)

    # The corrected list: everyone registered, back on the dashboard with the counts.
    page.get_by_label("Lista (CSV eller XLSX)").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": GOOD_LIST.encode()}]
    )
    page.get_by_role("button", name="Importera och anmäl").click()
    page.wait_for_url(f"**/events/{event.pk}/")
    expect(page.get_by_text("Anmälda: 2")).to_be_visible()
    assert Registration.objects.filter(event=event).count() == 3
    assert_accessible(page)
    if phone:
        _no_sideways_scroll(page, width)


def test_the_city_registers_a_protected_person_on_a_phone(
    live_server, browser_page, event, personas
):
    page = browser_page(phone=True)
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/{event.pk}/register/")
    protected = page.get_by_label("Skyddade personuppgifter")
    expect(protected).to_be_visible()
    assert_accessible(page)
    _no_sideways_scroll(page, 390)
    page.get_by_label("Organisation").select_option(value=str(personas.org_a.pk))
    page.get_by_label("Namn").fill("Sara Skyddad")
    page.get_by_label("E-postadress i arbetet").fill("sara@a.example")
    protected.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Anmäl").click()
    page.wait_for_url("**/registrations/**")
    assert Registration.objects.get(email="sara@a.example").protected_identity
