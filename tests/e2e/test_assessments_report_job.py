"""The campaign's PDF report as a file job in a real browser: on the results page the
coordinator fills in the cover page and clicks "Skapa PDF-rapport", lands on the job's page
with its status region (the progress bar while the worker builds it) and then the download
link; axe finds no WCAG 2.1 A/AA violation on the job's page. The test settings run tasks at
once, so the job may already be done when the page first shows: the flow is asserted, not
the timing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jamlik.core.models import FileJob, FileJobStatus
from tests.e2e.conftest import assert_accessible, login
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_the_pdf_report_and_download_it(live_server, browser_page, personas):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], title="Omgång 2021")
    f.submit(campaign.responses.get(unit=personas.unit_a), {"r1": "yes", "r2": "2", "r3": "no"})
    f.submit(campaign.responses.get(unit=personas.unit_b), {"r1": "no", "r2": "0", "r3": "yes"})
    page = browser_page()
    login(page, live_server, personas.city_coordinator)

    page.goto(f"{live_server.url}/assessments/campaigns/{campaign.pk}/results/")
    page.get_by_label("Nämnd").fill("Kommunstyrelsen")
    page.get_by_role("button", name="Skapa PDF-rapport").click()

    page.wait_for_url(re.compile(r"/jobb/\d+/$"))
    job = FileJob.objects.get()
    assert job.owner == personas.city_coordinator
    assert page.url == f"{live_server.url}/jobb/{job.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("PDF-rapport med resultaten")
    status = page.get_by_role("status")
    expect(status).to_be_visible()
    # The progress bar while it is built, the link once it is done (polled by htmx).
    download = status.get_by_role("link", name=re.compile(r"^Ladda ner "))
    expect(download).to_be_visible()
    expect(download).to_have_attribute("href", f"/jobb/{job.pk}/fil")
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE
    assert job.params["matter"]["committee"] == "Kommunstyrelsen"
    assert_accessible(page)

    # The link hands out the PDF.
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == f"omgang-2021-{campaign.pk}.pdf"
