"""The campaign's XLSX export as a file job (assessments.services.exports on core.filejobs):
the results page's button and the API start it, the worker builds the same workbook as the
synchronous export — scoped the same way, rights checked again when it is built — and only
the one who asked gets it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jamlik.assessments import services
from jamlik.core.models import FileJob, FileJobStatus
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(personas):
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2019")
    current = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2021")
    f.submit(current.responses.get(unit=personas.unit_a), {"r1": "partly", "r2": "3", "r3": "no"})
    f.submit(current.responses.get(unit=personas.unit_b), {"r1": "no", "r2": "0", "r3": "yes"})
    for response in earlier.responses.all():
        f.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})
    return earlier, current


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_the_results_page_offers_the_button(personas, campaigns):
    _earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    html = web.get(
        f"/assessments/campaigns/{current.pk}/results/", {"organisation": personas.org_a.pk}
    ).content.decode()
    assert f'action="/assessments/campaigns/{current.pk}/exports/xlsx/"' in html
    assert 'method="post"' in html and "Skapa Excel-fil" in html
    # The page's filter goes along with the form.
    assert f'name="organisation" value="{personas.org_a.pk}"' in html
    english = web.get(
        f"/assessments/campaigns/{current.pk}/results/", headers={"Accept-Language": "en"}
    ).content.decode()
    assert "Create Excel file" in english


def test_the_button_starts_a_job_whose_file_is_the_synchronous_export(
    personas, campaigns, django_capture_on_commit_callbacks
):
    earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = web.post(
            f"/assessments/campaigns/{current.pk}/exports/xlsx/", {"compare_to": earlier.pk}
        )
    job = FileJob.objects.get()
    assert started.status_code == 303
    assert started["Location"] == f"/jobb/{job.pk}/"
    assert job.owner == personas.coordinator_a and job.kind == services.CAMPAIGN_XLSX
    assert job.params == {"campaign": current.pk, "organisation": None, "compare_to": earlier.pk}
    assert job.status == FileJobStatus.DONE
    assert job.total > 0 and job.done == job.total
    page = web.get(f"/jobb/{job.pk}/").content.decode()
    assert "Excel-fil med resultaten" in page and f'href="/jobb/{job.pk}/fil"' in page
    download = web.get(f"/jobb/{job.pk}/fil")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download["Content-Disposition"] == (
        f'attachment; filename="omgang-2021-{current.pk}.xlsx"'
    )
    direct = web.get(f"/assessments/campaigns/{current.pk}/export.xlsx", {"compare_to": earlier.pk})
    built, synchronous = sheets(download.content), sheets(direct.content)
    assert built == synchronous
    # The org coordinator's file holds their subtree only, as the synchronous one does.
    assert {row[1] for row in built["Svar"][1:]} == {"Enhet A1"}
    assert {row[0] for row in built["Organisationer"][1:]} == {"Förvaltning A"}
    # Nobody else gets it: 404, as if it did not exist.
    for other in (personas.coordinator_b, personas.city_coordinator, personas.admin):
        assert personas.web(other).get(f"/jobb/{job.pk}/fil").status_code == 404


def test_the_page_refuses_out_of_scope_filters_and_get(personas, campaigns):
    _earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    url = f"/assessments/campaigns/{current.pk}/exports/xlsx/"
    assert web.post(url, {"organisation": personas.org_b.pk}).status_code == 400
    assert web.get(url).status_code == 405
    assert not FileJob.objects.exists()


def test_the_builder_checks_the_scope_again_when_it_runs(
    personas, campaigns, django_capture_on_commit_callbacks
):
    """Rights may change between the click and the build: the worker resolves the filter
    with the owner as they are then, like the synchronous export would."""
    _earlier, current = campaigns
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.campaign_export_start(
            actor=personas.city_coordinator, campaign=current, organisation=personas.org_b
        )
    # Meanwhile the city coordinator became coordinator of administration A only.
    user = personas.city_coordinator
    user.role, user.organisation = "org_coordinator", personas.org_a
    user.save()
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.content is None


def test_the_file_is_in_the_language_of_the_request(
    personas, campaigns, django_capture_on_commit_callbacks
):
    _earlier, current = campaigns
    api = personas.api(personas.city_coordinator, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/campaigns/{current.pk}/exports/xlsx")
    job = api.get(started["Location"]).json()
    book = sheets(api.get(job["file_url"]).content)
    assert "Svar" not in book
    header = next(iter(book.values()))[0]
    assert header[:3] == ("Organisation", "Unit", "Unit code")


def test_the_api_answers_202_with_the_job_and_then_the_file(
    personas, campaigns, django_capture_on_commit_callbacks
):
    earlier, current = campaigns
    api = personas.api(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(
            f"/api/v1/campaigns/{current.pk}/exports/xlsx", {"compare_to": earlier.pk}
        )
    assert started.status_code == 202
    body = started.json()
    job = FileJob.objects.get()
    assert started["Location"] == f"/api/v1/jobs/{job.pk}"
    assert body["id"] == job.pk and body["kind"] == "assessments.campaign_xlsx"
    # Answered as it was at the commit; the worker ran after it.
    assert body["status"] == "queued" and body["file_url"] is None
    now = api.get(started["Location"]).json()
    assert now["status"] == "done" and now["done"] == now["total"] > 0
    assert now["file_url"] == f"/api/v1/jobs/{job.pk}/file"
    download = api.get(now["file_url"])
    assert download.status_code == 200
    direct = api.get(f"/api/v1/campaigns/{current.pk}/export.xlsx", {"compare_to": earlier.pk})
    assert sheets(download.content) == sheets(direct.content)
    assert {row[1] for row in sheets(download.content)["Svar"][1:]} == {"Enhet A1"}
    # Another user: 404 for the job and its file.
    other = personas.api(personas.coordinator_b)
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert other.get(f"/api/v1/jobs/{job.pk}/file").status_code == 404


def test_the_api_checks_the_input_and_the_scope_at_once(personas, campaigns):
    _earlier, current = campaigns
    api = personas.api(personas.coordinator_a)
    url = f"/api/v1/campaigns/{current.pk}/exports/xlsx"
    out_of_scope = api.post(url, {"organisation": personas.org_b.pk})
    assert out_of_scope.status_code == 400
    assert out_of_scope.json()["errors"][0]["field"] == "organisation"
    assert api.post(url, {"organisation": "1"}).status_code == 400  # no numeric strings
    assert api.post(url, "[]").status_code == 400
    assert api.post(f"/api/v1/campaigns/{current.pk + 999}/exports/xlsx").status_code == 404
    assert personas.api().post(url).status_code == 401
    assert not FileJob.objects.exists()


def test_the_job_costs_a_fixed_number_of_queries(
    personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Starting a job and reading it cost the same on a campaign of 350 units as on a small
    one; the build's progress is one UPDATE every half second, not one per row."""
    f.many_units(personas.org_a, 200)
    f.many_units(personas.org_b, 150)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign, submitted_every=2)
    api = personas.api(personas.city_coordinator)
    api.get("/api/v1/me")  # the token's last use is recorded once
    with django_assert_max_num_queries(6):
        started = api.post(f"/api/v1/campaigns/{campaign.pk}/exports/xlsx")
    assert started.status_code == 202
    job_id = started.json()["id"]
    with django_assert_max_num_queries(2):
        assert api.get(f"/api/v1/jobs/{job_id}").status_code == 200
    with (
        django_assert_max_num_queries(24) as build,
        django_capture_on_commit_callbacks(execute=True),
    ):
        # In English: a new job (the same file asked for again follows the queued one).
        services.campaign_export_start(
            actor=personas.city_coordinator, campaign=campaign, language="en"
        )
    updates = [q for q in build.captured_queries if q["sql"].startswith('UPDATE "core_filejob"')]
    assert 2 <= len(updates) <= 4  # running, a progress write or two, done


