"""Delegation inside a unit in a real browser: the respondent hands a requirement to a
colleague through the respondent link; the colleague answers it on a phone (autosave, only
that requirement); the respondent sees who answered and withdraws the link, which then stops
working. axe finds no WCAG 2.1 A/AA violation on either page, at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.assessments.models import Answer, Assignment
from jamlik.notifications.models import OutboxMessage
from tests.e2e.conftest import assert_accessible
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_respondent_delegates_and_colleague_answers_on_a_phone(live_server, browser_page, personas):
    campaign = f.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    respondent_url = f"{live_server.url}/s/{response.token}"

    page = browser_page()
    page.goto(respondent_url)
    section = page.locator("#assignments")
    expect(section.get_by_role("heading", name="Be kollegor svara")).to_be_visible()
    section.get_by_text("Lämna krav till en kollega", exact=True).click()
    section.get_by_label("Kollegans e-postadress").fill("eva@a.example")
    section.get_by_label("Kollegans namn").fill("Eva Ek")
    section.get_by_label("1.1 Krav ett").check()
    assert_accessible(page)
    section.get_by_role("button", name="Skicka länken").click()
    page.wait_for_url(f"{respondent_url}#assignments")
    expect(page.get_by_text("eva@a.example fick en länk till 1 krav.")).to_be_visible()
    assert OutboxMessage.objects.filter(kind="assessments.assignment").count() == 1
    assignment = Assignment.objects.get()

    phone = browser_page(phone=True)
    phone.goto(f"{live_server.url}{assignment.path}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Självskattning")
    expect(phone.get_by_text("Krav ett")).to_be_visible()
    assert phone.locator("input[name='v-r2']").count() == 0
    assert_accessible(phone)
    phone.get_by_label("Uppfyllt").first.check()
    expect(phone.locator("#save-status")).to_contain_text("Sparat kl.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    assert_accessible(phone)
    answer = Answer.objects.get(requirement__key="r1")
    assert (answer.value, answer.assignment_id) == ("yes", assignment.pk)

    page.goto(respondent_url)
    table = page.locator("#assignments table")
    expect(table).to_contain_text("Eva Ek")
    expect(table).to_contain_text("Ja")
    assert_accessible(page)
    page.locator("#assignments").get_by_role("button", name="Dra tillbaka").click()
    page.wait_for_url(f"{respondent_url}#assignments")
    expect(page.get_by_text("Länken till eva@a.example drogs tillbaka.")).to_be_visible()
    gone = phone.goto(f"{live_server.url}{assignment.path}")
    assert gone is not None and gone.status == 404
