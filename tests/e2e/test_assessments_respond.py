"""Self-assessment in a real browser: a unit answers and submits through its respondent link
with the keyboard only; drafts save as you go; the summary page shows its charts; axe finds
no WCAG 2.1 A/AA violation on the form, the results page and the campaign page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jamlik.assessments.models import ResponseStatus
from tests.e2e.conftest import assert_accessible, login
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, selector: str, *, limit: int = 120, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached {selector}")


def test_unit_answers_and_submits_with_the_keyboard_only(live_server, browser_page, personas):
    campaign = f.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    page = browser_page()
    page.goto(f"{live_server.url}/s/{response.token}")
    assert page.locator("html").get_attribute("lang") == "sv"
    expect(page.get_by_role("heading", level=1)).to_have_text("Självskattning")
    assert_accessible(page)

    # 1.1: Tab into the radio group, Space picks "Uppfyllt"; the draft saves by itself.
    tab_to(page, "input[name='v-r1']")
    page.keyboard.press("Space")
    expect(page.locator("#save-status")).to_contain_text("Sparat kl.")
    # A comment, typed; it saves after a pause in typing.
    tab_to(page, "textarea[name='c-r1']")
    page.keyboard.type("Vi har en plan för alla sju grunder.")
    page.keyboard.press("Tab")
    # 1.2 on its maturity scale: arrow keys move the choice to "2 – etablerat".
    tab_to(page, "input[name='v-r2']")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.value") == "2"
    # 2.1
    tab_to(page, "input[name='v-r3']")
    page.keyboard.press("ArrowRight")  # "Delvis uppfyllt"
    expect(page.locator("#save-status")).to_contain_text("Sparat kl.")

    # Review and submit, then confirm with a name.
    tab_to(page, "button[value='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/submit$"))
    assert "krav saknar svar" not in page.content()
    assert_accessible(page)
    tab_to(page, "input[name='submitted_by']")
    page.keyboard.type("Eva Jansson")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/s/{response.token}")
    expect(page.get_by_text("Inskickat av Eva Jansson")).to_be_visible()
    assert page.locator("input[name='v-r1']").count() == 0  # read-only now
    assert_accessible(page)

    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    answers = {
        a.requirement.key: (a.value, a.comment)
        for a in response.answers.select_related("requirement")
    }
    assert answers == {
        "r1": ("yes", "Vi har en plan för alla sju grunder."),
        "r2": ("2", ""),
        "r3": ("partly", ""),
    }


def test_incomplete_submit_lists_missing_answers_with_working_links(
    live_server, browser_page, personas
):
    response = f.campaign(organisations=[personas.org_a]).responses.get()
    f.answer(response, {"r1": "yes"})
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/s/{response.token}/submit")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("2 krav saknar svar")
    page.get_by_label("Ditt namn").fill("Eva")
    page.get_by_role("button", name="Skicka in svaret").click()
    expect(page.get_by_role("alert")).to_contain_text("Kravet är inte besvarat")
    assert_accessible(page)
    # The link in the error list takes focus to the unanswered requirement's first choice.
    page.get_by_role("alert").get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "v-r2"


def test_summary_page_shows_charts_and_is_accessible(live_server, browser_page, personas):
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2019")
    campaign = f.campaign(
        organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2021"
    )
    f.submit(
        campaign.responses.get(unit=personas.unit_a), {"r1": "yes", "r2": "2", "r3": "na"}, r1="Bra"
    )
    f.submit(campaign.responses.get(unit=personas.unit_b), {"r1": "no", "r2": "0", "r3": "partly"})
    for response in earlier.responses.all():
        f.submit(response, {"r1": "partly", "r2": "1", "r3": "no"})
    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/assessments/campaigns/{campaign.pk}/")
    expect(page.get_by_text("2 av 2 enheter (100,0 %)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Resultat", exact=True).click()
    page.get_by_label("Jämför med").select_option(str(earlier.pk))
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(re.compile(r"compare_to="))
    charts = page.locator("svg[role='img']")
    assert charts.count() >= 5
    for name in (
        "Poäng per område (0–100)",
        "Poäng per organisation och område (0–100)",
        "Jämförelse med den tidigare omgången (0–100)",
    ):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    # The charts scale down with the page (viewBox), and each has a table.
    box = page.get_by_role("img", name="Poäng per område (0–100)").bounding_box()
    assert box and box["width"] > 300
    assert page.locator("table caption").count() >= charts.count()
    assert_accessible(page)

    phone = browser_page(phone=True)
    login(phone, live_server, personas.city_coordinator)
    phone.goto(f"{live_server.url}/assessments/campaigns/{campaign.pk}/results/")
    width = phone.get_by_role("img", name="Poäng per område (0–100)").bounding_box()["width"]
    assert width <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400


def test_other_coordinator_pages_are_accessible(live_server, browser_page, personas):
    campaign = f.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    f.submit(response)
    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    for path in (
        "/assessments/",
        "/assessments/campaigns/new/",
        f"/assessments/campaigns/{campaign.pk}/edit/",
        f"/assessments/responses/{response.pk}/",
        f"/assessments/responses/{response.pk}/versions/1/",
        "/assessments/actions/",
        "/assessments/actions/new/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    # A form with errors, too.
    page.goto(f"{live_server.url}/assessments/actions/new/")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
