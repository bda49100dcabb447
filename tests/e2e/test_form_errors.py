"""A form sent back with errors on a phone: focus on the error summary, which is in view,
and a title that starts with "Fel: " (issue "The experience", item 1)."""

from __future__ import annotations

import pytest

from jamlik.events import services
from tests.e2e.conftest import assert_accessible
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "var" / "screenshots"


def assert_errors_in_focus(page) -> None:
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.title().startswith("Fel: ")
    box = page.locator("#error-summary").bounding_box()
    viewport = page.viewport_size
    assert box is not None and -2 <= box["y"] < viewport["height"]
    assert_accessible(page)


@pytest.mark.parametrize("phone", [True, False], ids=["390", "1280"])
def test_an_invalid_registration_brings_the_errors_into_focus(
    live_server, browser_page, personas, phone
):
    event = EventFactory(title="Jämlikhetskonferensen", capacity=50)
    AllocationFactory(event=event, name="A", quota=10, organisations=[personas.org_a])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    page = browser_page(phone=phone)
    page.goto(f"{live_server.url}/r/{link.token}")
    assert page.title() == "Jämlikhetskonferensen – Jämlik"
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_load_state()
    assert_errors_in_focus(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"form-errors-registration-{390 if phone else 1280}.png")


def test_an_invalid_transfer_brings_the_errors_into_focus(live_server, browser_page, personas):
    event = EventFactory(title="Jämlikhetskonferensen", capacity=50)
    AllocationFactory(event=event, name="A", quota=10, organisations=[personas.org_a])
    registration = register(event, personas.org_a).registration
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/m/{registration.manage_token}")
    page.locator(
        f'form[action$="/{registration.manage_token}/transfer"] button[type=submit]'
    ).click()
    page.wait_for_load_state()
    assert_errors_in_focus(page)
    page.screenshot(path=SCREENSHOTS / "form-errors-transfer-390.png")
