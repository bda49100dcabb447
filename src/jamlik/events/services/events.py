"""Events: create and update, with the validation of docs/api.md#status-codes (400 for what
is invalid in itself, 409 for what the rules refuse now).

Changes that can move seats (capacity, quotas, the release date, the status) run under the
event lock like every other seat decision, and hand freed or new seats to the people waiting;
so do those of ``allocations``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid
from jamlik.events import clock, policies
from jamlik.events.errors import (
    CapacityBelowTaken,
    OnlineCapacityBelowTaken,
)
from jamlik.events.inputs import EventIn, EventPatch, event_time_errors
from jamlik.events.models import (
    Event,
)
from jamlik.events.services.allocations import quota_sum, quota_sum_error
from jamlik.events.services.seats import housekeep, open_seats, promote

EVENT_FIELDS = (
    "title",
    "description",
    "venue",
    "starts_at",
    "ends_at",
    "capacity",
    "opens_at",
    "quota_lock_until",
    "closes_at",
    "categories",
    "approval_required",
    "approval_hold_hours",
    "waitlist_enabled",
    "invitation_only",
    "waitlist_offer_hours",
    "kind",
    "status",
    "contact_email",
    "unused_seat_reminder_days",
    "needs_erase_after_days",
    "online_capacity",
    "meeting_url",
)


def _event_snapshot(event: Event) -> dict[str, Any]:
    return snapshot(event, EVENT_FIELDS)


def _schedule_release(event: Event) -> None:
    """Ask the worker to serve the release at ``quota_lock_until`` (when its backend can wait
    for a time; the tick command and every read catch it otherwise)."""
    if event.quota_lock_until is None or event.released_at is not None:
        return
    from jamlik.events import tasks

    when = event.quota_lock_until
    event_id = event.pk

    def enqueue() -> None:
        backend = tasks.release_event.get_backend()
        if backend.supports_defer and when > clock.now():
            tasks.release_event.using(run_after=when).enqueue(event_id)

    transaction.on_commit(enqueue)


# ---- Events ----------------------------------------------------------------------------------


def _check_times(event: Event) -> None:
    """The stored times with a change applied, in the order ``EventIn`` demands of new ones."""
    errors = event_time_errors(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        opens_at=event.opens_at,
        quota_lock_until=event.quota_lock_until,
        closes_at=event.closes_at,
    )
    if errors:
        raise Invalid(
            errors[0][1],
            code="dates_order",
            errors=[{"field": field, "message": message} for field, message in errors],
        )


@transaction.atomic
def event_create(
    *, actor: Any, data: EventIn | Mapping[str, Any] | None = None, **fields: Any
) -> Event:
    """A new event; a draft unless ``status`` says otherwise."""
    if actor is not None:
        policies.require(policies.may_edit_event, actor)
    payload = EventIn.take(data, **fields)
    event = Event(**payload.model_dump())
    if getattr(actor, "is_authenticated", False):
        event.created_by = actor
    event.save()
    audit_log(
        actor=actor,
        action="events.event.created",
        obj=event,
        new=changes({}, _event_snapshot(event))[1],
    )
    _schedule_release(event)
    return event


@transaction.atomic
def event_update(
    *,
    actor: Any,
    event: Event,
    data: EventPatch | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Event:
    """Change an event. Capacity below the seats taken is a 409; below the quotas a 400.
    Moving ``quota_lock_until`` into the past releases at once; into the future puts the
    quotas in force again."""
    if actor is not None:
        policies.require(policies.may_edit_event, actor)
    payload = EventPatch.take(data, **fields)
    seats = open_seats(event.pk)
    event = seats.event
    before = _event_snapshot(event)
    for name, value in payload.given().items():
        setattr(event, name, value)
    _check_times(event)
    if event.capacity < event.taken:
        raise CapacityBelowTaken(event.taken)
    # Hybrid: online seats never below the online registrations holding one, and not ended
    # while any online registration is active (docs/rules.md#events-hybrid).
    online_active = event.online_confirmed_count + event.online_held_count
    if event.online_capacity is None:
        online_active += event.online_waiting_count
    if online_active and (event.online_capacity or 0) < online_active:
        raise OnlineCapacityBelowTaken(online_active)
    total = quota_sum(event)
    if total > event.capacity:
        raise quota_sum_error(total, event.capacity, "capacity")
    if before["quota_lock_until"] != event.quota_lock_until:
        if event.quota_lock_until is None or event.quota_lock_until > seats.at:
            event.released_at = None
    old, new = changes(before, _event_snapshot(event))
    event.save()
    housekeep(seats)
    promote(seats)
    seats.flush()
    if new:
        audit_log(actor=actor, action="events.event.updated", obj=event, old=old, new=new)
    if "quota_lock_until" in new:
        _schedule_release(event)
    event.refresh_from_db()
    return event
