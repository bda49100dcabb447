"""Named invitations (docs/rules.md#events-invitations): the organiser invites people by
address, one by one or from a list (all or nothing); each invitation is bound to its address;
the invitee registers or declines through the invitation's link; who has not answered is
reminded, by hand or on the reminder days.

A registration through an invitation is made by the same decision every registration makes
(``registrations._register``: the event locked by ``seats.open_seats``, the phase, the
placement in the allocation of the invitation's organisation), with the invitation passed
through: the registration is for the invited address whatever the form sent, and the
invitation is marked registered in the seat decision's own transaction.

Reminders go once per reminder point: ``reminded_at`` is set in the transaction that queues
the mail, and an invitation reminded at or after a point is not reminded for it again
(``invitations.needs_reminder``); the rows are locked first, so two runs cannot both send.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import Conflict, Invalid
from jamlik.core.scoping import scope_for
from jamlik.events import clock, invitations, links, policies
from jamlik.events.errors import AlreadyInvited, Closed, InvitationAnswered
from jamlik.events.inputs import (
    InvitationIn,
    InvitationListIn,
    InvitationRegistrationIn,
    RegistrationIn,
)
from jamlik.events.models import Event, EventStatus, Invitation, InvitationStatus, Registration
from jamlik.events.services import mail
from jamlik.events.services._checks import active_registration_for, person_for_event
from jamlik.events.services.registrations import RegistrationOutcome, _register
from jamlik.events.services.staff_registrations import _line, default_category, read_list
from jamlik.notifications import notices
from jamlik.notifications.services import mail_enqueue

logger = logging.getLogger(__name__)

INVITATION_TEMPLATE = "events/email/invitation"
REMINDER_TEMPLATE = "events/email/invitation_reminder"


def invitation_url(invitation: Invitation) -> str:
    return f"{settings.BASE_URL}/i/{invitation.token}"


class InvitationsRefused(Invalid):
    """400 with one error per refused entry (``field``: ``rows.<line>`` for a file,
    ``invitations.<index>`` for a list, or ``file``); nothing stored, nobody mailed."""

    code = "invitations_invalid"

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        items = [{"field": field, "message": message} for field, message in errors]
        if len(errors) == 1 and errors[0][0] == "file":
            detail = errors[0][1]
        else:
            n = len({field for field, _message in errors})
            detail = _("%(n)s people of the list cannot be invited; nobody was invited.") % {"n": n}
        super().__init__(detail, errors=items)


@dataclass(frozen=True)
class _Row:
    field: str  # where an error of this entry is reported
    line: int | None  # the file's row number, for "Rad 4: …"
    email: str
    name: str
    organisation: Any


def _message(row: _Row, text: str) -> str:
    return _line(row.line, text) if row.line is not None else text


# ---- Inviting --------------------------------------------------------------------------------


def _check_event(event: Event) -> None:
    if event.status in (EventStatus.CLOSED, EventStatus.ARCHIVED):
        raise Closed()
    if event.status != EventStatus.PUBLISHED:
        raise Conflict(
            _("Publish the event first: the invitation's link opens the event's page."),
            code="not_published",
        )


def invitations_create(
    *,
    actor: Any,
    event: Event,
    data: InvitationIn | InvitationListIn | Mapping[str, Any] | None = None,
    language: str = "sv",
) -> list[Invitation]:
    """Invite one person (``InvitationIn``) or a list (``InvitationListIn``), all or
    nothing; each is mailed their invitation. 403 outside the actor's organisations; 400
    ``invitations_invalid`` per entry for an unknown organisation or an address twice; 409
    ``already_invited`` (one person) or a per-entry error (a list) for an address already
    invited; 409 for an event that is not published or is over."""
    if actor is not None:
        policies.require(policies.may_invite, actor)
    if isinstance(data, InvitationListIn):
        entries, many = list(data.invitations), True
    elif isinstance(data, InvitationIn):
        entries, many = [data], False
    elif isinstance(data, Mapping) and "invitations" in data:
        entries, many = list(InvitationListIn.take(data).invitations), True
    else:
        entries, many = [InvitationIn.take(data)], False
    organisations = _organisations_by_id({e.organisation for e in entries})
    rows: list[_Row] = []
    errors: list[tuple[str, str]] = []
    for index, entry in enumerate(entries):
        field = f"invitations.{index}" if many else "organisation"
        organisation = organisations.get(entry.organisation)
        if organisation is None:
            errors.append((field, _("Choose an organisation.")))
            continue
        if actor is not None:
            policies.require(policies.may_invite, actor, organisation)
        line = index + 1 if many else None
        rows.append(_Row(field, line, entry.email, entry.name, organisation))
    return _invite(actor, event, rows, language, single=not many, errors=errors)


def invitations_import(
    *, actor: Any, event: Event, file: Any, language: str = "sv"
) -> list[Invitation]:
    """Invite everyone on a list (CSV or XLSX, the columns of "register others": name,
    e-mail, organisation code) or nobody: 400 ``invitations_invalid`` with an error per line
    (``rows.<line>``, "Rad 4: …") or for the file."""
    if actor is not None:
        policies.require(policies.may_invite, actor)
    records = read_list(file)  # 400 import_invalid for the file as a whole
    from jamlik.orgs.models import Organisation

    codes = {r["organisation"].lower() for _n, r in records if r.get("organisation")}
    by_code = {
        o.code_lower: o
        for o in Organisation.objects.annotate(code_lower=Lower("code")).filter(
            code_lower__in=codes
        )
    }
    rows: list[_Row] = []
    errors: list[tuple[str, str]] = []
    for line, record in records:
        field = f"rows.{line}"
        problems: list[str] = []
        try:
            entry = InvitationIn.take(
                {
                    "email": record.get("email", ""),
                    "name": record.get("name", ""),
                    "organisation": 1,
                }
            )
        except Invalid as exc:
            entry = None
            if not record.get("email", "").strip():
                problems.append(_("the e-mail address is missing."))
            else:
                problems.extend(
                    _("%(field)s: %(message)s") % {"field": _("e-mail address"), "message": m}
                    for m in (str(i["message"]) for i in exc.errors if i["field"] == "email")
                )
                if not problems:
                    problems.append(str(exc.message))
        code = record.get("organisation", "")
        organisation = by_code.get(code.lower()) if code else None
        if not code:
            problems.append(_("the organisation code is missing."))
        elif organisation is None:
            problems.append(_("no organisation has the code “%(code)s”.") % {"code": code[:40]})
        elif actor is not None and not policies.may_invite(actor, organisation):
            problems.append(
                _("%(organisation)s is outside the organisations you may invite people of.")
                % {"organisation": organisation.name}
            )
        if problems or entry is None:
            errors.extend((field, _line(line, p)) for p in problems)
            continue
        rows.append(_Row(field, line, entry.email, entry.name, organisation))
    return _invite(actor, event, rows, language, single=False, errors=errors)


def _organisations_by_id(ids: Iterable[int]) -> dict[int, Any]:
    from jamlik.orgs.models import Organisation

    return {o.pk: o for o in Organisation.objects.filter(pk__in=list(ids))}


def _invite(
    actor: Any,
    event: Event,
    rows: list[_Row],
    language: str,
    *,
    single: bool,
    errors: list[tuple[str, str]],
) -> list[Invitation]:
    """Check the rows together (an address twice, an address already invited), adding to
    the ``errors`` found before; then store them all and queue their mails, or nothing."""
    _check_event(event)
    first: dict[str, _Row] = {}
    for row in rows:
        key = row.email.lower()
        if key in first:
            text = _("the address is on row %(first)s already.") % {"first": first[key].line}
            errors.append((row.field, _message(row, text)))
        else:
            first[key] = row
    with transaction.atomic():
        invited = set(
            Invitation.objects.filter(event=event)
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=list(first))
            .values_list("email_lower", flat=True)
        )
        if single and invited:
            message = AlreadyInvited.default_message
            raise AlreadyInvited(errors=[{"field": "email", "message": message}])
        errors.extend(
            (row.field, _message(row, _("the address is already invited to this event.")))
            for key, row in first.items()
            if key in invited
        )
        if errors:
            raise InvitationsRefused(sorted(errors, key=lambda e: _order(e[0])))
        at = clock.now()
        created: list[Invitation] = []
        try:
            with transaction.atomic():
                for row in rows:
                    created.append(
                        Invitation.objects.create(
                            event=event,
                            email=row.email,
                            name=row.name,
                            organisation=row.organisation,
                            language=language if language in ("sv", "en") else "sv",
                            invited_by=actor if getattr(actor, "is_authenticated", False) else None,
                            invited_at=at,
                        )
                    )
        except IntegrityError:
            # Invited in the moment between the check above and the insert.
            raise AlreadyInvited() from None
        for invitation in created:
            _mail(invitation, event, reminder=False)
        audit_log(
            actor=actor,
            action="events.invitations.created",
            obj=event,
            new={"invited": len(created)},
        )
    return created


def _order(field: str) -> tuple[int, str]:
    tail = field.rpartition(".")[2]
    return (int(tail), field) if tail.isdigit() else (0, field)


def _mail(invitation: Invitation, event: Event, *, reminder: bool) -> None:
    mail_enqueue(
        kind="events.invitation_reminder" if reminder else "events.invitation",
        to=invitation.email,
        template=REMINDER_TEMPLATE if reminder else INVITATION_TEMPLATE,
        context={
            "event": event,
            "invitation": invitation,
            "organisation": invitation.organisation,
            "invitation_url": invitation_url(invitation),
            "deadline": invitations.deadline(event.starts_at, event.closes_at),
        },
        language=invitation.language or "sv",
        about=f"events.invitation:{invitation.pk}",
        reply_to=event.contact_email,
        envelope_from=links.bounce_address(event),
    )


# ---- The invitee answers ---------------------------------------------------------------------


def _registration_status(invitation: Invitation) -> str | None:
    if invitation.registration_id is None:
        return None
    return (
        Registration.objects.filter(pk=invitation.registration_id)
        .values_list("status", flat=True)
        .first()
    )


def invitation_register(
    *,
    invitation: Invitation,
    data: InvitationRegistrationIn | Mapping[str, Any] | None = None,
    language: str = "sv",
    **fields: Any,
) -> RegistrationOutcome:
    """Register the invited person through their invitation: always the invited address
    (the form has no e-mail; whatever else is sent for it is ignored), counted against the
    allocation of the invitation's organisation, by the seat rules of a registration through
    a link. 409 ``invitation_answered`` when the invitation already holds an active
    registration; the seat rules' refusals as for any registration. An address that holds a
    registration of the event already (made before the invitation) keeps it: the invitation
    is marked registered with it and its manage link is mailed to the address (``created``
    False)."""
    payload = InvitationRegistrationIn.take(data, **fields)
    event = invitation.event
    if not invitations.may_register(invitation.status, _registration_status(invitation)):
        raise InvitationAnswered()
    values = payload.model_dump()
    values["email"] = invitation.email
    values["category"] = values.get("category") or default_category(event)
    person = person_for_event(event, RegistrationIn.take(values))
    existing = active_registration_for(event, invitation.email)
    if existing is None:
        try:
            return _register(
                event=event,
                organisation=invitation.organisation,
                person=person,
                session_ids=list(payload.sessions),
                language=language,
                via_link=True,
                actor=None,
                invitation=invitation,
            )
        except IntegrityError:
            # Registered in the moment between the look above and the lock (a double click).
            existing = active_registration_for(event, invitation.email)
            if existing is None:
                raise
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.REGISTERED, registration=existing, answered_at=clock.now()
        )
        existing.event = event
        notices.send([mail.manage_link(existing)])
    invitation.refresh_from_db()
    return RegistrationOutcome(existing, False)


def invitation_decline(*, invitation: Invitation) -> Invitation:
    """The invitee declines. 409 ``invitation_answered`` while the invitation holds an
    active registration (that is cancelled through its manage link); declining twice
    changes nothing."""
    answer = invitations.answer_of(invitation.status, _registration_status(invitation))
    if answer == invitations.REGISTERED:
        raise InvitationAnswered()
    if invitation.status == InvitationStatus.INVITED:
        with transaction.atomic():
            at = clock.now()
            changed = Invitation.objects.filter(
                pk=invitation.pk, status=InvitationStatus.INVITED
            ).update(status=InvitationStatus.DECLINED, answered_at=at)
            if changed:
                audit_log(
                    actor=None,
                    action="events.invitation.declined",
                    obj=invitation,
                    new={"status": InvitationStatus.DECLINED},
                )
        invitation.refresh_from_db()
    return invitation


# ---- Reminders -------------------------------------------------------------------------------


def _remind(
    event: Event, candidates: Any, wanted: Any, at: datetime, actor: Any, action: str
) -> int:
    """Lock the unanswered invitations of ``candidates``, keep those ``wanted`` says, mark
    them reminded and queue their mails, in one transaction."""
    with transaction.atomic():
        rows = list(
            candidates.filter(status=InvitationStatus.INVITED)
            .select_related("organisation")
            .select_for_update(of=("self",))
            .order_by("id")
        )
        chosen = [
            r
            for r in rows
            if wanted(invitations.Reminded(invited_at=r.invited_at, reminded_at=r.reminded_at))
        ]
        if not chosen:
            return 0
        Invitation.objects.filter(pk__in=[r.pk for r in chosen]).update(reminded_at=at)
        for invitation in chosen:
            invitation.reminded_at = at
            _mail(invitation, event, reminder=True)
        audit_log(actor=actor, action=action, obj=event, new={"reminded": len(chosen)})
    return len(chosen)


def invitations_remind(*, actor: Any, event: Event) -> int:
    """The organiser's button: remind every invitee of the actor's organisations who has not
    answered and was not reminded in the last hours (``MANUAL_REMINDER_GAP``). Returns how
    many were reminded; 409 once the event has begun."""
    if actor is not None:
        policies.require(policies.may_invite, actor)
    at = clock.now()
    if at >= event.starts_at or event.status != EventStatus.PUBLISHED:
        raise Closed()
    candidates = scope_for(actor).filter(Invitation.objects.filter(event=event), via="organisation")
    return _remind(
        event,
        candidates,
        lambda r: invitations.needs_manual_reminder(r, at),
        at,
        actor,
        "events.invitations.reminded",
    )


def invitation_reminders_send() -> int:
    """The tick: for every published event whose reminder point has come, remind the
    invitees who have not answered, once per point. Returns how many were reminded."""
    at = clock.now()
    events = (
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            starts_at__gt=at,
            invitations__status=InvitationStatus.INVITED,
        )
        .distinct()
        .order_by("starts_at", "id")
    )
    reminded = 0
    for event in events:
        point = invitations.due_reminder_point(event.starts_at, event.closes_at, at)
        if point is None:
            continue
        reminded += _remind(
            event,
            Invitation.objects.filter(event=event, invited_at__lt=point),
            lambda r, point=point: invitations.needs_reminder(r, point),
            at,
            None,
            "events.invitations.reminded",
        )
    return reminded
