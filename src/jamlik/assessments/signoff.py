"""The rules of a named head's sign-off of a submitted response, as pure functions (no
database): the service gathers the state, asks ``decide`` and does what it answers.

- Only a submitted response may be signed off, and each submitted version once: accepted,
  or sent back ("changes requested").
- "Changes requested" needs a comment (the unit is told what to change) and reopens the
  response; the submitted versions and earlier sign-offs stay.
- Submitting again makes a new version, which needs a new sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jamlik.assessments.models import ResponseStatus, SignOffDecision
from jamlik.core.errors import Conflict, Invalid


class NotSignable(Conflict):
    code = "not_submitted"


class AlreadySignedOff(Conflict):
    code = "already_signed_off"


@dataclass(frozen=True)
class SignOffState:
    """What the rules look at: the response's status, the number of its latest submitted
    version (None before the first) and whether that version has a sign-off already."""

    status: str
    version: int | None
    signed: bool


@dataclass(frozen=True)
class Outcome:
    signed_off: bool  # the response now counts as signed off
    reopen: bool  # the response goes back to the unit


def comment_missing(decision: str, comment: str) -> bool:
    """Sending a response back needs a comment saying what should change."""
    return decision == SignOffDecision.CHANGES_REQUESTED and not (comment or "").strip()


def comment_message() -> str:
    return _("Say what should be changed.")


def refusal(state: SignOffState) -> Conflict | None:
    """Why the response cannot be signed off now, or None when it can (pages ask this to
    decide whether to show the form)."""
    if state.status != ResponseStatus.SUBMITTED or state.version is None:
        return NotSignable(_("Only a submitted response can be signed off."))
    if state.signed:
        return AlreadySignedOff(
            _("Version %(n)s has already been signed off.") % {"n": state.version}
        )
    return None


def decide(state: SignOffState, decision: str, comment: str = "") -> Outcome:
    """What a sign-off does, or the rule it breaks (Conflict 409, Invalid 400)."""
    problem = refusal(state)
    if problem is not None:
        raise problem
    if decision == SignOffDecision.ACCEPTED:
        return Outcome(signed_off=True, reopen=False)
    if decision != SignOffDecision.CHANGES_REQUESTED:
        raise Invalid.field("decision", _("Choose one of the allowed values."))
    if comment_missing(decision, comment):
        raise Invalid.field("comment", comment_message())
    return Outcome(signed_off=False, reopen=True)
