"""The events demo: the seed's conference as in the seed, an upcoming one in its quota phase,
idempotent, with counters equal to the rows and no mail left for invented addresses."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from jamlik.core.models import AuditEntry
from jamlik.demo import events as demo_events
from jamlik.demo import organisations, users
from jamlik.demo.events.offers import OFFERS_CAPACITY, OFFERS_TITLE
from jamlik.demo.loader import DemoResult
from jamlik.events import services
from jamlik.events.models import Event, Registration, UnusedSeatReminder
from jamlik.events.selectors import seat_counts_from_counters, seat_counts_from_rows
from jamlik.notifications.models import OutboxMessage
from jamlik.orgs.models import Organisation

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_demo_events_as_in_the_seed_and_idempotent():
    organisations.load()
    users.load({o.code: o for o in Organisation.objects.all()})  # the coordinators
    result = DemoResult()
    demo_events.load(result)
    conference = Event.objects.get(title="Jämlikhetskonferensen 2020")
    assert conference.starts_at == dt.datetime(2020, 5, 27, 8, 30, tzinfo=STOCKHOLM)
    assert conference.venue.startswith("Burgården konferens")
    assert conference.capacity == 500
    assert conference.quota_lock_until == dt.datetime(2020, 4, 27, 8, 0, tzinfo=STOCKHOLM)
    assert conference.status == "archived"
    allocations = {a.name: a for a in conference.allocations.all()}
    assert len(allocations) == 13
    assert allocations["Stadsdelsförvaltningarna (totalt)"].quota == 200
    assert allocations["Stadsdelsförvaltningarna (totalt)"].organisations.count() == 10
    assert sum(a.quota for a in allocations.values()) == 499
    links = list(conference.links.select_related("organisation"))
    assert len(links) == sum(a.organisations.count() for a in allocations.values())
    assert all(link.sent_at for link in links if link.organisation.mailbox)
    assert conference.sessions.count() == 9
    assert conference.registrations.count() >= 300
    assert conference.waiting_count > 0
    assert conference.registrations.filter(checked_in_at__isnull=False).count() > 300

    upcoming = (
        Event.objects.filter(title__startswith="Jämlikhetskonferensen")
        .exclude(pk=conference.pk)
        .get()
    )
    assert upcoming.status == "published"
    assert services.event_phase(upcoming) == "quota"
    assert upcoming.held_count > 0 and upcoming.waiting_count > 0
    assert any("/r/" in line for line in result.links)
    # The organisers' own work: reminders of unused seats, colleagues registered by staff.
    assert UnusedSeatReminder.objects.filter(allocation__event=upcoming, days_before=22).exists()
    by_staff = AuditEntry.objects.filter(
        action="events.registration.registered_by_staff", actor__username="trafik"
    )
    assert by_staff.count() == 2
    # Privacy: one protected participant, and needs stored apart (docs/rules.md#privacy).
    assert upcoming.registrations.filter(protected_identity=True, status="confirmed").count() == 1
    assert upcoming.registrations.filter(needs__isnull=False).count() > 3

    # The seminar with waiting-list offers: one offer claimed, one open, one still waiting.
    seminar = Event.objects.get(title=OFFERS_TITLE)
    assert seminar.waitlist_offer_hours == 48
    statuses = list(seminar.registrations.values_list("status", flat=True))
    assert statuses.count("offered") == 1 and statuses.count("waiting") == 1
    assert statuses.count("cancelled") == 2
    assert seminar.confirmed_count == OFFERS_CAPACITY - 1 and seminar.held_count == 1
    offered = seminar.registrations.get(status="offered")
    assert offered.hold_expires_at > dt.datetime.now(tz=STOCKHOLM) + dt.timedelta(hours=40)

    for event in (conference, upcoming, seminar):
        assert seat_counts_from_rows(event) == seat_counts_from_counters(event)
    # The replay's mail never leaves; two refused confirmations stay for the start page.
    failed = OutboxMessage.objects.filter(kind__startswith="events.")
    assert [m.status for m in failed] == ["failed", "failed"]
    assert all(m.about.startswith("events.registration:") for m in failed)

    before = (Event.objects.count(), Registration.objects.count())
    demo_events.load(DemoResult())
    assert (Event.objects.count(), Registration.objects.count()) == before
    assert OutboxMessage.objects.filter(kind__startswith="events.").count() == 2
