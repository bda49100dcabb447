"""The one hierarchy of rule failures.

Services raise these; pages turn them into form errors, the API into the JSON error body of
docs/api.md#errors (``{"detail", "code", "errors"}``) with the status the class names. Messages are lazy
translations, so they come out in the language of the request that shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class JamlikError(Exception):
    status: int = 400
    code: str = "invalid"
    default_message: Any = _("The request is invalid.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.errors = errors or []
        super().__init__(str(self.message))

    def as_body(self) -> dict[str, Any]:
        return {
            "detail": str(self.message),
            "code": self.code,
            "errors": [{"field": e["field"], "message": str(e["message"])} for e in self.errors],
        }


class Invalid(JamlikError):
    """400: the request is invalid in itself."""

    status = 400
    code = "invalid"

    @classmethod
    def field(cls, field: str, message: Any, *, code: str = "invalid") -> Invalid:
        return cls(message, code=code, errors=[{"field": field, "message": message}])

    @classmethod
    def from_validation_error(cls, exc: ValidationError) -> Invalid:
        errors: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for field, items in exc.error_dict.items():
                for item in items:
                    for message in item.messages:
                        errors.append({"field": field, "message": message})
        else:
            errors = [{"field": "__all__", "message": m} for m in exc.messages]
        first = errors[0]["message"] if errors else _("The request is invalid.")
        return cls(first, errors=errors)


class Conflict(JamlikError):
    """409: valid, but the rules refuse it now."""

    status = 409
    code = "conflict"
    default_message = _("The rules do not allow this right now.")


class NotFound(JamlikError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(JamlikError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class RateLimited(JamlikError):
    """429; ``retry_after`` (seconds until the limit's window ends) becomes the Retry-After
    header of the answer."""

    status = 429
    code = "rate_limited"
    default_message = _("Too many requests. Please wait a while and try again.")

    def __init__(self, message: Any = None, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def field_errors(errors: Mapping[str, Any]) -> Invalid:
    """One Invalid carrying several field messages."""
    items = [{"field": f, "message": m} for f, m in errors.items()]
    return Invalid(items[0]["message"], errors=items)
