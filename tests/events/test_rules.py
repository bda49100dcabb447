"""The rules of docs/rules.md#events (allocation, registration), one test per rule, at the
service level where they live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from jamlik.core.errors import Conflict, Invalid
from jamlik.events import selectors, services, tasks
from jamlik.events.models import Registration, Status
from jamlik.notifications.models import OutboxMessage
from tests.events.conftest import assert_counters_match_rows
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


def statuses(*outcomes):
    return [Registration.objects.get(pk=o.registration.pk).status for o in outcomes]


def release(clock, event):
    """The release time passes and the worker serves it (``tasks.release_event``)."""
    clock.set(event.quota_lock_until + timedelta(minutes=1))
    tasks.release_event.call(event.pk)
    return selectors.event_get(user=None, pk=event.pk)


# ---- Quota phase ----------------------------------------------------------------------------------


def test_quota_phase_confirms_while_the_allocation_has_seats(conference, personas):
    event = conference.event
    first = register(event, personas.org_a)
    # A unit counts against its administration's allocation.
    second = register(event, personas.unit_a)
    third = register(event, personas.org_a)
    assert statuses(first, second, third) == ["confirmed", "confirmed", "waiting"]
    assert third.position == 1
    assert_counters_match_rows(event)


def test_a_unit_in_an_allocation_of_its_own_counts_there_not_in_its_parents(conference, personas):
    event = conference.event
    own = AllocationFactory(event=event, name="Enheten", quota=1, organisations=[personas.unit_a])
    unit = register(event, personas.unit_a)
    parent = register(event, personas.org_a)
    assert unit.registration.allocation_id == own.pk
    assert parent.registration.allocation_id == conference.a.pk
    # The unit's own quota is used up; its parent's allocation does not take it in.
    assert register(event, personas.unit_a).registration.status == Status.WAITING
    assert_counters_match_rows(event)


def test_quota_full_without_waiting_list_is_409_naming_the_release_date(conference, personas):
    event = services.event_update(actor=None, event=conference.event, waitlist_enabled=False)
    register(event, personas.org_a)
    register(event, personas.org_a)
    before = Registration.objects.count()
    with pytest.raises(Conflict) as caught:
        register(event, personas.org_a)
    assert caught.value.code == "quota_full"
    local = selectors_local(event.quota_lock_until)
    assert local in str(caught.value.message)
    assert Registration.objects.count() == before


def selectors_local(value):
    from jamlik.events.errors import local_datetime

    return local_datetime(value)


def test_organisation_in_no_allocation_takes_no_seat_before_release(conference, personas):
    outsider = OrganisationFactory(parent=personas.city)
    outcome = register(conference.event, outsider)
    assert outcome.registration.status == Status.WAITING


def test_organisation_in_no_allocation_without_waiting_list_is_quota_full(conference, personas):
    event = services.event_update(actor=None, event=conference.event, waitlist_enabled=False)
    outsider = OrganisationFactory(parent=personas.city)
    with pytest.raises(Conflict) as caught:
        register(event, outsider)
    assert caught.value.code == "quota_full"


def test_seats_outside_the_quotas_stay_closed_until_release(conference, personas):
    event = conference.event
    for _ in range(2):
        register(event, personas.org_a)
    for _ in range(3):
        register(event, personas.org_b)
    # 5 of 10 seats taken, but A's quota is used up: the rest waits for the release.
    assert register(event, personas.org_a).registration.status == Status.WAITING
    event.refresh_from_db()
    assert event.taken == 5


def test_position_in_quota_phase_counts_own_allocation_only(conference, personas):
    event = conference.event
    register(event, personas.org_a)
    register(event, personas.org_a)
    for _ in range(3):
        register(event, personas.org_b)
    a3 = register(event, personas.org_a)
    b4 = register(event, personas.org_b)
    a4 = register(event, personas.org_a)
    assert (a3.position, b4.position, a4.position) == (1, 1, 2)


# ---- The release --------------------------------------------------------------------------------


def _fill_and_queue(conference, personas):
    event = conference.event
    outsider = OrganisationFactory(parent=personas.city)
    for _ in range(2):
        register(event, personas.org_a)
    for _ in range(3):
        register(event, personas.org_b)
    a, b = personas.org_a, personas.org_b
    return [register(event, org) for org in (outsider, a, b, outsider, a, b, a)]


def test_release_serves_the_waiting_list_oldest_first(conference, personas, clock):
    queue = _fill_and_queue(conference, personas)
    assert set(statuses(*queue)) == {"waiting"}
    event = release(clock, conference.event)
    assert statuses(*queue) == ["confirmed"] * 5 + ["waiting"] * 2
    assert event.released_at is not None
    fresh = [Registration.objects.get(pk=q.registration.pk) for q in queue[5:]]
    assert [services.waiting_position(r) for r in fresh] == [1, 2]
    assert_counters_match_rows(event)


def test_release_happens_before_any_seat_decision_after_quota_lock_until(
    conference, personas, clock
):
    """Before the worker came to it, the next seat decision serves the release first: the
    people waiting take the free seats before a newcomer does."""
    queue = _fill_and_queue(conference, personas)
    clock.set(conference.event.quota_lock_until + timedelta(seconds=1))
    newcomer = register(conference.event, personas.org_b)
    event = selectors.event_get(user=None, pk=conference.event.pk)
    assert event.released_at is not None
    assert statuses(*queue)[:5] == ["confirmed"] * 5
    assert newcomer.registration.status == "waiting"


def test_reads_never_write(conference, personas, clock):
    """Selectors only read, also after the release time: the worker and the seat services
    serve the release (docs/decisions/0023-seat-path-and-notices.md)."""
    queue = _fill_and_queue(conference, personas)
    clock.set(conference.event.quota_lock_until + timedelta(seconds=1))
    link = selectors.link_by_token(
        services.link_ensure(event=conference.event, organisation=personas.org_a).token
    )
    selectors.event_get(user=None, pk=conference.event.pk)
    assert link.event.released_at is None
    assert set(statuses(*queue)) == {"waiting"}


def test_release_is_idempotent(conference, personas, clock):
    _fill_and_queue(conference, personas)
    event = release(clock, conference.event)
    released_at = event.released_at
    clock.advance(hours=1)
    again = services.event_release_if_due(event=event)
    assert again.released_at == released_at
    assert_counters_match_rows(event)


def test_after_release_anyone_eligible_takes_a_seat_while_below_capacity(
    conference, personas, clock
):
    event = release(clock, conference.event)
    outsider = OrganisationFactory(parent=personas.city)
    outcomes = [register(event, outsider) for _ in range(11)]
    assert statuses(*outcomes) == ["confirmed"] * 10 + ["waiting"]


def test_public_event_route_only_in_the_open_phase(conference, personas, clock):
    with pytest.raises(Conflict) as caught:
        register(conference.event, None, via_link=False)
    assert caught.value.code == "quota_phase"
    release(clock, conference.event)
    assert register(conference.event, None, via_link=False).registration.status == "confirmed"


def test_moving_the_release_date_into_the_past_releases_at_once(conference, personas, clock):
    queue = _fill_and_queue(conference, personas)
    services.event_update(
        actor=None, event=conference.event, quota_lock_until=clock() - timedelta(minutes=1)
    )
    assert statuses(*queue) == ["confirmed"] * 5 + ["waiting"] * 2


def test_moving_the_release_date_into_the_future_puts_quotas_in_force_again(
    conference, personas, clock
):
    event = release(clock, conference.event)
    event = services.event_update(
        actor=None, event=event, quota_lock_until=clock() + timedelta(days=1)
    )
    assert event.released_at is None
    register(event, personas.org_a)
    register(event, personas.org_a)
    assert register(event, personas.org_a).registration.status == "waiting"


# ---- Freed seats ---------------------------------------------------------------------------------


def test_freed_seat_goes_to_first_waiting_who_may_take_it_in_quota_phase(conference, personas):
    event = conference.event
    outsider = OrganisationFactory(parent=personas.city)
    a1 = register(event, personas.org_a)
    register(event, personas.org_a)
    x = register(event, outsider)  # waiting first, but may not take a seat before release
    a3 = register(event, personas.org_a)
    services.registration_cancel(registration=a1.registration)
    assert statuses(x, a3) == ["waiting", "confirmed"]
    assert_counters_match_rows(event)


def test_freed_seat_in_open_phase_goes_to_oldest_waiting(conference, personas, clock):
    event = release(clock, conference.event)
    outsider = OrganisationFactory(parent=personas.city)
    seated = [register(event, personas.org_a) for _ in range(10)]
    w1 = register(event, outsider)
    w2 = register(event, personas.org_b)
    services.registration_cancel(registration=seated[3].registration)
    assert statuses(w1, w2) == ["confirmed", "waiting"]
    mail = OutboxMessage.objects.filter(about=f"events.registration:{w1.registration.pk}")
    assert mail.filter(kind="events.confirmation").exists()


def test_cancelling_a_waiting_registration_frees_no_seat(conference, personas):
    event = conference.event
    register(event, personas.org_a)
    register(event, personas.org_a)
    w1 = register(event, personas.org_a)
    w2 = register(event, personas.org_a)
    services.registration_cancel(registration=w1.registration)
    fresh = Registration.objects.get(pk=w2.registration.pk)
    assert fresh.status == "waiting"
    assert services.waiting_position(fresh) == 1
    assert_counters_match_rows(event)


def test_cancelling_twice_is_409(conference, personas):
    outcome = register(conference.event, personas.org_a)
    services.registration_cancel(registration=outcome.registration)
    with pytest.raises(Conflict) as caught:
        services.registration_cancel(registration=outcome.registration)
    assert caught.value.code == "not_active"


# ---- Approval holds --------------------------------------------------------------------------------


@pytest.fixture
def approval_event(personas, clock):
    event = EventFactory(capacity=10, approval_required=True, approval_hold_hours=24)
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    return event


def test_manager_email_is_required_when_approval_is(approval_event, personas):
    with pytest.raises(Invalid) as caught:
        register(approval_event, personas.org_a, manager_email="")
    assert caught.value.code == "manager_email_required"
    assert not Registration.objects.exists()


def test_approval_holds_the_seat_and_asks_the_manager(approval_event, personas):
    outcome = register(approval_event, personas.org_a, manager_email="chef@a.example")
    registration = outcome.registration
    assert registration.status == Status.PENDING_APPROVAL
    assert registration.hold_expires_at is not None
    approval_event.refresh_from_db()
    assert approval_event.held_count == 1
    request = OutboxMessage.objects.get(kind="events.approval_request")
    assert request.to == "chef@a.example"
    assert f"/a/{registration.approval_token}" in request.body_text
    assert register(approval_event, personas.org_a).registration.status == "waiting"


def test_approve_confirms_and_a_second_decision_is_409(approval_event, personas):
    registration = register(approval_event, personas.org_a).registration
    services.approval_decide(registration=registration, approve=True)
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    with pytest.raises(Conflict) as caught:
        services.approval_decide(registration=registration, approve=False)
    assert caught.value.code == "already_decided"
    assert_counters_match_rows(approval_event)


def test_decline_frees_the_seat_for_the_next_waiting(approval_event, personas):
    first = register(approval_event, personas.org_a).registration
    second = register(approval_event, personas.org_a)
    services.approval_decide(registration=first, approve=False)
    assert Registration.objects.get(pk=first.pk).status == "declined"
    promoted = Registration.objects.get(pk=second.registration.pk)
    # A promoted registration is held again, and its manager is asked.
    assert promoted.status == "pending_approval"
    assert OutboxMessage.objects.filter(
        kind="events.approval_request", to=promoted.manager_email
    ).exists()
    assert_counters_match_rows(approval_event)


def test_hold_expires_after_the_set_time_and_the_seat_goes_on(approval_event, personas, clock):
    first = register(approval_event, personas.org_a).registration
    second = register(approval_event, personas.org_a).registration
    clock.advance(hours=25)
    tasks.housekeep_events.call()  # the worker's periodic run
    assert Registration.objects.get(pk=first.pk).status == "expired"
    assert Registration.objects.get(pk=second.pk).status == "pending_approval"
    assert OutboxMessage.objects.filter(kind="events.decision", to=first.email).exists()
    with pytest.raises(Conflict) as caught:
        services.approval_decide(registration=first, approve=True)
    assert caught.value.code == "already_decided"
    assert_counters_match_rows(approval_event)


# ---- One active registration per address --------------------------------------------------------------


def test_one_active_registration_per_address_case_insensitive(conference, personas):
    first = register(conference.event, personas.org_a, email="Anna.Svensson@a.example")
    again = register(conference.event, personas.org_b, email="anna.svensson@A.EXAMPLE")
    assert again.created is False
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    # The manage link goes to the address again, never to whoever submitted.
    resent = OutboxMessage.objects.get(kind="events.manage_link")
    assert resent.to == "Anna.Svensson@a.example"
    assert first.registration.manage_token in resent.body_text


def test_a_double_submit_takes_no_second_seat(conference, personas):
    """The second submit of a seated address reaches the seat decision (the unique index, not
    a lookup before it, finds the double submit); the decision is undone whole."""
    event = conference.event
    first = register(event, personas.org_a, email="ett@a.example")
    again = register(event, personas.org_a, email="ETT@a.example")
    assert again.created is False and again.registration.pk == first.registration.pk
    conference.a.refresh_from_db()
    assert (conference.a.confirmed_count, conference.a.waiting_count) == (1, 0)
    assert Registration.objects.filter(event=event).count() == 1
    assert_counters_match_rows(event)


def test_a_double_submit_gets_its_registration_back_when_the_quota_is_full(conference, personas):
    event = services.event_update(actor=None, event=conference.event, waitlist_enabled=False)
    first = register(event, personas.org_a, email="forst@a.example")
    register(event, personas.org_a)
    # A newcomer would be refused now; the address that holds a seat gets its seat back.
    again = register(event, personas.org_a, email="Forst@a.example")
    assert again.created is False and again.registration.pk == first.registration.pk
    assert_counters_match_rows(event)


def test_a_double_submit_gets_its_registration_back_after_closing(conference, personas, clock):
    event = conference.event
    first = register(event, personas.org_a, email="sen@a.example")
    clock.set(event.closes_at + timedelta(minutes=1))
    again = register(event, personas.org_a, email="sen@a.example")
    assert again.created is False and again.registration.pk == first.registration.pk
    with pytest.raises(Conflict) as caught:
        register(event, personas.org_a, email="ny@a.example")
    assert caught.value.code == "closed"


def test_after_cancelling_the_address_may_register_again(conference, personas):
    first = register(conference.event, personas.org_a, email="per@a.example")
    services.registration_cancel(registration=first.registration)
    second = register(conference.event, personas.org_a, email="PER@a.example")
    assert second.created and second.registration.pk != first.registration.pk


def test_a_unique_index_backs_one_active_registration_per_address(conference, personas):
    register(conference.event, personas.org_a, email="dup@a.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=conference.event,
            name="X",
            email="DUP@a.example",
            category="employee",
            status=Status.WAITING,
            waiting_since=conference.event.created_at,
        )


# ---- Sessions -------------------------------------------------------------------------------------------


def test_a_full_session_cannot_be_picked(conference, personas):
    session = SessionFactory(event=conference.event, capacity=1)
    register(conference.event, personas.org_a, sessions=[session.pk])
    with pytest.raises(Conflict) as caught:
        register(conference.event, personas.org_a, sessions=[session.pk])
    assert caught.value.code == "session_full"
    assert Registration.objects.count() == 1


def test_one_session_per_time_slot(conference, personas):
    first = SessionFactory(event=conference.event)
    parallel = SessionFactory(event=conference.event, starts_at=first.starts_at)
    with pytest.raises(Invalid) as caught:
        register(conference.event, personas.org_a, sessions=[first.pk, parallel.pk])
    assert caught.value.code == "slot_conflict"
    later = SessionFactory(event=conference.event, starts_at=first.ends_at)
    assert register(conference.event, personas.org_a, sessions=[first.pk, later.pk]).created


def test_a_session_of_another_event_is_invalid(conference, personas):
    other = SessionFactory()
    with pytest.raises(Invalid) as caught:
        register(conference.event, personas.org_a, sessions=[other.pk])
    assert caught.value.code == "unknown_session"


def test_changing_sessions_keeps_the_counts(conference, personas):
    s1 = SessionFactory(event=conference.event, capacity=1)
    s2 = SessionFactory(event=conference.event, capacity=1, starts_at=s1.starts_at)
    mine = register(conference.event, personas.org_a, sessions=[s1.pk]).registration
    other = register(conference.event, personas.org_a).registration
    services.registration_change_sessions(registration=mine, sessions=[s2.pk])
    with pytest.raises(Conflict):
        services.registration_change_sessions(registration=other, sessions=[s2.pk])
    services.registration_change_sessions(registration=other, sessions=[s1.pk])
    assert_counters_match_rows(conference.event)


def test_a_waiting_registration_takes_its_sessions_when_promoted(conference, personas):
    session = SessionFactory(event=conference.event, capacity=5)
    a1 = register(conference.event, personas.org_a)
    register(conference.event, personas.org_a)
    waiting = register(conference.event, personas.org_a, sessions=[session.pk])
    session.refresh_from_db()
    assert session.taken_count == 0
    services.registration_cancel(registration=a1.registration)
    session.refresh_from_db()
    assert session.taken_count == 1
    assert list(waiting.registration.sessions.values_list("id", flat=True)) == [session.pk]
    assert_counters_match_rows(conference.event)


# ---- Transfer ----------------------------------------------------------------------------------------------


def test_transfer_keeps_seat_allocation_and_sessions(conference, personas):
    session = SessionFactory(event=conference.event)
    old = register(conference.event, personas.org_a, sessions=[session.pk]).registration
    new = services.registration_transfer(
        registration=old, name="Kollega", email="kollega@a.example"
    )
    old.refresh_from_db()
    assert old.status == "transferred" and old.transferred_to == new
    assert new.status == "confirmed"
    assert new.organisation == personas.org_a and new.allocation_id == conference.a.pk
    assert list(new.sessions.values_list("id", flat=True)) == [session.pk]
    assert new.manage_token != old.manage_token
    assert_counters_match_rows(conference.event)


def test_transfer_needs_an_address_of_the_organisation(conference, personas):
    old = register(conference.event, personas.org_a).registration
    with pytest.raises(Invalid) as caught:
        services.registration_transfer(registration=old, name="X", email="x@b.example")
    assert caught.value.code == "wrong_domain"
    assert Registration.objects.get(pk=old.pk).status == "confirmed"


def test_transfer_to_an_address_that_holds_a_seat_is_409(conference, personas):
    old = register(conference.event, personas.org_a).registration
    register(conference.event, personas.org_a, email="taken@a.example")
    with pytest.raises(Conflict) as caught:
        services.registration_transfer(registration=old, name="X", email="Taken@a.example")
    assert caught.value.code == "already_registered"


def test_transfer_of_a_cancelled_registration_is_409(conference, personas):
    old = register(conference.event, personas.org_a).registration
    services.registration_cancel(registration=old)
    with pytest.raises(Conflict):
        services.registration_transfer(registration=old, name="X", email="x@a.example")


def test_organisation_without_domains_may_hand_over_to_any_address(conference, personas):
    old = register(conference.event, personas.unit_a).registration  # the unit has no domains
    new = services.registration_transfer(registration=old, name="X", email="x@elsewhere.example")
    assert new.status == "confirmed"


# ---- Capacity and quotas -------------------------------------------------------------------------------------


def test_capacity_below_the_seats_taken_is_409(conference, personas, clock):
    event = release(clock, conference.event)
    for _ in range(6):
        register(event, personas.org_a)
    with pytest.raises(Conflict) as caught:
        services.event_update(actor=None, event=event, capacity=5)
    assert caught.value.code == "capacity_below_taken"


def test_capacity_below_the_quotas_is_400(conference):
    with pytest.raises(Invalid) as caught:
        services.event_update(actor=None, event=conference.event, capacity=4)
    assert caught.value.code == "quota_sum"


def test_raising_capacity_promotes_in_the_open_phase(conference, personas, clock):
    event = release(clock, conference.event)
    for _ in range(10):
        register(event, personas.org_a)
    waiting = register(event, personas.org_a)
    services.event_update(actor=None, event=event, capacity=11)
    assert statuses(waiting) == ["confirmed"]


def test_raising_a_quota_promotes_in_the_quota_phase(conference, personas):
    event = conference.event
    register(event, personas.org_a)
    register(event, personas.org_a)
    waiting = register(event, personas.org_a)
    services.allocation_update(actor=None, allocation=conference.a, quota=3)
    assert statuses(waiting) == ["confirmed"]
    assert_counters_match_rows(event)


def test_quota_below_taken_is_409_before_release(conference, personas):
    register(conference.event, personas.org_a)
    register(conference.event, personas.org_a)
    with pytest.raises(Conflict) as caught:
        services.allocation_update(actor=None, allocation=conference.a, quota=1)
    assert caught.value.code == "quota_below_taken"


def test_quota_sum_above_capacity_is_400(conference, personas):
    with pytest.raises(Invalid) as caught:
        AllocationFactory(event=conference.event, quota=6, organisations=[])
    assert caught.value.code == "quota_sum"


def test_an_organisation_is_in_at_most_one_allocation(conference, personas):
    with pytest.raises(Invalid) as caught:
        AllocationFactory(event=conference.event, quota=1, organisations=[personas.org_a])
    assert caught.value.code == "organisation_in_two_allocations"
    with pytest.raises(IntegrityError), transaction.atomic():
        from jamlik.events.models import AllocationMember

        AllocationMember.objects.create(
            event=conference.event, allocation=conference.b, organisation=personas.org_a
        )


def test_an_allocation_in_use_cannot_be_deleted(conference, personas):
    register(conference.event, personas.org_a)
    with pytest.raises(Conflict) as caught:
        services.allocation_delete(actor=None, allocation=conference.a)
    assert caught.value.code == "allocation_in_use"
    services.allocation_delete(actor=None, allocation=conference.b)


def test_adding_an_organisation_to_an_allocation_makes_its_link(conference, personas):
    third = OrganisationFactory(parent=personas.city)
    services.allocation_update(
        actor=None, allocation=conference.b, organisations=[personas.org_b, third]
    )
    links = selectors.link_list(user=personas.admin, event=conference.event)
    assert {link.organisation_id for link in links} == {
        personas.org_a.pk,
        personas.org_b.pk,
        third.pk,
    }


def test_regenerated_link_replaces_the_old_token(conference, personas):
    link = services.link_ensure(event=conference.event, organisation=personas.org_a)
    fresh = services.link_regenerate(actor=None, link=link)
    assert fresh.token != link.token and len(fresh.token) >= 22  # ≥ 128 bits
    from jamlik.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.link_by_token(link.token)
    assert selectors.link_by_token(fresh.token).organisation == personas.org_a


# ---- Phases -------------------------------------------------------------------------------------------------------


def test_only_a_published_event_takes_registrations(personas, clock):
    event = EventFactory(status="draft")
    with pytest.raises(Conflict) as caught:
        register(event, personas.org_a)
    assert caught.value.code == "closed"


def test_registration_before_it_opens_is_not_open(personas, clock):
    event = EventFactory(opens_at=clock() + timedelta(days=1))
    with pytest.raises(Conflict) as caught:
        register(event, personas.org_a)
    assert caught.value.code == "not_open"


def test_registration_after_it_closes_is_closed(personas, clock):
    event = EventFactory()
    clock.set(event.closes_at + timedelta(seconds=1))
    with pytest.raises(Conflict) as caught:
        register(event, personas.org_a)
    assert caught.value.code == "closed"
    assert services.event_phase(event) == "closed"


# ---- Validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at_offset": -1}, "ends_at"),
        ({"closes_before_opens": True}, "closes_at"),
        ({"release_after_close": True}, "quota_lock_until"),
    ],
)
def test_event_times_must_be_in_order(personas, clock, change, field):
    start = clock() + timedelta(days=30)
    data = {
        "title": "T",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "capacity": 10,
        "opens_at": clock(),
        "closes_at": start - timedelta(days=1),
        "quota_lock_until": clock() + timedelta(days=1),
    }
    if "ends_at_offset" in change:
        data["ends_at"] = start - timedelta(hours=1)
    if "closes_before_opens" in change:
        data["closes_at"] = clock() - timedelta(days=1)
        data["quota_lock_until"] = None
    if "release_after_close" in change:
        data["quota_lock_until"] = start
    with pytest.raises(Invalid) as caught:
        services.event_create(actor=None, **data)
    assert field in {e["field"] for e in caught.value.errors}


def test_a_category_the_event_does_not_allow_is_400(personas, clock):
    event = EventFactory(categories=["employee"])
    AllocationFactory(event=event, organisations=[personas.org_a])
    with pytest.raises(Invalid) as caught:
        register(event, personas.org_a, category="partner")
    assert caught.value.code == "category_not_allowed"


def test_consent_is_required(conference, personas):
    with pytest.raises(Invalid) as caught:
        register(conference.event, personas.org_a, consent=False)
    assert caught.value.code == "consent_required"


def test_unknown_category_is_400(conference, personas):
    with pytest.raises(Invalid):
        register(conference.event, personas.org_a, category="boss")


# ---- Check-in ------------------------------------------------------------------------------------------------------


def test_check_in_only_for_confirmed_and_twice_changes_nothing(conference, personas):
    seated = register(conference.event, personas.org_a).registration
    register(conference.event, personas.org_a)
    waiting = register(conference.event, personas.org_a).registration
    first = services.registration_check_in(registration=seated, actor=personas.admin)
    again = services.registration_check_in(registration=seated, actor=personas.admin)
    assert first.checked_in_at == again.checked_in_at is not None
    with pytest.raises(Conflict) as caught:
        services.registration_check_in(registration=waiting, actor=personas.admin)
    assert caught.value.code == "not_confirmed"
    undone = services.registration_check_in_undo(registration=seated, actor=personas.admin)
    assert undone.checked_in_at is None


def test_a_registration_is_dated_by_the_events_clock(conference, personas, clock):
    """Registrations take their time from the events app's one clock (like the waiting list
    and the holds), so a replayed event is dated as it happened."""
    moment = conference.event.opens_at + timedelta(hours=3)
    clock.set(moment)
    outcome = register(conference.event, personas.org_a)
    assert Registration.objects.get(pk=outcome.registration.pk).created_at == moment
