"""Calendar files: the part shared by an event's participants is made once, and every file
still parses as a whole entry with the person's own properties."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from jamlik.notifications import calendar

EVENT = {
    "start": datetime(2026, 3, 1, 8, tzinfo=UTC),
    "end": datetime(2026, 3, 1, 16, tzinfo=UTC),
    "summary": "Konferens om jämlikhet, mångfald och likabehandling i Göteborgs Stad 2026",
    "location": "Burgården; sal A, plan 2",
}


def entry(content: bytes) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return event


def test_each_participant_gets_a_whole_entry_of_their_own():
    calendar._shared.cache_clear()
    link = "https://jamlik.example/anmalan/hantera/" + "a" * 60
    first = entry(calendar.ics_event(uid="jamlik-1@jamlik", description=link, url=link, **EVENT))
    second = entry(calendar.ics_event(uid="jamlik-2@jamlik", **EVENT))
    assert calendar._shared.cache_info().misses == 1  # the shared part made once
    assert (str(first["uid"]), str(first["url"]), str(first["description"])) == (
        "jamlik-1@jamlik",
        link,
        link,
    )
    assert str(second["uid"]) == "jamlik-2@jamlik" and "url" not in second
    for event in (first, second):
        assert str(event["summary"]) == EVENT["summary"]
        assert str(event["location"]) == EVENT["location"]
        assert event.decoded("dtstart") == EVENT["start"]
        assert str(event["status"]) == "CONFIRMED"


def test_a_changed_event_or_a_cancellation_makes_a_new_shared_part():
    calendar._shared.cache_clear()
    calendar.ics_event(uid="u", **EVENT)
    moved = entry(calendar.ics_event(uid="u", **{**EVENT, "location": "Stadshuset"}))
    cancelled_bytes = calendar.ics_event(uid="u", cancelled=True, sequence=1, **EVENT)
    assert str(moved["location"]) == "Stadshuset"
    assert b"METHOD:CANCEL" in cancelled_bytes
    assert str(entry(cancelled_bytes)["status"]) == "CANCELLED"
    assert calendar._shared.cache_info().misses == 3


def test_lines_stay_folded_at_75_octets():
    content = calendar.ics_event(
        uid="u", description="x" * 300, url="https://e.example/" + "y" * 200, **EVENT
    )
    assert max(len(line) for line in content.split(b"\r\n")) <= 75
