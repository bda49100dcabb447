"""The yearly documentation in a real browser: a city coordinator opens the overview, writes
the first version of a company's documentation, saves a second one and opens the first
again; the org coordinator of the other administration does not see it. axe finds no WCAG
2.1 A/AA violation at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.orgs.models import Kind
from tests.e2e.conftest import assert_accessible, login
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2019


def test_write_two_versions_and_read_the_first(live_server, browser_page, personas):
    company = OrganisationFactory(
        name="Bolag A AB", code="BOLAG-A", kind=Kind.COMPANY, parent=personas.org_a
    )
    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/reviews/documentation/?year={YEAR}")
    expect(page.get_by_role("heading", name=f"Årlig dokumentation {YEAR}")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Bolag A AB")
    expect(row).to_contain_text("Inte upprättad")
    assert_accessible(page)

    row.get_by_role("link", name="Bolag A AB").click()
    expect(page.get_by_text("Ingen version har sparats än.")).to_be_visible()
    # Drawn from the (empty) self-assessment: a sentence, not a blank box.
    expect(page.get_by_label("Risker och hinder som upptäckts")).to_have_value(
        "Självskattningens svar visar inga risker eller hinder."
    )
    assert_accessible(page)
    page.get_by_label("Författare").fill("")
    page.get_by_role("button", name="Spara som ny version").click()
    expect(page.get_by_role("alert").first).to_contain_text("Rätta felen nedan.")
    assert_accessible(page)

    page.get_by_label("Författare").fill("Eva Jansson")
    page.get_by_role("button", name="Spara som ny version").click()
    expect(page.get_by_text("Version 1 sparades.")).to_be_visible()
    page.get_by_label("Vidtagna åtgärder").fill("Chefer har utbildats i diskrimineringslagen.")
    page.get_by_label("Författare").fill("Karl Berg")
    page.get_by_role("button", name="Spara som ny version").click()
    expect(page.get_by_text("Version 2 sparades.")).to_be_visible()
    versions = page.locator("table")
    expect(versions).to_contain_text("Eva Jansson")
    expect(versions).to_contain_text("Karl Berg")

    page.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_text("Det finns en senare version.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Chefer har utbildats")
    assert_accessible(page)

    phone = browser_page(phone=True)
    login(phone, live_server, personas.coordinator_a)
    phone.goto(f"{live_server.url}/reviews/documentation/{company.pk}/{YEAR}/")
    expect(phone.get_by_label("Vidtagna åtgärder")).to_have_value(
        "Chefer har utbildats i diskrimineringslagen."
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    assert_accessible(phone)

    other = browser_page()
    login(other, live_server, personas.coordinator_b)
    answer = other.goto(f"{live_server.url}/reviews/documentation/{company.pk}/{YEAR}/")
    assert answer is not None and answer.status == 404
