"""The board report: its content in the PDF (read back with pypdf) and the DOCX (read back
with python-docx, and opened by LibreOffice when it is installed)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from jamlik.assessments.models import Response
from jamlik.assessments.selectors import campaign_summary
from jamlik.core.errors import Forbidden, Invalid
from jamlik.reviews import reports, services
from jamlik.reviews.models import BoardReport
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.orgs import UnitFactory

pytestmark = pytest.mark.django_db

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def review(personas):
    UnitFactory(parent=personas.org_a, name="Enhet A2", code="A2")
    campaign = af.campaign(
        organisations=[personas.org_a, personas.org_b], title="Självskattning 2019"
    )
    responses = list(Response.objects.filter(campaign=campaign).order_by("unit__code"))
    af.submit(responses[0], {"r1": "yes", "r2": "3", "r3": "no"})  # A1
    af.submit(responses[1], {"r1": "partly", "r2": "1", "r3": "no"})  # A2
    # B1 has not submitted: response rate 2/3.
    workshop = rf.workshop(title="Workshop för HR-specialister")
    rf.participants(workshop, {personas.org_a: 3, personas.org_b: 3})
    breakouts = services.breakouts_form(actor=None, event=workshop, size=3, seed=2021)
    services.breakout_notes_save(
        actor=None,
        breakout=breakouts[0],
        shared="Erfarenheter av aktiva åtgärder delades.",
        questions="Hur följer vi upp åtgärderna?",
        wishes="Gemensamma metoder över staden.",
    )
    review = rf.review(
        title="Strategisk fördjupning MR/Jämställdhet",
        campaigns=[campaign],
        workshops=[workshop],
        diary_number="01326/21",
    )
    rf.example(
        personas.org_a, title="Trafikkontorets rutin", review=review, requirement_keys=["r1"]
    )
    services.board_report_save(
        actor=None,
        review=review,
        committee="Trafiknämnden",
        case_officer="Eva Jansson",
        summary="Sammanfattningen.",
        proposed_decision="Nämnden noterar informationen.",
        results="Resultaten i korthet.",
        economic_assessment="Inga ekonomiska konsekvenser.",
        cooperation="Ärendet har behandlats i FSG.",
        appendices="Rapport\nProtokoll från workshop",
    )
    return review


def test_report_data_takes_the_figures_from_the_summary_selector(review, personas):
    data = reports.report_data(user=personas.city_coordinator, review=review)
    campaign = review.campaigns.get()
    summary = campaign_summary(user=personas.city_coordinator, campaign=campaign)
    figures = data.campaigns[0]
    assert figures.summary.response_rate == summary.response_rate == pytest.approx(2 / 3)
    assert [a.score for a in figures.summary.areas] == [a.score for a in summary.areas]
    assert _plain(figures.response_rate) == "66,7 %"
    # Area 1: r1 yes (100) and partly (50), r2 3 (100) and 1 (33.3) → 70.8; area 2: no, no → 0.
    assert figures.area_rows[0][1] == "70,8" and figures.area_rows[1][1] == "0,0"
    workshop = data.workshops[0]
    assert (workshop.participants, workshop.organisations, workshop.groups) == (6, 2, 2)
    assert len(workshop.notes) == 1
    assert data.report.diary_number == "01326/21"  # taken over from the review


def test_pdf_holds_the_matter_the_figures_and_the_themes(review, personas):
    pdf = reports.report_pdf(reports.report_data(user=personas.city_coordinator, review=review))
    text = _plain("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for expected in [
        "Strategisk fördjupning MR/Jämställdhet",
        "Trafiknämnden",
        "01326/21",
        "Eva Jansson",
        "Nämnden noterar informationen.",
        "66,7 %",  # response rate
        "70,8",  # area score
        "Område ett",
        "Erfarenheter av aktiva åtgärder delades.",
        "Gemensamma metoder över staden.",
        "Trafikkontorets rutin",
        "Ärendet har behandlats i FSG.",
        "Protokoll från workshop",
        "Inga ekonomiska konsekvenser.",
    ]:
        assert expected in text, expected


def _docx_text(blob: bytes) -> tuple[list[tuple[str, str]], str]:
    document = Document(io.BytesIO(blob))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    body = _plain("\n".join([p.text for p in document.paragraphs] + cells))
    return headings, body


def test_docx_round_trips_with_headings_and_figures(review, personas):
    blob = reports.report_docx(reports.report_data(user=personas.city_coordinator, review=review))
    headings, body = _docx_text(blob)
    names = [text for _style, text in headings]
    assert ("Title", "Strategisk fördjupning MR/Jämställdhet") in headings
    for heading in [
        "Förslag till beslut",
        "Sammanfattning",
        "Beskrivning av ärendet",
        "Bedömning",
        "Ekonomisk dimension",
        "Ekologisk dimension",
        "Social dimension",
        "Samverkan",
        "Bilagor",
    ]:
        assert any(name.startswith(heading) for name in names), (heading, names)
    for expected in ["01326/21", "Trafiknämnden", "Eva Jansson", "66,7 %", "70,8", "Område ett",
                     "Erfarenheter av aktiva åtgärder delades.", "Protokoll från workshop"]:  # fmt: skip
        assert expected in body, expected


@pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_opens_the_docx(review, personas, tmp_path):
    blob = reports.report_docx(reports.report_data(user=personas.city_coordinator, review=review))
    source = tmp_path / "rapport.docx"
    source.write_bytes(blob)
    subprocess.run(  # noqa: S603 -- a fixed LibreOffice command on a file of ours
        [
            LIBREOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "rapport.pdf"
    assert converted.exists()
    text = _plain("\n".join(p.extract_text() for p in PdfReader(converted).pages))
    assert "Strategisk fördjupning MR/Jämställdhet" in text
    assert "01326/21" in text and "66,7 %" in text


def test_an_empty_review_still_exports(personas):
    review = rf.review(milestones=[])
    data = reports.report_data(user=personas.admin, review=review)
    assert reports.report_pdf(data).startswith(b"%PDF")
    _headings, body = _docx_text(reports.report_docx(data))
    assert "Inget förslag till beslut ännu." in body
    assert not BoardReport.objects.exists()  # reading does not create the report


def test_only_the_city_exports(review, personas):
    with pytest.raises(Forbidden):
        reports.report_data(user=personas.coordinator_a, review=review)


def test_hostile_text_is_escaped_in_the_pdf_and_kept_in_the_docx(personas):
    review = rf.review(title="<script>alert(1)</script> & ‮RTL 🌍")
    services.board_report_save(actor=None, review=review, summary='<b>fet</b> & "citat"')
    data = reports.report_data(user=personas.admin, review=review)
    html = reports.report_html(data)
    assert "<script>alert" not in html and "&lt;b&gt;fet&lt;/b&gt;" in html
    _headings, body = _docx_text(reports.report_docx(data))
    assert '<b>fet</b> & "citat"' in body


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"summary": "x" * 10_001}, "summary"),
        ({"diary_number": "x" * 51}, "diary_number"),
        ({"committee": "a\x07b"}, "committee"),
        ({"date": "2021-05-06"}, "date"),
    ],
)
def test_bad_report_input_is_refused(personas, fields, field):
    review = rf.review()
    with pytest.raises(Invalid) as info:
        services.board_report_save(actor=None, review=review, **fields)
    assert info.value.errors[0]["field"] == field
    assert not BoardReport.objects.exists()
