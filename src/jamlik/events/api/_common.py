"""What the Events and Public endpoints share: the two routers, field types, the caller and
organisation helpers, and the staff endpoints' schemas (their bodies are the input models of
``events/inputs.py``, imported here under the names other modules use)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import StrictInt

from jamlik.core.schemas import DateTimeOut
from jamlik.events import hybrid, links, policies, services
from jamlik.events.inputs import AllocationIn as AllocationIn
from jamlik.events.inputs import AllocationPatch as AllocationPatch
from jamlik.events.inputs import EventIn as EventIn
from jamlik.events.inputs import EventPatch as EventPatch
from jamlik.events.inputs import LinksSendIn as LinksSendIn
from jamlik.events.inputs import MessageIn as MessageIn
from jamlik.events.inputs import SessionIn as SessionIn
from jamlik.events.inputs import SessionPatch as SessionPatch

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


# ---- Schemas: events (the bodies are the input models of ``events/inputs.py``) -------------------


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
    invitation_only: bool = False
    waitlist_offer_hours: int | None = None
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
    unused_seat_reminder_days: list[int]
    needs_erase_after_days: int = 14  # privacy (added)
    # Hybrid (added; docs/rules.md#events-hybrid): the online seats (None: on site only) and
    # their figures, apart from the on-site ones above; the meeting link.
    online_capacity: int | None = None
    online_confirmed: int = Field(0, validation_alias="online_confirmed_count")
    online_held: int = Field(0, validation_alias="online_held_count")
    online_waiting: int = Field(0, validation_alias="online_waiting_count")
    online_free: int | None = None
    meeting_url: str = ""

    @staticmethod
    def resolve_online_free(obj: Any) -> int | None:
        return hybrid.online_room(obj).free if hybrid.is_hybrid(obj) else None

    @staticmethod
    def resolve_phase(obj: Any) -> str:
        return services.event_phase(obj)

    @staticmethod
    def resolve_public_url(obj: Any) -> str:
        return links.event_public_url(obj)


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


class SessionFields(Schema):
    """A session's fields that anyone may see."""

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


class SessionOut(SessionFields):
    """A session as the staff see it (with its meeting link, which the public never gets)."""

    meeting_url: str = ""  # hybrid (added)


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
    participation: str = "on_site"  # hybrid (added): on_site or online
    # Privacy: shown to the city only (whom the others' lists leave out anyway).
    protected_identity: bool = False

    @staticmethod
    def resolve_dietary(obj: Any, context: Any) -> str:
        return _needs_of(obj, "dietary", context)

    @staticmethod
    def resolve_accessibility(obj: Any, context: Any) -> str:
        return _needs_of(obj, "accessibility", context)

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


class MessageOut(Schema):
    id: int
    subject: str
    body: str
    statuses: list[str]
    recipients: int
    sent_at: DateTimeOut


def _needs_of(obj: Any, field: str, context: Any) -> str:
    """A registration's needs for those who may see whose they are (the city); "" for
    others, who see counts per need (``GET /events/{id}/needs``)."""
    request = (context or {}).get("request")
    if request is None or not policies.may_see_needs_of_people(getattr(request, "user", None)):
        return ""
    return str(getattr(obj, field, "") or "")
