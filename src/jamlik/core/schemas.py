"""Pydantic field types for the API, built on the same rules as the forms (validation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import BeforeValidator

from jamlik.core import validation
from jamlik.core.errors import Invalid
from jamlik.core.lookups import valid_id
from jamlik.core.scoping import Scope


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


def organisation_ref(pk: int | None, *, field: str, scope: Scope | None = None) -> Any:
    """The organisation a request body names by id; unknown or out-of-scope ids are a 400.

    Looked up through the app registry because core sits below the orgs app."""
    if pk is None:
        return None
    organisation_model = apps.get_model("orgs", "Organisation")
    organisation = organisation_model.objects.filter(pk=pk).first() if valid_id(pk) else None
    if organisation is None or (scope is not None and not scope.covers(organisation)):
        raise Invalid.field(field, _("Unknown organisation: %(id)s.") % {"id": pk})
    return organisation
