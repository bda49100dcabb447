"""Test data for reviews: workshops whose participants register through the events
services, a bulk helper for query-count tests, reviews, examples."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from jamlik.events import clock
from jamlik.events.models import Category, Event, Registration, Status
from jamlik.reviews import services
from jamlik.reviews.models import GoodExample, Review
from tests.factories.events import EventFactory, register

_serial = itertools.count(1)


def workshop(**fields: Any) -> Event:
    """A published workshop already past its release date, so every registration is
    confirmed while seats remain (capacity 60 unless given)."""
    now = clock.now()
    data = {
        "title": f"Workshop {next(_serial)}",
        "kind": "workshop",
        "capacity": 60,
        "opens_at": now - dt.timedelta(days=10),
        "quota_lock_until": now - dt.timedelta(days=1),
        "starts_at": now + dt.timedelta(days=14),
        "ends_at": now + dt.timedelta(days=14, hours=4),
        "closes_at": now + dt.timedelta(days=13),
    }
    data.update(fields)
    return EventFactory(**data)


def participants(event: Event, per_organisation: dict[Any, int]) -> list[Registration]:
    """Register ``n`` people of each organisation through the events service."""
    made = []
    for organisation, n in per_organisation.items():
        for _i in range(n):
            made.append(register(event, organisation).registration)
    return made


def bulk_participants(
    event: Event, organisations: list[Any], count: int, status: str = Status.CONFIRMED
) -> list[Registration]:
    """``count`` registration rows spread over ``organisations``, inserted directly (no seat
    counters): only for read-side tests that need hundreds of rows quickly."""
    start = next(_serial) * 100_000
    rows = [
        Registration(
            event=event,
            organisation=organisations[i % len(organisations)],
            name=f"Deltagare {start + i}",
            email=f"d{start + i}@bulk.example",
            category=Category.EMPLOYEE,
            status=status,
            waiting_since=clock.now() if status == Status.WAITING else None,
        )
        for i in range(count)
    ]
    Registration.objects.bulk_create(rows)
    return list(Registration.objects.filter(event=event, email__endswith="@bulk.example"))


def review(**fields: Any) -> Review:
    data: dict[str, Any] = {
        "actor": None,
        "title": f"Fördjupning {next(_serial)}",
        "purpose": "Att fördjupa bilden.",
        "milestones": [
            {"title": "Workshop", "due": dt.date(2021, 3, 26), "done": True},
            {"title": "Rapportutkast", "due": dt.date(2021, 6, 15)},
        ],
    }
    data.update(fields)
    return services.review_create(**data)


def example(organisation: Any, **fields: Any) -> GoodExample:
    data: dict[str, Any] = {
        "actor": None,
        "title": f"Gott exempel {next(_serial)}",
        "text": "Vi har gjort så här.",
        "organisation": organisation,
        "requirement_keys": [],
    }
    data.update(fields)
    return services.example_create(**data)
