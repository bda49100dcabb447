"""The Public endpoints (``/public/…``): no login, the token in the path is the credential;
their schemas and the shared registration step."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from pydantic import StrictInt

from jamlik.core.api import errors
from jamlik.core.clientip import client_address
from jamlik.core.errors import NotFound
from jamlik.core.i18n import request_language
from jamlik.core.schemas import (
    DateTimeOut,
    Email,
    InputSchema,
    organisation_ref,
)
from jamlik.events import downloads, hybrid, links, selectors, services
from jamlik.events.api._common import (
    SessionFields,
    public_router,
)
from jamlik.events.inputs import PublicRegistrationIn, RegistrationIn, SessionsIn, TransferIn
from jamlik.events.services.mail import meeting_links_of

# ==== Public (the token in the path is the credential) ==========================================================


class PublicSessionOut(SessionFields):
    """A session as anyone may see it (without its meeting link), and whether it is full."""

    full: bool = Field(..., validation_alias="is_full")


class RegistrationOptionsOut(Schema):
    """What a visitor can do now (docs/rules.md#events-visitor-options): whether a
    registration made now is taken, where it goes, why (a code) and in words."""

    can_register: bool
    outcome: Literal["seat", "waiting_list", "none"]
    reason: str | None
    message: str


def registration_options(event: Any, allocation: Any = None, *, via_link: bool) -> dict[str, Any]:
    options = selectors.options_for_visitor(event, allocation, via_link=via_link)
    return {
        "can_register": options.can_register,
        "outcome": options.outcome,
        "reason": options.reason,
        "message": selectors.visitor_message(event, options),
    }


class PublicEventOut(Schema):
    id: int
    title: str
    description: str
    venue: str
    kind: str
    status: str
    starts_at: DateTimeOut
    ends_at: DateTimeOut
    opens_at: DateTimeOut | None
    quota_lock_until: DateTimeOut | None
    closes_at: DateTimeOut | None
    categories: list[str]
    approval_required: bool
    waitlist_enabled: bool
    contact_email: str
    capacity: int
    free: int
    phase: str
    sessions: list[PublicSessionOut]
    # Hybrid (added): the online seats (None: on site only) and those left; no meeting link.
    online_capacity: int | None = None
    online_free: int | None = None
    # What a visitor of the public event page can do now (added; the link's own answer is
    # ``PublicLinkOut.registration``).
    registration: RegistrationOptionsOut

    @staticmethod
    def resolve_phase(obj: Any) -> str:
        return services.event_phase(obj)

    @staticmethod
    def resolve_online_free(obj: Any) -> int | None:
        return hybrid.online_room(obj).free if hybrid.is_hybrid(obj) else None

    @staticmethod
    def resolve_registration(obj: Any) -> dict[str, Any]:
        return registration_options(obj, via_link=False)

    @staticmethod
    def resolve_sessions(obj: Any) -> list[Any]:
        return list(selectors.session_list(event=obj))


class PublicOrganisationOut(Schema):
    id: int
    name: str
    code: str


class PublicAllocationOut(Schema):
    name: str
    quota: int
    free: int


class PublicLinkOut(Schema):
    event: PublicEventOut
    organisation: PublicOrganisationOut
    allocation: PublicAllocationOut | None
    phase: Literal["quota", "open", "closed"]
    closed_reason: str | None = None
    # What the visitor of this link can do now (added).
    registration: RegistrationOptionsOut


class RegistrationCreated(Schema):
    id: int
    status: str
    manage_token: str
    position: int | None = None


class RegistrationExisting(Schema):
    id: int
    status: str
    position: int | None = None


class MeetingLinkOut(Schema):
    """An online meeting link: the event's (``session`` null) or a session's."""

    url: str
    title: str
    session: int | None = None


class PublicRegistrationOut(Schema):
    id: int
    name: str
    email: str
    organisation: PublicOrganisationOut | None
    category: str
    title: str
    dietary: str
    accessibility: str
    manager_email: str
    status: str
    position: int | None = None
    hold_expires_at: DateTimeOut | None
    created_at: DateTimeOut
    checked_in_at: DateTimeOut | None
    calendar_url: str
    event: PublicEventOut
    sessions: list[PublicSessionOut]
    # Hybrid (added): on_site or online, and the meeting links (only while confirmed).
    participation: str = "on_site"
    meeting_links: list[MeetingLinkOut] = []

    @staticmethod
    def resolve_meeting_links(obj: Any) -> list[Any]:
        return meeting_links_of(obj, obj.event)

    @staticmethod
    def resolve_sessions(obj: Any) -> list[Any]:
        return list(obj.sessions.all())

    @staticmethod
    def resolve_position(obj: Any) -> int | None:
        return services.waiting_position(obj)

    @staticmethod
    def resolve_calendar_url(obj: Any) -> str:
        return links.calendar_url(obj)


class TransferOut(Schema):
    id: int
    name: str
    email: str
    organisation: int | None = Field(None, validation_alias="organisation_id")
    status: str
    position: int | None = None
    sessions: list[int]

    @staticmethod
    def resolve_sessions(obj: Any) -> list[int]:
        return list(obj.sessions.values_list("id", flat=True))

    @staticmethod
    def resolve_position(obj: Any) -> int | None:
        return services.waiting_position(obj)


class DecisionIn(InputSchema):
    decision: Literal["approve", "decline"]


class ApprovalOut(Schema):
    id: int
    name: str
    email: str
    organisation: PublicOrganisationOut | None
    status: str
    hold_expires_at: DateTimeOut | None
    event: PublicEventOut


class LostLinkIn(InputSchema):
    event: StrictInt
    email: Email


class Accepted(Schema):
    detail: str


def _register(
    request: HttpRequest,
    event: Any,
    organisation: Any,
    payload: RegistrationIn,
    *,
    via_link: bool,
) -> Any:
    outcome = services.registration_create(
        event=event,
        organisation=organisation,
        data=payload,
        language=request_language(request),
        via_link=via_link,
    )
    registration = outcome.registration
    if not outcome.created:
        # Knowing an address is not owning it: the token goes only to the address, by mail.
        body = {"id": registration.pk, "status": registration.status, "position": outcome.position}
        return Status(200, body)
    body = {
        "id": registration.pk,
        "status": registration.status,
        "manage_token": registration.manage_token,
        "position": outcome.position,
    }
    return Status(201, body)


@public_router.get("/public/links/{token}", response=PublicLinkOut, auth=None)
def public_link(request: HttpRequest, token: str) -> Any:
    link = selectors.link_by_token(token)
    seats = selectors.seats_for_visitor(link.event, link.organisation)
    allocation = seats.allocation
    return {
        "event": link.event,
        "organisation": link.organisation,
        "allocation": (
            {"name": allocation.name, "quota": allocation.quota, "free": seats.seats_left}
            if allocation is not None
            else None
        ),
        "phase": seats.phase,
        "closed_reason": seats.reason,
        "registration": {
            "can_register": seats.options.can_register,
            "outcome": seats.options.outcome,
            "reason": seats.options.reason,
            "message": selectors.visitor_message(link.event, seats.options),
        },
    }


@public_router.post(
    "/public/links/{token}/registrations",
    response={201: RegistrationCreated, 200: RegistrationExisting, **errors(409)},
    auth=None,
)
def public_link_register(request: HttpRequest, token: str, payload: RegistrationIn) -> Any:
    link = selectors.link_by_token(token)
    return _register(request, link.event, link.organisation, payload, via_link=True)


@public_router.get("/public/events/{event_id}", response=PublicEventOut, auth=None)
def public_event(request: HttpRequest, event_id: int) -> Any:
    return selectors.event_public_get(pk=event_id)


@public_router.post(
    "/public/events/{event_id}/registrations",
    response={201: RegistrationCreated, 200: RegistrationExisting, **errors(409)},
    auth=None,
)
def public_event_register(
    request: HttpRequest, event_id: int, payload: PublicRegistrationIn
) -> Any:
    event = selectors.event_public_get(pk=event_id)
    organisation = organisation_ref(payload.organisation, field="organisation")
    return _register(request, event, organisation, payload, via_link=False)


@public_router.get("/public/registrations/{token}", response=PublicRegistrationOut, auth=None)
def public_registration(request: HttpRequest, token: str) -> Any:
    return selectors.registration_by_manage_token(token)


@public_router.patch(
    "/public/registrations/{token}",
    response={200: PublicRegistrationOut, **errors(409)},
    auth=None,
)
def public_registration_sessions(request: HttpRequest, token: str, payload: SessionsIn) -> Any:
    registration = selectors.registration_by_manage_token(token)
    services.registration_change_sessions(registration=registration, sessions=payload.sessions)
    return selectors.registration_by_manage_token(token)


@public_router.post(
    "/public/registrations/{token}/cancel",
    response={200: PublicRegistrationOut, **errors(409)},
    auth=None,
)
def public_registration_cancel(request: HttpRequest, token: str) -> Any:
    registration = selectors.registration_by_manage_token(token)
    services.registration_cancel(registration=registration)
    return selectors.registration_by_manage_token(token)


@public_router.post(
    "/public/offers/{token}/claim",
    response={200: PublicRegistrationOut, **errors(409)},
    auth=None,
)
def public_offer_claim(request: HttpRequest, token: str) -> Any:
    """Claim the seat offered from the waiting list; ``token`` is the registration's manage
    token (the offer mail links to the manage page). Saying no thanks is the cancel above."""
    registration = selectors.registration_by_manage_token(token)
    services.offer_claim(registration=registration)
    return selectors.registration_by_manage_token(token)


@public_router.post(
    "/public/registrations/{token}/transfer",
    response={201: TransferOut, **errors(409)},
    auth=None,
)
def public_registration_transfer(request: HttpRequest, token: str, payload: TransferIn) -> Any:
    """Hand the seat to a colleague; the colleague gets their own manage link by mail (the
    answer does not carry it)."""
    registration = selectors.registration_by_manage_token(token)
    new = services.registration_transfer(
        registration=registration,
        data=payload,
        language=request_language(request),
    )
    return Status(201, new)


@public_router.get("/public/registrations/{token}/calendar.ics", auth=None)
def public_registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    return downloads.calendar_response(selectors.registration_by_manage_token(token))


@public_router.get("/public/approvals/{token}", response=ApprovalOut, auth=None)
def public_approval(request: HttpRequest, token: str) -> Any:
    return selectors.registration_by_approval_token(token)


@public_router.post(
    "/public/approvals/{token}", response={200: ApprovalOut, **errors(409)}, auth=None
)
def public_approval_decide(request: HttpRequest, token: str, payload: DecisionIn) -> Any:
    registration = selectors.registration_by_approval_token(token)
    services.approval_decide(registration=registration, approve=payload.decision == "approve")
    return selectors.registration_by_approval_token(token)


@public_router.post("/public/lost-link", response={202: Accepted, **errors(404, 429)}, auth=None)
def public_lost_link(request: HttpRequest, payload: LostLinkIn) -> Any:
    """The same 202 whether or not the address matched (nothing to learn from it)."""
    try:
        event = selectors.event_public_get(pk=payload.event)
    except NotFound:
        raise NotFound(_("Unknown event.")) from None
    services.lost_link_request(event=event, email=payload.email, client=client_address(request))
    detail = _(
        "If the address belongs to an organisation with a registration link for this "
        "event, the link is on its way to that address."
    )
    return Status(202, {"detail": detail})
