"""The radar of unused seats before the release and its reminders (services/selectors
``radar``): the figures by hand, scoping per persona, the API, constant queries; reminders
7 and 2 days before the release, once each (also with the tick twice and two workers at
once on PostgreSQL), to the right people, in Swedish and English; the event's setting in the
form and the API; failed mailbox mail on the links page."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jamlik.core.models import Role
from jamlik.events import tasks
from jamlik.events.links import organisation_link_url
from jamlik.events.models import Event, OrganisationLink, UnusedSeatReminder
from jamlik.events.selectors.radar import failed_mailbox_mail, radar
from jamlik.events.services import radar as radar_services
from jamlik.notifications.models import OutboxMessage, OutboxStatus
from tests.events.test_pages_staff import event_post as staff_event_post
from tests.factories.core import UserFactory
from tests.factories.events import AllocationFactory, EventFactory, register
from tests.factories.orgs import OrganisationFactory

KIND = "events.unused_seats"


@pytest.fixture
def chase(personas, clock):
    """Capacity 20, release exactly 7 days from now: Alfa (org A, quota 5; one confirmed),
    Beta (org B, quota 3; nobody yet), Gamma (a third organisation, quota 2; full)."""
    org_c = OrganisationFactory(name="Förvaltning C", code="C", parent=personas.city)
    event = EventFactory(title="Vårkonferensen", capacity=20)
    alfa = AllocationFactory(
        event=event, name="Grupp Alfa", quota=5, organisations=[personas.org_a]
    )
    beta = AllocationFactory(
        event=event, name="Grupp Beta", quota=3, organisations=[personas.org_b]
    )
    gamma = AllocationFactory(event=event, name="Grupp Gamma", quota=2, organisations=[org_c])
    clock.advance(minutes=1)
    register(event, personas.org_a)
    register(event, org_c)
    clock.advance(minutes=1)
    last_c = clock()
    register(event, org_c)
    event.refresh_from_db()
    return SimpleNamespace(
        event=event, alfa=alfa, beta=beta, gamma=gamma, org_c=org_c, last_c=last_c
    )


def mails(**filters):
    return list(OutboxMessage.objects.filter(kind=KIND, **filters).order_by("to"))


# ---- The radar -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_radar_figures_by_hand(personas, chase, clock):
    clock.advance(hours=1)  # 7 days less 62 minutes: 6 whole days left
    found = radar(user=personas.city_coordinator, event=chase.event)
    assert found.before_release and found.days_left == 6
    assert [(r.name, r.quota, r.taken, r.unused) for r in found.rows] == [
        ("Grupp Alfa", 5, 1, 4),
        ("Grupp Beta", 3, 0, 3),
        ("Grupp Gamma", 2, 2, 0),
    ]
    assert found.unused == 7
    by_name = {r.name: r for r in found.rows}
    assert by_name["Grupp Beta"].last_registration_at is None
    assert by_name["Grupp Gamma"].last_registration_at == chase.last_c
    assert [o.name for o in by_name["Grupp Alfa"].organisations] == ["Förvaltning A"]


@pytest.mark.django_db
def test_held_seats_count_as_taken(personas, clock):
    event = EventFactory(approval_required=True, capacity=10)
    AllocationFactory(event=event, name="Grupp Alfa", quota=3, organisations=[personas.org_a])
    register(event, personas.org_a)
    (row,) = radar(user=personas.admin, event=event).rows
    assert (row.confirmed, row.held, row.taken, row.unused) == (0, 1, 1, 2)


@pytest.mark.django_db
def test_radar_is_empty_after_the_release_and_without_one(personas, chase, clock):
    clock.advance(days=7, seconds=1)
    found = radar(user=personas.admin, event=chase.event)
    assert not found.before_release and found.rows == []
    no_release = EventFactory(quota_lock_until=None)
    assert radar(user=personas.admin, event=no_release).rows == []


@pytest.mark.django_db
def test_radar_scoping_per_persona(personas, chase):
    def names(user):
        return {r.name for r in radar(user=user, event=chase.event).rows}

    everything = {"Grupp Alfa", "Grupp Beta", "Grupp Gamma"}
    assert names(personas.admin) == everything
    assert names(personas.city_coordinator) == everything
    assert names(personas.coordinator_a) == {"Grupp Alfa"}
    assert names(personas.coordinator_b) == {"Grupp Beta"}
    # A coordinator of a unit below A reaches no allocation (A is above their subtree).
    unit_user = UserFactory(role=Role.ORG_COORDINATOR, organisation=personas.unit_a)
    assert names(unit_user) == set()


@pytest.mark.django_db
def test_radar_page(personas, chase):
    url = f"/events/{chase.event.pk}/radar/"
    html = personas.web(personas.city_coordinator).get(url).content.decode()
    assert "Oanvända platser före släppet" in html
    assert html.index("Grupp Alfa") < html.index("Grupp Beta") < html.index("Grupp Gamma")
    assert 'class="table-wrap"' in html and '<svg class="meter' in html
    assert 'aria-current="page"' in html and f'href="{url}"' in html
    own = personas.web(personas.coordinator_a).get(url)
    assert own.status_code == 200
    assert "Grupp Alfa" in own.content.decode() and "Grupp Beta" not in own.content.decode()
    assert personas.web().get(url).status_code == 302
    assert personas.web(personas.admin).post(url).status_code == 405
    assert personas.web(personas.admin).get("/events/999999/radar/").status_code == 404


@pytest.mark.django_db
def test_radar_page_after_the_release(personas, chase, clock):
    clock.advance(days=8)
    html = personas.web(personas.admin).get(f"/events/{chase.event.pk}/radar/").content.decode()
    assert "Kvoterna gäller inte längre" in html


@pytest.mark.django_db
def test_radar_api(personas, chase):
    url = f"/api/v1/events/{chase.event.pk}/radar"
    body = personas.api(personas.city_coordinator).get(url).json()
    assert body["before_release"] is True and body["days_left"] == 6  # 7 days less 2 minutes
    assert body["unused"] == 7
    assert body["unused_seat_reminder_days"] == [7, 2]
    assert [
        (a["name"], a["quota"], a["taken"], a["unused"], a["days_left"])
        for a in body["allocations"]
    ] == [
        ("Grupp Alfa", 5, 1, 4, 6),
        ("Grupp Beta", 3, 0, 3, 6),
        ("Grupp Gamma", 2, 2, 0, 6),
    ]
    assert body["allocations"][1]["last_registration_at"] is None
    assert body["allocations"][2]["last_registration_at"] is not None
    assert body["allocations"][0]["organisations"] == [personas.org_a.pk]
    scoped = personas.api(personas.coordinator_b).get(url).json()
    assert [a["name"] for a in scoped["allocations"]] == ["Grupp Beta"]
    assert personas.api().get(url).status_code == 401
    assert personas.api(personas.admin).get("/api/v1/events/999999/radar").status_code == 404


def _event_with(personas, allocations: int):
    event = EventFactory(capacity=allocations * 3)
    for n in range(allocations):
        organisation = OrganisationFactory(parent=personas.org_a if n % 2 else personas.org_b)
        AllocationFactory(event=event, quota=2, organisations=[organisation, OrganisationFactory()])
        register(event, organisation)
    return Event.objects.get(pk=event.pk)


@pytest.mark.django_db
def test_radar_queries_do_not_grow_with_the_allocations(personas, clock):
    small, large = _event_with(personas, 3), _event_with(personas, 30)
    for user in (personas.city_coordinator, personas.coordinator_a):
        counts = []
        for event in (small, large):
            with CaptureQueriesContext(connection) as queries:
                rows = radar(user=user, event=event).rows
            counts.append(len(queries))
            assert rows
        assert counts[0] == counts[1] <= 2, counts
    web = personas.web(personas.coordinator_a)
    api = personas.api(personas.coordinator_a)
    for get in (
        lambda e: web.get(f"/events/{e.pk}/radar/"),
        lambda e: api.get(f"/api/v1/events/{e.pk}/radar"),
    ):
        get(small)  # warm: the session and the caches of the first request
        counts = []
        for event in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert get(event).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts


# ---- Reminders -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_at_7_and_2_days_once_each(personas, chase, clock):
    clock.advance(seconds=-150)  # 7 days and a little before the release: not yet
    assert radar_services.unused_seat_reminders_send() == 0
    clock.advance(seconds=150)  # exactly 7 days before
    assert radar_services.unused_seat_reminders_send() == 2  # Alfa and Beta; Gamma is full
    assert set(UnusedSeatReminder.objects.values_list("allocation__name", "days_before")) == {
        ("Grupp Alfa", 7),
        ("Grupp Beta", 7),
    }
    first = len(mails())
    assert first == 4  # two mailboxes, two coordinators
    clock.advance(days=2)
    assert radar_services.unused_seat_reminders_send() == 0
    clock.advance(days=3)  # 2 days before
    assert radar_services.unused_seat_reminders_send() == 2
    assert len(mails()) == 2 * first
    assert radar_services.unused_seat_reminders_send() == 0
    clock.advance(days=2)  # the release: nothing more
    assert radar_services.unused_seat_reminders_send() == 0
    assert UnusedSeatReminder.objects.count() == 4
    assert len(mails()) == 2 * first


@pytest.mark.django_db
def test_no_reminder_where_no_seat_is_unused(personas, chase, clock):
    for _ in range(4):  # Alfa full
        register(chase.event, personas.org_a)
    assert radar_services.unused_seat_reminders_send() == 1
    assert {m.to for m in mails()} == {"brevlada@b.example", "hr_b@stad.example"}
    assert not UnusedSeatReminder.objects.filter(allocation=chase.alfa).exists()


@pytest.mark.django_db
def test_no_reminder_after_the_release_or_for_a_draft(personas, chase, clock):
    clock.advance(days=7)
    assert radar_services.unused_seat_reminders_send() == 0
    clock.advance(days=-2)
    Event.objects.filter(pk=chase.event.pk).update(status="draft")
    assert radar_services.unused_seat_reminders_send() == 0
    Event.objects.filter(pk=chase.event.pk).update(status="published", unused_seat_reminder_days=[])
    assert radar_services.unused_seat_reminders_send() == 0
    assert mails() == []


@pytest.mark.django_db
def test_a_missed_day_is_caught_up_by_one_mail(personas, chase, clock):
    clock.advance(days=6)  # the tick did not run at 7 days: one mail covers 7 and 2
    assert radar_services.unused_seat_reminders_send() == 2
    assert UnusedSeatReminder.objects.filter(allocation=chase.beta).count() == 2
    assert len(mails(to="brevlada@b.example")) == 1


@pytest.mark.django_db
def test_the_tick_sends_them_once_when_it_runs_twice(personas, chase, clock):
    tasks.tick_work()
    tasks.tick_work()
    assert len(mails()) == 4
    assert UnusedSeatReminder.objects.count() == 2


@pytest.mark.django_db
def test_recipients(personas, chase, clock):
    # Not: an inactive coordinator, a coordinator of a unit below, a city coordinator.
    UserFactory(role=Role.ORG_COORDINATOR, organisation=personas.org_a, is_active=False)
    UserFactory(role=Role.ORG_COORDINATOR, organisation=personas.unit_a)
    second = UserFactory(username="hr_a2", role=Role.ORG_COORDINATOR, organisation=personas.org_a)
    radar_services.unused_seat_reminders_send()
    assert {m.to for m in mails()} == {
        "brevlada@a.example",
        "hr_a@stad.example",
        second.email,
        "brevlada@b.example",
        "hr_b@stad.example",
    }
    link = OrganisationLink.objects.get(event=chase.event, organisation=personas.org_a)
    mailbox = OutboxMessage.objects.get(kind=KIND, to="brevlada@a.example")
    assert mailbox.about == f"events.link:{link.pk}"
    reminder = UnusedSeatReminder.objects.get(allocation=chase.alfa)
    assert OutboxMessage.objects.get(kind=KIND, to="hr_a@stad.example").about == (
        f"{KIND}:{reminder.pk}"
    )
    assert mailbox.reply_to == chase.event.contact_email


@pytest.mark.django_db
def test_mail_text_in_swedish(personas, chase, clock):
    radar_services.unused_seat_reminders_send()
    message = OutboxMessage.objects.get(kind=KIND, to="brevlada@a.example")
    link = OrganisationLink.objects.get(event=chase.event, organisation=personas.org_a)
    assert message.subject == "Oanvända platser: Vårkonferensen"
    assert "Platsfördelningen Grupp Alfa har fortfarande 4 oanvända platser" in message.body_text
    assert organisation_link_url(link) in message.body_text
    release = timezone.localtime(chase.event.quota_lock_until)
    assert f"{release:%H:%M}" in message.body_text and str(release.year) in message.body_text
    coordinator = OutboxMessage.objects.get(kind=KIND, to="hr_a@stad.example")
    assert "som organisationssamordnare för Förvaltning A" in coordinator.body_text


@pytest.mark.django_db
def test_mail_text_in_english(personas, chase):
    link = OrganisationLink.objects.get(event=chase.event, organisation=personas.org_b)
    radar_services.unused_seat_mail(
        to="someone@b.example",
        event=chase.event,
        allocation=chase.beta,
        organisation=personas.org_b,
        link=link,
        unused=1,
        days_left=7,
        about="test",
        language=radar_services.recipient_language(SimpleNamespace(language="en-gb")),
        coordinator=True,
    )
    message = OutboxMessage.objects.get(to="someone@b.example")
    assert message.subject == "Unused seats: Vårkonferensen"
    assert "The allocation Grupp Beta still has 1 unused seat at the event below." in (
        message.body_text
    )
    assert "as an organisation coordinator of Förvaltning B" in message.body_text
    assert organisation_link_url(link) in message.body_text
    assert radar_services.recipient_language(personas.coordinator_a) == "sv"


@pytest.mark.django_db
def test_an_organisation_without_a_link_is_told_to_ask(personas, chase, clock):
    OrganisationLink.objects.filter(event=chase.event, organisation=personas.org_b).update(
        revoked_at=timezone.now()
    )
    radar_services.unused_seat_reminders_send()
    message = OutboxMessage.objects.get(kind=KIND, to="brevlada@b.example")
    assert "ingen fungerande anmälningslänk" in message.body_text
    assert message.about.startswith(f"{KIND}:")


@pytest.mark.django_db
def test_only_the_city_sends_them_by_hand(personas, chase):
    from jamlik.core.errors import Forbidden

    with pytest.raises(Forbidden):
        radar_services.unused_seat_reminders_send(actor=personas.coordinator_a)
    assert radar_services.unused_seat_reminders_send(actor=personas.city_coordinator) == 2


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two workers on own connections")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(personas, chase, clock):
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(radar_services.unused_seat_reminders_send())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(results) == 2
    assert UnusedSeatReminder.objects.count() == 2
    assert sorted(m.to for m in mails()) == [
        "brevlada@a.example",
        "brevlada@b.example",
        "hr_a@stad.example",
        "hr_b@stad.example",
    ]


# ---- The event's setting -------------------------------------------------------------------


def event_post(**extra):
    """The editor's form (tests/events/test_pages_staff.py) for a plain workshop."""
    return staff_event_post(**{"title": "Workshop om platser", "description": "", **extra})


