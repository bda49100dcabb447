"""Read queries of the events app, already scoped and with their joins (docs/architecture.md#code-conventions).

Events, their allocations and programme are visible to all staff; registrations, link tokens,
exports and check-in go through ``scope_for(user).filter`` so an org coordinator sees their
organisation's subtree only (docs/api.md#scoping). Reads of seat figures first apply the release
and expired holds (``event_release_if_due``), so nobody sees figures of rules no longer in
force. Query counts do not grow with the number of registrations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from jamlik.core import display
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.lookups import get_or_404
from jamlik.core.scoping import scope_for
from jamlik.core.sql import parameter_marks
from jamlik.events import clock
from jamlik.events.models import (
    SEAT_STATUSES,
    Allocation,
    AllocationMember,
    Event,
    EventMessage,
    EventStatus,
    OrganisationLink,
    Registration,
    Session,
    Status,
)
from jamlik.events.services.seats import event_release_if_due, quota_binds
from jamlik.orgs.models import Organisation

MAX_TOKEN = 64
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED)


def _fresh(event: Event) -> Event:
    return event_release_if_due(event=event)


# ---- Events, allocations, programme (all staff) --------------------------------------------------


def event_list(*, user: Any, status: str | None = None, kind: str | None = None) -> QuerySet:
    events = Event.objects.all()
    if status:
        events = events.filter(status=status)
    if kind:
        events = events.filter(kind=kind)
    return events.order_by("-starts_at", "-id")


def event_get(*, user: Any, pk: Any) -> Event:
    return _fresh(get_or_404(Event.objects.all(), pk))


def event_public_get(*, pk: Any) -> Event:
    """An event as the public sees it: drafts do not exist for them."""
    return _fresh(get_or_404(Event.objects.filter(status__in=PUBLIC_STATUSES), pk))


def allocation_list(*, user: Any, event: Event) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(event=event)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=AllocationMember.objects.select_related("organisation").order_by(
                    "organisation__name", "organisation_id"
                ),
            )
        )
        .order_by("id")
    )


def allocation_get(*, user: Any, event: Event, pk: Any) -> Allocation:
    return get_or_404(allocation_list(user=user, event=event), pk)


def session_list(*, event: Event) -> QuerySet[Session]:
    return Session.objects.filter(event=event).order_by("starts_at", "ends_at", "room", "id")


def session_get(*, event: Event, pk: Any) -> Session:
    return get_or_404(session_list(event=event), pk)


@dataclass(frozen=True)
class QuotaUse:
    """One row of the organiser's quota view: an allocation, or the seats outside them."""

    allocation: Allocation | None
    name: str
    quota: int | None
    confirmed: int
    held: int
    waiting: int

    @property
    def taken(self) -> int:
        return self.confirmed + self.held

    @property
    def percent(self) -> int:
        if not self.quota:
            return 0
        return min(100, round(100 * self.taken / self.quota))


def quota_use(*, user: Any, event: Event) -> list[QuotaUse]:
    """Per allocation: quota, confirmed, held, waiting; then one row for registrations outside
    every allocation (its quota is what no allocation holds: capacity minus the quotas)."""
    rows = []
    allocated = 0
    confirmed = held = waiting = 0
    for allocation in allocation_list(user=user, event=event):
        allocated += allocation.quota
        confirmed += allocation.confirmed_count
        held += allocation.held_count
        waiting += allocation.waiting_count
        rows.append(
            QuotaUse(
                allocation,
                allocation.name,
                allocation.quota,
                allocation.confirmed_count,
                allocation.held_count,
                allocation.waiting_count,
            )
        )
    rows.append(
        QuotaUse(
            None,
            "",
            max(0, event.capacity - allocated),
            event.confirmed_count - confirmed,
            event.held_count - held,
            event.waiting_count - waiting,
        )
    )
    return rows


# ---- Links (scoped) ----------------------------------------------------------------------------


def link_list(*, user: Any, event: Event) -> list[OrganisationLink]:
    """The active link of every organisation in an allocation of the event, within scope."""
    member_ids = AllocationMember.objects.filter(event=event).values("organisation_id")
    links = OrganisationLink.objects.filter(
        event=event, revoked_at__isnull=True, organisation_id__in=member_ids
    ).select_related("organisation")
    links = scope_for(user).filter(links, via="organisation")
    return list(links.order_by("organisation__name", "organisation_id"))


