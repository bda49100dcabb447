"""The request id: one token that joins every log line of one request, and of the tasks it
queued.

``RequestIdMiddleware`` takes the id from an incoming ``X-Request-ID`` header when it is a
safe token (at most 64 characters of ``[A-Za-z0-9._-]``: a proxy's id is kept, anything else
could smuggle text into the logs) or makes one (uuid4 hex); it keeps it in a contextvar until
the response is closed and echoes it in the response's ``X-Request-ID``. ``AddRequestId`` (a logging
filter on the handler) puts it on every record as ``request_id``.

Tasks: a task's arguments stay as they are (no id smuggled into its kwargs). Instead, when a
task is queued, one INFO line ``task queued`` carries the task id with the request id of the
request that queued it; while the worker runs the task, the contextvar holds
``task:<task id>``. Any line the task logs (the outbox's delivery lines among them) is joined
to its request through the task id. A task run inline by the immediate backend keeps the
request's own id.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("jamlik.tasks")

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
TASK_PREFIX = "task:"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    return request_id.get()


def new_id() -> str:
    return uuid.uuid4().hex


def accepted_id(value: str | None) -> str:
    """The incoming id when it is a safe token, otherwise a new one."""
    if value and SAFE_ID.fullmatch(value):
        return value
    return new_id()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = accepted_id(request.headers.get(HEADER))
        # Kept until the response is closed (``request_finished``), not only for the
        # middleware chain: Django logs a 4xx/5xx answer after the chain returned.
        request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def _request_finished(**kwargs: Any) -> None:
    request_id.set(None)


class AddRequestId(logging.Filter):
    """Every record gets ``request_id``: the request's, ``task:<id>`` in a task, or None."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def _in_request() -> bool:
    value = request_id.get()
    return value is not None and not value.startswith(TASK_PREFIX)


def _log_task_queued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    # The task's path and id only: its arguments may be personal.
    logger.info(
        "task queued task_id=%s task=%s",
        task_result.id,
        task_result.task.module_path,
        extra={"task_id": str(task_result.id)},
    )


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _in_request():  # the worker; inline in a request the request's id stays
        request_id.set(f"{TASK_PREFIX}{task_result.id}")


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if request_id.get() == f"{TASK_PREFIX}{task_result.id}":
        request_id.set(None)


def connect_signals() -> None:
    """Called by ``CoreConfig.ready`` (the logging setup imports this module before the apps
    are loaded)."""
    from django.core.signals import request_finished
    from django_tasks.signals import task_enqueued, task_finished, task_started

    request_finished.connect(_request_finished, dispatch_uid="jamlik.requestid.finished")
    task_enqueued.connect(_log_task_queued, dispatch_uid="jamlik.requestid.task_enqueued")
    task_started.connect(_task_started, dispatch_uid="jamlik.requestid.task_started")
    task_finished.connect(_task_finished, dispatch_uid="jamlik.requestid.task_finished")
