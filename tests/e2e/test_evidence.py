"""Evidence files in a real browser: the respondent goes from the answer form to a
requirement's files, has an executable refused (said in Swedish, nothing stored), uploads a
policy and then a new revision of it on a phone, and sees the current file on the form. axe
finds no WCAG 2.1 A/AA violation at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.assessments.models import Evidence
from tests.e2e.conftest import assert_accessible
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_respondent_adds_and_revises_a_file(live_server, browser_page, personas):
    campaign = f.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    form_url = f"{live_server.url}{response.respondent_path}"

    page = browser_page()
    page.goto(form_url)
    page.get_by_role("link", name="Lägg till eller ersätt underlag för 1.1").click()
    expect(page.get_by_role("heading", name="Underlag för 1.1")).to_be_visible()
    assert_accessible(page)

    # An executable: refused with the reason next to the field, nothing kept.
    page.locator("#id_file").set_input_files(
        {"name": "program.exe", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}
    )
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("form.card")).to_contain_text("Filer av den här typen tas inte emot")
    assert_accessible(page)
    assert Evidence.objects.count() == 0

    page.locator("#id_file").set_input_files(
        {"name": "Policy.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Diarienummer (frivilligt)").fill("KS 2024/12")
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_text("Filen Policy.pdf lades till.")).to_be_visible()
    expect(page.locator("table")).to_contain_text("KS 2024/12")
    assert_accessible(page)

    # A new revision, on a phone.
    phone = browser_page(phone=True)
    phone.goto(page.url)
    phone.locator("#id_file").set_input_files(
        {"name": "Policy 2.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    phone.get_by_label("Filen är").select_option(label="En ny version av Policy.pdf (version 1)")
    phone.get_by_role("button", name="Ladda upp").click()
    expect(phone.get_by_text("Filen Policy 2.pdf lades till.")).to_be_visible()
    expect(phone.locator("table")).to_contain_text("Ersatt")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    assert_accessible(phone)
    assert Evidence.objects.get(revision=2).replaces.filename == "Policy.pdf"

    # The answer form shows the current file.
    phone.get_by_role("link", name="Tillbaka till svaren").click()
    expect(phone.locator("#req-r1")).to_contain_text("Policy 2.pdf")
    assert_accessible(phone)
