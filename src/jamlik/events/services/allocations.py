"""Allocations of an event: create, update, delete (members, quota sum, promotion)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core import validation
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.events import policies
from jamlik.events.errors import (
    AllocationInUse,
    QuotaBelowTaken,
    invalid,
)
from jamlik.events.models import (
    ACTIVE_STATUSES,
    Allocation,
    AllocationMember,
    Event,
    Registration,
)
from jamlik.events.services._rules import MAX_CAPACITY, _clean, _quota_sum, _quota_sum_error, _whole
from jamlik.events.services.links import link_ensure
from jamlik.events.services.seats import open_seats, promote, quota_binds

# ---- Allocations --------------------------------------------------------------------------------


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
    *, actor: Any, event: Event, name: Any, quota: Any, organisations: list[Any]
) -> Allocation:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    cleaned = _clean(
        {"name": name, "quota": quota},
        {
            "name": lambda v: validation.clean_text(v),
            "quota": lambda v: _whole(v, low=0, high=MAX_CAPACITY),
        },
    )
    seats = open_seats(event.pk)
    event = seats.event
    total = _quota_sum(event) + cleaned["quota"]
    if total > event.capacity:
        raise _quota_sum_error(total, event.capacity, "quota")
    members = _check_members(event, list(organisations or []), allocation_id=None)
    allocation = Allocation.objects.create(event=event, **cleaned)
    allocation.event = event
    _set_members(allocation, members)
    audit_log(
        actor=actor,
        action="events.allocation.created",
        obj=allocation,
        new=_allocation_snapshot(allocation, members),
    )
    return allocation


_UNSET: Any = object()


@transaction.atomic
def allocation_update(
    *,
    actor: Any,
    allocation: Allocation,
    name: Any = _UNSET,
    quota: Any = _UNSET,
    organisations: Any = _UNSET,
) -> Allocation:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    data = {}
    if name is not _UNSET and name is not None:
        data["name"] = name
    if quota is not _UNSET and quota is not None:
        data["quota"] = quota
    cleaned = _clean(
        data,
        {
            "name": lambda v: validation.clean_text(v),
            "quota": lambda v: _whole(v, low=0, high=MAX_CAPACITY),
        },
    )
    seats = open_seats(allocation.event_id)
    event = seats.event
    allocation = seats.allocations[allocation.pk]
    allocation.event = event
    current_members = list(allocation.organisations.all())
    before = _allocation_snapshot(allocation, current_members)
    if "quota" in cleaned:
        total = _quota_sum(event, excluding=allocation.pk) + cleaned["quota"]
        if total > event.capacity:
            raise _quota_sum_error(total, event.capacity, "quota")
        if quota_binds(event, seats.at) and cleaned["quota"] < allocation.taken:
            raise QuotaBelowTaken(allocation.taken)
    for field, value in cleaned.items():
        setattr(allocation, field, value)
    allocation.save(update_fields=list(cleaned) or None)
    members = current_members
    if organisations is not _UNSET and organisations is not None:
        members = _check_members(event, list(organisations), allocation_id=allocation.pk)
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
