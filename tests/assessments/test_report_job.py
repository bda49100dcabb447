"""The campaign's PDF report as a file job (assessments.services.exports on core.filejobs):
the results page's button and the API start it, the worker builds the same report as the
synchronous download — scoped the same way, the cover page's fields carried along, rights
checked again when it is built — and only the one who asked gets it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from jamlik.assessments import reports, services
from jamlik.core.models import FileJob, FileJobStatus
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db

COVER = {
    "committee": "Kommunstyrelsen",
    "date": "2021-05-04",
    "diary_number": "01326/21",
    "case_officer": "Eva Jansson",
    "summary": "Samtliga verksamheter har gjort en självskattning.",
}


@pytest.fixture
def campaigns(personas):
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2019")
    current = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2021")
    f.submit(
        current.responses.get(unit=personas.unit_a),
        {"r1": "partly", "r2": "3", "r3": "no"},
        r1="A:s kommentar",
    )
    f.submit(
        current.responses.get(unit=personas.unit_b),
        {"r1": "no", "r2": "0", "r3": "yes"},
        r1="B:s kommentar",
    )
    for response in earlier.responses.all():
        f.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})
    return earlier, current


def pdf_text(content: bytes) -> tuple[int, str]:
    """Pages and text; the time of day it was drawn (the report says when) left out."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join((page.extract_text() or "").replace("\x00", "") for page in reader.pages)
    return len(reader.pages), re.sub(r"\d{1,2}[:.]\d{2}", "hh:mm", " ".join(text.split()))


def test_the_results_page_posts_the_report_form_to_the_job(personas, campaigns):
    _earlier, current = campaigns
    html = (
        personas.web(personas.coordinator_a)
        .get(f"/assessments/campaigns/{current.pk}/results/", {"organisation": personas.org_a.pk})
        .content.decode()
    )
    assert f'action="/assessments/campaigns/{current.pk}/exports/report/"' in html
    assert "Skapa PDF-rapport" in html and 'aria-describedby="report-help"' in html
    assert 'id="report-help"' in html


def test_the_button_starts_a_job_whose_file_is_the_synchronous_report(
    personas, campaigns, django_capture_on_commit_callbacks
):
    earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    form = {**COVER, "compare_to": earlier.pk}
    with django_capture_on_commit_callbacks(execute=True):
        started = web.post(f"/assessments/campaigns/{current.pk}/exports/report/", form)
    job = FileJob.objects.get()
    assert started.status_code == 303
    assert started["Location"] == f"/jobb/{job.pk}/"
    assert job.owner == personas.coordinator_a and job.kind == services.CAMPAIGN_REPORT
    assert job.params == {
        "campaign": current.pk,
        "organisation": None,
        "compare_to": earlier.pk,
        "matter": COVER,
    }
    assert job.status == FileJobStatus.DONE and job.done == job.total == 2
    page = web.get(f"/jobb/{job.pk}/").content.decode()
    assert "PDF-rapport med resultaten" in page and f'href="/jobb/{job.pk}/fil"' in page
    download = web.get(f"/jobb/{job.pk}/fil")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="omgang-2021-{current.pk}.pdf"'
    )
    in_request = reports.campaign_report_pdf(
        user=personas.coordinator_a,
        campaign=current,
        compare_to=earlier,
        matter=reports.Matter(
            committee=COVER["committee"],
            date=dt.date(2021, 5, 4),
            diary_number=COVER["diary_number"],
            case_officer=COVER["case_officer"],
            summary=COVER["summary"],
        ),
    )
    built = pdf_text(download.content)
    assert built == pdf_text(in_request)
    _pages, text = built
    assert "01326/21" in text and "Kommunstyrelsen" in text and "Eva Jansson" in text
    # The org coordinator's report covers their subtree only, as the synchronous one does.
    assert "A:s kommentar" in text and "B:s kommentar" not in text
    assert "Förvaltning B" not in text
    for other in (personas.coordinator_b, personas.city_coordinator, personas.admin):
        assert personas.web(other).get(f"/jobb/{job.pk}/fil").status_code == 404


def test_the_page_refuses_bad_forms_and_get(personas, campaigns):
    _earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    url = f"/assessments/campaigns/{current.pk}/exports/report/"
    assert web.post(url, {"organisation": personas.org_b.pk}).status_code == 400
    assert web.post(url, {"date": "nonsense"}).status_code == 400
    assert web.post(url, {"committee": "x" * 201}).status_code == 400
    assert web.get(url).status_code == 405
    assert web.post(f"/assessments/campaigns/{current.pk + 999}/exports/report/").status_code == 404
    anonymous = personas.web().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not FileJob.objects.exists()


def test_the_builder_checks_the_scope_again_when_it_runs(
    personas, campaigns, django_capture_on_commit_callbacks
):
    _earlier, current = campaigns
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.campaign_report_start(
            actor=personas.city_coordinator, campaign=current, organisation=personas.org_b
        )
    user = personas.city_coordinator
    user.role, user.organisation = "org_coordinator", personas.org_a
    user.save()
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.content is None


