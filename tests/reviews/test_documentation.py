"""The yearly documentation of active measures (Diskrimineringslagen 3 kap. 13 §): the
prefill from answers, comments and actions; immutable, dated versions with a named author;
scoping; the overview; the pages; the API; the PDF and DOCX (also through LibreOffice)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from pypdf import PdfReader

from jamlik.assessments import services as assessment_services
from jamlik.assessments.models import ActionStatus, Response
from jamlik.core.errors import Invalid, NotFound
from jamlik.orgs.models import Kind
from jamlik.reviews.documentation import SECTION_KEYS, ActionFact, AnswerFact, prefill
from jamlik.reviews.models import Documentation, DocumentationVersion
from jamlik.reviews.services import documentation as service
from tests.factories import assessments as af
from tests.factories.orgs import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice")
YEAR = 2019

FRAMEWORK = """\
key: test-dokumentation
version: "1"
title: Dokumentationsramverk
scales:
  compliance:
    - {value: "yes", label: Uppfyllt, label_en: Met, score: 2}
    - {value: "partly", label: Delvis uppfyllt, label_en: Partly met, score: 1}
    - {value: "no", label: Ej uppfyllt, label_en: Not met, score: 0}
    - {value: "na", label: Ej tillämpligt, score: null}
    - {value: "dont_know", label: Vet ej, score: null}
default_scale: compliance
areas:
  - key: fyrstegsmodellen
    title: Arbetet i fyra steg
    requirements:
      - key: dl-3-2-undersoka
        text: Arbetsgivaren undersöker risker
        reference: "DL 3:2"
      - key: dl-3-2-folja-upp
        text: Arbetsgivaren följer upp arbetet
        reference: "DL 3:2"
  - key: lonekartlaggning
    title: Lönekartläggning
    requirements:
      - key: dl-3-8-arlig-lonekartlaggning
        text: Lönekartläggning görs varje år
        reference: "DL 3:8"
  - key: samverkan-dokumentation
    title: Samverkan
    requirements:
      - key: dl-3-11-samverkan
        text: Arbetsgivaren samverkar med facket
        reference: "DL 3:11"
"""


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def company(personas):
    """A company under administration A (so coordinator A sees it) with one unit."""
    company = OrganisationFactory(
        name="Bolag A AB", code="BOLAG-A", kind=Kind.COMPANY, parent=personas.org_a
    )
    UnitFactory(name="Bolagsenhet", code="BOLAG-A1", parent=company)
    return company


@pytest.fixture
def company_b(personas):
    return OrganisationFactory(
        name="Bolag B AB", code="BOLAG-B", kind=Kind.COMPANY, parent=personas.org_b
    )


@pytest.fixture
def answered(personas, company):
    """The 2019 campaign, answered and submitted by the company's unit, with actions."""
    framework = assessment_services.framework_load(
        source=FRAMEWORK, name="dokumentation.yaml"
    ).framework
    opens = timezone.make_aware(dt.datetime(YEAR, 9, 2, 8))
    campaign = af.campaign(
        organisations=[company],
        fw=framework,
        title="Självskattning 2019",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=50),
    )
    response = Response.objects.get(campaign=campaign, unit__code="BOLAG-A1")
    af.answer(
        response,
        {
            "dl-3-2-undersoka": "partly",
            "dl-3-2-folja-upp": "yes",
            "dl-3-8-arlig-lonekartlaggning": "no",
            "dl-3-11-samverkan": "yes",
        },
        {
            "dl-3-2-undersoka": "Rutinen för undersökning är inte känd.",
            "dl-3-8-arlig-lonekartlaggning": "Kartläggningen 2019 är inte klar.",
            "dl-3-11-samverkan": "Samverkan sker i samverkansgruppen.",
        },
    )
    assessment_services.response_submit(actor=None, response=response)
    for title, status, key in [
        ("Utbilda chefer i diskrimineringslagen", ActionStatus.DONE, "dl-3-2-undersoka"),
        ("Gör lönekartläggningen klar", ActionStatus.PLANNED, "dl-3-8-arlig-lonekartlaggning"),
    ]:
        assessment_services.action_create(
            actor=None,
            organisation=company,
            campaign=campaign,
            requirement=key,
            title=title,
            owner="HR-chef",
            due=dt.date(2099, 6, 30),
            status=status,
        )
    return campaign


