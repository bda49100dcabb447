"""What the Events and Public endpoints share: the two routers, field types, the caller and
organisation helpers, and the staff endpoints' schemas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import StrictBool, StrictInt

from jamlik.core.errors import Invalid
from jamlik.core.lookups import valid_id
from jamlik.core.schemas import (
    DateTimeIn,
    DateTimeOut,
    Ids,
    InputSchema,
    Name,
    OptionalEmail,
    OptionalName,
    OptionalText,
    Text,
)
from jamlik.core.scoping import scope_for
from jamlik.events import links, policies, services
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
