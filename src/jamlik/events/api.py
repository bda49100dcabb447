"""The Events and Public endpoints (docs/api.md#endpoints-events), thin: parse, one service
or selector, answer.

Staff endpoints use the bearer token of core.api; the public ones (``/public/…``) have
``auth=None`` and take the token in the path as their credential."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from jamlik.core.api import errors, paginate
from jamlik.core.clientip import client_address
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.exports import csv_response, xlsx_response
from jamlik.core.i18n import request_language
from jamlik.core.lookups import valid_id
from jamlik.core.schemas import (
    Comment,
    DateTimeIn,
    DateTimeOut,
    Email,
    Ids,
    InputSchema,
    Name,
    OptionalEmail,
    OptionalName,
    OptionalText,
    Text,
)
from jamlik.core.scoping import scope_for
from jamlik.events import downloads, links, policies, selectors, services
from jamlik.events.models import Category, EventKind, EventStatus

router = Router(tags=["events"])
public_router = Router(tags=["public"])

MAX_SESSIONS = 50


# ---- Field types (the shared ones, DateTimeIn, DateTimeOut and Ids, are core.schemas') -------

SessionIds = Annotated[list[StrictInt], Field(max_length=MAX_SESSIONS)]


def _user(request: HttpRequest) -> Any:
    return request.user


def _allowed(request: HttpRequest, rule: Any) -> Any:
    """The caller, once ``rule`` (one of ``events.policies``) allows them; else 403 before
    anything is looked up."""
    user = _user(request)
    policies.require(rule, user)
    return user


def _organisations(ids: list[int], *, field: str, user: Any = None) -> list[Any]:
    """Organisations named by id in a body: unknown (or, with ``user``, out-of-scope) → 400."""
    from jamlik.orgs.models import Organisation

    unique = list(dict.fromkeys(ids))
    found = {
        o.pk: o for o in Organisation.objects.filter(pk__in=[i for i in unique if valid_id(i)])
    }
    scope = scope_for(user) if user is not None else None
    for pk in unique:
        org = found.get(pk)
        if org is None or (scope is not None and not scope.covers(org)):
            raise Invalid.field(field, _("Unknown organisation: %(id)s.") % {"id": pk})
    return [found[pk] for pk in unique]


# ---- Schemas: events ------------------------------------------------------------------------------


class EventIn(InputSchema):
    title: Name
    description: OptionalText = ""
    venue: OptionalName = ""
    starts_at: DateTimeIn
    ends_at: DateTimeIn
    capacity: StrictInt = Field(..., ge=1, le=1_000_000)
    opens_at: DateTimeIn | None = None
    quota_lock_until: DateTimeIn | None = None
    closes_at: DateTimeIn | None = None
    categories: list[Category] = Field(
        default_factory=lambda: list(Category), min_length=1, max_length=10
    )
    approval_required: StrictBool = False
    approval_hold_hours: StrictInt = Field(72, ge=1, le=24 * 60)
    waitlist_enabled: StrictBool = True
    kind: EventKind = EventKind.CONFERENCE
    status: EventStatus = EventStatus.DRAFT
    contact_email: OptionalEmail = ""


class EventPatch(InputSchema):
    title: Name | None = None
    description: OptionalText | None = None
    venue: OptionalName | None = None
    starts_at: DateTimeIn | None = None
    ends_at: DateTimeIn | None = None
    capacity: StrictInt | None = Field(None, ge=1, le=1_000_000)
    opens_at: DateTimeIn | None = None
    quota_lock_until: DateTimeIn | None = None
    closes_at: DateTimeIn | None = None
    categories: list[Category] | None = Field(None, min_length=1, max_length=10)
    approval_required: StrictBool | None = None
    approval_hold_hours: StrictInt | None = Field(None, ge=1, le=24 * 60)
    waitlist_enabled: StrictBool | None = None
    kind: EventKind | None = None
    status: EventStatus | None = None
    contact_email: OptionalEmail | None = None


class EventOut(Schema):
    id: int
    title: str
    description: str
    venue: str
    starts_at: DateTimeOut
    ends_at: DateTimeOut
    capacity: int
    opens_at: DateTimeOut | None
    quota_lock_until: DateTimeOut | None
    closes_at: DateTimeOut | None
    categories: list[str]
    approval_required: bool
    approval_hold_hours: int
    waitlist_enabled: bool
    kind: str
    status: str
    contact_email: str
    confirmed: int = Field(..., validation_alias="confirmed_count")
    held: int = Field(..., validation_alias="held_count")
    waiting: int = Field(..., validation_alias="waiting_count")
    free: int
    phase: str
    released_at: DateTimeOut | None
    public_url: str

    @staticmethod
    def resolve_phase(obj: Any) -> str:
        return services.event_phase(obj)

    @staticmethod
    def resolve_public_url(obj: Any) -> str:
        return links.event_public_url(obj)


class AllocationIn(InputSchema):
    name: Name
    quota: StrictInt = Field(..., ge=0, le=1_000_000)
    organisations: Ids = Field(default_factory=list)


class AllocationPatch(InputSchema):
    name: Name | None = None
    quota: StrictInt | None = Field(None, ge=0, le=1_000_000)
    organisations: Ids | None = None


class AllocationOut(Schema):
    id: int
    name: str
    quota: int
    organisations: list[int]
    confirmed: int = Field(..., validation_alias="confirmed_count")
    held: int = Field(..., validation_alias="held_count")
    waiting: int = Field(..., validation_alias="waiting_count")
    free: int

    @staticmethod
    def resolve_organisations(obj: Any) -> list[int]:
        return [m.organisation_id for m in obj.members.all()]


class SessionIn(InputSchema):
    title: Name
    description: OptionalText = ""
    speakers: Annotated[str, Field(max_length=1000)] = ""
    room: OptionalName = ""
    starts_at: DateTimeIn
    ends_at: DateTimeIn
    capacity: StrictInt | None = Field(None, ge=0, le=1_000_000)


class SessionPatch(InputSchema):
    title: Name | None = None
    description: OptionalText | None = None
    speakers: Annotated[str, Field(max_length=1000)] | None = None
    room: OptionalName | None = None
    starts_at: DateTimeIn | None = None
    ends_at: DateTimeIn | None = None
    capacity: StrictInt | None = Field(None, ge=0, le=1_000_000)


class SessionOut(Schema):
    id: int
    title: str
    description: str
    speakers: str
    room: str
    starts_at: DateTimeOut
    ends_at: DateTimeOut
    capacity: int | None
    taken: int = Field(..., validation_alias="taken_count")
    free: int | None


class LinkOut(Schema):
    organisation: int = Field(..., validation_alias="organisation_id")
    organisation_name: str
    token: str
    url: str
    sent_at: DateTimeOut | None
    created_at: DateTimeOut

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return links.organisation_link_url(obj)


class LinksSendIn(InputSchema):
    organisations: Ids | None = None


class LinksSent(Schema):
    sent: int
    organisations: list[int]


class RegistrationOut(Schema):
    id: int
    name: str
    email: str
    organisation: int | None = Field(None, validation_alias="organisation_id")
    allocation: int | None = Field(None, validation_alias="allocation_id")
    category: str
    title: str
    dietary: str
    accessibility: str
    manager_email: str
    status: str
    position: int | None = None
    sessions: list[int]
    created_at: DateTimeOut
    checked_in_at: DateTimeOut | None
    hold_expires_at: DateTimeOut | None

    @staticmethod
    def resolve_sessions(obj: Any) -> list[int]:
        return [s.pk for s in obj.sessions.all()]

    @staticmethod
    def resolve_position(obj: Any) -> int | None:
        return getattr(obj, "position", None)


class RegistrationFilter(Schema):
    status: str | None = Field(None, max_length=30)
    organisation: int | None = None
    q: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=64)


class MessageIn(InputSchema):
    subject: Name
    body: Text
    statuses: list[Literal["confirmed", "pending_approval", "waiting"]] | None = Field(
        None, min_length=1, max_length=3
    )


class MessageOut(Schema):
    id: int
    subject: str
    body: str
    statuses: list[str]
    recipients: int
    sent_at: DateTimeOut


# ---- Events -----------------------------------------------------------------------------------------


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.event_list(user=_user(request)))


@router.post("/events", response={201: EventOut, **errors(403)})
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    actor = _allowed(request, policies.may_edit_event)
    data = payload.model_dump()
    return Status(201, services.event_create(actor=actor, **data))


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: int) -> Any:
    return selectors.event_get(user=_user(request), pk=event_id)


@router.patch("/events/{event_id}", response={200: EventOut, **errors(403, 409)})
def update_event(request: HttpRequest, event_id: int, payload: EventPatch) -> Any:
    actor = _allowed(request, policies.may_edit_event)
    event = selectors.event_get(user=actor, pk=event_id)
    data = payload.model_dump(exclude_unset=True)
    return services.event_update(actor=actor, event=event, **data)


# ---- Allocations ---------------------------------------------------------------------------------------


@router.get("/events/{event_id}/allocations", response=list[AllocationOut])
def list_allocations(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    event = selectors.event_get(user=_user(request), pk=event_id)
    return paginate(request, response, selectors.allocation_list(user=_user(request), event=event))


@router.post("/events/{event_id}/allocations", response={201: AllocationOut, **errors(403)})
def create_allocation(request: HttpRequest, event_id: int, payload: AllocationIn) -> Any:
    actor = _allowed(request, policies.may_manage_allocations)
    event = selectors.event_get(user=actor, pk=event_id)
    allocation = services.allocation_create(
        actor=actor,
        event=event,
        name=payload.name,
        quota=payload.quota,
        organisations=_organisations(payload.organisations, field="organisations"),
    )
    return Status(201, selectors.allocation_get(user=actor, event=event, pk=allocation.pk))


@router.patch(
    "/events/{event_id}/allocations/{allocation_id}",
    response={200: AllocationOut, **errors(403, 409)},
)
def update_allocation(
    request: HttpRequest, event_id: int, allocation_id: int, payload: AllocationPatch
) -> Any:
    actor = _allowed(request, policies.may_manage_allocations)
    event = selectors.event_get(user=actor, pk=event_id)
    allocation = selectors.allocation_get(user=actor, event=event, pk=allocation_id)
    data = payload.model_dump(exclude_unset=True)
    if data.get("organisations") is not None:
        data["organisations"] = _organisations(data["organisations"], field="organisations")
    services.allocation_update(actor=actor, allocation=allocation, **data)
    return selectors.allocation_get(user=actor, event=event, pk=allocation.pk)


@router.delete(
    "/events/{event_id}/allocations/{allocation_id}", response={204: None, **errors(403, 409)}
)
def delete_allocation(request: HttpRequest, event_id: int, allocation_id: int) -> Any:
    actor = _allowed(request, policies.may_manage_allocations)
    event = selectors.event_get(user=actor, pk=event_id)
    allocation = selectors.allocation_get(user=actor, event=event, pk=allocation_id)
    services.allocation_delete(actor=actor, allocation=allocation)
    return Status(204, None)


# ---- Programme ------------------------------------------------------------------------------------------


@router.get("/events/{event_id}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    event = selectors.event_get(user=_user(request), pk=event_id)
    return paginate(request, response, selectors.session_list(event=event))


@router.post("/events/{event_id}/sessions", response={201: SessionOut, **errors(403)})
def create_session(request: HttpRequest, event_id: int, payload: SessionIn) -> Any:
    actor = _allowed(request, policies.may_manage_programme)
    event = selectors.event_get(user=actor, pk=event_id)
    return Status(201, services.session_create(actor=actor, event=event, **payload.model_dump()))


@router.patch("/events/{event_id}/sessions/{session_id}", response={200: SessionOut, **errors(403)})
def update_session(
    request: HttpRequest, event_id: int, session_id: int, payload: SessionPatch
) -> Any:
    actor = _allowed(request, policies.may_manage_programme)
    event = selectors.event_get(user=actor, pk=event_id)
    session = selectors.session_get(event=event, pk=session_id)
    data = payload.model_dump(exclude_unset=True)
    return services.session_update(actor=actor, session=session, **data)


@router.delete("/events/{event_id}/sessions/{session_id}", response={204: None, **errors(403)})
def delete_session(request: HttpRequest, event_id: int, session_id: int) -> Any:
    actor = _allowed(request, policies.may_manage_programme)
    event = selectors.event_get(user=actor, pk=event_id)
    services.session_delete(actor=actor, session=selectors.session_get(event=event, pk=session_id))
    return Status(204, None)


# ---- Links -------------------------------------------------------------------------------------------------


@router.get("/events/{event_id}/links", response=list[LinkOut])
def list_links(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    event = selectors.event_get(user=_user(request), pk=event_id)
    return paginate(request, response, selectors.link_list(user=_user(request), event=event))


@router.post("/events/{event_id}/links/send", response={202: LinksSent})
def send_links(request: HttpRequest, event_id: int, payload: LinksSendIn) -> Any:
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    scope = scope_for(user)
    if payload.organisations is None:
        organisations = (
            None
            if scope.everything
            else [link.organisation for link in selectors.link_list(user=user, event=event)]
        )
    else:
        organisations = _organisations(payload.organisations, field="organisations", user=user)
    sent = services.links_send(actor=user, event=event, organisations=organisations)
    return Status(
        202, {"sent": len(sent), "organisations": [link.organisation_id for link in sent]}
    )


@router.post("/events/{event_id}/links/{organisation_id}/regenerate", response={201: LinkOut})
def regenerate_link(request: HttpRequest, event_id: int, organisation_id: int) -> Any:
    """Revoke an organisation's link and make a new one (the old token stops working)."""
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    link = selectors.link_get(user=user, event=event, organisation_id=organisation_id)
    return Status(201, services.link_regenerate(actor=user, link=link))


