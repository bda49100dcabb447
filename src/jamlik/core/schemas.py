"""Pydantic field types of the input models (core/inputs.py), built on the shared text rules
(validation.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictInt,
    ValidationInfo,
    model_validator,
)
from pydantic import ValidationError as SchemaError
from pydantic_core import InitErrorDetails, PydanticCustomError

from jamlik.core import validation
from jamlik.core.errors import Invalid
from jamlik.core.lookups import valid_id
from jamlik.core.scoping import Scope


class InputSchema(Schema):
    """The base of every request body schema (and of the schemas nested in one).

    ninja's ``Schema`` validates anything that is not a dict as an object whose attributes
    are the fields (its root validator wraps the value in a ``DjangoGetter``; output schemas
    need that for model instances). For input that meant a body of ``"text"`` became a
    payload whose ``title`` was ``str.title()`` and ``[null, null]`` one with every field
    at its default. Input comes from JSON, so an object is a dict: anything else is refused.
    Every string in the object, at any depth, must also be storable (``unusable_text``).
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: Any, info: ValidationInfo) -> Any:
        # Same name as ninja's validator, so it replaces it rather than wrapping it.
        if isinstance(values, cls):
            return values
        if not isinstance(values, dict):
            raise PydanticCustomError("dict_type", _("Enter a JSON object."))
        problems = _unusable_strings(values)
        if problems:
            raise SchemaError.from_exception_data(cls.__name__, problems)
        return handler(values)


# The default of a PATCH field whose type refuses null: it only marks the field as not sent
# (``exclude_unset``). ``Any`` because the checker must accept it as a default of any type.
NOT_SENT: Any = None

MAX_REPORTED = 20


def _unusable_strings(data: dict[str, Any]) -> list[InitErrorDetails]:
    # An explicit stack rather than recursion: JSON may nest deeper than Python recurses.
    problems: list[InitErrorDetails] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack and len(problems) < MAX_REPORTED:
        value, loc = stack.pop()
        if isinstance(value, str):
            message = validation.unusable_text(value)
            if message:
                error = PydanticCustomError("value_error", "{error}", {"error": message})
                problems.append(InitErrorDetails(type=error, loc=loc, input=value))
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, loc))
                stack.append((item, (*loc, key)))
        elif isinstance(value, list):
            stack.extend((item, (*loc, index)) for index, item in enumerate(value))
    return problems


def _pydantic(rule: Callable[..., str], **kwargs: Any) -> BeforeValidator:
    def check(value: Any) -> str:
        try:
            return rule(value, **kwargs)
        except ValidationError as exc:
            # pydantic reports a ValueError's text as the field's message.
            raise ValueError(exc.messages[0]) from None

    return BeforeValidator(check)


Name = Annotated[str, _pydantic(validation.clean_text, max_length=validation.NAME_MAX)]
OptionalName = Annotated[
    str, _pydantic(validation.clean_text, max_length=validation.NAME_MAX, required=False)
]
Text = Annotated[
    str, _pydantic(validation.clean_text, max_length=validation.TEXT_MAX, multiline=True)
]
OptionalText = Annotated[
    str,
    _pydantic(
        validation.clean_text, max_length=validation.TEXT_MAX, required=False, multiline=True
    ),
]
Comment = Annotated[
    str,
    _pydantic(
        validation.clean_text, max_length=validation.COMMENT_MAX, required=False, multiline=True
    ),
]
Email = Annotated[str, _pydantic(validation.clean_email)]
OptionalEmail = Annotated[str, _pydantic(validation.clean_email, required=False)]
Code = Annotated[str, _pydantic(validation.clean_code)]
Domain = Annotated[str, _pydantic(validation.clean_domain)]
Username = Annotated[str, _pydantic(validation.clean_text, max_length=150)]


def organisation_refs(ids: Iterable[Any], *, field: str, scope: Scope | None = None) -> list[Any]:
    """The organisations a request names by id, in the order named (each once), in one
    query; an unknown id, or one outside ``scope``, is a 400 on ``field``.

    Looked up through the app registry because core sits below the orgs app."""
    organisation_model = apps.get_model("orgs", "Organisation")
    unique = list(dict.fromkeys(ids))
    found = organisation_model.objects.in_bulk([pk for pk in unique if valid_id(pk)])
    for pk in unique:
        organisation = found.get(pk)
        if organisation is None or (scope is not None and not scope.covers(organisation)):
            raise Invalid.field(field, _("Unknown organisation: %(id)s.") % {"id": pk})
    return [found[pk] for pk in unique]


def organisation_ref(pk: Any, *, field: str, scope: Scope | None = None) -> Any:
    """One organisation named by id (None when none is named); see ``organisation_refs``."""
    return None if pk is None else organisation_refs([pk], field=field, scope=scope)[0]


def _pk(value: Any) -> Any:
    # Pages, the import, the demo and the Django admin name an object by instance, the API
    # by id.
    return value.pk if isinstance(value, models.Model) else value


# An object named by id (or by instance, from Python callers).
ModelId = Annotated[int | None, BeforeValidator(_pk)]


# ---- Times and ids (shared by the apps' API modules) ---------------------------------------------

MAX_IDS = 1000


def _iso_text(value: Any) -> Any:
    """Times come as ISO 8601 text; numbers (which pydantic would read as Unix seconds) and
    other types are refused."""
    if isinstance(value, (str, dt.datetime)):
        return value
    raise ValueError(_("Enter a valid date and time (ISO 8601)."))


def _local_iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def _stockholm(value: dt.datetime) -> dt.datetime:
    # A time without an offset is Stockholm time (the zone of the settings).
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# A time in a request body: ISO 8601 text only (or a datetime from a page's form); one
# without an offset is Stockholm time.
DateTimeIn = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_stockholm)]
# A time in an answer: ISO 8601 with the Stockholm offset.
DateTimeOut = Annotated[dt.datetime, PlainSerializer(_local_iso, return_type=str)]
# Ids in a request body: integers (no numeric strings), at most MAX_IDS of them.
Ids = Annotated[list[StrictInt], Field(max_length=MAX_IDS)]
