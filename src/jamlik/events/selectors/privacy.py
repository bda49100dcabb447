"""Privacy reads: dietary and accessibility needs as counts per need (everyone on the
organiser's side, scoped) and, for the city's coordinators only, whose they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jamlik.events import policies
from jamlik.events.models import SEAT_STATUSES, Event, Registration, RegistrationNeeds
from jamlik.events.privacy import NeedCount, count_needs
from jamlik.events.selectors.registrations import registration_list


@dataclass(frozen=True)
class NeedsOverview:
    counts: list[NeedCount]
    # The registrations with needs, by name: for those ``may_see_needs_of_people`` allows
    # (else empty, and ``named`` is False).
    people: list[Registration]
    named: bool
    erase_after_days: int

    @property
    def dietary(self) -> list[NeedCount]:
        return [c for c in self.counts if c.kind == "dietary"]

    @property
    def accessibility(self) -> list[NeedCount]:
        return [c for c in self.counts if c.kind == "accessibility"]


def needs_counts(*, user: Any, event: Event) -> list[NeedCount]:
    """Counts per need among the registrations holding a seat that the user may see
    (scoped; protected identities counted too, since a count names no one). One query."""
    rows = RegistrationNeeds.objects.filter(
        registration__in=registration_list(user=user, event=event, counting=True)
        .filter(status__in=SEAT_STATUSES)
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .values("id")
    ).values_list("dietary", "accessibility")
    return count_needs(rows)


def needs_overview(*, user: Any, event: Event) -> NeedsOverview:
    named = policies.may_see_needs_of_people(user)
    people: list[Registration] = []
    if named:
        people = list(
            registration_list(user=user, event=event)
            .filter(status__in=SEAT_STATUSES, needs__isnull=False)
            .prefetch_related(None)
            .order_by("name", "id")
        )
    return NeedsOverview(
        counts=needs_counts(user=user, event=event),
        people=people,
        named=named,
        erase_after_days=event.needs_erase_after_days,
    )