# ---- Registrations, check-in, exports ---------------------------------------------------------------------


def _organisation_filter(user: Any, organisation_id: int | None) -> Any:
    if organisation_id is None:
        return None
    from jamlik.orgs.models import Organisation

    org = (
        Organisation.objects.filter(pk=organisation_id).first()
        if valid_id(organisation_id)
        else None
    )
    if org is None:
        raise Invalid.field(
            "organisation", _("Unknown organisation: %(id)s.") % {"id": organisation_id}
        )
    return org


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut])
def list_registrations(
    request: HttpRequest,
    response: HttpResponse,
    event_id: int,
    filters: Query[RegistrationFilter],
) -> Any:
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    registrations = selectors.registration_list(
        user=user,
        event=event,
        status=filters.status,
        organisation=_organisation_filter(user, filters.organisation),
        q=filters.q,
        code=filters.code,
    )
    return selectors.with_positions(paginate(request, response, registrations), event)


def _registration(
    request: HttpRequest, event_id: int, registration_id: int
) -> tuple[Any, Any, Any]:
    """The caller, the event and one of its registrations the caller may see (else 404)."""
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    return user, event, selectors.registration_get(user=user, event=event, pk=registration_id)


@router.get("/events/{event_id}/registrations/{registration_id}", response=RegistrationOut)
def get_registration(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    _, event, registration = _registration(request, event_id, registration_id)
    return selectors.with_positions([registration], event)[0]


def _act_on_registration(
    request: HttpRequest, event_id: int, registration_id: int, action: Any
) -> Any:
    """Run one service (``action(registration=, actor=)``) on a registration the caller may
    see, and answer with the registration as it is afterwards."""
    user, event, registration = _registration(request, event_id, registration_id)
    action(registration=registration, actor=user)
    return selectors.registration_get(user=user, event=event, pk=registration_id)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **errors(409)},
)
def cancel_registration(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    return _act_on_registration(request, event_id, registration_id, services.registration_cancel)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/anonymise",
    response={200: RegistrationOut, **errors(403, 409)},
)
def anonymise_registration(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    """Erase the person's data on request (city coordinators and admins; 403 otherwise). An
    active registration is cancelled first; the registration stays for the statistics."""
    return _act_on_registration(request, event_id, registration_id, services.registration_anonymise)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/check-in",
    response={200: RegistrationOut, **errors(409)},
)
def check_in(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    return _act_on_registration(request, event_id, registration_id, services.registration_check_in)


@router.delete(
    "/events/{event_id}/registrations/{registration_id}/check-in", response=RegistrationOut
)
def undo_check_in(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    return _act_on_registration(
        request, event_id, registration_id, services.registration_check_in_undo
    )


def _export_name(event: Any, extension: str) -> str:
    return f"anmalningar-{event.pk}.{extension}"


@router.get("/events/{event_id}/export.csv")
def export_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    rows = selectors.export_rows(user=user, event=event)
    return csv_response(_export_name(event, "csv"), selectors.EXPORT_HEADER, rows)


@router.get("/events/{event_id}/export.xlsx")
def export_xlsx(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    rows = selectors.export_rows(user=user, event=event)
    return xlsx_response(
        _export_name(event, "xlsx"),
        [(_("Registrations"), selectors.EXPORT_HEADER, rows)],
    )


@router.get("/events/{event_id}/badges.pdf")
def badges_pdf(request: HttpRequest, event_id: int) -> HttpResponse:
    """Name badges of the confirmed participants the caller may see (A4, 8 a sheet)."""
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    return downloads.badges_response(event, selectors.badge_registrations(user=user, event=event))


# ---- Messages to participants -----------------------------------------------------------------------------


@router.get("/events/{event_id}/messages", response=list[MessageOut])
def list_messages(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    return paginate(request, response, selectors.message_list(user=user, event=event))


@router.post("/events/{event_id}/messages", response={202: MessageOut})
def send_message(request: HttpRequest, event_id: int, payload: MessageIn) -> Any:
    """Mail a message to the event's participants (confirmed and held unless ``statuses``
    says otherwise); an org coordinator reaches the people of their organisation only."""
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    message = services.event_message_send(
        actor=user,
        event=event,
        subject=payload.subject,
        body=payload.body,
        statuses=payload.statuses,
    )
    return Status(202, message)


# ==== Public (the token in the path is the credential) ==========================================================


class PublicSessionOut(Schema):
    id: int
    title: str
    description: str
    speakers: str
    room: str
    starts_at: DateTimeOut
    ends_at: DateTimeOut
    capacity: int | None
    taken: int = Field(..., validation_alias="taken_count")
    free: int | None
    full: bool = Field(..., validation_alias="is_full")


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

    @staticmethod
    def resolve_phase(obj: Any) -> str:
        return services.event_phase(obj)

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


class RegistrationIn(InputSchema):
    name: Name
    email: Email
    category: str = Field(..., max_length=30)
    title: OptionalName = ""
    sessions: SessionIds = Field(default_factory=list)
    dietary: Comment = ""
    accessibility: Comment = ""
    manager_email: OptionalEmail = ""
    consent: StrictBool = False


class PublicRegistrationIn(RegistrationIn):
    organisation: StrictInt | None = None


class RegistrationCreated(Schema):
    id: int
    status: str
    manage_token: str
    position: int | None = None


class RegistrationExisting(Schema):
    id: int
    status: str
    position: int | None = None


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

    @staticmethod
    def resolve_sessions(obj: Any) -> list[Any]:
        return list(obj.sessions.all())

    @staticmethod
    def resolve_position(obj: Any) -> int | None:
        return services.waiting_position(obj)

    @staticmethod
    def resolve_calendar_url(obj: Any) -> str:
        return links.calendar_url(obj)


class SessionsIn(InputSchema):
    sessions: SessionIds


class TransferIn(InputSchema):
    name: Name
    email: Email


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
        name=payload.name,
        email=payload.email,
        category=payload.category,
        title=payload.title,
        dietary=payload.dietary,
        accessibility=payload.accessibility,
        manager_email=payload.manager_email,
        sessions=payload.sessions,
        consent=payload.consent,
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
    organisation = (
        _organisations([payload.organisation], field="organisation")[0]
        if (payload.organisation is not None)
        else None
    )
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
        name=payload.name,
        email=payload.email,
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


router.add_router("", public_router)
