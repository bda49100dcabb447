"""The good examples shown beside the weakest requirements on the assessments results page,
contributed through assessments' extension point (``jamlik.assessments.panels``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from jamlik.reviews import selectors


def good_examples_panel(
    *, request: Any, campaign: Any, keys: Sequence[str]
) -> dict[str, SafeString]:
    """Up to three good examples per requirement (one query for all keys) and a link to
    write one; examples are the city's shared knowledge, visible to all staff."""
    found = selectors.examples_for_requirements(user=request.user, keys=keys)
    return {
        key: render_to_string(
            "reviews/partials/_requirement_examples.html",
            {"key": key, "examples": found.get(key, [])},
            request=request,
        )
        for key in keys
    }
