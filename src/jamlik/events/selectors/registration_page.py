"""One registration's organiser page: facts, what may be done, the timeline and the history in
words. A fixed number of queries however long the history is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jamlik.events import clock
from jamlik.events.models import (
    Event,
    Registration,
    Session,
    Status,
)
from jamlik.events.selectors.events import TimeSlot, programme
from jamlik.events.selectors.registrations import (
    HISTORY_LIMIT,
    registration_history,
    registration_transfers,
)

# ---- One registration ---------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: Any
    text: str
    # The other registration of a hand-over, when the user may see it.
    link: Registration | None = None


@dataclass
class HistoryRow:
    at: Any
    who: str
    what: str
    link: Registration | None = None


@dataclass
class RegistrationPage:
    """Everything the organiser's page of one registration shows; a fixed number of queries
    however many registrations the organisation has and however long the history is."""

    registration: Registration
    sessions: list[Session]
    slots: list[TimeSlot]
    position: int | None
    transferred_to: Registration | None
    transferred_from: Registration | None
    timeline: list[TimelineItem]
    history: list[HistoryRow]
    history_truncated: bool
    can_change: bool
    can_cancel: bool
    can_check_in: bool
    can_undo_check_in: bool
    can_resend: bool
    can_erase: bool


def registration_page(*, user: Any, event: Event, registration: Registration) -> RegistrationPage:
    """The page of a registration already read through ``registration_get`` (so in
    the user's scope, of this event)."""
    from jamlik.events import services

    registration.event = event
    now = clock.now()
    slots = programme(event)
    titles = {s.pk: s.title for slot in slots for s in slot.sessions}
    transfers = registration_transfers(user=user, registration=registration)
    entries = registration_history(registration=registration)
    limit = HISTORY_LIMIT
    return RegistrationPage(
        registration=registration,
        sessions=list(registration.sessions.all()),
        slots=slots,
        position=services.waiting_position(registration),
        transferred_to=transfers["to"],
        transferred_from=transfers["from"],
        timeline=_timeline(registration, transfers),
        history=[_history_row(e, titles, transfers) for e in entries[:limit]],
        history_truncated=len(entries) > limit,
        can_change=bool(slots)
        and services.registration_may_change_sessions(registration, event, now),
        can_cancel=services.registration_may_cancel(registration, event, now),
        can_check_in=registration.status == Status.CONFIRMED and not registration.checked_in_at,
        can_undo_check_in=registration.checked_in_at is not None,
        can_resend=registration.anonymised_at is None,
        can_erase=services.registration_may_erase(actor=user, registration=registration),
    )


def _timeline(registration: Registration, transfers: dict[str, Any]) -> list[TimelineItem]:
    r = registration
    came_from = transfers["from"]
    items = [
        TimelineItem(r.created_at, _("Registration made"))
        if came_from is None
        else TimelineItem(r.created_at, _("Took over the seat of"), came_from)
    ]
    if r.consent_at:
        items.append(TimelineItem(r.consent_at, _("Consented to the privacy notice")))
    if r.waiting_since:
        items.append(TimelineItem(r.waiting_since, _("Joined the waiting list")))
    if r.decided_at:
        decisions: dict[str, str] = {
            Status.DECLINED: _("The manager declined the registration"),
            Status.EXPIRED: _("The approval was not given in time; the seat was released"),
        }
        decided = decisions.get(r.status, _("The manager approved the registration"))
        items.append(TimelineItem(r.decided_at, decided))
    if r.reminded_at:
        items.append(TimelineItem(r.reminded_at, _("Reminder sent")))
    if r.checked_in_at:
        items.append(TimelineItem(r.checked_in_at, _("Checked in")))
    if r.cancelled_at:
        items.append(TimelineItem(r.cancelled_at, _("Registration cancelled")))
    gone_to = transfers["to"]
    if gone_to is not None:
        items.append(TimelineItem(gone_to.created_at, _("Handed the seat to"), gone_to))
    elif r.status == Status.TRANSFERRED:
        # The colleague's registration is out of the user's sight: the fact without the link.
        items.append(TimelineItem(None, _("Handed the seat to a colleague")))
    if r.anonymised_at:
        items.append(TimelineItem(r.anonymised_at, _("Personal data erased")))
    # The registration comes first (its consent and place in the queue are written in the
    # same moment); then the rest by time, and what has no time of its own last.
    later = sorted((i for i in items[1:] if i.at), key=lambda i: i.at)
    return items[:1] + later + [i for i in items[1:] if not i.at]


def _status_word(value: Any) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value or "–")


def _session_words(ids: Any, titles: dict[int, str]) -> str:
    names = [titles.get(i, _("session #%(id)s (removed)") % {"id": i}) for i in ids or []]
    return "; ".join(names) if names else _("none")


def _who(entry: Any) -> str:
    if entry.actor is not None:
        return entry.actor.display_name
    if entry.actor_label:
        return entry.actor_label
    action = entry.action.rsplit(".", 1)[-1]
    if action in ("approved", "declined"):
        return _("The manager (approval link)")
    if action in ("expired", "anonymised", "promoted"):
        return _("Automatically")
    return _("The participant (own link)")


# What the history says of an action that needs no figures of its own.
HISTORY_WORDS = {
    "approved": gettext_lazy("Approved by the manager"),
    "declined": gettext_lazy("Declined by the manager"),
    "expired": gettext_lazy("The approval expired and the seat was released"),
    "checked_in": gettext_lazy("Checked in"),
    "check_in_undone": gettext_lazy("Check-in undone"),
    "manage_link_sent": gettext_lazy("The manage link was sent again by e-mail"),
    "anonymised": gettext_lazy("Personal data erased"),
}


def _history_row(entry: Any, titles: dict[int, str], transfers: dict[str, Any]) -> HistoryRow:
    old, new = entry.old or {}, entry.new or {}
    action = entry.action.rsplit(".", 1)[-1] if entry.action.startswith("events.") else ""
    link = None
    if action == "created":
        if new.get("transferred_from"):
            what = _("Took over a colleague's seat (status: %(status)s)")
            link = transfers["from"]
        else:
            what = _("Registered (status: %(status)s)")
        what = what % {"status": _status_word(new.get("status"))}
    elif action == "sessions_changed":
        what = _("Sessions changed from %(old)s to %(new)s") % {
            "old": _session_words(old.get("sessions"), titles),
            "new": _session_words(new.get("sessions"), titles),
        }
    elif action == "cancelled":
        what = _("Cancelled (was: %(status)s)") % {"status": _status_word(old.get("status"))}
    elif action == "transferred":
        what = _("Handed the seat to a colleague")
        link = transfers["to"]
    elif action == "promoted":
        what = _("Got a seat from the waiting list (status: %(status)s)") % {
            "status": _status_word(new.get("status"))
        }
    elif action in HISTORY_WORDS:
        what = str(HISTORY_WORDS[action])
    else:
        what = _("Changed (%(action)s)") % {"action": entry.action}
    return HistoryRow(entry.at, _who(entry), what, link)
