"""Registrations: register, change sessions, cancel, hand the seat to a colleague (the
manager's decision, check-in and the manage link are in ``handling``). Every function that
moves a seat opens ONE transaction with ``seats.open_seats`` (lock, then bring up to date),
decides from the counters read under the lock, writes, and queues its mails in the same
transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import JamlikError
from jamlik.events import decisions, hybrid, policies
from jamlik.events.errors import (
    AlreadyRegistered,
    Closed,
    EventFull,
    InvitationOnly,
    NotActive,
    OnlineFull,
    OtherOrganisation,
    QuotaFull,
    invalid,
)
from jamlik.events.inputs import RegistrationIn, TransferIn
from jamlik.events.models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Category,
    Event,
    EventStatus,
    Registration,
    Status,
)
from jamlik.events.services import mail
from jamlik.events.services._checks import (
    _check_phase,
    _check_room,
    _check_session_ids,
    _reload,
    active_registration_for,
    chosen_sessions,
    person_for_event,
)
from jamlik.events.services.positions import newest_waiting_position, waiting_position
from jamlik.events.services.seats import (
    free_seat,
    give_seat,
    open_seats,
    promote,
)
from jamlik.identity.person import Person
from jamlik.notifications import notices


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool
    position: int | None = None


# ---- Register ----------------------------------------------------------------------------------


def registration_create(
    *,
    event: Event,
    organisation: Any,
    data: RegistrationIn | Mapping[str, Any] | None = None,
    language: str = "sv",
    via_link: bool = True,
    actor: Any = None,
    **fields: Any,
) -> RegistrationOutcome:
    """Register one person (``data``: a ``RegistrationIn`` or its fields). ``via_link``:
    through the organisation's link (works in the quota phase, and the address must be in
    one of the organisation's e-mail domains when it has any); otherwise through the public
    event page (open phase only).

    An address that already holds an active registration gets that registration back
    (``created`` False) and its manage link by mail, never a second registration."""
    payload = RegistrationIn.take(data, **fields)
    return _create(
        event=event,
        organisation=organisation,
        payload=payload,
        language=language,
        via_link=via_link,
        link_organisation=organisation if via_link else None,
        actor=actor,
    )


def registration_create_as_person(
    *,
    event: Event,
    person: Person,
    link_organisation: Any = None,
    organisation: Any = None,
    data: Mapping[str, Any] | None = None,
    language: str = "sv",
    **fields: Any,
) -> RegistrationOutcome:
    """Register the employee signed in through the directory (``identity.person``). The one
    place that says which fields come from the person:

    - name and e-mail always come from the claims (what the page or caller sends for them
      is ignored); the registration keeps ``person.key`` as its ``person_key``;
    - the category is "employee" when the event takes employees and none is given (the
      directory's people are the municipality's employees);
    - the manager's e-mail comes from the claims when they carry one, else as typed;
    - the organisation is the one the claims' organisation code names. Through a link
      (``link_organisation``), that organisation must be the link's or one below it (the
      lost-link rule: a person's link is their own organisation's or its nearest
      ancestor's), else 403 ``other_organisation`` naming their organisation; the seat
      counts against the allocation of the person's organisation. When the code names no
      organisation: the link's organisation, or on the public page ``organisation`` as
      chosen;
    - through a link the claims' address must be in the link organisation's domains, as
      for everyone who registers through a link.

    A person who already holds an active registration of the event (by key) gets it back
    (``created`` False); the page shows it to them, since they are signed in."""
    own = person_organisation(person, link_organisation=link_organisation)
    if own is not None:
        organisation = own
    elif link_organisation is not None:
        organisation = link_organisation
    existing = active_registration_of_person(event, person.key)
    if existing is not None:
        return RegistrationOutcome(existing, False, waiting_position(existing))
    values = {**(data or {}), **fields, "name": person.name, "email": person.email}
    if not values.get("category") and Category.EMPLOYEE in (event.categories or []):
        values["category"] = Category.EMPLOYEE  # the directory's people are employees
    if person.manager_email:
        values["manager_email"] = person.manager_email
    return _create(
        event=event,
        organisation=organisation,
        payload=RegistrationIn.take(values),
        language=language,
        via_link=link_organisation is not None,
        link_organisation=link_organisation,
        person_key=person.key,
    )


def person_organisation(person: Person, *, link_organisation: Any = None) -> Any:
    """The organisation the claims' organisation code names (codes compare
    case-insensitively), or None when it names none. Through a link, 403
    ``other_organisation`` unless it is the link's organisation or one below it."""
    from jamlik.orgs.models import Organisation

    code = person.organisation_code.strip()
    own = Organisation.objects.filter(code__iexact=code).first() if code else None
    if (
        own is not None
        and link_organisation is not None
        and link_organisation.pk not in own.ancestor_ids
    ):
        raise OtherOrganisation(own.name, link_organisation.name)
    return own


def active_registration_of_person(event: Event, key: str) -> Registration | None:
    """The active registration of a signed-in person (by ``person_key``) for the event."""
    if not key:
        return None
    return (
        Registration.objects.filter(event=event, person_key=key, status__in=ACTIVE_STATUSES)
        .order_by("pk")
        .first()
    )