# ---- The direct address: at once for a small scope, a job for a large one


def test_a_scope_larger_than_fits_in_a_request_becomes_a_job(
    personas, campaigns, monkeypatch, django_capture_on_commit_callbacks
):
    from jamlik.core import filejobs

    earlier, current = campaigns
    web, api = personas.web(personas.coordinator_a), personas.api(personas.coordinator_a)
    url = f"/assessments/campaigns/{current.pk}/export.xlsx"
    small = web.get(url, {"compare_to": earlier.pk})
    assert small.status_code == 200 and small["Content-Type"] == services.exports.XLSX
    assert not FileJob.objects.exists()

    # coordinator_a sees one unit of the campaign: a limit of none sends it to the worker.
    monkeypatch.setitem(filejobs._in_request_limits, services.CAMPAIGN_XLSX, 0)
    with django_capture_on_commit_callbacks(execute=True):
        page = web.get(url, {"compare_to": earlier.pk})
    job = FileJob.objects.get()
    assert page.status_code == 303 and page["Location"] == f"/jobb/{job.pk}/"
    assert job.params == {"campaign": current.pk, "organisation": None, "compare_to": earlier.pk}
    assert job.status == FileJobStatus.DONE
    assert sheets(bytes(job.content)) == sheets(small.content)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.get(f"/api/v1/campaigns/{current.pk}/export.xlsx")
    assert started.status_code == 202
    assert started["Location"] == f"/api/v1/jobs/{started.json()['id']}"
    assert api.get(started["Location"]).json()["status"] == "done"
    # The scope is checked at once, as before.
    assert web.get(url, {"organisation": personas.org_b.pk}).status_code == 400
    assert FileJob.objects.count() == 2
