"""iCalendar (RFC 5545) files for confirmations."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from icalendar import Calendar, Event, vText


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
    sequence: int = 0,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Jämlik//jamlik//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    # Times in UTC: every calendar converts them to the reader's zone without a VTIMEZONE.
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event["location"] = vText(location)
    if url:
        event.add("url", url)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
