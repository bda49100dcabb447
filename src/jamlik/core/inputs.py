"""One input model per write (docs/decisions/0022-input-models.md).

Every write a user can make — through the API or a page — is described once, by a pydantic
model that subclasses ``Input``: its fields carry the bounds and text rules (the annotated
types of ``core/schemas.py``), its validators the rules between fields that need no database.
The API declares the model as its body, so ninja validates it; a page's form only parses the
widgets' text (dates, numbers, checkboxes) and hands its ``cleaned_data`` to the service; the
service calls ``Model.take(data)``, which accepts the model itself (no second validation) or
a mapping (validated now). A failure is one ``Invalid`` with an error per field, the same 400
in the API and on the page.

A partial change (PATCH) is a model whose fields all have a default; ``given()`` returns
only the fields that were sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Self, cast

from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError

from jamlik.core.errors import Invalid
from jamlik.core.schemas import InputSchema


class FieldError(ValueError):
    """A rule between fields, raised in a model validator, that names the field (or fields)
    its message belongs on: pydantic reports a model validator's error on the model as a
    whole. ``code`` is the rule's own error code (docs/api.md#errors)."""

    def __init__(self, field: str, message: Any, *, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.items: list[tuple[str, Any]] = [(field, message)]
        self.code = code

    @classmethod
    def many(cls, items: Iterable[tuple[str, Any]], *, code: str = "invalid") -> FieldError:
        first, *rest = list(items)
        error = cls(*first, code=code)
        error.items.extend(rest)
        return error


class Input(InputSchema):
    """The base of every input model."""

    @classmethod
    def take(cls, data: Self | Mapping[str, Any] | None = None, /, **fields: Any) -> Self:
        """``data`` as this model: itself if it already is one, else validated now.

        Keyword arguments are the mapping's items (services are called either way)."""
        if isinstance(data, cls):
            return data
        values = {**(cast(Mapping[str, Any], data) or {}), **fields}
        try:
            return cls.model_validate(values)
        except SchemaError as exc:
            raise schema_errors(exc.errors()) from None

    def given(self) -> dict[str, Any]:
        """The fields that were sent (all of them for a model built from a whole form)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def field_name(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "__all__"


def schema_errors(items: Iterable[Any]) -> Invalid:
    """pydantic's error list as one ``Invalid``, a message per field in the request's
    language."""
    errors: list[dict[str, Any]] = []
    codes: set[str] = set()
    for item in items:
        cause = (item.get("ctx") or {}).get("error")
        loc = tuple(item.get("loc", ()))
        if isinstance(cause, FieldError):
            codes.add(cause.code)
            errors.extend(
                {"field": field_name((*loc, field)), "message": str(message)}
                for field, message in cause.items
            )
        else:
            codes.add("invalid")
            errors.append({"field": field_name(loc), "message": schema_message(item)})
    detail = _("The request is invalid: %(message)s") % {
        "message": errors[0]["message"] if errors else ""
    }
    # A rule's own code (``dates_order``) when it is the only kind of error.
    return Invalid(detail, code=codes.pop() if len(codes) == 1 else "invalid", errors=errors)


def schema_message(item: Mapping[str, Any]) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "string_too_long": _("At most %(n)s characters.") % {"n": ctx.get("max_length", "")},
        "string_too_short": _("This field cannot be blank."),
        "too_long": _("Too many items."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "datetime_parsing": _("Enter a valid date and time (ISO 8601)."),
        "datetime_from_date_parsing": _("Enter a valid date and time (ISO 8601)."),
        "datetime_type": _("Enter a valid date and time (ISO 8601)."),
        "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_type": _("Enter a valid date (YYYY-MM-DD)."),
        "string_type": _("Enter text."),
        "list_type": _("Enter a list."),
        "enum": _("Choose one of the allowed values."),
        "literal_error": _("Choose one of the allowed values."),
        "greater_than_equal": _("Must be at least %(n)s.") % {"n": ctx.get("ge", "")},
        "less_than_equal": _("Must be at most %(n)s.") % {"n": ctx.get("le", "")},
        "greater_than": _("Must be greater than %(n)s.") % {"n": ctx.get("gt", "")},
        "model_attributes_type": _("Enter a JSON object."),
        "dict_type": _("Enter a JSON object."),
        "json_invalid": _("The body is not valid JSON."),
        "value_error": str(ctx.get("error", "")) or _("Invalid value."),
        "string_pattern_mismatch": _("Invalid format."),
        "int_from_float": _("Enter a whole number."),
        "too_short": _("Too few items."),
        "extra_forbidden": _("Unknown field."),
    }
    return str(messages.get(kind, _("Invalid value.")))
