"""Hybrid events (docs/rules.md#events-hybrid): online seats outside the quotas, decided under
the same lock as the on-site seats; the meeting links shown only to confirmed registrants (manage
page, confirmation and reminder mail, .ics, public API)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.db import connection, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test

from jamlik.core.errors import Conflict, Invalid
from jamlik.events import decisions, hybrid, services
from jamlik.events.models import SEAT_STATUSES, Allocation, Event, Registration, Status
from jamlik.events.selectors import seat_counts_from_counters, seat_counts_from_rows
from jamlik.events.services import seats
from jamlik.events.services.seats import quota_binds
from tests.events.conftest import assert_counters_match_rows
from tests.events.test_state_machine import SeatMachine
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register
from tests.factories.orgs import OrganisationFactory

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_hybrid%40thread.v2/0"
SESSION_LINK = "https://meet.example.org/session-1"


# ---- The pure rules ---------------------------------------------------------------------------


@given(
    limit=st.integers(0, 20),
    taken=st.integers(0, 25),
    waitlist=st.booleans(),
)
def test_online_placement_is_the_seat_rule_over_the_online_room(limit, taken, waitlist):
    place = hybrid.online_placement(decisions.Room(limit, taken), waitlist_enabled=waitlist)
    if taken < limit:
        assert place == decisions.SEAT
    elif waitlist:
        assert place == decisions.WAIT
    else:
        assert place == hybrid.ONLINE_FULL


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("confirmed", True),
        ("pending_approval", False),
        ("waiting", False),
        ("offered", False),
        ("cancelled", False),
        ("declined", False),
        ("expired", False),
        ("transferred", False),
    ],
)
def test_meeting_links_only_for_the_confirmed(status, shown):
    class E:
        title, meeting_url = "Konferens", TEAMS

    class S:
        pk, title, meeting_url = 7, "Pass", SESSION_LINK

    links = hybrid.meeting_links(status, E(), [S()])
    assert bool(links) is shown
    if shown:
        assert [(m.url, m.session) for m in links] == [(TEAMS, None), (SESSION_LINK, 7)]


# ---- Seats ------------------------------------------------------------------------------------

db = pytest.mark.django_db


def _hybrid(**fields):
    values = {"capacity": 10, "online_capacity": 2, "meeting_url": TEAMS, **fields}
    return EventFactory(**values)


@db
def test_online_seats_do_not_use_the_quota(personas, clock):
    event = _hybrid()
    a = AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    online = [register(event, personas.org_a, participation="online").registration for _ in "ab"]
    assert [r.status for r in online] == ["confirmed", "confirmed"]
    assert all(r.allocation_id is None for r in online)
    a.refresh_from_db()
    assert a.confirmed_count == 0
    # The quota of one on-site seat is still whole.
    assert register(event, personas.org_a).registration.status == Status.CONFIRMED
    assert register(event, personas.org_a).registration.status == Status.WAITING
    event.refresh_from_db()
    assert (event.confirmed_count, event.waiting_count) == (1, 1)
    assert (event.online_confirmed_count, event.online_waiting_count) == (2, 0)
    assert_counters_match_rows(event)


@db
def test_online_full_joins_the_online_waiting_list_and_is_served_by_online_seats(personas, clock):
    event = _hybrid(quota_lock_until=None)
    first = register(event, participation="online").registration
    register(event, participation="online")
    waiting = register(event, participation="online")
    assert waiting.registration.status == Status.WAITING
    assert waiting.position == 1
    on_site_waiting_count = Event.objects.get(pk=event.pk).waiting_count
    assert on_site_waiting_count == 0
    # An on-site seat freed does not go to someone waiting online …
    on_site = register(event).registration
    services.registration_cancel(registration=on_site)
    assert Registration.objects.get(pk=waiting.registration.pk).status == Status.WAITING
    # … an online seat does.
    services.registration_cancel(registration=first)
    promoted = Registration.objects.get(pk=waiting.registration.pk)
    assert promoted.status == Status.CONFIRMED and promoted.is_online
    assert_counters_match_rows(event)


@db
def test_on_site_waiting_are_not_given_online_seats(personas, clock):
    event = _hybrid(capacity=1, online_capacity=1, quota_lock_until=None)
    register(event)
    waiting = register(event).registration
    assert waiting.status == Status.WAITING
    online = register(event, participation="online").registration
    services.registration_cancel(registration=online)
    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITING
    assert_counters_match_rows(event)


@db
def test_online_full_without_waiting_list_is_409_online_full(personas, clock):
    event = _hybrid(online_capacity=1, waitlist_enabled=False, quota_lock_until=None)
    register(event, participation="online")
    with pytest.raises(Conflict) as refused:
        register(event, participation="online")
    assert refused.value.code == "online_full"
    # The on-site seats are still open.
    assert register(event).registration.status == Status.CONFIRMED


@db
def test_online_on_an_event_without_online_seats_is_400(personas, clock):
    event = EventFactory(quota_lock_until=None)
    with pytest.raises(Invalid) as refused:
        register(event, participation="online")
    assert refused.value.code == "online_not_offered"
    assert not Registration.objects.filter(event=event).exists()


@db
def test_online_seat_in_the_quota_phase_through_a_link_without_quota(personas, clock):
    event = _hybrid()
    AllocationFactory(event=event, quota=0, organisations=[personas.org_a])
    assert register(event, personas.org_a).registration.status == Status.WAITING
    assert register(event, personas.org_a, participation="online").registration.status == (
        Status.CONFIRMED
    )


@db
def test_online_capacity_not_below_the_online_registrations(personas, clock):
    event = _hybrid(online_capacity=1, quota_lock_until=None)
    register(event, participation="online")
    waiting = register(event, participation="online").registration
    with pytest.raises(Conflict) as refused:
        services.event_update(actor=None, event=event, online_capacity=0)
    assert refused.value.code == "online_capacity_below_taken"
    with pytest.raises(Conflict):
        services.event_update(actor=None, event=event, online_capacity=None)
    # Raising the online seats hands them to those waiting online.
    services.event_update(actor=None, event=event, online_capacity=2)
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED
    assert_counters_match_rows(event)


@db
def test_approval_holds_online_seats_and_transfer_keeps_participation(personas, clock):
    event = _hybrid(online_capacity=1, approval_required=True, quota_lock_until=None)
    held = register(event, participation="online").registration
    assert held.status == Status.PENDING_APPROVAL
    event.refresh_from_db()
    assert (event.online_held_count, event.held_count) == (1, 0)
    new = services.registration_transfer(
        registration=held, name="Kollega", email="kollega@x.example"
    )
    assert new.participation == "online" and new.status == Status.PENDING_APPROVAL
    services.approval_decide(registration=new, approve=True)
    event.refresh_from_db()
    assert (event.online_confirmed_count, event.online_held_count) == (1, 0)
    assert_counters_match_rows(event)


@db
def test_expired_online_hold_frees_the_online_seat(personas, clock):
    event = _hybrid(online_capacity=1, approval_required=True, quota_lock_until=None)
    held = register(event, participation="online").registration
    waiting = register(event, participation="online").registration
    clock.advance(hours=event.approval_hold_hours + 1)
    services.event_release_if_due(event=Event.objects.get(pk=event.pk))
    assert Registration.objects.get(pk=held.pk).status == Status.EXPIRED
    assert Registration.objects.get(pk=waiting.pk).status == Status.PENDING_APPROVAL
    assert_counters_match_rows(event)


# ---- The meeting link: only the confirmed see it --------------------------------------------


@pytest.fixture
def hybrid_event(personas, clock):
    event = _hybrid(online_capacity=1, quota_lock_until=None)
    SessionFactory(event=event, title="Hybridpass", meeting_url=SESSION_LINK)
    return event


def _chosen(event):
    """The hybrid session: its link is for those who chose it."""
    return list(event.sessions.values_list("pk", flat=True))


def _calendar(content):
    return next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))


@db
def test_confirmed_online_registrant_gets_the_link_in_mail_ics_page_and_api(
    personas, hybrid_event, client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            hybrid_event, participation="online", sessions=_chosen(hybrid_event)
        ).registration
    message = mail.outbox[-1]
    assert TEAMS in message.body and SESSION_LINK in message.body
    ics = next(c for name, c, _t in message.attachments if name.endswith(".ics"))
    vevent = _calendar(ics)
    assert TEAMS in str(vevent["description"]) and SESSION_LINK in str(vevent["description"])
    assert str(vevent["url"]) == TEAMS
    assert str(vevent["location"]) == TEAMS  # online: the link is the place
    page = client.get(f"/m/{registration.manage_token}").content.decode()
    assert TEAMS in page and SESSION_LINK in page
    body = personas.api().get(f"/api/v1/public/registrations/{registration.manage_token}").json()
    assert body["participation"] == "online"
    assert [m["url"] for m in body["meeting_links"]] == [TEAMS, SESSION_LINK]
    download = personas.api().get(
        f"/api/v1/public/registrations/{registration.manage_token}/calendar.ics"
    )
    assert str(_calendar(download.content)["url"]) == TEAMS


@db
def test_confirmed_on_site_registrant_keeps_the_venue_as_location(personas, hybrid_event):
    registration = register(hybrid_event, sessions=_chosen(hybrid_event)).registration
    from jamlik.events.services.mail import calendar_file

    vevent = _calendar(calendar_file(registration, hybrid_event))
    assert str(vevent["location"]) == hybrid_event.venue
    assert str(vevent["url"]) == TEAMS


@db
def test_waiting_and_cancelled_registrants_never_see_the_link(
    personas, hybrid_event, client, django_capture_on_commit_callbacks
):
    register(hybrid_event, participation="online", sessions=_chosen(hybrid_event))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        waiting = register(
            hybrid_event, participation="online", sessions=_chosen(hybrid_event)
        ).registration
    assert waiting.status == Status.WAITING
    cancelled = register(hybrid_event, sessions=_chosen(hybrid_event)).registration
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=cancelled)
    cancelled.refresh_from_db()
    everything = "".join(m.body for m in mail.outbox) + "".join(
        c.decode() if isinstance(c, bytes) else str(c)
        for m in mail.outbox
        for _n, c, _t in m.attachments
        if _n.endswith(".ics")
    )
    assert TEAMS not in everything and SESSION_LINK not in everything
    api = personas.api()
    for registration in (waiting, cancelled):
        token = registration.manage_token
        page = client.get(f"/m/{token}").content.decode()
        assert TEAMS not in page and SESSION_LINK not in page
        body = api.get(f"/api/v1/public/registrations/{token}")
        assert body.json()["meeting_links"] == []
        assert TEAMS not in body.content.decode() and SESSION_LINK not in body.content.decode()
        ics = api.get(f"/api/v1/public/registrations/{token}/calendar.ics").content.decode()
        assert TEAMS not in ics and SESSION_LINK not in ics


@db
def test_the_public_event_never_carries_the_link(personas, hybrid_event):
    body = personas.api().get(f"/api/v1/public/events/{hybrid_event.pk}")
    assert body.status_code == 200
    text = body.content.decode()
    assert TEAMS not in text and SESSION_LINK not in text and "meeting_url" not in text
    assert body.json()["online_capacity"] == 1 and body.json()["online_free"] == 1


@db
def test_reminder_carries_the_link(
    personas, hybrid_event, clock, django_capture_on_commit_callbacks
):
    register(hybrid_event, participation="online", sessions=_chosen(hybrid_event))
    mail.outbox.clear()
    clock.set(hybrid_event.starts_at - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send()
    assert any(TEAMS in m.body for m in mail.outbox)


# ---- API ----------------------------------------------------------------------------------------


@db
def test_staff_api_reads_and_writes_meeting_links_and_online_seats(personas, hybrid_event):
    api = personas.api(personas.city_coordinator)
    body = api.get(f"/api/v1/events/{hybrid_event.pk}").json()
    assert body["meeting_url"] == TEAMS and body["online_capacity"] == 1
    assert body["online_free"] == 1
    changed = api.patch(
        f"/api/v1/events/{hybrid_event.pk}", {"meeting_url": "https://teams.example/x"}
    )
    assert changed.status_code == 200 and changed.json()["meeting_url"] == "https://teams.example/x"
    for bad in ("http://teams.example/x", "javascript:alert(1)", "inte en länk"):
        refused = api.patch(f"/api/v1/events/{hybrid_event.pk}", {"meeting_url": bad})
        assert refused.status_code == 400, bad
    session = api.get(f"/api/v1/events/{hybrid_event.pk}/sessions").json()[0]
    assert session["meeting_url"] == SESSION_LINK
    cleared = api.patch(
        f"/api/v1/events/{hybrid_event.pk}/sessions/{session['id']}", {"meeting_url": None}
    )
    assert cleared.status_code == 200 and cleared.json()["meeting_url"] == ""


@db
def test_public_register_endpoint_takes_participation(personas, clock):
    event = _hybrid(online_capacity=1, quota_lock_until=None, waitlist_enabled=False)
    api = personas.api()
    body = {"name": "Nätdeltagare", "email": "nat@x.example", "category": "employee"}
    first = api.post(
        f"/api/v1/public/events/{event.pk}/registrations",
        {**body, "consent": True, "participation": "online"},
    )
    assert first.status_code == 201, first.content
    again = api.post(
        f"/api/v1/public/events/{event.pk}/registrations",
        {**body, "email": "nat2@x.example", "consent": True, "participation": "online"},
    )
    assert again.status_code == 409 and again.json()["code"] == "online_full"
    bad = api.post(
        f"/api/v1/public/events/{event.pk}/registrations",
        {**body, "email": "nat3@x.example", "consent": True, "participation": "remote"},
    )
    assert bad.status_code == 400
    staff = personas.api(personas.city_coordinator)
    rows = staff.get(f"/api/v1/events/{event.pk}/registrations").json()
    assert [r["participation"] for r in rows] == ["online"]


# ---- Pages --------------------------------------------------------------------------------------


@db
def test_registration_form_offers_online_with_seats_left_only_when_hybrid(personas, clock, client):
    event = _hybrid(online_capacity=3, quota_lock_until=None)
    html = client.get(f"/e/{event.pk}").content.decode()
    assert 'name="participation"' in html and "3" in html
    response = client.post(
        f"/e/{event.pk}",
        {
            "organisation": "external",
            "name": "Nät Person",
            "email": "natperson@x.example",
            "category": "employee",
            "participation": "online",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Registration.objects.get(email="natperson@x.example").participation == "online"
    plain = EventFactory(quota_lock_until=None)
    assert 'name="participation"' not in client.get(f"/e/{plain.pk}").content.decode()


@db
def test_dashboard_and_editor_show_the_online_figures(personas, hybrid_event):
    register(hybrid_event, participation="online", sessions=_chosen(hybrid_event))
    web = personas.web(personas.city_coordinator)
    html = web.get(f"/events/{hybrid_event.pk}/").content.decode()
    assert "Deltagande på distans" in html or "Online participation" in html
    editor = web.get(f"/events/{hybrid_event.pk}/edit/").content.decode()
    assert 'name="online_capacity"' in editor and 'name="meeting_url"' in editor


# ---- Concurrency (PostgreSQL) --------------------------------------------------------------------

THREADS = 16
ONLINE_SEATS = 5


def _online_storm(event, org):
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def attempt(n: int):
        try:
            barrier.wait(timeout=30)
            return services.registration_create(
                event=event,
                organisation=org,
                name=f"Nät {n}",
                email=f"nat{n}@{org.domains[0]}",
                category="employee",
                consent=True,
                # Every other one on site: both decisions share the lock.
                participation="online" if n % 2 == 0 else "on_site",
            ).registration.status
        except BaseException as exc:
            errors.append(exc)
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(attempt, range(THREADS)))
    return results, errors


def _race_setup():
    org = OrganisationFactory(code="NET", domains=["net.example"])
    event = EventFactory(capacity=40, online_capacity=ONLINE_SEATS, quota_lock_until=None)
    for _ in range(ONLINE_SEATS - 2):
        register(event, org, participation="online")
    return event, org


def _online_seated(event):
    return Registration.objects.filter(
        event=event, participation="online", status__in=[Status.CONFIRMED]
    ).count()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_online_registrations_never_exceed_the_online_seats():
    event, org = _race_setup()
    _results, errors = _online_storm(event, org)
    assert errors == []
    assert _online_seated(event) == ONLINE_SEATS
    event = Event.objects.get(pk=event.pk)
    assert event.online_confirmed_count == ONLINE_SEATS
    assert event.confirmed_count == THREADS // 2  # on site: room for all
    assert seat_counts_from_counters(event) == seat_counts_from_rows(event)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_online_seats_are_exceeded(monkeypatch):
    """The same storm with the lock replaced by a plain read: more online seats are given
    than there are. This is what the shared lock prevents."""
    event, org = _race_setup()

    def unlocked(event_id):
        found = Event.objects.get(pk=event_id)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(seats, "lock_event", unlocked)
    _online_storm(event, org)
    assert _online_seated(event) > ONLINE_SEATS, "without the lock the race did not show"


# ---- The state machine, hybrid (tests/events/test_state_machine.py, extended) ----------------


class HybridSeatMachine(SeatMachine):
    """The seat machine with online seats: the event becomes hybrid at some step, people
    register online too, and online seats change. After every step, besides the on-site
    rules (which now count on-site registrations only), the online seats are within their
    capacity, nobody waits online while an online seat is free, and the online queue is
    served oldest first."""

    @precondition(lambda self: self.event is not None)
    @rule(online_capacity=st.integers(0, 3))
    def make_hybrid(self, online_capacity):
        self._step(
            lambda: services.event_update(
                actor=None, event=self.event, online_capacity=online_capacity, meeting_url=TEAMS
            )
        )

    @precondition(lambda self: self.event is not None)
    @rule(
        org=st.integers(0, 2),
        person=st.integers(0, 11),
        sessions=st.booleans(),
        link=st.booleans(),
        online=st.booleans(),
    )
    def register(self, org, person, sessions, link, online=False):
        """The base machine's registration, half of them online (the event becomes hybrid,
        with two online seats, at the first online registration)."""
        organisation = self.orgs[org]
        if online and Event.objects.get(pk=self.event.pk).online_capacity is None:
            self.make_hybrid(online_capacity=2)

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
                participation="online" if online else "on_site",
            )
            if outcome.created:
                self.registrations.append(outcome.registration.pk)

        self._step(act)

    @precondition(lambda self: self.event is not None)
    @rule(org=st.integers(0, 2), first=st.integers(0, 11), count=st.integers(2, 4))
    def register_several_online(self, org, first, count):
        """Several people in a row online (the online queue forms quickly)."""
        for person in range(first, first + count):
            self.register(org=org, person=person % 12, sessions=False, link=True, online=True)

    def _check_order(self, before_waiting, seated_before):
        # The queues are the base machine's, each of one participation.
        event = Event.objects.get(pk=self.event.pk)
        in_quota = quota_binds(event, self.clock())
        rows = Registration.objects.filter(event=event)
        now = dict(rows.values_list("id", "status"))
        kind = dict(rows.values_list("id", "participation"))
        allocation_of = dict(rows.values_list("id", "allocation_id"))
        transferred_in = set(
            rows.filter(transferred_from__isnull=False).values_list("id", flat=True)
        )
        order = {rid: index for index, (rid, _a) in enumerate(before_waiting)}
        newly_seated = [
            rid
            for rid, status in now.items()
            if status in SEAT_STATUSES and rid not in seated_before and rid not in transferred_in
        ]
        still_waiting = [rid for rid, _a in before_waiting if now.get(rid) == Status.WAITING]
        for seated in newly_seated:
            rank = order.get(seated, len(order))
            for waiting in still_waiting:
                if kind[waiting] != kind[seated]:
                    continue
                same_queue = (
                    kind[seated] == "online"
                    or not in_quota
                    or allocation_of[waiting] == allocation_of[seated]
                )
                assert not (same_queue and order[waiting] < rank), (
                    f"registration {seated} got a seat before older waiting {waiting}"
                )

    @invariant()
    def seats_within_rules(self):
        if self.event is None:
            return
        event = Event.objects.get(pk=self.event.pk)
        rows = seat_counts_from_rows(event)
        assert rows == seat_counts_from_counters(event), "counters differ from the rows"
        assert rows["confirmed"] + rows["held"] <= event.capacity
        in_quota = quota_binds(event, self.clock())
        allocations = {a.pk: a for a in Allocation.objects.filter(event=event)}
        if in_quota:
            for allocation_id, counts in rows["allocations"].items():
                assert counts["confirmed"] + counts["held"] <= allocations[allocation_id].quota
            # On site, no seat outside every allocation before the release; online seats
            # count against no allocation.
            assert not Registration.objects.filter(
                event=event,
                allocation__isnull=True,
                status__in=SEAT_STATUSES,
                participation="on_site",
            ).exists()
        assert not Registration.objects.filter(
            event=event, participation="online", allocation__isnull=False
        ).exists()
        online = rows["online"]
        taken = online["confirmed"] + online["held"]
        if event.online_capacity is None:
            assert taken == 0 and online["waiting"] == 0
            return
        assert taken <= event.online_capacity, "more online seats than there are"
        if event.status == "published" and self.clock() < event.starts_at:
            if taken < event.online_capacity:
                assert online["waiting"] == 0, "someone waits online while an online seat is free"


@pytest.mark.django_db
def test_hybrid_seat_rules_hold_after_every_step(clock):
    clock.base = clock()
    HybridSeatMachine.clock = clock
    run_state_machine_as_test(
        HybridSeatMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


@pytest.mark.django_db
def test_demo_makes_a_session_hybrid_with_a_few_online_participants(personas, clock):
    from jamlik.demo.events.hybrid import EVENT_LINK, SESSION_LINK, make_hybrid

    event = EventFactory(approval_required=True, quota_lock_until=None)
    session = SessionFactory(event=event)
    organisations = {o.code: o for o in (personas.org_a, personas.org_b)}
    assert make_hybrid(event, organisations) == 2
    assert make_hybrid(Event.objects.get(pk=event.pk), organisations) == 0  # once
    event.refresh_from_db()
    session.refresh_from_db()
    assert event.meeting_url == EVENT_LINK and session.meeting_url == SESSION_LINK
    online = event.registrations.filter(participation="online")
    assert sorted(online.values_list("status", flat=True)) == ["confirmed", "pending_approval"]
    assert_counters_match_rows(event)


@pytest.mark.django_db
def test_staff_page_registers_a_person_online(personas, clock):
    event = _hybrid(quota_lock_until=None)
    web = personas.web(personas.city_coordinator)
    url = f"/events/{event.pk}/register/"
    form = web.get(url).content.decode()
    assert 'name="participation"' in form
    response = web.post(
        url,
        {
            "organisation": str(personas.org_a.pk),
            "name": "Distans Person",
            "email": "distans@a.example",
            "category": "employee",
            "participation": "online",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Registration.objects.get(email="distans@a.example").participation == "online"


@pytest.mark.django_db
def test_an_online_registration_costs_no_more_statements_under_the_lock(personas, clock, settings):
    """As tests/events/test_queries.py counts an on-site registration (4 under the lock on
    PostgreSQL): the online decision reads no allocation and its counters go into the same
    UPDATE of the event row, so one statement fewer."""
    from django.test.utils import CaptureQueriesContext

    from tests.events.test_queries import TRANSACTION_CONTROL

    event = _hybrid(capacity=1000, online_capacity=100, quota_lock_until=None)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    session = SessionFactory(event=event, capacity=None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    body = {
        "name": "Ny Person",
        "email": "ny@a.example",
        "category": "employee",
        "consent": True,
        "sessions": [session.pk],
        "participation": "online",
    }
    with CaptureQueriesContext(connection) as captured:
        response = personas.api().post(f"/api/v1/public/links/{link.token}/registrations", body)
    assert response.status_code == 201, response.content[:300]
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    locked = next(i for i, sql in enumerate(statements) if "FROM events_event e WHERE" in sql)
    under_lock = statements[locked + 1 :]
    # The programme and the registration; then its session, the notice's task row, the
    # event's and the session's counters and the audit entry: one statement on PostgreSQL,
    # one each on SQLite.
    writes = 1 if connection.vendor == "postgresql" else 5
    assert len(under_lock) == 2 + writes, under_lock


def test_the_export_says_who_takes_part_online(personas, clock):
    """The registrations' export names each one's participation (the last column)."""
    import csv
    import io

    from tests.factories.events import EventFactory, register

    event = EventFactory(capacity=5, online_capacity=5, quota_lock_until=None)
    register(event, personas.org_a, participation="online")
    register(event, personas.org_a)
    response = personas.api(personas.admin, language="en").get(
        f"/api/v1/events/{event.pk}/export.csv"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "participation"
    assert sorted(r[-1] for r in rows[1:]) == ["On site", "Online"]
