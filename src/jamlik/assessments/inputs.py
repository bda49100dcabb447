"""The input models of every write in assessments (docs/decisions/0022-input-models.md).

Each write is described once here: the API declares the model as its body, a page's form
hands its ``cleaned_data`` to the service, and the service starts with ``Model.take(data)``.
Fields carry the rules (``core/schemas.py``), validators the rules between fields that need no
database; what needs the database (known requirements, a scale's values, organisations in
scope, the current dates of a campaign) stays in the services.

The service models hold what the user types; the API's bodies (``CampaignIn``, ``ActionIn``,
…) add the ids of the objects they name, which the handlers resolve within the caller's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, Self

from django.utils.translation import gettext as _
from pydantic import (
    BeforeValidator,
    Field,
    StrictInt,
    TypeAdapter,
    model_validator,
)
from pydantic import ValidationError as SchemaError

from jamlik.assessments.models import ActionStatus, SignOffDecision
from jamlik.assessments.signoff import comment_message, comment_missing
from jamlik.core.inputs import FieldError, Input, schema_errors
from jamlik.core.schemas import (
    Comment,
    DateTimeIn,
    Email,
    Ids,
    Name,
    OptionalName,
    OptionalText,
)

# The bounds of assessments' own counts, named once.
MAX_ANSWERS_PER_REQUEST = 500
MAX_RESPONDENTS = 20
MAX_REMINDER_DAYS = 365
KEY_MAX = 100
VALUE_MAX = 50


# ---- Field types -------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    # Dates come as ISO text (or a date from a page); numbers are refused.
    if isinstance(value, (str, dt.date)):
        return value
    raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))


DateIn = Annotated[dt.date, BeforeValidator(_iso_date)]
Key = Annotated[str, Field(max_length=KEY_MAX, pattern=r"^[A-Za-z0-9_-]+$")]
ReminderDays = Annotated[StrictInt, Field(ge=0, le=MAX_REMINDER_DAYS)]


def closes_after_opening(model: Any) -> Any:
    """A campaign closes after it opens (in a change, when both dates are sent)."""
    if model.opens_at and model.closes_at and model.closes_at <= model.opens_at:
        raise FieldError("closes_at", closing_message())
    return model


def closing_message() -> str:
    return _("The campaign must close after it opens.")


# ---- Campaigns ---------------------------------------------------------------------------


class CampaignInput(Input):
    """What a campaign's creator types; the framework and organisations are passed as
    objects (the page and the API resolve them within the user's scope)."""

    title: Name
    opens_at: DateTimeIn
    closes_at: DateTimeIn
    reminder_interval_days: ReminderDays = 7

    @model_validator(mode="after")
    def _closes_after_opening(self) -> Self:
        return closes_after_opening(self)


class CampaignIn(CampaignInput):
    """The API's body: the campaign and the ids of its framework and organisations."""

    framework: StrictInt
    organisations: Ids = Field(..., min_length=1)


class CampaignPatch(Input):
    """A change of a campaign: what is sent (null means "unchanged"). The order of the dates
    is checked here when both are sent, and against the stored ones by the service."""

    title: Name | None = None
    opens_at: DateTimeIn | None = None
    closes_at: DateTimeIn | None = None
    reminder_interval_days: ReminderDays | None = None

    @model_validator(mode="after")
    def _closes_after_opening(self) -> Self:
        return closes_after_opening(self)

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.given().items() if value is not None}


class InviteIn(Input):
    organisations: Ids = Field(default_factory=list)


class ExportIn(Input):
    """Start the XLSX export as a file job: the summary's filters, both optional."""

    organisation: StrictInt | None = None
    compare_to: StrictInt | None = None


class ReportExportIn(ExportIn):
    """Start the PDF report as a file job: the summary's filters and the first page of the
    committee's matter (as ``GET …/report.pdf`` takes them), all optional."""

    committee: OptionalName = ""
    date: dt.date | None = None
    diary_number: OptionalName = ""
    case_officer: OptionalName = ""
    summary: Comment = ""


class RespondentsIn(Input):
    respondents: Annotated[list[Email], Field(max_length=MAX_RESPONDENTS)]


# ---- Responses ---------------------------------------------------------------------------


class AnswerIn(Input):
    requirement: Key
    value: Annotated[str, Field(max_length=VALUE_MAX)] | None = None
    comment: Comment = ""


_ANSWERS = TypeAdapter(Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS_PER_REQUEST)])


def answers_take(answers: Iterable[AnswerIn | Mapping[str, Any]]) -> list[AnswerIn]:
    """The items of a PUT of answers, each an ``AnswerIn``; errors are named by the item's
    index (``3.comment``)."""
    try:
        return _ANSWERS.validate_python(list(answers))
    except SchemaError as exc:
        raise schema_errors(exc.errors()) from None


class SubmitIn(Input):
    submitted_by: OptionalName = ""


class ReopenIn(Input):
    reason: Comment = ""


# ---- Actions -----------------------------------------------------------------------------


class ActionInput(Input):
    """What an action's author types; the organisation and campaign are passed as objects."""

    requirement: Key
    title: Name
    description: OptionalText = ""
    owner: Name
    due: DateIn
    status: ActionStatus = ActionStatus.PLANNED


class ActionIn(ActionInput):
    """The API's body: the action and the ids of its organisation and campaign."""

    organisation: StrictInt
    campaign: StrictInt | None = None


class ActionChanges(Input):
    """A change of an action: what is sent (null means "unchanged")."""

    requirement: Key | None = None
    title: Name | None = None
    description: OptionalText | None = None
    owner: Name | None = None
    due: DateIn | None = None
    status: ActionStatus | None = None

    def changes(self) -> dict[str, Any]:
        # null leaves a required field as it is, but empties the optional description.
        given = self.given()
        if "description" in given and given["description"] is None:
            given["description"] = ""
        return {name: value for name, value in given.items() if value is not None}


class ActionPatch(ActionChanges):
    """The API's body; ``campaign: null`` removes the campaign."""

    organisation: StrictInt | None = None
    campaign: StrictInt | None = None


# ---- Sign-off ----------------------------------------------------------------------------


class SignOffIn(Input):
    """A named head's sign-off of a submitted response (page and API): the head may have no
    account, so their name and title are typed. "Changes requested" needs a comment, which
    goes to the unit; whether the response may be signed off now is the service's."""

    decision: SignOffDecision
    comment: Comment = ""
    signed_by_name: Name
    signed_by_title: Name

    @model_validator(mode="after")
    def _comment_when_sent_back(self) -> Self:
        if comment_missing(self.decision, self.comment):
            raise FieldError("comment", comment_message())
        return self


# ---- Assignments (delegation inside a unit) ----------------------------------------------


class AssignmentIn(Input):
    """Hand requirements of a response to a colleague (page and API): their address, an
    optional name, the requirement keys and the language of their mail. Whether the keys
    exist and the response is open is the service's."""

    email: Email
    name: OptionalName = ""
    requirement_keys: Annotated[list[Key], Field(min_length=1, max_length=MAX_ANSWERS_PER_REQUEST)]
    language: Literal["sv", "en"] = "sv"


# ---- Evidence (files that support an answer) ---------------------------------------------


class EvidenceIn(Input):
    """What goes with an evidence file (page and API): an optional diary number
    (diarienummer), the date the document took effect, and the id of the file it revises.
    The file itself is checked by ``assessments.evidence``; whether ``replaces`` is a current
    file of the same answer is the service's."""

    diary_number: OptionalName = ""
    effective_date: DateIn | None = None
    replaces: StrictInt | None = None
