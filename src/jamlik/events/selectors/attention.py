"""The events panel of the start page (``core.attention``) and the events' part of the
failed-mail panel (``notifications.attention``).

The panel lists the next upcoming events (published or closed, not yet ended): while the
quotas bind, the seats left in each allocation until the release date (``quota_lock_until``);
and the people waiting. An org coordinator sees only the allocations that hold an
organisation of their subtree and only their subtree's people waiting (``Scope.filter``).
Four queries, whatever the number of events, allocations and registrations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from jamlik.core.attention import PANEL_ROWS
from jamlik.core.scoping import scope_for
from jamlik.events import clock, decisions, policies
from jamlik.events.models import (
    Allocation,
    AllocationMember,
    Event,
    EventStatus,
    OrganisationLink,
    Registration,
    Status,
    UnusedSeatReminder,
)
from jamlik.notifications.attention import failed_by_parent

UPCOMING_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)


@dataclass
class EventAttention:
    event: Event
    phase: str
    waiting: int  # people waiting, within the user's scope
    allocations: list[Allocation] = field(default_factory=list)

    @property
    def quota_phase(self) -> bool:
        return self.phase == decisions.QUOTA


def attention_panel(user: Any) -> dict[str, Any] | None:
    """The context of ``events/partials/_attention.html``; None for a user who may not see
    the events' dashboards."""
    if not policies.may_see_dashboard(user):
        return None
    scope = scope_for(user)
    now = clock.now()
    upcoming = Event.objects.filter(status__in=UPCOMING_STATUSES, ends_at__gte=now)
    total = upcoming.count()
    events = list(upcoming.order_by("starts_at", "id")[:PANEL_ROWS])
    rows = [EventAttention(e, decisions.phase(e, now), 0) for e in events]
    if rows:
        by_event = {row.event.pk: row for row in rows}
        # Allocations that hold an organisation the user reaches, with their seat counters.
        members_in_scope = scope.filter(
            AllocationMember.objects.filter(allocation=OuterRef("pk")), via="organisation"
        )
        allocations = (
            Allocation.objects.filter(event_id__in=by_event)
            .filter(Exists(members_in_scope))
            .order_by("event_id", "name", "id")
        )
        for allocation in allocations:
            by_event[allocation.event_id].allocations.append(allocation)
        waiting = (
            scope.filter(
                Registration.objects.filter(event_id__in=by_event, status=Status.WAITING),
                via="organisation",
            )
            .order_by()
            .values("event_id")
            .annotate(n=Count("id"))
        )
        for item in waiting:
            by_event[item["event_id"]].waiting = item["n"]
    return {
        "rows": rows,
        "total": total,
        "more": max(0, total - len(rows)),
        "everything": scope.everything,
    }


# ---- Failed mail (the sources registered with notifications.attention) ----------------------


def _failed_by_event(messages: QuerySet, scoped: QuerySet) -> list[dict[str, Any]]:
    """Failed messages grouped by the event of the row each is about (``scoped``, already
    narrowed to the user's scope)."""
    return failed_by_parent(
        messages, scoped, parent="event", key="events.event", url_name="events:dashboard"
    )


def failed_registration_mail(user: Any, messages: QuerySet) -> list[dict[str, Any]]:
    """Failed mail about registrations (``events.registration:<id>``) per event; an org
    coordinator counts those of their subtree's registrations only."""
    if not policies.may_see_dashboard(user):
        return []
    scoped = scope_for(user).filter(
        Registration.objects.filter(pk=OuterRef("about_id")).order_by(), via="organisation"
    )
    return _failed_by_event(messages, scoped)


def failed_link_mail(user: Any, messages: QuerySet) -> list[dict[str, Any]]:
    """Failed mail of organisations' registration links (``events.link:<id>``) per event."""
    if not policies.may_send_links(user):
        return []
    scoped = scope_for(user).filter(
        OrganisationLink.objects.filter(pk=OuterRef("about_id")).order_by(), via="organisation"
    )
    return _failed_by_event(messages, scoped)


def failed_reminder_mail(user: Any, messages: QuerySet) -> list[dict[str, Any]]:
    """Failed reminders of unused seats to org coordinators (``events.unused_seats:<id>``)
    per event, for those who may send the reminders (the city); the mailboxes' reminders
    are about their link and counted by ``failed_link_mail``."""
    if not policies.may_send_unused_seat_reminders(user):
        return []
    reminders = UnusedSeatReminder.objects.filter(pk=OuterRef("about_id")).order_by()
    return failed_by_parent(
        messages, reminders, parent="allocation__event", key="events.event", url_name="events:radar"
    )
