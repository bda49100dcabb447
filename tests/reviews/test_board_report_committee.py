"""The board report ready for the committee: its type, the case officer's phone and e-mail,
the signature block, the DOCX header and footer and the charts in the DOCX; the input rules
shared by the editor page and the API."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from jamlik.assessments.models import Response
from jamlik.core.errors import Invalid
from jamlik.reviews import reports, services
from jamlik.reviews.models import BoardReport, ReportType
from tests.factories import assessments as af
from tests.factories import reviews as rf

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice")
SIGNATORIES = [
    {"name": "Eva Jansson", "title": "Direktör"},
    {"name": "Karl Berg", "title": "Avdelningschef"},
]


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def review(personas):
    campaign = af.campaign(
        organisations=[personas.org_a, personas.org_b], title="Självskattning 2019"
    )
    response = Response.objects.filter(campaign=campaign).order_by("unit__code").first()
    af.submit(response, {"r1": "yes", "r2": "3", "r3": "no"})
    review = rf.review(
        title="Strategisk fördjupning MR/Jämställdhet",
        campaigns=[campaign],
        diary_number="01326/21",
    )
    services.board_report_save(
        actor=None,
        review=review,
        committee="Trafiknämnden",
        case_officer="Lisa Handläggare",
        case_officer_phone="08-508 290 00",
        case_officer_email="Lisa.Handlaggare@Stad.Example",
        report_type=ReportType.INFORMATION,
        signatories=SIGNATORIES,
        proposed_decision="Nämnden noterar informationen.",
    )
    return review


@pytest.fixture
def city(personas):
    return personas.api(personas.city_coordinator)


def _data(review, personas):
    return reports.report_data(user=personas.city_coordinator, review=review)


# ---- The input rules ---------------------------------------------------------------------------


def test_the_new_fields_are_stored(review):
    report = BoardReport.objects.get(review=review)
    assert report.report_type == "information"
    assert report.case_officer_phone == "08-508 290 00"
    assert report.case_officer_email == "Lisa.Handlaggare@stad.example"  # domain lowered
    assert report.signatories == SIGNATORIES  # plain {name, title}, in order


def test_a_new_report_is_an_official_report_without_signatories(personas):
    report = services.board_report_initial(rf.review())
    assert report.report_type == ReportType.OFFICIAL and report.signatories == []


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"signatories": [*SIGNATORIES, *SIGNATORIES]}, "signatories", "För många poster."),
        (
            {"signatories": [{"name": "Eva Jansson"}]},
            "signatories.0.title",
            "Fältet måste fyllas i.",
        ),
        (
            {"signatories": [SIGNATORIES[0], {"name": "Karl Berg", "title": "  "}]},
            "signatories.1.title",
            "Fältet får inte vara tomt.",
        ),
        ({"signatories": [{"name": "", "title": "Direktör"}]}, "signatories.0.name", "tomt"),
        ({"case_officer_email": "eva@"}, "case_officer_email", "Ange en giltig e-postadress."),
        ({"case_officer_phone": "0" * 41}, "case_officer_phone", "Högst 40 tecken."),
        ({"case_officer_phone": "08\n508"}, "case_officer_phone", "styrtecken"),
        ({"report_type": "beslut"}, "report_type", "Välj ett av de tillåtna värdena."),
    ],
)
def test_bad_committee_input_is_refused_in_swedish(personas, fields, field, message):
    review = rf.review()
    with translation.override("sv"), pytest.raises(Invalid) as info:
        services.board_report_save(actor=None, review=review, **fields)
    assert info.value.errors[0]["field"] == field
    assert message in str(info.value.errors[0]["message"])
    assert not BoardReport.objects.exists()


# ---- The PDF -----------------------------------------------------------------------------------


def test_pdf_holds_type_contact_details_and_signatures(review, personas):
    pdf = PdfReader(io.BytesIO(reports.report_pdf(_data(review, personas))))
    pages = [_plain(page.extract_text()) for page in pdf.pages]
    first, text = pages[0], " ".join(pages)
    # The type heading (set in capitals) and the case officer's contact details on the
    # first page.
    assert "INFORMATION TILL NÄMNDEN (TN-INFORMATION)" in first
    for expected in [
        "Lisa Handläggare",
        "Telefon",
        "08-508 290 00",
        "E-post",
        "Lisa.Handlaggare@stad.example",
    ]:
        assert expected in first, expected
    assert "TJÄNSTEUTLÅTANDE" not in first.upper()
    # The signature block ends the document.
    for expected in ["Eva Jansson", "Direktör", "Karl Berg", "Avdelningschef"]:
        assert expected in pages[-1], expected
    assert text.rindex("Avdelningschef") > text.rindex("Bilagor")


def test_an_official_report_says_so(personas):
    review = rf.review(diary_number="7/21")
    data = reports.report_data(user=personas.admin, review=review)
    first = _plain(PdfReader(io.BytesIO(reports.report_pdf(data))).pages[0].extract_text())
    assert "TJÄNSTEUTLÅTANDE" in first  # the type heading, set in capitals
    document = Document(io.BytesIO(reports.report_docx(data)))
    assert "Tjänsteutlåtande" in document.sections[0].header.paragraphs[0].text


# ---- The DOCX ----------------------------------------------------------------------------------


def _docx(review, personas):
    return Document(io.BytesIO(reports.report_docx(_data(review, personas))))


def test_docx_header_carries_diary_number_and_type(review, personas):
    document = _docx(review, personas)
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "01326/21" in header and "Diarienummer" in header
    assert "Information till nämnden (TN-information)" in header
    subtitle = [p.text for p in document.paragraphs if p.style.name == "Subtitle"]
    assert subtitle == ["Information till nämnden (TN-information)"]


def test_docx_footer_counts_pages_with_fields(review, personas):
    footer = _docx(review, personas).sections[0].footer
    xml = footer._element
    instructions = [t.text.strip() for t in xml.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [c.get(qn("w:fldCharType")) for c in xml.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    # "Sida 1 av 1" until the reader updates the fields.
    assert _plain(footer.paragraphs[0].text) == "Sida 1 av 1"


def test_docx_holds_contact_details_signatures_and_charts(review, personas):
    document = _docx(review, personas)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    body = _plain("\n".join([p.text for p in document.paragraphs] + cells))
    for expected in ["08-508 290 00", "Lisa.Handlaggare@stad.example", "Telefon", "E-post"]:
        assert expected in body, expected
    # The signature block is the last table: one column per signatory, name over title.
    signatures = document.tables[-1]
    assert [_plain(c.text) for c in signatures.rows[0].cells] == [
        "Eva Jansson Direktör",
        "Karl Berg Avdelningschef",
    ]
    # One chart per campaign (the PDF's score-per-area chart), a PNG with alternative text.
    shapes = document.inline_shapes
    assert len(shapes) == 1
    doc_pr = shapes[0]._inline.docPr
    assert doc_pr.get("descr") == "Poäng per område: Självskattning 2019"
    image = next(p for p in document.part.related_parts.values() if "image" in p.content_type)
    assert image.content_type == "image/png" and image.blob.startswith(b"\x89PNG")
    # The chart is followed by its data table.
    body_xml = document.element.body
    children = list(body_xml)
    drawing = next(i for i, el in enumerate(children) if el.findall(".//" + qn("w:drawing")))
    following = [el.tag for el in children[drawing + 1 : drawing + 3]]
    assert following == [qn("w:p"), qn("w:tbl")]  # the caption, then the table
    assert "Poäng per område: Självskattning 2019" in "".join(
        t.text or "" for t in children[drawing + 1].iter(qn("w:t"))
    )


def test_docx_has_a_chart_per_campaign_and_none_without(personas):
    empty = rf.review(milestones=[])
    document = Document(io.BytesIO(reports.report_docx(_data(empty, personas))))
    assert len(document.inline_shapes) == 0
    assert not document.tables or all(
        "Undertecknare" not in c.text for t in document.tables for r in t.rows for c in r.cells
    )


@pytest.mark.skipif(
    not SOFFICE, reason="LibreOffice (soffice) is not installed: the DOCX is not opened"
)
def test_libreoffice_opens_the_docx_with_header_footer_and_signatures(review, personas, tmp_path):
    source = tmp_path / "utlatande.docx"
    source.write_bytes(reports.report_docx(_data(review, personas)))
    subprocess.run(  # noqa: S603 -- a fixed LibreOffice command on a file of ours
        [
            str(SOFFICE),
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
    converted = tmp_path / "utlatande.pdf"
    assert converted.exists()
    pages = [_plain(p.extract_text()) for p in PdfReader(converted).pages]
    text = " ".join(pages)
    for expected in ["01326/21", "Information till nämnden", "08-508 290 00", "Eva Jansson",
                     "Direktör", "Karl Berg", "Avdelningschef"]:  # fmt: skip
        assert expected in text, expected
    # LibreOffice fills the fields in: "Sida 1 av N" on the first page, N pages in all.
    assert f"Sida 1 av {len(pages)}" in pages[0]
    assert f"Sida {len(pages)} av {len(pages)}" in pages[-1]


# ---- The API -----------------------------------------------------------------------------------


def test_api_round_trip_of_the_new_fields(city, personas):
    review = rf.review(diary_number="9/21", case_officer="Lisa Handläggare")
    initial = city.get(f"/api/v1/reviews/{review.pk}/report").json()
    assert initial["report_type"] == "tjansteutlatande"
    assert initial["signatories"] == [] and initial["case_officer_phone"] == ""
    assert initial["case_officer"] == "Lisa Handläggare"  # the existing fields as they were
    body = {
        **initial,
        "report_type": "information",
        "case_officer_phone": "08-508 290 00",
        "case_officer_email": "lisa@stad.example",
        "signatories": SIGNATORIES,
    }
    response = city.put(f"/api/v1/reviews/{review.pk}/report", body)
    assert response.status_code == 200, response.json()
    assert response.json() == city.get(f"/api/v1/reviews/{review.pk}/report").json()
    assert response.json()["signatories"] == SIGNATORIES
    assert response.json()["report_type"] == "information"
    # PUT: a field left out takes its default.
    cleared = {k: v for k, v in body.items() if k != "signatories"}
    assert city.put(f"/api/v1/reviews/{review.pk}/report", cleared).json()["signatories"] == []


@pytest.mark.parametrize(
    "change,field",
    [
        ({"signatories": [*SIGNATORIES, *SIGNATORIES]}, "signatories"),
        ({"signatories": [{"name": "Eva Jansson", "title": ""}]}, "signatories.0.title"),
        ({"case_officer_email": "inte en adress"}, "case_officer_email"),
        ({"case_officer_phone": "1" * 41}, "case_officer_phone"),
        ({"report_type": "protokoll"}, "report_type"),
    ],
)
def test_api_refuses_bad_committee_input_in_swedish(city, change, field):
    review = rf.review()
    response = city.put(f"/api/v1/reviews/{review.pk}/report", {"summary": "Text", **change})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Begäran är ogiltig")
    assert [e["field"] for e in body["errors"]] == [field]
    assert not BoardReport.objects.exists()


def test_openapi_adds_the_fields_and_keeps_the_others(city):
    schemas = city.get("/api/v1/openapi.json").json()["components"]["schemas"]
    report = schemas["ReportIO"]["properties"]
    for existing in ["summary", "committee", "date", "diary_number", "case_officer", "appendices"]:
        assert existing in report
    assert report["report_type"]["enum"] == ["tjansteutlatande", "information"]
    assert report["signatories"]["maxItems"] == 3
    assert report["case_officer_phone"]["maxLength"] == 40
    assert set(schemas["SignatoryIO"]["required"]) == {"name", "title"}


# ---- The editor page ---------------------------------------------------------------------------


def test_editor_page_shows_and_saves_the_fields(personas):
    web = personas.web(personas.city_coordinator)
    review = rf.review(title="Fördjupning MR")
    url = reverse("reviews:report", args=[review.pk])
    page = web.get(url).content.decode()
    for label in [
        "Typ av rapport",
        "Information till nämnden (TN-information)",
        "Handläggarens telefon",
        "Handläggarens e-post",
        "Underskrifter",
        "Undertecknare 1",
        "Undertecknare 3",
        "Namn",
        "Titel",
    ]:
        assert label in page, label
    assert 'name="signatory_3_title"' in page and 'name="signatory_4_name"' not in page
    data = {
        "report_type": "information",
        "case_officer": "Lisa Handläggare",
        "case_officer_phone": "08-508 290 00",
        "case_officer_email": "lisa@stad.example",
        "signatory_1_name": "Eva Jansson",
        "signatory_1_title": "Direktör",
        # Row 2 left empty is skipped.
        "signatory_3_name": "Karl Berg",
        "signatory_3_title": "Avdelningschef",
    }
    assert web.post(url, data).status_code == 302
    report = BoardReport.objects.get(review=review)
    assert report.signatories == SIGNATORIES
    assert report.report_type == "information" and report.case_officer_phone == "08-508 290 00"
    # The saved signatories fill the rows again.
    page = web.get(url).content.decode()
    assert 'value="Avdelningschef"' in page and 'value="Karl Berg"' in page


def test_editor_page_shows_the_rules_errors_on_the_row(personas):
    web = personas.web(personas.city_coordinator)
    review = rf.review()
    url = reverse("reviews:report", args=[review.pk])
    data = {
        "signatory_1_name": "Eva Jansson",
        "signatory_1_title": "Direktör",
        "signatory_2_name": "Karl Berg",  # no title
        "case_officer_email": "lisa@",
    }
    response = web.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_signatory_2_title_error"' in page
    assert "Fältet får inte vara tomt." in page
    assert 'id="id_case_officer_email_error"' in page and "Ange en giltig e-postadress." in page
    assert not BoardReport.objects.exists()
    # Alone, the half-filled row is the service's error, placed on its row as well.
    response = web.post(url, {k: v for k, v in data.items() if k != "case_officer_email"})
    assert response.status_code == 200
    assert 'id="id_signatory_2_title_error"' in response.content.decode()
    assert not BoardReport.objects.exists()


def test_the_docx_is_on_a4_paper(personas):
    review = rf.review(title="Fördjupning A4")
    data = reports.report_data(user=personas.city_coordinator, review=review)
    section = Document(io.BytesIO(reports.report_docx(data))).sections[0]
    # Stored in twips: a fraction of a millimetre off.
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
