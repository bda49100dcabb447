"""A hypothesis state machine over register / cancel / decide / expire / release / transfer /
capacity and quota changes / claiming an offered seat (events with and without a claim window,
docs/rules.md#waiting-list-offers), checking after EVERY step:

* never more confirmed+held seats than a quota (before the release) or the capacity (ever);
* no seat for a registration outside every allocation before the release;
* the counters on event, allocations and sessions equal the counts of the rows;
* nobody waits while a seat they may take is free (quota phase: per allocation; open phase:
  anyone);
* waiting list order: whoever got a seat in a step was not younger than anyone of the same
  queue who is still waiting (quota phase: same allocation; open phase: everyone).
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from jamlik.core.errors import JamlikError
from jamlik.events import services
from jamlik.events.models import SEAT_STATUSES, Allocation, Event, Registration, Status
from jamlik.events.selectors import seat_counts_from_counters, seat_counts_from_rows
from jamlik.events.services.seats import quota_binds
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db

_machine_serial = itertools.count(1)


class SeatMachine(RuleBasedStateMachine):
    clock = None  # set by the test: the moving clock of the events app

    def __init__(self) -> None:
        super().__init__()
        self.event: Event | None = None
        self.registrations: list[int] = []
        self.serial = next(_machine_serial)

    # ---- set-up ----

    @initialize(
        capacity=st.integers(1, 6),
        quota_a=st.integers(0, 3),
        quota_b=st.integers(0, 3),
        waitlist=st.booleans(),
        approval=st.booleans(),
        session_capacity=st.integers(0, 3),
        offer_hours=st.sampled_from([None, 2]),
    )
    def setup(self, capacity, quota_a, quota_b, waitlist, approval, session_capacity, offer_hours):
        self.clock.set(self.clock.base)
        n = self.serial
        self.orgs = [
            OrganisationFactory(code=f"SMA{n}", domains=[f"a{n}.example"]),
            OrganisationFactory(code=f"SMB{n}", domains=[f"b{n}.example"]),
            OrganisationFactory(code=f"SMX{n}", domains=[f"x{n}.example"]),  # no allocation
        ]
        capacity = max(capacity, quota_a + quota_b)
        self.event = EventFactory(
            capacity=capacity,
            waitlist_enabled=waitlist,
            approval_required=approval,
            approval_hold_hours=2,
            waitlist_offer_hours=offer_hours,
        )
        AllocationFactory(event=self.event, quota=quota_a, organisations=[self.orgs[0]])
        AllocationFactory(event=self.event, quota=quota_b, organisations=[self.orgs[1]])
        self.session = SessionFactory(event=self.event, capacity=session_capacity)

    # ---- the step wrapper: record the queue before, check order after ----

    def _step(self, action):
        before_waiting = list(
            Registration.objects.filter(event=self.event, status=Status.WAITING)
            .order_by("waiting_since", "id")
            .values_list("id", "allocation_id")
        )
        seated_before = set(
            Registration.objects.filter(event=self.event, status__in=SEAT_STATUSES).values_list(
                "id", flat=True
            )
        )
        with contextlib.suppress(JamlikError):
            action()
        self._check_order(before_waiting, seated_before)

    def _check_order(self, before_waiting, seated_before):
        event = Event.objects.get(pk=self.event.pk)
        in_quota = quota_binds(event, self.clock())
        now = dict(Registration.objects.filter(event=event).values_list("id", "status"))
        transferred_in = set(
            Registration.objects.filter(event=event, transferred_from__isnull=False).values_list(
                "id", flat=True
            )
        )
        order = {rid: index for index, (rid, _a) in enumerate(before_waiting)}
        allocation_of = dict(
            Registration.objects.filter(event=event).values_list("id", "allocation_id")
        )
        newly_seated = [
            rid
            for rid, status in now.items()
            if status in SEAT_STATUSES and rid not in seated_before and rid not in transferred_in
        ]
        still_waiting = [rid for rid, _a in before_waiting if now.get(rid) == Status.WAITING]
        for seated in newly_seated:
            rank = order.get(seated, len(order))  # a new registration is the youngest
            for waiting in still_waiting:
                same_queue = not in_quota or allocation_of[waiting] == allocation_of[seated]
                assert not (same_queue and order[waiting] < rank), (
                    f"registration {seated} got a seat before older waiting {waiting}"
                )

    # ---- rules ----

    @precondition(lambda self: self.event is not None)
    @rule(
        org=st.integers(0, 2), person=st.integers(0, 11), sessions=st.booleans(), link=st.booleans()
    )
    def register(self, org, person, sessions, link):
        organisation = self.orgs[org]

        def act():
            outcome = services.registration_create(
                event=self.event,
                organisation=organisation,
                name=f"Person {person}",
                email=f"p{person}@{organisation.domains[0]}",
                category="employee",
                manager_email="chef@example.org",
                sessions=[self.session.pk] if sessions else [],
                consent=True,
                via_link=link,
            )
            if outcome.created:
                self.registrations.append(outcome.registration.pk)

        self._step(act)

    @precondition(lambda self: self.event is not None)
    @rule(org=st.integers(0, 2), first=st.integers(0, 11), count=st.integers(2, 4))
    def register_several(self, org, first, count):
        """Several people of one organisation in a row (queues form quickly)."""
        for person in range(first, first + count):
            self.register(org=org, person=person % 12, sessions=False, link=True)

    def _pick(self, index):
        if not self.registrations:
            return None
        return Registration.objects.get(pk=self.registrations[index % len(self.registrations)])

    @precondition(lambda self: self.event is not None)
    @rule(index=st.integers(0, 50))
    def cancel(self, index):
        registration = self._pick(index)
        if registration is not None:
            self._step(lambda: services.registration_cancel(registration=registration))

    @precondition(lambda self: self.event is not None)
    @rule(index=st.integers(0, 50), approve=st.booleans())
    def decide(self, index, approve):
        registration = self._pick(index)
        if registration is not None:
            self._step(lambda: services.approval_decide(registration=registration, approve=approve))

    @precondition(lambda self: self.event is not None)
    @rule(index=st.integers(0, 50))
    def claim(self, index):
        """Claim an offered seat (a 409 for anyone else, which changes nothing)."""
        registration = self._pick(index)
        if registration is not None:
            self._step(lambda: services.offer_claim(registration=registration))

    @precondition(lambda self: self.event is not None)
    @rule(index=st.integers(0, 50), person=st.integers(0, 11))
    def transfer(self, index, person):
        registration = self._pick(index)
        if registration is None:
            return

        def act():
            domain = registration.organisation.domains[0]
            new = services.registration_transfer(
                registration=registration, name="Kollega", email=f"p{person}@{domain}"
            )
            self.registrations.append(new.pk)

        self._step(act)

    @precondition(lambda self: self.event is not None)
    @rule(hours=st.sampled_from([1, 3]))
    def time_passes(self, hours):
        """Holds expire after 2 hours; every read serves what is due."""
        self.clock.advance(hours=hours)
        self._step(lambda: services.event_release_if_due(event=self.event))

    @precondition(lambda self: self.event is not None)
    @rule()
    def release(self):
        self.clock.set(max(self.clock(), self.event.quota_lock_until + timedelta(seconds=1)))
        self._step(lambda: services.event_release_if_due(event=self.event))

    @precondition(lambda self: self.event is not None)
    @rule(capacity=st.integers(1, 10))
    def change_capacity(self, capacity):
        self._step(lambda: services.event_update(actor=None, event=self.event, capacity=capacity))

    @precondition(lambda self: self.event is not None)
    @rule(which=st.integers(0, 1), quota=st.integers(0, 5))
    def change_quota(self, which, quota):
        allocation = Allocation.objects.filter(event=self.event).order_by("id")[which]
        self._step(
            lambda: services.allocation_update(actor=None, allocation=allocation, quota=quota)
        )

    # ---- invariants ----

    @invariant()
    def seats_within_rules(self):
        if self.event is None:
            return
        event = Event.objects.get(pk=self.event.pk)
        rows = seat_counts_from_rows(event)
        assert rows == seat_counts_from_counters(event), "counters differ from the rows"
        assert rows["confirmed"] + rows["held"] <= event.capacity
        for session_id, taken in rows["sessions"].items():
            capacity = self.session.capacity if session_id == self.session.pk else None
            assert capacity is None or taken <= capacity
        in_quota = quota_binds(event, self.clock())
        allocations = {a.pk: a for a in Allocation.objects.filter(event=event)}
        if in_quota:
            for allocation_id, counts in rows["allocations"].items():
                assert counts["confirmed"] + counts["held"] <= allocations[allocation_id].quota
            assert not Registration.objects.filter(
                event=event, allocation__isnull=True, status__in=SEAT_STATUSES
            ).exists()
        free = event.capacity - rows["confirmed"] - rows["held"]
        if event.status == "published" and self.clock() < event.starts_at and free > 0:
            if in_quota:
                for allocation_id, counts in rows["allocations"].items():
                    taken = counts["confirmed"] + counts["held"]
                    if counts["waiting"]:
                        assert taken >= allocations[allocation_id].quota, (
                            "someone waits while their allocation has a seat"
                        )
            elif event.released_at is not None or event.quota_lock_until is None:
                assert rows["waiting"] == 0, "someone waits while a seat is free"


@pytest.mark.parametrize("runs", [1])
def test_seat_rules_hold_after_every_step(clock, runs):
    clock.base = clock()
    SeatMachine.clock = clock
    run_state_machine_as_test(
        SeatMachine,
        settings=settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
