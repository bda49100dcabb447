"""The board report (PDF and DOCX) as file jobs (reviews.services.exports on core.filejobs):
the review's pages and the API start them, the worker builds the same files as the
synchronous downloads — for administrators and city coordinators only, checked again when
they are built — and only the one who asked gets them."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from pypdf import PdfReader

from jamlik.core.models import FileJob, FileJobStatus
from jamlik.reviews import reports, services
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db

PROGRESS_UPDATE = 'UPDATE "core_filejob"'


def built_in_request(user, review, kind: str) -> bytes:
    """The report built at once, as the job's builder builds it."""
    data = reports.report_data(user=user, review=review)
    return reports.report_pdf(data) if kind == "pdf" else reports.report_docx(data)


@pytest.fixture
def review(personas):
    campaign = af.campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning")
    af.submit(campaign.responses.get(unit=personas.unit_a), {"r1": "yes", "r2": "3", "r3": "no"})
    workshop = rf.workshop(title="Workshop för HR-specialister")
    rf.participants(workshop, {personas.org_a: 2, personas.org_b: 2})
    review = rf.review(
        title="Strategisk fördjupning MR/Jämställdhet",
        campaigns=[campaign],
        workshops=[workshop],
        diary_number="01326/21",
    )
    rf.example(personas.org_a, title="Trafikkontorets rutin", review=review)
    services.board_report_save(
        actor=None,
        review=review,
        committee="Trafiknämnden",
        case_officer="Eva Jansson",
        summary="Sammanfattningen.",
        proposed_decision="Nämnden noterar informationen.",
    )
    return review


