"""Places in the waiting list (docs/rules.md#events-waiting-list): counted from the rows for
anyone, or read from the counters under the lock for one who has just joined."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from jamlik.events import clock, decisions
from jamlik.events.decisions import quota_binds
from jamlik.events.models import Registration, Status
from jamlik.events.services.seats import Seats


def newest_waiting_position(seats: Seats, registration: Registration) -> int | None:
    """The place of a registration that has just joined the waiting list in this decision,
    from the counters read under the lock: it joined last (``waiting_since`` is the lock's
    time), so its place is the number waiting that the rules in force count it among — the
    same figure as ``waiting_position`` without counting rows while the event is locked."""
    if registration.status != Status.WAITING:
        return None
    if registration.is_online:  # hybrid: the online queue, no quotas
        return seats.event.online_waiting_count
    allocation_waiting = None
    if seats.quota_binding and registration.allocation_id is not None:
        allocation = seats.allocation(registration.allocation_id)
        if allocation is None:
            return waiting_position(registration, seats.at)
        allocation_waiting = allocation.waiting_count
    return decisions.waiting_place(
        seats.event.waiting_count, allocation_waiting, quota_binding=seats.quota_binding
    )


def waiting_position(registration: Registration, at: datetime | None = None) -> int | None:
    """The 1-based place among the waiting registrations that would be served before this one
    under the rules in force (docs/rules.md#events-waiting-list): in the quota phase those of the same allocation, in the
    open phase everyone waiting."""
    if registration.status != Status.WAITING:
        return None
    at = at or clock.now()
    event = registration.event
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Status.WAITING,
        participation=registration.participation,  # hybrid: each queue on its own
    ).filter(
        Q(waiting_since__lt=registration.waiting_since)
        | Q(waiting_since=registration.waiting_since, id__lt=registration.pk)
    )
    if quota_binds(event, at) and registration.allocation_id is not None:
        ahead = ahead.filter(allocation_id=registration.allocation_id)
    return ahead.count() + 1
