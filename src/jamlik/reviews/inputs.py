"""The input models of the reviews app: one per write (docs/decisions/0022-input-models.md).

The API declares them as its bodies (the class names are those of the OpenAPI document); the
pages' forms hand their ``cleaned_data`` to the services, which call ``Model.take``. The rules
that need the database stay in the services: unknown or out-of-scope references, a workshop's
kind, an owner's account, the number of milestones a review already has.

References are ids here (``campaigns``, ``organisation``, …), as a request body names them.
The caller looks the objects up (the API by id and scope, a page through its form's choices)
and hands them to the service beside the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from jamlik.core import validation
from jamlik.core.inputs import Input
from jamlik.core.schemas import (
    Comment,
    InputSchema,
    Name,
    OptionalEmail,
    OptionalName,
    OptionalText,
    Text,
)
from jamlik.reviews.grouping import MAX_SIZE, MIN_SIZE

MAX_MILESTONES = 100
MAX_REFERENCES = 50  # campaigns, workshops or requirement keys named in one request
DIARY_NUMBER_MAX = 50
PHONE_MAX = 40  # BoardReport.case_officer_phone
MAX_SIGNATORIES = 3  # BoardReport.signatories
MAX_SEED = 2**63 - 1  # fits the BigIntegerField
# The earliest and latest due dates accepted: a typo such as 0202 or 20211 is an error.
EARLIEST_DUE = dt.date(2000, 1, 1)
LATEST_DUE = dt.date(2100, 12, 31)


# ---- Field types -------------------------------------------------------------------------------


def _date_value(value: Any, info: ValidationInfo) -> Any:
    """A date object; ISO text only in a request body, where ninja validates with the request
    in the context. A service called from Python with text has been handed the wrong thing."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and "request" in (info.context or {}):
        return value  # parsed by pydantic's date
    raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))


def _within_years(value: dt.date) -> dt.date:
    if not EARLIEST_DUE <= value <= LATEST_DUE:
        raise ValueError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DUE.isoformat(), "last": LATEST_DUE.isoformat()}
        )
    return value


DateIn = Annotated[dt.date, BeforeValidator(_date_value)]
DueDate = Annotated[DateIn, AfterValidator(_within_years)]


def _diary_number(value: Any) -> str:
    try:
        return validation.clean_text(value, max_length=DIARY_NUMBER_MAX, required=False)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


# ``Field(max_length)`` only shows the bound in the OpenAPI document: the text rule, which
# trims first, has checked it (and with its message) by then.
DiaryNumber = Annotated[str, Field(max_length=DIARY_NUMBER_MAX), BeforeValidator(_diary_number)]
References = Annotated[list[int], Field(max_length=MAX_REFERENCES)]
RequirementKeys = Annotated[list[str], Field(max_length=MAX_REFERENCES)]


# ---- Reviews and milestones --------------------------------------------------------------------


class MilestoneIn(Input):
    title: Name
    due: DueDate
    done: bool = False
    note: Comment = ""


# A change: the fields sent; null is the same as not sent. (Comments rather than docstrings
# here: a docstring would become the schema's description in the OpenAPI document.)
class MilestonePatch(Input):
    title: Name | None = None
    due: DueDate | None = None
    done: bool | None = None
    note: Comment | None = None


class ReviewIn(Input):
    title: Name
    purpose: OptionalText = ""
    campaigns: References = Field(default_factory=list)
    workshops: References = Field(default_factory=list)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=MAX_MILESTONES)
    committee: OptionalName = ""
    diary_number: DiaryNumber = ""
    case_officer: OptionalName = ""


# A change: the fields sent; null is the same as not sent.
class ReviewPatch(Input):
    title: Name | None = None
    purpose: OptionalText | None = None
    campaigns: References | None = None
    workshops: References | None = None
    committee: OptionalName | None = None
    diary_number: DiaryNumber | None = None
    case_officer: OptionalName | None = None


