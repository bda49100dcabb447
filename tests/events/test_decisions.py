"""The seat rules as pure functions (``jamlik.events.decisions``): no database, one test a
rule, and properties that hold for any counters (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jamlik.events import decisions
from jamlik.events.decisions import Room, Waiting

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Schedule:
    status: str = "published"
    starts_at: datetime = T0 + timedelta(days=30)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    quota_lock_until: datetime | None = T0 + timedelta(days=10)
    released_at: datetime | None = None


# ---- Phases ---------------------------------------------------------------------------------


def test_the_quotas_bind_until_the_release_date():
    event = Schedule()
    assert decisions.phase(event, T0) == decisions.QUOTA
    assert decisions.phase(event, T0 + timedelta(days=10)) == decisions.OPEN


def test_without_a_release_date_the_event_is_open_from_the_start():
    assert decisions.phase(Schedule(quota_lock_until=None), T0) == decisions.OPEN


def test_a_draft_is_closed_as_not_published():
    event = Schedule(status="draft")
    assert decisions.closed_reason(event, T0) == "not_published"
    assert decisions.phase(event, T0) == decisions.CLOSED


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_an_event_the_organiser_closed_is_closed_not_unpublished(status):
    # The visitor reads "Anmälan är stängd", not "Anmälan har inte öppnat än".
    assert decisions.closed_reason(Schedule(status=status), T0) == "closed"


def test_registration_closes_at_closes_at_else_at_the_start():
    assert decisions.closes_at(Schedule()) == T0 + timedelta(days=30)
    event = Schedule(closes_at=T0 + timedelta(days=20))
    assert decisions.closed_reason(event, T0 + timedelta(days=20)) == "closed"
    assert decisions.closed_reason(event, T0 + timedelta(days=19)) is None


def test_before_opens_at_it_is_not_open_yet():
    event = Schedule(opens_at=T0 + timedelta(days=1))
    assert decisions.closed_reason(event, T0) == "not_open"


def test_the_release_is_due_once_until_served():
    event = Schedule()
    assert not decisions.release_due(event, T0)
    assert decisions.release_due(event, T0 + timedelta(days=10))
    event.released_at = T0 + timedelta(days=10)
    assert not decisions.release_due(event, T0 + timedelta(days=11))


def test_freed_seats_are_handed_on_until_the_event_begins():
    event = Schedule()
    assert decisions.promotes(event, T0 + timedelta(days=29))
    assert not decisions.promotes(event, T0 + timedelta(days=30))


# ---- One registration -------------------------------------------------------------------------


def test_quota_phase_needs_a_seat_in_the_allocation_and_the_event():
    assert decisions.may_take_seat(Room(10, 0), Room(2, 1), quota_binding=True)
    assert not decisions.may_take_seat(Room(10, 0), Room(2, 2), quota_binding=True)
    assert not decisions.may_take_seat(Room(10, 10), Room(2, 0), quota_binding=True)


def test_quota_phase_gives_no_seat_outside_every_allocation():
    assert not decisions.may_take_seat(Room(10, 0), None, quota_binding=True)


def test_open_phase_needs_only_a_seat_in_the_event():
    assert decisions.may_take_seat(Room(10, 9), Room(2, 2), quota_binding=False)
    assert not decisions.may_take_seat(Room(10, 10), None, quota_binding=False)


def test_a_full_event_puts_people_on_the_waiting_list_when_it_has_one():
    full = Room(1, 1)
    kwargs = {"quota_binding": False}
    assert decisions.placement(full, None, waitlist_enabled=True, **kwargs) == decisions.WAIT
    assert decisions.placement(full, None, waitlist_enabled=False, **kwargs) == decisions.EVENT_FULL


def test_a_full_quota_without_a_waiting_list_says_the_quota_is_full():
    assert (
        decisions.placement(Room(10, 0), Room(1, 1), quota_binding=True, waitlist_enabled=False)
        == decisions.QUOTA_FULL
    )


def test_approval_holds_the_seat_only_with_a_manager_to_ask():
    assert (
        decisions.seat_status(approval_required=True, manager_email="m@a.se") == "pending_approval"
    )
    assert decisions.seat_status(approval_required=True, manager_email="") == "confirmed"
    assert decisions.seat_status(approval_required=False, manager_email="m@a.se") == "confirmed"


def test_the_nearest_allocation_is_the_organisations_own_else_its_nearest_ancestors():
    chain = [1, 5, 12]  # root, administration, unit
    assert decisions.nearest_allocation(chain, {5: 50, 1: 10}) == 50
    assert decisions.nearest_allocation(chain, {12: 120, 5: 50}) == 120
    assert decisions.nearest_allocation(chain, {99: 990}) is None


def test_the_waiting_place_counts_the_allocation_while_the_quotas_bind():
    assert decisions.waiting_place(7, 3, quota_binding=True) == 3
    assert decisions.waiting_place(7, 3, quota_binding=False) == 7
    assert decisions.waiting_place(7, None, quota_binding=True) == 7


# ---- Promotion --------------------------------------------------------------------------------


def test_promotion_serves_the_oldest_first():
    waiting = [Waiting(1, None), Waiting(2, None), Waiting(3, None)]
    assert decisions.promotion(Room(5, 3), {}, waiting, quota_binding=False) == [1, 2]


def test_promotion_in_the_quota_phase_skips_those_whose_allocation_is_full():
    rooms = {10: Room(1, 0), 20: Room(5, 0)}
    waiting = [Waiting(1, 10), Waiting(2, 10), Waiting(3, 20), Waiting(4, None)]
    assert decisions.promotion(Room(100, 0), rooms, waiting, quota_binding=True) == [1, 3]


rooms_strategy = st.dictionaries(
    st.integers(1, 4),
    st.builds(
        lambda limit, taken: Room(limit, min(taken, limit)), st.integers(0, 6), st.integers(0, 6)
    ),
    max_size=4,
)
waiting_strategy = st.lists(
    st.builds(Waiting, st.integers(1, 10_000), st.one_of(st.none(), st.integers(1, 5))),
    max_size=40,
    unique_by=lambda w: w.registration_id,
)


@given(
    capacity=st.integers(0, 30),
    taken=st.integers(0, 30),
    rooms=rooms_strategy,
    waiting=waiting_strategy,
    quota_binding=st.booleans(),
)
def test_promotion_keeps_every_rule(capacity, taken, rooms, waiting, quota_binding):
    event = Room(capacity, min(taken, capacity))
    chosen = decisions.promotion(event, rooms, waiting, quota_binding=quota_binding)
    order = [w.registration_id for w in waiting]
    by_id = {w.registration_id: w for w in waiting}
    # Never more than the free seats, in the list's order.
    assert len(chosen) <= event.free
    assert chosen == [i for i in order if i in set(chosen)]
    if quota_binding:
        for pk, room in rooms.items():
            of_room = [i for i in chosen if by_id[i].allocation_id == pk]
            assert len(of_room) <= room.free
        assert all(by_id[i].allocation_id in rooms for i in chosen)
    # Nobody skipped could have taken a seat when their turn came.
    seated_event, seated_rooms = event, dict(rooms)
    for entry in waiting:
        allocation = seated_rooms.get(entry.allocation_id) if entry.allocation_id else None
        could = decisions.may_take_seat(seated_event, allocation, quota_binding=quota_binding)
        assert could == (entry.registration_id in chosen) or seated_event.free == 0
        if entry.registration_id in chosen:
            seated_event = seated_event.plus_one()
            if allocation is not None and entry.allocation_id is not None:
                seated_rooms[entry.allocation_id] = allocation.plus_one()


@given(
    event=st.builds(
        lambda limit, taken: Room(limit, min(taken, limit)), st.integers(0, 9), st.integers(0, 9)
    ),
    allocation=st.one_of(
        st.none(),
        st.builds(
            lambda limit, taken: Room(limit, min(taken, limit)),
            st.integers(0, 9),
            st.integers(0, 9),
        ),
    ),
    quota_binding=st.booleans(),
    waitlist_enabled=st.booleans(),
)
def test_a_seat_is_given_only_where_one_is_free(event, allocation, quota_binding, waitlist_enabled):
    place = decisions.placement(
        event, allocation, quota_binding=quota_binding, waitlist_enabled=waitlist_enabled
    )
    if place == decisions.SEAT:
        assert event.free > 0
        if quota_binding:
            assert allocation is not None and allocation.free > 0
    elif place == decisions.WAIT:
        assert waitlist_enabled
    else:
        assert not waitlist_enabled
        assert (place == decisions.QUOTA_FULL) == quota_binding