def pdf_text(content: bytes) -> tuple[int, str]:
    """Pages and text; the time of day it was generated (the report says when) left out."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\d{1,2}:\d{2}", "hh:mm", " ".join(text.split()))


def docx_text(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_pages_offer_the_buttons_to_the_city_only(personas, review):
    for url in (f"/reviews/{review.pk}/", f"/reviews/{review.pk}/report/"):
        html = personas.web(personas.city_coordinator).get(url).content.decode()
        assert f'action="/reviews/{review.pk}/exports/report/"' in html, url
        assert f'action="/reviews/{review.pk}/exports/report-docx/"' in html, url
        assert "Skapa rapport (PDF)" in html and "Skapa rapport (DOCX)" in html, url
        assert 'aria-describedby="report-files-help"' in html and 'id="report-files-help"' in html
    detail = personas.web(personas.coordinator_a).get(f"/reviews/{review.pk}/").content.decode()
    assert "Skapa rapport" not in detail and "exports/report" not in detail


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_button_starts_a_job_whose_file_is_the_synchronous_one(
    personas, review, kind, django_capture_on_commit_callbacks
):
    web = personas.web(personas.city_coordinator)
    path = "report" if kind == "pdf" else "report-docx"
    with django_capture_on_commit_callbacks(execute=True):
        started = web.post(f"/reviews/{review.pk}/exports/{path}/")
    job = FileJob.objects.get()
    assert started.status_code == 303
    assert started["Location"] == f"/jobb/{job.pk}/"
    assert job.owner == personas.city_coordinator
    assert job.kind == (services.BOARD_REPORT_PDF if kind == "pdf" else services.BOARD_REPORT_DOCX)
    assert job.params == {"review": review.pk}
    assert job.status == FileJobStatus.DONE and job.done == job.total == 2
    page = web.get(f"/jobb/{job.pk}/").content.decode()
    assert f"Rapport till kommunstyrelsen ({kind.upper()})" in page
    assert f'href="/jobb/{job.pk}/fil"' in page
    download = web.get(f"/jobb/{job.pk}/fil")
    assert download.status_code == 200
    filename = f"strategisk-fordjupning-mrjamstalldhet-{review.pk}.{kind}"
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'
    in_request = built_in_request(personas.city_coordinator, review, kind)
    if kind == "pdf":
        assert pdf_text(download.content) == pdf_text(in_request)
        text = pdf_text(download.content)[1]
    else:
        assert docx_text(download.content) == docx_text(in_request)
        text = " ".join(docx_text(download.content))
    # The direct address (bookmarks from before) follows the same way.
    again = web.get(f"/reviews/{review.pk}/report.{kind}")
    assert again.status_code == 303 and again["Location"].startswith("/jobb/")
    assert "01326/21" in text and "Nämnden noterar informationen." in text
    for other in (personas.coordinator_a, personas.admin):
        assert personas.web(other).get(f"/jobb/{job.pk}/fil").status_code == 404


def test_the_pages_refuse_org_coordinators_get_and_strangers(personas, review):
    url = f"/reviews/{review.pk}/exports/report/"
    coordinator = personas.web(personas.coordinator_a)
    assert coordinator.post(url).status_code == 403
    assert coordinator.post(f"/reviews/{review.pk}/exports/report-docx/").status_code == 403
    city = personas.web(personas.city_coordinator)
    assert city.get(url).status_code == 405
    assert city.post(f"/reviews/{review.pk + 999}/exports/report/").status_code == 404
    anonymous = personas.web().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not FileJob.objects.exists()


def test_the_builder_checks_the_policy_again_when_it_runs(
    personas, review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.board_report_start(actor=personas.city_coordinator, review=review)
    # Meanwhile the city coordinator became an org coordinator, who may not export it.
    user = personas.city_coordinator
    user.role, user.organisation = "org_coordinator", personas.org_a
    user.save()
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.content is None


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_api_answers_202_with_the_job_and_then_the_file(
    personas, review, kind, django_capture_on_commit_callbacks
):
    api = personas.api(personas.city_coordinator)
    path = "report" if kind == "pdf" else "report-docx"
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/reviews/{review.pk}/exports/{path}")
    assert started.status_code == 202
    job = FileJob.objects.get()
    assert started["Location"] == f"/api/v1/jobs/{job.pk}"
    body = started.json()
    assert body["id"] == job.pk and body["kind"] == f"reviews.board_report_{kind}"
    assert body["status"] == "queued" and body["file_url"] is None
    now = api.get(started["Location"]).json()
    assert now["status"] == "done" and now["done"] == now["total"] == 2
    download = api.get(now["file_url"])
    assert download.status_code == 200
    in_request = built_in_request(personas.city_coordinator, review, kind)
    if kind == "pdf":
        assert pdf_text(download.content) == pdf_text(in_request)
    else:
        assert docx_text(download.content) == docx_text(in_request)
    for other in (personas.coordinator_a, personas.admin):
        assert personas.api(other).get(f"/api/v1/jobs/{job.pk}").status_code == 404
        assert personas.api(other).get(f"/api/v1/jobs/{job.pk}/file").status_code == 404


def test_the_api_refuses_at_once(personas, review):
    url = f"/api/v1/reviews/{review.pk}/exports/report"
    forbidden = personas.api(personas.coordinator_a).post(url)
    assert forbidden.status_code == 403
    assert personas.api(personas.coordinator_a).post(f"{url}-docx").status_code == 403
    city = personas.api(personas.city_coordinator)
    assert city.post(f"/api/v1/reviews/{review.pk + 999}/exports/report").status_code == 404
    assert personas.api().post(url).status_code == 401
    assert not FileJob.objects.exists()


def _review_of(personas, size: int):
    """A review with ``size`` good examples and a workshop of ``2 * size`` people's notes."""
    workshop = rf.workshop(capacity=1000)
    organisations = [OrganisationFactory(parent=personas.city) for _ in range(size)]
    rf.participants(workshop, {organisation: 2 for organisation in organisations})
    for breakout in services.breakouts_form(actor=None, event=workshop, size=2):
        services.breakout_notes_save(actor=None, breakout=breakout, shared="Delat.")
    review = rf.review(workshops=[workshop])
    for n, organisation in enumerate(organisations):
        rf.example(organisation, title=f"Exempel {n}", review=review)
    return review


def test_the_job_costs_a_fixed_number_of_queries(personas, django_capture_on_commit_callbacks):
    """Starting, reading and building cost the same on a review of 20 groups and examples as
    on one of 2 (the report's data is read with a fixed number of queries)."""
    small, large = _review_of(personas, 2), _review_of(personas, 20)
    api = personas.api(personas.city_coordinator)
    api.get("/api/v1/me")  # the token's last use is recorded once
    figures = {}
    for name, review in (("small", small), ("large", large)):
        with CaptureQueriesContext(connection) as start:
            started = api.post(f"/api/v1/reviews/{review.pk}/exports/report")
        assert started.status_code == 202
        with CaptureQueriesContext(connection) as read:
            assert api.get(started["Location"]).status_code == 200
        with (
            CaptureQueriesContext(connection) as build,
            django_capture_on_commit_callbacks(execute=True),
        ):
            # In English: a new job (the same file asked for again follows the queued one).
            services.board_report_start(
                actor=personas.city_coordinator, review=review, language="en"
            )
        updates = [q for q in build.captured_queries if q["sql"].startswith(PROGRESS_UPDATE)]
        assert 3 <= len(updates) <= 5  # running, the progress writes, done
        figures[name] = (len(start), len(read), len(build) - len(updates))
    assert figures["large"] == figures["small"], figures
    assert figures["small"][0] <= 9 and figures["small"][1] <= 2, figures
