"""The rules of delegation inside a unit (docs/rules.md#assessments-assignments), as pure
functions (no database): the service gathers the state, asks these and does what they answer.

- The unit's respondent (through the respondent link) and staff who may change the response
  hand requirements to a colleague by e-mail; the colleague gets a link of their own.
- Requirements can be handed out while the response may still be answered through a link:
  not submitted, and the campaign not closed (unless the response was reopened).
- A colleague's link answers only the requirements handed to it, with the respondent's
  rules (open campaign or reopened response), and stops working when withdrawn.
- One address has at most one active assignment per response (withdraw it to hand out
  other requirements, or send the same link again); a requirement may be handed to several.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jamlik.assessments.models import CampaignStatus, ResponseStatus
from jamlik.core.errors import Conflict, Forbidden, Invalid

# Each assignment sends a mail: a response hands out at most this many (withdrawn included).
MAX_ASSIGNMENTS_PER_RESPONSE = 50


class AssignmentClosed(Conflict):
    code = "response_not_open"


class AlreadyAssigned(Conflict):
    code = "already_assigned"


class AssignmentWithdrawn(Conflict):
    code = "assignment_withdrawn"


class TooManyAssignments(Conflict):
    code = "too_many_assignments"


class NotAssigned(Forbidden):
    code = "not_assigned"


@dataclass(frozen=True)
class ResponseState:
    """What the rules look at: the response's status and its campaign's status now."""

    status: str
    campaign_status: str


def open_for_links(state: ResponseState) -> Conflict | None:
    """Why requirements cannot be handed out (or a link be sent again) now, or None."""
    if state.status == ResponseStatus.SUBMITTED:
        return AssignmentClosed(_("The response has been submitted and can no longer be changed."))
    if state.status != ResponseStatus.REOPENED and state.campaign_status == CampaignStatus.CLOSED:
        return AssignmentClosed(
            _("The campaign is closed; ask your coordinator to reopen the response.")
        )
    return None


def keys_to_assign(requested: Iterable[str], framework_keys: Sequence[str]) -> list[str]:
    """The requested keys in the framework's order without repeats; unknown keys are 400."""
    wanted = list(requested)
    unknown = [key for key in wanted if key not in framework_keys]
    if unknown:
        raise Invalid.field(
            "requirement_keys",
            _("Unknown requirement: %(key)s.") % {"key": ", ".join(sorted(set(unknown)))},
        )
    if not wanted:
        raise Invalid.field("requirement_keys", _("Choose at least one requirement."))
    return [key for key in framework_keys if key in set(wanted)]


def check_new(
    *, email: str, active_emails: Iterable[str], count: int, state: ResponseState
) -> None:
    """A new assignment to ``email``: the response open for links, no active assignment to
    the same address, and fewer than the maximum so far."""
    problem = open_for_links(state)
    if problem is not None:
        raise problem
    if email.lower() in {e.lower() for e in active_emails}:
        raise AlreadyAssigned(
            _(
                "%(email)s already has a link to this response. Withdraw it first, or send "
                "the same link again."
            )
            % {"email": email}
        )
    if count >= MAX_ASSIGNMENTS_PER_RESPONSE:
        raise TooManyAssignments(
            _("A response can hand out at most %(n)s assignments.")
            % {"n": MAX_ASSIGNMENTS_PER_RESPONSE}
        )


def check_answerable(assigned: Sequence[str], keys: Iterable[str]) -> None:
    """A colleague's answers name only the requirements handed to them (403 otherwise, and
    nothing is saved)."""
    outside = sorted({key for key in keys if key not in assigned})
    if outside:
        raise NotAssigned(
            _("This link may only answer the requirements assigned to it, not: %(keys)s.")
            % {"keys": ", ".join(outside)}
        )


@dataclass(frozen=True)
class Handed:
    """One requirement handed to one colleague, for the respondent's overview."""

    assignment: Any
    key: str
    answered: bool  # the current answer was given through this assignment
    answered_at: Any  # when, else None
    answered_by_other: bool  # the requirement has an answer given by someone else


def overview(
    assignments: Sequence[Any], answers: dict[str, tuple[int | None, Any]], order: Sequence[str]
) -> list[Handed]:
    """Per requirement (framework order) and active assignment: answered or not, and when.
    ``answers`` maps a requirement key to (the assignment id the answer came through or
    None, the time it was saved)."""
    rows = []
    for key in order:
        for assignment in assignments:
            if not assignment.active or key not in assignment.requirement_keys:
                continue
            given = answers.get(key)
            mine = given is not None and given[0] == assignment.pk
            rows.append(
                Handed(
                    assignment=assignment,
                    key=key,
                    answered=mine,
                    answered_at=given[1] if mine and given else None,
                    answered_by_other=given is not None and not mine,
                )
            )
    return rows
