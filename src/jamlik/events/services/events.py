"""Events: create and update, with the validation of docs/api.md#status-codes (400 for what
is invalid in itself, 409 for what the rules refuse now).

Changes that can move seats (capacity, quotas, the release date, the status) run under the
event lock like every other seat decision, and hand freed or new seats to the people waiting;
so do those of ``allocations``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.events import clock, policies
from jamlik.events.errors import (
    CapacityBelowTaken,
)
from jamlik.events.models import (
    Category,
    Event,
)
from jamlik.events.services._rules import (
    _EVENT_RULES,
    _check_dates,
    _clean,
    _quota_sum,
    _quota_sum_error,
    _required,
)
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
    "kind",
    "status",
    "contact_email",
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


@transaction.atomic
def event_create(*, actor: Any, **data: Any) -> Event:
    """A new event; a draft unless ``status`` says otherwise."""
    if actor is not None:
        policies.require(policies.may_edit_event, actor)
    _required(data, ("title", "starts_at", "ends_at", "capacity"))
    cleaned = _clean(data, _EVENT_RULES)
    cleaned.setdefault("categories", list(Category.values))
    event = Event(**cleaned)
    if getattr(actor, "is_authenticated", False):
        event.created_by = actor
    _check_dates(event)
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
def event_update(*, actor: Any, event: Event, **data: Any) -> Event:
    """Change an event. Capacity below the seats taken is a 409; below the quotas a 400.
    Moving ``quota_lock_until`` into the past releases at once; into the future puts the
    quotas in force again."""
    if actor is not None:
        policies.require(policies.may_edit_event, actor)
    for name in ("title", "starts_at", "ends_at", "capacity", "categories", "kind", "status"):
        if name in data and data[name] is None:
            del data[name]
    cleaned = _clean(data, _EVENT_RULES)
    seats = open_seats(event.pk)
    event = seats.event
    before = _event_snapshot(event)
    for name, value in cleaned.items():
        setattr(event, name, value)
    _check_dates(event)
    if event.capacity < event.taken:
        raise CapacityBelowTaken(event.taken)
    total = _quota_sum(event)
    if total > event.capacity:
        raise _quota_sum_error(total, event.capacity, "capacity")
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
