"""The failed-mail panel of the start page (``core.attention``): how many e-mails the outbox
gave up on (status failed), grouped by the event or campaign they belong to.

The outbox row knows what a message is about only as text (``about``, e.g.
``events.registration:12``); the apps that write the mail know what that row belongs to.
So each app registers a *source* for its prefixes here (``register_source``, in its
AppConfig.ready()): a function ``(user, messages)`` that groups the failed messages of that
prefix (annotated with ``about_id``, the id after the colon) by event or campaign, narrowed
to the user's scope (``core.scoping``) and asking its own app's policy, in one query. Notifications
never imports the apps above it.

Counts and titles only: no address, subject, body or error text (they may name people),
and the link into the outbox (the Django admin) only for those who may use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Count, QuerySet, Subquery
from django.db.models.functions import Cast, Substr
from django.urls import reverse

from jamlik.core.attention import PANEL_ROWS
from jamlik.core.policies import is_active_user, is_city_or_admin, may_use_admin_site
from jamlik.notifications.models import OutboxMessage, OutboxStatus

Source = Callable[[Any, QuerySet[OutboxMessage]], list[dict[str, Any]]]

# The most groups a source answers (events or campaigns with failed mail): bounds the rows
# read; an org coordinator's count is the sum of their groups.
SOURCE_ROWS = 50


@dataclass(frozen=True)
class FailedSource:
    prefix: str  # the ``about`` text before the colon, e.g. "events.registration"
    label: Any  # what the groups are (a lazy translation): "Event", "Self-assessment"
    groups: Source


_sources: dict[str, FailedSource] = {}


def register_source(source: FailedSource) -> None:
    _sources.setdefault(source.prefix, source)


def _about(messages: QuerySet[OutboxMessage], prefix: str) -> QuerySet[OutboxMessage]:
    """The messages about ``prefix:<id>``, with the id as ``about_id`` (other text after
    the prefix is never cast: it is left out first)."""
    return messages.filter(about__regex=rf"^{re.escape(prefix)}:[0-9]{{1,18}}$").annotate(
        about_id=Cast(Substr("about", len(prefix) + 2), output_field=BigIntegerField())
    )


def failed_by_parent(
    messages: QuerySet, about_rows: QuerySet, *, parent: str, key: str, url_name: str
) -> list[dict[str, Any]]:
    """Failed messages grouped by the ``parent`` (``event``, ``campaign``, ``review``) of the
    row each is about: ``about_rows`` finds that row by ``OuterRef("about_id")``, already
    narrowed to what the user may see; one query. A source's function calls this."""
    rows = (
        messages.annotate(
            parent_id=Subquery(about_rows.values(f"{parent}_id")[:1]),
            parent_title=Subquery(about_rows.values(f"{parent}__title")[:1]),
        )
        .filter(parent_id__isnull=False)
        .order_by()
        .values("parent_id", "parent_title")
        .annotate(n=Count("id"))
        .order_by("-n", "parent_id")
    )
    return [
        {
            "key": f"{key}:{row['parent_id']}",
            "label": row["parent_title"],
            "url": reverse(url_name, args=[row["parent_id"]]),
            "count": row["n"],
        }
        for row in rows[:SOURCE_ROWS]
    ]


def failed_mail_panel(user: Any) -> dict[str, Any] | None:
    """The context of ``notifications/partials/_attention.html``; None (the panel left out)
    when nothing failed that the user may know of. A city coordinator or administrator sees
    the whole outbox's count; an org coordinator the sum of the groups in their scope."""
    if not is_active_user(user):
        return None
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
    total = failed.count()
    if not total:
        return None
    merged: dict[str, dict[str, Any]] = {}
    for source in sorted(_sources.values(), key=lambda s: s.prefix):
        for group in source.groups(user, _about(failed, source.prefix)):
            item = merged.setdefault(group["key"], {**group, "count": 0, "source": source.label})
            item["count"] += group["count"]
    groups = sorted(merged.values(), key=lambda g: (-g["count"], str(g["label"]).lower()))
    city = is_city_or_admin(user)
    if not city:
        total = sum(g["count"] for g in groups)
        if not total:
            return None
    outbox_url = None
    if may_use_admin_site(user):
        outbox_url = (
            reverse("admin:notifications_outboxmessage_changelist")
            + f"?status__exact={OutboxStatus.FAILED}"
        )
    return {
        "total": total,
        "groups": groups[:PANEL_ROWS],
        "everything": city,
        "outbox_url": outbox_url,
    }
