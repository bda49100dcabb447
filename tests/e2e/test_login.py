"""The login page in a real browser: Swedish, accessible, usable with the keyboard alone."""

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_with_keyboard_only_on_a_phone(live_server, browser_page, personas):
    personas.coordinator_a.set_password("pw-for-browser-1")
    personas.coordinator_a.save()
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "sv"
    # The first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert_accessible(page)
    page.get_by_label("Användarnamn").focus()
    page.keyboard.type("hr_a")
    page.keyboard.press("Tab")
    page.keyboard.type("pw-for-browser-1")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert "Förvaltning A" in page.content()
    assert_accessible(page)


def test_wrong_password_is_announced(live_server, browser_page, personas):
    page = browser_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("hr_a")
    page.get_by_label("Lösenord").fill("wrong")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