def test_the_api_answers_202_with_the_job_and_then_the_file(
    personas, campaigns, django_capture_on_commit_callbacks
):
    earlier, current = campaigns
    api = personas.api(personas.coordinator_a)
    body = {**COVER, "compare_to": earlier.pk}
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/campaigns/{current.pk}/exports/report", body)
    assert started.status_code == 202
    job = FileJob.objects.get()
    assert started["Location"] == f"/api/v1/jobs/{job.pk}"
    answer = started.json()
    assert answer["id"] == job.pk and answer["kind"] == "assessments.campaign_report"
    assert answer["status"] == "queued" and answer["file_url"] is None
    now = api.get(started["Location"]).json()
    assert now["status"] == "done" and now["done"] == now["total"] == 2
    download = api.get(now["file_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(download.content)
    assert "01326/21" in text and "B:s kommentar" not in text
    other = personas.api(personas.coordinator_b)
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert other.get(f"/api/v1/jobs/{job.pk}/file").status_code == 404


def test_the_api_body_is_optional_and_checked(
    personas, campaigns, django_capture_on_commit_callbacks
):
    _earlier, current = campaigns
    api = personas.api(personas.coordinator_a)
    url = f"/api/v1/campaigns/{current.pk}/exports/report"
    out_of_scope = api.post(url, {"organisation": personas.org_b.pk})
    assert out_of_scope.status_code == 400
    assert out_of_scope.json()["errors"][0]["field"] == "organisation"
    assert api.post(url, {"date": "nonsense"}).status_code == 400
    assert api.post(url, {"committee": "x" * 201}).status_code == 400
    assert api.post(url, "[]").status_code == 400
    assert api.post(f"/api/v1/campaigns/{current.pk + 999}/exports/report").status_code == 404
    assert personas.api().post(url).status_code == 401
    assert not FileJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(url)
    assert started.status_code == 202
    job = FileJob.objects.get()
    assert job.params["matter"] == {
        "committee": "",
        "date": None,
        "diary_number": "",
        "case_officer": "",
        "summary": "",
    }
    assert job.status == FileJobStatus.DONE


def test_the_job_costs_a_fixed_number_of_queries(
    personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Starting a job and reading it cost the same on a campaign of 350 units as on a small
    one; the build reads as the synchronous report does."""
    f.many_units(personas.org_a, 200)
    f.many_units(personas.org_b, 150)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign, submitted_every=2)
    api = personas.api(personas.city_coordinator)
    api.get("/api/v1/me")  # the token's last use is recorded once
    with django_assert_max_num_queries(6):
        started = api.post(f"/api/v1/campaigns/{campaign.pk}/exports/report")
    assert started.status_code == 202
    with django_assert_max_num_queries(2):
        assert api.get(f"/api/v1/jobs/{started.json()['id']}").status_code == 200
    with (
        django_assert_max_num_queries(30) as build,
        django_capture_on_commit_callbacks(execute=True),
    ):
        # In English: a new job (the same file asked for again follows the queued one).
        services.campaign_report_start(
            actor=personas.city_coordinator,
            campaign=campaign,
            matter=reports.Matter(),
            language="en",
        )
    updates = [q for q in build.captured_queries if q["sql"].startswith('UPDATE "core_filejob"')]
    assert 2 <= len(updates) <= 5  # running, the progress writes, done


def test_the_direct_addresses_start_the_job(
    personas, campaigns, django_capture_on_commit_callbacks
):
    """``report.pdf`` (bookmarks, the API) takes seconds even for a few units, so the page
    sends the user to the job's progress and the API answers 202 with it."""
    earlier, current = campaigns
    web, api = personas.web(personas.coordinator_a), personas.api(personas.coordinator_a)
    url = f"/assessments/campaigns/{current.pk}/report.pdf"
    page = web.get(url, {**COVER, "compare_to": earlier.pk})
    job = FileJob.objects.get()
    assert page.status_code == 303 and page["Location"] == f"/jobb/{job.pk}/"
    assert job.kind == services.CAMPAIGN_REPORT
    assert job.params == {
        "campaign": current.pk,
        "organisation": None,
        "compare_to": earlier.pk,
        "matter": COVER,
    }
    assert web.post(url, {**COVER, "compare_to": earlier.pk})["Location"] == page["Location"]
    assert web.get(url, {"date": "nonsense"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        started = api.get(f"/api/v1/campaigns/{current.pk}/report.pdf", COVER)
    assert started.status_code == 202 and started.json()["id"] != job.pk
    now = api.get(started["Location"]).json()
    assert now["status"] == "done"
    _pages, text = pdf_text(api.get(now["file_url"]).content)
    assert "01326/21" in text and "B:s kommentar" not in text
    assert (
        personas.api(personas.coordinator_a)
        .get(f"/api/v1/campaigns/{current.pk + 999}/report.pdf")
        .status_code
        == 404
    )
