"""A registration handled after it exists: the manager's decision, check-in and its undo,
the manage link sent again."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jamlik.core.audit import audit_log
from jamlik.core.errors import NotFound
from jamlik.events import clock, policies
from jamlik.events.errors import (
    AlreadyDecided,
    NoOffer,
    NotActive,
    NotConfirmed,
)
from jamlik.events.models import (
    Event,
    Registration,
    Status,
)
from jamlik.events.services import mail
from jamlik.events.services._checks import _reload
from jamlik.events.services.seats import (
    claim_offer,
    event_release_if_due,
    free_seat,
    open_seats,
    promote,
)
from jamlik.notifications import notices

# ---- The manager's decision --------------------------------------------------------------------


@transaction.atomic
def approval_decide(*, registration: Registration, approve: bool) -> Registration:
    """The manager approves or declines a held seat; a second decision is a 409, as is a
    decision after the hold expired."""
    seats = open_seats(registration.event_id)
    registration = _reload(seats, registration)
    if registration.status != Status.PENDING_APPROVAL:
        raise AlreadyDecided()
    new_status = Status.CONFIRMED if approve else Status.DECLINED
    if approve:
        seats.count(registration, Status.PENDING_APPROVAL, Status.CONFIRMED)
        registration.status = Status.CONFIRMED
    else:
        free_seat(seats, registration, Status.DECLINED)
    registration.decided_at = seats.at
    registration.save(update_fields=["status", "decided_at"])
    seats.tell(mail.decided(registration))
    seats.audit(
        actor=None,
        action="events.registration.approved" if approve else "events.registration.declined",
        obj=registration,
        old={"status": Status.PENDING_APPROVAL},
        new={"status": new_status},
    )
    if not approve:
        promote(seats)
    seats.flush()
    return registration


# ---- A seat offered from the waiting list -------------------------------------------------------


def offer_claim(*, registration: Registration) -> Registration:
    """The person claims the seat offered to them (docs/rules.md#waiting-list-offers): it
    becomes theirs (or is held for their manager's approval). An offer claimed already, or
    one whose time ran out, is a 409 ``no_offer``. Saying no thanks is cancelling
    (``registration_cancel``), which hands the seat on."""
    # A lapsed offer is passed on (committed) before the claim is refused, so the refusal
    # and the next person's offer do not wait for the worker's periodic run.
    event_release_if_due(event=Event.objects.get(pk=registration.event_id))
    with transaction.atomic():
        return _claim(registration)


def _claim(registration: Registration) -> Registration:
    seats = open_seats(registration.event_id)
    registration = _reload(seats, registration)
    if registration.status != Status.OFFERED:
        raise NoOffer()
    claim_offer(seats, registration)
    seats.tell(mail.promoted(registration))
    seats.audit(
        actor=None,
        action="events.registration.offer_claimed",
        obj=registration,
        old={"status": Status.OFFERED},
        new={"status": registration.status},
    )
    seats.flush()
    return registration


# ---- Check-in ---------------------------------------------------------------------------------


@transaction.atomic
def registration_check_in(*, registration: Registration, actor: Any) -> Registration:
    """Mark a confirmed participant as arrived; checking in twice changes nothing."""
    if actor is not None:
        policies.require(policies.may_check_in, actor)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("organisation", "event")
        .get(pk=registration.pk)
    )
    if registration.status != Status.CONFIRMED:
        raise NotConfirmed()
    if registration.checked_in_at is None:
        registration.checked_in_at = clock.now()
        registration.save(update_fields=["checked_in_at"])
        audit_log(
            actor=actor,
            action="events.registration.checked_in",
            obj=registration,
            new={"checked_in_at": registration.checked_in_at.isoformat()},
        )
    return registration


@transaction.atomic
def registration_check_in_undo(*, registration: Registration, actor: Any) -> Registration:
    if actor is not None:
        policies.require(policies.may_check_in, actor)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("organisation", "event")
        .get(pk=registration.pk)
    )
    if registration.checked_in_at is not None:
        old = registration.checked_in_at.isoformat()
        registration.checked_in_at = None
        registration.save(update_fields=["checked_in_at"])
        audit_log(
            actor=actor,
            action="events.registration.check_in_undone",
            obj=registration,
            old={"checked_in_at": old},
            new={"checked_in_at": None},
        )
    return registration


# ---- The manage link again ----------------------------------------------------------------------


@transaction.atomic
def registration_resend_link(*, registration: Registration, actor: Any) -> Registration:
    """Mail the person's manage link to their address again (an organiser's action, for
    someone who lost the confirmation). An anonymised registration has no address left."""
    if actor is not None:
        policies.require(policies.may_resend_manage_link, actor)
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(pk=registration.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    registration = locked
    if registration.anonymised_at is not None:
        raise NotActive()
    audit_log(
        actor=actor,
        action="events.registration.manage_link_sent",
        obj=registration,
        new={"mail": "manage_link"},
    )
    notices.send([mail.manage_link(registration, by_organiser=True)])
    return registration
