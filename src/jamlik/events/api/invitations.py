"""Named invitations (docs/api.md#endpoints-invitations): the organiser's list, counts,
invitations one by one, as a list or from a file, and the reminder; the invitee's public
endpoints (the invitation's token in the path is the credential)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Schema, Status, UploadedFile

from jamlik.core.api import errors, paginate
from jamlik.core.i18n import request_language
from jamlik.core.schemas import DateTimeOut, organisation_ref
from jamlik.events import policies
from jamlik.events.api._common import _allowed, public_router, router
from jamlik.events.api.public import PublicEventOut, PublicOrganisationOut
from jamlik.events.inputs import InvitationIn, InvitationListIn, InvitationRegistrationIn
from jamlik.events.selectors import event_get
from jamlik.events.selectors import invitations as found
from jamlik.events.services import invitations as service

# ---- The organiser's --------------------------------------------------------------------------


class InvitationOut(Schema):
    id: int
    email: str
    name: str
    organisation: int | None = Field(None, validation_alias="organisation_id")
    status: str
    answer: str
    registration: int | None = Field(None, validation_alias="registration_id")
    invited_at: DateTimeOut
    reminded_at: DateTimeOut | None
    answered_at: DateTimeOut | None

    @staticmethod
    def resolve_answer(obj: Any) -> str:
        return found.answer(obj)


class InvitationFilter(Schema):
    organisation: int | None = None
    answer: str | None = Field(None, max_length=30)


class InvitationCountsOut(Schema):
    organisation: int | None
    organisation_name: str
    invited: int
    registered: int
    declined: int
    not_answered: int


class RemindedOut(Schema):
    reminded: int


def _created(invitations_made: list[Any]) -> Any:
    ids = [i.pk for i in invitations_made]
    rows = found.Invitation.objects.select_related("registration").in_bulk(ids)
    return Status(201, [rows[pk] for pk in ids])


@router.get("/events/{event_id}/invitations", response=list[InvitationOut])
def list_invitations(
    request: HttpRequest, response: HttpResponse, event_id: int, filters: Query[InvitationFilter]
) -> Any:
    """The event's invitations the caller may see (an org coordinator: their subtree's), by
    organisation and name; ``organisation`` narrows to it and its units, ``answer`` to
    ``registered``, ``declined`` or ``not_answered``."""
    user = _allowed(request, policies.may_see_invitations)
    event = event_get(user=user, pk=event_id)
    rows = found.invitation_list(
        user=user,
        event=event,
        organisation=organisation_ref(filters.organisation, field="organisation"),
        answer=filters.answer,
    )
    return paginate(request, response, rows)


@router.get("/events/{event_id}/invitations/counts", response=list[InvitationCountsOut])
def invitation_counts(request: HttpRequest, event_id: int) -> Any:
    """Invited, registered, declined and not answered per organisation (the caller's)."""
    user = _allowed(request, policies.may_see_invitations)
    event = event_get(user=user, pk=event_id)
    return [
        {
            "organisation": c.organisation.pk if c.organisation is not None else None,
            "organisation_name": c.organisation.name if c.organisation is not None else "",
            "invited": c.invited,
            "registered": c.registered,
            "declined": c.declined,
            "not_answered": c.not_answered,
        }
        for c in found.invitation_counts(user=user, event=event)
    ]


@router.post(
    "/events/{event_id}/invitations",
    response={201: list[InvitationOut], **errors(403, 409)},
)
def create_invitations(
    request: HttpRequest, event_id: int, payload: InvitationIn | InvitationListIn
) -> Any:
    """Invite one person (``{"email", "name", "organisation"}``) or a list
    (``{"invitations": [...]}``), all or nothing; each is mailed their invitation link. 400
    ``invitations_invalid`` with an error per entry (``invitations.<index>``), 409
    ``already_invited`` for one person already invited."""
    user = _allowed(request, policies.may_invite)
    event = event_get(user=user, pk=event_id)
    made = service.invitations_create(
        actor=user, event=event, data=payload, language=request_language(request)
    )
    return _created(made)


@router.post(
    "/events/{event_id}/invitations/import",
    response={201: list[InvitationOut], **errors(403, 409)},
)
def import_invitations(request: HttpRequest, event_id: int, file: File[UploadedFile]) -> Any:
    """Invite everyone on a list (multipart ``file``: CSV or XLSX with the columns of the
    registration import: name, e-mail, organisation code) or nobody: 400 with an error per
    line (``rows.<line>``) or for the ``file``."""
    user = _allowed(request, policies.may_invite)
    event = event_get(user=user, pk=event_id)
    made = service.invitations_import(
        actor=user, event=event, file=file, language=request_language(request)
    )
    return _created(made)


@router.post(
    "/events/{event_id}/invitations/remind", response={200: RemindedOut, **errors(403, 409)}
)
def remind_invitations(request: HttpRequest, event_id: int) -> Any:
    """Remind the caller's invitees who have not answered (not those reminded in the last
    hours); ``reminded``: how many were mailed."""
    user = _allowed(request, policies.may_invite)
    event = event_get(user=user, pk=event_id)
    return {"reminded": service.invitations_remind(actor=user, event=event)}


# ---- The invitee's (public) ------------------------------------------------------------------


class PublicInvitationOut(Schema):
    name: str
    email: str
    organisation: PublicOrganisationOut | None
    status: str
    answer: str
    can_register: bool
    can_decline: bool
    event: PublicEventOut

    @staticmethod
    def resolve_answer(obj: Any) -> str:
        return found.answer(obj)

    @staticmethod
    def resolve_can_register(obj: Any) -> bool:
        return found.invitation_can_register(obj)

    @staticmethod
    def resolve_can_decline(obj: Any) -> bool:
        return found.invitation_can_decline(obj)


class InvitationRegistered(Schema):
    id: int
    status: str
    manage_token: str
    position: int | None = None


class InvitationRegistrationExisting(Schema):
    id: int
    status: str
    position: int | None = None


@public_router.get("/public/invitations/{token}", response=PublicInvitationOut, auth=None)
def public_invitation(request: HttpRequest, token: str) -> Any:
    return found.invitation_by_token(token)


@public_router.post(
    "/public/invitations/{token}/registrations",
    response={
        201: InvitationRegistered,
        200: InvitationRegistrationExisting,
        **errors(403, 409),
    },
    auth=None,
)
def public_invitation_register(
    request: HttpRequest, token: str, payload: InvitationRegistrationIn
) -> Any:
    """Register the invited address (the body has no e-mail: the invitation's is used). 409
    ``invitation_answered`` when the invitation already holds an active registration."""
    invitation = found.invitation_by_token(token)
    outcome = service.invitation_register(
        invitation=invitation, data=payload, language=request_language(request)
    )
    registration = outcome.registration
    if not outcome.created:
        # The address held a registration already: its manage link goes to the address.
        return Status(
            200,
            {"id": registration.pk, "status": registration.status, "position": outcome.position},
        )
    return Status(
        201,
        {
            "id": registration.pk,
            "status": registration.status,
            "manage_token": registration.manage_token,
            "position": outcome.position,
        },
    )


@public_router.post(
    "/public/invitations/{token}/decline",
    response={200: PublicInvitationOut, **errors(409)},
    auth=None,
)
def public_invitation_decline(request: HttpRequest, token: str) -> Any:
    invitation = found.invitation_by_token(token)
    service.invitation_decline(invitation=invitation)
    return found.invitation_by_token(token)
