"""The name badges PDF as a file job (events.services.exports on core.filejobs): the
dashboard's button and the API start it, the worker builds the same PDF as the synchronous
download — scoped the same way, rights checked again when it is built — and only the one who
asked gets it."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from jamlik.core.models import FileJob, FileJobStatus
from jamlik.events import badges, services
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db

A_NAMES = ["Alva Andersson", "Arvid Ahlberg"]
B_NAMES = ["Bertil Bengtsson", "Berit Blom"]
PROGRESS_UPDATE = 'UPDATE "core_filejob"'


@pytest.fixture
def world(personas, clock):
    event = EventFactory(capacity=50)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    AllocationFactory(event=event, quota=10, organisations=[personas.org_b])
    SessionFactory(event=event)
    a = [
        register(event, personas.org_a, name=A_NAMES[0]).registration,
        register(event, personas.unit_a, name=A_NAMES[1]).registration,
    ]
    b = [
        register(event, personas.org_b, name=B_NAMES[0]).registration,
        register(event, personas.unit_b, name=B_NAMES[1]).registration,
    ]
    return event, a, b


def pdf_text(content: bytes) -> tuple[int, str]:
    """The number of pages and the text, its spaces and line breaks made single spaces (a
    long name wraps on its badge)."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_the_dashboard_offers_the_button(personas, world):
    event, _a, _b = world
    html = personas.web(personas.coordinator_a).get(f"/events/{event.pk}/").content.decode()
    assert f'action="/events/{event.pk}/exports/badges/"' in html
    assert 'method="post"' in html and "Skapa namnbrickor (PDF)" in html
    assert f'href="/events/{event.pk}/badges.pdf"' not in html


