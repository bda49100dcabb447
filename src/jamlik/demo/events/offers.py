"""The demo seminar with waiting-list offers (docs/rules.md#events-waiting-list-offers): a
small follow-up seminar, open to all (no quotas), full, with a claim window of 48 hours. Two
people cancelled, so the first two on the waiting list were offered their seats: one has
claimed it, one has not answered yet (the organiser's list and that person's manage page
show the offer and its deadline), and one still waits."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jamlik.demo.events.replay import People, _at, _register, _time
from jamlik.demo.events.seed import CONTACT
from jamlik.events import services
from jamlik.events.models import Event, EventKind, Status
from jamlik.orgs.models import Organisation

OFFERS_TITLE = "Uppföljningsseminarium: kränkande särbehandling"
OFFERS_CAPACITY = 12


def offers_seminar(organisations: dict[str, Organisation]) -> Event:
    """The seminar, made once (found by its title and a start in the future)."""
    found = Event.objects.filter(title=OFFERS_TITLE, starts_at__gt=timezone.now()).first()
    if found is not None:
        return found
    now = timezone.localtime(timezone.now())
    day = (now + dt.timedelta(days=30)).date()
    event = services.event_create(
        actor=None,
        title=OFFERS_TITLE,
        description=(
            "Ett halvdagsseminarium för chefer och HR om rutinerna mot kränkande "
            "särbehandling. Få platser: blir en plats ledig erbjuds den första i kön, "
            "som har 48 timmar på sig att ta den."
        ),
        venue="Stadshuset, Gustaf Adolfs torg 4, Göteborg",
        starts_at=_at(day, "13:00"),
        ends_at=_at(day, "16:30"),
        capacity=OFFERS_CAPACITY,
        opens_at=now - dt.timedelta(days=6),
        categories=["employee"],
        waitlist_enabled=True,
        waitlist_offer_hours=48,
        kind=EventKind.WORKSHOP,
        status="published",
        contact_email=CONTACT,
    )
    people = People(seed=8000)
    chosen = sorted(organisations.values(), key=lambda o: o.code)[:6]
    made = []
    for n in range(OFFERS_CAPACITY + 3):
        with _time(now - dt.timedelta(days=5, minutes=-n * 40)):
            registration = _register(
                event, chosen[n % len(chosen)], people, [], n, via_link=False, category="employee"
            )
        if registration is not None:
            made.append(registration)
    seated = [r for r in made if r.status == Status.CONFIRMED]
    # The first cancellation's offer was claimed; the second's is open (until ~43 h from now).
    with _time(now - dt.timedelta(days=1)):
        services.registration_cancel(registration=seated[0])
    with _time(now - dt.timedelta(hours=20)):
        services.offer_claim(registration=made[OFFERS_CAPACITY])
    with _time(now - dt.timedelta(hours=5)):
        services.registration_cancel(registration=seated[1])
    return event
