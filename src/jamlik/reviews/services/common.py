"""What the reviews services share: rule failures and text cleaning (permissions are in
``reviews/policies.py``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from jamlik.core import validation
from jamlik.core.errors import Conflict, Invalid

MAX_MILESTONES = 100
MAX_REFERENCES = 50  # campaigns, workshops or requirement keys named in one request
DIARY_NUMBER_MAX = 50


class NotAWorkshop(Conflict):
    code = "not_a_workshop"
    default_message = gettext_lazy("Breakout groups can only be formed for a workshop.")


class NotesRecorded(Conflict):
    code = "breakout_notes_recorded"
    default_message = gettext_lazy(
        "Notes have been recorded for the groups, so they can no longer be formed anew. "
        "Move people by hand instead."
    )


class Cleaner:
    """Cleans several fields, collecting every error, then raises one Invalid."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def text(
        self,
        field: str,
        value: Any,
        *,
        max_length: int = validation.NAME_MAX,
        required: bool = True,
        multiline: bool = False,
    ) -> str:
        try:
            return validation.clean_text(
                value, max_length=max_length, required=required, multiline=multiline
            )
        except ValidationError as exc:
            self.add(field, exc.messages[0])
            return ""

    def long_text(self, field: str, value: Any) -> str:
        return self.text(
            field, value, max_length=validation.TEXT_MAX, required=False, multiline=True
        )

    def add(self, field: str, message: Any) -> None:
        self.errors.append({"field": field, "message": message})

    def check(self) -> None:
        if self.errors:
            raise Invalid(self.errors[0]["message"], errors=self.errors)
