"""Reads of delegation inside a unit: a colleague's assignment by its token, a response's
assignments and the overview of who answered what. The response itself has already been
reached through its scope (``response_get``) or its respondent link (``response_for_token``);
an assignment is only ever looked up within that response."""

from __future__ import annotations

from typing import Any

from jamlik.assessments.assignments import Handed, overview
from jamlik.assessments.models import Assignment, Response
from jamlik.assessments.selectors.campaigns import TOKEN_RE
from jamlik.core.errors import NotFound


def assignment_for_token(token: str) -> Assignment:
    """The assignment of a colleague's link; 404 for an unknown or withdrawn token (the link
    stops working when withdrawn)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        raise NotFound()
    assignment = (
        Assignment.objects.select_related(
            "response",
            "response__campaign",
            "response__campaign__framework",
            "response__unit",
            "response__organisation",
        )
        .filter(token=token, withdrawn_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise NotFound()
    return assignment


def assignments_of(*, response: Response) -> list[Assignment]:
    """The response's assignments, oldest first, withdrawn ones included."""
    return list(response.assignments.select_related("created_by").order_by("created_at", "id"))


def assignment_get(*, response: Response, pk: Any) -> Assignment:
    """One assignment of the response; 404 for any other id."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    assignment = response.assignments.filter(pk=number).first()
    if assignment is None:
        raise NotFound()
    return assignment


def answered_through(*, response: Response) -> dict[str, tuple[int | None, Any]]:
    """requirement key → (the assignment its current answer came through or None, when it
    was saved), for the answers that hold a value or a comment."""
    return {
        key: (assignment_id, updated_at)
        for key, assignment_id, updated_at in response.answers.values_list(
            "requirement__key", "assignment_id", "updated_at"
        )
    }


def assignment_overview(
    *,
    response: Response,
    assignments: list[Assignment] | None = None,
    order: list[str] | None = None,
) -> list[Handed]:
    """Per requirement in framework order and active assignment: answered through it or not,
    and when (at most three queries; none without an active assignment)."""
    assignments = assignments_of(response=response) if assignments is None else assignments
    if not any(a.active for a in assignments):
        return []
    if order is None:
        order = list(
            response.campaign.framework.requirements.order_by("order").values_list("key", flat=True)
        )
    return overview(assignments, answered_through(response=response), order)
