"""Hybrid events as pure rules (docs/rules.md#events-hybrid): online seats and the meeting
links. Nothing here reads or writes the database.

* An event is hybrid when it has ``online_capacity`` (None: on site only). The online seats
  are a room of their own (``decisions.Room``), outside the organisations' quotas and in
  force in every phase; the on-site seats keep every rule of docs/rules.md#events-allocation.
* Where a new online registration goes is ``decisions.placement`` over that room with no
  quota binding: a seat; else the waiting list when the event has one (online registrations
  wait for online seats only); else 409 ``online_full``.
* The meeting links (the event's and its sessions') are shown only to confirmed registrants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jamlik.events import decisions

ON_SITE = "on_site"
ONLINE = "online"
PARTICIPATIONS = (ON_SITE, ONLINE)

# The refusal when the online seats are full and the event has no waiting list.
ONLINE_FULL = "online_full"
# The refusal of an online registration for an event that is not hybrid.
ONLINE_NOT_OFFERED = "online_not_offered"


def is_hybrid(event: Any) -> bool:
    """Whether the event offers online participation."""
    return event.online_capacity is not None


def online_room(event: Any) -> decisions.Room:
    """The online seats as read under the lock (none when the event is not hybrid)."""
    return decisions.Room(
        limit=event.online_capacity or 0,
        taken=event.online_confirmed_count + event.online_held_count,
    )


def online_placement(room: decisions.Room, *, waitlist_enabled: bool) -> str:
    """Where a new online registration goes: ``decisions.placement`` over the online room,
    which no quota binds; a full room without a waiting list is ``online_full``."""
    place = decisions.placement(room, None, quota_binding=False, waitlist_enabled=waitlist_enabled)
    return ONLINE_FULL if place == decisions.EVENT_FULL else place


def counter_prefix(participation: str) -> str:
    """The prefix of the event's counters a registration of this participation moves."""
    return "online_" if participation == ONLINE else ""


def shows_meeting_link(status: str) -> bool:
    """Only a confirmed registrant sees the meeting links (not one waiting, held for a
    manager's approval, offered a seat, cancelled, …)."""
    return status == decisions.CONFIRMED


@dataclass(frozen=True)
class MeetingLink:
    """One meeting link: the event's (``session`` None) or a session's."""

    url: str
    title: str
    session: int | None = None


def meeting_links(status: str, event: Any, sessions: Iterable[Any]) -> list[MeetingLink]:
    """The links a registrant of this status sees: the event's, then those of ``sessions``
    (the ones they chose). None unless confirmed."""
    if not shows_meeting_link(status):
        return []
    found = []
    if event.meeting_url:
        found.append(MeetingLink(event.meeting_url, event.title))
    for session in sessions:
        if session.meeting_url:
            found.append(MeetingLink(session.meeting_url, session.title, session.pk))
    return found