def _create(
    *,
    event: Event,
    organisation: Any,
    payload: RegistrationIn,
    language: str,
    via_link: bool,
    link_organisation: Any,
    actor: Any = None,
    person_key: str = "",
) -> RegistrationOutcome:
    person = person_for_event(event, payload)
    person["person_key"] = person_key
    try:
        if link_organisation is not None:
            check_email_domain(
                link_organisation,
                payload.email,
                _(
                    "This link is for %(organisation)s: the address must end in "
                    "@%(domains)s. Use your work e-mail, or the link of your own organisation."
                ),
            )
        return _register(
            event=event,
            organisation=organisation,
            person=person,
            session_ids=list(payload.sessions),
            language=language,
            via_link=via_link,
            actor=actor,
            participation=payload.participation,
        )
    except (IntegrityError, JamlikError):
        # A double submit is rare, so it is not looked for before every decision: the unique
        # index refuses a second active registration of the address (also when two submits
        # race), and any other refusal is checked too, so that an address that holds a
        # registration always gets it back instead of an error.
        existing = active_registration_for(event, person["email"])
        if existing is None:
            raise
        existing.event = event
        with transaction.atomic():
            notices.send([mail.manage_link(existing)])
        return RegistrationOutcome(existing, False, waiting_position(existing))


def _register(
    *,
    event: Event,
    organisation: Any,
    person: dict[str, Any],
    session_ids: list[Any],
    language: str,
    via_link: bool,
    actor: Any,
    invitation: Any = None,
    participation: str = hybrid.ON_SITE,
) -> RegistrationOutcome:
    # Before the lock (and outside the transaction, which on SQLite is the lock): every
    # check and every piece of work that does not depend on the seats, so that the event is
    # locked only for the decision and its writes.
    # The sessions' ids are checked here; that they belong to the event and fit together is
    # checked against the programme read under the lock (one read instead of two). The
    # organisation's allocation is read under the lock too, with its counters, in one query.
    _check_session_ids(session_ids)
    if invitation is not None:
        # A named invitation registers its own address, whoever opened the link.
        person = {**person, "email": invitation.email}
    registration = Registration(
        event=event,
        organisation=organisation,
        language=language if language in ("sv", "en") else "sv",
        participation=participation,
        **person,
    )
    with transaction.atomic():
        seats = open_seats(event.pk)
        event = seats.event
        registration.event = event
        _check_phase(seats, via_link=via_link)
        if event.invitation_only and invitation is None:
            raise InvitationOnly()
        if participation == hybrid.ONLINE:
            # Hybrid: online seats are outside the quotas, so the registration counts
            # against no allocation (docs/rules.md#events-hybrid).
            if not hybrid.is_hybrid(event):
                raise invalid(
                    "participation",
                    _("This event has no online participation."),
                    hybrid.ONLINE_NOT_OFFERED,
                )
            allocation_id = None
        else:
            allocation_id = seats.allocation_of(organisation)
        registration.allocation_id = allocation_id
        sessions = chosen_sessions(seats.sessions, session_ids) if session_ids else []
        _check_room(sessions)
        registration.consent_at = seats.at
        place = seats.placement(allocation_id, participation)
        if place == decisions.SEAT:
            give_seat(seats, registration, promoted=False)
        elif place == decisions.WAIT:
            registration.status = Status.WAITING
            registration.waiting_since = seats.at
            seats.count(registration, None, Status.WAITING)
        elif place == decisions.QUOTA_FULL:
            raise QuotaFull(event.quota_lock_until)
        elif place == hybrid.ONLINE_FULL:
            raise OnlineFull()
        else:
            raise EventFull()
        registration.insert()
        if invitation is not None:
            # Answered in the seat decision's own transaction: no registration without it.
            invitation.status, invitation.registration = "registered", registration
            invitation.answered_at = seats.at
            invitation.save(update_fields=["status", "registration", "answered_at"])
        if sessions:
            seats.add_sessions(registration, [s.pk for s in sessions])
            if registration.holds_seat:
                seats.take_sessions([s.pk for s in sessions], +1)
        position = newest_waiting_position(seats, registration)
        seats.tell(mail.created(registration, position=position))
        seats.audit(
            actor=actor,
            action="events.registration.created",
            obj=registration,
            new={
                "event": event.pk,
                "organisation": registration.organisation_id,
                "allocation": allocation_id,
                "status": registration.status,
            },
        )
        seats.flush()
    return RegistrationOutcome(registration, True, position)


# ---- Change, cancel, transfer ----------------------------------------------------------------


def registration_may_change_sessions(registration: Registration, event: Event, at: Any) -> bool:
    """Whether the sessions of a registration may change at ``at``: an active registration
    of a published event that has not begun. Pages ask this to offer the form."""
    return registration.is_active and at < event.starts_at and event.status == EventStatus.PUBLISHED


