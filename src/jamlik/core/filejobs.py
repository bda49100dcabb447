"""File jobs: a file that takes long to build (a large export) is built by the worker, while
the page shows a progress bar and the API a job resource (docs/architecture.md#file-jobs).

An app registers a builder for a kind of file (``register("assessments.campaign_xlsx",
builder)``, in its ``AppConfig.ready``). ``builder(user, params, progress)`` returns
``(filename, content_type, content)``; it is called on the worker with the job's owner,
fetched afresh, and must check the same permission and scoping as the synchronous download
would, since rights may have changed since the job was asked for. ``progress(done, total)``
may be called as often as the builder likes: it writes at most one UPDATE every
``PROGRESS_EVERY`` seconds.

``file_job_start`` stores the job and queues ``build_file_job`` when its transaction
commits; ``file_job_get`` and ``file_job_file`` are the owner's reads (anyone else gets
NotFound); ``file_jobs_delete_expired`` is the periodic clean-up (run by ``events_tick``).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from jamlik.core import policies
from jamlik.core.errors import Conflict, NotFound
from jamlik.core.i18n import request_language
from jamlik.core.lookups import valid_id
from jamlik.core.models import FileJob, FileJobStatus, User

logger = logging.getLogger("jamlik.filejobs")

Progress = Callable[[int, int], None]
# A built file: (filename, content type, content).
File = tuple[str, str, bytes]
Builder = Callable[[User, dict[str, Any], Progress], File]

# How long a job and its file are kept after it was asked for.
LIFETIME = timedelta(days=1)
# At most one progress UPDATE this often (seconds): a poll a second needs no more.
PROGRESS_EVERY = 0.5
# What the owner is told when the build failed: never the exception's text, which may name
# people. Stored in English and translated when shown.
FAILED_MESSAGE = "The file could not be built."

_builders: dict[str, Builder] = {}
_labels: dict[str, Any] = {}
_in_request_limits: dict[str, int] = {}


class NotReady(Conflict):
    code = "not_ready"
    default_message = _("The file is not ready yet.")


def register(kind: str, builder: Builder, *, label: Any = None, in_request_limit: int = 0) -> None:
    """Name ``builder`` as the one that builds files of ``kind`` (idempotent per kind);
    ``label`` (a lazy translation) names the file on the job's page. ``in_request_limit`` is
    the largest size (in the kind's own unit: badges, units, rows) that the direct download
    addresses may still build in the request, within about a second; 0: never."""
    _builders[kind] = builder
    _in_request_limits[kind] = in_request_limit
    if label is not None:
        _labels[kind] = label


def fits_in_request(kind: str, size: int) -> bool:
    """Whether a direct download (``GET …/badges.pdf``, ``…/export.xlsx``) of ``size`` may be
    built in the request: above the kind's limit it would hold a web worker for more than
    about a second, so the address starts a job instead (docs/architecture.md#file-jobs)."""
    return size <= _in_request_limits.get(kind, 0)


def see_job_page(job: FileJob) -> HttpResponse:
    """A page's answer once it has started a job: 303 See Other to the job's progress page,
    which the browser fetches with GET."""
    response = HttpResponseRedirect(reverse("core:file_job", args=[job.pk]))
    response.status_code = 303
    return response


def label(kind: str) -> Any:
    return _labels.get(kind) or _("Your file")


def file_job_start(
    *, actor: User, kind: str, params: dict[str, Any], language: str | None = None
) -> FileJob:
    """Store a job of ``actor`` and queue its build once the transaction commits.

    ``params`` must be JSON (ids, not objects). ``language`` (``sv`` or ``en``; default the
    active one) is the language the builder runs in. The caller has already checked that the
    actor may ask for this file; the builder checks again on the worker."""
    policies.require(policies.may_start_file_job, actor)
    if kind not in _builders:
        raise ValueError(f"no file job builder registered for {kind!r}")
    language = language or request_language()
    with transaction.atomic():
        # The same file asked for again while it is still being built (a reload of a
        # direct download address, a double click) follows the job already under way.
        waiting = FileJob.objects.filter(
            owner=actor,
            kind=kind,
            language=language,
            status__in=(FileJobStatus.QUEUED, FileJobStatus.RUNNING),
            expires_at__gt=timezone.now(),
        ).order_by("-pk")
        for candidate in waiting[:5]:
            if candidate.params == params:
                return candidate
        job = FileJob.objects.create(
            owner=actor,
            kind=kind,
            params=params,
            language=language,
            expires_at=timezone.now() + LIFETIME,
        )
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    try:
        build_file_job.enqueue(job_id)
    except Exception as exc:  # the job would wait for ever: tell its owner instead
        logger.error("could not enqueue file job %s: %s", job_id, type(exc).__name__)
        _fail(job_id)


class _Progress:
    """The ``progress(done, total)`` handed to a builder: remembers every call, writes the
    first at once and then at most one UPDATE every ``PROGRESS_EVERY`` seconds."""

    def __init__(self, job_id: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id = job_id
        self.clock = clock
        self.written_at: float | None = None
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = max(0, int(done)), max(0, int(total))
        now = self.clock()
        if self.written_at is not None and now - self.written_at < PROGRESS_EVERY:
            return
        self.written_at = now
        FileJob.objects.filter(pk=self.job_id).update(done=self.done, total=self.total)


@task()
def build_file_job(job_id: int) -> str:
    """The worker's build of one file job (queued by ``file_job_start``, so it lives here)."""
    return file_job_build(job_id=job_id)


def file_job_build(*, job_id: int) -> str:
    """Build one queued job: mark it running, call its builder, store the file and mark it
    done, or mark it failed. Returns the job's status; a finished job (built already, or
    failed) or a deleted one is left alone. A job still marked running is built again: its
    task runs a second time only when the worker that ran it died and the task was handed
    back (worker/recovery.py), and a task is never run by two workers at once."""
    unfinished = (FileJobStatus.QUEUED, FileJobStatus.RUNNING)
    if not FileJob.objects.filter(pk=job_id, status__in=unfinished).update(
        status=FileJobStatus.RUNNING
    ):
        return "skipped"
    job = (
        FileJob.objects.select_related("owner", "owner__organisation")
        .defer("content")
        .get(pk=job_id)
    )
    progress = _Progress(job_id)
    try:
        builder = _builders[job.kind]
        if not policies.is_active_user(job.owner):
            raise PermissionError("the owner is no longer active")
        with translation.override(job.language):
            filename, content_type, content = builder(job.owner, dict(job.params), progress)
    except Exception as exc:
        # The class and where it happened, never the message or locals: they may name people.
        logger.error(
            "file job %s (%s) failed: %s\n%s",
            job_id,
            job.kind,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        _fail(job_id)
        return FileJobStatus.FAILED.value
    total = progress.total or 1
    FileJob.objects.filter(pk=job_id).update(
        status=FileJobStatus.DONE,
        filename=filename[:200],
        content_type=content_type[:200],
        content=content,
        done=total,
        total=total,
        finished_at=timezone.now(),
    )
    return FileJobStatus.DONE.value


def _fail(job_id: int) -> None:
    FileJob.objects.filter(pk=job_id).exclude(status=FileJobStatus.DONE).update(
        status=FileJobStatus.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now()
    )


def file_jobs_delete_expired(*, now: Any = None) -> int:
    """Delete the jobs (and their files) whose day is over; the number deleted."""
    deleted, _by_model = FileJob.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def file_job_get(*, user: Any, pk: Any) -> FileJob:
    """The user's own job, without its file (one query); anyone else's is NotFound."""
    job = FileJob.objects.defer("content").filter(pk=pk).first() if valid_id(pk) else None
    if job is None or not policies.may_see_file_job(user, job):
        raise NotFound()
    return job


def file_job_file(*, user: Any, pk: Any) -> FileJob:
    """The user's own job with its file; NotFound as ``file_job_get``, NotReady (409) while
    it is not done."""
    job = FileJob.objects.filter(pk=pk).first() if valid_id(pk) else None
    if job is None or not policies.may_see_file_job(user, job):
        raise NotFound()
    if job.status != FileJobStatus.DONE or job.content is None:
        raise NotReady()
    return job


def file_response(job: FileJob) -> HttpResponse:
    """The finished job's file as a download, the same for the page and the API."""
    return attachment((job.filename or "file", job.content_type, bytes(job.content or b"")))


def attachment(file: File) -> HttpResponse:
    """A built file ``(filename, content_type, content)`` as a download."""
    filename, content_type, content = file
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    # A personal file: no cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
