"""What the reviews services share: the conflicts they raise (input rules are the models of
``reviews/inputs.py``, permissions are in ``reviews/policies.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from jamlik.core.errors import Conflict
from jamlik.core.inputs import Input


class NotAWorkshop(Conflict):
    code = "not_a_workshop"
    default_message = gettext_lazy("Breakout groups can only be formed for a workshop.")


class NotesRecorded(Conflict):
    code = "breakout_notes_recorded"
    default_message = gettext_lazy(
        "Notes have been recorded for the groups, so they can no longer be formed anew. "
        "Move people by hand instead."
    )


# The default of a keyword argument that may also be None: left out means "keep as it is".
UNCHANGED: Any = object()


def known_fields(fields: Mapping[str, Any], model: type[Input]) -> None:
    """A misspelt keyword argument is a TypeError: the model would ignore it silently."""
    unknown = set(fields) - set(model.model_fields)
    if unknown:
        raise TypeError(f"unknown {model.__name__} fields: {sorted(unknown)}")