@pytest.mark.django_db
def test_the_form_sets_and_keeps_the_days(personas):
    web = personas.web(personas.city_coordinator)
    page = web.get("/events/new/").content.decode()
    assert 'name="unused_seat_reminder_days"' in page and 'value="7,2"' in page
    assert (
        web.post("/events/new/", event_post(unused_seat_reminder_days="3, 10")).status_code == 302
    )
    event = Event.objects.get(title="Workshop om platser")
    assert event.unused_seat_reminder_days == [10, 3]
    # The edit page shows the stored days; posted back unchanged, they stay.
    assert 'value="10,3"' in web.get(f"/events/{event.pk}/edit/").content.decode()
    assert (
        web.post(
            f"/events/{event.pk}/edit/", event_post(unused_seat_reminder_days="10,3")
        ).status_code
        == 302
    )
    event.refresh_from_db()
    assert event.unused_seat_reminder_days == [10, 3]
    web.post(f"/events/{event.pk}/edit/", event_post(unused_seat_reminder_days="5"))
    event.refresh_from_db()
    assert event.unused_seat_reminder_days == [5]
    web.post(f"/events/{event.pk}/edit/", event_post(unused_seat_reminder_days=""))
    event.refresh_from_db()
    assert event.unused_seat_reminder_days == []
    assert web.post("/events/new/", event_post(title="Utan", capacity="40")).status_code == 302
    assert Event.objects.get(title="Utan").unused_seat_reminder_days == [7, 2]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["sju", "7,-2", "0", "400", "1,2,3,4,5,6"])
