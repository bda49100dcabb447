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
from datetime import datetime
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
CONFIRMED = "confirmed"
PENDING_APPROVAL = "pending_approval"


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
    """Why the event takes no registrations now: ``not_published``, ``not_open`` or
    ``closed``; None while it takes them."""
    if event.status != PUBLISHED:
        return "not_published"
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
