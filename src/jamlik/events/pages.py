"""Reads that only the events pages need, built on ``events.selectors``: upcoming and past
events, time slots of the programme, the paginated registrations list and its filter choices,
dashboard totals, one registration's page (facts, timeline, history in words), the check-in
look-up (QR payload or name), badges and the attendance chart.

People (registrations) always come through ``selectors.registration_list``, which is scoped
by ``core.scoping``: an org coordinator sees their organisation's subtree only, and a
registration outside it answers 404. Every function runs a fixed number of queries, whatever
the number of registrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jamlik.core.errors import NotFound
from jamlik.core.lookups import valid_id
from jamlik.events import selectors
from jamlik.events.models import ACTIVE_STATUSES, Event, Registration, Session, Status
from jamlik.orgs.models import Kind, Organisation

PAGE_SIZE = 50


# ---- Events ------------------------------------------------------------------------------------------


def event_list(*, user: Any, upcoming: bool) -> list[Event]:
    """Upcoming (not yet ended) or past events, with their seat counters (on the row)."""
    events = selectors.event_list(user=user)
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
    return time_slots(selectors.session_list(event=event))


# ---- Registrations on the organiser's pages ------------------------------------------------


@dataclass
class RegistrationFilter:
    status: str = ""
    organisation: Organisation | None = None
    q: str = ""


def registrations_page(
    *, user: Any, event: Event, filters: RegistrationFilter, page: Any = 1
) -> Page:
    """One page of the registrations list (count + rows + their sessions)."""
    queryset = selectors.registration_list(
        user=user,
        event=event,
        status=filters.status or None,
        organisation=filters.organisation,
        q=filters.q or None,
    )
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def registration_organisations(*, user: Any, event: Event) -> list[Organisation]:
    """The organisations in scope that have registrations for the event (filter choices)."""
    ids = (
        selectors.registration_list(user=user, event=event)
        .exclude(organisation=None)
        .order_by()
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@dataclass
class Totals:
    confirmed: int
    held: int
    waiting: int
    free: int
    capacity: int
    checked_in: int
    confirmed_in_scope: int

    @property
    def taken(self) -> int:
        return self.confirmed + self.held


def totals(*, user: Any, event: Event) -> Totals:
    """Seat totals of the whole event (from its counters, visible to all staff), and the
    confirmed and checked-in registrations among those the user may see."""
    counts = (
        selectors.registration_list(user=user, event=event, status=Status.CONFIRMED)
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
    )


def badge_registrations(*, user: Any, event: Event) -> list[Registration]:
    """Confirmed participants the user may see, by organisation and name."""
    return list(
        selectors.registration_list(user=user, event=event, status=Status.CONFIRMED)
        .prefetch_related(None)
        .order_by("organisation__name", "name", "id")
    )


# ---- One registration ---------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: Any
    text: str
    # The other registration of a hand-over, when the user may see it.
    link: Registration | None = None


@dataclass
class HistoryRow:
    at: Any
    who: str
    what: str
    link: Registration | None = None


@dataclass
class RegistrationPage:
    """Everything the organiser's page of one registration shows; a fixed number of queries
    however many registrations the organisation has and however long the history is."""

    registration: Registration
    sessions: list[Session]
    slots: list[TimeSlot]
    position: int | None
    transferred_to: Registration | None
    transferred_from: Registration | None
    timeline: list[TimelineItem]
    history: list[HistoryRow]
    history_truncated: bool
    can_change: bool
    can_cancel: bool
    can_check_in: bool
    can_undo_check_in: bool
    can_resend: bool
    can_erase: bool


def registration_page(*, user: Any, event: Event, registration: Registration) -> RegistrationPage:
    """The page of a registration already read through ``selectors.registration_get`` (so in
    the user's scope, of this event)."""
    from jamlik.events import clock, services

    registration.event = event
    now = clock.now()
    slots = programme(event)
    titles = {s.pk: s.title for slot in slots for s in slot.sessions}
    transfers = selectors.registration_transfers(user=user, registration=registration)
    entries = selectors.registration_history(registration=registration)
    limit = selectors.HISTORY_LIMIT
    return RegistrationPage(
        registration=registration,
        sessions=list(registration.sessions.all()),
        slots=slots,
        position=services.waiting_position(registration),
        transferred_to=transfers["to"],
        transferred_from=transfers["from"],
        timeline=_timeline(registration, transfers),
        history=[_history_row(e, titles, transfers) for e in entries[:limit]],
        history_truncated=len(entries) > limit,
        can_change=bool(slots)
        and services.registration_may_change_sessions(registration, event, now),
        can_cancel=services.registration_may_cancel(registration, event, now),
        can_check_in=registration.status == Status.CONFIRMED and not registration.checked_in_at,
        can_undo_check_in=registration.checked_in_at is not None,
        can_resend=registration.anonymised_at is None,
        can_erase=services.registration_may_erase(actor=user, registration=registration),
    )


def _timeline(registration: Registration, transfers: dict[str, Any]) -> list[TimelineItem]:
    r = registration
    came_from = transfers["from"]
    items = [
        TimelineItem(r.created_at, _("Registration made"))
        if came_from is None
        else TimelineItem(r.created_at, _("Took over the seat of"), came_from)
    ]
    if r.consent_at:
        items.append(TimelineItem(r.consent_at, _("Consented to the privacy notice")))
    if r.waiting_since:
        items.append(TimelineItem(r.waiting_since, _("Joined the waiting list")))
    if r.decided_at:
        decisions: dict[str, str] = {
            Status.DECLINED: _("The manager declined the registration"),
            Status.EXPIRED: _("The approval was not given in time; the seat was released"),
        }
        decided = decisions.get(r.status, _("The manager approved the registration"))
        items.append(TimelineItem(r.decided_at, decided))
    if r.reminded_at:
        items.append(TimelineItem(r.reminded_at, _("Reminder sent")))
    if r.checked_in_at:
        items.append(TimelineItem(r.checked_in_at, _("Checked in")))
    if r.cancelled_at:
        items.append(TimelineItem(r.cancelled_at, _("Registration cancelled")))
    gone_to = transfers["to"]
    if gone_to is not None:
        items.append(TimelineItem(gone_to.created_at, _("Handed the seat to"), gone_to))
    elif r.status == Status.TRANSFERRED:
        # The colleague's registration is out of the user's sight: the fact without the link.
        items.append(TimelineItem(None, _("Handed the seat to a colleague")))
    if r.anonymised_at:
        items.append(TimelineItem(r.anonymised_at, _("Personal data erased")))
    # The registration comes first (its consent and place in the queue are written in the
    # same moment); then the rest by time, and what has no time of its own last.
    later = sorted((i for i in items[1:] if i.at), key=lambda i: i.at)
    return items[:1] + later + [i for i in items[1:] if not i.at]


def _status_word(value: Any) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value or "–")


