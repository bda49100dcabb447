"""Sign-off in a real browser: a coordinator records the head's decision on a submitted
response, first sending it back (a missing comment is refused and shown), then accepting the
resubmitted version on a phone; the campaign page counts the signed-off units. axe finds no
WCAG 2.1 A/AA violation at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.assessments.models import Response, ResponseStatus
from jamlik.notifications.models import OutboxMessage
from tests.e2e.conftest import assert_accessible, login
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db(transaction=True)


def fill_signoff(page, *, decision: str, comment: str = "") -> None:
    section = page.locator("#signoff")
    section.get_by_label(decision).check()
    section.get_by_label("Chefens namn").fill("Karin Lind")
    section.get_by_label("Chefens titel").fill("Förvaltningschef")
    section.get_by_label("Kommentar").fill(comment)
    section.get_by_role("button", name="Spara signeringen").click()


def test_send_back_then_accept_on_desktop_and_phone(live_server, browser_page, personas):
    campaign = f.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    response.respondents = ["chef.a1@a.example"]
    response.save()
    f.submit(response)
    url = f"{live_server.url}/assessments/responses/{response.pk}/"

    page = browser_page()
    login(page, live_server, personas.coordinator_a)
    page.goto(url)
    expect(page.get_by_role("heading", name="Signera")).to_be_visible()
    assert_accessible(page)

    # "Changes requested" without a comment: refused, said in Swedish, nothing changed.
    fill_signoff(page, decision="Ändringar begärs")
    expect(page.get_by_role("alert").first).to_contain_text("Signeringen kunde inte sparas.")
    expect(page.locator("#signoff")).to_contain_text("Skriv vad som ska ändras.")
    assert_accessible(page)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED

    fill_signoff(page, decision="Ändringar begärs", comment="Krav 1.2 behöver en plan.")
    page.wait_for_url(url)
    expect(page.get_by_text("svaret öppnades igen")).to_be_visible()
    history = page.locator("#signoff table")
    expect(history).to_contain_text("Karin Lind, Förvaltningschef")
    expect(history).to_contain_text("Krav 1.2 behöver en plan.")
    assert_accessible(page)
    response.refresh_from_db()
    assert response.status == ResponseStatus.REOPENED
    assert OutboxMessage.objects.filter(kind="assessments.changes_requested").count() == 1

    # The unit submits again; the head accepts version 2, recorded on a phone.
    f.submit(Response.objects.get(pk=response.pk))
    phone = browser_page(phone=True)
    login(phone, live_server, personas.city_coordinator)
    phone.goto(url)
    assert_accessible(phone)
    fill_signoff(phone, decision="Godkänt")
    phone.wait_for_url(url)
    expect(phone.get_by_text("Signeringen sparades.")).to_be_visible()
    expect(phone.locator("#signoff")).to_contain_text("Signerat ")
    assert phone.locator("#signoff form").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    assert_accessible(phone)
    response.refresh_from_db()
    assert response.signed_off

    # The campaign's progress counts the signed-off unit, on both sizes.
    for view in (page, phone):
        view.goto(f"{live_server.url}/assessments/campaigns/{campaign.pk}/")
        table = view.locator("table").first
        expect(table.get_by_role("columnheader", name="Signerade")).to_be_visible()
        expect(table.locator("tfoot td.num").nth(4)).to_have_text("1")
        assert_accessible(view)
