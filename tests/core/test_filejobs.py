"""File jobs (core.filejobs): a file built by the worker with its progress, the owner's alone
(404 for everyone else), a generic message when the build fails, deleted after a day; the
progress page polls with htmx until the job is finished; the Jobs endpoints of the API."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from jamlik.core import filejobs
from jamlik.core.models import FileJob, FileJobStatus, Role
from jamlik.events import tasks as events_tasks
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

ECHO = "tests.echo"
BROKEN = "tests.broken"
STEPS = 250


def echo(user, params, progress):
    """A builder in many small steps, naming its owner (so the file is the owner's)."""
    for done in range(STEPS + 1):
        progress(done, STEPS)
    return f"echo-{params['n']}.txt", "text/plain", f"{user.username}:{params['n']}".encode()


def broken(user, params, progress):
    progress(1, 10)
    raise ValueError(f"cannot build for {user.email}")  # a message naming a person


@pytest.fixture(autouse=True)
def builders():
    filejobs.register(ECHO, echo)
    filejobs.register(BROKEN, broken)
    yield
    filejobs._builders.pop(ECHO, None)
    filejobs._builders.pop(BROKEN, None)


def start(user, kind=ECHO, capture=None, **params):
    with capture(execute=True):
        job = filejobs.file_job_start(actor=user, kind=kind, params=params or {"n": 1})
    job.refresh_from_db()
    return job


def running_job(owner, **fields):
    values = {
        "kind": ECHO,
        "status": FileJobStatus.RUNNING,
        "done": 30,
        "total": 120,
        "expires_at": timezone.now() + filejobs.LIFETIME,
        **fields,
    }
    return FileJob.objects.create(owner=owner, **values)


def test_a_job_runs_on_commit_and_its_progress_reaches_the_total(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = filejobs.file_job_start(actor=personas.coordinator_a, kind=ECHO, params={"n": 7})
    # Nothing is queued before the commit.
    assert len(callbacks) == 1
    assert FileJob.objects.get(pk=job.pk).status == FileJobStatus.QUEUED
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE
    assert job.done == job.total == STEPS
    assert job.percent == 100
    assert bytes(job.content) == b"hr_a:7"
    assert (job.filename, job.content_type) == ("echo-7.txt", "text/plain")
    assert job.finished_at is not None and job.error == ""
    assert job.expires_at - job.created_at == pytest.approx(
        timedelta(days=1), abs=timedelta(seconds=5)
    )
    # A second run of the same task leaves a finished job alone.
    assert filejobs.file_job_build(job_id=job.pk) == "skipped"


def test_a_job_left_running_by_a_dead_worker_is_built_when_its_task_runs_again(personas):
    # The worker died mid-build: the job says running, recovery handed its task back.
    job = running_job(personas.coordinator_a, params={"n": 3})
    assert filejobs.file_job_build(job_id=job.pk) == FileJobStatus.DONE
    job.refresh_from_db()
    assert (job.status, bytes(job.content)) == (FileJobStatus.DONE, b"hr_a:3")


def test_progress_writes_at_most_one_update_every_half_second(personas, django_assert_num_queries):
    job = running_job(personas.coordinator_a, done=0, total=0)
    now = [100.0]
    progress = filejobs._Progress(job.pk, clock=lambda: now[0])
    with django_assert_num_queries(2):
        for step in range(1000):  # 1,000 rows within 0.4 s: one UPDATE
            now[0] = 100.0 + step * 0.0004
            progress(step, 1000)
        now[0] = 100.6  # past the half second: the next one
        progress(1000, 1000)
    job.refresh_from_db()
    assert (job.done, job.total) == (1000, 1000)


def test_a_failed_build_keeps_a_generic_message_and_logs_nothing_personal(
    personas, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.ERROR, logger="jamlik.filejobs")
    job = start(personas.coordinator_a, kind=BROKEN, capture=django_capture_on_commit_callbacks)
    assert job.status == FileJobStatus.FAILED
    assert job.error == filejobs.FAILED_MESSAGE
    assert job.content is None and job.finished_at is not None
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and f"file job {job.pk}" in logged
    assert personas.coordinator_a.email not in logged


def test_a_deactivated_owner_gets_no_file(personas, django_capture_on_commit_callbacks):
    user = UserFactory(username="gone", role=Role.CITY_COORDINATOR)
    with django_capture_on_commit_callbacks() as callbacks:
        job = filejobs.file_job_start(actor=user, kind=ECHO, params={"n": 1})
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.content is None


def test_an_unknown_kind_is_a_programming_error(personas):
    with pytest.raises(ValueError):
        filejobs.file_job_start(actor=personas.admin, kind="nothing.here", params={})
    assert not FileJob.objects.exists()


def test_expired_jobs_are_deleted_by_the_cleanup_and_the_tick(
    personas, django_capture_on_commit_callbacks
):
    fresh = start(personas.coordinator_a, capture=django_capture_on_commit_callbacks)
    old = start(personas.coordinator_a, capture=django_capture_on_commit_callbacks)
    older = running_job(personas.coordinator_b)
    FileJob.objects.filter(pk__in=[old.pk, older.pk]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert filejobs.file_jobs_delete_expired() == 2
    assert list(FileJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    # The periodic tick of the worker runs the same clean-up.
    FileJob.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert events_tasks.tick_work()["file_jobs_deleted"] == 1
    assert not FileJob.objects.exists()


# ---- The pages ---------------------------------------------------------------------------


def test_the_page_polls_while_running_and_stops_when_done(
    personas, django_capture_on_commit_callbacks
):
    owner = personas.coordinator_a
    web = personas.web(owner)
    job = running_job(owner)
    page = web.get(f"/jobb/{job.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="status"' in html and 'aria-live="polite"' in html
    assert '<progress id="file-job-progress" max="100" value="25">25 %</progress>' in html
    assert "25 % klart" in html
    assert f'hx-get="/jobb/{job.pk}/"' in html and 'hx-trigger="every 1s"' in html
    assert "htmx-2.min.js" in html and "<script>" not in html  # no inline script
    # Without JavaScript: a plain link reloads the page.
    assert f'<a href="/jobb/{job.pk}/">Uppdatera</a>' in html
    # The poll answers the fragment only, still polling.
    fragment = web.get(f"/jobb/{job.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and 'hx-trigger="every 1s"' in body
    assert "HX-Request" in fragment["Vary"]

    done = start(owner, capture=django_capture_on_commit_callbacks)
    fragment = web.get(f"/jobb/{done.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "hx-trigger" not in body and "hx-get" not in body
    assert "Filen är klar." in body and f'href="/jobb/{done.pk}/fil"' in body
    assert "Ladda ner echo-1.txt" in body


def test_the_page_in_english_and_a_failed_job(personas, django_capture_on_commit_callbacks):
    owner = personas.coordinator_a
    web = personas.web(owner)
    job = running_job(owner, status=FileJobStatus.QUEUED, done=0, total=0)
    html = web.get(f"/jobb/{job.pk}/", headers={"Accept-Language": "en"}).content.decode()
    assert "Waiting for the worker…" in html and "Refresh" in html
    assert "The file is built in the background" in html
    html = web.get(f"/jobb/{job.pk}/").content.decode()
    assert "Väntar på sin tur …" in html and "Filen skapas i bakgrunden" in html

    failed = start(owner, kind=BROKEN, capture=django_capture_on_commit_callbacks)
    html = web.get(f"/jobb/{failed.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "Filen kunde inte skapas." in html and "hx-trigger" not in html
    english = web.get(
        f"/jobb/{failed.pk}/", headers={"HX-Request": "true", "Accept-Language": "en"}
    ).content.decode()
    assert "The file could not be built." in english


def test_the_file_is_an_attachment_for_its_owner(personas, django_capture_on_commit_callbacks):
    job = start(personas.coordinator_a, capture=django_capture_on_commit_callbacks)
    answer = personas.web(personas.coordinator_a).get(f"/jobb/{job.pk}/fil")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/plain"
    assert answer["Content-Disposition"] == 'attachment; filename="echo-1.txt"'
    assert "no-store" in answer["Cache-Control"]
    assert answer.content == b"hr_a:1"


def test_a_file_not_ready_is_409(personas):
    job = running_job(personas.coordinator_a)
    answer = personas.web(personas.coordinator_a).get(f"/jobb/{job.pk}/fil")
    assert answer.status_code == 409
    assert "Filen är inte klar än." in answer.content.decode()


@pytest.mark.parametrize("other", ["coordinator_b", "city_coordinator", "admin"])
def test_only_the_owner_reaches_a_job_everyone_else_gets_404(
    personas, other, django_capture_on_commit_callbacks
):
    job = start(personas.coordinator_a, capture=django_capture_on_commit_callbacks)
    web = personas.web(getattr(personas, other))
    for path in (f"/jobb/{job.pk}/", f"/jobb/{job.pk}/fil"):
        assert web.get(path).status_code == 404, path
        assert web.get(path, headers={"HX-Request": "true"}).status_code == 404, path
    api = personas.api(getattr(personas, other))
    for path in (f"/api/v1/jobs/{job.pk}", f"/api/v1/jobs/{job.pk}/file"):
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json()["code"] == "not_found", path
    # The same answer as for an id that does not exist.
    assert web.get(f"/jobb/{job.pk + 1000}/").status_code == 404
    assert api.get(f"/api/v1/jobs/{job.pk + 1000}").status_code == 404


def test_anonymous_visitors_are_sent_to_login(personas):
    job = running_job(personas.coordinator_a)
    answer = personas.web().get(f"/jobb/{job.pk}/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert personas.api().get(f"/api/v1/jobs/{job.pk}").status_code == 401


def test_polling_costs_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    owner = personas.coordinator_a
    web = personas.web(owner)
    job = running_job(owner)
    web.get(f"/jobb/{job.pk}/", headers={"HX-Request": "true"})  # warm up the session
    for done in (10, 60, 119):
        FileJob.objects.filter(pk=job.pk).update(done=done)
        # The session, the user, the job.
        with django_assert_max_num_queries(3):
            answer = web.get(f"/jobb/{job.pk}/", headers={"HX-Request": "true"})
        assert answer.status_code == 200


# ---- The API -----------------------------------------------------------------------------


def test_the_api_answers_the_job_and_its_file(personas, django_capture_on_commit_callbacks):
    api = personas.api(personas.coordinator_a)
    running = running_job(personas.coordinator_a)
    body = api.get(f"/api/v1/jobs/{running.pk}").json()
    assert set(body) == {
        "id",
        "kind",
        "status",
        "done",
        "total",
        "created_at",
        "expires_at",
        "file_url",
    }
    assert (body["status"], body["done"], body["total"], body["file_url"]) == (
        "running",
        30,
        120,
        None,
    )
    assert body["created_at"].endswith(("+01:00", "+02:00"))  # Stockholm time
    not_ready = api.get(f"/api/v1/jobs/{running.pk}/file")
    assert not_ready.status_code == 409 and not_ready.json()["code"] == "not_ready"

    job = start(personas.coordinator_a, capture=django_capture_on_commit_callbacks)
    body = api.get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "done" and body["done"] == body["total"] == STEPS
    assert body["file_url"] == f"/api/v1/jobs/{job.pk}/file"
    answer = api.get(body["file_url"])
    assert answer.status_code == 200 and answer.content == b"hr_a:1"
    assert answer["Content-Disposition"] == 'attachment; filename="echo-1.txt"'


def test_the_policy_is_the_owner_alone(personas):
    from django.contrib.auth.models import AnonymousUser

    from jamlik.core import policies

    job = running_job(personas.coordinator_a)
    assert policies.may_see_file_job(personas.coordinator_a, job)
    for other in (personas.coordinator_b, personas.city_coordinator, personas.admin):
        assert not policies.may_see_file_job(other, job)
    assert not policies.may_see_file_job(AnonymousUser(), job)
    personas.coordinator_a.is_active = False
    assert not policies.may_see_file_job(personas.coordinator_a, job)
    assert not policies.may_start_file_job(personas.coordinator_a)
    assert not policies.may_start_file_job(AnonymousUser())
