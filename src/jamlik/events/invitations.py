"""The pure rules of named invitations (docs/rules.md#events-invitations): what an invitation's
answer is, whether it may still be answered, and when an unanswered invitation is reminded.
No database access; ``services.invitations`` applies them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Days before the deadline (the event's registration close, else its start) on which the
# invitees who have not answered are reminded, once per day named.
REMINDER_DAYS = (7, 2)
# A reminder sent by hand (the button) skips whoever was reminded this recently: a double
# click, or the button pressed twice in one day, mails nobody twice.
MANUAL_REMINDER_GAP = timedelta(hours=20)

# What an invitation has come to, as the organiser's list and counts show it.
NOT_ANSWERED = "not_answered"
REGISTERED = "registered"
DECLINED = "declined"
ANSWERS = (REGISTERED, DECLINED, NOT_ANSWERED)

# The active statuses (models.ACTIVE_STATUSES; this module reads no models).
_ACTIVE_REGISTRATION = ("confirmed", "pending_approval", "offered", "waiting")


def answer_of(status: str, registration_status: str | None) -> str:
    """The invitee's answer: registered while the registration made through the invitation
    is active; a registration cancelled later counts as declined (the person does not come);
    invited without an answer is not answered."""
    if status == "declined":
        return DECLINED
    if status == "registered":
        return REGISTERED if registration_status in _ACTIVE_REGISTRATION else DECLINED
    return NOT_ANSWERED


def may_register(status: str, registration_status: str | None) -> bool:
    """Whether the invitation's link may register now: not yet answered, declined (a change
    of mind), or registered once but that registration is no longer active."""
    return answer_of(status, registration_status) != REGISTERED


def may_decline(status: str, registration_status: str | None) -> bool:
    """Declining is for an invitation without an active registration; a registered invitee
    cancels through the confirmation's manage link instead."""
    return status == "invited"


def deadline(starts_at: datetime, closes_at: datetime | None) -> datetime:
    """The moment the reminders count down to: registration's close, else the event's start."""
    return closes_at if closes_at is not None and closes_at < starts_at else starts_at


def due_reminder_point(
    starts_at: datetime,
    closes_at: datetime | None,
    at: datetime,
    days: tuple[int, ...] = REMINDER_DAYS,
) -> datetime | None:
    """The latest reminder moment (``deadline - n days``) that has come at ``at`` while the
    deadline is still ahead; None when no reminder is due now."""
    end = deadline(starts_at, closes_at)
    if at >= end:
        return None
    passed = [end - timedelta(days=n) for n in days if end - timedelta(days=n) <= at]
    return max(passed) if passed else None


@dataclass(frozen=True)
class Reminded:
    """When an invitation was made and last reminded (the fields the rule needs)."""

    invited_at: datetime
    reminded_at: datetime | None


def needs_reminder(invitation: Reminded, point: datetime) -> bool:
    """Once per reminder point: an unanswered invitation made before the point and not
    reminded since it. Someone invited after the point is not chased at once (their
    invitation is fresh), but at the next point."""
    if invitation.invited_at >= point:
        return False
    return invitation.reminded_at is None or invitation.reminded_at < point


def needs_manual_reminder(invitation: Reminded, at: datetime) -> bool:
    """The button: every unanswered invitation not reminded in the last ``MANUAL_REMINDER_GAP``."""
    return invitation.reminded_at is None or invitation.reminded_at <= at - MANUAL_REMINDER_GAP