def link_get(*, user: Any, event: Event, organisation_id: Any) -> OrganisationLink:
    links = scope_for(user).filter(
        OrganisationLink.objects.filter(event=event, revoked_at__isnull=True).select_related(
            "organisation", "event"
        ),
        via="organisation",
    )
    found = (
        links.filter(organisation_id=organisation_id).first() if _is_id(organisation_id) else None
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class PublicLink:
    """What an organisation's link leads to: the event and the organisation registering."""

    event: Event
    organisation: Organisation


def link_by_token(token: str) -> PublicLink:
    """The event and organisation of an active link of a public event; 404 for anything else.

    Written in SQL: every registration through a link starts here, and the ORM's joined query
    cost twice these two (benchmarks/storm.py)."""
    if not _is_token(token):
        raise NotFound()
    events = list(
        Event.objects.raw(
            "SELECT e.*, l.organisation_id AS link_organisation_id"  # noqa: S608 (parameter marks only)
            " FROM events_organisationlink l JOIN events_event e ON e.id = l.event_id"
            " WHERE l.token = %s AND l.revoked_at IS NULL"
            f" AND e.status IN ({parameter_marks(PUBLIC_STATUSES)})",
            [token, *(status.value for status in PUBLIC_STATUSES)],
        )
    )
    if not events:
        raise NotFound()
    event = events[0]
    organisation = next(
        iter(
            Organisation.objects.raw(
                "SELECT * FROM orgs_organisation WHERE id = %s", [event.link_organisation_id]
            )
        )
    )
    return PublicLink(event=_fresh(event), organisation=organisation)


def _is_token(value: Any) -> bool:
    """Whether ``value`` can be a token at all (URL-safe base64, at most 64 characters); other
    text (NUL bytes, say) never reaches the database."""
    return isinstance(value, str) and TOKEN_RE.fullmatch(value) is not None


def _is_id(value: Any) -> bool:
    from jamlik.core.lookups import valid_id

    return valid_id(value)


# ---- Registrations (scoped) ------------------------------------------------------------------------


def _with_joins(registrations: QuerySet) -> QuerySet:
    return registrations.select_related("organisation", "allocation").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "id"))
    )


def registration_list(
    *,
    user: Any,
    event: Event,
    status: str | None = None,
    organisation: Any = None,
    q: str | None = None,
    code: str | None = None,
) -> QuerySet[Registration]:
    """The event's registrations the user may see; ``organisation`` narrows to that
    organisation and its descendants, ``q`` searches name and e-mail, ``code`` finds the
    holder of a check-in code."""
    registrations = scope_for(user).filter(
        Registration.objects.filter(event=event), via="organisation"
    )
    if status:
        if status not in Status.values:
            raise Invalid.field(
                "status", _("Choose one of: %(values)s.") % {"values": ", ".join(Status.values)}
            )
        registrations = registrations.filter(status=status)
    if organisation is not None:
        org = organisation
        registrations = registrations.filter(organisation__path__startswith=org.path)
    if q:
        q = _search_text(q)
        registrations = registrations.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if code:
        registrations = registrations.filter(checkin_code=code if _is_token(code) else "")
    return _with_joins(registrations).order_by("created_at", "id")


def _search_text(value: str) -> str:
    from django.core.exceptions import ValidationError

    from jamlik.core import validation

    try:
        return validation.clean_text(value, required=False)
    except ValidationError as exc:
        raise Invalid.field("q", exc.messages[0]) from None


def registration_get(*, user: Any, event: Event, pk: Any) -> Registration:
    return get_or_404(registration_list(user=user, event=event), pk)


HISTORY_LIMIT = 200


def registration_history(*, registration: Registration, limit: int = HISTORY_LIMIT) -> list[Any]:
    """The audit entries about one registration (already read through ``registration_get``,
    so within the user's scope), newest first, with their actors; at most ``limit`` + 1, so
    the page can tell that older ones were left out. One query, whatever the history."""
    from jamlik.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            object_type=Registration._meta.label_lower, object_id=str(registration.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")[: limit + 1]
    )


def registration_transfers(*, user: Any, registration: Registration) -> dict[str, Any]:
    """The registrations a seat was handed to (``to``) and from (``from``), when the user may
    see them (None otherwise), from one scoped query."""
    linked = Q(transferred_to=registration)
    if registration.transferred_to_id is not None:
        linked |= Q(pk=registration.transferred_to_id)
    rows = scope_for(user).filter(
        Registration.objects.filter(event_id=registration.event_id).filter(linked),
        via="organisation",
    )
    found = {"to": None, "from": None}
    for row in rows.only("id", "name", "status", "created_at", "transferred_to_id"):
        if row.pk == registration.transferred_to_id:
            found["to"] = row
        if row.transferred_to_id == registration.pk:
            found["from"] = row
    return found