def _session_words(ids: Any, titles: dict[int, str]) -> str:
    names = [titles.get(i, _("session #%(id)s (removed)") % {"id": i}) for i in ids or []]
    return "; ".join(names) if names else _("none")


def _who(entry: Any) -> str:
    if entry.actor is not None:
        return entry.actor.display_name
    if entry.actor_label:
        return entry.actor_label
    action = entry.action.rsplit(".", 1)[-1]
    if action in ("approved", "declined"):
        return _("The manager (approval link)")
    if action in ("expired", "anonymised", "promoted"):
        return _("Automatically")
    return _("The participant (own link)")


# What the history says of an action that needs no figures of its own.
HISTORY_WORDS = {
    "approved": gettext_lazy("Approved by the manager"),
    "declined": gettext_lazy("Declined by the manager"),
    "expired": gettext_lazy("The approval expired and the seat was released"),
    "checked_in": gettext_lazy("Checked in"),
    "check_in_undone": gettext_lazy("Check-in undone"),
    "manage_link_sent": gettext_lazy("The manage link was sent again by e-mail"),
    "anonymised": gettext_lazy("Personal data erased"),
}


def _history_row(entry: Any, titles: dict[int, str], transfers: dict[str, Any]) -> HistoryRow:
    old, new = entry.old or {}, entry.new or {}
    action = entry.action.rsplit(".", 1)[-1] if entry.action.startswith("events.") else ""
    link = None
    if action == "created":
        if new.get("transferred_from"):
            what = _("Took over a colleague's seat (status: %(status)s)")
            link = transfers["from"]
        else:
            what = _("Registered (status: %(status)s)")
        what = what % {"status": _status_word(new.get("status"))}
    elif action == "sessions_changed":
        what = _("Sessions changed from %(old)s to %(new)s") % {
            "old": _session_words(old.get("sessions"), titles),
            "new": _session_words(new.get("sessions"), titles),
        }
    elif action == "cancelled":
        what = _("Cancelled (was: %(status)s)") % {"status": _status_word(old.get("status"))}
    elif action == "transferred":
        what = _("Handed the seat to a colleague")
        link = transfers["to"]
    elif action == "promoted":
        what = _("Got a seat from the waiting list (status: %(status)s)") % {
            "status": _status_word(new.get("status"))
        }
    elif action in HISTORY_WORDS:
        what = str(HISTORY_WORDS[action])
    else:
        what = _("Changed (%(action)s)") % {"action": entry.action}
    return HistoryRow(entry.at, _who(entry), what, link)