@pytest.fixture
def sv():
    with translation.override("sv"):
        yield


# ---- The prefill (pure) ------------------------------------------------------------------------


def _answer(key, area, value, score, comment="", unit="Enhet 1"):
    return AnswerFact(
        requirement_key=key,
        number="1.1",
        requirement=f"Krav {key}",
        area_key=area,
        unit=unit,
        answer=value,
        value=value,
        score=score,
        comment=comment,
    )


def test_prefill_sorts_answers_and_actions_into_the_sections(sv):
    answers = [
        _answer("dl-3-2-undersoka", "fyrstegsmodellen", "partly", 50.0, "Okänd rutin"),
        _answer("dl-3-2-analysera", "fyrstegsmodellen", "yes", 100.0),
        _answer("dl-3-8-arlig-lonekartlaggning", "lonekartlaggning", "no", 0.0, "Ej klar"),
        _answer("dl-3-11-samverkan", "samverkan-dokumentation", "yes", 100.0, "I gruppen"),
        _answer("dl-3-2-folja-upp", "fyrstegsmodellen", "dont_know", None),
    ]
    actions = [
        ActionFact("Utbildning", "HR", dt.date(2019, 12, 1), "done", "Klar", "x", "Bolag"),
        ActionFact("Ny rutin", "Chef", dt.date(2019, 11, 1), "planned", "Planerad", "x", "Bolag"),
        ActionFact("Framtid", "Chef", dt.date(2030, 1, 1), "in_progress", "Pågår", "x", "Bolag"),
    ]
    sections = prefill(answers, actions, today=dt.date(2020, 1, 15))
    assert set(sections) == set(SECTION_KEYS)
    # Not fully met or not known: risks; fully met: not a risk; the wage area has its own.
    assert "Krav dl-3-2-undersoka" in sections["risks"]
    assert "Krav dl-3-2-folja-upp" in sections["risks"]  # "don't know" is a risk too
    assert "dl-3-2-analysera" not in sections["risks"]
    assert "lonekartlaggning" not in sections["risks"]
    assert "Okänd rutin" in sections["causes"]
    assert "Utbildning" in sections["measures_taken"]
    assert "Ny rutin" not in sections["measures_taken"]
    assert "Ny rutin" in sections["measures_planned"] and "Framtid" in sections["measures_planned"]
    planned_line = next(
        line for line in sections["measures_planned"].splitlines() if "Ny rutin" in line
    )
    assert "försenad" in planned_line  # due before today and still open
    assert "Krav dl-3-8-arlig-lonekartlaggning" in sections["wage_survey"]
    assert "Ej klar" in sections["wage_survey"]
    assert "Av 3 åtgärder är 1 klara" in sections["follow_up"]
    assert "I gruppen" in sections["cooperation"]


def test_prefill_without_data_says_so(sv):
    sections = prefill([], [], today=dt.date(2020, 1, 1))
    assert all(sections[key] for key in SECTION_KEYS)  # a sentence, never blank
    assert "inga risker" in sections["risks"]


def test_prefill_from_the_database(answered, company, sv):
    sections = service.documentation_prefill(company, YEAR)
    assert "1.1 Arbetsgivaren undersöker risker (Bolagsenhet: Delvis uppfyllt)" in sections["risks"]
    assert "Rutinen för undersökning är inte känd." in sections["causes"]
    assert (
        "2.1 Lönekartläggning görs varje år (Bolagsenhet: Ej uppfyllt)" in sections["wage_survey"]
    )
    assert "Kartläggningen 2019 är inte klar." in sections["wage_survey"]
    assert "Gör lönekartläggningen klar" in sections["wage_survey"]
    assert "Utbilda chefer i diskrimineringslagen" in sections["measures_taken"]
    assert "Gör lönekartläggningen klar" in sections["measures_planned"]
    assert "Samverkan sker i samverkansgruppen." in sections["cooperation"]
    # Another year has no answers.
    assert "inga risker" in service.documentation_prefill(company, YEAR + 1)["risks"]


