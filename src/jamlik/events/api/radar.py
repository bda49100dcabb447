"""The radar of unused seats before the release: ``GET /events/{event_id}/radar``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from jamlik.core.api import errors
from jamlik.core.schemas import DateTimeOut
from jamlik.events import policies, selectors
from jamlik.events.api._common import _allowed, router
from jamlik.events.selectors.radar import Radar, radar


class RadarAllocationOut(Schema):
    id: int
    name: str
    organisations: list[int]
    quota: int
    confirmed: int
    held: int
    taken: int
    unused: int
    days_left: int
    last_registration_at: DateTimeOut | None


class RadarOut(Schema):
    event: int
    release_at: DateTimeOut | None
    before_release: bool
    days_left: int | None
    unused: int
    unused_seat_reminder_days: list[int]
    allocations: list[RadarAllocationOut]


def _answer(found: Radar) -> dict[str, Any]:
    return {
        "event": found.event.pk,
        "release_at": found.release_at,
        "before_release": found.before_release,
        "days_left": found.days_left,
        "unused": found.unused,
        "unused_seat_reminder_days": list(found.event.unused_seat_reminder_days or []),
        "allocations": [
            {
                "id": row.allocation.pk,
                "name": row.name,
                "organisations": [o.pk for o in row.organisations],
                "quota": row.quota,
                "confirmed": row.confirmed,
                "held": row.held,
                "taken": row.taken,
                "unused": row.unused,
                "days_left": found.days_left,
                "last_registration_at": row.last_registration_at,
            }
            for row in found.rows
        ],
    }


@router.get("/events/{event_id}/radar", response={200: RadarOut, **errors(403)})
def event_radar(request: HttpRequest, event_id: int) -> Any:
    """Per allocation before the release: quota, taken (confirmed + held), unused seats, days
    left and the last registration's time, most unused first; an org coordinator's are the
    allocations that hold an organisation of their subtree. Empty after the release."""
    user = _allowed(request, policies.may_see_radar)
    event = selectors.event_get(user=user, pk=event_id)
    return _answer(radar(user=user, event=event))