# ---- Check-in ----------------------------------------------------------------------------------

_PAYLOAD = re.compile(r"JAMLIK:(?P<event>\d{1,18}):(?P<code>[A-Za-z0-9_-]{4,32})")
_CODE = re.compile(r"[A-Za-z0-9_-]{8,32}")
CHECKIN_RESULTS = 25


def checkin_code_from_payload(payload: str, event: Event) -> str | None:
    """The check-in code in what a scanner typed: the QR payload ``JAMLIK:<event>:<code>``
    (also inside a longer text, such as a URL) or the bare code. None when it names another
    event or holds no code at all."""
    text = (payload or "").strip()
    match = _PAYLOAD.search(text)
    if match:
        event_id = int(match.group("event"))
        return match.group("code") if valid_id(event_id) and event_id == event.pk else None
    if _CODE.fullmatch(text):
        return text
    return None


def checkin_find_by_code(*, user: Any, event: Event, payload: str) -> Registration:
    code = checkin_code_from_payload(payload, event)
    found = selectors.registration_list(user=user, event=event, code=code).first() if code else None
    if found is None:
        raise NotFound()
    return found


def checkin_search(*, user: Any, event: Event, q: str) -> list[Registration]:
    """Active registrations whose name or e-mail contains ``q`` (at least two characters)."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    return list(
        selectors.registration_list(user=user, event=event, q=q[:200])
        .filter(status__in=ACTIVE_STATUSES)
        .prefetch_related(None)
        .order_by("name", "id")[:CHECKIN_RESULTS]
    )


def checkin_recent(*, user: Any, event: Event, limit: int = 10) -> list[Registration]:
    return list(
        selectors.registration_list(user=user, event=event)
        .filter(checked_in_at__isnull=False)
        .prefetch_related(None)
        .order_by("-checked_in_at", "-id")[:limit]
    )


# ---- Links ------------------------------------------------------------------------------------------


def organisations_without_link(*, user: Any, event: Event) -> list[Organisation]:
    """Organisations in an allocation of the event (within scope) whose link was revoked and
    not replaced: the organiser can make them a new one."""
    from jamlik.core.scoping import scope_for
    from jamlik.events.models import AllocationMember, OrganisationLink

    members = AllocationMember.objects.filter(event=event).values("organisation_id")
    with_link = OrganisationLink.objects.filter(event=event, revoked_at__isnull=True).values(
        "organisation_id"
    )
    return list(
        scope_for(user)
        .filter(Organisation.objects.filter(pk__in=members), via="")
        .exclude(pk__in=with_link)
        .order_by("name")
    )


def organisation_in_allocation(*, user: Any, event: Event, pk: Any) -> Organisation:
    """An organisation of one of the event's allocations, within scope, or 404."""
    found = next(
        (o for o in organisations_without_link(user=user, event=event) if o.pk == pk), None
    )
    if found is None:
        raise NotFound()
    return found


# ---- Seats for the visitor of a public page -------------------------------------------------------


def seats_for_visitor(event: Event, organisation: Any) -> dict[str, Any]:
    """The phase and the seats left for the visitor: their allocation's in the quota phase
    (none when their organisation is in no allocation), else the event's free seats."""
    from jamlik.events import clock, services

    phase = services.event_phase(event)
    context: dict[str, Any] = {
        "phase": phase,
        "reason": services.closed_reason(event, clock.now()),
    }
    if phase == services.QUOTA:
        allocation_id = services.allocation_for(event.pk, organisation)
        allocation = (
            selectors.allocation_list(user=None, event=event)
            .prefetch_related(None)
            .filter(pk=allocation_id)
            .first()
            if allocation_id
            else None
        )
        context["allocation"] = allocation
        context["seats_left"] = min(allocation.free, event.free) if allocation else 0
    else:
        context["seats_left"] = event.free
    return context


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