def test_the_form_refuses_bad_days(personas, value):
    web = personas.web(personas.city_coordinator)
    response = web.post("/events/new/", event_post(unused_seat_reminder_days=value))
    assert response.status_code == 400
    assert 'id="id_unused_seat_reminder_days_error"' in response.content.decode()


@pytest.mark.django_db
def test_the_api_adds_the_days(personas):
    api = personas.api(personas.city_coordinator)
    body = {
        "title": "API-konferens",
        "starts_at": "2031-03-26T09:00:00+01:00",
        "ends_at": "2031-03-26T16:00:00+01:00",
        "capacity": 10,
    }
    created = api.post("/api/v1/events", body).json()
    assert created["unused_seat_reminder_days"] == [7, 2]
    url = f"/api/v1/events/{created['id']}"
    assert api.patch(url, {"unused_seat_reminder_days": [2, 14, 2]}).json()[
        "unused_seat_reminder_days"
    ] == [14, 2]
    assert api.patch(url, {"unused_seat_reminder_days": None}).json()[
        "unused_seat_reminder_days"
    ] == [14, 2]
    assert api.patch(url, {"unused_seat_reminder_days": [0]}).status_code == 400
    assert api.patch(url, {"unused_seat_reminder_days": "7,2"}).status_code == 400


