"""Replaying the events services as of a past or future moment: times in Stockholm, the
events app's clock set for a block, invented people, sessions, the allocation table applied
and registrations made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from jamlik.core.errors import Conflict
from jamlik.demo.events.seed import (
    ALLOCATIONS,
    FIRST,
    LAST,
    STOCKHOLM,
    TITLES,
)
from jamlik.events import clock, services
from jamlik.events.models import Event, Registration, Session
from jamlik.orgs.models import Organisation


def _at(day: dt.date, clock_time: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock_time.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


@contextmanager
def _time(moment: dt.datetime) -> Iterator[None]:
    """Run the services as of ``moment`` through the events app's one clock."""
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


class People:
    """Plausible Swedish names, each with a unique address at the organisation's domain."""

    def __init__(self, seed: int) -> None:
        self.counter = itertools.count(seed)
        self.used: set[str] = set()

    def next(self, organisation: Organisation) -> tuple[str, str]:
        n = next(self.counter)
        first = FIRST[(n * 7) % len(FIRST)]
        last = LAST[(n * 11 + n // len(FIRST)) % len(LAST)]
        name = f"{first} {last}"
        local = name.lower().replace(" ", ".")
        for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
            local = local.replace(a, b)
        domain = organisation.domains[0] if organisation.domains else "goteborg.se"
        address = f"{local}@{domain}"
        suffix = 2
        while address.lower() in self.used:
            address = f"{local}{suffix}@{domain}"
            suffix += 1
        self.used.add(address.lower())
        return name, address


def _sessions(event: Event, day: dt.date, programme: list[tuple]) -> list[Session]:
    made = []
    for start, end, title, room, capacity, speakers, description in programme:
        made.append(
            services.session_create(
                actor=None,
                event=event,
                title=title,
                description=description,
                speakers=speakers,
                room=room,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                capacity=capacity,
            )
        )
    return made


def _allocations(event: Event, organisations: dict[str, Organisation]) -> list[list]:
    groups = []
    for name, quota, codes in ALLOCATIONS:
        members = [organisations[c] for c in codes if c in organisations]
        services.allocation_create(
            actor=None, event=event, name=name, quota=quota, organisations=members
        )
        groups.append(members)
    return groups


def _session_choice(sessions: list[Session], n: int) -> list[list[int]]:
    """Choices in order of preference: one session of each parallel slot, spread evenly."""
    slots: dict[tuple, list[Session]] = {}
    for session in sessions:
        slots.setdefault((session.starts_at, session.ends_at), []).append(session)
    parallel = [group for group in slots.values() if len(group) > 1]
    options = []
    for shift in range(4):
        options.append([g[(n + shift) % len(g)].pk for g in parallel])
    options.append([])
    return options


def _register(
    event: Event,
    organisation: Organisation | None,
    people: People,
    sessions: list[Session],
    n: int,
    *,
    via_link: bool = True,
    category: str | None = None,
) -> Registration | None:
    owner = organisation or Organisation(name="", domains=["partner.example"])
    name, address = people.next(owner)
    if category is None:
        external = organisation is None or organisation.kind == "external"
        category = "partner" if external else ("elected" if n % 9 == 0 else "employee")
    for choice in _session_choice(sessions, n):
        try:
            return services.registration_create(
                event=event,
                organisation=organisation,
                name=name,
                email=address,
                category=category,
                title=TITLES[n % len(TITLES)],
                dietary="Vegetarisk" if n % 7 == 0 else ("Laktosfri" if n % 13 == 0 else ""),
                accessibility="Hörslinga" if n % 41 == 0 else "",
                manager_email=f"chef.{n}@{(owner.domains or ['goteborg.se'])[0]}",
                sessions=choice,
                consent=True,
                via_link=via_link,
            ).registration
        except Conflict as exc:
            if exc.code != "session_full":
                return None
    return None
