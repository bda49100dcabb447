"""Breakout groups of a workshop: forming them from the confirmed participants, moving a
person by hand, and recording each group's notes.

Forming is deterministic (``jamlik.reviews.grouping.form_groups``): the same confirmed
participants, size and seed always give the same groups. Groups are replaced as a whole,
which is refused (409) once any group has notes, so a workshop's record is never lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid
from jamlik.events.models import Event, EventKind, Registration, Status
from jamlik.orgs.models import Kind
from jamlik.reviews import grouping, policies
from jamlik.reviews.inputs import BreakoutsIn, NotesIn
from jamlik.reviews.models import Breakout, BreakoutMember, BreakoutNotes
from jamlik.reviews.services.common import NotAWorkshop, NotesRecorded, known_fields


def participants_of(event: Event) -> list[grouping.Participant]:
    """The event's confirmed registrations as the grouping algorithm sees them.

    A participant without an organisation (an external guest) counts as an organisation
    of their own, of kind external, so two guests are never taken for colleagues."""
    rows = (
        Registration.objects.filter(event=event, status=Status.CONFIRMED)
        .order_by("id")
        .values_list("id", "organisation_id", "organisation__kind")
    )
    return [
        grouping.Participant(
            id=pk,
            organisation=organisation if organisation is not None else -pk,
            kind=kind or Kind.EXTERNAL,
        )
        for pk, organisation, kind in rows
    ]


def _lock(event: Event) -> Event:
    """Serialises forming and moving for one event (row lock; SQLite's IMMEDIATE
    transactions serialise all writers anyway)."""
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def breakouts_form(
    *,
    actor: Any,
    event: Event,
    data: BreakoutsIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> list[Breakout]:
    """Replace the event's groups with ``ceil(n / size)`` new ones over its ``n`` confirmed
    participants; sizes differ by at most one; as few colleagues (same organisation) and
    same-kind organisations per group as the participants allow. ``data`` or the keyword
    arguments are ``BreakoutsIn``'s ``size`` and ``seed``. Each returned breakout carries
    ``member_ids`` (sorted registration ids)."""
    if actor is not None:
        policies.require(policies.may_form_breakouts, actor)
    known_fields(fields, BreakoutsIn)
    payload = BreakoutsIn.take(data, **fields)
    size, seed = payload.size, payload.seed
    event = _lock(event)
    if event.kind != EventKind.WORKSHOP:
        raise NotAWorkshop()
    recorded = BreakoutNotes.objects.filter(breakout__event=event).exclude(
        shared="", questions="", wishes=""
    )
    if recorded.exists():
        raise NotesRecorded()
    participants = participants_of(event)
    groups = grouping.form_groups(participants, size=size, seed=seed)

    previous = Breakout.objects.filter(event=event).count()
    Breakout.objects.filter(event=event).delete()
    breakouts = Breakout.objects.bulk_create(
        [
            Breakout(event=event, number=number, size=size, seed=seed)
            for number in range(1, len(groups) + 1)
        ]
    )
    BreakoutMember.objects.bulk_create(
        [
            BreakoutMember(event=event, breakout=breakout, registration_id=registration_id)
            for breakout, members in zip(breakouts, groups, strict=True)
            for registration_id in members
        ]
    )
    for breakout, members in zip(breakouts, groups, strict=True):
        breakout.member_ids = list(members)
    by_id = {p.id: p for p in participants}
    audit_log(
        actor=actor,
        action="reviews.breakouts.formed",
        obj=event,
        new={
            "size": size,
            "seed": seed,
            "participants": len(participants),
            "groups": len(groups),
            "replaced_groups": previous,
            "same_organisation_pairs": grouping.same_organisation_pairs(groups, by_id.values()),
        },
    )
    return breakouts


@transaction.atomic
def breakout_move_member(
    *, actor: Any, event: Event, registration: Registration, to: Breakout | None
) -> BreakoutMember | None:
    """Put a participant into group ``to`` (moving them out of their present group), or take
    them out of every group when ``to`` is None. Everyone stays in at most one group
    (a constraint). A person not yet in a group must be a confirmed participant."""
    if actor is not None:
        policies.require(policies.may_form_breakouts, actor)
    event = _lock(event)
    if registration.event_id != event.pk:
        raise Invalid.field("registration", _("The person is not a participant of this event."))
    if to is not None and to.event_id != event.pk:
        raise Invalid.field("breakout", _("The group belongs to another event."))
    current = (
        BreakoutMember.objects.select_for_update()
        .filter(event=event, registration=registration)
        .first()
    )
    before = current.breakout_id if current else None
    if to is None:
        if current is not None:
            current.delete()
            audit_log(
                actor=actor,
                action="reviews.breakouts.member_removed",
                obj=registration,
                old={"breakout": before},
            )
        return None
    if current is None and registration.status != Status.CONFIRMED:
        raise Invalid.field(
            "registration", _("Only confirmed participants can be put into a group.")
        )
    if current is not None and current.breakout_id == to.pk:
        return current
    if current is None:
        current = BreakoutMember.objects.create(event=event, breakout=to, registration=registration)
    else:
        current.breakout = to
        current.save(update_fields=["breakout"])
    audit_log(
        actor=actor,
        action="reviews.breakouts.member_moved",
        obj=registration,
        old={"breakout": before},
        new={"breakout": to.pk},
    )
    return current


def _notes_snapshot(notes: BreakoutNotes) -> dict[str, Any]:
    return snapshot(notes, ("shared", "questions", "wishes"))


@transaction.atomic
def breakout_notes_save(
    *,
    actor: Any,
    breakout: Breakout,
    data: NotesIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> BreakoutNotes:
    """Record what a group shared, the questions it raised and its wishes for joint
    city-wide efforts (``NotesIn``'s fields). All three are replaced: one not given is
    empty."""
    if actor is not None:
        policies.require(policies.may_write_notes, actor)
    known_fields(fields, NotesIn)
    payload = NotesIn.take(data, **fields)
    values = payload.model_dump()
    notes, _created = BreakoutNotes.objects.select_for_update().get_or_create(breakout=breakout)
    before = _notes_snapshot(notes)
    for field, value in values.items():
        setattr(notes, field, value)
    notes.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    notes.save()
    old, new = changes(before, _notes_snapshot(notes))
    if new:
        audit_log(
            actor=actor, action="reviews.breakout.notes_saved", obj=breakout, old=old, new=new
        )
    return notes
