"""The input models of the organisation registry's writes (docs/decisions/0022-input-models.md).

``OrganisationIn`` creates an organisation (the API body, a page's form data, one row of an
import), ``OrganisationPatch`` changes some of its fields. The rules that need the registry
(unique codes, loops, moves within one's own subtree, a new end date against the stored
start) stay in ``orgs/services.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from jamlik.core import validation
from jamlik.core.inputs import FieldError, Input
from jamlik.core.schemas import NOT_SENT, Code, Domain, ModelId, Name, OptionalEmail
from jamlik.orgs.models import SHORT_NAME_MAX, Kind

MAX_DOMAINS = 50
MAX_OTHER_SUCCESSORS = 50


def _unique(domains: list[str]) -> list[str]:
    # "A.example" and "a.example" are one domain once cleaned; keep the first.
    return list(dict.fromkeys(domains))


def _short_name(value: object) -> str:
    try:
        return validation.clean_text(value, max_length=SHORT_NAME_MAX, required=False)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


OrganisationId = ModelId
# Optional: where the full name does not fit (the heat map); blank means the name.
ShortName = Annotated[str, BeforeValidator(_short_name)]
Domains = Annotated[list[Domain], Field(max_length=MAX_DOMAINS), AfterValidator(_unique)]


def _id_list(value: object) -> object:
    # Pages give a queryset or instances, the API a list of ids; null (PATCH) empties it.
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)):
        return value  # refused by the list type
    try:
        return [item.pk if isinstance(item, models.Model) else item for item in value]  # type: ignore[attr-defined]
    except TypeError:
        return value


# A split: the organisations besides the successor that took over part of this one.
OtherSuccessors = Annotated[
    list[int],
    BeforeValidator(_id_list),
    Field(max_length=MAX_OTHER_SUCCESSORS),
    AfterValidator(lambda ids: list(dict.fromkeys(ids))),
]


class _Dated(Input):
    """The rule both models share. No fields here: a base's fields would come first in the
    API's schemas."""

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        start: dt.date | None = getattr(self, "valid_from", None)
        end: dt.date | None = getattr(self, "valid_to", None)
        if start and end and end < start:
            raise FieldError("valid_to", _("The end date comes before the start date."))
        return self


class OrganisationIn(_Dated):
    code: Code
    name: Name
    kind: Kind
    parent: OrganisationId = None
    mailbox: OptionalEmail = ""
    domains: Domains = Field(default_factory=list)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: OrganisationId = None
    short_name: ShortName = ""
    other_successors: OtherSuccessors = Field(default_factory=list)


class OrganisationPatch(_Dated):
    # The defaults only mark a field as not sent: a null code, name, kind or domains is
    # validated like any other value and refused (400); a null mailbox empties it.
    code: Code = Field(NOT_SENT)
    name: Name = Field(NOT_SENT)
    kind: Kind = Field(NOT_SENT)
    parent: OrganisationId = None
    mailbox: OptionalEmail = Field(NOT_SENT)
    domains: Domains = Field(NOT_SENT)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: OrganisationId = None
    short_name: ShortName = Field(NOT_SENT)  # a null empties it
    other_successors: OtherSuccessors = Field(NOT_SENT)  # a null empties it