def test_a_draft_answer_is_not_documented(personas, company, sv):
    framework = assessment_services.framework_load(source=FRAMEWORK, name="d.yaml").framework
    opens = timezone.make_aware(dt.datetime(YEAR, 9, 2, 8))
    campaign = af.campaign(
        organisations=[company],
        fw=framework,
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=9),
    )
    response = Response.objects.get(campaign=campaign, unit__code="BOLAG-A1")
    af.answer(response, {"dl-3-2-undersoka": "no"})
    assert "undersöker" not in service.documentation_prefill(company, YEAR)["risks"]


# ---- Versions ----------------------------------------------------------------------------------


def test_each_save_is_a_new_dated_version_with_its_author(answered, company, personas, sv):
    first = service.documentation_save(
        actor=personas.coordinator_a, organisation=company, year=YEAR, author="Eva Jansson"
    )
    assert first.number == 1 and first.author == "Eva Jansson"
    assert first.created_by == personas.coordinator_a
    assert first.created_at is not None
    assert "Delvis uppfyllt" in first.sections["risks"]  # the prefill, as no version existed
    second = service.documentation_save(
        actor=personas.city_coordinator,
        organisation=company,
        year=YEAR,
        author="Karl Berg",
        risks="Inga nya risker.",
    )
    assert second.number == 2 and second.created_at >= first.created_at
    assert second.sections["risks"] == "Inga nya risker."
    # A section not sent keeps the latest version's text.
    assert second.sections["causes"] == first.sections["causes"]
    first.refresh_from_db()
    assert "Delvis uppfyllt" in first.sections["risks"]  # the old version is unchanged
    assert Documentation.objects.filter(organisation=company, year=YEAR).count() == 1


def test_a_version_cannot_be_changed(company, personas):
    version = service.documentation_save(
        actor=None, organisation=company, year=YEAR, author="Eva Jansson"
    )
    version.author = "Någon annan"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    assert DocumentationVersion.objects.get(pk=version.pk).author == "Eva Jansson"


def test_the_author_is_required_and_the_year_bounded(company, personas):
    with pytest.raises(Invalid):
        service.documentation_save(actor=None, organisation=company, year=YEAR, author="")
    with pytest.raises(Invalid):
        service.documentation_save(actor=None, organisation=company, year=1899, author="Eva")


def test_another_subtree_is_not_found(company, company_b, personas):
    with pytest.raises(NotFound):
        service.documentation_save(
            actor=personas.coordinator_b, organisation=company, year=YEAR, author="Eva"
        )
    with pytest.raises(NotFound):
        service.documentation_organisation(user=personas.coordinator_b, pk=company.pk)
    assert service.documentation_organisation(user=personas.coordinator_a, pk=company.pk) == company


# ---- The overview ------------------------------------------------------------------------------


def test_overview_lists_produced_and_missing_in_the_scope(company, company_b, personas):
    service.documentation_save(actor=None, organisation=company, year=YEAR, author="Eva")
    service.documentation_save(actor=None, organisation=company, year=YEAR, author="Karl")
    service.documentation_save(actor=None, organisation=company_b, year=YEAR - 1, author="Eva")
    rows = service.overview(user=personas.city_coordinator, year=YEAR)
    by_name = {r.organisation.name: r for r in rows}
    # Committees and companies only: the city (a committee) and the two companies.
    assert set(by_name) == {"Staden", "Bolag A AB", "Bolag B AB"}
    latest = by_name["Bolag A AB"].latest
    assert latest is not None and latest.number == 2 and latest.author == "Karl"
    assert not by_name["Bolag B AB"].produced  # last year's does not count
    assert not by_name["Staden"].produced
    mine = service.overview(user=personas.coordinator_a, year=YEAR)
    assert [r.organisation.name for r in mine] == ["Bolag A AB"]


def test_overview_page(company, company_b, personas):
    service.documentation_save(actor=None, organisation=company, year=YEAR, author="Eva Jansson")
    city = personas.web(personas.city_coordinator)
    page = city.get(reverse("reviews:documentation"), {"year": YEAR}).content.decode()
    assert "Bolag A AB" in page and "Bolag B AB" in page and "Eva Jansson" in page
    assert "1 av 3 organisationer" in page
    own = personas.web(personas.coordinator_a).get(reverse("reviews:documentation"), {"year": YEAR})
    assert "Bolag B AB" not in own.content.decode()
    assert city.get(reverse("reviews:documentation"), {"year": "x"}).status_code == 404


