"""Allocations of an event: create, update, delete (members, quota sum, promotion)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid
from jamlik.core.schemas import organisation_refs
from jamlik.events import policies
from jamlik.events.errors import (
    AllocationInUse,
    QuotaBelowTaken,
    invalid,
)
from jamlik.events.inputs import AllocationIn, AllocationPatch
from jamlik.events.models import (
    ACTIVE_STATUSES,
    Allocation,
    AllocationMember,
    Event,
    Registration,
)
from jamlik.events.services.links import link_ensure
from jamlik.events.services.seats import open_seats, promote, quota_binds

# ---- Allocations --------------------------------------------------------------------------------


def quota_sum(event: Event, *, excluding: int | None = None) -> int:
    allocations = Allocation.objects.filter(event=event)
    if excluding is not None:
        allocations = allocations.exclude(pk=excluding)
    return allocations.aggregate(total=Sum("quota"))["total"] or 0


def quota_sum_error(total: int, capacity: int, field: str) -> Invalid:
    return invalid(
        field,
        _("The quotas add up to %(sum)s, more than the event's %(capacity)s seats.")
        % {"sum": total, "capacity": capacity},
        "quota_sum",
    )


def _as_ids(fields: dict[str, Any]) -> dict[str, Any]:
    """The organisations as ids: pages and tests name them by the objects themselves."""
    organisations = fields.get("organisations")
    if organisations is not None and not isinstance(organisations, (str, bytes)):
        fields["organisations"] = [getattr(o, "pk", o) for o in organisations]
    return fields


def _check_members(event: Event, organisations: list[Any], *, allocation_id: int | None) -> list:
    unique = list({o.pk: o for o in organisations}.values())
    clashes = AllocationMember.objects.filter(
        event=event, organisation_id__in=[o.pk for o in unique]
    ).select_related("organisation", "allocation")
    if allocation_id is not None:
        clashes = clashes.exclude(allocation_id=allocation_id)
    clash = clashes.first()
    if clash is not None:
        raise invalid(
            "organisations",
            _("%(organisation)s is already in the allocation “%(allocation)s”.")
            % {"organisation": clash.organisation.name, "allocation": clash.allocation.name},
            "organisation_in_two_allocations",
        )
    return unique


def _set_members(allocation: Allocation, organisations: list[Any]) -> None:
    wanted = {o.pk for o in organisations}
    current = set(allocation.members.values_list("organisation_id", flat=True))
    allocation.members.filter(organisation_id__in=current - wanted).delete()
    AllocationMember.objects.bulk_create(
        [
            AllocationMember(event_id=allocation.event_id, allocation=allocation, organisation_id=o)
            for o in wanted - current
        ]
    )
    for organisation in organisations:
        link_ensure(event=allocation.event, organisation=organisation)


def _allocation_snapshot(allocation: Allocation, organisations: list[Any] | None = None) -> dict:
    return {
        **snapshot(allocation, ("name", "quota")),
        "organisations": sorted(o.pk for o in (organisations if organisations is not None else [])),
    }


@transaction.atomic
def allocation_create(
    *,
    actor: Any,
    event: Event,
    data: AllocationIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Allocation:
    """A new allocation; ``organisations`` are ids (or, from a page, the objects)."""
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    payload = AllocationIn.take(data, **_as_ids(fields))
    organisations = organisation_refs(payload.organisations, field="organisations")
    seats = open_seats(event.pk)
    event = seats.event
    total = quota_sum(event) + payload.quota
    if total > event.capacity:
        raise quota_sum_error(total, event.capacity, "quota")
    members = _check_members(event, organisations, allocation_id=None)
    allocation = Allocation.objects.create(event=event, name=payload.name, quota=payload.quota)
    allocation.event = event
    _set_members(allocation, members)
    audit_log(
        actor=actor,
        action="events.allocation.created",
        obj=allocation,
        new=_allocation_snapshot(allocation, members),
    )
    return allocation


@transaction.atomic
def allocation_update(
    *,
    actor: Any,
    allocation: Allocation,
    data: AllocationPatch | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Allocation:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    payload = AllocationPatch.take(data, **_as_ids(fields))
    given = payload.given()
    cleaned = {k: v for k, v in given.items() if k in ("name", "quota")}
    organisations = (
        organisation_refs(given["organisations"], field="organisations")
        if "organisations" in given
        else None
    )
    seats = open_seats(allocation.event_id)
    event = seats.event
    allocation = seats.allocations[allocation.pk]
    allocation.event = event
    current_members = list(allocation.organisations.all())
    before = _allocation_snapshot(allocation, current_members)
    if "quota" in cleaned:
        total = quota_sum(event, excluding=allocation.pk) + cleaned["quota"]
        if total > event.capacity:
            raise quota_sum_error(total, event.capacity, "quota")
        if quota_binds(event, seats.at) and cleaned["quota"] < allocation.taken:
            raise QuotaBelowTaken(allocation.taken)
    for field, value in cleaned.items():
        setattr(allocation, field, value)
    allocation.save(update_fields=list(cleaned) or None)
    members = current_members
    if organisations is not None:
        members = _check_members(event, organisations, allocation_id=allocation.pk)
        _set_members(allocation, members)
    promote(seats)
    seats.flush()
    old, new = changes(before, _allocation_snapshot(allocation, members))
    if new:
        audit_log(actor=actor, action="events.allocation.updated", obj=allocation, old=old, new=new)
    allocation.refresh_from_db()
    return allocation


@transaction.atomic
def allocation_delete(*, actor: Any, allocation: Allocation) -> None:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    open_seats(allocation.event_id)
    if Registration.objects.filter(allocation=allocation, status__in=ACTIVE_STATUSES).exists():
        raise AllocationInUse()
    audit_log(
        actor=actor,
        action="events.allocation.deleted",
        obj=allocation,
        old={"name": allocation.name, "quota": allocation.quota},
    )
    allocation.delete()
