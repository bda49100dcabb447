"""Check-in outside the event's day (``decisions.checkin_timing``, docs/rules.md#events-check-in):
made all the same, but the door is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jamlik.events.decisions import EARLY, LATE, checkin_timing

STARTS = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)
ENDS = STARTS + timedelta(hours=8)


def test_two_months_before_is_early():
    assert checkin_timing(STARTS, ENDS, STARTS - timedelta(days=60)) == EARLY


def test_within_a_day_of_the_start_or_the_end_is_fine():
    assert checkin_timing(STARTS, ENDS, STARTS - timedelta(days=1)) is None
    assert checkin_timing(STARTS, ENDS, STARTS - timedelta(hours=2)) is None
    assert checkin_timing(STARTS, ENDS, STARTS + timedelta(hours=3)) is None
    assert checkin_timing(STARTS, ENDS, ENDS + timedelta(days=1)) is None


def test_more_than_a_day_either_side_is_early_or_late():
    assert checkin_timing(STARTS, ENDS, STARTS - timedelta(days=1, seconds=1)) == EARLY
    assert checkin_timing(STARTS, ENDS, ENDS + timedelta(days=1, seconds=1)) == LATE


def test_the_margin_can_be_given():
    at = STARTS - timedelta(hours=3)
    assert checkin_timing(STARTS, ENDS, at, margin=timedelta(hours=1)) == EARLY
