"""Organisation links: scoped lists, the public look-up by token, organisations left without a link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jamlik.core.errors import NotFound
from jamlik.core.scoping import scope_for
from jamlik.core.sql import columns, fetch_rows, parameter_marks, row_to_model
from jamlik.events.models import (
    AllocationMember,
    Event,
    OrganisationLink,
)
from jamlik.events.selectors._common import PUBLIC_STATUSES, _is_id, _is_token
from jamlik.orgs.models import Organisation

# ---- Links (scoped) ----------------------------------------------------------------------------


def link_list(*, user: Any, event: Event) -> list[OrganisationLink]:
    """The active link of every organisation in an allocation of the event, within scope."""
    member_ids = AllocationMember.objects.filter(event=event).values("organisation_id")
    links = OrganisationLink.objects.filter(
        event=event, revoked_at__isnull=True, organisation_id__in=member_ids
    ).select_related("organisation")
    links = scope_for(user).filter(links, via="organisation")
    return list(links.order_by("organisation__name", "organisation_id"))


def link_get(*, user: Any, event: Event, organisation_id: Any) -> OrganisationLink:
    links = scope_for(user).filter(
        OrganisationLink.objects.filter(event=event, revoked_at__isnull=True).select_related(
            "organisation", "event"
        ),
        via="organisation",
    )
    found = (
        links.filter(organisation_id=organisation_id).first() if _is_id(organisation_id) else None
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class PublicLink:
    """What an organisation's link leads to: the event and the organisation registering."""

    event: Event
    organisation: Organisation


def link_by_token(token: str) -> PublicLink:
    """The event and organisation of an active link of a public event; 404 for anything else.

    Written in SQL: every registration through a link starts here, and the ORM's joined query
    cost twice this one (benchmarks/storm.py)."""
    if not _is_token(token):
        raise NotFound()
    rows = fetch_rows(
        f"SELECT {columns(Event, 'e')}, {columns(Organisation, 'o')}"  # noqa: S608 (columns and marks only)
        " FROM events_organisationlink l JOIN events_event e ON e.id = l.event_id"
        " JOIN orgs_organisation o ON o.id = l.organisation_id"
        " WHERE l.token = %s AND l.revoked_at IS NULL"
        f" AND e.status IN ({parameter_marks(PUBLIC_STATUSES)})",
        [token, *(status.value for status in PUBLIC_STATUSES)],
    )
    if not rows:
        raise NotFound()
    event = row_to_model(Event, rows[0])
    organisation = row_to_model(Organisation, rows[0], len(Event._meta.concrete_fields))
    return PublicLink(event=event, organisation=organisation)


# ---- Links ------------------------------------------------------------------------------------------


def organisations_without_link(*, user: Any, event: Event) -> list[Organisation]:
    """Organisations in an allocation of the event (within scope) whose link was revoked and
    not replaced: the organiser can make them a new one."""
    from jamlik.core.scoping import scope_for
    from jamlik.events.models import AllocationMember, OrganisationLink

    members = AllocationMember.objects.filter(event=event).values("organisation_id")
    with_link = OrganisationLink.objects.filter(event=event, revoked_at__isnull=True).values(
        "organisation_id"
    )
    return list(
        scope_for(user)
        .filter(Organisation.objects.filter(pk__in=members), via="")
        .exclude(pk__in=with_link)
        .order_by("name")
    )


def organisation_in_allocation(*, user: Any, event: Event, pk: Any) -> Organisation:
    """An organisation of one of the event's allocations, within scope, or 404."""
    found = next(
        (o for o in organisations_without_link(user=user, event=event) if o.pk == pk), None
    )
    if found is None:
        raise NotFound()
    return found
