"""iCalendar (RFC 5545) files for confirmations.

Everyone registered for one event gets nearly the same file: only the entry's identity, its
time stamp and the person's own link differ. The shared part is made once per event (and
kept while its title, times and place stay the same); each file is that part with the
person's properties spliced into the entry. icalendar writes both parts, so escaping and
line folding stay the library's.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from django.utils import timezone
from icalendar import Calendar, Event, vText

_ENTRY = b"BEGIN:VEVENT\r\n"

# The entry's STATUS (RFC 5545 3.8.1.11): a seat held for a manager's approval is TENTATIVE.
CONFIRMED = "CONFIRMED"
TENTATIVE = "TENTATIVE"
CANCELLED = "CANCELLED"
STATUSES = (CONFIRMED, TENTATIVE, CANCELLED)


@functools.lru_cache(maxsize=256)
def _shared(
    start: datetime,
    end: datetime,
    summary: str,
    location: str,
    method: str,
    status: str,
    sequence: int,
) -> tuple[bytes, bytes]:
    """The file without the person's properties, split where they go (after BEGIN:VEVENT).
    ``status`` is part of the cache key: a tentative and a confirmed entry differ."""
    cancelled = status == CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Jämlik//jamlik//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else method)
    event = Event()
    # Times in UTC: every calendar converts them to the reader's zone without a VTIMEZONE.
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", summary)
    if location:
        event["location"] = vText(location)
    event.add("sequence", sequence)
    event.add("status", status)
    calendar.add_component(event)
    head, tail = calendar.to_ical().split(_ENTRY, 1)
    return head + _ENTRY, tail


def _personal(*, uid: str, description: str, url: str) -> bytes:
    """The person's own properties as content lines (without BEGIN/END:VEVENT)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    lines = event.to_ical()
    return lines[len(_ENTRY) : lines.rindex(b"END:VEVENT\r\n")]


def ics_event(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    description: str = "",
    location: str = "",
    url: str = "",
    method: str = "PUBLISH",
    cancelled: bool = False,
    status: str | None = None,
    sequence: int = 0,
) -> bytes:
    """One person's entry. ``status``: CONFIRMED (the default), TENTATIVE or CANCELLED;
    ``cancelled=True`` is CANCELLED. A cancelled entry is sent with METHOD:CANCEL."""
    if status is None:
        status = CANCELLED if cancelled else CONFIRMED
    if status not in STATUSES:
        raise ValueError(f"unknown calendar status {status!r}")
    head, tail = _shared(start, end, summary, location, method, status, sequence)
    return head + _personal(uid=uid, description=description, url=url) + tail
