"""The PDF summary report: its figures are the summary selector's, its first page holds the
committee matter's fields, and it is scoped like everything else."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from jamlik.assessments import charts, selectors
from jamlik.assessments.reports import pdf as report
from tests.factories import assessments as f
from tests.factories.orgs import UnitFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[list[str], str]:
    reader = PdfReader(io.BytesIO(content))
    pages = [(page.extract_text() or "").replace("\x00", "") for page in reader.pages]
    return pages, re.sub(r"\s+", " ", " ".join(pages))


@pytest.fixture
def campaigns(personas):
    """Two campaigns over A and B (three units each side) with answers and comments."""
    UnitFactory(name="Enhet A2", code="A2", parent=personas.org_a)
    UnitFactory(name="Enhet B2", code="B2", parent=personas.org_b)
    UnitFactory(name="Enhet B3", code="B3", parent=personas.org_b)
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2019")
    current = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2021")
    answers = {
        "A1": {"r1": "yes", "r2": "2", "r3": "no"},
        "A2": {"r1": "partly", "r2": "3", "r3": "na"},
        "B1": {"r1": "no", "r2": "0", "r3": "yes"},
        "B2": {"r1": "dont_know", "r2": "1", "r3": "partly"},
    }
    for response in current.responses.select_related("unit"):
        values = answers.get(response.unit.code)
        if values:
            f.submit(response, values, r1=f"Kommentar från {response.unit.code}")
    for response in earlier.responses.select_related("unit"):
        f.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})
    return earlier, current


def test_pdf_figures_agree_with_the_summary_selector(personas, campaigns):
    earlier, current = campaigns
    user = personas.city_coordinator
    matter = report.Matter(
        committee="Kommunstyrelsen",
        diary_number="01326/21",
        case_officer="Eva Jansson",
        summary="Samtliga verksamheter har gjort en självskattning.",
    )
    with translation.override("sv"):
        content = report.campaign_report_pdf(
            user=user, campaign=current, compare_to=earlier, matter=matter
        )
        summary = selectors.campaign_summary(user=user, campaign=current, compare_to=earlier)
        expected_rate = charts.fmt_percent(summary.response_rate)
        expected_areas = [charts.fmt_score(a.score) for a in summary.areas]
        changes = [charts.fmt_change(c.change) for c in summary.comparison.areas]
    assert content.startswith(b"%PDF")
    pages, text = pdf_text(content)
    # The first page: the committee matter's fields and the summary.
    first = re.sub(r"\s+", " ", pages[0])
    for word in ("Kommunstyrelsen", "01326/21", "Eva Jansson", "Diarienummer", "Handläggare"):
        assert word in first
    assert "Samtliga verksamheter har gjort en självskattning." in first
    assert summary.submitted == 4 and summary.responses == 5
    assert expected_rate.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    assert "4 av 5 enheter" in text
    for score in expected_areas:
        assert score in text
    for change in changes:
        assert change in text
    for heading in (
        "Poäng per område",
        "Organisationer och områden",
        "Svagaste kraven",
        "Jämförelse med Omgång 2019",
        "Kommentarer per krav",
        "Kommentar från A1",
        "Förvaltning A",
        "Förvaltning B",
    ):
        assert heading in text


def test_hand_computed_area_scores_appear_in_the_pdf(personas, campaigns):
    _earlier, current = campaigns
    # Area 1 pools r1 and r2 of the submitted units: r1 yes 100, partly 50, no 0 (don't know
    # has no score); r2 2 → 66.67, 3 → 100, 0 → 0, 1 → 33.33. Mean of 7 scores = 50.0.
    # Area 2 (r3): no 0, n/a none, yes 100, partly 50 → 50.0.
    with translation.override("sv"):
        content = report.campaign_report_pdf(user=personas.city_coordinator, campaign=current)
    _pages, text = pdf_text(content)
    assert "1. Område ett 50,0" in text
    assert "2. Område två 50,0" in text
    assert "80,0 %" in text.replace("\u00a0", " ")


def test_automatic_summary_when_the_cover_is_left_empty(personas, campaigns):
    _earlier, current = campaigns
    with translation.override("sv"):
        content = report.campaign_report_pdf(user=personas.city_coordinator, campaign=current)
    pages, _text = pdf_text(content)
    first = re.sub(r"\s+", " ", pages[0])
    assert "4 av 5 enheter har skickat in sin självskattning" in first


def test_report_is_scoped_to_the_coordinator(personas, campaigns):
    _earlier, current = campaigns
    with translation.override("sv"):
        content = report.campaign_report_pdf(user=personas.coordinator_a, campaign=current)
    _pages, text = pdf_text(content)
    assert "Förvaltning A" in text
    assert "Förvaltning B" not in text and "Enhet B" not in text
    assert "Kommentar från B" not in text
    assert "Kommentar från A1" in text
    assert "2 av 2 enheter" in text


def built(web, response) -> bytes:
    """The file of the job a direct address sent the browser to (303 to its page)."""
    assert response.status_code == 303, response.status_code
    download = web.get(f"{response['Location']}fil")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    return download.content


def test_report_page_downloads_and_scoping(personas, campaigns, django_capture_on_commit_callbacks):
    _earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        reply = web.post(
            f"/assessments/campaigns/{current.pk}/report.pdf",
            {"committee": "Nämnd A", "diary_number": "12/34", "date": "2021-05-06"},
        )
    _pages, text = pdf_text(built(web, reply))
    assert "Nämnd A" in text and "2021-05-06" in text and "Förvaltning B" not in text
    # Another organisation's filter is refused, not silently widened.
    refused = web.get(
        f"/assessments/campaigns/{current.pk}/report.pdf", {"organisation": personas.org_b.pk}
    )
    assert refused.status_code == 400
    assert (
        web.get(f"/assessments/campaigns/{current.pk}/report.pdf?date=nonsense").status_code == 400
    )
    assert web.get("/assessments/campaigns/999999/report.pdf").status_code == 404
    assert personas.web().get(f"/assessments/campaigns/{current.pk}/report.pdf").status_code == 302


def test_hostile_text_in_the_cover_is_printed_not_run(
    personas, campaigns, django_capture_on_commit_callbacks
):
    _earlier, current = campaigns
    web = personas.web(personas.city_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        reply = web.post(
            f"/assessments/campaigns/{current.pk}/report.pdf",
            {"committee": "<b>Nämnd</b> <img src=x onerror=alert(1)>", "summary": "🙂 ‏שלום‏"},
        )
    _pages, text = pdf_text(built(web, reply))
    assert "<b>Nämnd</b>" in text
    too_long = web.post(f"/assessments/campaigns/{current.pk}/report.pdf", {"committee": "x" * 201})
    assert too_long.status_code == 400


def test_empty_campaign_gives_a_report(personas):
    campaign = f.campaign(organisations=[personas.org_a])
    with translation.override("sv"):
        content = report.campaign_report_pdf(user=personas.city_coordinator, campaign=campaign)
    _pages, text = pdf_text(content)
    assert "0 av 1 enheter" in text and "Inga poänggivande svar ännu." in text
