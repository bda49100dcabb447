"""The two demo conferences: Jämlikhetskonferensen 2020 replayed as of spring 2020 and
archived, and the upcoming conference in its quota phase."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jamlik.demo.events.replay import (
    People,
    _allocations,
    _at,
    _register,
    _sessions,
    _time,
)
from jamlik.demo.events.seed import (
    ALLOCATIONS,
    CONTACT,
    DEMAND_2020,
    DESCRIPTION_2020,
    PROGRAMME_2020,
    PROGRAMME_UPCOMING,
    TITLE_2020,
    UPCOMING_PREFIX,
)
from jamlik.events import services
from jamlik.events.models import Event, EventKind, Registration, Status
from jamlik.events.services.privacy import registration_set_protected
from jamlik.orgs.models import Organisation

# ---- Jämlikhetskonferensen 2020 ------------------------------------------------------------------


def _conference_2020(organisations: dict[str, Organisation]) -> Event:
    day = dt.date(2020, 5, 27)
    with _time(_at(dt.date(2020, 3, 25), "10:00")):
        event = services.event_create(
            actor=None,
            title=TITLE_2020,
            description=DESCRIPTION_2020,
            venue="Burgården konferens, Skånegatan 20, Göteborg",
            starts_at=_at(day, "08:30"),
            ends_at=_at(day, "16:30"),
            capacity=500,
            opens_at=_at(dt.date(2020, 4, 1), "08:00"),
            quota_lock_until=_at(dt.date(2020, 4, 27), "08:00"),
            closes_at=_at(dt.date(2020, 5, 20), "16:00"),
            categories=["employee", "elected", "partner"],
            approval_required=False,
            waitlist_enabled=True,
            kind=EventKind.CONFERENCE,
            status="published",
            contact_email=CONTACT,
        )
        sessions = _sessions(event, day, PROGRAMME_2020)
        groups = _allocations(event, organisations)
    with _time(_at(dt.date(2020, 3, 30), "09:00")):
        services.links_send(actor=None, event=event)
    people = People(seed=1)
    n = 0
    # The quota phase: 1–26 April, people of every group in turn.
    queue = sorted(
        (
            (index, number, group)
            for number, (group, demand) in enumerate(zip(groups, DEMAND_2020, strict=True))
            for index in range(demand)
            if group
        ),
        key=lambda item: (item[0], item[1]),
    )
    opens = _at(dt.date(2020, 4, 1), "08:05")
    span = dt.timedelta(days=25, hours=8)
    registered: list[Registration] = []
    for position, (index, _number, group) in enumerate(queue):
        organisation = group[(index * 3 + position) % len(group)]
        with _time(opens + span * position / len(queue)):
            registration = _register(event, organisation, people, sessions, n)
        n += 1
        if registration is not None:
            registered.append(registration)
    # Three from the districts cancel before the release; their seats go to the waiting list.
    district_codes = set(ALLOCATIONS[0][2])
    district = [r for r in registered if r.organisation and r.organisation.code in district_codes]
    for registration in district[5:8]:
        with _time(_at(dt.date(2020, 4, 20), "14:00")):
            services.registration_cancel(registration=registration)
    # The release, served by the worker at 08:00 on 27 April.
    with _time(_at(dt.date(2020, 4, 27), "08:00")):
        services.event_release_if_due(event=event)
    # The open phase: anyone, through the links and the public page, until the event is full.
    all_orgs = [org for group in groups for org in group]
    later = _at(dt.date(2020, 4, 27), "08:10")
    for index in range(70):
        organisation = None if index % 5 == 4 else all_orgs[(index * 7) % len(all_orgs)]
        with _time(later + dt.timedelta(hours=index * 5)):
            registration = _register(
                event, organisation, people, sessions, n, via_link=organisation is not None
            )
        n += 1
        if registration is not None:
            registered.append(registration)
    # Ten cancel in May; each freed seat goes to the first person waiting.
    confirmed = [r for r in registered if r.status == Status.CONFIRMED]
    for index, registration in enumerate(confirmed[40:440:40]):
        with _time(_at(dt.date(2020, 5, 4 + index), "11:00")):
            services.registration_cancel(registration=registration)
    # The day: most of them come.
    present = Registration.objects.filter(event=event, status=Status.CONFIRMED).order_by("id")
    for index, registration in enumerate(present):
        if index % 9 == 4:
            continue  # no-show
        with _time(_at(day, "07:50") + dt.timedelta(seconds=index * 6)):
            services.registration_check_in(registration=registration, actor=None)
    with _time(_at(dt.date(2020, 9, 1), "09:00")):
        services.event_update(actor=None, event=event, status="archived")
    return event


# ---- The upcoming conference ---------------------------------------------------------------------


def _upcoming(organisations: dict[str, Organisation]) -> Event:
    now = timezone.localtime(timezone.now())
    day = (now + dt.timedelta(days=61)).date()
    while day.weekday() != 2:  # a Wednesday, like the seed's
        day += dt.timedelta(days=1)
    release_day = (now + dt.timedelta(days=21)).date()
    event = services.event_create(
        actor=None,
        title=f"{UPCOMING_PREFIX} {day.year}",
        description=(
            "Stadens årliga konferens om målet att Göteborg ska vara en jämlik stad: "
            "aktiva åtgärder, arbetsmiljö och jämlik hälsa. Platserna fördelas per "
            "förvaltning och bolag fram till anmälningsspärren; därefter släpps de fria. "
            "Din närmaste chef godkänner anmälan."
        ),
        venue="Burgården konferens, Skånegatan 20, Göteborg",
        starts_at=_at(day, "08:30"),
        ends_at=_at(day, "16:30"),
        capacity=500,
        opens_at=now - dt.timedelta(days=3),
        quota_lock_until=_at(release_day, "08:00"),
        closes_at=_at(day - dt.timedelta(days=7), "16:00"),
        categories=["employee", "elected", "partner"],
        approval_required=True,
        approval_hold_hours=120,
        waitlist_enabled=True,
        kind=EventKind.CONFERENCE,
        status="published",
        contact_email=CONTACT,
    )
    sessions = _sessions(event, day, PROGRAMME_UPCOMING)
    groups = _allocations(event, organisations)
    services.links_send(actor=None, event=event)
    people = People(seed=5000)
    # Stadsbyggnadskontoret (quota 12) is keen: two wait already.
    demand = [30, 6, 5, 4, 3, 2, 14, 2, 6, 5, 4, 3, 3]
    n = 0
    made: list[Registration] = []
    for group, count in zip(groups, demand, strict=True):
        for index in range(count):
            if not group:
                break
            with _time(now - dt.timedelta(days=2, minutes=-n * 30)):
                registration = _register(event, group[index % len(group)], people, sessions, n)
            n += 1
            if registration is not None:
                made.append(registration)
    # Most managers have answered already; one said no.
    held = [r for r in made if r.status == Status.PENDING_APPROVAL]
    for index, registration in enumerate(held):
        if index % 6 == 5:
            continue  # still waiting for the manager
        services.approval_decide(registration=registration, approve=index != 7)
    # One participant has protected personal data (docs/rules.md#privacy-protected-identity):
    # the city's coordinators see them, marked; no one else's list names them. Their needs
    # are counted with the others' (the demo's people state some: replay._register).
    confirmed = list(event.registrations.filter(status=Status.CONFIRMED).order_by("id"))
    if confirmed:
        protected = confirmed[len(confirmed) // 2]
        protected.dietary = protected.dietary or "Glutenfri"
        protected.save()
        registration_set_protected(actor=None, registration=protected, protected=True)
    _organisers_work(event, now)
    return event


def _organisers_work(event: Event, now: dt.datetime) -> None:
    """What the organisers did before the release: the reminders of unused seats 22 days
    before it went to the allocations with seats left (docs/rules.md#events-unused-seats-
    before-the-release; their mails are removed with the replay's), and Trafikkontoret's
    coordinator registered two colleagues on their behalf (#events-registering-others)."""
    from jamlik.core.models import User
    from jamlik.events.services.radar import unused_seat_reminders_send

    event = services.event_update(actor=None, event=event, unused_seat_reminder_days=[22, 7, 2])
    assert event.quota_lock_until is not None
    with _time(event.quota_lock_until - dt.timedelta(days=22, hours=-1)):
        unused_seat_reminders_send()
    coordinator = User.objects.filter(username="trafik").first()
    if coordinator is None or coordinator.organisation is None:
        return
    for name, address in (
        ("Johan Ek", "johan.ek@trafikkontoret.goteborg.se"),
        ("Sara Nord", "sara.nord@trafikkontoret.goteborg.se"),
    ):
        with _time(now - dt.timedelta(hours=3)):
            services.registration_create_by_staff(
                actor=coordinator,
                event=event,
                data={
                    "organisation": coordinator.organisation.pk,
                    "name": name,
                    "email": address,
                    "manager_email": "avdelningschef.hr@trafikkontoret.goteborg.se",
                },
            )
