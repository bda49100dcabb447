"""What the service modules share: the rule failures of assessments and the permission
checks."""

from __future__ import annotations

from typing import Any

from jamlik.assessments.inputs import (
    MAX_ANSWERS_PER_REQUEST,
    MAX_REMINDER_DAYS,
    MAX_RESPONDENTS,
)
from jamlik.assessments.models import Response
from jamlik.core.errors import Conflict, Invalid, NotFound
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

RESPONDENT_LABEL = "respondent link"

__all__ = [
    "MAX_ANSWERS_PER_REQUEST",
    "MAX_REMINDER_DAYS",
    "MAX_RESPONDENTS",
    "RESPONDENT_LABEL",
]


class FrameworkLocked(Conflict):
    code = "framework_locked"


class ResponseLocked(Conflict):
    code = "response_submitted"


class NotOpen(Conflict):
    code = "campaign_not_open"


class Incomplete(Invalid):
    code = "incomplete"


class NotSubmitted(Conflict):
    code = "not_submitted"


def actor_label(actor: Any, by_respondent: bool = False) -> str:
    if by_respondent or actor is None:
        return RESPONDENT_LABEL if by_respondent else "system"
    return getattr(actor, "display_name", None) or str(actor)


def require_in_scope(actor: Any, organisation: Organisation) -> None:
    """A staff actor must see the organisation; None (trusted) always does."""
    if actor is not None and not scope_for(actor).covers(organisation):
        raise NotFound()


def lock_response(response: Response) -> Response:
    return (
        Response.objects.select_for_update()
        .select_related("campaign", "campaign__framework", "unit")
        .get(pk=response.pk)
    )
