"""Seat figures (from rows and from counters), dashboard totals, statistics per organisation,
messages sent and the registrations export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import pgettext_lazy

from jamlik.core import display
from jamlik.core.scoping import scope_for
from jamlik.events import policies
from jamlik.events.models import (
    HELD_STATUSES,
    SEAT_STATUSES,
    Allocation,
    Event,
    EventMessage,
    Registration,
    Session,
    Status,
)
from jamlik.events.selectors.registrations import registration_list, with_positions

# ---- Figures ----------------------------------------------------------------------------------------


def seat_counts_from_rows(event: Event) -> dict[str, Any]:
    """The seat figures counted from the registration rows (the counters must equal these)."""
    by_status = dict(
        Registration.objects.filter(event=event, participation="on_site")
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    # Hybrid: the online registrations, counted apart (docs/rules.md#events-hybrid).
    online = dict(
        Registration.objects.filter(event=event, participation="online")
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    allocations: dict[int, dict[str, int]] = {
        a: {"confirmed": 0, "held": 0, "waiting": 0}
        for a in Allocation.objects.filter(event=event).values_list("id", flat=True)
    }
    for allocation_id, status, n in (
        Registration.objects.filter(event=event, allocation__isnull=False)
        .values("allocation_id", "status")
        .annotate(n=Count("id"))
        .values_list("allocation_id", "status", "n")
    ):
        keys: dict[str, str] = {
            Status.CONFIRMED: "confirmed",
            Status.PENDING_APPROVAL: "held",
            Status.OFFERED: "held",
            Status.WAITING: "waiting",
        }
        key = keys.get(status)
        if key:
            allocations[allocation_id][key] += n
    sessions = dict(
        Session.objects.filter(event=event)
        .annotate(n=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)))
        .values_list("id", "n")
    )
    return {
        "confirmed": by_status.get(Status.CONFIRMED, 0),
        "held": by_status.get(Status.PENDING_APPROVAL, 0) + by_status.get(Status.OFFERED, 0),
        "waiting": by_status.get(Status.WAITING, 0),
        "allocations": allocations,
        "sessions": sessions,
        "online": {
            "confirmed": online.get(Status.CONFIRMED, 0),
            "held": sum(online.get(s, 0) for s in HELD_STATUSES),
            "waiting": online.get(Status.WAITING, 0),
        },
    }


def seat_counts_from_counters(event: Event) -> dict[str, Any]:
    event = Event.objects.get(pk=event.pk)
    return {
        "confirmed": event.confirmed_count,
        "held": event.held_count,
        "waiting": event.waiting_count,
        "allocations": {
            a.pk: {"confirmed": a.confirmed_count, "held": a.held_count, "waiting": a.waiting_count}
            for a in Allocation.objects.filter(event=event)
        },
        "sessions": dict(Session.objects.filter(event=event).values_list("id", "taken_count")),
        "online": {
            "confirmed": event.online_confirmed_count,
            "held": event.online_held_count,
            "waiting": event.online_waiting_count,
        },
    }


@dataclass
class OrganisationStatistics:
    organisation_id: int | None
    name: str
    confirmed: int = 0
    checked_in: int = 0
    cancelled: int = 0
    waiting: int = 0
    held: int = 0
    online: int = 0  # hybrid: of the confirmed, those taking part online

    @property
    def no_shows(self) -> int:
        return max(0, self.confirmed - self.checked_in)


def statistics_by_organisation(*, user: Any, event: Event) -> list[OrganisationStatistics]:
    """Attendance per organisation (also after anonymisation: the rows keep organisation,
    status and check-in), scoped, from one grouped query."""
    registrations = scope_for(user).filter(
        Registration.objects.filter(event=event), via="organisation"
    )
    grouped = (
        registrations.values("organisation_id", "organisation__name")
        .annotate(
            confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
            checked_in=Count("id", filter=Q(status=Status.CONFIRMED, checked_in_at__isnull=False)),
            cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
            waiting=Count("id", filter=Q(status=Status.WAITING)),
            held=Count("id", filter=Q(status__in=HELD_STATUSES)),
            online=Count("id", filter=Q(status=Status.CONFIRMED, participation="online")),
        )
        .order_by(Lower("organisation__name"), "organisation_id")
    )
    return [
        OrganisationStatistics(
            organisation_id=row["organisation_id"],
            name=row["organisation__name"] or "",
            confirmed=row["confirmed"],
            checked_in=row["checked_in"],
            cancelled=row["cancelled"],
            waiting=row["waiting"],
            held=row["held"],
            online=row["online"],
        )
        for row in grouped
    ]


def message_list(*, user: Any, event: Event) -> QuerySet[EventMessage]:
    messages = EventMessage.objects.filter(event=event).select_related("sent_by")
    if not scope_for(user).everything:  # a coordinator sees the messages they sent
        messages = messages.filter(sent_by=user)
    return messages.order_by("-sent_at", "-id")


# ---- Export -----------------------------------------------------------------------------------------

# The export's columns: the API's machine names and the pages' headings (in the request's
# language, so Swedish Excel gets Swedish headings).
EXPORT_COLUMNS = (
    ("id", pgettext_lazy("export", "ID")),
    ("name", pgettext_lazy("export", "Name")),
    ("email", pgettext_lazy("export", "E-mail")),
    ("organisation", pgettext_lazy("export", "Organisation")),
    ("organisation_code", pgettext_lazy("export", "Organisation code")),
    ("allocation", pgettext_lazy("export", "Allocation")),
    ("category", pgettext_lazy("export", "Category")),
    ("title", pgettext_lazy("export", "Job title")),
    ("status", pgettext_lazy("export", "Status")),
    ("position", pgettext_lazy("export", "Place in the waiting list")),
    ("sessions", pgettext_lazy("export", "Sessions")),
    ("dietary", pgettext_lazy("export", "Dietary needs")),
    ("accessibility", pgettext_lazy("export", "Accessibility")),
    ("manager_email", pgettext_lazy("export", "Manager's e-mail")),
    ("created_at", pgettext_lazy("export", "Registered")),
    ("checked_in_at", pgettext_lazy("export", "Checked in")),
    # Only rows a city coordinator sees can say "yes": others' exports leave them out.
    ("protected_identity", pgettext_lazy("export", "Protected personal data")),
    # On site or online (hybrid events; "on_site" for every other event).
    ("participation", pgettext_lazy("export", "Participation")),
)
EXPORT_HEADER = tuple(key for key, _heading in EXPORT_COLUMNS)


def export_headings() -> list[str]:
    """The export's column headings in the active language (the pages' downloads)."""
    return [str(heading) for _key, heading in EXPORT_COLUMNS]


def export_rows(*, user: Any, event: Event) -> list[list[Any]]:

    local = display.fmt_local_datetime

    rows = []
    registrations = with_positions(registration_list(user=user, event=event), event)
    # Whose needs are whose: the city's; others count them (selectors.privacy.needs_counts).
    needs_named = policies.may_see_needs_of_people(user)
    yes = str(pgettext_lazy("export", "Yes"))
    for r in registrations:
        rows.append(
            [
                r.pk,
                r.name,
                r.email,
                r.organisation.name if r.organisation else "",
                r.organisation.code if r.organisation else "",
                r.allocation.name if r.allocation else "",
                r.get_category_display(),
                r.title,
                r.get_status_display(),
                r.position or "",
                "; ".join(s.title for s in r.sessions.all()),
                r.dietary if needs_named else "",
                r.accessibility if needs_named else "",
                r.manager_email,
                local(r.created_at),
                local(r.checked_in_at),
                yes if r.protected_identity else "",
                r.get_participation_display(),
            ]
        )
    return rows


@dataclass
class Totals:
    confirmed: int
    held: int
    waiting: int
    free: int
    capacity: int
    checked_in: int
    confirmed_in_scope: int
    # Hybrid: the online seats (None: on site only); the figures above are the on-site ones.
    online_capacity: int | None = None
    online_confirmed: int = 0
    online_held: int = 0
    online_waiting: int = 0

    @property
    def taken(self) -> int:
        return self.confirmed + self.held

    @property
    def online_taken(self) -> int:
        return self.online_confirmed + self.online_held

    @property
    def online_free(self) -> int:
        return max(0, (self.online_capacity or 0) - self.online_taken)


def totals(*, user: Any, event: Event) -> Totals:
    """Seat totals of the whole event (from its counters, visible to all staff), and the
    confirmed and checked-in registrations among those the user may see."""
    counts = (
        registration_list(user=user, event=event, status=Status.CONFIRMED, counting=True)
        .prefetch_related(None)
        .order_by()
        .aggregate(
            confirmed=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False))
        )
    )
    return Totals(
        confirmed=event.confirmed_count,
        held=event.held_count,
        waiting=event.waiting_count,
        free=event.free,
        capacity=event.capacity,
        checked_in=counts["checked_in"],
        confirmed_in_scope=counts["confirmed"],
        online_capacity=event.online_capacity,
        online_confirmed=event.online_confirmed_count,
        online_held=event.online_held_count,
        online_waiting=event.online_waiting_count,
    )
