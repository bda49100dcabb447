"""The events demo: the seed's conference as in the seed, an upcoming one in its quota phase,
idempotent, with counters equal to the rows and no mail left for invented addresses."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from jamlik.demo import events as demo_events
from jamlik.demo import organisations
from jamlik.demo.loader import DemoResult
from jamlik.events import services
from jamlik.events.models import Event, Registration
from jamlik.events.selectors import seat_counts_from_counters, seat_counts_from_rows
from jamlik.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_demo_events_as_in_the_seed_and_idempotent():
    organisations.load()
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

    for event in (conference, upcoming):
        assert seat_counts_from_rows(event) == seat_counts_from_counters(event)
    # The replay's mail never leaves; two refused confirmations stay for the start page.
    failed = OutboxMessage.objects.filter(kind__startswith="events.")
    assert [m.status for m in failed] == ["failed", "failed"]
    assert all(m.about.startswith("events.registration:") for m in failed)

    before = (Event.objects.count(), Registration.objects.count())
    demo_events.load(DemoResult())
    assert (Event.objects.count(), Registration.objects.count()) == before
    assert OutboxMessage.objects.filter(kind__startswith="events.").count() == 2