def registration_by_manage_token(token: str) -> Registration:
    if not _is_token(token):
        raise NotFound()
    registration = (
        _with_joins(Registration.objects.select_related("event"))
        .filter(manage_token=token, event__status__in=PUBLIC_STATUSES, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound()
    registration.event = _fresh(registration.event)
    return registration


def registration_by_approval_token(token: str) -> Registration:
    if not _is_token(token):
        raise NotFound()
    registration = (
        Registration.objects.select_related("event", "organisation")
        .filter(approval_token=token, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound()
    registration.event = _fresh(registration.event)
    return registration


def waiting_positions(event: Event) -> dict[int, int]:
    """Every waiting registration's position (docs/rules.md#events-waiting-list: the waiting registrations that would be
    served before it under the rules in force, plus one), from one query."""
    in_quota_phase = quota_binds(event, clock.now())
    ranks: dict[Any, int] = defaultdict(int)
    positions = {}
    queue = (
        Registration.objects.filter(event=event, status=Status.WAITING)
        .order_by("waiting_since", "id")
        .values_list("id", "allocation_id")
    )
    for registration_id, allocation_id in queue:
        key = allocation_id if in_quota_phase and allocation_id is not None else "all"
        if in_quota_phase and allocation_id is None:
            # No allocation: served at the release, after everyone waiting before it.
            ranks["none"] += 1
            positions[registration_id] = ranks["none"]
            continue
        ranks[key] += 1
        ranks["none"] += 1
        positions[registration_id] = ranks[key]
    return positions


def with_positions(registrations: Any, event: Event) -> list[Registration]:
    """The registrations as a list, each with ``position`` (None unless waiting)."""
    rows = list(registrations)
    positions = waiting_positions(event) if any(r.status == Status.WAITING for r in rows) else {}
    for registration in rows:
        registration.position = positions.get(registration.pk)
    return rows


def waiting_list(*, user: Any, event: Event) -> list[Registration]:
    """The waiting list in queue order, scoped, each with its position."""
    waiting = registration_list(user=user, event=event, status=Status.WAITING).order_by(
        "waiting_since", "id"
    )
    return with_positions(waiting, event)


# ---- Figures ----------------------------------------------------------------------------------------


def seat_counts_from_rows(event: Event) -> dict[str, Any]:
    """The seat figures counted from the registration rows (the counters must equal these)."""
    by_status = dict(
        Registration.objects.filter(event=event)
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
            Status.WAITING: "waiting",
        }
        key = keys.get(status)
        if key:
            allocations[allocation_id][key] = n
    sessions = dict(
        Session.objects.filter(event=event)
        .annotate(n=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)))
        .values_list("id", "n")
    )
    return {
        "confirmed": by_status.get(Status.CONFIRMED, 0),
        "held": by_status.get(Status.PENDING_APPROVAL, 0),
        "waiting": by_status.get(Status.WAITING, 0),
        "allocations": allocations,
        "sessions": sessions,
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
            held=Count("id", filter=Q(status=Status.PENDING_APPROVAL)),
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
        )
        for row in grouped
    ]


def message_list(*, user: Any, event: Event) -> QuerySet[EventMessage]:
    messages = EventMessage.objects.filter(event=event).select_related("sent_by")
    if not scope_for(user).everything:  # a coordinator sees the messages they sent
        messages = messages.filter(sent_by=user)
    return messages.order_by("-sent_at", "-id")


# ---- Export -----------------------------------------------------------------------------------------

EXPORT_HEADER = (
    "id",
    "name",
    "email",
    "organisation",
    "organisation_code",
    "allocation",
    "category",
    "title",
    "status",
    "position",
    "sessions",
    "dietary",
    "accessibility",
    "manager_email",
    "created_at",
    "checked_in_at",
)


def export_rows(*, user: Any, event: Event) -> list[list[Any]]:

    local = display.fmt_local_datetime

    rows = []
    registrations = with_positions(registration_list(user=user, event=event), event)
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
                r.dietary,
                r.accessibility,
                r.manager_email,
                local(r.created_at),
                local(r.checked_in_at),
            ]
        )
    return rows
