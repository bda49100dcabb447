"""What a visitor can do now (``decisions.visitor_options``, docs/rules.md#events-visitor-options):
the one answer of the public page, the link page, the public API and the editor; pure, no
database. ``tests/events/test_visitor_agreement.py`` shows the pages, the API and the
registration service agree with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from jamlik.events import decisions
from jamlik.events.decisions import Room, VisitorOptions

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Schedule:
    status: str = "published"
    starts_at: datetime = T0 + timedelta(days=30)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    quota_lock_until: datetime | None = None
    released_at: datetime | None = None


FREE = Room(limit=10, taken=3)
FULL = Room(limit=10, taken=10)


def options(event=None, *, via_link=False, room=FREE, allocation=None, waitlist=True, at=T0):
    return decisions.visitor_options(
        event or Schedule(),
        at,
        via_link=via_link,
        event_room=room,
        allocation_room=allocation,
        waitlist_enabled=waitlist,
    )


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (Schedule(status="draft"), "not_published"),
        (Schedule(opens_at=T0 + timedelta(days=1)), "not_open"),
        (Schedule(closes_at=T0), "closed"),
        (Schedule(starts_at=T0), "closed"),
    ],
)
@pytest.mark.parametrize("via_link", [False, True])
def test_before_opening_and_after_closing_nobody_registers(event, reason, via_link):
    assert options(event, via_link=via_link) == VisitorOptions(False, "none", reason)


def test_in_the_quota_phase_the_public_page_takes_nobody():
    event = Schedule(quota_lock_until=T0 + timedelta(days=5))
    assert options(event, allocation=FREE) == VisitorOptions(False, "none", "quota_phase")


def test_in_the_quota_phase_a_link_of_an_allocation_with_seats_gives_a_seat():
    event = Schedule(quota_lock_until=T0 + timedelta(days=5))
    assert options(event, via_link=True, allocation=FREE) == VisitorOptions(True, "seat", None)


def test_in_the_quota_phase_a_link_outside_every_allocation_waits_or_is_refused():
    event = Schedule(quota_lock_until=T0 + timedelta(days=5))
    assert options(event, via_link=True) == VisitorOptions(True, "waiting_list", "no_allocation")
    assert options(event, via_link=True, waitlist=False) == VisitorOptions(
        False, "none", "quota_full"
    )


def test_in_the_quota_phase_a_full_allocation_waits_or_is_refused():
    event = Schedule(quota_lock_until=T0 + timedelta(days=5))
    assert options(event, via_link=True, allocation=FULL) == VisitorOptions(
        True, "waiting_list", "quota_full"
    )
    assert options(event, via_link=True, allocation=FULL, waitlist=False) == VisitorOptions(
        False, "none", "quota_full"
    )


def test_after_the_release_everyone_gets_a_seat_while_there_is_one():
    event = Schedule(quota_lock_until=T0 - timedelta(minutes=1))
    for via_link in (False, True):
        assert options(event, via_link=via_link) == VisitorOptions(True, "seat", None)
        assert options(event, via_link=via_link, allocation=FULL) == VisitorOptions(
            True, "seat", None
        )


def test_a_full_event_has_a_waiting_list_or_refuses():
    assert options(room=FULL) == VisitorOptions(True, "waiting_list", "event_full")
    assert options(room=FULL, waitlist=False) == VisitorOptions(False, "none", "event_full")


def test_can_register_is_exactly_what_the_services_two_rules_allow():
    """Built on ``phase_refusal`` and ``placement``, the rules the registration service applies."""
    for event in (Schedule(), Schedule(quota_lock_until=T0 + timedelta(days=1))):
        for via_link in (False, True):
            for allocation in (None, FREE, FULL):
                for room in (FREE, FULL):
                    for waitlist in (False, True):
                        got = options(
                            event,
                            via_link=via_link,
                            room=room,
                            allocation=allocation,
                            waitlist=waitlist,
                        )
                        refused = decisions.phase_refusal(event, T0, via_link=via_link)
                        binding = decisions.quota_binds(event, T0)
                        place = decisions.placement(
                            room,
                            allocation if binding else None,
                            quota_binding=binding,
                            waitlist_enabled=waitlist,
                        )
                        expected = refused is None and place in (decisions.SEAT, decisions.WAIT)
                        assert got.can_register == expected


# ---- The editor's warning ------------------------------------------------------------------


def test_capacity_zero_means_nobody_can_join():
    assert decisions.nobody_can_join(Schedule(), T0, capacity=0, quotas=[]) == ["no_capacity"]


def test_a_release_date_to_come_without_allocated_seats_means_nobody_gets_a_seat():
    event = Schedule(quota_lock_until=T0 + timedelta(days=20))
    assert decisions.nobody_can_join(event, T0, capacity=50, quotas=[]) == ["no_allocated_seats"]
    assert decisions.nobody_can_join(event, T0, capacity=50, quotas=[0, 0]) == [
        "no_allocated_seats"
    ]
    assert decisions.nobody_can_join(event, T0, capacity=50, quotas=[5]) == []


def test_without_a_release_date_or_after_it_no_warning():
    assert decisions.nobody_can_join(Schedule(), T0, capacity=50, quotas=[]) == []
    past = Schedule(quota_lock_until=T0 - timedelta(days=1))
    assert decisions.nobody_can_join(past, T0, capacity=50, quotas=[]) == []
