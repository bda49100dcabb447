"""The seat rules as pure functions (docs/rules.md#events-allocation).

Nothing here reads or writes the database: the seat services (``services/seats.py``) lock the
event, read one snapshot of its counters under the lock, ask these functions what the rules
say, and write the answer. Tested without a database in ``tests/events/test_decisions.py``.

A *room* is anything that holds seats: the event (its ``capacity``) or an allocation (its
``quota``). Seats are taken by confirmed registrations and by those held for a manager's
approval.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

QUOTA = "quota"
OPEN = "open"
CLOSED = "closed"

# Where a new registration goes.
SEAT = "seat"
WAIT = "wait"
QUOTA_FULL = "quota_full"
EVENT_FULL = "event_full"

PUBLISHED = "published"
DRAFT = "draft"
CONFIRMED = "confirmed"
PENDING_APPROVAL = "pending_approval"
OFFERED = "offered"


class Schedule(Protocol):
    """The event's fields the phase rules read (an ``Event`` is one)."""

    status: str
    starts_at: datetime
    opens_at: datetime | None
    closes_at: datetime | None
    quota_lock_until: datetime | None
    released_at: datetime | None


# ---- Phases ---------------------------------------------------------------------------------


def quota_binds(event: Schedule, at: datetime) -> bool:
    """Whether the quotas are in force: before ``quota_lock_until``."""
    return event.quota_lock_until is not None and at < event.quota_lock_until


def closes_at(event: Schedule) -> datetime:
    """When registration closes: ``closes_at``, else when the event starts."""
    return event.closes_at or event.starts_at


def closed_reason(event: Schedule, at: datetime) -> str | None:
    """Why the event takes no registrations now: ``not_published`` (a draft), ``not_open``
    or ``closed`` (its closing time has passed, or the organiser closed or archived it);
    None while it takes them."""
    if event.status == DRAFT:
        return "not_published"
    if event.status != PUBLISHED:
        return "closed"
    if at >= closes_at(event):
        return "closed"
    if event.opens_at is not None and at < event.opens_at:
        return "not_open"
    return None


def phase(event: Schedule, at: datetime) -> str:
    """``quota``, ``open`` or ``closed`` (docs/rules.md#events-phases)."""
    if closed_reason(event, at) is not None:
        return CLOSED
    return QUOTA if quota_binds(event, at) else OPEN


def promotes(event: Schedule, at: datetime) -> bool:
    """Whether a freed seat is handed on now: while the event is published and has not begun
    (also after registration closed: the people waiting still want the seat)."""
    return event.status == PUBLISHED and at < event.starts_at


def release_due(event: Schedule, at: datetime) -> bool:
    """Whether the release at ``quota_lock_until`` has come and not been served yet."""
    return (
        event.quota_lock_until is not None
        and event.released_at is None
        and at >= event.quota_lock_until
    )


# ---- Rooms and seats ------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    """The seats of the event or of one allocation as read under the lock."""

    limit: int
    taken: int

    @property
    def free(self) -> int:
        return max(0, self.limit - self.taken)

    def plus_one(self) -> Room:
        return replace(self, taken=self.taken + 1)


def may_take_seat(event: Room, allocation: Room | None, *, quota_binding: bool) -> bool:
    """Whether a registration may take a seat: the event has one free, and while the quotas
    bind, so has the allocation it counts against (none: no seat in the quota phase)."""
    if event.free <= 0:
        return False
    if quota_binding:
        return allocation is not None and allocation.free > 0
    return True


def placement(
    event: Room, allocation: Room | None, *, quota_binding: bool, waitlist_enabled: bool
) -> str:
    """Where a new registration goes: a seat, the waiting list, or a refusal that says why
    (the quota of its organisation is full, or the event is)."""
    if may_take_seat(event, allocation, quota_binding=quota_binding):
        return SEAT
    if waitlist_enabled:
        return WAIT
    return QUOTA_FULL if quota_binding else EVENT_FULL


def seat_status(*, approval_required: bool, manager_email: str) -> str:
    """Confirmed, or held for the manager's approval when the event asks for it (a
    registration made before approval was switched on has no manager to ask)."""
    if approval_required and manager_email:
        return PENDING_APPROVAL
    return CONFIRMED


