"""The public page (/e/), the link page (/r/), the public API and the registration service agree
on what a visitor can do now (docs/rules.md#events-visitor-options): through every phase, a
registration succeeds exactly when ``registration.can_register`` says so, and the pages show
their form exactly then."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

from jamlik.events import services
from jamlik.events.models import Event
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

numbers = count(1)


def person(domain="partner.example", category="partner"):
    n = next(numbers)
    return {
        "name": f"Besökare {n}",
        "email": f"visitor{n}@{domain}",
        "category": category,
        "consent": True,
        "sessions": [],
        "organisation": None,
    }


def shows_form(client, url):
    html = client.get(url).content.decode()
    return 'name="consent"' in html


def agree(personas, client, event, organisation):
    """Page, API and service for the public page and for ``organisation``'s link; returns
    (public can_register, link can_register)."""
    api = personas.api()
    token = services.link_ensure(event=event, organisation=organisation).token
    public = api.get(f"/api/v1/public/events/{event.pk}").json()["registration"]
    link = api.get(f"/api/v1/public/links/{token}").json()["registration"]
    assert shows_form(client, f"/e/{event.pk}") == public["can_register"]
    assert shows_form(client, f"/r/{token}") == link["can_register"]
    assert public["message"] and link["message"]
    assert (public["outcome"] != "none") == public["can_register"]
    made = api.post(f"/api/v1/public/events/{event.pk}/registrations", person())
    assert (made.status_code == 201) == public["can_register"], made.json()
    if made.status_code != 201:
        assert made.json()["code"] == public["reason"]
    made = api.post(
        f"/api/v1/public/links/{token}/registrations",
        person(organisation.domains[0], category="employee"),
    )
    assert (made.status_code == 201) == link["can_register"], made.json()
    if made.status_code != 201:
        assert made.json()["code"] == link["reason"]
    elif link["outcome"] == "waiting_list":
        assert made.json()["status"] == "waiting"
    return public["can_register"], link["can_register"]


def change(event, **fields):
    Event.objects.filter(pk=event.pk).update(**fields)
    return Event.objects.get(pk=event.pk)


def test_before_opening_nobody(personas, client, clock):
    event = change(EventFactory(), opens_at=clock() + timedelta(days=1))
    assert agree(personas, client, event, personas.org_a) == (False, False)


def test_quota_phase_with_an_allocation_only_the_link(personas, client, clock):
    event = EventFactory()
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    assert agree(personas, client, event, personas.org_a) == (False, True)


@pytest.mark.parametrize("waitlist", [True, False])
def test_quota_phase_without_allocations(personas, client, clock, waitlist):
    event = change(EventFactory(), waitlist_enabled=waitlist)
    # Through a link: the waiting list when there is one, else nothing.
    assert agree(personas, client, event, personas.org_b) == (False, waitlist)


def test_after_the_release_everyone(personas, client, clock):
    event = change(EventFactory(), quota_lock_until=clock() - timedelta(minutes=1))
    assert agree(personas, client, event, personas.org_b) == (True, True)


@pytest.mark.parametrize("waitlist", [True, False])
def test_full(personas, client, clock, waitlist):
    event = change(
        EventFactory(capacity=1),
        quota_lock_until=clock() - timedelta(minutes=1),
        waitlist_enabled=waitlist,
    )
    register(event, None, email="first@partner.example", category="partner")
    event.refresh_from_db()
    assert agree(personas, client, event, personas.org_b) == (waitlist, waitlist)


def test_closed_nobody(personas, client, clock):
    event = change(
        EventFactory(),
        quota_lock_until=clock() - timedelta(days=2),
        closes_at=clock() - timedelta(minutes=1),
    )
    assert agree(personas, client, event, personas.org_a) == (False, False)


def test_the_editor_says_what_the_public_page_does(personas, client, clock):
    """The editor's summary no longer says "all seats are open" while nobody gets one, and
    warns that nobody can join."""
    event = EventFactory()
    client.force_login(personas.admin)
    html = client.get(f"/events/{event.pk}/edit/").content.decode()
    assert "alla platser är öppna för alla." not in html.split("Ingen platsfördelning")[0][-5:]
    assert "publish-warning" in html
    assert "Ingen kan få en plats före frisläppningen" in html
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    html = client.get(f"/events/{event.pk}/edit/").content.decode()
    assert "publish-warning" not in html
