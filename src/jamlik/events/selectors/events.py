"""Events, allocations, the programme (time slots), the quota view, the seats a visitor of a
public page sees and the organisations of the public event page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.core.lookups import get_or_404
from jamlik.events import clock, decisions, hybrid
from jamlik.events.models import (
    Allocation,
    AllocationMember,
    Event,
    Session,
)
from jamlik.events.selectors._common import PUBLIC_STATUSES
from jamlik.orgs.models import Kind, Organisation

# ---- Events, allocations, programme (all staff) --------------------------------------------------


def event_list(*, user: Any, status: str | None = None, kind: str | None = None) -> QuerySet:
    events = Event.objects.all()
    if status:
        events = events.filter(status=status)
    if kind:
        events = events.filter(kind=kind)
    return events.order_by("-starts_at", "-id")


def event_get(*, user: Any, pk: Any) -> Event:
    return get_or_404(Event.objects.all(), pk)


def event_public_get(*, pk: Any) -> Event:
    """An event as the public sees it: drafts do not exist for them."""
    return get_or_404(Event.objects.filter(status__in=PUBLIC_STATUSES), pk)


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


def events_by_time(*, user: Any, upcoming: bool) -> list[Event]:
    """Upcoming (not yet ended) or past events, with their seat counters (on the row)."""
    events = event_list(user=user)
    now = timezone.now()
    if upcoming:
        return list(events.filter(ends_at__gte=now).order_by("starts_at", "id"))
    return list(events.filter(ends_at__lt=now).order_by("-starts_at", "-id"))


@dataclass
class TimeSlot:
    starts_at: Any
    ends_at: Any
    sessions: list[Session] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"slot_{self.sessions[0].pk}"


def time_slots(items: Any) -> list[TimeSlot]:
    """Sessions grouped into time slots: sessions whose times overlap (directly or through a
    chain of overlaps) share a slot, and a participant picks at most one per slot."""
    slots: list[TimeSlot] = []
    for session in sorted(items, key=lambda s: (s.starts_at, s.ends_at, s.pk)):
        if slots and session.starts_at < slots[-1].ends_at:
            slot = slots[-1]
            slot.sessions.append(session)
            slot.ends_at = max(slot.ends_at, session.ends_at)
        else:
            slots.append(TimeSlot(session.starts_at, session.ends_at, [session]))
    return slots


def programme(event: Event) -> list[TimeSlot]:
    return time_slots(session_list(event=event))


# ---- Seats for the visitor of a public page -------------------------------------------------------


@dataclass(frozen=True)
class VisitorSeats:
    """What a visitor of an organisation's link (or the public event page) is told about seats.

    ``seats_left`` follows docs/rules.md#events-allocation: in the quota phase the seats of the
    visitor's allocation, bounded by the event's free seats (none when their organisation is in
    no allocation: seats outside the quotas stay closed until the release); in the open phase
    (and when closed, where the page shows no figure) the event's free seats, since the quotas
    no longer bind. ``allocation`` is the allocation the visitor counts against, in any phase."""

    phase: str
    reason: str | None
    allocation: Allocation | None
    seats_left: int
    # What the visitor can do now (docs/rules.md#events-visitor-options).
    options: decisions.VisitorOptions
    event: Event

    def as_context(self) -> dict[str, Any]:
        """The template variables of ``events/public/_availability.html``."""
        return {
            "phase": self.phase,
            "reason": self.reason,
            "allocation": self.allocation,
            "seats_left": self.seats_left,
            "options": self.options,
            "options_message": visitor_message(self.event, self.options),
        }


def options_for_visitor(
    event: Event, allocation: Allocation | None, *, via_link: bool, at: Any = None
) -> decisions.VisitorOptions:
    """``decisions.visitor_options`` from the event's and the allocation's counters (no
    query): the public page and the public API (``allocation`` None, ``via_link`` False),
    the link page, the editor's summary."""
    return decisions.visitor_options(
        event,
        at or clock.now(),
        via_link=via_link,
        event_room=decisions.room(event, "capacity"),
        allocation_room=None if allocation is None else decisions.room(allocation, "quota"),
        waitlist_enabled=event.waitlist_enabled,
        online_room=hybrid.online_room(event) if hybrid.is_hybrid(event) else None,
    )


def seats_for_visitor(event: Event, organisation: Any) -> VisitorSeats:
    """The phase, the closed reason and the seats left for a visitor of ``organisation`` (None:
    the public event page). The one answer of the link page and ``GET /public/links/{token}``."""
    from jamlik.events import services

    phase = services.event_phase(event)
    allocation_id = services.allocation_for(event.pk, organisation)
    allocation = (
        allocation_list(user=None, event=event)
        .prefetch_related(None)
        .filter(pk=allocation_id)
        .first()
        if allocation_id
        else None
    )
    if phase == services.QUOTA:
        seats_left = min(allocation.free, event.free) if allocation is not None else 0
    else:
        seats_left = event.free
    return VisitorSeats(
        phase=phase,
        reason=services.closed_reason(event, clock.now()),
        allocation=allocation,
        seats_left=seats_left,
        options=options_for_visitor(event, allocation, via_link=organisation is not None),
        event=event,
    )


def visitor_message(event: Event, options: decisions.VisitorOptions) -> str:
    """``options`` in one sentence for the visitor (the public API's ``registration.message``,
    the pages' refusal when the seats are gone)."""
    from jamlik.events.errors import EventFull, InvitationOnly, QuotaFull, local_datetime

    reason, outcome = options.reason, options.outcome
    if reason == decisions.ONLINE_ONLY:
        if outcome == decisions.OUTCOME_SEAT:
            return _("The seats on site are taken: you can register to take part online.")
        return _(
            "The seats on site are taken: you can register for the waiting list to take part "
            "online."
        )
    if outcome == decisions.OUTCOME_SEAT:
        return _("You can register now and get a seat.")
    if outcome == decisions.OUTCOME_WAITING_LIST:
        return _("You can register now and join the waiting list.")
    if reason == decisions.NOT_OPEN and event.opens_at is not None:
        return _("Registration opens on %(date)s.") % {"date": local_datetime(event.opens_at)}
    if reason == decisions.QUOTA_PHASE and event.quota_lock_until is not None:
        return _(
            "Until %(date)s seats are allocated per organisation: register through your "
            "organisation's link."
        ) % {"date": local_datetime(event.quota_lock_until)}
    if reason == decisions.QUOTA_FULL:
        return str(QuotaFull(event.quota_lock_until).message)
    if reason == decisions.EVENT_FULL:
        return str(EventFull().message)
    if reason == decisions.INVITATION_ONLY:
        return str(InvitationOnly().message)
    if reason == decisions.NOT_PUBLISHED or reason == decisions.NOT_OPEN:
        return _("Registration has not opened yet.")
    return _("Registration for this event is closed.")


# ---- Public pages ---------------------------------------------------------------------------------


def public_organisations() -> list[Organisation]:
    """The organisations a person can pick on the public event page: every organisation that
    is not a unit and is valid today."""
    today = timezone.localdate()
    return list(
        Organisation.objects.exclude(kind=Kind.UNIT)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .only("id", "name")
        .order_by("name")
    )
