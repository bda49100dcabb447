"""Factories of the events app. They go through the services, so counters, links and
audit entries are as the app makes them."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import factory

from jamlik.events import clock, services
from jamlik.events.models import Allocation, Event, Session

_serial = itertools.count(1)


class EventFactory(factory.django.DjangoModelFactory):
    """A published conference in its quota phase: opened yesterday, release in a week, the
    event in a month, 100 seats, every category, a waiting list, no approval."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Konferens {n}")
    description = "Om jämlikhet."
    venue = "Burgården konferens"
    capacity = 100
    starts_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=8))
    opens_at = factory.LazyFunction(lambda: clock.now() - timedelta(days=1))
    quota_lock_until = factory.LazyFunction(lambda: clock.now() + timedelta(days=7))
    closes_at = factory.LazyAttribute(lambda e: e.starts_at - timedelta(days=1))
    categories = factory.LazyFunction(lambda: ["employee", "elected", "partner"])
    approval_required = False
    approval_hold_hours = 72
    waitlist_enabled = True
    kind = "conference"
    status = "published"
    contact_email = "jamlikt@stad.example"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.event_create(actor=None, **kwargs)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Grupp {n}")
    quota = 10
    organisations = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.allocation_create(actor=None, **kwargs)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Seminarium {n}")
    description = ""
    speakers = "Anna Andersson"
    room = "Sal A"
    starts_at = factory.LazyAttribute(lambda s: s.event.starts_at + timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))
    capacity = 50

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        event = kwargs.pop("event")
        return services.session_create(actor=None, event=event, **kwargs)


def register(event: Event, organisation: Any = None, **fields: Any) -> services.RegistrationOutcome:
    """Register one person through the organisation's link (unique address unless given)."""
    n = next(_serial)
    domain = (
        organisation.domains[0]
        if organisation is not None and organisation.domains
        else "x.example"
    )
    data = {
        "name": f"Person {n}",
        "email": f"person{n}@{domain}",
        "category": "employee",
        "consent": True,
        "via_link": True,
    }
    if event.approval_required:
        data["manager_email"] = f"chef{n}@{domain}"
    data.update(fields)
    return services.registration_create(event=event, organisation=organisation, **data)