# ---- Failed mail on the links page ---------------------------------------------------------


@pytest.mark.django_db
def test_the_links_page_shows_failed_mailbox_mail(personas, chase, clock):
    radar_services.unused_seat_reminders_send()
    OutboxMessage.objects.filter(kind=KIND, to="brevlada@a.example").update(
        status=OutboxStatus.FAILED
    )
    # A failed mail to a coordinator is not the mailbox's.
    OutboxMessage.objects.filter(kind=KIND, to="hr_b@stad.example").update(
        status=OutboxStatus.FAILED
    )
    failed = failed_mailbox_mail(user=personas.admin, event=chase.event)
    assert set(failed) == {personas.org_a.pk}
    assert failed_mailbox_mail(user=personas.coordinator_b, event=chase.event) == {}
    assert set(failed_mailbox_mail(user=personas.coordinator_a, event=chase.event)) == {
        personas.org_a.pk
    }
    html = personas.web(personas.admin).get(f"/events/{chase.event.pk}/links/").content.decode()
    assert html.count("E-post till funktionsbrevlådan misslyckades") == 1
    # The link's own mail, failed, counts too (and another event's does not).
    other = EventFactory()
    AllocationFactory(event=other, organisations=[personas.org_b])
    other_link = OrganisationLink.objects.get(event=other, organisation=personas.org_b)
    OutboxMessage.objects.create(
        kind="events.organisation_link",
        to="brevlada@b.example",
        subject="x",
        body_text="x",
        about=f"events.link:{other_link.pk}",
        status=OutboxStatus.FAILED,
    )
    assert set(failed_mailbox_mail(user=personas.admin, event=chase.event)) == {personas.org_a.pk}
    assert set(failed_mailbox_mail(user=personas.admin, event=other)) == {personas.org_b.pk}


def test_a_failed_reminder_to_a_coordinator_is_on_the_citys_start_page(personas, chase):
    reminder = UnusedSeatReminder.objects.create(
        allocation=chase.beta, days_before=7, sent_at=timezone.now(), unused=3
    )
    OutboxMessage.objects.create(
        kind=KIND,
        to="samordnare.b@b.example",
        subject="Oanvända platser",
        body_text="Hej",
        about=f"events.unused_seats:{reminder.pk}",
        status=OutboxStatus.FAILED,
    )
    city = personas.web(personas.city_coordinator).get("/").content.decode()
    assert "1 e-postmeddelande kunde inte skickas." in city
    assert f'href="/events/{chase.event.pk}/radar/"' in city
    assert "samordnare.b@b.example" not in city
    # An org coordinator does not send the reminders, so theirs are not on their page.
    theirs = personas.web(personas.coordinator_b).get("/").content.decode()
    assert "kunde inte skickas" not in theirs