def registration_may_cancel(registration: Registration, event: Event, at: Any) -> bool:
    """Whether a registration may be cancelled at ``at``: active, and the event not over."""
    return registration.is_active and at < event.ends_at


@transaction.atomic
def registration_change_sessions(
    *, registration: Registration, sessions: Iterable[Any], actor: Any = None
) -> Registration:
    if actor is not None:
        policies.require(policies.may_change_registration_sessions, actor)
    seats = open_seats(registration.event_id)
    registration = _reload(seats, registration)
    if not registration.is_active:
        raise NotActive()
    if not registration_may_change_sessions(registration, seats.event, seats.at):
        raise Closed()
    chosen = chosen_sessions(seats.sessions, sessions)
    current = set(registration.sessions.values_list("id", flat=True))
    wanted = {s.pk for s in chosen}
    _check_room(chosen, keeping=current)
    added, removed = wanted - current, current - wanted
    if added:
        registration.sessions.add(*added)
    if removed:
        registration.sessions.remove(*removed)
    if registration.holds_seat:
        seats.take_sessions(added, +1)
        seats.take_sessions(removed, -1)
    seats.flush()
    if added or removed:
        audit_log(
            actor=actor,
            action="events.registration.sessions_changed",
            obj=registration,
            old={"sessions": sorted(current)},
            new={"sessions": sorted(wanted)},
        )
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: Any = None) -> Registration:
    """Cancel; a freed seat goes at once to the first person waiting who may take it."""
    if actor is not None:
        policies.require(policies.may_cancel_registration, actor)
    seats = open_seats(registration.event_id)
    registration = _reload(seats, registration)
    if not registration.is_active:
        raise NotActive()
    if not registration_may_cancel(registration, seats.event, seats.at):
        raise Closed()
    old = registration.status
    free_seat(seats, registration, Status.CANCELLED)
    registration.cancelled_at = seats.at
    registration.save(update_fields=["status", "cancelled_at"])
    seats.tell(mail.cancelled(registration))
    seats.audit(
        actor=actor,
        action="events.registration.cancelled",
        obj=registration,
        old={"status": old},
        new={"status": Status.CANCELLED},
    )
    if old in SEAT_STATUSES:
        promote(seats)
    seats.flush()
    return registration


def check_email_domain(organisation: Any, email: str, message: Any) -> None:
    """400 ``wrong_domain`` on ``email`` when the organisation has e-mail domains and the
    address is in none of them. ``message`` may name ``%(domains)s`` ("a.example or
    @b.example") and ``%(organisation)s``. Used for registrations through a link and for the
    colleague a seat is handed to."""
    domains = [d.lower() for d in (organisation.domains or [])] if organisation else []
    if domains and email.rpartition("@")[2].lower() not in domains:
        raise invalid(
            "email",
            message % {"domains": _(" or @").join(domains), "organisation": organisation.name},
            "wrong_domain",
        )


def registration_transfer(
    *,
    registration: Registration,
    data: TransferIn | Mapping[str, Any] | None = None,
    language: str = "",
    actor: Any = None,
    **fields: Any,
) -> Registration:
    """Hand the seat (or the place in the waiting list) to a colleague of the same
    organisation: the new registration keeps the seat, the allocation and the sessions; the
    old one becomes ``transferred``."""
    payload = TransferIn.take(data, **fields)
    name, email = payload.name, payload.email
    with transaction.atomic():
        seats = open_seats(registration.event_id)
        old = _reload(seats, registration)
        if not old.is_active:
            raise NotActive()
        if seats.at >= seats.event.starts_at:
            raise Closed()
        check_email_domain(
            old.organisation, email, _("The colleague's address must end in @%(domains)s.")
        )
        if active_registration_for(seats.event, email) is not None:
            raise AlreadyRegistered()
        session_ids = list(old.sessions.values_list("id", flat=True))
        status = old.status
        new = Registration(
            event=seats.event,
            organisation=old.organisation,
            allocation_id=old.allocation_id,
            name=name,
            email=email,
            category=old.category,
            manager_email=old.manager_email,
            status=status,
            hold_expires_at=old.hold_expires_at,
            waiting_since=old.waiting_since,
            participation=old.participation,  # hybrid: the seat keeps its kind
            language=language if language in ("sv", "en") else old.language,
        )
        if status == Status.PENDING_APPROVAL:
            from jamlik.events.models import new_token

            new.approval_token = new_token()
        old.status = Status.TRANSFERRED
        old.approval_token = None
        old.save(update_fields=["status", "approval_token"])
        new.save()
        if session_ids:
            new.sessions.add(*session_ids)
        old.transferred_to = new
        old.save(update_fields=["transferred_to"])
        # The seat moves with its counters unchanged: one leaves it, one takes it.
        audit_log(
            actor=actor,
            action="events.registration.transferred",
            obj=old,
            old={"status": status},
            new={"status": Status.TRANSFERRED, "transferred_to": new.pk},
        )
        audit_log(
            actor=actor,
            action="events.registration.created",
            obj=new,
            new={"event": seats.event.pk, "transferred_from": old.pk, "status": status},
        )
        notices.send(mail.transferred(old, new))
        return new