# ---- The pages ---------------------------------------------------------------------------------


def test_editor_prefills_saves_versions_and_shows_an_old_one(answered, company, personas):
    web = personas.web(personas.coordinator_a)
    url = reverse("reviews:documentation_edit", args=[company.pk, YEAR])
    page = web.get(url)
    assert page.status_code == 200
    assert "Delvis uppfyllt" in page.content.decode()  # drawn from the answers
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["author"] = "Eva Jansson"
    assert web.post(url, data).status_code == 302
    data.update(author="Karl Berg", risks="Omarbetad text.")
    assert web.post(url, data).status_code == 302
    page = web.get(url).content.decode()
    assert "Omarbetad text." in page and "Eva Jansson" in page and "Karl Berg" in page
    old = web.get(reverse("reviews:documentation_version", args=[company.pk, YEAR, 1]))
    assert old.status_code == 200
    assert "Delvis uppfyllt" in old.content.decode()
    assert "Omarbetad text." not in old.content.decode()
    # A blank author is refused on the form.
    data["author"] = ""
    refused = web.post(url, data)
    assert refused.status_code == 200 and refused.context["form"].errors["author"]


def test_pages_of_another_subtree_are_404(company, personas):
    service.documentation_save(actor=None, organisation=company, year=YEAR, author="Eva")
    web = personas.web(personas.coordinator_b)
    for url in [
        reverse("reviews:documentation_edit", args=[company.pk, YEAR]),
        reverse("reviews:documentation_version", args=[company.pk, YEAR, 1]),
        reverse("reviews:documentation_pdf", args=[company.pk, YEAR]),
        reverse("reviews:documentation_docx", args=[company.pk, YEAR]),
    ]:
        assert web.get(url).status_code == 404, url


# ---- The API -----------------------------------------------------------------------------------


def test_api_round_trip(answered, company, personas):
    api = personas.api(personas.coordinator_a)
    base = f"/api/v1/organisations/{company.pk}/documentation"
    assert api.get(base).json() == {"organisation": company.pk, "years": []}
    created = api.post(base, {"year": YEAR, "author": "Eva Jansson", "risks": "Risk A."})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == 1 and body["author"] == "Eva Jansson"
    assert body["sections"]["risks"] == "Risk A."
    assert "Ej uppfyllt" in body["sections"]["wage_survey"]  # the rest from the prefill
    assert api.post(base, {"year": YEAR, "author": "Karl Berg"}).json()["number"] == 2
    listed = api.get(base).json()
    assert [y["year"] for y in listed["years"]] == [YEAR]
    assert [v["number"] for v in listed["years"][0]["versions"]] == [2, 1]
    assert listed["years"][0]["versions"][0]["sections"]["risks"] == "Risk A."

    pdf = api.get(f"{base}/{YEAR}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    docx = api.get(f"{base}/{YEAR}.docx", {"version": 1})
    assert docx.status_code == 200 and "wordprocessingml" in docx["Content-Type"]
    assert api.get(f"{base}/{YEAR + 1}.pdf").status_code == 404  # nothing documented
    assert api.get(f"{base}/{YEAR}.pdf", {"version": 9}).status_code == 404

    missing_author = api.post(base, {"year": YEAR})
    assert missing_author.status_code == 400
    other = personas.api(personas.coordinator_b)
    assert other.get(base).status_code == 404
    assert other.post(base, {"year": YEAR, "author": "X"}).status_code == 404
    assert other.get(f"{base}/{YEAR}.pdf").status_code == 404
    assert personas.api().get(base).status_code == 401


# ---- The files ---------------------------------------------------------------------------------


@pytest.fixture
def version(answered, company, sv):
    service.documentation_save(actor=None, organisation=company, year=YEAR, author="Eva Jansson")
    return service.documentation_save(
        actor=None,
        organisation=company,
        year=YEAR,
        author="Karl Berg, HR-chef",
        causes="Analysen visar att rutinen inte är känd.",
    )


def test_pdf_and_docx_have_headings_and_text(version, sv):
    data = service.document_data(version)
    pdf = _plain(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(service.document_pdf(data))).pages)
    )
    docx = Document(io.BytesIO(service.document_docx(data)))
    docx_text = _plain(
        " ".join(p.text for p in docx.paragraphs)
        + " ".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    )
    for text in (pdf, docx_text):
        for expected in [
            "Risker och hinder som upptäckts",
            "Vidtagna åtgärder",
            "Lönekartläggning och analys",
            "Uppföljning",
            "Analysen visar att rutinen inte är känd.",
            "Karl Berg, HR-chef",
            "Bolag A AB",
            "2019",
        ]:
            assert expected in text, expected
    assert docx.core_properties.author == "Karl Berg, HR-chef"


