"""The radar of unused seats before the release (docs/rules.md#events-release): per
allocation its quota, the seats taken (confirmed + held), the seats left unused, the days
left until ``quota_lock_until`` and when its last registration came; and, for the links
page, when mail to an organisation's functional mailbox failed.

An org coordinator sees only the allocations that hold an organisation of their subtree
(``Scope.filter`` on the members, as the start page's panel does). Constant queries: the
radar is two (allocations with their last registration; their organisations), whatever the
number of allocations and registrations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    BigIntegerField,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Subquery,
)
from django.db.models.functions import Cast, Substr

from jamlik.core.scoping import scope_for
from jamlik.events import clock
from jamlik.events.models import Allocation, AllocationMember, Event, OrganisationLink
from jamlik.orgs.models import Organisation

DAY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class RadarRow:
    allocation: Allocation
    organisations: list[Organisation]
    last_registration_at: datetime | None

    @property
    def name(self) -> str:
        return self.allocation.name

    @property
    def quota(self) -> int:
        return self.allocation.quota

    @property
    def confirmed(self) -> int:
        return self.allocation.confirmed_count

    @property
    def held(self) -> int:
        return self.allocation.held_count

    @property
    def taken(self) -> int:
        return self.allocation.taken

    @property
    def unused(self) -> int:
        return max(0, self.quota - self.taken)


@dataclass(frozen=True)
class Radar:
    event: Event
    release_at: datetime | None
    # Whole days until the release (0 on its last day); None without a release to come.
    days_left: int | None
    rows: list[RadarRow] = field(default_factory=list)

    @property
    def before_release(self) -> bool:
        return self.days_left is not None

    @property
    def unused(self) -> int:
        return sum(row.unused for row in self.rows)


def days_until(release_at: datetime | None, now: datetime) -> int | None:
    """Whole days from ``now`` until the release (rounded down), None when it is not to come."""
    if release_at is None or release_at <= now:
        return None
    return math.floor((release_at - now).total_seconds() / DAY_SECONDS)


def radar_allocations(*, user: Any, event: Event) -> list[RadarRow]:
    """The event's allocations the user reaches, with their last registration's time and
    organisations, most unused seats first (then by name). Two queries."""
    members_in_scope = scope_for(user).filter(
        AllocationMember.objects.filter(allocation=OuterRef("pk")), via="organisation"
    )
    allocations = (
        Allocation.objects.filter(event=event)
        .filter(Exists(members_in_scope))
        .annotate(last_registration_at=Max("registrations__created_at"))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=AllocationMember.objects.select_related("organisation").order_by(
                    "organisation__name", "organisation_id"
                ),
            )
        )
    )
    rows = [
        RadarRow(
            allocation=allocation,
            organisations=[member.organisation for member in allocation.members.all()],
            last_registration_at=allocation.last_registration_at,
        )
        for allocation in allocations
    ]
    rows.sort(key=lambda row: (-row.unused, row.name, row.allocation.pk))
    return rows


def radar(*, user: Any, event: Event, now: datetime | None = None) -> Radar:
    """The radar of ``event``: its rows only while the quotas bind (a release to come that has
    not been served); after the release nothing is left to chase."""
    now = now or clock.now()
    days_left = days_until(event.quota_lock_until, now)
    if days_left is None or event.released_at is not None:
        return Radar(event=event, release_at=event.quota_lock_until, days_left=None)
    return Radar(
        event=event,
        release_at=event.quota_lock_until,
        days_left=days_left,
        rows=radar_allocations(user=user, event=event),
    )


# ---- Failed mail to the organisations' mailboxes (the links page) ------------------------------

LINK_ABOUT = "events.link"


def failed_mailbox_mail(*, user: Any, event: Event) -> dict[int, datetime]:
    """When the latest mail to each organisation's mailbox that the outbox gave up on was
    queued, by organisation id: the links (``events.link:<id>``) and the reminders of unused
    seats (sent about the organisation's link too) of the event, within scope. One query."""
    from jamlik.notifications.models import OutboxMessage, OutboxStatus

    links = scope_for(user).filter(
        OrganisationLink.objects.filter(event=event, pk=OuterRef("about_id")).order_by(),
        via="organisation",
    )
    rows = (
        OutboxMessage.objects.filter(
            status=OutboxStatus.FAILED, about__regex=rf"^{LINK_ABOUT}:[0-9]{{1,18}}$"
        )
        .annotate(
            about_id=Cast(Substr("about", len(LINK_ABOUT) + 2), output_field=BigIntegerField())
        )
        .annotate(organisation_id=Subquery(links.values("organisation_id")[:1]))
        .filter(organisation_id__isnull=False)
        .order_by()
        .values("organisation_id")
        .annotate(last=Max("created_at"))
    )
    return {row["organisation_id"]: row["last"] for row in rows}
