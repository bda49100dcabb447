"""The committee PDF in a real browser (issue: areas 6 and 7 were cut at the page edge): the
city coordinator creates the report of a campaign on the 2025 framework (7 areas) over
long-named administrations, downloads it from the job's page, and every area and every
organisation is in the file, whole and inside its page; the organisations × areas table is on
a landscape page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jamlik.assessments import services
from tests.assessments.test_report_pdf_tables import (
    LONG_NAMES,
    framework_2025,
    heatmap_pages,
    long_named_organisations,
    plain,
    read_pages,
    runs_off_the_page,
)
from tests.e2e.conftest import assert_accessible, login
from tests.factories import assessments as af

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_downloaded_report_holds_every_area_inside_the_page(
    live_server, browser_page, personas
):
    # A browser test flushes the database between tests; the built-in frameworks that the
    # migrations load are put back first.
    services.frameworks_load_builtin()
    organisations = long_named_organisations(personas.city)
    campaign = af.campaign(
        organisations=organisations, fw=framework_2025(), title="Självskattning 2025"
    )
    af.answer_in_bulk(campaign)
    areas = list(campaign.framework.areas.order_by("order", "pk"))
    assert len(areas) == 7

    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/assessments/campaigns/{campaign.pk}/results/")
    page.get_by_role("button", name="Skapa PDF-rapport").click()
    page.wait_for_url(re.compile(r"/jobb/\d+/$"))
    download = page.get_by_role("status").get_by_role("link", name=re.compile(r"^Ladda ner "))
    expect(download).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        download.click()
    content = open(info.value.path(), "rb").read()  # noqa: SIM115 (read at once)

    pages = read_pages(content)
    assert runs_off_the_page(pages) == []
    text = plain(" ".join(p.text for p in pages))
    for number, area in enumerate(areas, start=1):
        for word in area.title.split():
            assert word in text, (number, word)
        assert f"{number}." in text
    for name, short in LONG_NAMES:
        assert name in text and (short or name) in text
    assert all(p.landscape for p in heatmap_pages(pages))