def offers_freed_seat(*, offer_hours: int | None, quota_binding: bool) -> bool:
    """Whether a seat handed to someone waiting is offered (held until they claim it or the
    claim window ends) instead of given at once: only when the event has a claim window
    and the quotas no longer bind, i.e. after the release (docs/rules.md#waiting-list-offers).
    Before the release a freed seat of an allocation is given at once, as always."""
    return bool(offer_hours) and not quota_binding


def offer_expires_at(at: datetime, offer_hours: int) -> datetime:
    """The end of the claim window of a seat offered at ``at``."""
    return at + timedelta(hours=offer_hours)


def nearest_allocation(chain: Sequence[int], members: Mapping[int, int]) -> int | None:
    """The allocation an organisation counts against: its own, else its nearest ancestor's.
    ``chain``: the organisation's ancestor ids, root first, itself last; ``members``:
    allocation id by member organisation id (of one event)."""
    for organisation_id in reversed(chain):
        if organisation_id in members:
            return members[organisation_id]
    return None


def eligible_allocations(
    allocations: Mapping[int, Room], *, quota_binding: bool
) -> list[int] | None:
    """While the quotas bind, the allocations with a seat left; None in the open phase, when
    anyone waiting may take a seat."""
    if not quota_binding:
        return None
    return [pk for pk, room in allocations.items() if room.free > 0]


@dataclass(frozen=True)
class Waiting:
    """One registration on the waiting list, in the list's order (oldest first)."""

    registration_id: int
    allocation_id: int | None


def promotion(
    event: Room,
    allocations: Mapping[int, Room],
    waiting: Iterable[Waiting],
    *,
    quota_binding: bool,
) -> list[int]:
    """Which of the people waiting take the free seats, in order: oldest first, each only if
    the rules in force let them take a seat when their turn comes (docs/rules.md#events-waiting-list).

    ``waiting`` is the list (or a first part of it) in order; the rooms are those read under
    the lock and are not changed."""
    rooms = dict(allocations)
    promoted: list[int] = []
    for entry in waiting:
        if event.free <= 0:
            break
        allocation = rooms.get(entry.allocation_id) if entry.allocation_id is not None else None
        if not may_take_seat(event, allocation, quota_binding=quota_binding):
            continue
        promoted.append(entry.registration_id)
        event = event.plus_one()
        if allocation is not None and entry.allocation_id is not None:
            rooms[entry.allocation_id] = allocation.plus_one()
    return promoted


def waiting_place(
    event_waiting: int, allocation_waiting: int | None, *, quota_binding: bool
) -> int:
    """The place of a registration that has just joined the waiting list (it joined last):
    the number waiting that the rules in force count it among — its allocation's while the
    quotas bind, everyone's in the open phase."""
    if quota_binding and allocation_waiting is not None:
        return allocation_waiting
    return event_waiting


def room(row: Any, limit_field: str) -> Room:
    """The room of an ``Event`` (``capacity``) or ``Allocation`` (``quota``) row."""
    return Room(limit=getattr(row, limit_field), taken=row.confirmed_count + row.held_count)


# ---- What a visitor can do now (docs/rules.md#events-visitor-options) -------------------------

# Why a visitor may not register (the codes of the refusals the registration service raises).
NOT_PUBLISHED = "not_published"
NOT_OPEN = "not_open"
QUOTA_PHASE = "quota_phase"
NO_ALLOCATION = "no_allocation"
# Where a visitor's registration goes.
OUTCOME_SEAT = "seat"
OUTCOME_WAITING_LIST = "waiting_list"
OUTCOME_NONE = "none"


def phase_refusal(event: Schedule, at: datetime, *, via_link: bool) -> str | None:
    """Why nobody may register here now, before any seat is counted: ``not_published``,
    ``not_open``, ``closed``, or ``quota_phase`` (on the public page while the quotas bind:
    only an organisation's link registers then); None when the seats decide. The check the
    registration service makes under the lock (``services/_checks.py``)."""
    reason = closed_reason(event, at)
    if reason is not None:
        return reason
    if not via_link and quota_binds(event, at):
        return QUOTA_PHASE
    return None