def test_the_button_starts_a_job_whose_file_is_the_synchronous_pdf(
    personas, world, django_capture_on_commit_callbacks
):
    event, a, _b = world
    web = personas.web(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = web.post(f"/events/{event.pk}/exports/badges/")
    job = FileJob.objects.get()
    assert started.status_code == 303
    assert started["Location"] == f"/jobb/{job.pk}/"
    assert job.owner == personas.coordinator_a and job.kind == services.BADGES_PDF
    assert job.params == {"event": event.pk}
    assert job.status == FileJobStatus.DONE
    assert job.total == badges.total_steps(len(a)) and job.done == job.total
    page = web.get(f"/jobb/{job.pk}/").content.decode()
    assert "Namnbrickor (PDF)" in page and f'href="/jobb/{job.pk}/fil"' in page
    download = web.get(f"/jobb/{job.pk}/fil")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="namnbrickor-{event.pk}.pdf"'
    direct = web.get(f"/events/{event.pk}/badges.pdf")
    assert direct.status_code == 200
    assert pdf_text(download.content) == pdf_text(direct.content)
    # The org coordinator's badges are their subtree's people only.
    _pages, text = pdf_text(download.content)
    assert all(name in text for name in A_NAMES)
    assert not any(name in text for name in B_NAMES)
    # Nobody else gets it: 404, as if it did not exist.
    for other in (personas.coordinator_b, personas.city_coordinator, personas.admin):
        assert personas.web(other).get(f"/jobb/{job.pk}/fil").status_code == 404
        assert personas.web(other).get(f"/jobb/{job.pk}/").status_code == 404


def test_the_city_gets_every_badge(personas, world, django_capture_on_commit_callbacks):
    event, _a, _b = world
    web = personas.web(personas.city_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/events/{event.pk}/exports/badges/")
    _pages, text = pdf_text(web.get(f"/jobb/{FileJob.objects.get().pk}/fil").content)
    assert all(name in text for name in A_NAMES + B_NAMES)


def test_the_page_refuses_get_strangers_and_unknown_events(personas, world):
    event, _a, _b = world
    url = f"/events/{event.pk}/exports/badges/"
    assert personas.web(personas.coordinator_a).get(url).status_code == 405
    assert (
        personas.web(personas.admin).post(f"/events/{event.pk + 999}/exports/badges/").status_code
        == 404
    )
    anonymous = personas.web().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not FileJob.objects.exists()


def test_the_builder_checks_the_scope_again_when_it_runs(
    personas, world, django_capture_on_commit_callbacks
):
    """Rights may change between the click and the build: the worker reads the registrations
    with the owner as they are then, like the synchronous download would."""
    event, _a, _b = world
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.badges_start(actor=personas.city_coordinator, event=event)
    # Meanwhile the city coordinator became coordinator of administration A only.
    user = personas.city_coordinator
    user.role, user.organisation = "org_coordinator", personas.org_a
    user.save()
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE
    _pages, text = pdf_text(bytes(job.content))
    assert all(name in text for name in A_NAMES)
    assert not any(name in text for name in B_NAMES)
    # And a deactivated owner gets no file at all.
    with django_capture_on_commit_callbacks() as callbacks:
        later = services.badges_start(actor=user, event=event)
    user.is_active = False
    user.save()
    callbacks[0]()
    later.refresh_from_db()
    assert later.status == FileJobStatus.FAILED and later.content is None


def test_the_api_answers_202_with_the_job_and_then_the_file(
    personas, world, django_capture_on_commit_callbacks
):
    event, _a, _b = world
    api = personas.api(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/events/{event.pk}/exports/badges")
    assert started.status_code == 202
    body = started.json()
    job = FileJob.objects.get()
    assert started["Location"] == f"/api/v1/jobs/{job.pk}"
    assert body["id"] == job.pk and body["kind"] == "events.badges_pdf"
    assert body["status"] == "queued" and body["file_url"] is None
    now = api.get(started["Location"]).json()
    assert now["status"] == "done" and now["done"] == now["total"] > 0
    assert now["file_url"] == f"/api/v1/jobs/{job.pk}/file"
    download = api.get(now["file_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    direct = api.get(f"/api/v1/events/{event.pk}/badges.pdf")
    assert pdf_text(download.content) == pdf_text(direct.content)
    _pages, text = pdf_text(download.content)
    assert not any(name in text for name in B_NAMES)
    other = personas.api(personas.coordinator_b)
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert other.get(f"/api/v1/jobs/{job.pk}/file").status_code == 404


def test_the_api_refuses_at_once(personas, world):
    event, _a, _b = world
    api = personas.api(personas.coordinator_a)
    assert api.post(f"/api/v1/events/{event.pk + 999}/exports/badges").status_code == 404
    assert personas.api().post(f"/api/v1/events/{event.pk}/exports/badges").status_code == 401
    assert not FileJob.objects.exists()


def _event_of(personas, people: int):
    event = EventFactory(capacity=people, quota_lock_until=None)
    AllocationFactory(event=event, quota=people, organisations=[personas.org_a])
    for _n in range(people):
        register(event, personas.org_a)
    return event


def test_the_job_costs_a_fixed_number_of_queries(
    personas, clock, django_capture_on_commit_callbacks
):
    """Starting, reading and building cost the same on an event of 60 participants as on
    one of 6 (as ``badges.pdf`` does, tests/events/test_queries.py)."""
    small, large = _event_of(personas, 6), _event_of(personas, 60)
    api = personas.api(personas.coordinator_a)
    api.get("/api/v1/me")  # the token's last use is recorded once
    figures = {}
    for name, event in (("small", small), ("large", large)):
        with CaptureQueriesContext(connection) as start:
            started = api.post(f"/api/v1/events/{event.pk}/exports/badges")
        assert started.status_code == 202
        with CaptureQueriesContext(connection) as read:
            assert api.get(started["Location"]).status_code == 200
        with (
            CaptureQueriesContext(connection) as build,
            django_capture_on_commit_callbacks(execute=True),
        ):
            # In English: a new job (the same file asked for again follows the queued one).
            services.badges_start(actor=personas.coordinator_a, event=event, language="en")
        # The progress writes are timed (one every half second at most), not counted.
        updates = [q for q in build.captured_queries if q["sql"].startswith(PROGRESS_UPDATE)]
        assert 3 <= len(updates) <= 6  # running, a progress write or more, done
        figures[name] = (len(start), len(read), len(build) - len(updates))
    assert figures["large"] == figures["small"], figures
    assert figures["small"][0] <= 6 and figures["small"][1] <= 2, figures


# ---- The direct address: at once when small, a job when large (docs/architecture.md#file-jobs)


def test_the_limit_is_registered_with_the_builder():
    from jamlik.core import filejobs

    assert filejobs.fits_in_request(services.BADGES_PDF, services.exports.BADGES_IN_REQUEST)
    assert not filejobs.fits_in_request(services.BADGES_PDF, services.exports.BADGES_IN_REQUEST + 1)
    assert not filejobs.fits_in_request("no.such_kind", 1)


def test_more_badges_than_fit_in_a_request_become_a_job(
    personas, world, monkeypatch, django_capture_on_commit_callbacks
):
    from jamlik.core import filejobs

    event, _a, _b = world
    web, api = personas.web(personas.city_coordinator), personas.api(personas.city_coordinator)
    assert web.get(f"/events/{event.pk}/badges.pdf")["Content-Type"] == "application/pdf"
    assert not FileJob.objects.exists()

    monkeypatch.setitem(filejobs._in_request_limits, services.BADGES_PDF, 3)  # 4 badges
    page = web.get(f"/events/{event.pk}/badges.pdf")
    job = FileJob.objects.get()
    assert page.status_code == 303 and page["Location"] == f"/jobb/{job.pk}/"
    assert job.kind == services.BADGES_PDF and job.params == {"event": event.pk}
    # A reload while it is queued follows the same job.
    assert web.get(f"/events/{event.pk}/badges.pdf")["Location"] == f"/jobb/{job.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        started = api.get(f"/api/v1/events/{event.pk}/badges.pdf")
    assert started.status_code == 202
    assert FileJob.objects.count() == 1  # the same file, asked for by the same owner
    assert started["Location"] == f"/api/v1/jobs/{job.pk}"
    assert started.json()["kind"] == services.BADGES_PDF
    # An org coordinator's job is their own and covers their badges only.
    monkeypatch.setitem(filejobs._in_request_limits, services.BADGES_PDF, 1)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = personas.api(personas.coordinator_a).get(f"/api/v1/events/{event.pk}/badges.pdf")
    assert theirs.status_code == 202 and theirs.json()["id"] != job.pk
    own = FileJob.objects.get(pk=theirs.json()["id"])
    assert own.status == FileJobStatus.DONE
    _pages, text = pdf_text(bytes(own.content))
    assert all(name in text for name in A_NAMES)
    assert not any(name in text for name in B_NAMES)
