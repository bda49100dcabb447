"""Notices: the one route from something that happened to the mail about it
(docs/decisions/0023-seat-path-and-notices.md).

A service says what happened as a ``Notice`` (a kind such as
``events.registration.promoted`` and a few JSON facts: ids, the status and waiting place of
that moment) and ``send`` stores the notices of one decision as ONE task row in the
service's own transaction. The worker sees the row only when that transaction commits, so
the mail goes out exactly when the change holds, and a crash after the commit loses
nothing. The worker then asks the renderer the app registered for the kind's prefix
(``register``, in the app's ``ready``) to write the mail into the outbox.

Rendering (templates, calendar files, QR images) therefore never runs while a service
holds a lock, whatever the task backend: with the immediate backend of the tests and the
demo the task runs at once, in the same code path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models.signals import pre_save
from django_tasks import task

from jamlik.core.sql import insert_statement
from jamlik.notifications.services import delivery_at_commit

logger = logging.getLogger(__name__)

Renderer = Callable[["Notice"], None]
_renderers: dict[str, Renderer] = {}


@dataclass(frozen=True)
class Notice:
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def app(self) -> str:
        return self.kind.split(".", 1)[0]


def register(app: str, renderer: Renderer) -> None:
    """Name the function that turns the notices of ``app`` (their kind's first part) into
    mail."""
    _renderers[app] = renderer


def send(notices: Iterable[Notice]) -> None:
    """Queue the notices for the worker, in the caller's transaction (one task row)."""
    items = _items(notices)
    if items:
        render_notices.enqueue(items)


def _items(notices: Iterable[Notice]) -> list[dict[str, Any]]:
    return [{"kind": n.kind, "facts": n.facts} for n in notices]


@dataclass(frozen=True)
class QueuedTask:
    """The task row of ``send`` as a statement for the caller to run with its own writes,
    and what ``enqueue`` does after the insert (its signal: the request id's log line)."""

    sql: str
    params: list[Any]
    row: Any

    def sent(self) -> None:
        from django_tasks.signals import task_enqueued

        task_enqueued.send(type(render_notices.get_backend()), task_result=self.row.task_result)


def queued_task(notices: Iterable[Notice]) -> QueuedTask | None:
    """``send`` as one INSERT that the seat decision runs together with its counters (one
    statement on PostgreSQL instead of two, docs/decisions/0003-seat-decision-in-sql.md),
    when the task backend keeps its queue in this database, as production does; None
    otherwise (the immediate backend of the tests and the demo runs the task itself: the
    caller uses ``send``) and when there is nothing to send. The row is the one the
    backend's ``enqueue`` stores (tests/notifications/test_queued_task.py compares them)."""
    from django_tasks_db.backend import DatabaseBackend

    items = _items(notices)
    backend = render_notices.get_backend()
    if not items or not isinstance(backend, DatabaseBackend):
        return None
    from django_tasks.utils import normalize_json
    from django_tasks_db.models import DBTaskResult

    backend.validate_task(render_notices)
    row: DBTaskResult = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [items], "kwargs": {}}),
        priority=render_notices.priority,
        task_path=render_notices.module_path,
        queue_name=render_notices.queue_name,
        run_after=render_notices.run_after,  # type: ignore[misc]  # as the backend's own
        backend_name=backend.alias,
    )
    # What ``save`` does before its INSERT: the library's receivers fill in defaults
    # (``run_after``).
    pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=connection.alias)
    sql, params = insert_statement(row)
    return QueuedTask(sql, params, row)


@task()
def render_notices(items: list[dict[str, Any]]) -> int:
    """The worker's side of ``send``: the notices of one decision turned into mail."""
    return render(items)


def render(items: Iterable[dict[str, Any]]) -> int:
    """Turn stored notices into mail, each in its own transaction (one that cannot be
    rendered does not keep back the others), and send each mail when its transaction
    commits. Returns how many were rendered."""
    with delivery_at_commit():
        return _render(items)


def _render(items: Iterable[dict[str, Any]]) -> int:
    rendered = 0
    for item in items:
        notice = Notice(kind=item["kind"], facts=item.get("facts") or {})
        renderer = _renderers.get(notice.app)
        if renderer is None:
            raise LookupError(f"no renderer for notices of {notice.app!r}")
        try:
            with transaction.atomic():
                renderer(notice)
        except DatabaseError:
            raise  # the database is away: the task fails and is seen, not half done
        except Exception:  # a template bug; the kind names it, the facts are only ids
            logger.exception("notice %s could not be rendered", notice.kind)
            continue
        rendered += 1
    return rendered