@dataclass(frozen=True)
class VisitorOptions:
    """What a visitor of the public page or of an organisation's link can do now.

    ``outcome``: where a registration made now goes (``seat``, ``waiting_list``, or ``none``
    when none can be made); ``reason``: why, as a code — a refusal's code (``not_published``,
    ``not_open``, ``closed``, ``quota_phase``, ``quota_full``, ``event_full``) when none can
    be made, why the seat is not there (``quota_full``, ``no_allocation``: the visitor's
    organisation is in no allocation, ``event_full``) for the waiting list, and None for a
    seat. ``online_only`` (hybrid): no registration on site can be made, and ``outcome`` is
    where an online one goes."""

    can_register: bool
    outcome: str
    reason: str | None


def visitor_options(
    event: Schedule,
    at: datetime,
    *,
    via_link: bool,
    event_room: Room,
    allocation_room: Room | None,
    waitlist_enabled: bool,
    online_room: Room | None = None,
) -> VisitorOptions:
    """The one answer to "what can this visitor do now" of the public page, the link page,
    the public API and the editor; built on the same two rules the registration service
    applies (``phase_refusal``, then ``placement``), so a registration made now succeeds
    exactly when ``can_register`` is true. ``allocation_room``: the room of the allocation
    the visitor counts against (None: none, or the public page). ``online_room``: a hybrid
    event's online seats, which no quota binds (``hybrid.online_placement``): when no
    registration on site can be made, an online one still can (``online_only``)."""
    refusal = phase_refusal(event, at, via_link=via_link)
    if refusal is not None:
        return VisitorOptions(False, OUTCOME_NONE, refusal)
    if getattr(event, "invitation_only", False):
        # Only named invitations register (services.invitations); the service refuses the
        # rest with the same code, after the same phase check.
        return VisitorOptions(False, OUTCOME_NONE, INVITATION_ONLY)
    binding = quota_binds(event, at)
    place = placement(
        event_room,
        allocation_room if binding else None,
        quota_binding=binding,
        waitlist_enabled=waitlist_enabled,
    )
    if place == SEAT:
        return VisitorOptions(True, OUTCOME_SEAT, None)
    if place == WAIT:
        if event_room.free <= 0 or not binding:
            why = EVENT_FULL
        else:
            why = NO_ALLOCATION if allocation_room is None else QUOTA_FULL
        return VisitorOptions(True, OUTCOME_WAITING_LIST, why)
    if online_room is not None:
        from jamlik.events import hybrid  # hybrid builds on this module

        online = hybrid.online_placement(online_room, waitlist_enabled=waitlist_enabled)
        if online == SEAT:
            return VisitorOptions(True, OUTCOME_SEAT, ONLINE_ONLY)
        if online == WAIT:
            return VisitorOptions(True, OUTCOME_WAITING_LIST, ONLINE_ONLY)
    return VisitorOptions(False, OUTCOME_NONE, place)


# Hybrid: the seats on site are gone (and there is no waiting list for them), online ones
# are not: a registration can be made, online.
ONLINE_ONLY = "online_only"


# Why a visitor cannot register although the event takes registrations: by invitation only.
INVITATION_ONLY = "invitation_only"

# Why nobody can take a seat in an event (the editor's warnings before publishing).
NO_CAPACITY = "no_capacity"
NO_ALLOCATED_SEATS = "no_allocated_seats"


def nobody_can_join(
    event: Schedule, at: datetime, *, capacity: int, quotas: Iterable[int]
) -> list[str]:
    """Why nobody can get a seat when the event is published now (empty: somebody can):
    ``no_capacity`` (capacity 0), ``no_allocated_seats`` (the quotas bind until a release
    date still to come, and no allocation holds a seat: until then nobody gets a seat, on
    the public page or through a link)."""
    warnings = []
    if capacity <= 0:
        warnings.append(NO_CAPACITY)
    elif quota_binds(event, at) and not any(q > 0 for q in quotas):
        warnings.append(NO_ALLOCATED_SEATS)
    return warnings


# ---- Check-in (docs/rules.md#events-check-in) ---------------------------------------------------

EARLY = "early"
LATE = "late"


def checkin_timing(
    starts_at: datetime, ends_at: datetime, at: datetime, *, margin: timedelta = timedelta(days=1)
) -> str | None:
    """Whether a check-in now is outside the event's day: ``early`` (more than ``margin``
    before it starts), ``late`` (more than ``margin`` after it ends), else None. A check-in
    outside is still made (organisers test the scanner) but the door is told."""
    if at < starts_at - margin:
        return EARLY
    if at > ends_at + margin:
        return LATE
    return None
