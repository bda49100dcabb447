"""Fixtures of the events tests: a clock that tests move, and a small event shaped like the
seed's conference (two allocations with quotas, a waiting list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from jamlik.events.models import Event
from jamlik.events.selectors import seat_counts_from_counters, seat_counts_from_rows
from tests.factories.events import AllocationFactory, EventFactory


class Clock:
    def __init__(self) -> None:
        self.value = timezone.now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.value

    def advance(self, **delta: Any) -> datetime:
        self.value += timedelta(**delta)
        return self.value

    def set(self, value: datetime) -> None:
        self.value = value


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moving = Clock()
    monkeypatch.setattr("jamlik.events.clock.now", moving)
    return moving


@dataclass
class Conference:
    event: Event
    a: Any  # allocation of org_a (quota 2)
    b: Any  # allocation of org_b (quota 3)


@pytest.fixture
def conference(personas, clock) -> Conference:
    """Capacity 10; allocation A (org_a, quota 2), allocation B (org_b, quota 3); 5 seats
    outside the quotas stay closed until the release in 7 days."""
    event = EventFactory(capacity=10)
    a = AllocationFactory(event=event, name="A", quota=2, organisations=[personas.org_a])
    b = AllocationFactory(event=event, name="B", quota=3, organisations=[personas.org_b])
    return Conference(event, a, b)


def assert_counters_match_rows(event: Event) -> None:
    assert seat_counts_from_counters(event) == seat_counts_from_rows(event)
