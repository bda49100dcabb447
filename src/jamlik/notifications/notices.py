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

from django.db import DatabaseError, transaction
from django_tasks import task

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
    items = [{"kind": n.kind, "facts": n.facts} for n in notices]
    if items:
        render_notices.enqueue(items)


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