# ---- Breakout groups ---------------------------------------------------------------------------


class BreakoutsIn(Input):
    size: StrictInt = Field(ge=MIN_SIZE, le=MAX_SIZE)
    seed: StrictInt = Field(0, ge=0, le=MAX_SEED)


class MoveIn(Input):
    registration: int


class NotesIn(Input):
    shared: OptionalText = ""
    questions: OptionalText = ""
    wishes: OptionalText = ""


# ---- Good examples -----------------------------------------------------------------------------


def _requirement_keys(keys: list[str]) -> list[str]:
    """Trimmed, without repeats, in the order given (whether they exist is the service's)."""
    return list(dict.fromkeys(key.strip() for key in keys))


class ExampleIn(Input):
    title: Name
    text: Text
    organisation: int
    requirements: RequirementKeys = Field(default_factory=list)
    review: int | None = None

    @field_validator("requirements")
    @classmethod
    def _unique_keys(cls, keys: list[str]) -> list[str]:
        return _requirement_keys(keys)


# A change: the fields sent; null is the same as not sent, except for ``review``, where
# null takes the example off its review.
class ExamplePatch(Input):
    title: Name | None = None
    text: Text | None = None
    organisation: int | None = None
    requirements: RequirementKeys | None = None
    review: int | None = None

    @field_validator("requirements")
    @classmethod
    def _unique_keys(cls, keys: list[str] | None) -> list[str] | None:
        return None if keys is None else _requirement_keys(keys)


# ---- The board report --------------------------------------------------------------------------


def _phone(value: Any) -> str:
    try:
        return validation.clean_text(value, max_length=PHONE_MAX, required=False)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


# A phone number is text as the case officer writes it ("08-508 290 00"), one line.
Phone = Annotated[str, Field(max_length=PHONE_MAX), BeforeValidator(_phone)]
# The values of ``models.ReportType`` (the model's choices label them).
ReportTypeValue = Literal["tjansteutlatande", "information"]


# One who signs the report: both name and title are required.
class SignatoryIO(InputSchema):
    name: Name
    title: Name


# The report's fields: the API's answer, and (``ReportIn``) its request body.
class ReportIO(Schema):
    summary: OptionalText = ""
    method: OptionalText = ""
    results: OptionalText = ""
    workshop_lessons: OptionalText = ""
    joint_efforts: OptionalText = ""
    proposed_decision: OptionalText = ""
    committee: OptionalName = ""
    date: DateIn | None = None
    diary_number: DiaryNumber = ""
    case_officer: OptionalName = ""
    economic_assessment: OptionalText = ""
    ecological_assessment: OptionalText = ""
    social_assessment: OptionalText = ""
    cooperation: OptionalText = ""
    appendices: OptionalText = ""
    # Additions (docs/api.md): the report's type, the case officer's contact details and
    # the signature block.
    report_type: ReportTypeValue = "tjansteutlatande"
    case_officer_phone: Phone = ""
    case_officer_email: OptionalEmail = ""
    signatories: list[SignatoryIO] = Field(default_factory=list, max_length=MAX_SIGNATORIES)


class ReportIn(Input, ReportIO):
    """The same fields as a request body (ReportIO also answers with the stored report)."""


# ---- The yearly documentation (reviews/documentation.py) ---------------------------------------

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


class DocumentationIn(Input):
    """A new version of an organisation's yearly documentation. A section left out (or
    null) keeps the latest version's text, or the text drawn from the self-assessment when
    there is no version yet."""

    year: StrictInt = Field(..., ge=EARLIEST_YEAR, le=LATEST_YEAR)
    author: Name
    risks: OptionalText | None = None
    causes: OptionalText | None = None
    measures_taken: OptionalText | None = None
    measures_planned: OptionalText | None = None
    wage_survey: OptionalText | None = None
    follow_up: OptionalText | None = None
    cooperation: OptionalText | None = None