def test_english_headings(version):
    with translation.override("en"):
        data = service.document_data(version)
        assert [h for h, _t in data.sections][:2] == [
            "Risks and obstacles found",
            "Causes identified in the analysis",
        ]


@pytest.mark.skipif(
    not SOFFICE, reason="LibreOffice (soffice) is not installed: the files are not converted"
)
def test_libreoffice_converts_the_docx_and_reads_the_pdf(version, tmp_path, sv):
    data = service.document_data(version)
    (tmp_path / "dok.docx").write_bytes(service.document_docx(data))
    (tmp_path / "dok.pdf").write_bytes(service.document_pdf(data))
    for source, target in (("dok.docx", "pdf"), ("dok.pdf", "odt")):
        subprocess.run(  # noqa: S603 -- a fixed LibreOffice command on a file of ours
            [
                str(SOFFICE),
                "--headless",
                f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                *(["--infilter=writer_pdf_import"] if source.endswith(".pdf") else []),
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path / "out"),
                str(tmp_path / source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    pages = [_plain(p.extract_text()) for p in PdfReader(tmp_path / "out" / "dok.pdf").pages]
    converted = " ".join(pages)
    for expected in ["Risker och hinder som upptäckts", "Lönekartläggning och analys",
                     "Karl Berg, HR-chef", "Analysen visar att rutinen inte är känd."]:  # fmt: skip
        assert expected in converted, expected
    assert f"Sida 1 av {len(pages)}" in pages[0]  # the footer's fields filled in
    # The PDF, opened by LibreOffice (its PDF import) and saved as ODT: its text is there.
    with zipfile.ZipFile(tmp_path / "out" / "dok.odt") as odt:
        content = odt.read("content.xml").decode()
    text = _plain(re.sub(r"<[^>]+>", " ", content))
    for expected in ["Risker och hinder som upptäckts", "Karl Berg, HR-chef", "Bolag A AB"]:
        assert expected in text, expected


# ---- The demo ----------------------------------------------------------------------------------


def test_demo_documents_two_organisations_for_2019_once():
    from jamlik.demo import assessments as demo_assessments
    from jamlik.demo import documentation as demo_documentation
    from jamlik.demo import organisations
    from jamlik.demo.loader import DemoResult

    result = DemoResult()
    result.organisations = organisations.load()
    demo_assessments.load(result)
    demo_documentation.load(result)
    demo_documentation.load(result)  # idempotent
    documents = {
        d.organisation.code: d for d in Documentation.objects.select_related("organisation")
    }
    assert set(documents) == {"KS", "GE"}
    assert all(d.year == YEAR for d in documents.values())
    assert documents["KS"].versions.count() == 1
    ge = list(documents["GE"].versions.order_by("number"))
    assert [v.number for v in ge] == [1, 2] and ge[1].author == "Anders Holm, HR-chef"
    assert "Lönekartläggningen 2019 omfattade" in ge[1].sections["wage_survey"]
    # The first version is drawn from the demo's answers (GE's units answered in 2019).
    assert "Självskattningen" in ge[0].sections["risks"]
    rows = service.overview(user=None, year=YEAR)
    assert {r.organisation.code for r in rows if r.produced} == {"KS", "GE"}
    assert any(not r.produced for r in rows)
