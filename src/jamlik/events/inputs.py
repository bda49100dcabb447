"""The input models of the events app's staff writes (docs/decisions/0022-input-models.md).

Each write is described once here: the API declares the model as its body, a page's form
hands its ``cleaned_data`` to the service, and the service starts with ``Model.take(data)``.
Fields carry the rules (``core/schemas.py``), validators the rules between fields that need no
database. What needs the database or the current state (the quota sum, seats taken, the
stored times a partial change is combined with) stays in the services.

The class names are those of the API's schemas (``EventIn``, ``EventPatch``, …): the OpenAPI
document names its components after them. For the same reason the classes have no
docstrings (pydantic would publish them as the schemas' descriptions).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from jamlik.core import validation
from jamlik.core.inputs import FieldError, Input
from jamlik.core.schemas import (
    Comment,
    DateTimeIn,
    Email,
    Ids,
    Name,
    OptionalEmail,
    OptionalName,
    OptionalText,
    Text,
)
from jamlik.events.models import Category, EventKind, EventStatus

# The bounds of the events app's own values, named once.
MAX_HOLD_HOURS = 24 * 60
DEFAULT_HOLD_HOURS = 72
MAX_CATEGORIES = 10
SPEAKERS_MAX = 1000
MAX_MESSAGE_STATUSES = 3
MAX_REMINDER_DAYS = 5
MAX_REMINDER_DAY = 365


# ---- Field types ---------------------------------------------------------------------------


def _in_category_order(value: list[Category]) -> list[Category]:
    # Stored once each, in the order of the choices, whatever order they were sent in.
    return [c for c in Category if c in value]


MEETING_URL_MAX = 500


def _meeting_url(value: Any) -> str:
    # Hybrid: a Teams link or any other https address (docs/rules.md#events-hybrid).
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Enter an https:// address."))
    value = value.strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError:
        raise ValueError(_("Enter an https:// address.")) from None
    return value


def _speakers(value: Any) -> str:
    try:
        return validation.clean_text(value, max_length=SPEAKERS_MAX, required=False)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


Time = DateTimeIn
MeetingUrl = Annotated[str, BeforeValidator(_meeting_url), Field(max_length=MEETING_URL_MAX)]
Participation = Literal["on_site", "online"]
Categories = Annotated[list[Category], AfterValidator(_in_category_order)]
Capacity = Annotated[StrictInt, Field(ge=1, le=validation.MAX_COUNT)]
Count = Annotated[StrictInt, Field(ge=0, le=validation.MAX_COUNT)]
HoldHours = Annotated[StrictInt, Field(ge=1, le=MAX_HOLD_HOURS)]
# The claim window of a seat offered from the waiting list (None: no offers, seats are given).
DEFAULT_OFFER_HOURS = 24
OfferHours = Annotated[StrictInt, Field(ge=1, le=MAX_HOLD_HOURS)]
# Days after the event when dietary and accessibility needs are erased (docs/rules.md#privacy).
DEFAULT_NEEDS_ERASE_DAYS = 14
NeedsEraseDays = Annotated[StrictInt, Field(ge=0, le=MAX_REMINDER_DAY)]
# Field(max_length) as well, so the OpenAPI document states the bound.
Speakers = Annotated[str, BeforeValidator(_speakers), Field(max_length=SPEAKERS_MAX)]


def _reminder_days(days: list[int]) -> list[int]:
    # Checked here, not per item, so that the error names the field (the form shows it there).
    if any(day < 1 or day > MAX_REMINDER_DAY for day in days):
        raise ValueError(
            _("Each day must be a whole number from 1 to %(max)s.") % {"max": MAX_REMINDER_DAY}
        )
    return sorted(set(days), reverse=True)


# Days before the release on which unused seats are chased: each once, latest last (7, 2).
ReminderDays = Annotated[
    list[StrictInt], AfterValidator(_reminder_days), Field(max_length=MAX_REMINDER_DAYS)
]
MessageStatus = Literal["confirmed", "pending_approval", "waiting"]


# ---- Rules between fields (also used by the services on the stored values) -------------------


def event_time_errors(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    opens_at: dt.datetime | None,
    quota_lock_until: dt.datetime | None,
    closes_at: dt.datetime | None,
) -> list[tuple[str, str]]:
    """Times in order: opens ≤ release ≤ closes ≤ end, opens < closes, start < end."""
    errors = []
    if ends_at <= starts_at:
        errors.append(("ends_at", _("The event must end after it starts.")))
    if opens_at and closes_at and closes_at <= opens_at:
        errors.append(("closes_at", _("Registration must close after it opens.")))
    if opens_at and opens_at >= ends_at:
        errors.append(("opens_at", _("Registration must open before the event ends.")))
    if closes_at and closes_at > ends_at:
        errors.append(("closes_at", _("Registration cannot close after the event has ended.")))
    if quota_lock_until:
        if opens_at and quota_lock_until < opens_at:
            message = _("The release date cannot come before registration opens.")
            errors.append(("quota_lock_until", message))
        if closes_at and quota_lock_until > closes_at:
            message = _("The release date cannot come after registration closes.")
            errors.append(("quota_lock_until", message))
        if quota_lock_until > ends_at:
            errors.append(("quota_lock_until", _("The release date cannot come after the event.")))
    return errors


def session_time_error(starts_at: dt.datetime, ends_at: dt.datetime) -> str | None:
    if ends_at <= starts_at:
        return _("The session must end after it starts.")
    return None


def _unchanged_when_null(model: Input, names: tuple[str, ...]) -> None:
    # In a change, null for a field that cannot be empty means "leave it as it is".
    for name in names:
        if name in model.model_fields_set and getattr(model, name) is None:
            model.model_fields_set.discard(name)


# ---- Events --------------------------------------------------------------------------------


class EventIn(Input):
    title: Name
    description: OptionalText = ""
    venue: OptionalName = ""
    starts_at: Time
    ends_at: Time
    capacity: Capacity
    opens_at: Time | None = None
    quota_lock_until: Time | None = None
    closes_at: Time | None = None
    categories: Categories = Field(
        default_factory=lambda: list(Category), min_length=1, max_length=MAX_CATEGORIES
    )
    approval_required: StrictBool = False
    approval_hold_hours: HoldHours = DEFAULT_HOLD_HOURS
    waitlist_enabled: StrictBool = True
    invitation_only: StrictBool = False
    waitlist_offer_hours: OfferHours | None = None
    kind: EventKind = EventKind.CONFERENCE
    status: EventStatus = EventStatus.DRAFT
    contact_email: OptionalEmail = ""
    unused_seat_reminder_days: ReminderDays = Field(default_factory=lambda: [7, 2])
    # Hybrid (docs/rules.md#events-hybrid): online seats (None: none) and the meeting link.
    online_capacity: Count | None = None
    meeting_url: MeetingUrl = ""
    needs_erase_after_days: NeedsEraseDays = DEFAULT_NEEDS_ERASE_DAYS

    @model_validator(mode="after")
    def _times_in_order(self) -> Self:
        errors = event_time_errors(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            opens_at=self.opens_at,
            quota_lock_until=self.quota_lock_until,
            closes_at=self.closes_at,
        )
        if errors:
            raise FieldError.many(errors, code="dates_order")
        return self


# What null means in a change: nothing for these (they cannot be empty), empty for the texts,
# "not set" for the optional times; a flag or a number cannot be null.
EVENT_NOT_NULL = ("title", "starts_at", "ends_at", "capacity", "categories", "kind", "status")


class EventPatch(Input):
    title: Name | None = None
    description: OptionalText | None = None
    venue: OptionalName | None = None
    starts_at: Time | None = None
    ends_at: Time | None = None
    capacity: Capacity | None = None
    opens_at: Time | None = None
    quota_lock_until: Time | None = None
    closes_at: Time | None = None
    categories: Categories | None = Field(None, min_length=1, max_length=MAX_CATEGORIES)
    approval_required: StrictBool | None = None
    approval_hold_hours: HoldHours | None = None
    waitlist_enabled: StrictBool | None = None
    invitation_only: StrictBool | None = None
    waitlist_offer_hours: OfferHours | None = None
    kind: EventKind | None = None
    status: EventStatus | None = None
    contact_email: OptionalEmail | None = None
    unused_seat_reminder_days: ReminderDays | None = None
    # Hybrid: null online_capacity ends online participation; null meeting_url empties it.
    online_capacity: Count | None = None
    meeting_url: MeetingUrl | None = None
    needs_erase_after_days: NeedsEraseDays | None = None

    @field_validator("meeting_url")
    @classmethod
    def _empty_meeting_url(cls, value: str | None) -> str:
        return value or ""

    @field_validator("description", "venue", "contact_email")
    @classmethod
    def _empty_text(cls, value: str | None) -> str:
        return value or ""

    @field_validator("approval_required", "waitlist_enabled", "invitation_only")
    @classmethod
    def _a_flag(cls, value: bool | None) -> bool:
        if value is None:
            raise ValueError(_("Enter true or false."))
        return value

    @field_validator("approval_hold_hours")
    @classmethod
    def _a_number(cls, value: int | None) -> int:
        if value is None:
            raise ValueError(_("Enter a whole number."))
        return value

    @model_validator(mode="after")
    def _null_leaves_unchanged(self) -> Self:
        _unchanged_when_null(
            self, (*EVENT_NOT_NULL, "unused_seat_reminder_days", "needs_erase_after_days")
        )
        return self


# ---- Allocations ---------------------------------------------------------------------------


class AllocationIn(Input):
    name: Name
    quota: Count
    organisations: Ids = Field(default_factory=list)


class AllocationPatch(Input):
    name: Name | None = None
    quota: Count | None = None
    organisations: Ids | None = None

    @model_validator(mode="after")
    def _null_leaves_unchanged(self) -> Self:
        _unchanged_when_null(self, ("name", "quota", "organisations"))
        return self


# ---- Programme -----------------------------------------------------------------------------


class SessionIn(Input):
    title: Name
    description: OptionalText = ""
    speakers: Speakers = ""
    room: OptionalName = ""
    starts_at: Time
    ends_at: Time
    capacity: Count | None = None
    meeting_url: MeetingUrl = ""  # hybrid

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        message = session_time_error(self.starts_at, self.ends_at)
        if message:
            raise FieldError("ends_at", message, code="dates_order")
        return self


class SessionPatch(Input):
    title: Name | None = None
    description: OptionalText | None = None
    speakers: Speakers | None = None
    room: OptionalName | None = None
    starts_at: Time | None = None
    ends_at: Time | None = None
    capacity: Count | None = None
    meeting_url: MeetingUrl | None = None  # hybrid; null empties it

    @field_validator("meeting_url")
    @classmethod
    def _empty_meeting_url(cls, value: str | None) -> str:
        return value or ""

    @field_validator("description", "speakers", "room")
    @classmethod
    def _empty_text(cls, value: str | None) -> str:
        return value or ""

    @model_validator(mode="after")
    def _null_leaves_unchanged(self) -> Self:
        _unchanged_when_null(self, ("title", "starts_at", "ends_at"))
        return self


# ---- Links and messages --------------------------------------------------------------------


class LinksSendIn(Input):
    organisations: Ids | None = None


class LostLinkRequest(Input):
    email: Email


class MessageIn(Input):
    subject: Name
    body: Text
    statuses: list[MessageStatus] | None = Field(
        None, min_length=1, max_length=MAX_MESSAGE_STATUSES
    )


# ---- Registrations -------------------------------------------------------------------------------

MAX_SESSIONS = 50
SessionIds = Annotated[list[StrictInt], Field(max_length=MAX_SESSIONS)]


class RegistrationIn(Input):
    """One person's registration. What depends on the event (its categories, whether a
    manager must approve, its sessions) is checked by the service."""

    name: Name
    email: Email
    category: str = Field(..., max_length=30)
    title: OptionalName = ""
    sessions: SessionIds = Field(default_factory=list)
    dietary: Comment = ""
    accessibility: Comment = ""
    manager_email: OptionalEmail = ""
    consent: StrictBool = False
    participation: Participation = "on_site"  # hybrid events only

    @model_validator(mode="after")
    def _known_category_and_consent(self) -> Self:
        problems = []
        if self.category not in Category.values:
            message = _("Choose one of the allowed values.")
            problems.append(("category", message, "category_not_allowed"))
        if self.consent is not True:
            message = _("Please accept the privacy notice to register.")
            problems.append(("consent", message, "consent_required"))
        if problems:
            code = problems[0][2] if len(problems) == 1 else "invalid"
            raise FieldError.many([(f, m) for f, m, _code in problems], code=code)
        return self


class PublicRegistrationIn(RegistrationIn):
    organisation: StrictInt | None = None


class SessionsIn(Input):
    sessions: SessionIds


class TransferIn(Input):
    name: Name
    email: Email


# ---- Sending the links to chosen organisations (the links page's preview) -----------------------


MAX_LINK_RECIPIENTS = 1000


def _form_id(value: Any) -> Any:
    # A checkbox's value is text: "12" is the id 12; anything else stays as sent (and fails).
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _some_organisations(value: list[int]) -> list[int]:
    if not value:
        raise ValueError(_("Choose at least one organisation."))
    return list(dict.fromkeys(value))


class LinksSendSelectionIn(Input):
    organisations: Annotated[
        list[Annotated[StrictInt, BeforeValidator(_form_id), Field(ge=1)]],
        Field(max_length=MAX_LINK_RECIPIENTS),
        AfterValidator(_some_organisations),
    ]


# ---- A coordinator registers another person (one by one; the import builds one per row) ----


def _known_category(value: str) -> str:
    # Empty: the service picks the event's own (employee when it takes employees).
    if value and value not in Category.values:
        raise ValueError(_("Choose one of the allowed values."))
    return value


StaffOrganisation = Annotated[StrictInt, BeforeValidator(_form_id), Field(ge=1)]


class StaffRegistrationIn(Input):
    organisation: StaffOrganisation
    name: Name
    email: Email
    category: Annotated[str, Field(max_length=30), AfterValidator(_known_category)] = ""
    title: OptionalName = ""
    dietary: Comment = ""
    accessibility: Comment = ""
    manager_email: OptionalEmail = ""
    participation: Participation = "on_site"  # hybrid events only
    # Kept out of every list that names people from the start (docs/rules.md#privacy-protected-identity);
    # only those who may see protected identities may set it (the service checks).
    protected_identity: bool = False


# ---- After the event: the evaluation's questions (docs/rules.md#events-evaluation) ----------

MAX_EVALUATION_QUESTIONS = 30
QUESTION_MAX = 500


def _question_text(value: Any) -> str:
    try:
        return validation.clean_text(value, max_length=QUESTION_MAX)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


QuestionText = Annotated[str, BeforeValidator(_question_text), Field(max_length=QUESTION_MAX)]


class EvaluationQuestionIn(Input):
    kind: Literal["scale", "yes_no", "text"]
    text: QuestionText
    required: StrictBool = False


class EvaluationIn(Input):
    intro: OptionalText = ""
    auto_send: StrictBool = True
    questions: Annotated[list[EvaluationQuestionIn], Field(max_length=MAX_EVALUATION_QUESTIONS)]


class AllocationProposalCopyIn(Input):
    target: Annotated[StrictInt, BeforeValidator(_form_id), Field(ge=1)]


# ---- Named invitations (services.invitations) ------------------------------------------------

MAX_INVITATIONS = 1000


class InvitationIn(Input):
    email: Email
    name: OptionalName = ""
    organisation: StaffOrganisation


class InvitationListIn(Input):
    invitations: Annotated[list[InvitationIn], Field(min_length=1, max_length=MAX_INVITATIONS)]


class InvitationRegistrationIn(RegistrationIn):
    # Not taken: the invitation's address is the registration's, whoever opened the link.
    email: OptionalEmail = ""

    @model_validator(mode="after")
    def _no_address(self) -> Self:
        if "email" in self.model_fields_set:
            raise FieldError(
                "email",
                _("The invitation is for its own address; the address cannot be changed."),
                code="email_not_editable",
            )
        return self
